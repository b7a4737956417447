// The kiosk's application state: actions, update(), and the texts the terminal twin can show.
//
// [SECTION] update() and what every feature shares
// [SECTION] Queries
// [SECTION] Terminal texts for the glyph set

#include "kiosk/core/app_state.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "device_bridge/terminal_texts.h"
#include "kiosk/core/glyphs.h"
#include "kiosk/core/update_internal.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// [SECTION] update() and what every feature shares
// ---------------------------------------------------------------------------------------------

// Ends the current attempt, if any, reporting it once: an unfinished one as abandoned (idle
// sign-out or leaving half-way), one whose last feedback was still showing as finished. A
// re-drill at the branch reports nothing: its answer was kept when given.
void Updater::close_attempt() {
  if (st.attempt && !st.attempt->practice) {
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
  end_on_spare();
  st.attempt.reset();
}

// The attempt leaves the spare terminal: the link puts the proxy back to passing everything.
void Updater::end_on_spare() {
  if (st.attempt && st.attempt->on_spare) fx.push_back(EndOnSpareTerminal{st.attempt->serial});
}

void Updater::sign_out() {
  close_attempt();
  st.still_there = false;
  st.confirming.reset();
  st.session.reset();
  st.console = ConsoleState{};
  st.pin_entry = PinEntry{};
  st.screen = ScreenId::attract;
  if (st.lang != st.store_lang) {
    st.lang = st.store_lang;
    fx.push_back(LanguageChanged{st.lang, ""});  // nobody's choice: nothing to save
  }
  refresh_catalog(st);  // in the kiosk's language, with nobody's record on the cards
}

namespace {

// A manager's (or the first run's) new request: the line about the last one is stale from now.
bool is_console_request(const Action& a) {
  return std::holds_alternative<SetConsoleTab>(a) || std::holds_alternative<SelectOperator>(a) ||
         std::holds_alternative<FilterRoster>(a) ||
         std::holds_alternative<SelectAttempt>(a) || std::holds_alternative<AddOperator>(a) ||
         std::holds_alternative<ResetOperatorPin>(a) || std::holds_alternative<SetOperatorActive>(a) ||
         std::holds_alternative<ExportRoster>(a) || std::holds_alternative<SendSyncNow>(a) ||
         std::holds_alternative<RetryStatement>(a) || std::holds_alternative<VoidStatement>(a);
}

}  // namespace

std::vector<Effect> update(AppState& state, const Action& action) {
  if (is_console_request(action) && (state.screen == ScreenId::console || state.screen == ScreenId::first_run)) {
    state.console.notice_key.clear();
    state.console.notice_detail.clear();
    state.console.notice_error = false;
    state.first_run_message.clear();
  }
  Updater u{state, {}};
  std::visit(u, action);
  return std::move(u.fx);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Queries
// ---------------------------------------------------------------------------------------------

bool out_of_service(const AppState& state) { return !state.problems.empty(); }

const Track* primary_track(const AppState& state) { return state.tracks.empty() ? nullptr : &state.tracks.front(); }

const Track* roster_track(const AppState& state) {
  for (const Track& t : state.tracks)
    if (t.id == state.console.roster_track) return &t;
  return primary_track(state);
}

const Track* track_to_work_on(const AppState& state, const std::vector<TrackProgress>& progress) {
  for (std::size_t i = 0; i < state.tracks.size() && i < progress.size(); ++i)
    if (progress[i].status != CertStatus::certified) return &state.tracks[i];
  return primary_track(state);
}

const std::vector<std::string>& records_string_keys() {
  static const std::vector<std::string> keys = {
      "sign_in.title",
      "sign_in.employee_id",
      "sign_in.pin",
      "sign_in.ok",
      "sign_in.next",
      "sign_in.clear",
      "sign_in.backspace",
      "sign_in.cancel",
      "sign_in.need_id",
      "sign_in.need_pin",
      "sign_in.wrong",
      "sign_in.wrong_tries",
      "sign_in.locked",
      "sign_in.inactive",
      "sign_in.checking",
      "sign_in.hint",
      "gate.title",
      "gate.hint",
      "gate.not_manager",
      "home.greeting",
      "home.certification",
      "home.recommended",
      "home.redrill",
      "home.redrill_chose",
      "home.redrill_chose_end",
      "home.redrill_more",
      "home.why_new",
      "home.why_unfinished",
      "home.why_best",
      "home.why_passed",
      "home.all_scenarios",
      "home.console",
      "home.sign_out",
      "home.topics",
      "home.expires",
      "home.awarded",
      "home.loading",
      "home.no_track",
      "home.progress",
      "home.all_done",
      "cert.not_started",
      "cert.in_progress",
      "cert.certified",
      "cert.expiring",
      "cert.expired",
      "cert.new_award",
      "first_run.title",
      "first_run.body",
      "first_run.create",
      "first_run.id",
      "first_run.name",
      "first_run.pin",
      "first_run.pin_again",
      "console.title",
      "console.close",
      "console.exit",
      "console.export",
      "console.roster",
      "console.mistakes",
      "console.operators",
      "console.settings",
      "console.col_id",
      "console.col_name",
      "console.col_role",
      "console.col_status",
      "console.col_passed",
      "console.col_expires",
      "console.col_last",
      "console.chain",
      "console.chain_as_of",
      "console.col_store",
      "console.col_people",
      "console.history",
      "console.no_attempts",
      "console.replay",
      "console.chosen",
      "console.abandoned",
      "console.passed",
      "console.failed",
      "console.no_mistakes",
      "console.items",
      "console.items_pick",
      "console.items_choose",
      "console.items_close_pick",
      "console.items_attempts",
      "console.items_note",
      "console.items_count",
      "console.items_sep",
      "console.items_flagged",
      "console.items_none_enough",
      "console.items_no_questions",
      "console.items_question",
      "console.items_unanswered",
      "console.items_too_few",
      "console.items_answered",
      "console.items_right",
      "console.items_separates",
      "console.items_time",
      "console.items_hints",
      "console.items_seconds",
      "console.items_sep_good",
      "console.items_sep_fair",
      "console.items_sep_poor",
      "console.items_best",
      "console.items_old_choice",
      "console.items_nobody",
      "console.items_fine",
      "console.items_flag_unused",
      "console.items_flag_reversed",
      "console.items_flag_flat",
      "console.items_flag_all_right",
      "console.items_flag_easy",
      "console.add",
      "console.reset_pin",
      "console.reset_pin_for",
      "console.cancel",
      "console.deactivate",
      "console.activate",
      "console.added",
      "console.pin_saved",
      "console.deactivated",
      "console.reactivated",
      "console.exported",
      "console.need_admin",
      "console.not_yourself",
      "console.failed_save",
      "console.records_unreadable",
      "console.role.trainee",
      "console.role.manager",
      "console.role.admin",
      "console.inactive",
      "console.store",
      "console.pin",
      "console.pin_again",
      "console.points",
      "console.terminal_done",
      "console.terminal_not_done",
      "console.loading",
      "console.settings_note",
      "catalog.home",
      "field.id_empty",
      "field.id_too_long",
      "field.id_bad_chars",
      "field.name_empty",
      "field.name_too_long",
      "field.name_control",
      "field.pin_length",
      "field.pin_digits",
      "field.pin_weak",
      "field.pin_mismatch",
      "keyboard.done",
      "keyboard.shift",
      "keyboard.space",
      "keyboard.zh",
      "keyboard.en",
      "keyboard.hide",
      "keyboard.no_pinyin",
      "console.id_exists",
      "console.no_such_operator",
      "console.records_busy",
      "console.records_io",
      "console.records_too_new",
      "console.problems",
      "console.problems_note",
      "settings.version",
      "settings.content",
      "settings.records",
      "settings.idle",
      "settings.terminal",
      "settings.terminal_emulated",
      "settings.terminal_spare",
      "settings.terminal_wire",
      "settings.terminal_problem",
      "settings.sync",
      "settings.sync_off",
      "settings.kiosk_id",
  };
  return keys;
}

const Step* current_step(const AppState& state) { return state.attempt ? &state.attempt->runner.step() : nullptr; }

int still_there_seconds_left(const AppState& state) {
  if (!state.still_there || !state.clock) return 0;
  const int64_t left = state.still_there_ms - (state.clock->now() - state.still_there_since_ms);
  return static_cast<int>(std::max<int64_t>(0, (left + 999) / 1000));
}

int64_t step_elapsed_ms(const AppState& state) {
  if (!state.attempt || !state.clock) return 0;
  return std::max<int64_t>(0, state.clock->now() - state.attempt->step_entered_ms);
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
      "runner.terminal",
      "runner.menu",
      "runner.menu_idle",
      "runner.receipts",
      "runner.no_receipts",
      "runner.history",
      "runner.slips_below_one",
      "runner.slips_below_other",
      "feedback.terminal_showed",
      "debrief.points_of",
      "runner.customer",
      "runner.situation",
      "runner.phone",
      "runner.no_sms",
      "runner.prompt",
      "runner.hint",
      "runner.hints_left",
      "runner.no_hints",
      "runner.timer",
      "runner.no_limit",
      "runner.overtime",
      "runner.continue",
      "runner.overtime_cost_one",
      "runner.overtime_cost_other",
      "runner.overtime_taken_one",
      "runner.overtime_taken_other",
      "feedback.terminal_passed",
      "runner.finish",
      "runner.give_up",
      "runner.task",
      "runner.back",
      "feedback.title",
      "feedback.points",
      "feedback.critical",
      "feedback.continue",
      "feedback.hint_cost",
      "practice.title",
      "practice.not_counted",
      "practice.so_far",
      "practice.did",
      "practice.last_time",
      "practice.hint",
      "practice.leave",
      "practice.did_terminal",
      "practice.start",
      "practice.done",
      "practice.again",
      "practice.next",
      "practice.retired",
      "practice.right",
      "debrief.title",
      "debrief.score",
      "debrief.passed",
      "debrief.failed",
      "debrief.pass_mark",
      "debrief.mistakes",
      "debrief.no_mistakes",
      "debrief.critical",
      "debrief.rules",
      "debrief.retry",
      "debrief.back",
      "debrief.points",
      "debrief.gave_up",
      "debrief.nothing_done",
      "twin.keypad",
      "twin.keypad_idle",
      "twin.enter",
      "twin.cancel",
      "twin.clear",
      "twin.menu",
      "twin.card",
      "twin.tap",
      "twin.swipe",
      "twin.pin",
      "twin.printer",
      "twin.tear",
      "twin.supervisor",
      "answer.right",
      "answer.partly",
      "answer.wrong",
      "answer.critical",
      "answer.score",
      "answer.hint_detail",
      "answer.best",
      "runner.progress",
      "debrief.answers_right",
      "debrief.hint_loss",
      "debrief.overtime_loss_one",
      "debrief.overtime_loss_other",
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
    // Keyed key by key, so every prompt on the way is collected too.
    perform_auto_action(st, player, [&] {
      if (st.attempt) add_screen(out, st.attempt->terminal_screen);
    });
    if (st.attempt) add_screen(out, st.attempt->terminal_screen);
  }
  if (st.attempt) {
    add_receipts(out, st.attempt->receipts);
    // The bank's own text messages (`sms: bank`) are the emulated issuer's words.
    for (const Text& t : st.attempt->runner.scene().sms) add_text(out, t);
  }
}

}  // namespace

