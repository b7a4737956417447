// The kiosk's application state and its one mutator, update(). PURE: standard library, the
// scenario engine and the emulated terminal; no ImGui, no SDL.
//
// Why one state and one update(): the frame loop, the unit tests and the UI tests (their headless
// ImGui screen driver, tests/kiosk/screen_driver.h) all play a scenario through the same actions,
// so what the tests prove is what the trainee gets.
// Screens only read AppState and emit Actions; update() is the only code that changes it, and
// what it wants done outside (a window title, recording the attempt) comes back as Effects.
//
// Time is a port: the attempt's runner and emulated terminal read the injected Clock, so a test
// with a FakeClock plays the same attempt byte for byte every time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/time.h"
#include "device_bridge/emulation.h"
#include "device_bridge/terminal.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/certification.h"
#include "kiosk/core/item_analysis.h"
#include "kiosk/core/records.h"
#include "kiosk/core/redrill.h"
#include "kiosk/core/spare_terminal.h"
#include "kiosk/core/strings.h"
#include "scenarios/clock.h"
#include "scenarios/model.h"
#include "scenarios/runner.h"

namespace posdrill {

// attract: the idle screen (title, training mark, "tap to start"); the platform starts there and
// an idle sign-out returns there. A bare AppState starts on the catalog (tests open scenarios).
// first_run: create the first administrator (no default account exists). sign_in: employee id +
// PIN on the numpad. manager_gate: the same numpad for a manager's PIN, opened by the hidden
// gesture. console: the manager console (roster, history and replay, mistakes, operators, settings).
enum class ScreenId { attract, first_run, sign_in, home, catalog, runner, feedback, debrief, manager_gate, console };

// The hidden gesture that opens the manager gate: this many taps on the top-left corner, each
// within corner_tap_window_ms of the first. Nothing on screen hints at it.
constexpr int corner_taps_needed = 5;
constexpr int64_t corner_tap_window_ms = 4'000;

// Idle sign-out: after idle_timeout_ms without input the "still there?" prompt shows; after
// still_there_ms more without an answer the kiosk signs out to the attract screen, keeping an
// unfinished attempt as abandoned. Defaults for AppState's fields (a site can change them).
constexpr int64_t default_idle_timeout_ms = 120'000;
constexpr int64_t default_still_there_ms = 20'000;

// A re-drill at the branch (the home screen's "practise again"): the scenario opened at the decision
// got wrong before, the best path played to it on the twin first, so the terminal, the slips and
// the customer are where a trainee arriving there would find them. A recap of the story so far
// shows until the trainee starts. Only the answer at the branch is kept (PracticeAnswered); the
// practice ends after its feedback.
struct PracticeRun {
  std::string step_id;           // the branch
  std::string missed_choice_id;  // what was chosen there at the mistake
  struct RecapLine {
    Text what;              // the situation, or the question / the task
    Text did;               // the right answer, or what the terminal task came to ("" for a situation)
    bool terminal = false;  // a terminal task: `did` is its outcome, not a choice
  };
  std::vector<RecapLine> recap;  // the steps played to reach the branch, oldest first
  bool recap_open = true;        // the recap shows (Continue starts the question)
  bool due = false;              // the home screen offered it as due (a right answer is a review)
  int right_reviews = 0;         // right answers at reviews before this one (Redrill::right_reviews)
  bool answered = false;         // the branch was answered: its feedback is the end
  bool mistake = false;          // …and it was a mistake again
};

// One scenario being played. Owns the runner and the emulated terminal; neither copyable nor
// movable, because the runner refers to the scenario, clock and port, and the port to the clock.
// On the spare terminal the runner gets no port: the story cannot key the real device or read
// its books, and the emulated one is kept only for the story's earlier slips.
struct Attempt {
  Attempt(const Scenario& scenario, const Clock& clock, uint64_t seed, bool spare = false);
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  const Scenario& scenario;
  EmulatedTerminalPort port;
  Runner runner;
  // The most recent transaction look-up: a completion or void keyed from the menu quotes it.
  std::optional<TerminalRecord> last_lookup;
  // Copies of what the terminal shows, refreshed after every input, so screens can read them from
  // a const AppState: its screen, and whether it waits for the customer's card or PIN.
  Screen terminal_screen;
  // The terminal's screen as the trainee's last input or operation left it, before the story
  // keyed anything of its own (EmulatedTerminalPort::trainee_screen): the feedback shows this one.
  Screen task_screen;
  // The screens the last input passed through before terminal_screen (处理中…, 自动冲正… 第1次
  // 共3次), shown one after another from `passing_from_ms` (clock ms) as the device shows them,
  // so the trainee sees the exchange happen and not only its end.
  std::vector<Screen> passing;
  MonoTime passing_from_ms;
  bool wants_card = false;
  bool wants_pin = false;
  bool wants_supervisor = false;
  // Printed slips, newest last: the setup's history first (the slip the story talks about),
  // then what the trainee's operations printed. Slips from `torn_off` on are still hanging out of
  // the printer; TearOffSlip moves them to the pile.
  std::vector<Receipt> receipts;
  std::size_t history_receipt_count = 0;
  std::size_t torn_off = 0;
  // Hints opened at the current step, in the order opened.
  std::vector<Hint> hints;
  // When the current step was entered (clock ms), for the timer on screen.
  std::string step_id;
  MonoTime step_entered_ms;

