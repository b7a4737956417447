// Practising on the spare terminal through the kiosk's own screens, effect runner and SQLite
// file, with the real link thread (kiosk/nexo/spare_terminal_link.h) talking nexo over loopback
// sockets to the emulated POI (`posdrill terminal --nexo` in-process). The loop below hands the
// link's answers and health to the kiosk exactly as the platform's frame loop does.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "device_bridge/net/wire_link.h"
#include "device_bridge/wire.h"
#include "kiosk/core/certification.h"
#include "kiosk/nexo/spare_terminal_link.h"
#include "kiosk/nexo/wire_terminal_link.h"
#include "kiosk_fixture.h"
#include "tests/device_bridge/wire_fixtures.h"
#include "tests/nexo/poi_server.h"
#include "tests/shipped_set.h"

using namespace posdrill;
using namespace posdrill::test;

namespace {

struct LinkControl final : SpareTerminalControl {
  SpareTerminalLink* link = nullptr;
  void begin(uint64_t serial, const Scenario& scenario) override { link->begin(serial, scenario); }
  void send(uint64_t serial, const TerminalRequest& request) override { link->send(serial, request); }
  void end(uint64_t serial) override { link->end(serial); }
};

// The hand-keyed terminal's link: nothing is ever sent to it.
struct WireControl final : SpareTerminalControl {
  WireTerminalLink* link = nullptr;
  void begin(uint64_t serial, const Scenario& scenario) override { link->begin(serial, scenario); }
  void send(uint64_t, const TerminalRequest&) override { FAIL("an operation was sent to a hand-keyed terminal"); }
  void end(uint64_t serial) override { link->end(serial); }
};

struct Logged {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& l) {
      std::lock_guard lock(mutex);
      lines.push_back(l);
    };
  }
};

SpareTerminalLink::Options link_options(const std::string& url, Logged& log, int probe_ms = 60'000) {
  SpareTerminalLink::Options o;
  o.nexo.url = url;
  o.nexo.timeout_ms = 5'000;
  o.nexo.status_timeout_ms = 2'000;
  o.nexo.connect_timeout_ms = 1'000;
  o.probe_interval_ms = probe_ms;
  o.log = log.sink();
  return o;
}

// Hands the link's answers and health to the kiosk until `done` (a bounded wait for another
// thread, not a timing assertion: the bound only stops a hung test).
void pump_until(Kiosk& k, SpareTerminalLink& link, const std::function<bool()>& done, const char* what) {
  for (int waited_ms = 0; waited_ms < 30'000; waited_ms += 5) {
    for (SpareTerminalLink::Answer& a : link.take_answers())
      k.act(SpareTerminalAnswered{a.serial, std::move(a.records)});
    const SpareTerminalView v = link.view();
    if (!(v == k.state.spare)) k.act(SpareTerminalStatus{v});
    if (done()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("the spare terminal link never reached: " << what);
}

// The kiosk with its link to an emulated POI playing `setup`, the link ready and the effect runner
// using it, as the platform sets them up from a config's `terminal: nexo:`.
struct SpareKiosk {
  explicit SpareKiosk(const Setup& setup, int probe_ms = 60'000) : poi(std::make_unique<PoiServer>(setup)) {
    link = std::make_unique<SpareTerminalLink>(link_options(poi->url(), log, probe_ms));
    control.link = link.get();
    k.services->enable_spare_terminal(&control);
    std::string error;
    REQUIRE(link->start(error));
    pump([&] { return k.state.spare.link == TerminalLinkState::ready; }, "ready");
  }
  void pump(const std::function<bool()>& done, const char* what) { pump_until(k, *link, done, what); }

  Kiosk k{{1280, 800}};
  std::unique_ptr<PoiServer> poi;
  Logged log;
  std::unique_ptr<SpareTerminalLink> link;
  LinkControl control;
};

}  // namespace

TEST_CASE("a trainee plays a seed scenario on the spare terminal from the kiosk's screens", "[spare][flow][threads]") {
  ContentSet content = posdrill::test::shipped_set();
  const Scenario* sc = content.find("wrong_pin_retry_privacy");
  REQUIRE(sc);
  // The reference: the same path on the on-screen emulated terminal.
  FakeClock ref_clock;
  EmulatedTerminalPort emulated(&ref_clock);
  const AttemptResult ref = play_auto(*sc, AutoMode::best, 1, emulated, ref_clock);
  REQUIRE(ref.passed);

  SpareKiosk sk(sc->setup);
  Kiosk& k = sk.k;
  CHECK(k.state.spare.address == sk.poi->url());

  k.sign_in("1001", "2580");
  k.tap("home.catalog");
  REQUIRE(k.on_screen("device"));
  k.tap("device");
  REQUIRE(k.state.practise_on_spare);
  k.tap("card.wrong_pin_retry_privacy");
  REQUIRE(k.state.attempt);
  REQUIRE(k.state.attempt->on_spare);
  // The spare terminal's panel replaces the on-screen twin: only what nexo can start is offered.
  CHECK(k.on_screen("op.sale"));
  CHECK_FALSE(k.on_screen("op.balance_inquiry"));

  AutoPlayer player(*sc, AutoMode::best);
  int operations = 0;
  for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
    const std::string w = next_widgets(k.state, player).front();
    k.tap(w);
    if (w.rfind("op.", 0) == 0) {
      ++operations;
      // The trainee is at the terminal now; the kiosk waits for its answer.
      REQUIRE(k.state.attempt->sent);
      sk.pump([&] { return !k.state.attempt->sent; }, "an answer");
    }
  }
  REQUIRE(k.state.screen == ScreenId::debrief);
  CHECK(operations > 0);
  const AttemptResult& result = k.state.attempt->runner.result();
  CHECK(result.passed);
  CHECK(result.points == ref.points);
  CHECK(result.critical_errors == 0);
  // Every terminal record came from the POI over the wire.
  for (const StepRecord& s : result.steps)
    for (const TerminalRecord& r : s.terminal_records) CHECK_FALSE(r.response_code.empty());

  // The record says it was played on a real terminal.
  const std::vector<AttemptRow> rows = k.store->attempts("1001");
  REQUIRE_FALSE(rows.empty());
  CHECK(rows.front().terminal == TerminalKind::real);
  CHECK(rows.front().passed);

  // Neither the card number nor the PIN went through the kiosk's log.
  sk.link->stop();
  for (const std::string& l : sk.log.lines) {
    INFO(l);
    CHECK(l.find(sc->setup.card) == std::string::npos);
    CHECK(l.find(sc->setup.card.substr(6)) == std::string::npos);
  }
}

