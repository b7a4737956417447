// The kiosk's application state: actions, update(), and the texts the terminal twin can show.
//
// [SECTION] Attempt set-up and terminal snapshots
// [SECTION] update()
// [SECTION] Queries
// [SECTION] Terminal texts for the glyph set

#include "kiosk/core/app_state.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "kiosk/core/glyphs.h"

namespace posdrill {

namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Attempt set-up and terminal snapshots
// ---------------------------------------------------------------------------------------------

EmulatedTerminal* terminal_of(Attempt& a) {
  ScenarioEmulation* s = a.port.scenario();
  return s ? &s->terminal() : nullptr;
}

// Copies the terminal's screen and collects newly printed slips: screens read only these copies.
void snapshot_terminal(Attempt& a) {
  EmulatedTerminal* t = terminal_of(a);
  if (!t) return;
  a.terminal_screen = t->screen();
  for (Receipt& r : t->take_receipts()) a.receipts.push_back(std::move(r));
}

// Resets the per-step view state when the runner has moved to another step.
void track_step(Attempt& a, const Clock& clock) {
  const std::string& id = a.runner.step().id;
  if (id == a.step_id) return;
  a.step_id = id;
  a.step_entered_ms = clock.now_ms();
  a.hints.clear();
}

std::unique_ptr<Attempt> start_attempt(const Scenario& sc, const Clock& clock, uint64_t seed) {
  auto a = std::make_unique<Attempt>(sc, clock, seed);
  if (ScenarioEmulation* s = a->port.scenario()) {
    a->receipts = s->history_receipts();
    a->history_receipt_count = a->receipts.size();
  }
  snapshot_terminal(*a);
  track_step(*a, clock);
  return a;
}

const Scenario* find_scenario(const AppState& st, const std::string& id) {
  for (const Scenario& s : st.scenarios)
    if (s.id == id) return &s;
  return nullptr;
}

// After an answer: feedback for a closed decision or task, the debrief once the runner is done.
void after_answer(AppState& st, std::size_t records_before, std::vector<Effect>& fx) {
  Attempt& a = *st.attempt;
  track_step(a, *st.clock);
  if (a.runner.result().steps.size() > records_before && a.runner.last_answer()) st.screen = ScreenId::feedback;
  if (a.runner.finished() && st.screen != ScreenId::feedback) {
    st.screen = ScreenId::debrief;
    fx.push_back(AttemptFinished{a.runner.result()});
  }
}

Effect ignored(const char* why) { return Ignored{why}; }

// ---------------------------------------------------------------------------------------------
// [SECTION] update()
// ---------------------------------------------------------------------------------------------

struct Updater {
  AppState& st;
  std::vector<Effect> fx;

  bool playing() const { return st.attempt && st.screen == ScreenId::runner && !st.still_there; }
  int64_t now() const { return st.clock ? st.clock->now_ms() : 0; }

  // Ends the current attempt, if any, reporting it once: an unfinished one as abandoned (idle
  // sign-out or leaving half-way), one whose last feedback was still showing as finished.
  void close_attempt() {
    if (st.attempt) {
      Attempt& at = *st.attempt;
      if (st.screen == ScreenId::feedback && at.runner.finished()) {
        // The last answer was given; only the feedback was not read: a finished attempt.
        fx.push_back(AttemptFinished{at.runner.result()});
      } else if (!at.runner.finished()) {
        AttemptResult partial = at.runner.result();
        partial.finished = false;
        partial.passed = false;
        partial.ended_ms = now();
        fx.push_back(AttemptAbandoned{std::move(partial)});
      }
    }
    st.attempt.reset();
  }

  void sign_out() {
    close_attempt();
    st.still_there = false;
    st.screen = ScreenId::attract;
  }

  void operator()(const StartFromAttract&) {
    if (st.screen != ScreenId::attract) return fx.push_back(ignored("start outside the attract screen"));
    st.last_input_ms = now();
    st.screen = ScreenId::catalog;
  }

