// update(): playing a scenario — answers, hints, the terminal twin, feedback and the debrief.
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
  a.step_entered_ms = clock.now_ms();
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

// After an answer: feedback for a closed decision or task, the debrief once the runner is done.
void after_answer(AppState& st, std::size_t records_before, std::vector<Effect>& fx) {
  Attempt& a = *st.attempt;
  // The story may have keyed the terminal itself (StoryOp) or put a text on its screen.
  snapshot_terminal(a);
  track_step(a, *st.clock);
  // Each answer is committed as it is given, so a pulled plug loses nothing already decided.
  if (st.session && a.runner.result().steps.size() > records_before) fx.push_back(AttemptProgress{a.runner.result()});
  if (a.runner.result().steps.size() > records_before && a.runner.last_answer()) st.screen = ScreenId::feedback;
  if (a.runner.finished() && st.screen != ScreenId::feedback) {
    st.screen = ScreenId::debrief;
    fx.push_back(AttemptFinished{a.runner.result()});
  }
}

void Updater::operator()(const OpenScenario& a) {
  if (st.still_there) return fx.push_back(ignored("open_scenario under the still-there prompt"));
  // The catalog, or the home screen's recommendations.
  if (st.screen != ScreenId::catalog && st.screen != ScreenId::home)
    return fx.push_back(ignored("open_scenario outside the catalog"));
  if (st.require_sign_in && !st.session) return fx.push_back(ignored("open_scenario without a session"));
  // Broken content plays nothing: an attempt on what loaded could count towards a track that
  // lost a scenario, and change who is certified without anyone noticing.
  if (out_of_service(st)) return fx.push_back(ignored("open_scenario while out of service"));
  const Scenario* sc = find_scenario(st.scenarios, a.scenario_id);
  if (!sc) return fx.push_back(Ignored{"unknown scenario " + a.scenario_id});
  if (!st.clock) return fx.push_back(ignored("no clock"));
  begin(*sc);
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
  CardPresentation card;
  card.pan = at.scenario.setup.card;
  std::vector<Action> out;
  for (const std::string& in : at.port.scenario()->terminal().plan_inputs(request, card)) {
    if (in == "card")
      out.push_back(TwinCard{});
    else if (in == "pin")
      out.push_back(TwinPinPad{});
    else if (in == "supervisor")
      out.push_back(TwinSupervisor{});
    else if (auto k = parse_key(in))
      out.push_back(TwinKey{*k});
  }
  return out;
}

const Screen& shown_terminal_screen(const Attempt& a, int64_t now_ms) {
  const int64_t since = now_ms - a.passing_from_ms;
  if (since >= 0 && since < passing_screen_ms * static_cast<int64_t>(a.passing.size()))
    return a.passing[static_cast<std::size_t>(since / passing_screen_ms)];
  return a.terminal_screen;
}

int64_t terminal_screen_change_in_ms(const Attempt& a, int64_t now_ms) {
  const int64_t since = now_ms - a.passing_from_ms;
  if (since < 0 || since >= passing_screen_ms * static_cast<int64_t>(a.passing.size())) return -1;
  return passing_screen_ms - since % passing_screen_ms;
}

void Updater::operator()(const TwinKey& a) {
  twin_input("terminal key", [&](EmulatedTerminalPort& p) { p.press(a.key); });
}

void Updater::operator()(const TwinCard&) {
  if (st.attempt && !st.attempt->wants_card) return fx.push_back(ignored("the terminal does not ask for a card"));
  twin_input("card", [](EmulatedTerminalPort& p) { p.present_card(); });
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
  after_answer(st, before, fx);
}

void Updater::operator()(const Continue&) {
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
}

Attempt::Attempt(const Scenario& sc, const Clock& clock, uint64_t seed, bool spare)
    : scenario(sc), port(&clock, sc.setup), runner(sc, clock, seed, spare ? nullptr : &port), on_spare(spare) {}

}  // namespace posdrill
