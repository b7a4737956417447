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

// After an answer: feedback for a closed decision or task, the debrief once the runner is done.
void after_answer(AppState& st, std::size_t records_before, std::vector<Effect>& fx) {
  Attempt& a = *st.attempt;
  track_step(a, *st.clock);
  // Each answer is committed as it is given, so a pulled plug loses nothing already decided.
  if (st.session && a.runner.result().steps.size() > records_before) fx.push_back(AttemptProgress{a.runner.result()});
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
    end_on_spare();
    st.attempt.reset();
  }

  // The attempt leaves the spare terminal: the link puts the proxy back to passing everything.
  void end_on_spare() {
    if (st.attempt && st.attempt->on_spare) fx.push_back(EndOnSpareTerminal{st.attempt->serial});
  }

  void sign_out() {
    close_attempt();
    st.still_there = false;
    st.session.reset();
    st.console = ConsoleState{};
    st.pin_entry = PinEntry{};
    st.screen = ScreenId::attract;
  }

  void operator()(const StartFromAttract&) {
    if (st.screen != ScreenId::attract) return fx.push_back(ignored("start outside the attract screen"));
    st.last_input_ms = now();
    st.pin_entry = PinEntry{};
    if (!st.has_manager) {
      st.first_run_message.clear();
      st.screen = ScreenId::first_run;
    } else {
      st.screen = st.require_sign_in ? ScreenId::sign_in : ScreenId::catalog;
    }
  }

  // ---- Sign-in, manager gate ----

  bool on_numpad() const { return st.screen == ScreenId::sign_in || st.screen == ScreenId::manager_gate; }

  void operator()(const KeypadKey& k) {
    if (!on_numpad() || st.still_there) return fx.push_back(ignored("keypad outside the sign-in screens"));
    PinEntry& e = st.pin_entry;
    if (e.checking) return fx.push_back(ignored("keypad while the PIN is checked"));
    std::string& field = e.on_pin ? e.pin : e.employee_id;
    switch (k.kind) {
      case KeypadKey::Kind::character: {
        const char c = k.ch;
        const bool digit = c >= '0' && c <= '9';
        const bool id_char =
            digit || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '_' || c == '-';
        if (e.on_pin ? !digit : !id_char) return fx.push_back(ignored("character not allowed in this field"));
        if (field.size() >= (e.on_pin ? max_pin_chars : max_employee_id_chars))
          return fx.push_back(ignored("field full"));
        field.push_back(c);
        e.message_key.clear();
        return;
      }
      case KeypadKey::Kind::backspace:
        if (!field.empty()) field.pop_back();
        return;
      case KeypadKey::Kind::clear:
        field.clear();
        return;
      case KeypadKey::Kind::enter:
        break;
    }
    if (!e.on_pin) {
      if (e.employee_id.empty()) {
        e.message_key = "sign_in.need_id";
        return;
      }
      e.on_pin = true;
      return;
    }
    if (e.employee_id.empty()) {
      e.on_pin = false;
      e.message_key = "sign_in.need_id";
      return;
    }
    if (e.pin.empty()) {
      e.message_key = "sign_in.need_pin";
      return;
    }
    fx.push_back(CheckPin{e.employee_id, e.pin});
    // The PIN leaves the state with the effect: nothing keeps it while the store checks it.
    std::fill(e.pin.begin(), e.pin.end(), '\0');
    e.pin.clear();
    e.checking = true;
  }

  void operator()(const FocusPinField& f) {
    if (!on_numpad() || st.pin_entry.checking) return fx.push_back(ignored("focus outside the sign-in screens"));
    st.pin_entry.on_pin = f.pin;
  }

  void start_session(const OperatorRecord& op) {
    st.session = Session{};
    st.session->op = op;
    st.pin_entry = PinEntry{};
    st.last_input_ms = now();
    if (st.lang != op.lang) {
      st.lang = op.lang;
      refresh_catalog(st);
      fx.push_back(LanguageChanged{op.lang, ""});  // the operator's own choice: nothing to save
    }
    st.screen = ScreenId::home;
    fx.push_back(LoadRecords{op.employee_id});
    // Passes earned on other kiosks: asked for at every sign-in, answered later (the cached
    // copy in LoadRecords shows meanwhile, and offline).
    fx.push_back(FetchRemoteAwards{op.employee_id});
  }

  void open_console(const OperatorRecord& manager, ScreenId from) {
    st.console = ConsoleState{};
    st.console.manager = manager;
    st.gate_return = from;
    st.screen = ScreenId::console;
    fx.push_back(LoadConsole{});
  }

  void operator()(const PinChecked& a) {
    PinEntry& e = st.pin_entry;
    const bool waiting = (on_numpad() && e.checking) || st.screen == ScreenId::first_run;
    if (!waiting) return fx.push_back(ignored("PIN answer nobody waits for"));
    e.checking = false;
    e.pin.clear();
    const PinCheck& c = a.check;
    if (c.outcome == PinOutcome::ok) {
      if (st.screen == ScreenId::manager_gate) {
        if (!is_manager(c.op.role)) {
          e.message_key = "gate.not_manager";
          e.on_pin = false;
          e.employee_id.clear();
          return;
        }
        return open_console(c.op, st.gate_return);
      }
      return start_session(c.op);
    }
    e.on_pin = true;
    e.tries_left = c.tries_left;
    switch (c.outcome) {
      case PinOutcome::wrong:
        e.message_key = c.tries_left > 0 ? "sign_in.wrong_tries" : "sign_in.wrong";
        break;
      case PinOutcome::unknown_operator:
        // The same words as a wrong PIN: the screen never confirms which employee ids exist.
        e.message_key = "sign_in.wrong";
        break;
      case PinOutcome::locked: {
        e.message_key = "sign_in.locked";
        const int64_t left = std::max<int64_t>(0, c.locked_until_ms - st.wall_ms);
        e.locked_minutes = std::max<int64_t>(1, (left + 59'999) / 60'000);
        break;
      }
      case PinOutcome::inactive:
        e.message_key = "sign_in.inactive";
        break;
      case PinOutcome::ok:
        break;
    }
  }

  void refresh_session() {
    Session& s = *st.session;
    const Track* track = primary_track(st);
    if (!track) return;
    s.progress = track_progress(*track, st.scenarios, s.attempts,
                                merge_remote_awards(st.tracks, s.awards, s.remote_awards), st.wall_ms);
    s.recommended = recommend(*track, st.scenarios, s.attempts, st.wall_ms, 3);
  }

  void operator()(const RecordsLoaded& a) {
    if (!st.session || st.session->op.employee_id != a.operator_id) return fx.push_back(ignored("stale records"));
    st.session->attempts = a.attempts;
    st.session->awards = a.awards;
    st.session->remote_awards = a.remote_awards;
    st.session->loaded = true;
    refresh_session();
  }

  void operator()(const AwardMade& a) {
    if (!st.session || st.session->op.employee_id != a.award.operator_id) return fx.push_back(ignored("stale award"));
    st.session->new_award = a.award;
  }

  void operator()(const SignOut&) {
    if (!st.session && st.screen != ScreenId::sign_in && st.screen != ScreenId::first_run)
      return fx.push_back(ignored("sign out without a session"));
    sign_out();
  }

  void operator()(const GoHome&) {
    if (!st.session) return fx.push_back(ignored("home without a session"));
    close_attempt();
    st.session->new_award.reset();
    st.screen = ScreenId::home;
    fx.push_back(LoadRecords{st.session->op.employee_id});
  }

  void operator()(const OpenCatalog&) {
    if (st.screen != ScreenId::home) return fx.push_back(ignored("catalog from outside home"));
    st.screen = ScreenId::catalog;
  }

  void operator()(const CornerTap&) {
    if (st.still_there || st.screen == ScreenId::manager_gate || st.screen == ScreenId::console ||
        st.screen == ScreenId::first_run)
      return;
    const int64_t t = now();
    if (st.corner_taps == 0 || t - st.corner_first_ms > corner_tap_window_ms) {
      st.corner_taps = 1;
      st.corner_first_ms = t;
    } else {
      ++st.corner_taps;
    }
    if (st.corner_taps < corner_taps_needed) return;
    st.corner_taps = 0;
    st.gate_return = st.screen;
    st.pin_entry = PinEntry{};
    st.screen = ScreenId::manager_gate;
  }

  void operator()(const CancelGate&) {
    if (st.screen != ScreenId::manager_gate) return fx.push_back(ignored("cancel outside the gate"));
    st.pin_entry = PinEntry{};
    st.screen = st.gate_return;
  }

  void operator()(const OpenConsole&) {
    if (!st.session || !is_manager(st.session->op.role) || st.screen != ScreenId::home)
      return fx.push_back(ignored("console without a manager"));
    open_console(st.session->op, ScreenId::home);
  }

  void operator()(const CloseConsole&) {
    if (st.screen != ScreenId::console) return fx.push_back(ignored("close outside the console"));
    st.console = ConsoleState{};  // a roster left in memory is a roster someone else can read
    st.screen = st.gate_return;
    if (st.screen == ScreenId::home && st.session) fx.push_back(LoadRecords{st.session->op.employee_id});
  }

  void operator()(const ExitKiosk&) {
    if (st.screen != ScreenId::console) return fx.push_back(ignored("exit outside the console"));
    close_attempt();
    fx.push_back(QuitKiosk{});
  }

  // ---- Console ----

  bool in_console() const { return st.screen == ScreenId::console; }

  void operator()(const SetConsoleTab& a) {
    if (!in_console()) return fx.push_back(ignored("tab outside the console"));
    st.console.tab = a.tab;
    if (a.tab == ConsoleTab::sync) fx.push_back(LoadSetAside{});
  }

  void operator()(const ConsoleLoaded& a) {
    if (!in_console()) return fx.push_back(ignored("console data without the console"));
    ConsoleState& c = st.console;
    c.operators = a.operators;
    c.attempts = a.attempts;
    c.awards = a.awards;
    c.mistakes = a.mistakes;
    c.remote_awards = a.remote_awards;
    c.chain = a.chain;
    c.chain_as_of_ms = a.chain_as_of_ms;
    c.roster.clear();
    if (const Track* track = primary_track(st))
      c.roster = build_roster(*track, st.scenarios, c.operators, c.attempts,
                              merge_remote_awards(st.tracks, c.awards, c.remote_awards), st.wall_ms);
  }

  void operator()(const SelectOperator& a) {
    if (!in_console()) return fx.push_back(ignored("select outside the console"));
    st.console.selected_operator = a.employee_id;
    st.console.selected_attempt.clear();
    st.console.replay.clear();
  }

  void operator()(const SelectAttempt& a) {
    if (!in_console()) return fx.push_back(ignored("select outside the console"));
    st.console.selected_attempt = a.uuid;
    st.console.replay.clear();
    if (!a.uuid.empty()) fx.push_back(LoadReplay{a.uuid});
  }

  void operator()(const ReplayLoaded& a) {
    if (!in_console() || a.uuid != st.console.selected_attempt) return fx.push_back(ignored("stale replay"));
    st.console.replay = a.events;
  }

  void notice(const std::string& key, std::string detail = {}, bool error = true) {
    if (st.screen == ScreenId::first_run) {
      st.first_run_message = error ? key : "";
      return;
    }
    st.console.notice_key = key;
    st.console.notice_detail = std::move(detail);
    st.console.notice_error = error;
  }

  // A manager manages trainees; managers and administrators are an administrator's business.
  bool may_manage(Role target) const { return st.console.manager.role == Role::admin || target == Role::trainee; }

  void operator()(const AddOperator& a) {
    const bool first = st.screen == ScreenId::first_run;
    if (!first && !in_console()) return fx.push_back(ignored("add operator outside the console"));
    if (first && st.has_manager) return fx.push_back(ignored("first run with an administrator"));
    OperatorRecord op = a.op;
    if (first) op.role = Role::admin;
    for (FieldError e : {check_employee_id(op.employee_id), check_operator_name(op.name), check_pin(a.pin)})
      if (e != FieldError::none) return notice(std::string(field_error_key(e)));
    if (a.pin != a.pin_again) return notice("field.pin_mismatch");
    if (!first && !may_manage(op.role)) return notice("console.need_admin");
    op.active = true;
    op.created_ms = st.wall_ms;
    if (first) st.first_run_message.clear();
    fx.push_back(SaveOperator{op, a.pin, first});
  }

  void operator()(const ResetOperatorPin& a) {
    if (!in_console()) return fx.push_back(ignored("reset PIN outside the console"));
    if (const FieldError e = check_pin(a.pin); e != FieldError::none) return notice(std::string(field_error_key(e)));
    if (a.pin != a.pin_again) return notice("field.pin_mismatch");
    for (const OperatorRecord& o : st.console.operators)
      if (o.employee_id == a.employee_id && !may_manage(o.role)) return notice("console.need_admin");
    fx.push_back(SavePin{a.employee_id, a.pin});
  }

  void operator()(const SetOperatorActive& a) {
    if (!in_console()) return fx.push_back(ignored("deactivate outside the console"));
    if (a.employee_id == st.console.manager.employee_id && !a.active) return notice("console.not_yourself");
    for (const OperatorRecord& o : st.console.operators)
      if (o.employee_id == a.employee_id && !may_manage(o.role)) return notice("console.need_admin");
    fx.push_back(SaveActive{a.employee_id, a.active});
  }

  void operator()(const ExportRoster&) {
    if (!in_console()) return fx.push_back(ignored("export outside the console"));
    fx.push_back(WriteRosterCsv{});
  }

  void operator()(const ConsoleNotice& a) { notice(a.key, a.detail, a.error); }

  void operator()(const AdminPresence& a) { st.has_manager = a.has_manager; }

  // ---- Sync ----

  // The console is behind the manager gate already; the Sync tab's changes check the role again
  // because they decide what reaches the company's records.
  bool may_sync() const { return in_console() && is_manager(st.console.manager.role); }

  void operator()(const SyncStatusChanged& a) {
    const bool aside_changed = a.view.set_aside != st.sync.set_aside;
    st.sync = a.view;
    // The worker set a statement aside while the manager looks at the list: show it.
    if (aside_changed && in_console() && st.console.tab == ConsoleTab::sync) fx.push_back(LoadSetAside{});
  }

  void operator()(const RemoteAwardsUpdated& a) {
    if (!st.session || st.session->op.employee_id != a.operator_id)
      return fx.push_back(ignored("remote awards for someone not signed in"));
    fx.push_back(LoadRecords{a.operator_id});
  }

  void operator()(const SendSyncNow&) {
    if (!may_sync()) return fx.push_back(ignored("send now outside the console"));
    if (!st.sync.enabled) return notice("sync.off");
    fx.push_back(KickSync{});
    notice("console.sync_kicked", {}, false);
  }

  void operator()(const RetryStatement& a) {
    if (!may_sync()) return fx.push_back(ignored("retry statement outside the console"));
    if (a.id.empty()) return fx.push_back(ignored("retry statement without an id"));  // "" means all to the store
    fx.push_back(RequeueStatement{a.id});
  }

  void operator()(const VoidStatement& a) {
    if (!may_sync()) return fx.push_back(ignored("void statement outside the console"));
    if (a.id.empty()) return fx.push_back(ignored("void statement without an id"));
    fx.push_back(DropStatement{a.id, "voided on the kiosk by manager " + st.console.manager.employee_id});
  }

  void operator()(const SetAsideLoaded& a) {
    if (!in_console()) return fx.push_back(ignored("set-aside list without the console"));
    st.console.set_aside = a.statements;
    st.console.set_aside_loaded = true;
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
    // A trainee keying a PIN on the spare terminal is not idle, though the screen is untouched.
    if (st.attempt && st.attempt->sent) st.last_input_ms = t;
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
    // The catalog, or the home screen's recommendations.
    if (st.screen != ScreenId::catalog && st.screen != ScreenId::home)
      return fx.push_back(ignored("open_scenario outside the catalog"));
    if (st.require_sign_in && !st.session) return fx.push_back(ignored("open_scenario without a session"));
    const Scenario* sc = find_scenario(st.scenarios, a.scenario_id);
    if (!sc) return fx.push_back(Ignored{"unknown scenario " + a.scenario_id});
    if (!st.clock) return fx.push_back(ignored("no clock"));
    begin(*sc);
  }

  // Starts `sc` and, with a session, asks for its record to be opened.
  void begin(const Scenario& sc) {
    st.attempt = start_attempt(sc, *st.clock, st.seed);
    st.screen = ScreenId::runner;
    Attempt& at = *st.attempt;
    at.serial = ++st.attempt_serial;
    at.on_spare = st.practise_on_spare && spare_fit(st, sc).ok;
    if (at.on_spare) fx.push_back(BeginOnSpareTerminal{at.serial, sc.id});
    if (st.session) {
      st.session->new_award.reset();
      fx.push_back(AttemptStarted{st.session->op.employee_id, sc.id, st.seed, st.lang,
                                  at.on_spare ? TerminalKind::real : TerminalKind::emulated});
    }
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
    TerminalRequest req = request_for(at.scenario, step, a.op, at.last_lookup ? &*at.last_lookup : nullptr);
    if (at.on_spare) return send_to_spare(at, std::move(req));
    perform_on_terminal(at.runner, at.port, req, at.last_lookup);
    snapshot_terminal(at);
    after_answer(st, before, fx);
  }

  // The operation goes to the link thread; the answer comes back as SpareTerminalAnswered.
  void send_to_spare(Attempt& at, TerminalRequest req) {
    if (at.sent) return fx.push_back(ignored("the spare terminal is busy with the last operation"));
    if (!spare_terminal_can_start(req.op)) return fx.push_back(ignored("done on the terminal's keypad"));
    if (terminal_op_is_online(req.op)) {
      ++at.online_sent;
      if (req.amount_minor)
        req.amount_minor = spare_terminal_amount(at.scenario, st.spare_acquirer ? &*st.spare_acquirer : nullptr,
                                                 at.online_sent, *req.amount_minor);
    }
    at.answer.reset();
    at.sent = req;
    fx.push_back(SendToSpareTerminal{at.serial, std::move(req)});
  }

  void operator()(const SpareTerminalAnswered& a) {
    if (!st.attempt || !st.attempt->on_spare || st.attempt->serial != a.serial || !st.attempt->sent)
      return fx.push_back(ignored("a spare terminal answer for another attempt"));
    Attempt& at = *st.attempt;
    at.sent.reset();
    const std::size_t before = at.runner.result().steps.size();
    // Scored from what the terminal did, whatever screen is up: a manager gate opened meanwhile
    // must not lose the operation.
    for (const TerminalRecord& r : a.records) {
      if (r.op == TerminalOp::transaction_query) at.last_lookup = r;
      at.runner.observe(r);
      at.answer = r;
    }
    if (st.screen == ScreenId::runner) return after_answer(st, before, fx);
    track_step(at, *st.clock);
    if (st.session && at.runner.result().steps.size() > before) fx.push_back(AttemptProgress{at.runner.result()});
  }

  void operator()(const SpareTerminalStatus& a) {
    st.spare = a.view;
    if (!st.spare.configured) st.practise_on_spare = false;
    refresh_catalog(st);
  }

  void operator()(const SetPracticeDevice& a) {
    if (a.spare_terminal && !st.spare.configured) return fx.push_back(ignored("no spare terminal configured"));
    if (st.screen != ScreenId::catalog && st.screen != ScreenId::home)
      return fx.push_back(ignored("practice device outside the catalog and home"));
    st.practise_on_spare = a.spare_terminal;
    refresh_catalog(st);
  }

  void operator()(const GiveUp&) {
    if (!playing()) return fx.push_back(ignored("give up outside the runner"));
    // The terminal is mid-operation (a card may be in it): its answer decides, not a give-up.
    if (st.attempt->sent) return fx.push_back(ignored("give up while the spare terminal works"));
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
    end_on_spare();
    st.attempt.reset();  // the old runner and emulation go before the new ones are built
    ++st.seed;           // a retry shows the choices in another order, so position is no clue
    begin(sc);
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
    std::string who;
    if (st.session) {
      st.session->op.lang = a.lang;  // remembered per trainee: the next sign-in opens in it
      who = st.session->op.employee_id;
    }
    fx.push_back(LanguageChanged{a.lang, who});
  }
};

}  // namespace

