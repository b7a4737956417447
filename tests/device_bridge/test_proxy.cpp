// The host-link fault proxy over real loopback sockets: an emulated terminal (TcpHostLink) dials
// the proxy, the proxy relays to the emulated host (FrameServer + WireHost), and each fault of the
// scenario vocabulary is checked from both ends: what the host's journal booked and what the
// terminal was left with.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "device_bridge/iso8583.h"
#include "device_bridge/net/proxy.h"
#include "device_bridge/net/wire_link.h"
#include "device_bridge/wire.h"

#include "wire_fixtures.h"

using namespace posdrill;

namespace {

constexpr const char* card_pan = "6200000000000047";
constexpr const char* card_pin = "147258";
constexpr int64_t start_balance = 500000;

Setup proxy_setup() {
  Setup s;
  s.card = card_pan;
  s.pin = card_pin;
  s.amount_minor = 32800;
  s.balance_minor = start_balance;
  s.terminal_id = "10000001";
  s.merchant_id = "898310048161234";
  return s;
}

// The acquirer test host stand-in: `posdrill host` in miniature, its clock standing still.
struct UpstreamHost : test::HostService {
  explicit UpstreamHost(const Setup& setup) : HostService(setup) {}
  int64_t available() { return HostService::available(card_pan); }
};

// The proxy on its own thread, with the log kept for checks.
struct ProxyUnderTest {
  ProxyFaultPlan plan;
  test::LogLines lines;
  HostLinkProxy proxy;
  std::thread thread;
  Endpoint at{"127.0.0.1", 0};

  ProxyUnderTest(const Endpoint& upstream, std::vector<ProxyFaultPlan::Rule> rules, int max_sessions = 16)
      : plan(std::move(rules)), proxy(options(upstream, max_sessions), &plan, lines.sink()) {
    std::string error;
    REQUIRE(proxy.listen(at, error));
    at.port = proxy.port();
    thread = std::thread([this] { proxy.serve(); });
  }
  ~ProxyUnderTest() {
    proxy.stop();
    thread.join();
  }
  static HostLinkProxy::Options options(const Endpoint& upstream, int max_sessions) {
    HostLinkProxy::Options o;
    o.upstream = upstream;
    o.connect_timeout_ms = 1'000;
    o.max_sessions = max_sessions;
    return o;
  }
  std::string log() { return lines.all(); }
};

// A terminal on a real socket; a short answer time-out keeps the lost-answer cases quick.
struct Terminal : WiredTerminal {
  Terminal(const Setup& setup, const Endpoint& host)
      : WiredTerminal(setup, host, default_training_start_ms(), link_options()) {}
  static TcpHostLink::Options link_options() {
    TcpHostLink::Options o;
    o.connect_timeout_ms = 1'000;
    o.answer_timeout_ms = 1'500;
    return o;
  }
  std::vector<TerminalRecord> run(TerminalOp op, std::optional<int64_t> amount = std::nullopt) {
    TerminalRequest r;
    r.op = op;
    r.amount_minor = amount;
    CardPresentation card;
    card.pan = card_pan;
    return WiredTerminal::run(r, card, card_pin);
  }
  TerminalRecord last(TerminalOp op, std::optional<int64_t> amount = std::nullopt) {
    auto records = run(op, amount);
    REQUIRE_FALSE(records.empty());
    return records.back();
  }
};

ProxyFaultPlan::Rule rule(int request, ProxyAction::Kind kind, int delay_ms = 0) {
  ProxyFaultPlan::Rule r;
  r.request = request;
  r.action.kind = kind;
  r.action.delay_ms = delay_ms;
  return r;
}

}  // namespace

