// The inside of update(): one Updater per call, its handlers spread over one file per feature.
// Internal to posdrill_core; screens and tests use app_state.h only.
//
//   app_state.cpp       update(), the attempt's ending and sign-out shared by every feature
//   update_session.cpp  attract, sign-in, home, the manager gate, idle sign-out, language
//   update_console.cpp  the manager console and operator management (and the first run)
//   update_sync.cpp     the LRS outbox as the footer and the console's Sync tab see it
//   update_play.cpp     playing a scenario: answers, hints, the terminal twin, the debrief
//   update_spare.cpp    the spare real terminal
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/app_state.h"

namespace posdrill {

// An action that did not fit the current state.
inline Effect ignored(const char* why) { return Ignored{why}; }

// Whether the open attempt is recorded: someone is signed in and it is not a re-drill at the
// branch (PracticeRun), whose only record is its answer there.
inline bool records_attempt(const AppState& st) { return st.session && !(st.attempt && st.attempt->practice); }

// The attempt's terminal snapshot and step tracking (update_play.cpp).
void snapshot_terminal(Attempt& a);
void track_step(Attempt& a, const Clock& clock);
std::unique_ptr<Attempt> start_attempt(const Scenario& sc, const Clock& clock, uint64_t seed, bool on_spare);
// After an answer: feedback for a closed decision or task, the debrief once the runner is done.
void after_answer(AppState& st, std::size_t records_before, std::vector<Effect>& fx);

struct Updater {
  AppState& st;
  std::vector<Effect> fx;

  // On the runner, answering: not under the still-there prompt, not while a re-drill's recap shows.
  bool playing() const {
    return st.attempt && st.screen == ScreenId::runner && !st.still_there &&
           !(st.attempt->practice && st.attempt->practice->recap_open);
  }
  MonoTime now() const { return st.clock ? st.clock->now() : MonoTime{}; }
  bool on_numpad() const { return st.screen == ScreenId::sign_in || st.screen == ScreenId::manager_gate; }
  bool in_console() const { return st.screen == ScreenId::console; }
  // A manager manages trainees; managers and administrators are an administrator's business.
  bool may_manage(Role target) const { return st.console.manager.role == Role::admin || target == Role::trainee; }
  // The console is behind the manager gate already; the Sync tab's changes check the role again
  // because they decide what reaches the company's records.
  bool may_sync() const { return in_console() && is_manager(st.console.manager.role); }

  // ---- shared (app_state.cpp) ----
  void close_attempt();
  void end_on_spare();
  void sign_out();

  // ---- attract, sign-in, home, gate, idle, language (update_session.cpp) ----
  void operator()(const StartFromAttract&);
  void operator()(const KeypadKey& k);
  void operator()(const FocusPinField& f);
  void start_session(const OperatorRecord& op);
  void open_console(const OperatorRecord& manager, ScreenId from);
  void operator()(const PinChecked& a);
  void refresh_session();
  void rebuild_roster();  // the console's roster for its track, from what it has loaded
  void operator()(const RecordsLoaded& a);
  void operator()(const AwardMade& a);
  void operator()(const RecordingFailed& a);
  void operator()(const RecordingRecovered&);
  void operator()(const SignOut&);
  void operator()(const GoHome&);
  void operator()(const OpenCatalog&);
  void operator()(const CornerTap&);
  void operator()(const CancelGate&);
  void operator()(const OpenConsole&);
  void operator()(const UserInput&);
  void operator()(const StillHere&);
  void operator()(const AskToConfirm& a);
  void operator()(const ConfirmAnswer& a);
  void operator()(const Tick&);
  void operator()(const SetLang& a);

  // ---- console and operators (update_console.cpp) ----
  void operator()(const CloseConsole&);
  void operator()(const ExitKiosk&);
  void operator()(const SetConsoleTab& a);
  void operator()(const ConsoleLoaded& a);
  void operator()(const SelectOperator& a);
  void operator()(const ShowHistoryPage& a);
  void operator()(const HistoryLoaded& a);
  void operator()(const SelectRosterTrack& a);
  void operator()(const FilterRoster& a);
  void operator()(const SelectAttempt& a);
  void operator()(const ReplayLoaded& a);
  void operator()(const SelectItemScenario& a);
  void operator()(const ItemsLoaded& a);
  void notice(const std::string& key, std::string detail = {}, bool error = true);
  void clear_notice();
  void operator()(const AddOperator& a);
  void operator()(const ResetOperatorPin& a);
  void operator()(const SetOperatorActive& a);
  void operator()(const ExportRoster&);
  void operator()(const ConsoleNotice& a);
  void operator()(const AdminPresence& a);

  // ---- sync (update_sync.cpp) ----
  void operator()(const SyncStatusChanged& a);
  void operator()(const RemoteAwardsUpdated& a);
  void operator()(const SendSyncNow&);
  void operator()(const RetryStatement& a);
  void operator()(const VoidStatement& a);
  void operator()(const SetAsideLoaded& a);

  // ---- playing a scenario (update_play.cpp) ----
  void operator()(const OpenScenario& a);
  bool may_open(const std::string& scenario_id);
  void begin(const Scenario& sc);
  void operator()(const OpenRedrill& a);
  void end_practice();
  void operator()(const Choose& a);
  void operator()(const TakeHint&);
  void operator()(const DoTerminalOp& a);
  void operator()(const TwinKey& a);
  void operator()(const TwinCard&);
  void operator()(const TwinPinPad& a);
  void operator()(const TwinSupervisor&);
  void operator()(const TearOffSlip&);
  template <typename Input>
  void twin_input(const char* what, Input&& input);
  void operator()(const GiveUp&);
  void operator()(const Continue&);
  void operator()(const Retry&);
  void operator()(const BackToCatalog&);

  // ---- the spare terminal (update_spare.cpp) ----
  void send_to_spare(Attempt& at, TerminalRequest req);
  void operator()(const SpareTerminalAnswered& a);
  void operator()(const SpareTerminalStatus& a);
  void operator()(const SpareTerminalKeyed& a);
  void operator()(const SetPracticeDevice& a);
};

}  // namespace posdrill
