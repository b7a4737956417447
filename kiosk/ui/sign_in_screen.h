// The sign-in screen and the manager gate: employee id and PIN on a large on-screen numpad
// (a keyboard works too). The gate is the same form with its own title, opened by the hidden
// gesture. Reads AppState::pin_entry; emits KeypadKey / FocusPinField / CancelGate.
#pragma once

#include "kiosk/core/app_state.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

void draw_sign_in_screen(const AppState& state, const Theme& theme, const Dispatch& dispatch);

}  // namespace posdrill
