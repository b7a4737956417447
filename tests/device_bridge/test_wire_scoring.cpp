// Scoring from the wire equals scoring on the emulator, for every shipped scenario that can be
// played on a real terminal (`real_terminal.mode: amounts`). The automatic player plays the
// scenario's best path twice:
// - on the emulator, as `posdrill play --auto best` does;
// - as on a spare terminal: the scenario's emulated terminal stands in for the hand-operated one
//   and is keyed by the same player, but its line is a real socket through posdrill proxy (with
//   the scenario's faults, history included) to a server of its host that answers the scenario's
//   outcomes by test amount, as an acquirer's test host does. The runner sees none of the
//   terminal's own records: only what WireWatch read from the line (WireTerminalPort), with the
//   books unknown, as for a real terminal.
// Both attempts must score the same, step by step.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include "device_bridge/emulation.h"
#include "device_bridge/net/proxy.h"
#include "device_bridge/net/wire_link.h"
#include "device_bridge/wire.h"
#include "device_bridge/wire_watch.h"
#include "scenarios/loader.h"
#include "scenarios/runner.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const ContentSet& shipped() { return posdrill::test::shipped_set(); }

// The test host's amount per response code: unique amounts no story uses.
int64_t test_amount(const std::string& code) { return 1000 + std::stoll(code); }

// The terminal's line: tells the server the emulation's time, then goes over the socket.
class TimedLink final : public HostLink {
 public:
  TimedLink(std::atomic<TerminalTime>& now, Endpoint proxy, const EmulatedTerminal& terminal)
      : now_(now),
        tcp_(
            proxy, [&terminal] { return terminal_mac_key(terminal); }, options()) {}
  void send(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) override {
    now_ = now_ms;
    tcp_.send(request, now_ms, directive);
  }
  std::vector<LinkEvent> poll(TerminalTime now_ms) override { return tcp_.poll(now_ms); }
  std::optional<TerminalTime> next_event_ms() const override { return tcp_.next_event_ms(); }

 private:
  static TcpHostLink::Options options() {
    TcpHostLink::Options o;
    o.connect_timeout_ms = 1'000;
    o.answer_timeout_ms = 1'500;  // a lost answer: the terminal gives up quickly
    return o;
  }
  std::atomic<TerminalTime>& now_;
  TcpHostLink tcp_;
};

// Server of the emulation's host, the proxy with the watch, and the terminal's line to it.
struct Line {
  std::atomic<TerminalTime> now{TerminalTime{}};
  WireWatch watch;
  ProxyFaultPlan plan;
  std::unique_ptr<WireHost> wire;
  std::unique_ptr<FrameServer> server;
  std::unique_ptr<HostLinkProxy> proxy;
  std::unique_ptr<TimedLink> link;
  std::thread server_thread, proxy_thread;

  Line(const Scenario& s) {
    if (s.real_terminal->proxy_faults) plan = ProxyFaultPlan::from_setup(s.setup);
  }
  ~Line() {
    if (proxy) proxy->stop();
    if (proxy_thread.joinable()) proxy_thread.join();
    if (server) server->stop();
    if (server_thread.joinable()) server_thread.join();
  }
  HostLink* route(const Scenario& s, AcquirerHost& host, const EmulatedTerminal& terminal) {
    REQUIRE_FALSE(server);  // one attempt, one replay
    wire = std::make_unique<WireHost>(host);
    std::map<int64_t, std::string> codes;
    for (const RealOutcome& o : s.real_terminal->outcomes) codes[test_amount(o.response)] = o.response;
    wire->answer_by_amount(codes);
    server = std::make_unique<FrameServer>([this](std::string_view req) { return wire->handle(req, now.load()); },
                                           FrameServer::Options{});
    std::string error;
    Endpoint at{"127.0.0.1", 0};
    REQUIRE(server->listen(at, error));
    at.port = server->port();
    server_thread = std::thread([this] { server->serve(); });
    HostLinkProxy::Options po;
    po.upstream = at;
    proxy = std::make_unique<HostLinkProxy>(po, &plan);
    proxy->set_observer(&watch);
    Endpoint pat{"127.0.0.1", 0};
    REQUIRE(proxy->listen(pat, error));
    pat.port = proxy->port();
    proxy_thread = std::thread([this] { proxy->serve(); });
    link = std::make_unique<TimedLink>(now, pat, terminal);
    return link.get();
  }
};

// The hand-operated terminal as the runner meets it: keyed by the player's hands (the emulated
// terminal), scored from the line only.
class HandsAndLine final : public TerminalPort {
 public:
  HandsAndLine(const Scenario& s, const Clock* clock, Line& line)
      : scenario_(s),
        hands_(clock, options(s, line)),
        line_(line),
        scorer_(line.watch, scorer_options(s),
                [this](const TerminalRequest& r) { story_ = hands_.story_operation(r); }) {}