Attempt::Attempt(const Scenario& sc, const Clock& clock, uint64_t seed)
    : scenario(sc), port(&clock), runner(sc, clock, seed) {
  port.prepare(sc.setup);
}

void refresh_catalog(AppState& state) {
  state.catalog = build_catalog_view(state.scenarios, state.error_count, state.strings, state.lang);
  if (state.require_sign_in) state.catalog.home_label = state.strings.tr("catalog.home", state.lang);
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
  std::string line = strings.tr("spare.health." + std::string(terminal_link_state_name(view.link)), lang);
  if (view.link != TerminalLinkState::ready && !view.problem.empty()) line += " — " + view.problem.get(lang);
  return line;
}

std::vector<Effect> update(AppState& state, const Action& action) {
  Updater u{state, {}};
  std::visit(u, action);
  return std::move(u.fx);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Queries
// ---------------------------------------------------------------------------------------------

const Track* primary_track(const AppState& state) { return state.tracks.empty() ? nullptr : &state.tracks.front(); }

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
      "console.add",
      "console.reset_pin",
      "console.deactivate",
      "console.activate",
      "console.saved",
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
  };
  return keys;
}

const std::vector<std::string>& spare_string_keys() {
  static const std::vector<std::string> keys = {
      "spare.toggle.screen",     "spare.toggle.terminal",   "spare.card.on_terminal",   "spare.health.off",
      "spare.health.connecting", "spare.health.ready",      "spare.health.unreachable", "spare.health.refused",
      "spare.panel.title",       "spare.panel.address",     "spare.panel.last_ok",      "spare.panel.never",
      "spare.panel.menu",        "spare.panel.menu_idle",   "spare.panel.keypad",       "spare.panel.waiting",
      "spare.panel.amount",      "spare.panel.answer",      "spare.panel.no_code",      "spare.panel.proxy",
      "spare.panel.acquirer",    "spare.panel.story_slips",
  };
  return keys;
}