  void operator()(const UserInput&) { st.last_input_ms = now(); }

  void operator()(const StillHere&) {
    if (!st.still_there) return fx.push_back(ignored("still here without the prompt"));
    st.still_there = false;
    st.last_input_ms = now();
  }

  void operator()(const Tick&) {
    if (st.screen == ScreenId::attract || !st.clock) return;
    const int64_t t = now();
    if (st.still_there) {
      if (t - st.still_there_since_ms >= st.still_there_ms) sign_out();
      return;
    }
    if (t - st.last_input_ms >= st.idle_timeout_ms) {
      st.still_there = true;
      st.still_there_since_ms = t;
    }
  }

  void operator()(const OpenScenario& a) {
    if (st.still_there) return fx.push_back(ignored("open_scenario under the still-there prompt"));
    if (st.screen != ScreenId::catalog) return fx.push_back(ignored("open_scenario outside the catalog"));
    const Scenario* sc = find_scenario(st, a.scenario_id);
    if (!sc) return fx.push_back(Ignored{"unknown scenario " + a.scenario_id});
    if (!st.clock) return fx.push_back(ignored("no clock"));
    st.attempt = start_attempt(*sc, *st.clock, st.seed);
    st.screen = ScreenId::runner;
  }

  void operator()(const Choose& a) {
    if (!playing()) return fx.push_back(ignored("choose outside the runner"));
    const std::size_t before = st.attempt->runner.result().steps.size();
    if (!st.attempt->runner.choose(a.choice_id)) return fx.push_back(Ignored{"choice " + a.choice_id + " not shown"});
    after_answer(st, before, fx);
  }

  void operator()(const TakeHint&) {
    if (!playing()) return fx.push_back(ignored("hint outside the runner"));
    std::optional<Hint> h = st.attempt->runner.take_hint();
    if (!h) return fx.push_back(ignored("no hint left"));
    st.attempt->hints.push_back(std::move(*h));
  }

  void operator()(const DoTerminalOp& a) {
    if (!playing()) return fx.push_back(ignored("terminal operation outside the runner"));
    Attempt& at = *st.attempt;
    const Step& step = at.runner.step();
    // The twin's menu is live only during a terminal task: an operation at any other moment
    // would change the emulated terminal without being scored, which teaches nothing.
    if (step.kind != StepKind::terminal) return fx.push_back(ignored("terminal operation outside a terminal task"));
    const std::size_t before = at.runner.result().steps.size();
    const TerminalRequest req = request_for(at.scenario, step, a.op, at.last_lookup ? &*at.last_lookup : nullptr);
    perform_on_terminal(at.runner, at.port, req, at.last_lookup);
    snapshot_terminal(at);
    after_answer(st, before, fx);
  }

  void operator()(const GiveUp&) {
    if (!playing()) return fx.push_back(ignored("give up outside the runner"));
    const std::size_t before = st.attempt->runner.result().steps.size();
    if (!st.attempt->runner.give_up()) return fx.push_back(ignored("give up outside a terminal task"));
    after_answer(st, before, fx);
  }

  void operator()(const Continue&) {
    if (!st.attempt) return fx.push_back(ignored("continue without an attempt"));
    Attempt& at = *st.attempt;
    if (st.screen == ScreenId::feedback) {
      st.screen = at.runner.finished() ? ScreenId::debrief : ScreenId::runner;
      if (at.runner.finished()) fx.push_back(AttemptFinished{at.runner.result()});
      return;
    }
    if (st.screen != ScreenId::runner) return fx.push_back(ignored("continue outside the runner"));
    if (!at.runner.advance()) return fx.push_back(ignored("continue at a step that needs an answer"));
    after_answer(st, at.runner.result().steps.size(), fx);
  }

  void operator()(const Retry&) {
    if (!st.attempt || st.screen != ScreenId::debrief) return fx.push_back(ignored("retry outside the debrief"));
    const Scenario& sc = st.attempt->scenario;
    st.attempt.reset();  // the old runner and emulation go before the new ones are built
    ++st.seed;           // a retry shows the choices in another order, so position is no clue
    st.attempt = start_attempt(sc, *st.clock, st.seed);
    st.screen = ScreenId::runner;
  }

