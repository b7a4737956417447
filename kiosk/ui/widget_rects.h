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
  // The part a finger can reach: the rectangle clipped by its window (a list scrolled half-way
  // hides part of a row). Equal to min/max when the whole widget shows; empty when none does.
  ImVec2 vis_min, vis_max;
  ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
  ImVec2 visible_center() const { return ImVec2((vis_min.x + vis_max.x) * 0.5f, (vis_min.y + vis_max.y) * 0.5f); }
  bool fully_visible() const {
    return vis_min.x == min.x && vis_min.y == min.y && vis_max.x == max.x && vis_max.y == max.y;
  }
  bool any_visible() const { return vis_max.x > vis_min.x && vis_max.y > vis_min.y; }
};

// The touch targets by ID ("continue", "choice.find_in_list", "card.<scenario id>").
using WidgetRects = std::map<std::string, WidgetRect, std::less<>>;

// Screens record into the map set here (null: nothing is recorded). The caller clears it
// before each frame, so it holds exactly the widgets of the last frame.
void set_widget_rects(WidgetRects* rects);
// Records the last ImGui item under `id`.
void note_widget(std::string_view id, bool enabled = true);

// The rectangles as a JSON array, one widget a line, in ID order:
//   {"id": "choice.a", "x": 40, "y": 312, "w": 600, "h": 64, "enabled": true, "visible": true}
// x, y, w, h are whole window pixels (the rectangle's corners rounded); `visible` is false when
// a list has scrolled part of the widget out of sight (a finger reaches only vis_min..vis_max).
// `posdrill kiosk --widgets-json FILE` keeps a file of it for UI tests and tools.
std::string widget_rects_json(const WidgetRects& rects);

}  // namespace posdrill
