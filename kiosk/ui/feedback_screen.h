// The feedback screen: shown after every answered decision or terminal task. Points earned out
// of the most the step could give, a red critical-error warning when the answer would have done
// harm at a real till, the scenario's feedback text, and one "continue" button (ID
// "feedback.continue"). Reads runner.last_answer(); dispatches Continue.
#pragma once

#include "kiosk/core/app_state.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

void draw_feedback_screen(const AppState& state, const Theme& theme, const Dispatch& dispatch);

}  // namespace posdrill
