// `posdrill preview FILE`: a scenario's author plays it in a window while writing it. PURE: what
// the preview does to the kiosk's state; the window, the file watch and the reload are the
// platform's (kiosk/platform/preview_watch.h).
//
// - The preview plays the scenario loaded from FILE, with no one signed in (nothing recorded).
// - It opens at the scenario's start, or at a given step: the best path is played to it through
//   update(), as a trainee would (decisions chosen, the terminal keyed on the twin), so what the
//   step shows, the terminal included, is what a trainee arriving there would see.
// - After the file is saved it is loaded again and the preview opens at the step it was on, when
//   that step still exists; a file that no longer loads keeps the last good version on screen with
//   the problems listed (file:line:column) over it.
#pragma once

#include <string>
#include <vector>

#include "kiosk/core/app_state.h"

namespace posdrill {

// Opens the scenario loaded from `file` (compared as paths, so "./x.yaml" is "x.yaml") and plays
// its best path to `step_id` ("": its start), with the same set of figures every time (the state's
// next seed is kept), so a reload shows the text just saved with the figures it had. Returns
// nothing when it opened where asked, else what happened instead in words (PreviewBar::note): no
// scenario from that file, or a step the best path does not reach (it then opens at the start).
Text open_preview(AppState& state, const std::string& file, const std::string& step_id);
// Leaving the drill in the preview (退出演练, the debrief's way out) starts it again from the
// start instead of showing the catalog: call after each action.
void keep_preview_open(AppState& state);

// Puts `state` in preview: nobody signs in, nothing is recorded, no idle sign-out; the load's
// `problems` go in the footer (not out of service); the file's scenario opens at `step_id`.
void start_preview(AppState& state, const std::string& file, const std::string& step_id,
                   std::vector<std::string> problems);
// After the file was saved and the content loaded again: with no `problems` the new content
// replaces the old and the preview opens again at the step it was on (when it still exists);
// otherwise the last good version stays on screen and the footer lists the problems.
void reload_preview(AppState& state, std::vector<Scenario> scenarios, std::vector<Track> tracks, UiStrings strings,
                    std::vector<std::string> problems);
// The scenario being previewed as loaded (not its figures' variant), null when none is open.
const Scenario* previewed_scenario(const AppState& state);

// The step the preview is on ("" without an attempt), to open at again after a reload.
std::string preview_step(const AppState& state);

// The footer's line in preview (AppState::preview): the file and reload count, or the problems.
SyncLine preview_footer_line(const PreviewBar& bar, const UiStrings& strings, Lang lang);
// The strings the preview's footer uses.
const std::vector<std::string>& preview_string_keys();

}  // namespace posdrill