const std::vector<std::string>& sync_string_keys() {
  static const std::vector<std::string> keys = {
      "sync.synced",
      "sync.waiting",
      "sync.set_aside",
      "sync.off",
      "sync.problem.offline",
      "sync.problem.server_busy",
      "sync.problem.server_error",
      "sync.problem.rejected",
      "sync.problem.credentials",
      "sync.problem.endpoint",
      "sync.problem.conflict",
      "sync.problem.local",
      "sync.problem.unknown",
      "sync.verb.attempted",
      "sync.verb.answered",
      "sync.verb.passed",
      "sync.verb.failed",
      "sync.verb.abandoned",
      "sync.verb.certified",
      "console.sync",
      "console.sync_waiting",
      "console.sync_set_aside",
      "console.sync_sent",
      "console.sync_last_sent",
      "console.sync_never",
      "console.sync_problem",
      "console.sync_no_problem",
      "console.sync_now",
      "console.sync_kicked",
      "console.sync_retry",
      "console.sync_void",
      "console.sync_void_confirm",
      "console.sync_retried",
      "console.sync_voided",
      "console.sync_none_aside",
      "console.sync_off_note",
      "console.sync_col_verb",
      "console.sync_col_attempt",
      "console.sync_col_when",
      "console.sync_col_reason",
      "home.earned_at",
      "home.earned_elsewhere",
  };
  return keys;
}

