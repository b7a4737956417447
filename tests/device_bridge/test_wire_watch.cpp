// Scoring from the host line: an emulated terminal on a real socket stands in for a hand-operated
// CUP terminal, dials the fault proxy, which relays to the emulated host; the WireWatch on the
// proxy must rebuild from the line the very record the terminal itself made, for every operation
// the drills ask for and every fault of the scenario format. No mocks: real sockets, real proxy,
// real host. Nothing waits for time: the watch reports a message before the proxy passes it on,
// so once the terminal has its answer (or has given up) the record is there.
#include <catch2/catch.hpp>

#include <thread>

#include "device_bridge/iso8583.h"
#include "device_bridge/net/proxy.h"
#include "device_bridge/net/wire_link.h"
#include "device_bridge/wire.h"
#include "device_bridge/wire_watch.h"

#include "wire_fixtures.h"

using namespace posdrill;

namespace {

constexpr const char* card_pan = "6200000000000047";
constexpr const char* card_pin = "147258";

Setup watch_setup() {
  Setup s;
  s.card = card_pan;
  s.pin = card_pin;
  s.amount_minor = 32800;
  s.balance_minor = 500000;
  s.terminal_id = "10000001";
  s.merchant_id = "898310048161234";
  return s;
}

// The proxy with a watch on its line, on its own thread; both logs kept.
struct WatchedLine {
  ProxyFaultPlan plan;
  test::LogLines proxy_lines, watch_lines;
  WireWatch watch;
  HostLinkProxy proxy;
  std::thread thread;
  Endpoint at{"127.0.0.1", 0};

  WatchedLine(const Endpoint& upstream, ProxyFaultPlan p, WireWatch::Options wo = {})
      : plan(std::move(p)), watch(wo, watch_lines.sink()), proxy(options(upstream), &plan, proxy_lines.sink()) {
    proxy.set_observer(&watch);
    std::string error;
    REQUIRE(proxy.listen(at, error));
    at.port = proxy.port();
    thread = std::thread([this] { proxy.serve(); });
  }
  ~WatchedLine() {
    proxy.stop();
    thread.join();
  }
  static HostLinkProxy::Options options(const Endpoint& upstream) {
    HostLinkProxy::Options o;
    o.upstream = upstream;
    o.connect_timeout_ms = 1'000;
    return o;
  }
};

// The stand-in for the hand-operated terminal; a short answer time keeps lost answers quick.
struct HandTerminal : WiredTerminal {
  HandTerminal(const Setup& setup, const Endpoint& host)
      : WiredTerminal(setup, host, default_training_start_ms(), link_options()) {}
  static TcpHostLink::Options link_options() {
    TcpHostLink::Options o;
    o.connect_timeout_ms = 1'000;
    o.answer_timeout_ms = 1'500;
    return o;
  }
  std::vector<TerminalRecord> key(TerminalRequest r) {
    CardPresentation card;
    card.pan = card_pan;
    return WiredTerminal::run(r, card, card_pin);
  }
  std::vector<TerminalRecord> key(TerminalOp op, std::optional<int64_t> amount = std::nullopt) {
    TerminalRequest r;
    r.op = op;
    r.amount_minor = amount;
    return key(r);
  }
};

// What scoring reads of a record: the line must give the terminal's own values.
void same_record(const TerminalRecord& terminal, const TerminalRecord& wire) {
  INFO("terminal op " << terminal_op_name(terminal.op) << " code '" << terminal.response_code << "'");
  CHECK(wire.source == "wire");
  CHECK(terminal.source.empty());
  CHECK(terminal_op_name(wire.op) == terminal_op_name(terminal.op));
  CHECK(wire.response_code == terminal.response_code);
  CHECK(wire.amount_minor == terminal.amount_minor);
  CHECK(wire.reversal_sent == terminal.reversal_sent);
  CHECK(wire.reversal_failed == terminal.reversal_failed);
  CHECK(wire.references_original == terminal.references_original);
  CHECK(wire.auth_code == terminal.auth_code);
  CHECK(wire.approved() == terminal.approved());
}

// Keys `r` and checks that the line made one record per record of the terminal, equal to it.
std::vector<TerminalRecord> keyed_and_seen(HandTerminal& t, WatchedLine& line, const TerminalRequest& r) {
  const auto own = t.key(r);
  auto seen = line.watch.take_all();
  REQUIRE(seen.size() == own.size());
  for (std::size_t i = 0; i < own.size(); ++i) same_record(own[i], seen[i].record);
  return own;
}
std::vector<TerminalRecord> keyed_and_seen(HandTerminal& t, WatchedLine& line, TerminalOp op,
                                           std::optional<int64_t> amount = std::nullopt) {
  TerminalRequest r;
  r.op = op;
  r.amount_minor = amount;
  return keyed_and_seen(t, line, r);
}

Fault fault(FaultKind kind, int request, int seconds = 0) {
  Fault f;
  f.kind = kind;
  f.request = request;
  f.seconds = seconds;
  return f;
}

}  // namespace

