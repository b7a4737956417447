// The host's rules over real sockets, as a terminal written from device_bridge/README.md meets
// them: every request is built by hand, signed with the MAC key from a real sign-on and sent to
// `posdrill host` in miniature. Each rule is checked three ways: the response code, that nothing
// moved on any card, and the host's log line saying why.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>

#include "device_bridge/icc.h"

#include "wire_fixtures.h"

using namespace posdrill;
using test::HostService;
using test::WireClient;

namespace {

const std::string debit = "6200000000000047";   // the scenario's card: debit, PIN 147258
const std::string credit = "6200000000000005";  // another test card: credit, PIN 123456
const std::string debit_pin = "147258";
const std::string credit_pin(default_test_pin);
constexpr int64_t debit_start = 500000;
constexpr int64_t credit_start = 1'000'000;

HostConfig rules_config() {
  Setup s;
  s.card = debit;
  s.pin = debit_pin;
  s.balance_minor = debit_start;
  s.terminal_id = "10000001";
  s.merchant_id = "898310048161234";
  return host_config_from(s);
}

std::string amount12(int64_t minor) {
  std::string s = std::to_string(minor);
  return std::string(12 - s.size(), '0') + s;
}

// A host, a signed-on client and request builders that follow the README's field tables.
struct Rig {
  HostService service{rules_config()};
  WireClient c{service.at};
  Rig() { c.sign_on(); }

  // A card-present request of `op`'s codes: swiped card (DE35), amount, PIN when given.
  IsoMessage card_request(const std::string& mti, const std::string& de3, const std::string& de25,
                          const std::string& type, const std::string& pan, int64_t amount,
                          const std::optional<std::string>& pin, const std::string& expiry = "3012") {
    IsoMessage m = c.request(mti);
    m.set(3, de3);
    m.set(4, amount12(amount));
    m.set(22, pin ? "021" : "022");
    m.set(25, de25);
    m.set(35, pan + "=" + expiry + "2010000000000");
    m.set(49, "156");
    m.set(60, type + "000001000");
    if (pin) {
      m.set(26, "12");
      m.set(52, *make_pin_block(*pin, pan, c.pin_key));
      m.set(53, "2600000000000000");
    }
    return m;
  }
  IsoMessage sale(const std::string& pan, int64_t amount, const std::optional<std::string>& pin) {
    return card_request("0200", "000000", "00", "22", pan, amount, pin);
  }
  IsoMessage debit_sale(int64_t amount) { return sale(debit, amount, debit_pin); }
  // The reversal of a request, built as a terminal builds it: the original's fields, DE2 for the
  // card, the reason in DE39, no track, PIN block or RRN.
  IsoMessage reversal(IsoMessage original, const std::string& pan) {
    original.mti = "0400";
    for (int de : {35, 36, 37, 52, 53, 64}) original.erase(de);
    original.set(2, pan);
    original.set(39, "98");
    return original;
  }
  IsoMessage send(const IsoMessage& m) { return c.exchange(m); }
  std::string rc(const IsoMessage& m) { return send(m).get(39); }
  int64_t debit_now() { return service.available(debit); }
  int64_t credit_now() { return service.available(credit); }
  std::string log_line() { return service.last_log_line(); }
};

}  // namespace

