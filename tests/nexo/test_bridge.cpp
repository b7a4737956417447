// The kiosk's nexo bridge (NexoTerminalPort, libcurl) against the emulated nexo POI over real
// loopback sockets: approvals, the 55 / 65 / 75 declines, a lost answer resolved by
// TransactionStatus, the safety refusals, and a seed scenario scored end to end by the Runner.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "kiosk/nexo/nexo_terminal_port.h"
#include "scenarios/loader.h"
#include "scenarios/runner.h"
#include "tests/nexo/poi_server.h"
#include "tests/shipped_set.h"

using namespace posdrill;
using posdrill::test::PoiServer;

namespace {

const std::string card = "6210947000000021";

Setup base_setup() {
  Setup s;
  s.card = card;
  s.pin = "582904";
  s.balance_minor = 500000;
  s.terminal_id = "11035821";
  s.merchant_id = "898110054112307";
  return s;
}

NexoTerminalConfig config_for(const PoiServer& s) {
  NexoTerminalConfig c;
  c.url = s.url();
  c.timeout_ms = 1000;  // the lost-answer tests wait this long
  c.status_timeout_ms = 3000;
  return c;
}

TerminalRequest sale(int64_t minor) {
  TerminalRequest r;
  r.op = TerminalOp::sale;
  r.amount_minor = minor;
  return r;
}

TerminalRecord one(NexoTerminalPort& port, const TerminalRequest& r) {
  port.request(r);
  auto recs = port.poll();
  REQUIRE(recs.size() == 1);
  return recs[0];
}

}  // namespace

TEST_CASE("the nexo bridge records an approved sale from the terminal's answer", "[nexo_bridge][threads]") {
  PoiServer s(base_setup());
  NexoTerminalPort port(config_for(s));
  port.prepare(Setup{});
  CHECK(port.health().training_confirmed);
  CHECK(port.health().last_error.empty());
  TerminalRecord r = one(port, sale(18650));
  CHECK(r.approved());
  CHECK(r.amount_minor == 18650);
  CHECK(r.auth_code.size() == 6);
  CHECK(r.screen.en == response_text("00").en);
  CHECK(port.health().last_ok_ms > WallTime{});
  // And voids it.
  TerminalRequest v;
  v.op = TerminalOp::void_sale;
  TerminalRecord vr = one(port, v);
  CHECK(vr.approved());
  CHECK(s.poi.scenario().host().available_minor(card) == 500000);
}

TEST_CASE("the nexo bridge records 55 and 75 and 65 declines", "[nexo_bridge][threads]") {
  Setup st = base_setup();
  st.faults = {Fault{FaultKind::respond, 1, 0, "55", {}}, Fault{FaultKind::respond, 2, 0, "55", {}},
               Fault{FaultKind::respond, 3, 0, "55", {}}};
  PoiServer s(st);
  NexoTerminalPort port(config_for(s));
  port.prepare(Setup{});
  TerminalRecord a = one(port, sale(18650));
  CHECK(a.response_code == "55");
  CHECK(a.screen.zh == response_text("55").zh);
  CHECK(one(port, sale(18650)).response_code == "55");
  CHECK(one(port, sale(18650)).response_code == "75");

  PoiServer v(base_setup());
  NexoTerminalPort vport(config_for(v));
  CHECK(one(vport, sale(100)).approved());
  CHECK(one(vport, sale(200)).approved());
  CHECK(one(vport, sale(300)).response_code == "65");
}

TEST_CASE("a payment that times out is settled by TransactionStatus and never retried", "[nexo_bridge][threads]") {
  Setup st = base_setup();
  st.faults = {Fault{FaultKind::answer_lost, 1, 0, "", {}}};
  PoiServer s(st);
  NexoTerminalPort port(config_for(s));
  port.prepare(Setup{});
  auto t0 = std::chrono::steady_clock::now();
  TerminalRecord r = one(port, sale(32800));
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(900));
  CHECK(r.response_code.empty());
  CHECK_FALSE(r.approved());
  CHECK(r.screen.en.find("the issuer booked it") != std::string::npos);
  CHECK(port.health().last_error.find("late") != std::string::npos);
  // Exactly one sale reached the host: the bridge asked, it did not send the sale again.
  int sales = 0;
  for (const auto& e : s.poi.scenario().host().journal()) sales += e.op == HostOp::sale;
  CHECK(sales == 1);
  // The next sale carries the terminal's automatic reversal.
  TerminalRecord next = one(port, sale(1000));
  CHECK(next.approved());
  CHECK(next.reversal_sent);
  CHECK(s.poi.scenario().host().available_minor(card) == 500000 - 1000);
}