  // On the spare real terminal (kiosk/core/spare_terminal.h): operations go to the link thread
  // as SendToSpareTerminal effects and come back as SpareTerminalAnswered; the emulated port
  // above is then unused but for the story's history slips.
  bool on_spare = false;
  uint64_t serial = 0;                          // names the attempt to the link thread; stale answers are dropped
  std::optional<TerminalRequest> sent;          // waiting for the terminal (the trainee is at the device)
  std::optional<int64_t> story_amount;          // the amount the story asked for (sent's may be a test amount)
  int online_sent = 0;                          // online requests sent so far (the outcome numbering)
  std::map<TerminalOp, int> online_sent_by_op;  // the same per operation (RealOutcome::op)
  std::optional<TerminalRecord> answer;         // the terminal's last answer, for the panel
  // Keyed by hand (SpareTerminalView::hand_keyed): the host line's exchanges in words, newest
  // last (the panel's running list, at most hand_keyed_lines_kept), and how many of the story's
  // earlier operations (history_keyed_first) the trainer has still to key before a task counts.
  struct WireLine {
    Text line;
    std::string note_key;  // why it was not scored (a strings key), "" when it was
  };
  std::vector<WireLine> wire_lines;
  std::size_t history_to_key = 0;

  // Set for a re-drill at the branch: nothing of the attempt is recorded but that answer.
  std::optional<PracticeRun> practice;
};
inline constexpr std::size_t hand_keyed_lines_kept = 12;

// `posdrill preview FILE` (kiosk/core/preview.h): what the footer says of the file being previewed.
struct PreviewBar {
  std::string file;                   // as given
  Text note;                          // where it opened when not where asked (empty when it did)
  std::vector<std::string> problems;  // the last load's problems, file:line:column (empty: it loaded)
  int reloads = 0;                    // saves loaded since the window opened
  bool shown = false;                 // a version of the file has been on screen
};

// ---- Records the kiosk holds while someone is signed in -------------------------------------

// The numpad form of the sign-in and manager-gate screens. The PIN is held only until OK is
// pressed: it leaves the state in the CheckPin effect and is cleared at once.
struct PinEntry {
  std::string employee_id;
  std::string pin;
  bool on_pin = false;         // the PIN field has the focus (else the employee id)
  bool checking = false;       // waiting for the store's answer
  std::string message_key;     // the last problem ("sign_in.wrong" …), "" when none
  int tries_left = 0;          // for sign_in.wrong
  int64_t locked_minutes = 0;  // for sign_in.locked
};
inline constexpr std::size_t max_employee_id_chars = 32;
inline constexpr std::size_t max_pin_chars = 8;

// The signed-in trainee (or manager) and their records, loaded at sign-in and after each attempt.
struct Session {
  OperatorRecord op;
  std::vector<AttemptRow> attempts;
  std::vector<AwardRow> awards;               // earned on this kiosk
  std::vector<RemoteAwardRow> remote_awards;  // earned elsewhere (the LRS's answer, cached)
  std::vector<DecisionAnswer> answers;        // every decision answered, oldest first
  bool loaded = false;
  std::vector<TrackProgress> progress;  // one per track, in content order (the same as state.tracks)
  // Decisions got wrong whose spaced review is due (redrill.h), longest overdue first: the home
  // screen offers them first, saying what was chosen.
  std::vector<Redrill> redrills;
  // Scenario ids of the track to work on, weakest topic first (those with a re-drill due are
  // offered there instead).
  std::vector<std::string> recommended;
  std::optional<AwardRow> new_award;     // made by the attempt just finished (debrief shows it)
};

// items: "Question analysis", one scenario's decisions as item analysis sees them
// (item_analysis.h).
enum class ConsoleTab { roster, mistakes, items, operators, settings, sync };

// The question analysis shows a decision's figures only from this many answers on (the same
// limit item analysis raises its flags at): below it one person's slip moves the figures more
// than the question does, so the console says "too few answers" instead.
inline constexpr int items_min_answers = ItemOptions{}.min_answers;

// ---- Sync with the company's learning record store (kiosk/net/sync_worker.h) ------------------

// What the footer and the console's Sync tab show about the outbox. The platform copies it from
// the sync worker's snapshot (a plain copy: the core never sees the worker) and sends
// SyncStatusChanged only when it differs, so an idle kiosk does no work for it.
struct SyncView {
  bool enabled = false;   // an LRS is configured; false hides the footer (the console says "off")
  int64_t queued = 0;     // statements waiting to be sent
  int64_t set_aside = 0;  // refused by the LRS: a manager retries or voids them (console)
  int64_t sent = 0;
  WallTime last_sent_ms;  // the LRS last took a statement; 0 = never
  // The last try's problem by its kiosk/sync/policy.h name ("offline", "credentials" …); "" or
  // "none" when the last try went through.
  std::string problem;
  std::string problem_detail;  // English, for the console ("HTTP 503 from the LRS"); never a secret
  bool alarm = false;          // the LRS refused the kiosk's key or address: a person must act

