// The pointer as the frame loop hands it to ImGui (kiosk/platform/frame_input.h): a press latched
// for one frame, and a finger lifted from a touch screen that leaves nothing hovered.
#include <catch2/catch.hpp>

#include "kiosk/platform/frame_input.h"

namespace posdrill {

namespace {

SDL_Event button(Uint32 type, int x, int y, Uint32 which) {
  SDL_Event e{};
  e.type = type;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.which = which;
  e.button.x = x;
  e.button.y = y;
  return e;
}

SDL_Event motion(int x, int y, Uint32 which) {
  SDL_Event e{};
  e.type = SDL_MOUSEMOTION;
  e.motion.which = which;
  e.motion.x = x;
  e.motion.y = y;
  return e;
}

SDL_Event wheel(Uint32 which) {
  SDL_Event e{};
  e.type = SDL_MOUSEWHEEL;
  e.wheel.which = which;
  e.wheel.y = -1;
  return e;
}

bool off_screen(const ImGuiIO& io) { return io.MousePos.x == -FLT_MAX && io.MousePos.y == -FLT_MAX; }

}  // namespace

TEST_CASE("a lifted finger or a released mouse button leaves nothing hovered until the next move", "[pointer]") {
  // Many touch panels report as a mouse: both must leave the next screen's answers unlit.
  for (Uint32 which : {Uint32(SDL_TOUCH_MOUSEID), Uint32(0)}) {
    INFO((which == SDL_TOUCH_MOUSEID ? "touch" : "mouse"));
    PointerFromEvents p;
    ImGuiIO io;
    p.take(button(SDL_MOUSEBUTTONDOWN, 100, 200, which));
    p.apply(io);
    CHECK(io.MousePos.x == 100.0f);
    CHECK(io.MouseDown[ImGuiMouseButton_Left]);
    // The release is seen where it happened: that frame makes the tap.
    p.take(button(SDL_MOUSEBUTTONUP, 100, 200, which));
    p.apply(io);
    CHECK(io.MousePos.x == 100.0f);
    CHECK_FALSE(io.MouseDown[ImGuiMouseButton_Left]);
    // The frames after it: the pointer is gone.
    p.apply(io);
    CHECK(off_screen(io));
    p.apply(io);
    CHECK(off_screen(io));
    // The next touch (or move) brings the pointer back.
    p.take(motion(300, 400, which));
    p.apply(io);
    CHECK(io.MousePos.x == 300.0f);
    CHECK(io.MousePos.y == 400.0f);
  }
}

TEST_CASE("a press and its release between two frames still reach ImGui as a press", "[pointer]") {
  PointerFromEvents p;
  ImGuiIO io;
  p.take(button(SDL_MOUSEBUTTONDOWN, 10, 20, SDL_TOUCH_MOUSEID));
  p.take(button(SDL_MOUSEBUTTONUP, 10, 20, SDL_TOUCH_MOUSEID));
  p.apply(io);  // latched: this frame sees the button down at the spot
  CHECK(io.MouseDown[ImGuiMouseButton_Left]);
  CHECK(io.MousePos.x == 10.0f);
  p.apply(io);  // then up, still at the spot: the tap completes there
  CHECK_FALSE(io.MouseDown[ImGuiMouseButton_Left]);
  CHECK(io.MousePos.x == 10.0f);
  p.apply(io);  // and then the finger is gone
  CHECK(off_screen(io));
}

TEST_CASE("a mouse wheel turned after a click scrolls what is under the mouse", "[pointer]") {
  PointerFromEvents p;
  ImGuiIO io;
  p.take(button(SDL_MOUSEBUTTONDOWN, 50, 60, 0));
  p.take(button(SDL_MOUSEBUTTONUP, 50, 60, 0));
  p.apply(io);
  p.apply(io);
  p.apply(io);
  REQUIRE(off_screen(io));
  p.take(wheel(0));
  p.apply(io);
  CHECK(io.MousePos.x == 50.0f);
  CHECK(io.MousePos.y == 60.0f);
}

}  // namespace posdrill
