// Internal to the manager console (console_screen.cpp, console_items.cpp): what its tabs share.
// Not part of the UI's interface: nothing outside kiosk/ui includes this header.
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/app_state.h"
#include "kiosk/ui/console_screen.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill::console_ui {

// A console string in the screen's language.
std::string tr(const AppState& st, std::string_view key);
// 0.756 -> "76%".
std::string percent(double score);
// One figure with its label above it, in a column `w` wide starting at `x` (window-relative).
void figure(const AppState& st, const Theme& th, float x, float w, const char* key, const std::string& value);

// The question analysis tab: a scenario's decisions, each with its figures, flags and answers.
void items_tab(const AppState& st, const Theme& th, ConsoleUiState& ui, const Dispatch& dispatch);

}  // namespace posdrill::console_ui