TEST_CASE("the nexo bridge refuses a terminal that is not in training mode", "[nexo_bridge][threads]") {
  // A fake terminal that answers like a POI but without trainingMode=true.
  HttpServer fake(
      [](const HttpServerRequest& r) {
        auto req = nexo::parse_request(r.body);
        nexo::Response resp{req.value->header, nexo::LoginResponse{}};
        std::get<nexo::LoginResponse>(resp.body).date_time = "2026-11-20T14:32:00+08:00";
        return HttpServerAnswer{200, "application/json", nexo::build_response(resp)};
      },
      {});
  std::string error;
  REQUIRE(fake.listen({"127.0.0.1", 0}, error));
  std::thread t([&] { fake.serve(); });
  NexoTerminalConfig c;
  c.url = "http://127.0.0.1:" + std::to_string(fake.port()) + "/nexo";
  NexoTerminalPort port(c);
  port.prepare(Setup{});
  CHECK_FALSE(port.health().training_confirmed);
  CHECK(port.health().last_error.find("training mode") != std::string::npos);
  TerminalRecord r = one(port, sale(100));
  CHECK(r.response_code.empty());
  CHECK(r.screen.en.find("not in training mode") != std::string::npos);
  CHECK(port.health().problem.zh == "终端未处于培训模式，已拒绝");
  fake.stop();
  t.join();
  CHECK(fake.counters().requests == 2);  // two logins; no payment was ever sent
}

TEST_CASE("the nexo bridge refuses a card outside the test ranges", "[nexo_bridge][threads]") {
  // The emulated POI answers for 6210947000000021 (test BIN 621094); this bridge is configured
  // with other test BINs, so the same answer must be refused.
  PoiServer s(base_setup());
  NexoTerminalConfig c = config_for(s);
  c.test_bins = {"476173"};
  NexoTerminalPort port(c);
  TerminalRecord r = one(port, sale(100));
  CHECK_FALSE(r.approved());
  CHECK(r.screen.en.find("Not a test card") != std::string::npos);
  CHECK(port.health().last_error.find("621094") != std::string::npos);
  auto bins = default_test_bins();
  CHECK(bins == std::vector<std::string>{"476173", "620000", "620550", "621094", "411111", "424242"});
}

TEST_CASE("the nexo bridge talks only to its configured address", "[nexo_bridge][threads]") {
  std::string error;
  CHECK_FALSE(parse_nexo_url("ftp://127.0.0.1:1/nexo", error));
  CHECK_FALSE(parse_nexo_url("http://terminal.example.com:8443/nexo", error));
  CHECK(error.find("numeric address") != std::string::npos);
  CHECK_FALSE(parse_nexo_url("http://user@127.0.0.1:8443/nexo", error));
  CHECK_FALSE(parse_nexo_url("http://127.0.0.1/nexo", error));
  auto t = parse_nexo_url("http://127.0.0.1:8443/nexo/", error);
  REQUIRE(t);
  CHECK(nexo_url_text(*t) == "http://127.0.0.1:8443/nexo/");

  std::vector<std::string> urls;
  NexoPost spy = [&](const std::string& url, const std::string&, int, int, const std::string&) {
    urls.push_back(url);
    return NexoPostResult{NexoPostResult::Kind::unreachable, 0, "", "connection refused"};
  };
  NexoTerminalConfig c;
  c.url = "http://192.0.2.10:8443/nexo";
  NexoTerminalPort port(c, spy);
  port.prepare(Setup{});
  port.request(sale(100));
  CHECK(port.poll().at(0).screen.en.find("Cannot reach") != std::string::npos);
  CHECK(port.health().last_error.find("cannot reach the terminal at http://192.0.2.10:8443/nexo") == 0);
  for (const auto& u : urls) CHECK(u == "http://192.0.2.10:8443/nexo");

  NexoTerminalConfig bad;
  bad.url = "terminal:8443";
  NexoTerminalPort none(bad, spy);
  urls.clear();
  none.request(sale(100));
  CHECK(urls.empty());
  CHECK_FALSE(none.health().configured);
}

TEST_CASE("a seed scenario is scored end to end through the nexo bridge", "[nexo_bridge][threads]") {
  ContentSet set = posdrill::test::shipped_set();
  const Scenario* sc = set.find("wrong_pin_retry_privacy");
  REQUIRE(sc);
  // The reference: the same scenario on the in-memory emulated terminal.
  FakeClock ref_clock;
  EmulatedTerminalPort emulated(&ref_clock);
  AttemptResult ref = play_auto(*sc, AutoMode::best, 1, emulated, ref_clock);
  REQUIRE(ref.passed);

  // The POI plays the scenario's terminal and host; the kiosk reaches it only over nexo.
  PoiServer s(sc->setup);
  NexoTerminalPort port(config_for(s));
  FakeClock clock;
  AttemptResult via_nexo = play_auto(*sc, AutoMode::best, 1, port, clock);
  CHECK(via_nexo.finished);
  CHECK(via_nexo.passed);
  CHECK(via_nexo.points == ref.points);
  CHECK(via_nexo.critical_errors == 0);
  bool saw_task = false;
  for (const auto& step : via_nexo.steps) {
    for (const auto& rec : step.terminal_records) {
      saw_task = true;
      CHECK(rec.amount_minor == 18650);
    }
  }
  CHECK(saw_task);
  CHECK(port.health().training_confirmed);

  // The critical path is caught as well.
  PoiServer s2(sc->setup);
  NexoTerminalPort port2(config_for(s2));
  FakeClock clock2;
  FakeClock ref_clock2;
  EmulatedTerminalPort emulated2(&ref_clock2);
  AttemptResult crit_ref = play_auto(*sc, AutoMode::critical, 1, emulated2, ref_clock2);
  AttemptResult crit = play_auto(*sc, AutoMode::critical, 1, port2, clock2);
  CHECK(crit.passed == crit_ref.passed);
  CHECK(crit.critical_errors == crit_ref.critical_errors);
}