TEST_CASE("wire watch - sale, balance inquiry and void scored from the line", "[wire_watch][e2e][threads]") {
  Setup setup = watch_setup();
  test::HostService host(setup);
  WatchedLine line(host.at, {});
  HandTerminal t(setup, line.at);
  keyed_and_seen(t, line, TerminalOp::sign_on);
  auto sale = keyed_and_seen(t, line, TerminalOp::sale, 32800);
  REQUIRE(sale.back().response_code == "00");
  CHECK_FALSE(sale.back().auth_code.empty());
  auto balance = keyed_and_seen(t, line, TerminalOp::balance_inquiry);
  CHECK(balance.back().response_code == "00");
  auto voided = keyed_and_seen(t, line, TerminalOp::void_sale, 32800);
  CHECK(voided.back().response_code == "00");
  CHECK(voided.back().references_original);
  CHECK(line.watch.reached_host() == 4);
  // The card travels in track 2 here, which the watch never reads: no card number in what it says.
  const std::string log = line.watch_lines.all();
  CHECK(log.find(card_pan) == std::string::npos);
  CHECK(log.find(card_pin) == std::string::npos);
  CHECK(log.find("Terminal sent: sale 328.00 … answer: 00") != std::string::npos);
}

TEST_CASE("wire watch - a pre-authorization and its completion scored from the line", "[wire_watch][e2e][threads]") {
  Setup setup = watch_setup();
  test::HostService host(setup);
  WatchedLine line(host.at, {});
  HandTerminal t(setup, line.at);
  keyed_and_seen(t, line, TerminalOp::sign_on);
  auto preauth = keyed_and_seen(t, line, TerminalOp::preauth, 50000);
  REQUIRE(preauth.back().response_code == "00");
  const BatchEntry entry = t.terminal.batch_list().back();  // a copy: the list grows
  TerminalRequest completion;
  completion.op = TerminalOp::preauth_completion;
  completion.amount_minor = 48000;
  completion.original_auth_code = entry.auth_code;
  completion.original_date_mmdd = entry.date_mmdd;
  auto done = keyed_and_seen(t, line, completion);
  CHECK(done.back().response_code == "00");
  CHECK(done.back().references_original);

  // Keyed with another date: the host finds no such pre-authorization (25), nothing is quoted.
  TerminalRequest wrong = completion;
  wrong.original_date_mmdd = entry.date_mmdd == "0101" ? "0102" : "0101";
  auto refused = keyed_and_seen(t, line, wrong);
  CHECK(refused.back().response_code == "25");
}

TEST_CASE("wire watch - the automatic reversal after a lost answer", "[wire_watch][e2e][reversal][threads]") {
  Setup setup = watch_setup();
  test::HostService host(setup);
  WatchedLine line(host.at, ProxyFaultPlan::from_faults({fault(FaultKind::answer_lost, 1)}));
  HandTerminal t(setup, line.at);
  keyed_and_seen(t, line, TerminalOp::sign_on);
  auto lost = keyed_and_seen(t, line, TerminalOp::sale, 32800);
  CHECK(lost.back().response_code.empty());
  REQUIRE(t.terminal.reversal_pending());
  auto next = keyed_and_seen(t, line, TerminalOp::balance_inquiry);
  CHECK(next.back().reversal_sent);
  CHECK(next.back().response_code == "00");
  CHECK(host.count("0400") == 1);
}

TEST_CASE("wire watch - every fault of the scenario format, as the terminal saw it",
          "[wire_watch][e2e][faults][threads]") {
  Setup setup = watch_setup();
  test::HostService host(setup);
  // Request 1 gets the fault; request 2, a balance inquiry, carries any reversal it left.
  const FaultKind kind = GENERATE(FaultKind::answer_lost, FaultKind::request_lost, FaultKind::delay,
                                  FaultKind::refuse_connection, FaultKind::bad_mac);
  INFO("fault " << fault_name(kind));
  WatchedLine line(host.at, ProxyFaultPlan::from_faults({fault(kind, 1, 1)}));
  HandTerminal t(setup, line.at);
  keyed_and_seen(t, line, TerminalOp::sign_on);
  auto hit = keyed_and_seen(t, line, TerminalOp::sale, 32800);
  CHECK(line.proxy.counters().faults == 1);
  if (kind == FaultKind::delay)
    CHECK(hit.back().response_code == "00");
  else if (kind == FaultKind::bad_mac)
    CHECK(hit.back().response_code == "A0");
  else
    CHECK(hit.back().response_code.empty());
  keyed_and_seen(t, line, TerminalOp::balance_inquiry);
}