std::string sync_problem_key(std::string_view problem, const UiStrings& strings) {
  if (problem.empty() || problem == "none") return {};
  std::string key = "sync.problem." + std::string(problem);
  // A problem kind added to the worker later still reads as a problem, never as "⟦key⟧".
  return strings.contains(key) ? key : "sync.problem.unknown";
}

SyncLine sync_footer_line(const SyncView& view, const UiStrings& strings, Lang lang, bool in_console) {
  if (!view.enabled) {
    if (!in_console) return {};
    return {strings.tr("sync.off", lang), SyncTone::waiting};
  }
  const std::string waiting = view.queued > 0 ? fill_count(strings.tr("sync.waiting", lang), view.queued) : "";
  if (const std::string key = sync_problem_key(view.problem, strings); !key.empty()) {
    std::string text = strings.tr(key, lang);
    if (!waiting.empty()) text += " (" + waiting + ")";
    return {std::move(text), view.alarm ? SyncTone::alarm : SyncTone::problem};
  }
  if (view.alarm) return {strings.tr("sync.problem.unknown", lang), SyncTone::alarm};
  // Set-aside statements wait for a person, so they outrank an ordinary queue.
  if (view.set_aside > 0) return {fill_count(strings.tr("sync.set_aside", lang), view.set_aside), SyncTone::problem};
  if (view.queued > 0) return {waiting, SyncTone::waiting};
  return {strings.tr("sync.synced", lang), SyncTone::ok};
}

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

std::vector<uint32_t> collect_kiosk_glyphs(const UiStrings& strings, const std::vector<Scenario>& scenarios,
                                           const std::vector<std::string>& extra_texts) {
  std::vector<uint32_t> cps = collect_glyphs(strings, scenarios);
  const auto add = [&cps](const std::string& s) {
    for (uint32_t cp : decode_utf8(s))
      if (cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F)) cps.push_back(cp);
  };
  for (const Scenario& sc : scenarios)
    for (const std::string& s : terminal_visible_texts(sc)) add(s);
  for (const std::string& s : extra_texts) add(s);
  std::sort(cps.begin(), cps.end());
  cps.erase(std::unique(cps.begin(), cps.end()), cps.end());
  return cps;
}

}  // namespace posdrill
