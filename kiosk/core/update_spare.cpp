// update(): the spare real terminal — operations out to its link thread, answers back — and its catalog fit.
#include "kiosk/core/update_internal.h"

namespace posdrill {

// The operation goes to the link thread; the answer comes back as SpareTerminalAnswered.
void Updater::send_to_spare(Attempt& at, TerminalRequest req) {
  if (st.spare.hand_keyed) return fx.push_back(ignored("the hand-keyed terminal is keyed on the device itself"));
  if (at.sent) return fx.push_back(ignored("the spare terminal is busy with the last operation"));
  if (!spare_terminal_can_start(req.op)) return fx.push_back(ignored("done on the terminal's keypad"));
  at.story_amount = req.amount_minor;
  if (terminal_op_is_online(req.op)) {
    ++at.online_sent;
    const int op_index = ++at.online_sent_by_op[req.op];
    if (req.amount_minor)
      req.amount_minor = spare_terminal_amount(at.scenario, st.spare_acquirer ? &*st.spare_acquirer : nullptr,
                                               at.online_sent, req.op, op_index, *req.amount_minor);
  }
  at.answer.reset();
  at.sent = req;
  fx.push_back(SendToSpareTerminal{at.serial, std::move(req)});
}

void Updater::operator()(const SpareTerminalAnswered& a) {
  if (!st.attempt || !st.attempt->on_spare || st.attempt->serial != a.serial || !st.attempt->sent)
    return fx.push_back(ignored("a spare terminal answer for another attempt"));
  Attempt& at = *st.attempt;
  const std::size_t before = at.runner.result().steps.size();
  // Scored from what the terminal did, whatever screen is up: a manager gate opened meanwhile
  // must not lose the operation.
  for (TerminalRecord r : a.records) {
    // The test host's amount table chose the amount keyed (it selects the host's answer); the
    // story's amount is what the trainee was asked for, and what the task is judged on.
    if (at.story_amount && at.sent->amount_minor && r.amount_minor == *at.sent->amount_minor)
      r.amount_minor = *at.story_amount;
    if (r.op == TerminalOp::transaction_query) at.last_lookup = r;
    at.runner.observe(r);
    at.answer = r;
  }
  at.sent.reset();
  if (st.screen == ScreenId::runner) return after_answer(st, before, fx);
  track_step(at, *st.clock);
  if (records_attempt(st) && at.runner.result().steps.size() > before) fx.push_back(AttemptProgress{at.runner.result()});
}

namespace {

std::vector<int64_t> test_amounts(const std::optional<TestHostProfile>& acquirer) {
  std::vector<int64_t> out;
  if (acquirer)
    for (const auto& [code, amount] : acquirer->amounts) out.push_back(amount);
  return out;
}

}  // namespace

// Scored like the emulated terminal's records, from what the line showed: only while a terminal
// task waits, after the trainer has keyed the story's earlier operations, and not the terminal's
// own sign-on (switched on, or asked by the host) unless the task is one.
void Updater::operator()(const SpareTerminalKeyed& a) {
  if (!st.attempt || !st.attempt->on_spare || !st.spare.hand_keyed || st.attempt->serial != a.serial)
    return fx.push_back(ignored("a host-line exchange outside a hand-keyed attempt"));
  Attempt& at = *st.attempt;
  st.last_input_ms = now();  // the trainee is at the terminal, though the screen is untouched
  auto show = [&](std::string note_key) {
    at.wire_lines.push_back({a.line, std::move(note_key)});
    if (at.wire_lines.size() > hand_keyed_lines_kept)
      at.wire_lines.erase(at.wire_lines.begin(), at.wire_lines.end() - hand_keyed_lines_kept);
  };
  const bool sign_on = a.record.op == TerminalOp::sign_on && a.op_known;
  if (at.history_to_key > 0 && !sign_on) {
    --at.history_to_key;
    return show("spare.wire.history");
  }
  const Step& step = at.runner.step();
  if (at.runner.finished() || step.kind != StepKind::terminal) return show("spare.wire.no_task");
  if (sign_on && step.task != TerminalOp::sign_on) return show("spare.wire.sign_on");
  const TerminalRequest req = request_for(at.scenario, step, step.task, at.last_lookup ? &*at.last_lookup : nullptr);
  const TerminalRecord r =
      judged_wire_record(a.record, a.op_known, step.task, req.amount_minor, test_amounts(st.spare_acquirer));
  if (terminal_op_is_online(r.op)) {
    ++at.online_sent;
    ++at.online_sent_by_op[r.op];
  }
  show("");
  at.answer = r;
  const std::size_t before = at.runner.result().steps.size();
  at.runner.observe(r);
  if (st.screen == ScreenId::runner) return after_answer(st, before, fx);
  track_step(at, *st.clock);
  if (records_attempt(st) && at.runner.result().steps.size() > before) fx.push_back(AttemptProgress{at.runner.result()});
}

std::optional<HandKeyedTask> hand_keyed_task(const AppState& state) {
  if (!state.attempt || !state.attempt->on_spare || !state.spare.hand_keyed) return std::nullopt;
  const Attempt& at = *state.attempt;
  if (at.history_to_key > 0 || at.runner.finished() || at.runner.step().kind != StepKind::terminal)
    return std::nullopt;
  const Step& step = at.runner.step();
  HandKeyedTask t;
  t.op = step.task;
  t.story_amount = request_for(at.scenario, step, step.task, at.last_lookup ? &*at.last_lookup : nullptr).amount_minor;
  t.key_amount = t.story_amount;
  if (t.story_amount && terminal_op_is_online(t.op)) {
    const auto by_op = at.online_sent_by_op.find(t.op);
    const int op_index = (by_op == at.online_sent_by_op.end() ? 0 : by_op->second) + 1;
    t.key_amount = spare_terminal_amount(at.scenario, state.spare_acquirer ? &*state.spare_acquirer : nullptr,
                                         at.online_sent + 1, t.op, op_index, *t.story_amount);
  }
  return t;
}

void Updater::operator()(const SpareTerminalStatus& a) {
  st.spare = a.view;
  if (!st.spare.configured) st.practise_on_spare = false;
  refresh_catalog(st);
}

void Updater::operator()(const SetPracticeDevice& a) {
  if (a.spare_terminal && !st.spare.configured) return fx.push_back(ignored("no spare terminal configured"));
  if (st.screen != ScreenId::catalog && st.screen != ScreenId::home)
    return fx.push_back(ignored("practice device outside the catalog and home"));
  st.practise_on_spare = a.spare_terminal;
  refresh_catalog(st);
}

void refresh_catalog(AppState& state) {
  state.catalog = build_catalog_view(state.scenarios, state.strings, state.lang);
  if (state.require_sign_in) state.catalog.home_label = state.strings.tr("catalog.home", state.lang);
  if (state.session && state.session->loaded)
    for (CatalogGroup& g : state.catalog.groups)
      for (CatalogCard& c : g.cards) {
        const SuggestionWhy why = suggestion_why(state.session->attempts, c.scenario_id);
        using Kind = SuggestionWhy::Kind;
        c.record_passed = why.kind == Kind::passed;
        c.record_label = why.kind == Kind::passed ? state.strings.tr("catalog.record_passed", state.lang)
                         : why.kind == Kind::not_passed
                             ? fill_count(state.strings.tr("catalog.record_best", state.lang), why.best_percent)
                         : why.kind == Kind::unfinished ? state.strings.tr("catalog.record_unfinished", state.lang)
                                                        : "";
      }
  if (!state.spare.configured) return;
  CatalogView& v = state.catalog;
  v.device_label =
      state.strings.tr(state.practise_on_spare ? "spare.toggle.terminal" : "spare.toggle.screen", state.lang);
  v.on_spare = state.practise_on_spare;
  v.device_health = spare_health_line(state.spare, state.strings, state.lang);
  v.device_ok = state.spare.link == TerminalLinkState::ready;
  if (!state.practise_on_spare) return;
  for (CatalogGroup& g : v.groups)
    for (CatalogCard& c : g.cards) {
      const Scenario* sc = find_scenario(state.scenarios, c.scenario_id);
      if (!sc) continue;
      const SpareTerminalFit fit = spare_fit(state, *sc);
      c.on_spare = fit.ok;
      c.device_note = fit.ok ? state.strings.tr("spare.card.on_terminal", state.lang) : fit.reason.get(state.lang);
    }
}

SpareTerminalFit spare_fit(const AppState& state, const Scenario& scenario) {
  return spare_terminal_fit(scenario, state.spare, state.spare_acquirer ? &*state.spare_acquirer : nullptr);
}

std::string spare_health_line(const SpareTerminalView& view, const UiStrings& strings, Lang lang) {
  if (!view.configured) return "";
  std::string line = view.hand_keyed && view.link == TerminalLinkState::ready
                         ? strings.tr("spare.health.hand_ready", lang)
                         : strings.tr("spare.health." + std::string(terminal_link_state_name(view.link)), lang);
  if (view.link != TerminalLinkState::ready && !view.problem.empty()) line += " — " + view.problem.get(lang);
  return line;
}

const std::vector<std::string>& spare_string_keys() {
  static const std::vector<std::string> keys = {
      "spare.toggle.screen",     "spare.toggle.terminal",   "spare.card.on_terminal",   "spare.health.off",
      "spare.health.connecting", "spare.health.ready",      "spare.health.unreachable", "spare.health.refused",
      "spare.panel.title",       "spare.panel.address",     "spare.panel.last_ok",      "spare.panel.never",
      "spare.panel.menu",        "spare.panel.menu_idle",   "spare.panel.keypad",       "spare.panel.waiting",
      "spare.panel.amount",      "spare.panel.answer",      "spare.panel.no_code",      "spare.panel.proxy",
      "spare.panel.acquirer",    "spare.panel.story_slips", "spare.wire.title",         "spare.wire.address",
      "spare.wire.last_seen",    "spare.wire.never",        "spare.wire.key",           "spare.wire.key_amount",
      "spare.wire.story_amount", "spare.wire.keyed_first",  "spare.wire.wait_task",     "spare.wire.lines",
      "spare.wire.none_yet",     "spare.wire.history",      "spare.wire.no_task",       "spare.wire.sign_on",
      "spare.health.hand_ready", "spare.wire.wrong_pin",    "spare.wire.task",          "spare.wire.sign_on_first",
  };
  return keys;
}

}  // namespace posdrill
