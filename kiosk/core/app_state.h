// The kiosk's application state and its one mutator, update(). PURE: standard library, the
// scenario engine and the emulated terminal; no ImGui, no SDL.
//
// Why one state and one update(): the frame loop, the tests and (later) a headless driver all
// play a scenario through the same actions, so what the tests prove is what the trainee gets.
// Screens only read AppState and emit Actions; update() is the only code that changes it, and
// what it wants done outside (a window title, recording the attempt) comes back as Effects.
//
// Time is a port: the attempt's runner and emulated terminal read the injected Clock, so a test
// with a FakeClock plays the same attempt byte for byte every time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "device_bridge/emulation.h"
#include "device_bridge/terminal.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/strings.h"
#include "scenarios/clock.h"
#include "scenarios/model.h"
#include "scenarios/runner.h"

namespace posdrill {

// attract: the idle screen (title, training mark, "tap to start"); the platform starts there and
// an idle sign-out returns there. A bare AppState starts on the catalog (tests open scenarios).
enum class ScreenId { attract, catalog, runner, feedback, debrief };

// Idle sign-out: after idle_timeout_ms without input the "still there?" prompt shows; after
// still_there_ms more without an answer the kiosk signs out to the attract screen, keeping an
// unfinished attempt as abandoned. Defaults for AppState's fields (a site can change them).
constexpr int64_t default_idle_timeout_ms = 120'000;
constexpr int64_t default_still_there_ms = 20'000;

// One scenario being played. Owns the runner and the emulated terminal; neither copyable nor
// movable, because the runner refers to the scenario and clock, and the port to the clock.
struct Attempt {
  Attempt(const Scenario& scenario, const Clock& clock, uint64_t seed);
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  const Scenario& scenario;
  EmulatedTerminalPort port;
  Runner runner;
  // The most recent transaction look-up: a completion or void keyed from the menu quotes it.
  std::optional<TerminalRecord> last_lookup;
  // Copies of what the terminal shows, refreshed after every operation, so screens can read
  // them from a const AppState (EmulatedTerminalPort hands out the terminal only non-const).
  Screen terminal_screen;
  // Printed slips, newest last: the setup's history first (the slip the story talks about),
  // then what the trainee's operations printed.
  std::vector<Receipt> receipts;
  std::size_t history_receipt_count = 0;
  // Hints opened at the current step, in the order opened.
  std::vector<Hint> hints;
  // When the current step was entered (clock ms), for the timer on screen.
  std::string step_id;
  int64_t step_entered_ms = 0;
};

// ---- Actions: what a screen (or a test, or a script) asks for ------------------------------

struct OpenScenario {
  std::string scenario_id;
};
struct Choose {
  std::string choice_id;
};
struct TakeHint {};
// The twin's transaction menu: do this operation the way a trainee keying it right would.
struct DoTerminalOp {
  TerminalOp op = TerminalOp::sale;
};
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

using Action = std::variant<OpenScenario, Choose, TakeHint, DoTerminalOp, GiveUp, Continue, Retry, BackToCatalog,
                            SetLang, StartFromAttract, UserInput, StillHere, Tick>;

// ---- Effects: what update() wants done outside the core ------------------------------------

struct LanguageChanged {
  Lang lang = Lang::zh;
};
// The attempt reached its end; a later slice records it (store, sync).
struct AttemptFinished {
  AttemptResult result;
};
// An idle sign-out ended an unfinished attempt: `result` is the partial record (finished false,
// the steps answered so far, ended_ms the sign-out time), kept like a finished one.
struct AttemptAbandoned {
  AttemptResult result;
};
// An action that did not fit the current state (a stale tap); logged, never fatal.
struct Ignored {
  std::string why;
};

using Effect = std::variant<LanguageChanged, AttemptFinished, AttemptAbandoned, Ignored>;

struct AppState {
  // Content, loaded once by the platform. `scenarios` must not change while an attempt runs:
  // the attempt points into it.
  std::vector<Scenario> scenarios;
  UiStrings strings;
  std::size_t error_count = 0;

  const Clock* clock = nullptr;  // required before opening a scenario; outlives the state
  uint64_t seed = 1;             // choice order; the same seed shows the same order

  ScreenId screen = ScreenId::catalog;
  Lang lang = Lang::zh;
  CatalogView catalog;  // rebuilt on every language change
  std::unique_ptr<Attempt> attempt;

  // Idle sign-out (see default_idle_timeout_ms). Times are clock ms.
  int64_t idle_timeout_ms = default_idle_timeout_ms;
  int64_t still_there_ms = default_still_there_ms;
  int64_t last_input_ms = 0;
  bool still_there = false;  // the prompt is showing
  int64_t still_there_since_ms = 0;
};

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
// The step records the debrief lists as mistakes: critical, or fewer points than the most the
// step could earn, or a terminal task not done.
std::vector<const StepRecord*> mistakes(const AttemptResult& result);
// Whole seconds left before the "still there?" prompt signs out (0 when it is not showing).
int still_there_seconds_left(const AppState& state);
// "12:34" for a millisecond count (negative counts as zero).
std::string format_mm_ss(int64_t ms);

// The terminal operations the twin's menu offers, in the order of the emulated terminal's menu.
const std::vector<TerminalOp>& twin_menu_ops();

// Every string key the runner, feedback and debrief screens use (checked against strings.yaml).
const std::vector<std::string>& play_string_keys();

// Every text the emulated terminal can show while `scenario` is played through the kiosk: its
// screens and printed slips along the best path and the critical path, and after each menu
// operation on a fresh replay of its setup. The glyph set is built from these plus the content.
std::vector<std::string> terminal_visible_texts(const Scenario& scenario);

// The kiosk's whole glyph set: collect_glyphs() plus the terminal texts of every scenario.
std::vector<uint32_t> collect_kiosk_glyphs(const UiStrings& strings, const std::vector<Scenario>& scenarios);

}  // namespace posdrill
