#include "kiosk/ui/screens.h"

#include "kiosk/ui/attract_screen.h"
#include "kiosk/ui/feedback_screen.h"

namespace posdrill {

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
  }
  draw_still_there(state, theme, dispatch);
}

}  // namespace posdrill