TEST_CASE("wire watch - an answer delayed past the terminal's own answer time-out never reached it",
          "[wire_watch][e2e][faults][threads]") {
  Setup setup = watch_setup();
  test::HostService host(setup);
  // A terminal whose answer time-out (交易超时, config terminal.answer_timeout) is half a second;
  // the host line holds the sale's answer for a second.
  WireWatch::Options short_wait;
  short_wait.answer_timeout_ms = 500;
  WatchedLine line(host.at, ProxyFaultPlan::from_faults({fault(FaultKind::delay, 1, 1)}), short_wait);
  HandTerminal t(setup, line.at);
  keyed_and_seen(t, line, TerminalOp::sign_on);
  TerminalRequest sale;
  sale.op = TerminalOp::sale;
  sale.amount_minor = 32800;
  t.key(sale);  // this stand-in waits 60 s, so it took the late answer; the real one would not have
  const auto seen = line.watch.take_all();
  REQUIRE(seen.size() == 1);
  CHECK(seen.back().record.op == TerminalOp::sale);
  CHECK(seen.back().record.response_code.empty());
  CHECK(line.proxy.counters().faults == 1);
}

TEST_CASE("wire watch - reversals that fail every try", "[wire_watch][e2e][faults][reversal][threads]") {
  Setup setup = watch_setup();
  test::HostService host(setup);
  // The sale's answer is lost; the reversals the next operation sends all vanish.
  Fault lost = fault(FaultKind::answer_lost, 1);
  Fault fails = fault(FaultKind::reversal_fails, 2);
  WatchedLine line(host.at, ProxyFaultPlan::from_faults({lost, fails}));
  HandTerminal t(setup, line.at);
  keyed_and_seen(t, line, TerminalOp::sign_on);
  keyed_and_seen(t, line, TerminalOp::sale, 32800);
  const auto own = t.key(TerminalOp::balance_inquiry);
  REQUIRE(own.size() == 1);
  CHECK(own.back().reversal_failed);
  CHECK(host.count("0400") == 0);  // none of the three tries reached the host
  // The line saw only the reversals of the sale: the runner's port names the operation the task
  // asked for, as the terminal's own record does.
  WireTerminalPort port(line.watch, {});
  port.set_task(TerminalOp::balance_inquiry, std::nullopt);
  auto seen = port.wait(0);
  REQUIRE(seen.has_value());
  CHECK_FALSE(seen->op_known);
  same_record(own.back(), seen->record);
  CHECK(line.watch.take_all().empty());
  // The reversal names the card in DE2: masked 6+4 the moment it was decoded, never whole.
  CHECK(seen->masked_pan == "620000******0047");
  CHECK(line.watch_lines.all().find("620000******0047") != std::string::npos);
  CHECK(line.watch_lines.all().find(card_pan) == std::string::npos);
}

TEST_CASE("wire watch - a message that is not the CUP dialect is relayed and reported", "[wire_watch][e2e][threads]") {
  Setup setup = watch_setup();
  test::HostService host(setup);
  WatchedLine line(host.at, {});
  // An interop-dialect sale (ASCII MTI, no TPDU): framed, but not what a CUP terminal speaks.
  IsoMessage m;
  m.mti = "0200";
  m.set(3, "000000");
  m.set(4, "000000032800");
  m.set(11, "000001");
  std::string bytes;
  REQUIRE(encode(m, Dialect::interop, bytes).ok());
  NetStatus st;
  TcpConnection c = TcpConnection::connect(line.at, 2'000, st);
  REQUIRE(c.connected());
  REQUIRE(c.send_frame(bytes, 2'000) == NetStatus::ok);
  std::string reply;
  // The host closes the connection of bytes it cannot read: the proxy relayed them unchanged.
  CHECK(c.receive_frame(reply, 5'000) != NetStatus::ok);
  CHECK(host.log().find("undecodable request") != std::string::npos);
  CHECK(line.watch.unscorable().find("not the CUP dialect") != std::string::npos);
  CHECK(line.watch_lines.all().find("cannot be scored") != std::string::npos);
  CHECK(line.watch.take_all().empty());
  WireTerminalPort port(line.watch, {});
  CHECK_FALSE(port.wait(0).has_value());
}

TEST_CASE("wire watch - a test host's amount is judged as the task's amount", "[wire_watch][e2e][threads]") {
  Setup setup = watch_setup();
  test::HostService host(setup);
  host.wire.answer_by_amount({{1055, "55"}});
  WatchedLine line(host.at, {});
  HandTerminal t(setup, line.at);
  t.key(TerminalOp::sign_on);
  auto own = t.key(TerminalOp::sale, 1055);
  REQUIRE(own.front().response_code == "55");
  WireTerminalPort port(line.watch, {{1055}, 1'000});
  port.set_task(TerminalOp::sale, 32800);
  auto records = port.poll();
  REQUIRE(records.size() == 2);  // the sign-on, then the sale
  CHECK(records.back().response_code == "55");
  CHECK(records.back().amount_minor == 32800);
  CHECK(port.facts().host_count_known);
  CHECK_FALSE(port.facts().known);
}
