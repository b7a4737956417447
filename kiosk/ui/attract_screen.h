// The attract screen and the idle prompt. ImGui only.
//
// attract: what an unattended kiosk shows — the title, the bilingual training mark and "tap to
// start"; the whole screen is one touch target (`attract.start`) dispatching StartFromAttract.
// Out of service (out_of_service()), it says so instead, with who to call, and answers no tap
// (the label `out_of_service` is recorded as a disabled widget).
// still-there: a modal layer drawn over any other screen while AppState::still_there is set,
// with the seconds left and one button (`still_there.continue`) dispatching StillHere. It covers
// the whole window, so a tap on it never reaches the screen below.
#pragma once

#include "kiosk/core/app_state.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

// Every string key the attract screen, the prompt and the confirmation panel use (checked against strings.yaml).
const std::vector<std::string>& attract_string_keys();

void draw_attract_screen(const AppState& state, const Theme& theme, const Dispatch& dispatch);

// Draws the prompt when state.still_there is set; nothing otherwise. Call after the screen.
void draw_still_there(const AppState& state, const Theme& theme, const Dispatch& dispatch);

// Draws the confirmation panel of state.confirming ("leave the drill?", "close the kiosk?") with
// `confirm.yes` and `confirm.no`; nothing otherwise. Call after the screen.
void draw_confirm(const AppState& state, const Theme& theme, const Dispatch& dispatch);

}  // namespace posdrill
