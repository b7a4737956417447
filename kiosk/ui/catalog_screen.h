// The catalog screen: the app title, the "培训 TRAINING" mark, the language toggle, and the
// scenarios grouped by topic as large touch cards.
//
// A function of (view, theme, UiState&, dispatch): it reads the view model, keeps only view state
// (scrolling by drag) in CatalogUiState, and reports what the trainee asked for through
// `dispatch`. No I/O, no model mutation. Call between ImGui::NewFrame() and ImGui::Render(); it
// fills the whole main viewport.
#pragma once

#include <functional>
#include <string>

#include "kiosk/core/catalog.h"
#include "kiosk/ui/theme.h"

namespace posdrill {

enum class CatalogActionKind {
  set_language,   // `lang` is the language asked for
  open_scenario,  // `scenario_id` names the card tapped
  go_home,        // the header's "my home" button (shown when view.home_label is set)
  set_device,     // the practice-device toggle (shown when view.device_label is set): `spare_terminal`
};

struct CatalogAction {
  CatalogActionKind kind = CatalogActionKind::set_language;
  Lang lang = Lang::zh;
  std::string scenario_id;
  bool spare_terminal = false;
};

using CatalogDispatch = std::function<void(const CatalogAction&)>;

// View state that survives between frames.
struct CatalogUiState {
  // The current press turned into a drag that scrolls the list: its release must not open the
  // card under the finger.
  bool drag_scrolling = false;
};

void draw_catalog_screen(const CatalogView& view, const Theme& theme, CatalogUiState& ui,
                         const CatalogDispatch& dispatch);

}  // namespace posdrill
