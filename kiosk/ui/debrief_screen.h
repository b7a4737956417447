// The debrief screen: the end of a drill. Score and pass/fail, the pass rule, the scenario's
// summary, each mistake with what the trainee was asked, what they did and the feedback, the
// rules to remember, and two buttons: "retry" (same scenario, new choice order) and
// "back_catalog". Reads runner.result(); dispatches Retry / BackToCatalog.
#pragma once

#include "kiosk/core/app_state.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

struct DebriefUiState {
  bool dragging = false;
  // The attempt whose debrief was last drawn: a new one opens at the top, where the score is,
  // not at the scroll the last debrief was left at.
  uint64_t shown_serial = 0;
  bool shown_any = false;
};

void draw_debrief_screen(const AppState& state, const Theme& theme, DebriefUiState& ui, const Dispatch& dispatch);

}  // namespace posdrill