TEST_CASE("a terminal that goes away shows on the catalog within a probe, and its return too",
          "[spare][flow][threads]") {
  SpareKiosk sk(Setup{}, 100);
  Kiosk& k = sk.k;
  const uint16_t port = sk.poi->server.port();
  k.sign_in("1001", "2580");
  k.tap("home.catalog");
  CHECK(k.state.catalog.device_ok);

  sk.poi.reset();  // the cable is pulled
  sk.pump([&] { return k.state.spare.link == TerminalLinkState::unreachable; }, "unreachable");
  CHECK_FALSE(k.state.catalog.device_ok);
  CHECK(k.state.catalog.device_health.find(k.state.strings.tr("spare.health.unreachable", k.state.lang)) == 0);
  CHECK(k.state.catalog.device_health.find(k.state.spare.problem.get(k.state.lang)) != std::string::npos);
  CHECK_FALSE(k.state.spare.detail.empty());

  // The terminal is back on the same address.
  sk.poi = std::make_unique<PoiServer>(Setup{}, NexoPoiOptions{}, port);
  sk.pump([&] { return k.state.spare.link == TerminalLinkState::ready; }, "ready again");
  CHECK(k.state.catalog.device_ok);
  CHECK(k.state.spare.last_ok_ms > WallTime{});
}

TEST_CASE("an operation sent to a terminal that is gone comes back as not done, and the kiosk goes on",
          "[spare][flow][threads]") {
  ContentSet content = posdrill::test::shipped_set();
  const Scenario* sc = content.find("wrong_pin_retry_privacy");
  REQUIRE(sc);
  SpareKiosk sk(sc->setup);
  Kiosk& k = sk.k;
  k.sign_in("1001", "2580");
  k.tap("home.catalog");
  k.tap("device");
  k.tap("card.wrong_pin_retry_privacy");
  REQUIRE(k.state.attempt->on_spare);
  AutoPlayer player(*sc, AutoMode::best);
  std::string w = next_widgets(k.state, player).front();
  for (int n = 0; n < 50 && w.rfind("op.", 0) != 0; ++n) {
    k.tap(w);
    w = next_widgets(k.state, player).front();
  }
  REQUIRE(w.rfind("op.", 0) == 0);
  sk.poi.reset();
  k.tap(w);
  sk.pump([&] { return !k.state.attempt->sent; }, "an answer");
  REQUIRE(k.state.attempt->answer);
  CHECK(k.state.attempt->answer->response_code.empty());
  CHECK(k.state.attempt->answer->screen.en.find("Cannot reach the terminal") == 0);
  CHECK(k.state.spare.link == TerminalLinkState::unreachable);
  // Scored as what happened (nothing was done on the terminal), and the kiosk goes on.
  CHECK((k.state.screen == ScreenId::runner || k.state.screen == ScreenId::feedback));
}