TEST_CASE("a reversal undoes only the transaction whose trace, card, amount, operation and date match",
          "[host_wire][reversal][threads]") {
  Rig r;
  IsoMessage sale = r.debit_sale(1234);
  REQUIRE(r.rc(sale) == "00");
  REQUIRE(r.debit_now() == debit_start - 1234);

  // Another card and amount with the sale's trace: nothing to reverse, nothing moves.
  IsoMessage stranger = r.reversal(r.sale(credit, 500, credit_pin), credit);
  stranger.set(11, sale.get(11));
  CHECK(r.rc(stranger) == "25");
  CHECK(r.log_line().find("RC 25 (the original was made with the card ending 0047") != std::string::npos);
  CHECK(r.debit_now() == debit_start - 1234);
  CHECK(r.credit_now() == credit_start);

  IsoMessage wrong_amount = r.reversal(sale, debit);
  wrong_amount.set(4, amount12(500));
  CHECK(r.rc(wrong_amount) == "25");
  CHECK(r.log_line().find("the original was for CNY 12.34, the reversal for CNY 5.00") != std::string::npos);

  IsoMessage wrong_kind = r.reversal(sale, debit);  // the codes of a pre-auth
  wrong_kind.set(3, "030000");
  wrong_kind.set(25, "06");
  wrong_kind.set(60, "10000001000");
  CHECK(r.rc(wrong_kind) == "25");
  CHECK(r.log_line().find("is a sale, not a preauth") != std::string::npos);

  IsoMessage inconsistent = r.reversal(sale, debit);
  inconsistent.set(60, "23000001000");  // DE60.1 of a void with a sale's DE3 and DE25
  CHECK(r.rc(inconsistent) == "30");
  CHECK(r.debit_now() == debit_start - 1234);

  CHECK(r.rc(r.reversal(sale, debit)) == "00");
  CHECK(r.debit_now() == debit_start);
  CHECK(r.rc(r.reversal(sale, debit)) == "00");  // a repeat moves nothing
  CHECK(r.debit_now() == debit_start);

  // Two days on, a reversal of a sale of today's date would be too late.
  IsoMessage old_sale = r.debit_sale(700);
  REQUIRE(r.rc(old_sale) == "00");
  r.service.now = r.service.now.load() + 2 * ms_per_day;  // only the test thread moves the host's time
  CHECK(r.rc(r.reversal(old_sale, debit)) == "25");
  CHECK(r.log_line().find("older than 1 day(s)") != std::string::npos);
  CHECK(r.debit_now() == debit_start - 700);
}

TEST_CASE("a void must be for the original's amount, card and day", "[host_wire][void][threads]") {
  Rig r;
  IsoMessage sale = r.debit_sale(2000);
  IsoMessage approved = r.send(sale);
  REQUIRE(approved.get(39) == "00");
  auto void_of = [&](int64_t amount, const std::string& pan) {
    IsoMessage v = r.card_request("0200", "200000", "00", "23", pan, amount, std::nullopt);
    v.set(37, approved.get(37));
    v.set(38, approved.get(38));
    v.set(61, "000001" + sale.get(11));
    return v;
  };
  CHECK(r.rc(void_of(1, debit)) == "64");
  CHECK(r.log_line().find("the void is for CNY 0.01, the original for CNY 20.00") != std::string::npos);
  CHECK(r.rc(void_of(999900, debit)) == "64");
  CHECK(r.rc(void_of(2000, credit)) == "25");
  CHECK(r.log_line().find("made with the card ending 0047, not the card ending 0005") != std::string::npos);
  CHECK(r.debit_now() == debit_start - 2000);
  CHECK(r.credit_now() == credit_start);
  IsoMessage good = void_of(2000, debit);
  CHECK(r.rc(good) == "00");
  CHECK(r.debit_now() == debit_start);
  CHECK(r.rc(r.reversal(good, debit)) == "00");  // the void's own reversal debits again
  CHECK(r.debit_now() == debit_start - 2000);

  // Yesterday's sale is refunded, not voided.
  IsoMessage yesterday = r.debit_sale(300);
  IsoMessage y = r.send(yesterday);
  REQUIRE(y.get(39) == "00");
  r.service.now = r.service.now.load() + ms_per_day;
  IsoMessage late = r.card_request("0200", "200000", "00", "23", debit, 300, std::nullopt);
  late.set(37, y.get(37));
  late.set(61, "000001" + yesterday.get(11));
  CHECK(r.rc(late) == "22");
  CHECK(r.log_line().find("a void is for today's transactions") != std::string::npos);
}

