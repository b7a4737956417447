// How the kiosk draws its frames, as the config (`renderer:`) and the command line (`--renderer`)
// name it. The drawing itself is the platform's (kiosk/platform/renderer.h); this is the setting.
#pragma once

#include <optional>
#include <string_view>

namespace posdrill {

// automatic: gl when the machine has a GPU render node, else software.
enum class RenderPath { automatic, gl, software };

inline const char* render_path_name(RenderPath path) {
  switch (path) {
    case RenderPath::automatic:
      return "auto";
    case RenderPath::gl:
      return "gl";
    case RenderPath::software:
      return "software";
  }
  return "?";
}

// "auto", "gl" or "software"; nullopt for anything else.
inline std::optional<RenderPath> parse_render_path(std::string_view text) {
  for (RenderPath p : {RenderPath::automatic, RenderPath::gl, RenderPath::software})
    if (text == render_path_name(p)) return p;
  return std::nullopt;
}

}  // namespace posdrill