  bool operator==(const SyncView&) const = default;
};

// How the footer colours its line: all delivered, waiting (normal between sends), a problem the
// kiosk works around by itself, or one that needs a person.
enum class SyncTone { ok, waiting, problem, alarm };
struct SyncLine {
  std::string text;  // "" = show nothing
  SyncTone tone = SyncTone::ok;
};
// The footer's one line for `view` in `lang`. Without sync: "" (hidden), or "Sync off" when
// `in_console`. A problem wins over counts, the set-aside count over the waiting count.
SyncLine sync_footer_line(const SyncView& view, const UiStrings& strings, Lang lang, bool in_console);
struct AppState;
// The footer for the whole kiosk: a failed recording (AppState::recording_problem) outranks
// everything sync says, and shows even without sync; otherwise sync_footer_line.
SyncLine footer_line(const AppState& state);
// "sync.problem.<name>" for a problem name, "sync.problem.unknown" for a name the strings lack,
// "" for none.
std::string sync_problem_key(std::string_view problem, const UiStrings& strings);

// One statement the LRS would not take, as the console lists it.
struct SetAsideStatement {
  std::string id;
  std::string verb;  // short name: attempted, answered, passed, failed, abandoned, certified
  std::string attempt_uuid;
  WallTime created_ms;
  WallTime set_aside_ms;
  std::string reason;  // English, from the sync worker ("HTTP 400: …")
  int tries = 0;
};

// One line of the console's settings: a label (a strings key), and a value that is a strings key
// (`value_key`, "settings.sync_off"), a literal (a path, an address), or a key then a literal.
struct KioskFact {
  std::string label_key;
  std::string value_key;
  std::string value;
};

// What the manager console shows; loaded when it opens and after every change.
struct ConsoleState {
  OperatorRecord manager;  // who opened it
  ConsoleTab tab = ConsoleTab::roster;
  std::vector<OperatorRecord> operators;
  std::vector<ScenarioStat> stats;  // every operator's per-scenario summary (the roster's input)
  std::vector<AwardRow> awards;
  std::vector<MistakeCount> mistakes;
  std::vector<RosterRow> roster;  // for roster_track
  std::string roster_track;       // the track the roster counts, "" = the first
  RosterFilter roster_filter = RosterFilter::all;  // the rows shown (the tiles above the roster)
  std::string selected_operator;  // history shown for this operator, "" = none
  // The selected operator's history, one page at a time (a long-serving cashier has thousands
  // of attempts): page `history_page` (0 = newest), newest first; `history_more` when older ones
  // follow.
  std::vector<AttemptRow> history;
  int history_page = 0;
  bool history_more = false;
  bool history_loaded = false;
  std::string selected_attempt;  // replay shown for this attempt, "" = none
  std::vector<AttemptEventRow> replay;
  std::vector<RemoteAwardRow> remote_awards;  // every operator's cached awards from elsewhere
  std::vector<ChainStoreRow> chain;           // the chain per store (the LRS's roster), when known
  WallTime chain_as_of_ms;
  // The Sync tab: the set-aside statements, loaded when the tab opens and after each change.
  std::vector<SetAsideStatement> set_aside;
  bool set_aside_loaded = false;
  // The question analysis tab: the scenario picked ("" = none yet; the tab picks the one with the
  // most attempts when it opens) and its decisions' figures, loaded after each pick.
  std::string items_scenario;
  std::vector<ItemStats> items;
  bool items_loaded = false;
  std::string notice_key;  // the last result of an action ("console.added" …)
  std::string notice_detail;
  bool notice_error = false;
};

// ---- Actions: what a screen (or a test, or a script) asks for ------------------------------

// Catalog and home: where the next scenario is played (only offered with a spare terminal).
struct SetPracticeDevice {
  bool spare_terminal = false;
};
// The link thread's answers (posted by the platform; tests send them directly).
struct SpareTerminalAnswered {
  uint64_t serial = 0;  // the attempt it belongs to
  std::vector<TerminalRecord> records;
};
struct SpareTerminalStatus {
  SpareTerminalView view;
};
// An operation of the hand-keyed spare terminal as its host line showed it (posted by the
// platform from the wire link; tests send them directly). `serial`: the attempt the link had
// begun when it came (0: none).
struct SpareTerminalKeyed {
  uint64_t serial = 0;
  TerminalRecord record;  // source "wire"
  bool op_known = true;   // false: a reversal that failed before its operation went out
  Text line;              // what happened in words: "终端发出：消费 328.00 … 收到：00"
};

struct OpenScenario {
  std::string scenario_id;
};
// The home screen's re-drill: `scenario_id` opened at the decision `step_id`, got wrong before by
// choosing `missed_choice_id` with the figures of `missed_seed` (PracticeRun). Falls back to a whole recorded attempt when the best
// path no longer reaches the step (the scenario changed).
struct OpenRedrill {
  std::string scenario_id;
  std::string step_id;
  std::string missed_choice_id;
  uint64_t missed_seed = 0;  // the set of figures of the mistake is shown again (a new choice order)
};
struct Choose {
  std::string choice_id;
};
struct TakeHint {};
// A whole operation keyed the way a trainee keying it right would (request_for): for scripts and
// the automatic player. The twin on screen is keyed key by key (TwinKey …).
struct DoTerminalOp {
  TerminalOp op = TerminalOp::sale;
};
// The terminal twin, during a terminal task: a key of its keypad; the customer presenting the
// card when the terminal asks for it (inserted, tapped or swiped); the PIN pad handed to the
// customer, who keys the PIN (`wrong` only in tests: the trainee never sees or chooses the
// digits); the printed slips torn off.
struct TwinKey {
  Key key = Key::menu;
};
struct TwinCard {
  EntryMode mode = EntryMode::insert;  // the customer inserts, taps (闪付) or swipes it
};
// The supervisor comes over and keys the 主管密码 (voids and refunds).
struct TwinSupervisor {};
struct TwinPinPad {
  bool wrong = false;
};
struct TearOffSlip {};
struct GiveUp {};    // terminal task: stop without doing it (counts as not done)
struct Continue {};  // after a narrative, an end text or the feedback panel
struct Retry {};     // debrief: play the same scenario again
struct BackToCatalog {};
struct SetLang {
  Lang lang = Lang::zh;
};
struct StartFromAttract {};  // a tap anywhere on the attract screen
// Somebody touched the screen or a key (the platform sends it for every press, before the
// frame's own actions): restarts the idle count. It does not answer the "still there?" prompt,
// so the tap that lands on the prompt never reaches a widget under it.
struct UserInput {};
struct StillHere {};  // the prompt's "I'm here" button
// Time passed (the platform sends it at every wake-up, about once a second): shows the prompt or
// signs out when the idle limits are reached, reading the injected Clock.
struct Tick {};

// Sign-in and manager-gate numpad. `ch` is a digit (or, from a keyboard, a letter . _ - for the
// employee id); the other kinds are the pad's edit keys.
struct KeypadKey {
  enum class Kind { character, backspace, clear, enter } kind = Kind::character;
  char ch = 0;
};
struct FocusPinField {
  bool pin = false;
};
// The store's answer to a CheckPin effect (posted by the effect runner).
struct PinChecked {
  PinCheck check;
};
// A signed-in operator's records (posted by the effect runner after LoadRecords).
struct RecordsLoaded {
  std::string operator_id;
  std::vector<AttemptRow> attempts;
  std::vector<AwardRow> awards;
  std::vector<RemoteAwardRow> remote_awards;
  std::vector<DecisionAnswer> answers;
};
struct AwardMade {
  AwardRow award;
};
// The effect runner could not write an attempt's record (begin, a step or the end): the kiosk
// says so on every screen until a later attempt is recorded whole. `what` is English, for the log
// and the console; the footer shows a fixed text.
struct RecordingFailed {
  std::string what;
};
struct RecordingRecovered {};
struct SignOut {};
struct GoHome {};
struct OpenCatalog {};
struct CornerTap {};    // a tap on the top-left corner (the hidden gesture)
struct OpenConsole {};  // a signed-in manager's button on the home screen
struct CloseConsole {};
struct CancelGate {};
struct ExitKiosk {};
// Costly taps ask first: the screens send AskToConfirm, the panel's answer is ConfirmAnswer.
enum class ConfirmKind {
  leave_drill,  // BackToCatalog while an attempt is unfinished (it would be kept as abandoned)
  exit_kiosk,   // ExitKiosk from the console
  give_up,      // GiveUp at a terminal task: the task scores nothing (a second tap must not do it)
};
struct AskToConfirm {
  ConfirmKind kind = ConfirmKind::leave_drill;
};
struct ConfirmAnswer {
  bool yes = false;
};
struct SetConsoleTab {
  ConsoleTab tab = ConsoleTab::roster;
};
struct ConsoleLoaded {
  std::vector<OperatorRecord> operators;
  std::vector<ScenarioStat> stats;
  std::vector<AwardRow> awards;
  std::vector<MistakeCount> mistakes;
  std::vector<RemoteAwardRow> remote_awards;
  // The whole chain per store, as `posdrill report --from-lrs` last computed it (empty: never).
  std::vector<ChainStoreRow> chain;
  WallTime chain_as_of_ms;
};
struct SelectOperator {
  std::string employee_id;
};
// Another page of the selected operator's history (0 = the newest).
struct ShowHistoryPage {
  int page = 0;
};
// One page of an operator's history (posted by the effect runner after LoadHistory).
struct HistoryLoaded {
  std::string employee_id;
  int page = 0;
  std::vector<AttemptRow> attempts;  // newest first, at most history_page_size
  bool more = false;                 // older attempts follow
};
// The console's roster (and its CSV export) counts this track.
struct SelectRosterTrack {
  std::string track_id;
};
// A summary tile tapped: show only the rows in that state (RosterFilter::all: everyone again).
struct FilterRoster {
  RosterFilter filter = RosterFilter::all;
};
struct SelectAttempt {
  std::string uuid;
};
// Question analysis: show this scenario's decisions.
struct SelectItemScenario {
  std::string scenario_id;
};
// One scenario's item analysis (posted by the effect runner after LoadItems).
struct ItemsLoaded {
  std::string scenario_id;
  std::vector<ItemStats> items;  // one per decision step, in file order
};
struct ReplayLoaded {
  std::string uuid;
  std::vector<AttemptEventRow> events;
};
// Operator management (console) and the first run. The PIN is asked twice.
struct AddOperator {
  OperatorRecord op;
  std::string pin;
  std::string pin_again;
};
struct ResetOperatorPin {
  std::string employee_id;
  std::string pin;
  std::string pin_again;
};
struct SetOperatorActive {
  std::string employee_id;
  bool active = true;
};
struct ExportRoster {};
// The effect runner's answer to a console change: ok, or the problem in plain words.
// The console's (or the first run's) one-line notice. An empty key clears it: the UI sends one
// when the manager starts a form again, so the last save's notice is no longer taken as news.
struct ConsoleNotice {
  std::string key;  // a strings key
  std::string detail;
  bool error = false;
};
// Whether an active manager or administrator exists (posted after the first run).
struct AdminPresence {
  bool has_manager = false;
};
// The sync worker's state changed (the platform polls it; tests send it directly).
struct SyncStatusChanged {
  SyncView view;
};
// The sync worker stored a fresh answer from the LRS about this operator's certifications.
struct RemoteAwardsUpdated {
  std::string operator_id;
};
// Console, Sync tab: send now (lifts the worker's backoff), and a set-aside statement back into
// the queue or voided for good.
struct SendSyncNow {};
struct RetryStatement {
  std::string id;
};
struct VoidStatement {
  std::string id;
};
// The set-aside statements (posted by the effect runner after LoadSetAside).
struct SetAsideLoaded {
  std::vector<SetAsideStatement> statements;
};

using Action =
    std::variant<OpenScenario, OpenRedrill, Choose, TakeHint, DoTerminalOp, TwinKey, TwinCard, TwinPinPad, TwinSupervisor,
                 TearOffSlip, GiveUp, Continue, Retry, BackToCatalog, SetLang, StartFromAttract, UserInput, StillHere,
                 Tick, KeypadKey, FocusPinField, PinChecked, RecordsLoaded, AwardMade, RecordingFailed, RecordingRecovered, SignOut, GoHome, OpenCatalog,
                 CornerTap, OpenConsole, CloseConsole, CancelGate, ExitKiosk, SetConsoleTab, ConsoleLoaded,
                 SelectOperator, ShowHistoryPage, HistoryLoaded, SelectRosterTrack, FilterRoster, SelectAttempt,
                 ReplayLoaded, SelectItemScenario, ItemsLoaded,
                 AddOperator, ResetOperatorPin, SetOperatorActive, ExportRoster, ConsoleNotice, AdminPresence,
                 SyncStatusChanged, RemoteAwardsUpdated, SendSyncNow, RetryStatement, VoidStatement, SetAsideLoaded,
                 SetPracticeDevice, SpareTerminalAnswered, SpareTerminalStatus, SpareTerminalKeyed, AskToConfirm,
                 ConfirmAnswer>;

// ---- Effects: what update() wants done outside the core ------------------------------------

struct LanguageChanged {
  Lang lang = Lang::zh;
  std::string operator_id;  // the signed-in operator, whose language is remembered; "" = none
};
// The attempt reached its end; a later slice records it (store, sync).
struct AttemptFinished {
  static constexpr bool writes_outbox = true;  // the footer's counts are read again at once
  AttemptResult result;
};
// An idle sign-out ended an unfinished attempt: `result` is the partial record (finished false,
// the steps answered so far, ended_ms the sign-out time), kept like a finished one.
struct AttemptAbandoned {
  static constexpr bool writes_outbox = true;  // the footer's counts are read again at once
  AttemptResult result;
};
// An action that did not fit the current state (a stale tap); logged, never fatal.
struct Ignored {
  std::string why;
};
// Ask the store whether `pin` is right for `employee_id`; answer with PinChecked. The only place
// a PIN travels; the effect runner drops it after the call.
struct CheckPin {
  std::string employee_id;
  std::string pin;
};
// Load the operator's attempts and awards; answer with RecordsLoaded.
struct LoadRecords {
  std::string operator_id;
};
// An attempt began for the signed-in operator (the recorder opens its row).
struct AttemptStarted {
  static constexpr bool writes_outbox = true;  // the footer's counts are read again at once
  std::string operator_id;
  std::string scenario_id;
  uint64_t seed = 0;
  Lang lang = Lang::zh;
  TerminalKind terminal = TerminalKind::emulated;
};
// The attempt has new answered steps: commit them now (a decision is kept when it is made).
struct AttemptProgress {
  static constexpr bool writes_outbox = true;  // the footer's counts are read again at once
  AttemptResult result;
};
// The answer at a re-drill's branch (PracticeRun), for the re-drill schedule; the store stamps
// at_ms with the wall time.
struct PracticeAnswered {
  PracticeAnswerRow row;
};
// Load everything the console shows; answer with ConsoleLoaded.
struct LoadConsole {};
// Attempts in an operator's history page.
inline constexpr int history_page_size = 20;
// Load page `page` of the operator's history; answer with HistoryLoaded.
struct LoadHistory {
  std::string employee_id;
  int page = 0;
};
struct LoadReplay {
  std::string uuid;
};
// Read one scenario's recorded answers and analyse them; answer with ItemsLoaded.
struct LoadItems {
  std::string scenario_id;
};
// Store changes from the console or the first run; answer with ConsoleNotice (and, for the
// first run, AdminPresence + PinChecked to sign the new administrator in).
struct SaveOperator {
  OperatorRecord op;
  std::string pin;
  bool first_run = false;
};
struct SavePin {
  std::string employee_id;
  std::string pin;
};
struct SaveActive {
  std::string employee_id;
  bool active = true;
};
struct WriteRosterCsv {};
// Leave the kiosk (a manager asked for it behind the PIN).
struct QuitKiosk {};
// Ask the sync worker to fetch the operator's certifications from the LRS (at sign-in); the
// worker answers later through the platform with RemoteAwardsUpdated. Without sync: nothing.
struct FetchRemoteAwards {
  std::string operator_id;
};
// Wake the sync worker now, lifting its backoff and alarm.
struct KickSync {};
// Read the set-aside statements; answer with SetAsideLoaded.
struct LoadSetAside {};
// A set-aside statement back into the queue (then kick the worker), or voided with `reason`;
// answer with ConsoleNotice and SetAsideLoaded.
struct RequeueStatement {
  static constexpr bool writes_outbox = true;  // the footer's counts are read again at once
  std::string id;
};
struct DropStatement {
  static constexpr bool writes_outbox = true;  // the footer's counts are read again at once
  std::string id;
  std::string reason;  // kept with the statement: who voided it, where
};

// The spare terminal's link thread: an attempt begins there (log in, load the proxy's fault
// plan for `scenario_id`), one operation is started as keyed (answered by SpareTerminalAnswered
// with the same serial), and the attempt is over (the proxy passes everything again).
struct BeginOnSpareTerminal {
  uint64_t serial = 0;
  std::string scenario_id;
  uint64_t seed = 0;  // picks the scenario's figures (scenario_for_seed), as on the screen
};
struct SendToSpareTerminal {
  uint64_t serial = 0;
  TerminalRequest request;
};
struct EndOnSpareTerminal {
  uint64_t serial = 0;
};

using Effect =
    std::variant<LanguageChanged, AttemptFinished, AttemptAbandoned, Ignored, CheckPin, LoadRecords, AttemptStarted,
                 AttemptProgress, PracticeAnswered, LoadConsole, LoadHistory, LoadReplay, LoadItems, SaveOperator, SavePin, SaveActive,
                 WriteRosterCsv, QuitKiosk, FetchRemoteAwards, KickSync, LoadSetAside, RequeueStatement, DropStatement,
                 BeginOnSpareTerminal, SendToSpareTerminal, EndOnSpareTerminal>;

// Whether performing `e` may add to or change the outbox (an effect type says so with a
// `writes_outbox` member): the platform then reads the footer's counts at once.
bool writes_outbox(const Effect& e);

struct AppState {
  // Content, loaded once by the platform. `scenarios` must not change while an attempt runs:
  // the attempt points into it.
  std::vector<Scenario> scenarios;
  std::vector<Track> tracks;
  UiStrings strings;
  std::size_t error_count = 0;

