#include "screen_driver.h"

#include <catch2/catch.hpp>

#include <vector>

#include "kiosk/ui/widgets.h"

namespace posdrill::test {

HeadlessImGui::HeadlessImGui(ImVec2 display) {
  ctx_ = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.DisplaySize = display;
  io.DeltaTime = 1.0f / 60.0f;
  theme.metrics = theme_metrics(display.y);
  apply_theme_style(theme.metrics, ImGui::GetStyle());
}

HeadlessImGui::~HeadlessImGui() { ImGui::DestroyContext(ctx_); }

void HeadlessImGui::build_atlas() {
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
}

ScreenDriver::ScreenDriver(ImVec2 display) : HeadlessImGui(display) {
  build_atlas();
  set_widget_rects(&rects);
}

ScreenDriver::~ScreenDriver() { set_widget_rects(nullptr); }

void ScreenDriver::frame(ImVec2 pos, bool down) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = pos;
  io.MouseDown[0] = down;
  rects.clear();
  std::vector<Action> actions;
  const Dispatch dispatch = [&actions](const Action& a) { actions.push_back(a); };
  if (down) act(UserInput{});
  ImGui::NewFrame();
  draw_screens(state, theme, screens_ui, dispatch);
  ImGui::Render();
  for (const Action& a : actions) {
    ++dispatched;
    act(a);
  }
}

bool ScreenDriver::on_screen(const std::string& id) {
  frame(ImVec2(-1, -1), false);
  return rects.count(id) == 1;
}

void ScreenDriver::tap(const std::string& id, bool touch_target) {
  // Frames with the current screen to learn where things are: two, as a scroll a screen asks for
  // in one frame (the runner brings a new decision's answers into view) lands in the next, and a
  // finger taps what it sees once the screen has settled.
  frame(ImVec2(-1, -1), false);
  frame(ImVec2(-1, -1), false);
  auto it = rects.find(id);
  INFO("widget " << id);
  REQUIRE(it != rects.end());
  // Out of sight in a scrolling list: drag it into view as a finger does, a few strokes at most.
  for (int stroke = 0; stroke < 8 && !it->second.any_visible(); ++stroke) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float dir = it->second.min.y >= display.y * 0.5f ? -1.0f : 1.0f;  // up to reveal what is below
    ImVec2 p((it->second.min.x + it->second.max.x) * 0.5f, display.y * (dir < 0 ? 0.6f : 0.3f));
    frame(p, false);
    frame(p, true);
    for (int i = 0; i < 10; ++i) {
      p.y += dir * display.y * 0.025f;
      frame(p, true);
    }
    frame(p, false);
    frame(ImVec2(-1, -1), false);
    it = rects.find(id);
    REQUIRE(it != rects.end());
  }
  REQUIRE(it->second.enabled);
  REQUIRE(it->second.any_visible());  // scrolled out of sight: a finger cannot reach it
  const ImVec2 c = it->second.visible_center();
  if (touch_target) CHECK(it->second.max.y - it->second.min.y >= theme.metrics.touch_px - 0.5f);
  CHECK(c.x < ImGui::GetIO().DisplaySize.x);
  CHECK(c.y < ImGui::GetIO().DisplaySize.y);
  frame(c, false);
  frame(c, true);
  frame(c, false);
}

std::vector<std::string> next_widgets(const AppState& state, const AutoPlayer& player) {
  if (state.screen == ScreenId::feedback) return {"feedback.continue"};
  const Attempt& a = *state.attempt;
  const AutoAction act = player.next(a.runner, a.last_lookup ? &*a.last_lookup : nullptr);
  switch (act.kind) {
    case AutoAction::advance:
      return {"continue"};
    case AutoAction::choose:
      return {"choice." + act.choice_id};
    case AutoAction::give_up:
      return {"give_up", "confirm.yes"};  // giving up asks first
    case AutoAction::terminal: {
      // The spare terminal's panel starts whole operations; the trainee keys the rest on the device.
      if (a.on_spare) return {"op." + std::string(terminal_op_name(act.request.op))};
      // Keyed at the twin as the driver would key it: menu, digits, the customer's card and PIN.
      const ScenarioEmulation* emu = a.port.scenario();
      if (!emu) return {};
      std::vector<std::string> out;
      for (const std::string& in : emu->terminal().plan_inputs(act.request, emu->card())) out.push_back("twin." + in);
      return out;
    }
  }
  return {};
}

}  // namespace posdrill::test
