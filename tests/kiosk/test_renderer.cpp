// The choice between the kiosk's two ways of drawing (kiosk/platform/renderer.h). That both draw
// the same screen is checked on real screenshots (renderers_agree.sh).

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "kiosk/platform/renderer.h"

namespace fs = std::filesystem;
using namespace posdrill;

TEST_CASE("the renderer option's names round-trip and nothing else is taken", "[renderer]") {
  for (RenderPath p : {RenderPath::automatic, RenderPath::gl, RenderPath::software})
    CHECK(parse_render_path(render_path_name(p)) == p);
  CHECK_FALSE(parse_render_path("GL").has_value());
  CHECK_FALSE(parse_render_path("").has_value());
  CHECK_FALSE(parse_render_path("opengl").has_value());
}

TEST_CASE("auto draws in software unless the machine has a GPU render node", "[renderer]") {
  const fs::path dri = fs::temp_directory_path() / ("posdrill_test_dri_" + std::to_string(::getpid()));
  fs::remove_all(dri);
  // No folder at all (a machine without DRM), then a folder with only a primary node.
  CHECK(resolve_render_path(RenderPath::automatic, dri) == RenderPath::software);
  fs::create_directories(dri);
  std::ofstream(dri / "card0").put('x');
  CHECK(resolve_render_path(RenderPath::automatic, dri) == RenderPath::software);
  std::ofstream(dri / "renderD128").put('x');
  CHECK(resolve_render_path(RenderPath::automatic, dri) == RenderPath::gl);
  // What was asked for is kept whatever the machine has.
  CHECK(resolve_render_path(RenderPath::software, dri) == RenderPath::software);
  fs::remove_all(dri);
  CHECK(resolve_render_path(RenderPath::gl, dri) == RenderPath::gl);
}
