// Where each touch target was drawn in the last frame, by stable ID. ImGui only.
//
// Why: a UI script ("click choice.find_in_list") and the tests press widgets by their stable ID
// rather than by coordinates, so a layout change never silently retargets a script.
#pragma once

#include <imgui.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace posdrill {

struct WidgetRect {
  ImVec2 min, max;
  bool enabled = true;
  ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

// The touch targets by ID ("continue", "choice.find_in_list", "card.<scenario id>").
using WidgetRects = std::map<std::string, WidgetRect, std::less<>>;

// Screens record into the map set here (null: nothing is recorded). The caller clears it
// before each frame, so it holds exactly the widgets of the last frame.
void set_widget_rects(WidgetRects* rects);
// Records the last ImGui item under `id`.
void note_widget(std::string_view id, bool enabled = true);

}  // namespace posdrill