  void prepare(const Setup& setup) override {
    hands_.prepare(setup);
    line_.watch.take_all();  // the trainer's preparation (the history), before the story starts
  }
  void request(const TerminalRequest& r) override {
    TerminalRequest keyed = r;
    const ScenarioEmulation& emu = *hands_.scenario();
    // The outcome the scenario needs from this request, keyed as the test host's amount.
    if (terminal_op_is_online(r.op) && r.amount_minor) {
      const int n = emu.online_requests() + 1, n_op = emu.online_requests_of(r.op) + 1;
      for (const RealOutcome& o : scenario_.real_terminal->outcomes)
        if (o.op ? (*o.op == r.op && o.request == n_op) : o.request == n) keyed.amount_minor = test_amount(o.response);
    }
    scorer_.set_task(r.op, r.amount_minor);
    hands_.request(keyed);
    // Look-ups and refusals at the keypad never reach the line: those records are the device's.
    for (TerminalRecord& rec : hands_.poll())
      if (!terminal_op_is_online(rec.op) || rec.keying_refused) offline_.push_back(std::move(rec));
  }
  std::vector<TerminalRecord> poll() override {
    std::vector<TerminalRecord> out = std::exchange(offline_, {});
    for (TerminalRecord& r : scorer_.poll()) out.push_back(std::move(r));
    return out;
  }
  TerminalFacts facts() const override { return scorer_.facts(); }
  std::vector<TerminalRecord> story_operation(const TerminalRequest& r) override {
    auto from_line = scorer_.story_operation(r);
    return terminal_op_is_online(r.op) ? from_line : std::exchange(story_, {});
  }
  void show_story_screen(const Text& t) override { hands_.show_story_screen(t); }
  std::vector<Text> take_bank_sms() override { return hands_.take_bank_sms(); }
  void story_wait(int64_t ms) override { hands_.story_wait(ms); }
  void story_load_paper() override { hands_.story_load_paper(); }
  void story_customer_card(CustomerCard card) override { hands_.story_customer_card(card); }

 private:
  static ReplayOptions options(const Scenario& s, Line& line) {
    ReplayOptions o;
    o.route = [&s, &line](AcquirerHost& h, const EmulatedTerminal& t) { return line.route(s, h, t); };
    return o;
  }
  static WireTerminalPort::Options scorer_options(const Scenario& s) {
    WireTerminalPort::Options o;
    for (const RealOutcome& r : s.real_terminal->outcomes) o.test_amounts.push_back(test_amount(r.response));
    o.story_wait_ms = 10'000;  // the story's operation is keyed before the wait begins
    return o;
  }
  const Scenario& scenario_;
  EmulatedTerminalPort hands_;
  Line& line_;
  WireTerminalPort scorer_;
  std::vector<TerminalRecord> offline_, story_;
};

}  // namespace

TEST_CASE("wire scoring equals emulator scoring for every scenario a real terminal can play",
          "[wire_watch][e2e][shipped][threads]") {
  std::vector<std::string> ids;
  for (const Scenario& s : shipped().scenarios)
    if (s.real_terminal && s.real_terminal->mode == RealTerminalMode::amounts) ids.push_back(s.id);
  REQUIRE(ids.size() >= 7);
  for (const std::string& id : ids) {
    DYNAMIC_SECTION(id) {
      const Scenario& s = *shipped().find(id);
      FakeClock emu_clock;
      EmulatedTerminalPort emulator(&emu_clock);
      const AttemptResult on_emulator = play_auto(s, AutoMode::best, 1, emulator, emu_clock);

      FakeClock wire_clock;
      Line line(s);
      HandsAndLine terminal(s, &wire_clock, line);
      const AttemptResult from_wire = play_auto(s, AutoMode::best, 1, terminal, wire_clock);

      REQUIRE(from_wire.finished);
      CHECK(from_wire.points == on_emulator.points);
      CHECK(from_wire.score == on_emulator.score);
      CHECK(from_wire.passed == on_emulator.passed);
      CHECK(from_wire.critical_errors == on_emulator.critical_errors);
      REQUIRE(from_wire.steps.size() == on_emulator.steps.size());
      int tasks = 0;
      for (std::size_t i = 0; i < on_emulator.steps.size(); ++i) {
        const StepRecord &a = on_emulator.steps[i], &b = from_wire.steps[i];
        INFO("step " << a.step_id);
        CHECK(b.step_id == a.step_id);
        CHECK(b.outcome == a.outcome);
        CHECK(b.points == a.points);
        if (a.kind != StepKind::terminal) continue;
        ++tasks;
        for (const TerminalRecord& r : b.terminal_records)
          if (terminal_op_is_online(r.op)) CHECK(r.source == "wire");
      }
      CHECK(tasks > 0);
    }
  }
}