TEST_CASE("completion, cancel and completion void are matched on card, amount and date",
          "[host_wire][preauth][threads]") {
  Rig r;
  IsoMessage pre = r.card_request("0100", "030000", "06", "10", debit, 100000, debit_pin);
  IsoMessage pa = r.send(pre);
  REQUIRE(pa.get(39) == "00");
  const std::string auth = pa.get(38);
  auto quoting = [&](const std::string& mti, const std::string& de3, const std::string& type, const std::string& pan,
                     int64_t amount, const std::string& mmdd) {
    IsoMessage m = r.card_request(mti, de3, "06", type, pan, amount, std::nullopt);
    m.set(38, auth);
    m.set(61, "000001" + pre.get(11) + mmdd);
    return m;
  };
  CHECK(r.rc(quoting("0200", "000000", "20", debit, 115001, "1120")) == "61");
  CHECK(r.rc(quoting("0200", "000000", "20", credit, 100000, "1120")) == "25");
  CHECK(r.rc(quoting("0200", "000000", "20", debit, 100000, "1119")) == "25");
  CHECK(r.rc(quoting("0100", "200000", "11", debit, 50000, "1120")) == "64");  // a cancel for half
  CHECK(r.log_line().find("a cancel is for the authorised CNY 1000.00") != std::string::npos);
  CHECK(r.debit_now() == debit_start - 100000);  // still held, nothing else moved

  IsoMessage completion = quoting("0200", "000000", "20", debit, 110000, "1120");
  IsoMessage done = r.send(completion);
  REQUIRE(done.get(39) == "00");
  CHECK(r.debit_now() == debit_start - 110000);
  auto completion_void = [&](int64_t amount) {
    IsoMessage v = r.card_request("0200", "200000", "06", "21", debit, amount, std::nullopt);
    v.set(37, done.get(37));
    v.set(61, "000001" + completion.get(11));
    return v;
  };
  CHECK(r.rc(completion_void(100000)) == "64");
  CHECK(r.rc(completion_void(110000)) == "00");
  CHECK(r.debit_now() == debit_start);
}

TEST_CASE("a refund is checked against its original and may not exceed what is left", "[host_wire][refund][threads]") {
  Rig r;
  IsoMessage sale = r.debit_sale(32800);
  IsoMessage approved = r.send(sale);
  REQUIRE(approved.get(39) == "00");
  r.service.now = r.service.now.load() + ms_per_day;
  auto refund = [&](const std::string& pan, int64_t amount, const std::string& trace) {
    IsoMessage m = r.card_request("0220", "200000", "00", "25", pan, amount, std::nullopt);
    m.set(37, approved.get(37));
    m.set(61, "000001" + trace + "1120");
    return m;
  };
  CHECK(r.rc(refund(debit, 40000, sale.get(11))) == "64");
  CHECK(r.log_line().find("is more than the CNY 328.00 left") != std::string::npos);
  CHECK(r.rc(refund(credit, 1000, sale.get(11))) == "25");
  CHECK(r.rc(refund(debit, 1000, "999999")) == "25");
  CHECK(r.debit_now() == debit_start - 32800);
  CHECK(r.rc(refund(debit, 12800, "000000")) == "00");  // trace not known: RRN and date suffice
  CHECK(r.debit_now() == debit_start - 20000);
}

TEST_CASE("the card, its currency and the request's own fields are checked first", "[host_wire][checks][threads]") {
  Rig r;
  struct Case {
    const char* what;
    IsoMessage request;
    std::string rc, log;
  };
  IsoMessage expired = r.card_request("0200", "000000", "00", "22", credit, 100, credit_pin, "2001");
  IsoMessage two_cards = r.sale(debit, 100, debit_pin);
  two_cards.set(2, credit);
  IsoMessage dollars = r.sale(credit, 100, credit_pin);
  dollars.set(49, "840");
  IsoMessage void_type = r.sale(credit, 100, credit_pin);
  void_type.set(60, "23000001000");
  IsoMessage no_merchant = r.sale(credit, 100, credit_pin);
  no_merchant.erase(42);
  std::vector<Case> cases = {
      {"expired card", expired, "54", "expired at the end of 01/2020"},
      {"DE2 and track 2 disagree", two_cards, "14", "two different cards"},
      {"currency not CNY", dollars, "30", "DE49 is 840"},
      {"DE60.1 not the sale's", void_type, "30", "DE60.1 is 23"},
      {"mandatory field missing", no_merchant, "30", "DE42 is missing"},
      {"debit card without PIN", r.sale(debit, 100, std::nullopt), "55", "a debit card needs the PIN"},
  };
  for (int de : {39, 54, 70, 90}) {
    IsoMessage m = r.sale(credit, 100, credit_pin);
    m.set(de, de == 39 ? "00" : de == 54 ? "1002156C000000000100" : de == 70 ? "001" : std::string(42, '0'));
    cases.push_back({"a field a request must not carry", m, "30", "DE" + std::to_string(de) + " must not be"});
  }
  for (auto& k : cases) {
    INFO(k.what);
    CHECK(r.rc(k.request) == k.rc);
    CHECK(r.log_line().find(k.log) != std::string::npos);
  }
  CHECK(r.debit_now() == debit_start);
  CHECK(r.credit_now() == credit_start);
  CHECK(r.service.log().find(debit) == std::string::npos);  // notes name cards by 4 digits only
  CHECK(r.service.log().find(credit) == std::string::npos);
  // Without PIN: a credit card, and a debit card tapped for a small amount (闪付免密).
  CHECK(r.rc(r.sale(credit, 100, std::nullopt)) == "00");
  IsoMessage tap = r.sale(debit, 5000, std::nullopt);
  tap.set(22, "072");
  tap.set(23, "001");
  tap.set(55, icc_request_data(IccRequest{5000, "261120", 0x00, 7, false}));
  CHECK(r.rc(tap) == "00");
  tap = r.sale(debit, 150000, std::nullopt);
  tap.set(22, "072");
  tap.set(55, icc_request_data(IccRequest{150000, "261120", 0x00, 8, false}));
  CHECK(r.rc(tap) == "55");
}