  const Clock* clock = nullptr;  // required before opening a scenario; outlives the state
  uint64_t seed = 1;             // the next attempt's seed (choice order, figures); each attempt takes one

  ScreenId screen = ScreenId::catalog;
  Lang lang = Lang::zh;
  // The store's language (the config's or --lang): the attract screen returns to it at every
  // sign-out, so the next person is not greeted in the last trainee's language.
  Lang store_lang = Lang::zh;
  CatalogView catalog;  // rebuilt on every language change
  std::unique_ptr<Attempt> attempt;

  // Idle sign-out (see default_idle_timeout_ms). Times are clock ms.
  int64_t idle_timeout_ms = default_idle_timeout_ms;
  int64_t still_there_ms = default_still_there_ms;
  MonoTime last_input_ms;
  bool still_there = false;  // the prompt is showing
  // A costly tap waiting for "yes" on the confirmation panel (nothing else acts meanwhile).
  std::optional<ConfirmKind> confirming;
  MonoTime still_there_since_ms;

  // Who is here. With require_sign_in false (a bare AppState, the early tests) scenarios can be
  // played without a session and nothing is recorded; the kiosk sets it true.
  bool require_sign_in = false;
  // false: no active manager or administrator exists, and the attract screen leads to the first
  // run (nobody could manage the kiosk otherwise).
  bool has_manager = true;
  PinEntry pin_entry;             // the sign-in or manager-gate form
  std::string first_run_message;  // a strings key, "" when none
  std::optional<Session> session;
  // Manager gate and console. The gate remembers where it was opened, to go back on cancel.
  ScreenId gate_return = ScreenId::attract;
  ConsoleState console;
  int corner_taps = 0;
  MonoTime corner_first_ms;
  // Wall-clock now for certification figures; the platform refreshes it each tick.
  WallTime wall_ms;
  // Read-only facts for the console's settings tab (content and records paths…), set by the
  // platform at start.
  std::vector<KioskFact> kiosk_facts;
  // What keeps the kiosk out of service: the content's and the config's problems as
  // "file:line:column: what was expected" (English, for whoever fixes the file). Set by the
  // platform at start; while any is listed, trainees see the out-of-service screen and managers
  // the list in the console (out_of_service()).
  std::vector<std::string> problems;
  // Who to call when out of service (the config's help_contact; "" none).
  std::string help_contact;
  // The outbox to the LRS, as the sync worker last reported it.
  SyncView sync;
  // Why the last attempt's record could not be written ("" = recorded): the footer's alarm.
  std::string recording_problem;
  // The spare real terminal, as its link thread last reported it; its acquirer's test-host
  // table (from content, by the config's `terminal: acquirer:`), and whether the trainee chose
  // to practise on it (the catalog's toggle; scenarios that cannot run there stay on screen).
  SpareTerminalView spare;
  std::optional<TestHostProfile> spare_acquirer;
  bool practise_on_spare = false;
  uint64_t attempt_serial = 0;  // the last Attempt::serial handed out
  // Set in `posdrill preview`: the footer tells the author about the file instead of sync.
  std::optional<PreviewBar> preview;
};

// Whether the kiosk is out of service: its content or config is broken (AppState::problems).
// Then no drill starts, so no attempt is recorded and no certification is decided on part of a
// track; trainees see "暂停使用 Out of service" and who to call, managers the problems.
bool out_of_service(const AppState& state);

// Fills `state.catalog` for the current language (call once after loading content).
void refresh_catalog(AppState& state);

// Applies one action. Never throws on a stale or misplaced action: it changes nothing and says
// why in an Ignored effect.
std::vector<Effect> update(AppState& state, const Action& action);

// ---- Queries the screens share ----------------------------------------------------------------

// The step the trainee is on, or null without an attempt.
const Step* current_step(const AppState& state);
// Milliseconds spent on the current step.
int64_t step_elapsed_ms(const AppState& state);
// Whole seconds left before the "still there?" prompt signs out (0 when it is not showing).
int still_there_seconds_left(const AppState& state);
// "12:34" for a millisecond count (negative counts as zero).
std::string format_mm_ss(int64_t ms);

// How long the twin shows each screen an exchange passes through.
constexpr int64_t passing_screen_ms = 900;
// The twin's screen at clock time `now`: a passed-through screen while they are being shown,
// then the screen the terminal is on.
const Screen& shown_terminal_screen(const Attempt& attempt, MonoTime now);
// Milliseconds until shown_terminal_screen changes by itself, or -1 when it will not: the
// platform wakes up then to draw it.
int64_t terminal_screen_change_in_ms(const Attempt& attempt, MonoTime now);

// Performs one action of the automatic player through update(), as a trainee's taps would: a
// feedback screen is continued, a choice chosen, a terminal operation keyed on the twin key by key
// (`after_key`, when set, runs after each). The glyph collector and the preview use it.
void perform_auto_action(AppState& state, const AutoPlayer& player,
                         const std::function<void()>& after_key = {});

// After a re-drill's answer at the branch, what becomes of the question, for its feedback: the
// strings key ("practice.again" back in `days`, "practice.next" right and back in `days`,
// "practice.retired" right for the last time, "practice.right" right before it was due, which
// moves nothing). nullopt before the answer or outside practice.
struct PracticeOutcome {
  std::string key;
  int64_t days = 0;
};
std::optional<PracticeOutcome> practice_outcome(const Attempt& attempt);

// Plays the open attempt's best path through update() until its current step is `step_id`.
// False (the attempt left where the best path ended or turned away) when the best path never
// reaches it. The preview and the re-drill at the branch use it.
bool play_best_to_step(AppState& state, const std::string& step_id);

// The terminal operations the twin's menu offers, in the order of the emulated terminal's menu.
const std::vector<TerminalOp>& twin_menu_ops();
// The twin's inputs a trainee makes to key `request` from what the terminal shows now, as the
// emulated terminal's own driver would: TwinKey for each key, TwinCard and TwinPinPad when the
// terminal asks for the customer's card and PIN. Empty without an emulated attempt. The glyph
// collector and the tests play the automatic player's operations with it.
std::vector<Action> twin_actions(const AppState& state, const TerminalRequest& request);

// Every string key the runner, feedback and debrief screens use (checked against strings.yaml).
const std::vector<std::string>& play_string_keys();
// …and those of the sign-in, home, first-run and console screens.
const std::vector<std::string>& records_string_keys();
// …and those of the sync footer and the console's Sync tab.
const std::vector<std::string>& sync_string_keys();

// Whether `scenario` would be played on the spare terminal now (the trainee chose it and the
// scenario fits), and the fit with its reason.
SpareTerminalFit spare_fit(const AppState& state, const Scenario& scenario);
// …and those of the spare terminal's toggle, panel and health line.
const std::vector<std::string>& spare_string_keys();
// On a hand-keyed spare terminal, the operation the trainee is to key now: the task's, the
// story's amount, and the amount to key (the acquirer test host's amount that gives the
// scenario's answer; the story's own without a table). nullopt outside a terminal task, while
// the trainer still has the story's earlier operations to key, or off the hand-keyed terminal.
struct HandKeyedTask {
  TerminalOp op = TerminalOp::sale;
  std::optional<int64_t> story_amount;
  std::optional<int64_t> key_amount;
};
std::optional<HandKeyedTask> hand_keyed_task(const AppState& state);
// The spare terminal's one-line health ("备用终端：已连接 Spare terminal: ready") in `lang`; ""
// when none is configured.
std::string spare_health_line(const SpareTerminalView& view, const UiStrings& strings, Lang lang);

// The first track in content order, or null when there is none.
const Track* primary_track(const AppState& state);
// The track the console's roster counts: roster_track when loaded, else the first; null when none.
const Track* roster_track(const AppState& state);
// The track a trainee should work on next: the first not certified (in content order, so a level
// before the next), else the first; null when there is none. `progress` is one per track.
const Track* track_to_work_on(const AppState& state, const std::vector<TrackProgress>& progress);

// Every text the emulated terminal can show while `scenario` is played through the kiosk: its
// screens and printed slips along the best path and the critical path, and after each menu
// operation on a fresh replay of its setup. The glyph set must cover these; a test checks it.
std::vector<std::string> terminal_visible_texts(const Scenario& scenario);

// The kiosk's whole glyph set: collect_glyphs() plus the devices' words (content/ui/terminal.yaml,
// the response codes' texts) and `extra_texts` (what the records hold that screens show, such as
// operator names). Reads data only: it replays no scenario.
std::vector<uint32_t> collect_kiosk_glyphs(const UiStrings& strings, const std::vector<Scenario>& scenarios,
                                           const std::vector<std::string>& extra_texts = {});

// Every text of `state` that came from the records, the network or a keyboard rather than the
// content (names, store and kiosk names from the LRS, problem details, the facts of the console):
// the platform passes them through its GlyphSet after each action, so a name stored a moment ago
// renders at once. Views into `state`.
std::vector<std::string_view> state_visible_texts(const AppState& state);

}  // namespace posdrill