void perform_auto_action(AppState& st, const AutoPlayer& player, const std::function<void()>& after_key) {
  if (!st.attempt) return;
  if (st.screen == ScreenId::feedback) {
    update(st, Continue{});
    return;
  }
  const Attempt& a = *st.attempt;
  const AutoAction act = player.next(a.runner, a.last_lookup ? &*a.last_lookup : nullptr);
  if (act.kind == AutoAction::advance)
    update(st, Continue{});
  else if (act.kind == AutoAction::choose)
    update(st, Choose{act.choice_id});
  else if (act.kind == AutoAction::give_up)
    update(st, GiveUp{});
  else
    for (const Action& key : twin_actions(st, act.request)) {
      update(st, key);
      if (after_key) after_key();
    }
}

bool play_best_to_step(AppState& st, const std::string& step_id) {
  if (!st.attempt) return false;
  AutoPlayer player(st.attempt->scenario, AutoMode::best);
  // Each step takes a few actions at most (a look-up, then the task); the bound only stops a bug.
  const std::size_t bound = 4 * st.attempt->scenario.steps.size() + 16;
  for (std::size_t n = 0; n < bound && st.attempt; ++n) {
    if (st.screen == ScreenId::runner) {
      if (st.attempt->runner.finished()) return false;
      if (st.attempt->runner.step().id == step_id) return true;
    } else if (st.screen != ScreenId::feedback) {
      return false;
    }
    perform_auto_action(st, player);
  }
  return false;
}

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
  for (const BankSms& m : emu.host().sms()) add_text(out, m.text);
  return out;
}