TEST_CASE("a chip request carries its ARQC data in DE55", "[host_wire][chip][threads]") {
  Rig r;
  IsoMessage chip = r.sale(credit, 32800, credit_pin);
  chip.set(22, "051");
  chip.set(23, "001");
  CHECK(r.rc(chip) == "30");
  CHECK(r.log_line().find("must carry the card's ARQC data in DE55") != std::string::npos);
  chip.set(11, r.c.next_stan());
  chip.set(55, icc_request_data(IccRequest{32900, "261120", 0x00, 1, true}));
  CHECK(r.rc(chip) == "30");
  CHECK(r.log_line().find("9F02") != std::string::npos);
  chip.set(11, r.c.next_stan());
  chip.set(55, icc_request_data(IccRequest{32800, "261120", 0x00, 2, true}));
  CHECK(r.rc(chip) == "00");
  CHECK(r.credit_now() == credit_start - 32800);
}

TEST_CASE("a trace used twice is a duplicate and books nothing", "[host_wire][duplicate][threads]") {
  Rig r;
  IsoMessage sale = r.sale(credit, 100, credit_pin);
  CHECK(r.rc(sale) == "00");
  CHECK(r.rc(sale) == "94");
  CHECK(r.log_line().find("was used already") != std::string::npos);
  CHECK(r.credit_now() == credit_start - 100);
}

TEST_CASE("bytes that are not a message close the connection with a log line", "[host_wire][limits][threads]") {
  Rig r;
  NetStatus st;
  TcpConnection c = TcpConnection::connect(r.service.at, 5'000, st);
  REQUIRE(c.connected());
  REQUIRE(c.send_frame("hello", 5'000) == NetStatus::ok);
  std::string reply;
  CHECK(c.receive_frame(reply, 30'000) == NetStatus::closed);
  CHECK(r.service.log().find("closed the connection of an undecodable request") != std::string::npos);
  CHECK(r.service.wire.counters().undecodable == 1);
  CHECK(r.rc(r.sale(credit, 100, credit_pin)) == "00");  // and the host goes on serving
}

TEST_CASE("idle connections beyond the limit cannot lock terminals out of the host", "[host_wire][limits][threads]") {
  FrameServer::Options o;
  o.max_connections = 4;
  HostService service(rules_config(), o);
  std::vector<TcpConnection> idle;
  for (int i = 0; i < 20; ++i) {
    NetStatus st;
    idle.push_back(TcpConnection::connect(service.at, 5'000, st));
    REQUIRE(idle.back().connected());
  }
  WireClient c{service.at};
  c.sign_on();
  IsoMessage m = c.request("0200");
  m.set(3, "310000");
  m.set(22, "021");
  m.set(25, "00");
  m.set(35, credit + "=30122010000000000");
  m.set(52, *make_pin_block(credit_pin, credit, c.pin_key));
  m.set(60, "01000001000");
  CHECK(c.exchange(m).get(39) == "00");
  CHECK(service.server.wait_counters([](const auto& k) { return k.evicted >= 17; }, 30'000).evicted >= 17);
  CHECK(service.log().find("its slot went to a new connection") != std::string::npos);
}