  void operator()(const BackToCatalog&) {
    // Allowed from every screen: leaving a drill half-way is the trainee's right, and the attempt
    // is kept as abandoned, as with an idle sign-out.
    close_attempt();
    st.screen = ScreenId::catalog;
  }

  void operator()(const SetLang& a) {
    if (st.lang == a.lang) return;
    st.lang = a.lang;
    refresh_catalog(st);
    fx.push_back(LanguageChanged{a.lang});
  }
};

}  // namespace

Attempt::Attempt(const Scenario& sc, const Clock& clock, uint64_t seed)
    : scenario(sc), port(&clock), runner(sc, clock, seed) {
  port.prepare(sc.setup);
}

void refresh_catalog(AppState& state) {
  state.catalog = build_catalog_view(state.scenarios, state.error_count, state.strings, state.lang);
}

std::vector<Effect> update(AppState& state, const Action& action) {
  Updater u{state, {}};
  std::visit(u, action);
  return std::move(u.fx);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Queries
// ---------------------------------------------------------------------------------------------

const Step* current_step(const AppState& state) { return state.attempt ? &state.attempt->runner.step() : nullptr; }

int still_there_seconds_left(const AppState& state) {
  if (!state.still_there || !state.clock) return 0;
  const int64_t left = state.still_there_ms - (state.clock->now_ms() - state.still_there_since_ms);
  return static_cast<int>(std::max<int64_t>(0, (left + 999) / 1000));
}

int64_t step_elapsed_ms(const AppState& state) {
  if (!state.attempt || !state.clock) return 0;
  return std::max<int64_t>(0, state.clock->now_ms() - state.attempt->step_entered_ms);
}

std::vector<const StepRecord*> mistakes(const AttemptResult& result) {
  std::vector<const StepRecord*> out;
  for (const StepRecord& r : result.steps) {
    const bool answered = r.kind == StepKind::decision || r.kind == StepKind::terminal;
    if (!answered) continue;
    if (r.critical || r.points < r.max_points || r.gave_up || (r.kind == StepKind::terminal && !r.success))
      out.push_back(&r);
  }
  return out;
}

std::string format_mm_ss(int64_t ms) {
  const int64_t s = std::max<int64_t>(0, ms) / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  return buf;
}

const std::vector<TerminalOp>& twin_menu_ops() {
  // The emulated terminal's menu order (terminal.h): 消费, 消费撤销, 退货, 预授权类, 余额查询, 签到,
  // 结算, 交易查询, 重打印 — so what the trainee learns here matches the device on the counter.
  static const std::vector<TerminalOp> ops = {
      TerminalOp::sale,
      TerminalOp::void_sale,
      TerminalOp::refund,
      TerminalOp::preauth,
      TerminalOp::preauth_completion,
      TerminalOp::preauth_cancel,
      TerminalOp::balance_inquiry,
      TerminalOp::sign_on,
      TerminalOp::settlement,
      TerminalOp::transaction_query,
      TerminalOp::reprint,
  };
  return ops;
}

const std::vector<std::string>& play_string_keys() {
  static const std::vector<std::string> keys = {
      "runner.terminal",   "runner.menu",        "runner.menu_idle",  "runner.receipts",     "runner.no_receipts",
      "runner.history",    "runner.customer",    "runner.situation",  "runner.phone",        "runner.no_sms",
      "runner.prompt",     "runner.hint",        "runner.hints_left", "runner.no_hints",     "runner.timer",
      "runner.no_limit",   "runner.overtime",    "runner.continue",   "runner.finish",       "runner.give_up",
      "runner.task",       "runner.back",        "feedback.title",    "feedback.points",     "feedback.critical",
      "feedback.continue", "feedback.hint_cost", "debrief.title",     "debrief.score",       "debrief.passed",
      "debrief.failed",    "debrief.pass_mark",  "debrief.mistakes",  "debrief.no_mistakes", "debrief.critical",
      "debrief.rules",     "debrief.retry",      "debrief.back",      "debrief.points",      "debrief.gave_up",
  };
  return keys;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Terminal texts
// ---------------------------------------------------------------------------------------------

namespace {

void add_text(std::vector<std::string>& out, const Text& t) {
  if (!t.zh.empty()) out.push_back(t.zh);
  if (!t.en.empty()) out.push_back(t.en);
}

void add_screen(std::vector<std::string>& out, const Screen& s) {
  add_text(out, s.status);
  add_text(out, s.title);
  for (const Text& l : s.lines) add_text(out, l);
}

void add_receipts(std::vector<std::string>& out, const std::vector<Receipt>& rs) {
  for (const Receipt& r : rs)
    for (const std::string& l : r.lines) out.push_back(l);
}

// Plays `sc` through update() as `mode` would, collecting every screen and slip on the way.
void play_collecting(const Scenario& sc, AutoMode mode, std::vector<std::string>& out) {
  FakeClock clock;
  AppState st;
  st.scenarios = {sc};
  st.clock = &clock;
  update(st, OpenScenario{sc.id});
  if (!st.attempt) return;
  add_screen(out, st.attempt->terminal_screen);
  AutoPlayer player(st.attempt->scenario, mode);
  const std::size_t bound = 4 * sc.steps.size() + 16;
  for (std::size_t n = 0; n < bound && st.screen != ScreenId::debrief && st.attempt; ++n) {
    clock.advance_ms(10'000);
    if (st.screen == ScreenId::feedback) {
      update(st, Continue{});
      continue;
    }
    const Attempt& a = *st.attempt;
    const AutoAction act = player.next(a.runner, a.last_lookup ? &*a.last_lookup : nullptr);
    if (act.kind == AutoAction::advance)
      update(st, Continue{});
    else if (act.kind == AutoAction::choose)
      update(st, Choose{act.choice_id});
    else
      update(st, DoTerminalOp{act.request.op});
    if (st.attempt) add_screen(out, st.attempt->terminal_screen);
  }
  if (st.attempt) add_receipts(out, st.attempt->receipts);
}

}  // namespace

std::vector<std::string> terminal_visible_texts(const Scenario& scenario) {
  std::vector<std::string> out;
  play_collecting(scenario, AutoMode::best, out);
  play_collecting(scenario, AutoMode::critical, out);
  // Any menu operation during a task: one of each on a fresh replay, keyed as request_for would.
  ScenarioEmulation emu(scenario.setup);
  add_receipts(out, emu.history_receipts());
  add_screen(out, emu.terminal().screen());
  const Step* task = nullptr;
  for (const Step& s : scenario.steps)
    if (s.kind == StepKind::terminal) task = &s;
  Step fallback;
  std::optional<TerminalRecord> lookup;
  for (TerminalOp op : twin_menu_ops()) {
    const TerminalRequest req = request_for(scenario, task ? *task : fallback, op, lookup ? &*lookup : nullptr);
    for (const TerminalRecord& r : emu.perform(req)) {
      add_text(out, r.screen);
      if (r.op == TerminalOp::transaction_query) lookup = r;
    }
    add_screen(out, emu.terminal().screen());
    add_receipts(out, emu.terminal().take_receipts());
  }
  return out;
}

std::vector<uint32_t> collect_kiosk_glyphs(const UiStrings& strings, const std::vector<Scenario>& scenarios) {
  std::vector<uint32_t> cps = collect_glyphs(strings, scenarios);
  for (const Scenario& sc : scenarios)
    for (const std::string& s : terminal_visible_texts(sc))
      for (uint32_t cp : decode_utf8(s))
        if (cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F)) cps.push_back(cp);
  std::sort(cps.begin(), cps.end());
  cps.erase(std::unique(cps.begin(), cps.end()), cps.end());
  return cps;
}

}  // namespace posdrill