std::vector<uint32_t> collect_kiosk_glyphs(const UiStrings& strings, const std::vector<Scenario>& scenarios,
                                           const std::vector<std::string>& extra_texts) {
  std::vector<uint32_t> cps = collect_glyphs(strings, scenarios);
  const auto add = [&cps](std::string_view s) {
    for (uint32_t cp : decode_utf8(s))
      if (drawable_code_point(cp)) cps.push_back(cp);
  };
  // The terminal's screens and slips and the bank's texts are the devices' words
  // (content/ui/terminal.yaml) with figures filled in: digits, and the scenarios' own texts such
  // as the merchant's name, which collect_glyphs has. No scenario needs replaying for them; a test
  // replays every one to check (terminal_visible_texts).
  for (const std::string& s : all_terminal_texts()) add(s);
  for (const Text& t : response_texts()) {
    add(t.zh);
    add(t.en);
  }
  for (const Text& t : {AcquirerDecline{}.text, VelocityRule{}.text}) {
    add(t.zh);
    add(t.en);
  }
  for (const std::string& s : extra_texts) add(s);
  std::sort(cps.begin(), cps.end());
  cps.erase(std::unique(cps.begin(), cps.end()), cps.end());
  return cps;
}

std::vector<std::string_view> state_visible_texts(const AppState& st) {
  std::vector<std::string_view> out;
  const auto add_op = [&out](const OperatorRecord& op) {
    out.emplace_back(op.employee_id);
    out.emplace_back(op.name);
    out.emplace_back(op.store_id);
  };
  const auto add_remote = [&out](const RemoteAwardRow& r) {
    out.emplace_back(r.kiosk_id);
    out.emplace_back(r.store_id);
  };
  out.emplace_back(st.pin_entry.employee_id);
  if (st.session) {
    add_op(st.session->op);
    for (const RemoteAwardRow& r : st.session->remote_awards) add_remote(r);
  }
  add_op(st.console.manager);
  for (const OperatorRecord& op : st.console.operators) add_op(op);
  for (const RemoteAwardRow& r : st.console.remote_awards) add_remote(r);
  for (const SetAsideStatement& s : st.console.set_aside) out.emplace_back(s.reason);
  out.emplace_back(st.console.notice_detail);
  for (const KioskFact& f : st.kiosk_facts) out.emplace_back(f.value);
  for (const std::string& p : st.problems) out.emplace_back(p);
  out.emplace_back(st.help_contact);
  out.emplace_back(st.sync.problem_detail);
  out.emplace_back(st.spare.detail);
  out.emplace_back(st.spare.problem.zh);  // the link's own words (a line that cannot be scored)
  out.emplace_back(st.spare.problem.en);
  out.emplace_back(st.spare.address);
  out.emplace_back(st.spare.proxy_problem);
  return out;
}

}  // namespace posdrill
