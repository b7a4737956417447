// update(): attract, sign-in, home, the manager gate, idle sign-out and language.
#include "kiosk/core/update_internal.h"

#include <algorithm>
#include <functional>
#include <tuple>

namespace posdrill {

void Updater::operator()(const StartFromAttract&) {
  if (st.screen != ScreenId::attract) return fx.push_back(ignored("start outside the attract screen"));
  st.last_input_ms = now();
  // Out of service, the attract screen says so and a tap leads nowhere; managers use the hidden
  // gesture. Not even the first run opens: with a broken config the records may not be where
  // the site keeps them, and an administrator made there would be made in the wrong place.
  if (out_of_service(st)) return fx.push_back(ignored("out of service"));
  st.pin_entry = PinEntry{};
  if (!st.has_manager) {
    st.first_run_message.clear();
    st.screen = ScreenId::first_run;
  } else {
    st.screen = st.require_sign_in ? ScreenId::sign_in : ScreenId::catalog;
  }
}

void Updater::operator()(const KeypadKey& k) {
  if (!on_numpad() || st.still_there) return fx.push_back(ignored("keypad outside the sign-in screens"));
  PinEntry& e = st.pin_entry;
  if (e.checking) return fx.push_back(ignored("keypad while the PIN is checked"));
  std::string& field = e.on_pin ? e.pin : e.employee_id;
  switch (k.kind) {
    case KeypadKey::Kind::character: {
      const char c = k.ch;
      // Both fields are digits only: employee ids are (check_employee_id), so a keyboard can type
      // nothing the numpad could not.
      if (c < '0' || c > '9') return fx.push_back(ignored("character not allowed in this field"));
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

void Updater::operator()(const FocusPinField& f) {
  if (!on_numpad() || st.pin_entry.checking) return fx.push_back(ignored("focus outside the sign-in screens"));
  st.pin_entry.on_pin = f.pin;
}

void Updater::start_session(const OperatorRecord& op) {
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

void Updater::open_console(const OperatorRecord& manager, ScreenId from) {
  st.console = ConsoleState{};
  st.console.manager = manager;
  // Out of service, the console opens where the problems are listed.
  if (out_of_service(st)) st.console.tab = ConsoleTab::settings;
  st.gate_return = from;
  st.screen = ScreenId::console;
  fx.push_back(LoadConsole{});
}

void Updater::operator()(const PinChecked& a) {
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

void Updater::refresh_session() {
  Session& s = *st.session;
  s.progress.clear();
  s.recommended.clear();
  const std::vector<AwardRow> awards = merge_remote_awards(st.tracks, s.awards, s.remote_awards);
  for (const Track& t : st.tracks)
    s.progress.push_back(track_progress(t, st.scenarios, s.attempts, awards, st.wall_ms));
  s.redrills.clear();
  for (Redrill& r : redrills_due(s.answers, st.wall_ms))
    if (find_scenario(st.scenarios, r.scenario_id)) s.redrills.push_back(std::move(r));
  // Mistakes of one drill due at the same time (one attempt's) come in story order, not by id.
  const auto story_index = [&](const Redrill& r) {
    const Scenario& sc = *find_scenario(st.scenarios, r.scenario_id);
    for (std::size_t i = 0; i < sc.steps.size(); ++i)
      if (sc.steps[i].id == r.step_id) return i;
    return sc.steps.size();
  };
  std::stable_sort(s.redrills.begin(), s.redrills.end(), [&](const Redrill& a, const Redrill& b) {
    return std::make_tuple(a.due_ms, std::cref(a.scenario_id), story_index(a)) <
           std::make_tuple(b.due_ms, std::cref(b.scenario_id), story_index(b));
  });
  if (const Track* track = track_to_work_on(st, s.progress)) {
    // Three suggestions beside the re-drills, none of them a drill already offered there.
    s.recommended = recommend(*track, st.scenarios, s.attempts, st.wall_ms, 3 + s.redrills.size());
    std::erase_if(s.recommended, [&](const std::string& id) {
      return std::any_of(s.redrills.begin(), s.redrills.end(), [&](const Redrill& r) { return r.scenario_id == id; });
    });
    if (s.recommended.size() > 3) s.recommended.resize(3);
  }
}

void Updater::operator()(const RecordsLoaded& a) {
  if (!st.session || st.session->op.employee_id != a.operator_id) return fx.push_back(ignored("stale records"));
  st.session->attempts = a.attempts;
  st.session->awards = a.awards;
  st.session->remote_awards = a.remote_awards;
  st.session->answers = a.answers;
  st.session->loaded = true;
  refresh_session();
  refresh_catalog(st);  // each card shows the person's own record of it
}

void Updater::operator()(const AwardMade& a) {
  if (!st.session || st.session->op.employee_id != a.award.operator_id) return fx.push_back(ignored("stale award"));
  st.session->new_award = a.award;
}

void Updater::operator()(const RecordingFailed& a) {
  st.recording_problem = a.what.empty() ? "unknown" : a.what;
}

void Updater::operator()(const RecordingRecovered&) { st.recording_problem.clear(); }

void Updater::operator()(const SignOut&) {
  if (!st.session && st.screen != ScreenId::sign_in && st.screen != ScreenId::first_run)
    return fx.push_back(ignored("sign out without a session"));
  sign_out();
}

void Updater::operator()(const GoHome&) {
  if (!st.session) return fx.push_back(ignored("home without a session"));
  close_attempt();
  st.session->new_award.reset();
  st.screen = ScreenId::home;
  fx.push_back(LoadRecords{st.session->op.employee_id});
}

void Updater::operator()(const OpenCatalog&) {
  if (st.screen != ScreenId::home) return fx.push_back(ignored("catalog from outside home"));
  if (out_of_service(st)) return fx.push_back(ignored("catalog while out of service"));
  st.screen = ScreenId::catalog;
}

void Updater::operator()(const CornerTap&) {
  if (st.still_there || st.screen == ScreenId::manager_gate || st.screen == ScreenId::console ||
      st.screen == ScreenId::first_run)
    return;
  const MonoTime t = now();
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

void Updater::operator()(const CancelGate&) {
  if (st.screen != ScreenId::manager_gate) return fx.push_back(ignored("cancel outside the gate"));
  st.pin_entry = PinEntry{};
  st.screen = st.gate_return;
}

void Updater::operator()(const OpenConsole&) {
  if (!st.session || !is_manager(st.session->op.role) || st.screen != ScreenId::home)
    return fx.push_back(ignored("console without a manager"));
  open_console(st.session->op, ScreenId::home);
}

void Updater::operator()(const UserInput&) { st.last_input_ms = now(); }

void Updater::operator()(const StillHere&) {
  if (!st.still_there) return fx.push_back(ignored("still here without the prompt"));
  st.still_there = false;
  st.last_input_ms = now();
}

void Updater::operator()(const AskToConfirm& a) {
  if (st.still_there || st.confirming) return fx.push_back(ignored("a question is already showing"));
  if (a.kind == ConfirmKind::leave_drill) {
    // Nothing to lose once the attempt has ended (the debrief): leave at once.
    // Nor in a preview, where nothing is kept.
    const bool unfinished = st.attempt && !st.attempt->runner.finished();
    if (!unfinished || st.preview) return (*this)(BackToCatalog{});
    // Nor in a re-drill at the branch, whose only record is kept when answered: back home.
    if (st.attempt->practice) return end_practice();
  } else if (a.kind == ConfirmKind::give_up) {
    const bool at_task = st.attempt && st.screen == ScreenId::runner && !st.attempt->runner.finished() &&
                         st.attempt->runner.step().kind == StepKind::terminal;
    if (!at_task) return fx.push_back(ignored("giving up outside a terminal task"));
  } else if (st.screen != ScreenId::console) {
    return fx.push_back(ignored("exit outside the console"));
  }
  st.confirming = a.kind;
}

void Updater::operator()(const ConfirmAnswer& a) {
  if (!st.confirming) return fx.push_back(ignored("an answer with no question"));
  const ConfirmKind kind = *st.confirming;
  st.confirming.reset();
  if (!a.yes) return;
  if (kind == ConfirmKind::leave_drill) return (*this)(BackToCatalog{});
  if (kind == ConfirmKind::give_up) return (*this)(GiveUp{});
  (*this)(ExitKiosk{});
}

void Updater::operator()(const Tick&) {
  if (st.screen == ScreenId::attract || !st.clock) return;
  const MonoTime t = now();
  // A trainee keying a PIN on the spare terminal is not idle, though the screen is untouched.
  if (st.attempt && st.attempt->sent) st.last_input_ms = t;
  // Nor is one at the hand-keyed terminal, during a task or the trainer's preparation, for as long
  // as the task waits for it.
  if (st.attempt && st.attempt->on_spare && st.spare.hand_keyed && !st.attempt->runner.finished()) {
    const Step& step = st.attempt->runner.step();
    const int64_t wait_ms = int64_t(std::max(step.time_limit_s, st.spare.wait_s)) * 1000;
    const bool at_device = st.attempt->history_to_key > 0 || step.kind == StepKind::terminal;
    if (at_device && step_elapsed_ms(st) < wait_ms) st.last_input_ms = t;
  }
  if (st.still_there) {
    if (t - st.still_there_since_ms >= st.still_there_ms) sign_out();
    return;
  }
  if (t - st.last_input_ms >= st.idle_timeout_ms) {
    st.still_there = true;
    st.still_there_since_ms = t;
  }
}

void Updater::operator()(const SetLang& a) {
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

}  // namespace posdrill
