// The terminal and the host over real loopback sockets, CUP dialect with MACs: the seed incidents
// end to end, and a fault matrix between them.
#include <catch2/catch.hpp>

#include "device_bridge/crypto.h"
#include "device_bridge/net/tcp.h"
#include "device_bridge/net/wire_link.h"
#include "device_bridge/wire.h"

#include "wire_fixtures.h"

using namespace posdrill;
using test::HostService;

namespace {

constexpr const char* pan = "6200000000000047";
constexpr const char* pin = "147258";

Setup story_setup() {
  Setup s;
  s.card = pan;
  s.pin = pin;
  s.amount_minor = 32800;
  s.balance_minor = 500000;
  s.terminal_id = "10000001";
  s.merchant_id = "898310048161234";
  return s;
}

// The shared wired terminal (device_bridge/wire.h) with the test card, and a one-shot fault.
struct TestTerminal : WiredTerminal {
  using WiredTerminal::WiredTerminal;

  std::vector<TerminalRecord> run(TerminalOp op, std::optional<int64_t> amount = std::nullopt,
                                  std::string_view customer_pin = pin, const TerminalRecord* original = nullptr) {
    TerminalRequest r;
    r.op = op;
    r.amount_minor = amount;
    if (original) {
      r.original_auth_code = original->auth_code;
      r.original_date_mmdd = original->date_mmdd;
    }
    CardPresentation card;
    card.pan = pan;
    return WiredTerminal::run(r, card, customer_pin);
  }
  void fault_next(LinkFault::Kind kind) {
    auto once = std::make_shared<bool>(false);
    faults.set_hook([once, kind](const IsoMessage& m) {
      if (*once || m.mti == "0800" || m.mti == "0400") return LinkFault{};
      *once = true;
      LinkFault f;
      f.kind = kind;
      return f;
    });
  }
};

// By value: callers pass the temporary vector an operation returns.
TerminalRecord last(const std::vector<TerminalRecord>& records) {
  REQUIRE_FALSE(records.empty());
  return records.back();
}

int count_mti(const std::vector<HostJournalEntry>& j, const std::string& mti) {
  int n = 0;
  for (const auto& e : j) n += e.mti == mti ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("the wire host drops garbage and answers a bad MAC with A0", "[wire]") {
  AcquirerHost host(host_config_from(story_setup()));
  WireHost wire(host);
  FrameServer::Reply garbage = wire.handle("not an iso message at all", TerminalTime{});
  CHECK_FALSE(garbage);
  CHECK(garbage.close);  // the connection that sent it is closed
  CHECK(wire.handle(std::string(3, '\0'), TerminalTime{}).close);
  CHECK(wire.counters().undecodable == 2);

  IsoMessage sale;
  sale.mti = "0200";
  sale.set(3, "000000");
  sale.set(4, "000000032800");
  sale.set(11, "000001");
  sale.set(25, "00");
  sale.set(41, "10000001");
  sale.set(42, "898310048161234");
  std::string bytes;
  EncodeOptions eo;
  eo.mac_key = "WRONGKEY";  // 8 bytes, not the host's key
  REQUIRE(encode(sale, Dialect::cup, bytes, eo).ok());
  auto answer = wire.handle(bytes, TerminalTime{});
  REQUIRE(answer);
  IsoMessage decoded;
  REQUIRE(decode(*answer, Dialect::cup, decoded).ok());
  CHECK(decoded.mti == "0210");
  CHECK(decoded.get(39) == "A0");
  CHECK(wire.counters().bad_mac == 1);
  CHECK(host.journal().empty());  // nothing was processed
}

TEST_CASE("a sale over loopback signs on with MACs and is approved", "[wire][e2e][threads]") {
  Setup setup = story_setup();
  HostService service(setup);
  TestTerminal t(setup, service.at, default_training_start_ms());
  CHECK(last(t.run(TerminalOp::sale, 32800)).screen.zh.find("签到") != std::string::npos);  // not signed on yet
  CHECK(last(t.run(TerminalOp::sign_on)).response_code == "00");
  TerminalRecord r = last(t.run(TerminalOp::sale, 32800));
  CHECK(r.response_code == "00");
  CHECK(r.auth_code.size() == 6);
  CHECK(t.terminal.signed_on());
  auto j = service.journal();
  CHECK(count_mti(j, "0800") == 1);
  CHECK(count_mti(j, "0200") == 1);
  CHECK(service.available(pan) == 500000 - 32800);
  for (const auto& receipt : t.terminal.take_receipts())
    for (const auto& line : receipt.lines) CHECK(line.find(pan) == std::string::npos);
}

TEST_CASE("seed incident over loopback - answer lost then the automatic reversal", "[wire][e2e][reversal][threads]") {
  Setup setup = story_setup();
  HostService service(setup);
  TestTerminal t(setup, service.at, default_training_start_ms());
  t.run(TerminalOp::sign_on);
  t.fault_next(LinkFault::Kind::answer_lost);
  TerminalRecord lost = last(t.run(TerminalOp::sale, 32800));
  CHECK(lost.response_code.empty());
  CHECK(t.terminal.reversal_pending());
  CHECK(service.available(pan) == 500000 - 32800);  // the issuer booked it: the customer's debit SMS

  t.faults.set_hook({});
  TerminalRecord inquiry = last(t.run(TerminalOp::balance_inquiry));
  CHECK(inquiry.reversal_sent);
  CHECK(inquiry.response_code == "00");
  CHECK_FALSE(t.terminal.reversal_pending());
  CHECK(count_mti(service.journal(), "0400") == 1);  // the host journal shows the 0400
  CHECK(service.available(pan) == 500000);
}

TEST_CASE("seed incident over loopback - a second sale without the reversal charges twice",
          "[wire][e2e][reversal][threads]") {
  Setup setup = story_setup();
  HostService service(setup);
  TestTerminal t(setup, service.at, default_training_start_ms());
  t.run(TerminalOp::sign_on);
  t.fault_next(LinkFault::Kind::answer_lost);
  t.run(TerminalOp::sale, 32800);
  // Every reversal vanishes: the terminal gives up (冲正不成功) and the cashier swipes again.
  t.faults.set_hook([](const IsoMessage& m) {
    LinkFault f;
    if (m.mti == "0400") f.kind = LinkFault::Kind::vanish;
    return f;
  });
  auto records = t.run(TerminalOp::sale, 32800);
  bool reversal_failed = false;
  for (const auto& r : records) reversal_failed = reversal_failed || r.reversal_failed;
  CHECK(reversal_failed);
  t.faults.set_hook({});
  TerminalRecord again = last(t.run(TerminalOp::sale, 32800));
  if (again.reversal_sent) {
    CHECK(service.available(pan) == 500000 - 32800);  // reversed first: one debit
  } else {
    CHECK(again.response_code == "00");
    CHECK(service.available(pan) == 500000 - 2 * 32800);  // double charge
  }
}

TEST_CASE("seed incident over loopback - a pre-auth answer without DE2", "[wire][e2e][preauth][threads]") {
  Setup setup = story_setup();
  HostService service(setup);
  TestTerminal t(setup, service.at, default_training_start_ms());
  t.run(TerminalOp::sign_on);
  t.faults.set_hook([](const IsoMessage& m) {
    LinkFault f;
    if (m.mti == "0100") f.kind = LinkFault::Kind::omit_pan;
    return f;
  });
  TerminalRecord pre = last(t.run(TerminalOp::preauth, 200000));
  REQUIRE(pre.response_code == "00");
  t.faults.set_hook({});
  bool blank_card = false;
  for (const auto& e : t.terminal.batch_list()) blank_card = blank_card || e.masked_pan.empty();
  CHECK(blank_card);

  TerminalRecord found = last(t.run(TerminalOp::transaction_query));
  REQUIRE(found.found_original);
  TerminalRecord guessed = found;
  guessed.auth_code = found.auth_code == "123456" ? "654321" : "123456";
  CHECK(last(t.run(TerminalOp::preauth_completion, 221600, pin, &guessed)).response_code == "25");
  TerminalRecord done = last(t.run(TerminalOp::preauth_completion, 221600, pin, &found));
  CHECK(done.response_code == "00");
  CHECK(done.references_original);
}

TEST_CASE("seed incident over loopback - wrong PINs are checked from the PIN block", "[wire][e2e][pin][threads]") {
  Setup setup = story_setup();
  HostService service(setup);
  TestTerminal t(setup, service.at, default_training_start_ms());
  t.run(TerminalOp::sign_on);
  std::vector<std::string> codes;
  for (int i = 0; i < 3; ++i) {
    auto records = t.run(TerminalOp::sale, 1000, "111111");
    codes.push_back(last(records).response_code);
  }
  CHECK(codes[0] == "55");
  CHECK(codes[1] == "55");
  CHECK(codes[2] == "75");
  CHECK(last(t.run(TerminalOp::sale, 1000, pin)).response_code == "75");  // locked for the day
}

TEST_CASE("seed incident over loopback - the velocity lock answers 65", "[wire][e2e][velocity][threads]") {
  Setup setup = story_setup();
  HostService service(setup);
  TestTerminal t(setup, service.at, default_training_start_ms());
  t.run(TerminalOp::sign_on);
  CHECK(last(t.run(TerminalOp::sale, 10000)).response_code == "00");
  CHECK(last(t.run(TerminalOp::sale, 10000)).response_code == "00");
  TerminalRecord third = last(t.run(TerminalOp::sale, 10000));
  CHECK(third.response_code == "65");
  CHECK(third.screen.zh.find("刷卡频繁") != std::string::npos);  // the acquirer's own text travels in DE63
  CHECK(service.available(pan) == 500000 - 2 * 10000);
}

TEST_CASE("seed incident over loopback - an acquirer decline shows 用户异常", "[wire][e2e][decline][threads]") {
  Setup setup = story_setup();
  setup.host.decline_code = "57";
  setup.host.decline_text = {"用户异常", "User exception"};
  HostService service(setup);
  TestTerminal t(setup, service.at, default_training_start_ms());
  t.run(TerminalOp::sign_on);
  TerminalRecord r = last(t.run(TerminalOp::sale, 32800));
  CHECK(r.response_code == "57");
  CHECK(r.screen.zh.find("用户异常") != std::string::npos);
  CHECK(service.available(pan) == 500000);
}

TEST_CASE("fault matrix over loopback", "[wire][e2e][faults][threads]") {
  struct Case {
    LinkFault::Kind kind;
    bool host_books_it;
    bool reversal_pending;
  };
  const Case cases[] = {
      {LinkFault::Kind::none, true, false},         {LinkFault::Kind::answer_lost, true, true},
      {LinkFault::Kind::request_lost, false, true}, {LinkFault::Kind::refuse_connection, false, false},
      {LinkFault::Kind::bad_mac, true, true},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION("fault " << int(c.kind)) {
      Setup setup = story_setup();
      HostService service(setup);
      TestTerminal t(setup, service.at, default_training_start_ms());
      t.run(TerminalOp::sign_on);
      t.fault_next(c.kind);
      t.run(TerminalOp::sale, 32800);
      CHECK((service.available(pan) == 500000 - 32800) == c.host_books_it);
      CHECK(t.terminal.reversal_pending() == c.reversal_pending);
    }
  }
}

TEST_CASE("an unreachable host is a clear link failure", "[wire][threads]") {
  Endpoint closed;
  {
    HostService s(story_setup());
    closed = s.at;
  }
  Setup setup = story_setup();
  TestTerminal t(setup, closed, default_training_start_ms());
  auto records = t.run(TerminalOp::sign_on);
  CHECK_FALSE(t.terminal.reversal_pending());  // nothing left the terminal
  CHECK(t.tcp.last_problem().find("cannot reach the host") != std::string::npos);
  if (!records.empty()) CHECK(records.back().response_code.empty());
}