TEST_CASE("the kiosk's host-link proxy runs only towards a test host", "[spare][proxy][threads]") {
  PoiServer poi(Setup{});
  Logged log;
  {
    SpareTerminalLink::Options o = link_options(poi.url(), log);
    o.proxy_listen = Endpoint{"127.0.0.1", 0};
    o.proxy_upstream = Endpoint{"192.0.2.7", 5000};  // not loopback, not listed
    SpareTerminalLink link(std::move(o));
    std::string error;
    REQUIRE(link.start(error));  // the terminal itself is still usable
    CHECK_FALSE(link.view().proxy);
    CHECK_FALSE(link.view().proxy_problem.empty());
    CHECK(link.proxy_port() == 0);
  }
  {
    SpareTerminalLink::Options o = link_options(poi.url(), log);
    o.proxy_listen = Endpoint{"127.0.0.1", 0};
    o.proxy_upstream = Endpoint{"192.0.2.7", 5000};
    o.test_hosts = {"192.0.2.7:5000"};
    SpareTerminalLink link(std::move(o));
    std::string error;
    REQUIRE(link.start(error));
    CHECK(link.view().proxy);
    CHECK(link.proxy_port() != 0);
    CHECK(link.view().proxy_address == "127.0.0.1:" + std::to_string(link.proxy_port()));
  }
}

