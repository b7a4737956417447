// Drives the kiosk's screens through Dear ImGui with no renderer, as a finger would: taps land at
// the centre of the widget with a given stable ID (io.MousePos / io.MouseDown[] before
// ImGui::NewFrame, the 1.86 API), and the screens' actions go to act(). The default ImGui font
// stands in for the CJK font (missing glyphs draw as '?', which changes no layout rule tested).
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "kiosk/core/app_state.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widget_rects.h"
#include "scenarios/runner.h"

namespace posdrill::test {

// One ImGui context with no renderer, sized like a display, with the kiosk's theme metrics.
class HeadlessImGui {
 public:
  explicit HeadlessImGui(ImVec2 display);
  ~HeadlessImGui();
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  // Builds the (default) font atlas on the CPU; needed before the first frame.
  void build_atlas();

  Theme theme;

 private:
  ImGuiContext* ctx_ = nullptr;
};

// The whole kiosk screen router over an AppState; a test says how an action is applied.
class ScreenDriver : public HeadlessImGui {
 public:
  explicit ScreenDriver(ImVec2 display);
  virtual ~ScreenDriver();

  // Applies one action the way the kiosk under test does (update() alone, or with the effects).
  virtual void act(const Action& action) = 0;

  // One frame with the pointer at `pos`, the button `down` or not. A press first sends
  // UserInput, as the platform does; the screens' actions are applied after the frame.
  void frame(ImVec2 pos, bool down);
  // Taps the widget `id`, first dragging its list when it is scrolled out of sight; fails the
  // test when it is not on screen, disabled, still out of sight, or outside the
  // display, or (when `touch_target`) lower than a touch target.
  void tap(const std::string& id, bool touch_target = true);
  // Whether the current screen draws widget `id`.
  bool on_screen(const std::string& id);

  FakeClock clock{0};
  AppState state;
  WidgetRects rects;
  ScreensUiState screens_ui;
  int dispatched = 0;  // actions the screens sent
};

// The widgets a trainee playing like `player` taps next, in order: one for a choice or a
// continue; for a terminal task, the twin's keys, card and PIN pad as the operation is keyed.
std::vector<std::string> next_widgets(const AppState& state, const AutoPlayer& player);

}  // namespace posdrill::test
