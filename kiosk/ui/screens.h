// The kiosk's screen router: draws the screen AppState names and, over it, the idle prompt.
// The platform loop and the UI tests both call it, so the tests click through the same routing
// the kiosk uses. Call between ImGui::NewFrame() and ImGui::Render().
#pragma once

#include "kiosk/core/app_state.h"
#include "kiosk/ui/catalog_screen.h"
#include "kiosk/ui/console_screen.h"
#include "kiosk/ui/debrief_screen.h"
#include "kiosk/ui/first_run_screen.h"
#include "kiosk/ui/home_screen.h"
#include "kiosk/ui/runner_screen.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

// What the screens keep between frames (scroll positions and the like); view state only.
struct ScreensUiState {
  CatalogUiState catalog;
  RunnerUiState runner;
  DebriefUiState debrief;
  HomeUiState home;
  FirstRunUiState first_run;
  ConsoleUiState console;
  // The on-screen keyboard of the first run and the console's forms. The platform plugs in the
  // pinyin input method; tests may plug in a fake.
  OnScreenKeyboard keyboard;
};

void draw_screens(const AppState& state, const Theme& theme, ScreensUiState& ui, const Dispatch& dispatch);

}  // namespace posdrill