TEST_CASE("the config's terminal section becomes the link's options, or a plain reason", "[spare][config]") {
  ContentSet c = posdrill::test::shipped_set();
  RealTerminalSettings s;
  std::string error;
  CHECK_FALSE(SpareTerminalLink::options_from(s, c.test_hosts, error));
  CHECK(error.empty());  // nothing configured is not an error
  s.nexo_address = "ftp://192.0.2.10/nexo";
  CHECK_FALSE(SpareTerminalLink::options_from(s, c.test_hosts, error));
  CHECK(error.find("terminal.nexo") == 0);
  s.nexo_address = "http://192.0.2.10:8080/nexo";
  s.acquirer = "no_such_table";
  CHECK_FALSE(SpareTerminalLink::options_from(s, c.test_hosts, error));
  CHECK(error.find("no_such_table") != std::string::npos);
  CHECK(error.find("example_acquirer_uat") != std::string::npos);
  s.acquirer = "example_acquirer_uat";
  s.poi_id = "TRAINING-01";
  s.timeout_s = 90;
  s.proxy_listen = "127.0.0.1:6000";
  s.proxy_upstream = "192.0.2.50:5000";
  s.test_hosts = {"192.0.2.50"};
  auto o = SpareTerminalLink::options_from(s, c.test_hosts, error);
  REQUIRE(o);
  CHECK(o->nexo.poi_id == "TRAINING-01");
  CHECK(o->nexo.timeout_ms == 90'000);
  CHECK(o->acquirer == "example_acquirer_uat");
  CHECK(o->proxy_upstream->port == 5000);
  CHECK(o->test_hosts == std::vector<std::string>{"192.0.2.50"});
}

// The host-line way (config `terminal: wire:`): the emulated terminal over TCP (as `posdrill
// terminal --host` is) stands in for a real one keyed by hand; its host address points at the
// kiosk's wire link, which relays to the scenario's host (`posdrill host` in-process) and hands
// what the line showed to the kiosk exactly as the platform's frame loop does.
TEST_CASE("a trainee keys the spare terminal by hand and the kiosk scores it from its host line",
          "[spare][wire][flow][threads]") {
  const ContentSet& content = posdrill::test::shipped_set();
  const Scenario* base = content.find("user_exception_identity");
  REQUIRE(base);
  Kiosk k{{1280, 800}};
  // The figures the kiosk will draw for a newcomer's first attempt: the host must know its cards.
  const Scenario& sc = scenario_for_seed(*base, least_practised_seed(*base, {}, k.state.seed));
  HostService host(sc.setup);

  Logged log;
  WireTerminalLink::Options o;
  o.listen = {"127.0.0.1", 0};
  o.upstream = host.at;
  o.wait_s = 600;
  o.log = log.sink();
  WireTerminalLink link(o);
  std::string error;
  REQUIRE(link.start(error));
  WireControl control;
  control.link = &link;
  k.services->enable_spare_terminal(&control);
  const auto pump = [&](const std::function<bool()>& done, const char* what) {
    for (int waited_ms = 0; waited_ms < 30'000; waited_ms += 5) {
      for (WireTerminalLink::Exchange& e : link.take_exchanges())
        k.act(SpareTerminalKeyed{e.serial, std::move(e.record), e.op_known, std::move(e.line)});
      const SpareTerminalView v = link.view();
      if (!(v == k.state.spare)) k.act(SpareTerminalStatus{v});
      if (done()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("the wire link never reached: " << what);
  };
  pump([&] { return k.state.spare.link == TerminalLinkState::ready; }, "ready");
  CHECK(k.state.spare.hand_keyed);
  CHECK(k.state.spare.address == "127.0.0.1:" + std::to_string(link.port()));

  k.sign_in("1001", "2580");
  k.tap("home.catalog");
  k.tap("device");
  REQUIRE(k.state.practise_on_spare);
  k.tap("card.user_exception_identity");
  REQUIRE(k.state.attempt);
  REQUIRE(k.state.attempt->on_spare);
  const Scenario& played = k.state.attempt->scenario;
  REQUIRE(played.setup.card == sc.setup.card);
  REQUIRE(played.setup.other_card == sc.setup.other_card);
  // No menu of operations: the terminal's own keypad is the only way in.
  CHECK_FALSE(k.on_screen("op.sale"));

  // The reference: the same best path on the on-screen emulated terminal.
  FakeClock ref_clock;
  EmulatedTerminalPort emulated(&ref_clock);
  const AttemptResult ref = play_auto(played, AutoMode::best, 1, emulated, ref_clock);
  REQUIRE(ref.passed);

  WiredTerminal hands(played.setup, Endpoint{"127.0.0.1", link.port()}, default_training_start_ms());
  AutoPlayer player(played, AutoMode::best);
  std::string card = played.setup.card;
  std::string pin = played.setup.pin.empty() ? std::string(default_test_pin) : played.setup.pin;
  bool signed_on = false;
  int tasks = 0;
  for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
    const Step& step = *current_step(k.state);
    if (k.state.screen == ScreenId::runner && step.customer_card == CustomerCard::other) {
      card = played.setup.other_card;
      pin = std::string(default_test_pin);
    }
    if (k.state.screen != ScreenId::runner || step.kind != StepKind::terminal) {
      k.tap(next_widgets(k.state, player).front());
      continue;
    }
    const std::optional<HandKeyedTask> task = hand_keyed_task(k.state);
    REQUIRE(task);
    if (!signed_on) {
      // Switched on at the start of the day, the terminal signs on: shown, not the trainee's act.
      const std::size_t lines = k.state.attempt->wire_lines.size();
      TerminalRequest sign_on;
      sign_on.op = TerminalOp::sign_on;
      hands.run(sign_on, CardPresentation{}, "");
      pump([&] { return k.state.attempt->wire_lines.size() > lines; }, "the sign-on on the line");
      CHECK(k.state.attempt->wire_lines.back().note_key == "spare.wire.sign_on");
      signed_on = true;
    }
    const AutoAction act = player.next(k.state.attempt->runner, nullptr);
    REQUIRE(act.kind == AutoAction::terminal);
    TerminalRequest keyed = act.request;
    CHECK(keyed.op == task->op);
    if (keyed.amount_minor) keyed.amount_minor = task->key_amount;
    CardPresentation presented;
    presented.pan = card;
    const std::size_t before = k.state.attempt->runner.result().steps.size();
    hands.run(keyed, presented, pin);
    ++tasks;
    pump([&] { return k.state.attempt->runner.result().steps.size() > before; }, "the task scored from the line");
    CHECK(k.state.attempt->wire_lines.back().note_key.empty());
    // The feedback shows what the line showed, to compare with the terminal's screen.
    if (k.state.screen == ScreenId::feedback) CHECK(k.on_screen("feedback.wire_lines"));
  }
  REQUIRE(k.state.screen == ScreenId::debrief);
  CHECK(tasks >= 2);
  const AttemptResult& result = k.state.attempt->runner.result();
  CHECK(result.passed);
  CHECK(result.points == ref.points);
  CHECK(result.critical_errors == 0);
  int from_wire = 0;
  for (const StepRecord& s : result.steps)
    for (const TerminalRecord& r : s.terminal_records) {
      CHECK(r.source == "wire");
      ++from_wire;
    }
  CHECK(from_wire == tasks);
  // The customer's card was declined by the acquirer's risk control, as on the emulator.
  CHECK(host.count("0200") == tasks);

  // The record says it was played on a real terminal.
  const std::vector<AttemptRow> rows = k.store->attempts("1001");
  REQUIRE_FALSE(rows.empty());
  CHECK(rows.front().terminal == TerminalKind::real);
  CHECK(rows.front().passed);

  // No card number on the panel's lines or in the kiosk's log: masked where the line is read.
  link.stop();
  for (const std::string& l : log.lines) {
    INFO(l);
    CHECK(l.find(played.setup.card) == std::string::npos);
    CHECK(l.find(played.setup.other_card) == std::string::npos);
  }
  for (const auto& w : k.state.attempt->wire_lines) CHECK(w.line.zh.find(played.setup.card.substr(6)) == std::string::npos);
}