TEST_CASE("proxy passes a signed-on sale through untouched", "[proxy][e2e][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {});
  Terminal t(setup, proxy.at);
  CHECK(t.last(TerminalOp::sign_on).response_code == "00");
  CHECK(t.last(TerminalOp::sale, 32800).response_code == "00");
  CHECK(host.count("0200") == 1);
  CHECK(host.available() == start_balance - 32800);
  auto c = proxy.proxy.counters();
  CHECK(c.requests == 2);
  CHECK(c.answers == 2);
  CHECK(c.faults == 0);
  const std::string log = proxy.log();
  CHECK(log.find("MTI 0200") != std::string::npos);
  CHECK(log.find("MTI 0210") != std::string::npos);
  CHECK(log.find(card_pan) == std::string::npos);  // never card data in the log
}

TEST_CASE("proxy request_lost - the host never sees the request", "[proxy][e2e][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {rule(1, ProxyAction::Kind::request_lost)});
  Terminal t(setup, proxy.at);
  t.run(TerminalOp::sign_on);
  TerminalRecord r = t.last(TerminalOp::sale, 32800);
  CHECK(r.response_code.empty());
  CHECK(host.count("0200") == 0);  // the journal shows nothing
  CHECK(host.available() == start_balance);
  CHECK(t.terminal.reversal_pending());  // the terminal cannot know it never arrived
}

TEST_CASE("proxy drop_request - the request vanishes and the terminal times out", "[proxy][e2e][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {rule(1, ProxyAction::Kind::drop_request)});
  Terminal t(setup, proxy.at);
  t.run(TerminalOp::sign_on);
  t.run(TerminalOp::sale, 32800);
  CHECK(host.count("0200") == 0);
  CHECK(t.terminal.reversal_pending());
  CHECK(t.tcp.last_problem().find("no answer") != std::string::npos);
}

TEST_CASE("proxy answer_lost - debited at the host, reversed through the proxy", "[proxy][e2e][reversal][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {rule(1, ProxyAction::Kind::drop_answer)});
  Terminal t(setup, proxy.at);
  t.run(TerminalOp::sign_on);
  TerminalRecord lost = t.last(TerminalOp::sale, 32800);
  CHECK(lost.response_code.empty());
  CHECK(host.count("0200") == 1);  // the host approved it: the customer's debit SMS
  CHECK(host.available() == start_balance - 32800);
  CHECK(t.terminal.reversal_pending());

  TerminalRecord inquiry = t.last(TerminalOp::balance_inquiry);
  CHECK(inquiry.reversal_sent);
  CHECK(inquiry.response_code == "00");
  CHECK_FALSE(t.terminal.reversal_pending());
  CHECK(host.count("0400") == 1);  // the reversal went through the proxy and was answered
  CHECK(host.available() == start_balance);
  CHECK(proxy.proxy.counters().faults == 1);
}

TEST_CASE("proxy delay - the answer arrives late but arrives", "[proxy][e2e][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {rule(1, ProxyAction::Kind::delay, 700)});
  Terminal t(setup, proxy.at);
  t.run(TerminalOp::sign_on);
  auto began = std::chrono::steady_clock::now();
  CHECK(t.last(TerminalOp::sale, 32800).response_code == "00");
  auto took = std::chrono::steady_clock::now() - began;
  CHECK(took >= std::chrono::milliseconds(700));
  CHECK(proxy.log().find("held 700 ms") != std::string::npos);
}

TEST_CASE("proxy cut - the host books it, then both sides are closed", "[proxy][e2e][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {rule(1, ProxyAction::Kind::cut)});
  Terminal t(setup, proxy.at);
  t.run(TerminalOp::sign_on);
  t.run(TerminalOp::sale, 32800);
  CHECK(host.count("0200") == 1);
  CHECK(t.terminal.reversal_pending());
  CHECK(t.tcp.last_problem().find("no answer") != std::string::npos);
}

