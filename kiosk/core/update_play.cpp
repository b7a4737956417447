// update(): playing a scenario — answers, hints, the terminal twin, feedback and the debrief.
#include <algorithm>

#include "kiosk/core/answer_view.h"
#include "kiosk/core/update_internal.h"

namespace posdrill {

namespace {

EmulatedTerminal* terminal_of(Attempt& a) {
  ScenarioEmulation* s = a.port.scenario();
  return s ? &s->terminal() : nullptr;
}

}  // namespace

// Copies the terminal's screen and collects newly printed slips: screens read only these copies.
void snapshot_terminal(Attempt& a) {
  EmulatedTerminal* t = terminal_of(a);
  if (!t) return;
  a.terminal_screen = t->screen();
  a.task_screen = a.port.trainee_screen();
  // With the customer gone (a narrative's customer_card: none) the card button stays dim: the
  // terminal asks, but nobody at the counter has a card to insert.
  a.wants_card = t->waiting_for_card() && a.port.scenario()->customer_card() != CustomerCard::none;
  a.wants_pin = t->waiting_for_pin();
  a.wants_supervisor = t->waiting_for_supervisor();
  for (Receipt& r : t->take_receipts()) a.receipts.push_back(std::move(r));
}

// Resets the per-step view state when the runner has moved to another step.
void track_step(Attempt& a, const Clock& clock) {
  const std::string& id = a.runner.step().id;
  if (id == a.step_id) return;
  a.step_id = id;
  a.step_entered_ms = clock.now();
  a.hints.clear();
}

std::unique_ptr<Attempt> start_attempt(const Scenario& sc, const Clock& clock, uint64_t seed, bool on_spare) {
  auto a = std::make_unique<Attempt>(sc, clock, seed, on_spare);
  if (ScenarioEmulation* s = a->port.scenario()) {
    a->receipts = s->history_receipts();
    a->history_receipt_count = a->receipts.size();
    a->torn_off = a->receipts.size();  // the story's earlier slips are on the counter already
  }
  snapshot_terminal(*a);
  track_step(*a, clock);
  return a;
}

namespace {

// A re-drill's branch was answered among the records from `from` on: keep that answer (signed in)
// and mark the practice answered, so its feedback ends it.
void practice_answered(AppState& st, std::size_t from, std::vector<Effect>& fx) {
  Attempt& a = *st.attempt;
  PracticeRun& p = *a.practice;
  const AttemptResult& result = a.runner.result();
  for (std::size_t i = from; i < result.steps.size() && !p.answered; ++i) {
    const StepRecord& r = result.steps[i];
    if (r.step_id != p.step_id || r.kind != StepKind::decision) continue;
    const std::vector<const StepRecord*> wrong = mistakes(result);
    p.answered = true;
    p.mistake = std::find(wrong.begin(), wrong.end(), &r) != wrong.end();
    if (!st.session) return;
    PracticeAnswerRow row;
    row.operator_id = st.session->op.employee_id;
    row.scenario_id = a.scenario.id;
    row.scenario_version = a.scenario.version;
    row.seed = result.seed;
    row.step_id = r.step_id;
    row.choice_id = r.choice_id;
    row.mistake = p.mistake;
    row.elapsed_ms = r.elapsed_ms;
    row.hints = static_cast<int>(r.hints_taken.size());
    fx.push_back(PracticeAnswered{std::move(row)});
  }
}

}  // namespace

// After an answer: feedback for a closed decision or task, the debrief once the runner is done.
void after_answer(AppState& st, std::size_t records_before, std::vector<Effect>& fx) {
  Attempt& a = *st.attempt;
  // The story may have keyed the terminal itself (StoryOp) or put a text on its screen.
  snapshot_terminal(a);
  track_step(a, *st.clock);
  const bool answered = a.runner.result().steps.size() > records_before;
  // Each answer is committed as it is given, so a pulled plug loses nothing already decided.
  if (records_attempt(st) && answered) fx.push_back(AttemptProgress{a.runner.result()});
  if (a.practice && answered) practice_answered(st, records_before, fx);
  if (answered && a.runner.last_answer()) st.screen = ScreenId::feedback;
  if (a.runner.finished() && st.screen != ScreenId::feedback) {
    st.screen = ScreenId::debrief;
    if (!a.practice) fx.push_back(AttemptFinished{a.runner.result()});
  }
}

// Whether a scenario may be opened now (else an Ignored effect says why).
bool Updater::may_open(const std::string& scenario_id) {
  if (st.still_there) return fx.push_back(ignored("open_scenario under the still-there prompt")), false;
  // The catalog, or the home screen's recommendations.
  if (st.screen != ScreenId::catalog && st.screen != ScreenId::home)
    return fx.push_back(ignored("open_scenario outside the catalog")), false;
  if (st.require_sign_in && !st.session) return fx.push_back(ignored("open_scenario without a session")), false;
  // Broken content plays nothing: an attempt on what loaded could count towards a track that
  // lost a scenario, and change who is certified without anyone noticing.
  if (out_of_service(st)) return fx.push_back(ignored("open_scenario while out of service")), false;
  if (!find_scenario(st.scenarios, scenario_id)) return fx.push_back(Ignored{"unknown scenario " + scenario_id}), false;
  if (!st.clock) return fx.push_back(ignored("no clock")), false;
  return true;
}

void Updater::operator()(const OpenScenario& a) {
  if (may_open(a.scenario_id)) begin(*find_scenario(st.scenarios, a.scenario_id));
}

namespace {

// What the trainee would have read and done on the way to the branch, from the records of the
// steps the best path played: situations, and each question or task with what was done.
std::vector<PracticeRun::RecapLine> recap_of(const Scenario& sc, const AttemptResult& result) {
  std::vector<PracticeRun::RecapLine> out;
  for (const StepRecord& r : result.steps) {
    if (r.kind == StepKind::narrative) {
      if (!r.text.empty()) out.push_back({r.text, {}});
      continue;
    }
    if (r.kind == StepKind::decision) {
      if (const Text* chosen = choice_text(sc.find(r.step_id), r.choice_id)) out.push_back({r.prompt, *chosen});
      continue;
    }
    if (r.kind == StepKind::terminal) out.push_back({r.prompt, r.feedback, true});
  }
  return out;
}

}  // namespace

// The scenario opened at the branch: the best path played to it through update() with nothing
// recorded (PracticeRun). When it no longer reaches the step, the whole drill, recorded as usual.
void Updater::operator()(const OpenRedrill& a) {
  if (!may_open(a.scenario_id)) return;
  const Scenario& sc = *find_scenario(st.scenarios, a.scenario_id);
  const uint64_t seed = seed_with_figures_of(sc, a.missed_seed, st.seed);
  st.seed = std::max(st.seed, seed + 1);
  st.attempt = start_attempt(scenario_for_seed(sc, seed), *st.clock, seed, false);
  st.screen = ScreenId::runner;
  st.attempt->serial = ++st.attempt_serial;
  PracticeRun run;
  run.step_id = a.step_id;
  run.missed_choice_id = a.missed_choice_id;
  run.recap_open = false;  // while the best path is played
  if (st.session)
    for (const Redrill& r : st.session->redrills)
      if (r.scenario_id == a.scenario_id && r.step_id == a.step_id && r.due_ms <= st.wall_ms) {
        run.due = true;
        run.right_reviews = r.right_reviews;
      }
  st.attempt->practice = std::move(run);
  if (!play_best_to_step(st, a.step_id) || st.attempt->runner.step().kind != StepKind::decision) {
    st.attempt.reset();
    st.screen = st.session ? ScreenId::home : ScreenId::catalog;
    fx.push_back(Ignored{"re-drill: the best path of " + a.scenario_id + " no longer reaches " + a.step_id +
                         "; the whole drill instead"});
    return begin(sc);
  }
  Attempt& at = *st.attempt;
  at.practice->recap = recap_of(at.scenario, at.runner.result());
  at.practice->recap_open = true;
  if (st.session) st.session->new_award.reset();
}

std::optional<PracticeOutcome> practice_outcome(const Attempt& at) {
  if (!at.practice || !at.practice->answered) return std::nullopt;
  const PracticeRun& p = *at.practice;
  // The schedule of redrill.h: a mistake starts it again; a right review moves it on or retires it.
  static_assert(redrill_days[0] == 1, "practice.again says the question comes back in a day");
  if (p.mistake) return PracticeOutcome{"practice.again", redrill_days[0]};
  if (!p.due) return PracticeOutcome{"practice.right", 0};
  const int reviews = p.right_reviews + 1;
  if (reviews >= redrill_reviews_to_retire) return PracticeOutcome{"practice.retired", 0};
  const std::size_t step = std::min<std::size_t>(static_cast<std::size_t>(reviews), redrill_days.size() - 1);
  return PracticeOutcome{"practice.next", redrill_days[step]};
}

// A re-drill's feedback was read: back to the home screen, whose records now hold the answer.
void Updater::end_practice() {
  st.attempt.reset();
  if (!st.session) {
    st.screen = ScreenId::catalog;
    return;
  }
  st.screen = ScreenId::home;
  fx.push_back(LoadRecords{st.session->op.employee_id});
}

// Starts `sc` and, with a session, asks for its record to be opened. Each attempt takes the next
// seed: another order of choices and the next set of figures (scenario_for_seed), so neither a
// position nor a figure carries over from the last attempt. A signed-in person's seed moves on
// to the set of figures they have played least (least_practised_seed).
void Updater::begin(const Scenario& sc) {
  uint64_t seed = st.seed++;
  if (st.session) {
    seed = least_practised_seed(sc, st.session->attempts, seed);
    st.seed = std::max(st.seed, seed + 1);
  }
  const bool on_spare = st.practise_on_spare && spare_fit(st, sc).ok;
  st.attempt = start_attempt(scenario_for_seed(sc, seed), *st.clock, seed, on_spare);
  st.screen = ScreenId::runner;
  Attempt& at = *st.attempt;
  at.serial = ++st.attempt_serial;
  if (at.on_spare) fx.push_back(BeginOnSpareTerminal{at.serial, sc.id, seed});
  if (at.on_spare && st.spare.hand_keyed) at.history_to_key = history_keyed_first(at.scenario.setup).size();
  if (st.session) {
    st.session->new_award.reset();
    fx.push_back(AttemptStarted{st.session->op.employee_id, sc.id, seed, st.lang,
                                at.on_spare ? TerminalKind::real : TerminalKind::emulated});
  }
}

void Updater::operator()(const Choose& a) {
  if (!playing()) return fx.push_back(ignored("choose outside the runner"));
  const std::size_t before = st.attempt->runner.result().steps.size();
  if (!st.attempt->runner.choose(a.choice_id)) return fx.push_back(Ignored{"choice " + a.choice_id + " not shown"});
  after_answer(st, before, fx);
}

void Updater::operator()(const TakeHint&) {
  if (!playing()) return fx.push_back(ignored("hint outside the runner"));
  std::optional<Hint> h = st.attempt->runner.take_hint();
  if (!h) return fx.push_back(ignored("no hint left"));
  st.attempt->hints.push_back(std::move(*h));
}

void Updater::operator()(const DoTerminalOp& a) {
  if (!playing()) return fx.push_back(ignored("terminal operation outside the runner"));
  Attempt& at = *st.attempt;
  const Step& step = at.runner.step();
  // The twin's menu is live only during a terminal task: an operation at any other moment
  // would change the emulated terminal without being scored, which teaches nothing.
  if (step.kind != StepKind::terminal) return fx.push_back(ignored("terminal operation outside a terminal task"));
  const std::size_t before = at.runner.result().steps.size();
  TerminalRequest req = request_for(at.scenario, step, a.op, at.last_lookup ? &*at.last_lookup : nullptr);
  if (at.on_spare) return send_to_spare(at, std::move(req));
  at.port.quote_story_original(req);  // the slip's original, not the newest on the terminal
  at.passing.clear();
  perform_on_terminal(at.runner, at.port, req, at.last_lookup);
  after_answer(st, before, fx);
}

// The twin's inputs all take this path: the terminal acts, what was keyed goes with the task's
// record, and every operation that ended is scored.
template <typename Input>
void Updater::twin_input(const char* what, Input&& input) {
  if (!playing()) return fx.push_back(Ignored{std::string(what) + " outside the runner"});
  Attempt& at = *st.attempt;
  // Live only during a terminal task: keying at any other moment would change the terminal
  // without being scored, which teaches nothing.
  if (at.runner.step().kind != StepKind::terminal)
    return fx.push_back(Ignored{std::string(what) + " outside a terminal task"});
  if (at.on_spare) return fx.push_back(Ignored{std::string(what) + ": the spare terminal is keyed on the device"});
  const std::size_t before = at.runner.result().steps.size();
  input(at.port);
  at.passing = at.port.passed_screens();
  at.passing_from_ms = now();
  at.runner.note_inputs(at.port.take_inputs());
  for (const TerminalRecord& r : at.port.poll()) {
    if (r.op == TerminalOp::transaction_query) at.last_lookup = r;
    at.runner.observe(r);
  }
  after_answer(st, before, fx);
}

std::vector<Action> twin_actions(const AppState& state, const TerminalRequest& request) {
  if (!state.attempt || state.attempt->on_spare || !state.attempt->port.scenario()) return {};
  const Attempt& at = *state.attempt;
  const ScenarioEmulation& emulation = *at.port.scenario();
  std::vector<Action> out;
  for (const std::string& in : emulation.terminal().plan_inputs(request, emulation.card())) {
    if (auto mode = parse_card_input(in))
      out.push_back(TwinCard{*mode});
    else if (in == "pin")
      out.push_back(TwinPinPad{});
    else if (in == "supervisor")
      out.push_back(TwinSupervisor{});
    else if (auto k = parse_key(in))
      out.push_back(TwinKey{*k});
  }
  return out;
}

const Screen& shown_terminal_screen(const Attempt& a, MonoTime now) {
  const int64_t since = now - a.passing_from_ms;
  if (since >= 0 && since < passing_screen_ms * static_cast<int64_t>(a.passing.size()))
    return a.passing[static_cast<std::size_t>(since / passing_screen_ms)];
  return a.terminal_screen;
}

int64_t terminal_screen_change_in_ms(const Attempt& a, MonoTime now) {
  const int64_t since = now - a.passing_from_ms;
  if (since < 0 || since >= passing_screen_ms * static_cast<int64_t>(a.passing.size())) return -1;
  return passing_screen_ms - since % passing_screen_ms;
}

void Updater::operator()(const TwinKey& a) {
  twin_input("terminal key", [&](EmulatedTerminalPort& p) { p.press(a.key); });
}

void Updater::operator()(const TwinCard& a) {
  if (st.attempt && !st.attempt->wants_card) return fx.push_back(ignored("the terminal does not ask for a card"));
  twin_input("card", [&](EmulatedTerminalPort& p) { p.present_card(a.mode); });
}

void Updater::operator()(const TwinPinPad& a) {
  if (st.attempt && !st.attempt->wants_pin) return fx.push_back(ignored("the terminal does not ask for a PIN"));
  twin_input("PIN pad", [&](EmulatedTerminalPort& p) { p.customer_pin(a.wrong); });
}

void Updater::operator()(const TwinSupervisor&) {
  if (st.attempt && !st.attempt->wants_supervisor)
    return fx.push_back(ignored("the terminal does not ask for the supervisor password"));
  twin_input("supervisor password", [](EmulatedTerminalPort& p) { p.supervisor(); });
}

void Updater::operator()(const TearOffSlip&) {
  if (!st.attempt || st.attempt->torn_off >= st.attempt->receipts.size())
    return fx.push_back(ignored("no slip in the printer"));
  st.attempt->torn_off = st.attempt->receipts.size();
}

void Updater::operator()(const GiveUp&) {
  if (!playing()) return fx.push_back(ignored("give up outside the runner"));
  // The terminal is mid-operation (a card may be in it): its answer decides, not a give-up.
  if (st.attempt->sent) return fx.push_back(ignored("give up while the spare terminal works"));
  const std::size_t before = st.attempt->runner.result().steps.size();
  if (!st.attempt->runner.give_up()) return fx.push_back(ignored("give up outside a terminal task"));
  st.attempt->passing.clear();  // nothing was keyed: nothing flashed by
  after_answer(st, before, fx);
}

void Updater::operator()(const Continue&) {
  if (!st.attempt) return fx.push_back(ignored("continue without an attempt"));
  Attempt& at = *st.attempt;
  if (at.practice && at.practice->answered && st.screen == ScreenId::feedback) return end_practice();
  if (at.practice && at.practice->recap_open && st.screen == ScreenId::runner) {
    at.practice->recap_open = false;  // the question starts now: its time counts from here
    at.runner.restart_step_clock();
    at.step_entered_ms = now();
    return;
  }
  if (st.screen == ScreenId::feedback) {
    at.passing.clear();  // they belonged to the task just told about
    st.screen = at.runner.finished() ? ScreenId::debrief : ScreenId::runner;
    if (at.runner.finished()) fx.push_back(AttemptFinished{at.runner.result()});
    return;
  }
  if (st.screen != ScreenId::runner) return fx.push_back(ignored("continue outside the runner"));
  if (!at.runner.advance()) return fx.push_back(ignored("continue at a step that needs an answer"));
  after_answer(st, at.runner.result().steps.size(), fx);
}

void Updater::operator()(const Retry&) {
  if (!st.attempt || st.screen != ScreenId::debrief) return fx.push_back(ignored("retry outside the debrief"));
  // The attempt holds one variant of the scenario's figures; the retry picks again from them all.
  const Scenario* sc = find_scenario(st.scenarios, st.attempt->scenario.id);
  if (!sc) sc = &st.attempt->scenario;
  end_on_spare();
  st.attempt.reset();  // the old runner and emulation go before the new ones are built
  begin(*sc);          // with the next seed: the choices in another order, the next figures
}

void Updater::operator()(const BackToCatalog&) {
  // Allowed from every screen: leaving a drill half-way is the trainee's right, and the attempt
  // is kept as abandoned, as with an idle sign-out.
  close_attempt();
  st.screen = ScreenId::catalog;
  // The attempt just ended shows on its card (refresh_catalog, once the records are back).
  if (st.session) fx.push_back(LoadRecords{st.session->op.employee_id});
}

Attempt::Attempt(const Scenario& sc, const Clock& clock, uint64_t seed, bool spare)
    : scenario(sc), port(&clock, sc.setup), runner(sc, clock, seed, spare ? nullptr : &port), on_spare(spare) {}

}  // namespace posdrill
