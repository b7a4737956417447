// The trainee's home screen after sign-in: certification status and validity, progress per topic,
// the drills to practise next (weakest topic first), the way to all drills, and for managers the
// console. Reads AppState::session.
#pragma once

#include <string>

#include "kiosk/core/app_state.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

struct HomeUiState {
  bool dragging = false;
  bool dragging_right = false;
};

void draw_home_screen(const AppState& state, const Theme& theme, HomeUiState& ui, const Dispatch& dispatch);

// The badge colour and strings key of a certification status (shared with the console).
ImU32 cert_status_colour(CertStatus s);
std::string cert_status_key(CertStatus s);  // "cert.<cert_status_name>"

}  // namespace posdrill