TEST_CASE("proxy refuse_connection - nothing is sent, the next request passes", "[proxy][e2e][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {rule(1, ProxyAction::Kind::refuse)});
  Terminal t(setup, proxy.at);
  t.run(TerminalOp::sign_on);
  t.run(TerminalOp::sale, 32800);
  CHECK(host.count("0200") == 0);
  CHECK_FALSE(t.tcp.last_problem().empty());
  CHECK(proxy.proxy.counters().refused == 1);
  CHECK(proxy.plan.main_requests() == 1);  // the refused request counts as made
  auto after = t.run(TerminalOp::balance_inquiry);
  INFO(proxy.log());
  REQUIRE_FALSE(after.empty());
  CHECK(after.back().response_code == "00");
}

TEST_CASE("proxy corrupt_request - the host answers A0 and processes nothing", "[proxy][e2e][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {rule(1, ProxyAction::Kind::corrupt_request)});
  Terminal t(setup, proxy.at);
  t.run(TerminalOp::sign_on);
  TerminalRecord r = t.last(TerminalOp::sale, 32800);
  CHECK(r.response_code == "A0");
  CHECK(host.count("0200") == 0);
  CHECK(host.available() == start_balance);
  CHECK(host.wire.counters().bad_mac == 1);
}

TEST_CASE("proxy bad_mac - the host books it, the terminal rejects the answer", "[proxy][e2e][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  Fault f;
  f.kind = FaultKind::bad_mac;
  f.request = 1;
  ProxyUnderTest proxy(host.at, {rule(1, proxy_action_of(f)->kind)});
  Terminal t(setup, proxy.at);
  t.run(TerminalOp::sign_on);
  t.run(TerminalOp::sale, 32800);
  CHECK(host.count("0200") == 1);
  CHECK(host.available() == start_balance - 32800);
  CHECK(t.terminal.reversal_pending());
}

