#include "kiosk/ui/screens.h"

#include <cmath>

#include "kiosk/ui/attract_screen.h"
#include "kiosk/ui/feedback_screen.h"
#include "kiosk/ui/sign_in_screen.h"
#include "kiosk/ui/widget_rects.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

namespace {

// `posdrill preview`: every problem of the last load, over the screen's lower left, until the
// file loads again (the footer names the first).
void preview_problems(const PreviewBar& bar, const Theme& th) {
  if (bar.problems.empty()) return;
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // As tall as the list (at most half the window), under the header, over the left column.
  const float w = std::floor(vp->WorkSize.x * 0.62f);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + m.pad, vp->WorkPos.y + m.touch_px + 2 * m.pad));
  ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0.0f), ImVec2(w, std::floor(vp->WorkSize.y * 0.5f)));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, pal.card);
  ImGui::PushStyleColor(ImGuiCol_Border, pal.bad);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 2.0f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_AlwaysAutoResize;
  if (ImGui::Begin("###preview_problems", nullptr, flags)) {
    ImFont* f = font_or_current(th.body);
    for (const std::string& p : bar.problems) paragraph(f, p, pal.error_text);
  }
  note_widget("preview.problems", false);
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(2);
}

}  // namespace

void draw_screens(const AppState& state, const Theme& theme, ScreensUiState& ui, const Dispatch& dispatch) {
  switch (state.screen) {
    case ScreenId::attract:
      draw_attract_screen(state, theme, dispatch);
      break;
    case ScreenId::catalog:
      // The catalog speaks its own small action type (it predates AppState); translate here.
      draw_catalog_screen(state.catalog, theme, ui.catalog, [&dispatch](const CatalogAction& a) {
        if (a.kind == CatalogActionKind::set_language)
          dispatch(SetLang{a.lang});
        else if (a.kind == CatalogActionKind::go_home)
          dispatch(GoHome{});
        else if (a.kind == CatalogActionKind::set_device)
          dispatch(SetPracticeDevice{a.spare_terminal});
        else
          dispatch(OpenScenario{a.scenario_id});
      });
      break;
    case ScreenId::runner:
      draw_runner_screen(state, theme, ui.runner, dispatch);
      break;
    case ScreenId::feedback:
      draw_feedback_screen(state, theme, dispatch);
      break;
    case ScreenId::debrief:
      draw_debrief_screen(state, theme, ui.debrief, dispatch);
      break;
    case ScreenId::first_run:
      draw_first_run_screen(state, theme, ui.first_run, ui.keyboard, dispatch);
      break;
    case ScreenId::sign_in:
    case ScreenId::manager_gate:
      draw_sign_in_screen(state, theme, dispatch);
      break;
    case ScreenId::home:
      draw_home_screen(state, theme, ui.home, dispatch);
      break;
    case ScreenId::console:
      draw_console_screen(state, theme, ui.console, ui.keyboard, dispatch);
      break;
  }
  // Forms keep no text once their screen is gone (a half-typed PIN must not wait for the next
  // person).
  if (state.screen != ScreenId::first_run) ui.first_run.form.clear();
  if (state.screen != ScreenId::console) {
    ui.console.add.clear();
    ui.console.pin_for.clear();
    ui.console.pin_sent.clear();
    ui.console.pin_refused = false;
    ui.console.void_armed.clear();
    wipe(ui.console.new_pin);
    wipe(ui.console.new_pin_again);
  }
  // The keyboard follows its form: off once the form's screen (or the accounts tab) is gone.
  const bool form_shown = state.screen == ScreenId::first_run ||
                          (state.screen == ScreenId::console && state.console.tab == ConsoleTab::operators);
  if (!form_shown && !ui.keyboard.focused().empty()) ui.keyboard.unfocus();
  sync_footer(theme, footer_line(state));
  if (state.preview) preview_problems(*state.preview, theme);
  corner_gesture(theme, dispatch);
  draw_confirm(state, theme, dispatch);
  draw_still_there(state, theme, dispatch);
}

}  // namespace posdrill