TEST_CASE("proxy passes a stream that is not length-framed through unchanged", "[proxy][threads]") {
  // An echo server stands in for a host speaking some other protocol.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 4) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::thread echo([listener] {
    int c = ::accept(listener, nullptr, nullptr);
    if (c < 0) return;
    char buf[512];
    ssize_t n;
    while ((n = ::recv(c, buf, sizeof buf, 0)) > 0) ::send(c, buf, std::size_t(n), MSG_NOSIGNAL);
    ::close(c);
  });
  {
    ProxyUnderTest proxy(Endpoint{"127.0.0.1", ntohs(addr.sin_port)}, {rule(1, ProxyAction::Kind::drop_answer)});
    NetStatus st;
    TcpConnection c = TcpConnection::connect(proxy.at, 1'000, st);
    REQUIRE(c.connected());
    const std::string text = "POST /nexo HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
    REQUIRE(c.send_raw(text, 1'000) == NetStatus::ok);
    // Waits for the echo itself (the bound only turns a hang into a failure).
    std::string got;
    char buf[512];
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (got.size() < text.size() && std::chrono::steady_clock::now() < give_up) {
      pollfd p{c.fd(), POLLIN, 0};
      if (::poll(&p, 1, 1000) <= 0) continue;
      ssize_t n = ::recv(c.fd(), buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, std::size_t(n));
    }
    CHECK(got == text);
    c.close();
    auto counters = proxy.proxy.counters();
    CHECK(counters.raw_connections == 1);
    CHECK(counters.faults == 0);  // no fault on a stream the proxy cannot read
    CHECK(proxy.log().find("not a length-framed protocol") != std::string::npos);
  }
  ::shutdown(listener, SHUT_RDWR);
  ::close(listener);
  echo.join();
}

TEST_CASE("proxy with the upstream down - the terminal sees a failed connection", "[proxy][e2e][threads]") {
  Endpoint gone;
  {
    UpstreamHost host(proxy_setup());
    gone = host.at;
  }
  ProxyUnderTest proxy(gone, {});
  Terminal t(proxy_setup(), proxy.at);
  t.run(TerminalOp::sign_on);
  CHECK_FALSE(t.tcp.last_problem().empty());
  CHECK_FALSE(t.terminal.signed_on());
  // The proxy counts the failure before it resets the terminal's connection; the test still waits
  // for the count itself (the proxy's thread, not the terminal, owns that event).
  auto failures = [&](uint64_t n) {
    return proxy.proxy.wait_counters([n](const auto& c) { return c.upstream_failures >= n; }, 30'000).upstream_failures;
  };
  CHECK(failures(1) == 1);
  // It keeps serving: a second attempt is handled (and fails) the same way.
  t.run(TerminalOp::sign_on);
  CHECK(failures(2) == 2);
}

TEST_CASE("proxy refuses an upstream that is not an allowed test host", "[proxy][safety]") {
  std::string why;
  CHECK(upstream_allowed({"127.0.0.1", 8583}, {}, why));
  CHECK(upstream_allowed({"127.5.0.1", 8583}, {}, why));
  CHECK(upstream_allowed({"::1", 8583}, {}, why));
  CHECK(upstream_allowed({"localhost", 8583}, {}, why));
  CHECK_FALSE(upstream_allowed({"192.0.2.7", 8583}, {}, why));
  CHECK(why.find("not an allowed acquirer TEST host") != std::string::npos);
  CHECK(upstream_allowed({"192.0.2.7", 8583}, {"192.0.2.7"}, why));
  CHECK(upstream_allowed({"192.0.2.7", 8583}, {"192.0.2.7:8583"}, why));
  CHECK_FALSE(upstream_allowed({"192.0.2.7", 9000}, {"192.0.2.7:8583"}, why));
  CHECK(upstream_allowed({"::ffff:192.0.2.7", 8583}, {"192.0.2.7"}, why));
  CHECK_FALSE(upstream_allowed({"acquirer.example.com", 8583}, {"acquirer.example.com"}, why));
  CHECK(why.find("numeric address") != std::string::npos);

  CHECK(valid_test_host_entry("192.0.2.7", why));
  CHECK(valid_test_host_entry("[2001:db8::7]:8583", why));
  CHECK(valid_test_host_entry("2001:db8::7", why));
  CHECK_FALSE(valid_test_host_entry("0.0.0.0", why));
  CHECK_FALSE(valid_test_host_entry("255.255.255.255", why));
  CHECK_FALSE(valid_test_host_entry("acquirer.example.com", why));
  CHECK_FALSE(valid_test_host_entry("192.0.2.0/24", why));

  HostLinkProxy::Options o;
  o.upstream = {"192.0.2.7", 8583};
  HostLinkProxy refused(o, nullptr);
  std::string error;
  CHECK_FALSE(refused.listen({"127.0.0.1", 0}, error));
  CHECK(error.find("192.0.2.7:8583") != std::string::npos);
  CHECK(refused.port() == 0);  // it never listened

  o.test_hosts = {"192.0.2.0/24"};
  HostLinkProxy bad_list(o, nullptr);
  CHECK_FALSE(bad_list.listen({"127.0.0.1", 0}, error));
  CHECK(error.find("numeric address") != std::string::npos);
}

TEST_CASE("proxy fault plan follows the emulator's numbering", "[proxy]") {
  Setup s = proxy_setup();
  HistoryEntry older;
  older.op = TerminalOp::sale;
  older.minutes_ago = 5;
  HistoryEntry lost;
  lost.op = TerminalOp::sale;
  lost.minutes_ago = 2;
  lost.fault = Fault{FaultKind::answer_lost, 0, 0, "", {}};
  HistoryEntry offline;
  offline.op = TerminalOp::transaction_query;
  offline.minutes_ago = 1;
  s.history = {lost, offline, older};  // replayed oldest first
  s.faults = {Fault{FaultKind::respond, 1, 0, "61", {}}, Fault{FaultKind::request_lost, 2, 0, "", {}},
              Fault{FaultKind::reversal_fails, 3, 0, "", {}}};
  std::vector<std::string> skipped;
  ProxyFaultPlan plan = ProxyFaultPlan::from_setup(s, &skipped);
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0] == "respond 61 (request 1)");

  auto request = [&](const char* mti) { return plan.on_request(FrameInfo{100, mti}).kind; };
  CHECK(request("0800") == ProxyAction::Kind::pass);          // sign-on: not counted
  CHECK(request("0200") == ProxyAction::Kind::pass);          // history 1 (5 minutes ago)
  CHECK(request("0200") == ProxyAction::Kind::drop_answer);   // history 2: the lost answer
  CHECK(request("0400") == ProxyAction::Kind::pass);          // its reversal, before request 1
  CHECK(request("0200") == ProxyAction::Kind::pass);          // request 1: respond is not on the wire
  CHECK(request("0200") == ProxyAction::Kind::request_lost);  // request 2
  CHECK(request("0400") == ProxyAction::Kind::drop_request);  // reversals of request 3 vanish
  CHECK(request("0400") == ProxyAction::Kind::drop_request);
  CHECK(request("0200") == ProxyAction::Kind::pass);  // request 3 itself
  CHECK(request("0400") == ProxyAction::Kind::pass);  // operation 4: reversals pass again
  CHECK(plan.main_requests() == 5);
}

TEST_CASE("proxy fault plan swapped while running starts its count again", "[proxy]") {
  // The kiosk keeps one proxy and swaps the plan per attempt: faults of the last scenario must
  // not leak into the next, and request numbers start again at 1.
  ProxyFaultPlan plan({rule(1, ProxyAction::Kind::drop_answer)});
  auto request = [&](const char* mti) { return plan.on_request(FrameInfo{100, mti}).kind; };
  CHECK(request("0200") == ProxyAction::Kind::drop_answer);
  CHECK(request("0200") == ProxyAction::Kind::pass);
  plan.replace({rule(2, ProxyAction::Kind::request_lost)});
  CHECK(plan.main_requests() == 0);
  CHECK(request("0200") == ProxyAction::Kind::pass);
  CHECK(request("0200") == ProxyAction::Kind::request_lost);
  plan.replace({});
  CHECK(request("0200") == ProxyAction::Kind::pass);
  CHECK(request("0200") == ProxyAction::Kind::pass);
  CHECK(plan.main_requests() == 2);
}

TEST_CASE("proxy reads the MTI of both dialects and nothing else", "[proxy]") {
  IsoMessage m;
  m.mti = "0200";
  m.set(3, "000000");
  m.set(11, "000001");
  std::string cup, interop;
  REQUIRE(encode(m, Dialect::cup, cup).ok());
  REQUIRE(encode(m, Dialect::interop, interop).ok());
  CHECK(frame_mti(cup) == "0200");
  CHECK(frame_mti(interop) == "0200");
  CHECK(frame_mti("GET / HTTP/1.1").empty());
  CHECK(frame_mti("").empty());
}

TEST_CASE("proxy with more idle connections than sessions - the oldest idle ones make room",
          "[proxy][limits][threads]") {
  Setup setup = proxy_setup();
  UpstreamHost host(setup);
  ProxyUnderTest proxy(host.at, {}, 2);
  std::vector<TcpConnection> idle;
  for (int i = 0; i < 5; ++i) {
    NetStatus st;
    idle.push_back(TcpConnection::connect(proxy.at, 1'000, st));
    REQUIRE(idle.back().connected());
  }
  Terminal t(setup, proxy.at);
  CHECK(t.last(TerminalOp::sign_on).response_code == "00");
  // Six connections for two sessions up to the sign-on's: four idle ones gave up their slots (no
  // connection has been made since, so the count cannot move on).
  auto c = proxy.proxy.wait_counters([](const auto& k) { return k.evicted >= 4; }, 30'000);
  CHECK(c.evicted == 4);
  CHECK(c.turned_away == 0);
  CHECK(t.last(TerminalOp::sale, 32800).response_code == "00");
  pollfd p{idle.front().fd(), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 30'000) == 1);
  char b;
  CHECK(::recv(idle.front().fd(), &b, 1, 0) <= 0);  // closed by the proxy
  CHECK(proxy.log().find("its slot went to a new connection") != std::string::npos);
}
