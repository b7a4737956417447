// What reaches the kiosk's frame loop besides drawing: the wait for the next event, the pointer
// as of the events taken, and the UI script that drives the kiosk like a finger (--ui-script).
// Platform code (SDL + ImGui's IO); kiosk_main.cpp's frame loop is the only user.
#pragma once

#include <SDL.h>
#include <imgui.h>

#include <cfloat>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/ui/widget_rects.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// [SECTION] Waiting for events
// ---------------------------------------------------------------------------------------------

// Sleeps until an event is queued or `timeout_ms` passes, leaving the event in the queue.
// SDL_WaitEventTimeout sleeps in the display server's socket only with the drivers that can be
// woken there (X11, Wayland, Windows, macOS); with the others (KMS/DRM on a bare console, the
// offscreen driver of tests and benchmarks) it pumps and sleeps 1 ms in a loop: 1,000 wake-ups a
// second, 6-8 % of a core on a kiosk nobody touches. There, this polls every poll_ms instead: a
// touch waits at most one 60 Hz frame longer, and idle costs a tenth.
class EventWait {
 public:
  EventWait();  // after SDL_Init(SDL_INIT_VIDEO)
  bool native() const { return native_; }
  void wait(int timeout_ms) const;
  static constexpr Uint64 poll_ms = 16;

 private:
  bool native_ = false;
};

// ---------------------------------------------------------------------------------------------
// [SECTION] The pointer
// ---------------------------------------------------------------------------------------------

// The mouse (and the touch screen's emulated mouse) as of the events taken so far, for ImGui:
// where it is and whether the left button is down, with a press latched until a frame saw it.
// A finger lifted is nowhere: after the frame that sees the release, ImGui is told the pointer
// left, so the answer under the spot just tapped is not drawn hovered, as if already chosen. The
// same goes for a mouse button (many touch panels report as a mouse); a mouse that moves is back.
struct PointerFromEvents {
  bool known = false;
  ImVec2 pos;
  bool down = false;
  bool pressed = false;  // went down since the last frame
  bool lifting = false;  // a finger went up: the next frame sees the release where it happened
  bool lifted = false;   // ... and the frames after it see no pointer until the next touch
  void take(const SDL_Event& e) {
    if (e.type == SDL_MOUSEWHEEL && e.wheel.which != SDL_TOUCH_MOUSEID) {
      lifted = false;  // a mouse turning its wheel is where it was: what is under it scrolls
    } else if (e.type == SDL_MOUSEMOTION) {
      known = true;
      lifted = false;
      pos = ImVec2(static_cast<float>(e.motion.x), static_cast<float>(e.motion.y));
    } else if ((e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP) && e.button.button == SDL_BUTTON_LEFT) {
      known = true;
      lifted = false;
      pos = ImVec2(static_cast<float>(e.button.x), static_cast<float>(e.button.y));
      down = e.type == SDL_MOUSEBUTTONDOWN;
      pressed = pressed || down;
      lifting = !down;
    }
  }
  void apply(ImGuiIO& io) {
    if (!known) return;
    io.MousePos = lifted ? ImVec2(-FLT_MAX, -FLT_MAX) : pos;
    const bool held = down || pressed;
    io.MouseDown[ImGuiMouseButton_Left] = held;
    pressed = false;
    // Gone only after a frame has seen the button up at the spot (a press latched from a quick tap
    // is seen first, then its release).
    if (lifting && !held) {
      lifting = false;
      lifted = true;
    }
  }
};

// ---------------------------------------------------------------------------------------------
// [SECTION] UI script
// ---------------------------------------------------------------------------------------------

// `--ui-script FILE` drives the kiosk like a finger would, for screenshots of screens past the
// first one and for smoke tests: one command a line, `click WIDGET_ID` (press and release the
// centre of the widget with that stable ID, waiting up to a second of frames for it to appear)
// and `wait N` (N frames). `type TEXT` types the rest of the line; `scan TEXT` sends it and an
// Enter as a badge scanner does: every key down and up at once, in one burst of events.
// `flick X1 Y1 X2 Y2` presses at X1,Y1, moves to X2,Y2 and releases there, all queued at once as
// a quick finger flick reaches the kiosk. '#' starts a comment. Errors name FILE:LINE.
struct ScriptLine {
  enum class Kind { click, wait, type, scan, flick } kind = Kind::wait;
  std::string id;  // click: the widget; type, scan: the text
  int xy[4] = {0, 0, 0, 0};  // flick: from, to (window pixels)
  int frames = 0;
  int line = 0;
};

// Reads a script (at most 64 KiB); false with `error` naming FILE:LINE and what was expected.
bool load_script(const std::string& path, std::vector<ScriptLine>& out, std::string& error);

// Plays a script one frame at a time: press() is called between the platform's NewFrame and
// ImGui::NewFrame, where the 1.86 backends have just written the real mouse state.
class ScriptPlayer {
 public:
  ScriptPlayer(std::string path, std::vector<ScriptLine> lines) : path_(std::move(path)), lines_(std::move(lines)) {}
  bool done() const { return at_ >= lines_.size(); }
  // The text the current `type` line is about to type ("" otherwise), so its glyphs are ready.
  std::string_view typing() const {
    return !done() && lines_[at_].kind == ScriptLine::Kind::type && phase_ == 0 ? std::string_view(lines_[at_].id)
                                                                                : std::string_view();
  }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  // Presses, types or waits for this frame; call between the platform's NewFrame and
  // ImGui::NewFrame with the widgets the previous frame drew.
  void press(ImGuiIO& io, const WidgetRects& rects);

 private:
  void next() {
    ++at_;
    phase_ = 0;
    searching_ = 0;
    seen_ = false;
  }
  std::string path_;
  std::vector<ScriptLine> lines_;
  std::size_t at_ = 0;
  int phase_ = 0;
  int searching_ = 0;
  bool seen_ = false;  // target_ holds where the widget was in the frame before
  ImVec2 target_;
  std::string error_;
};

}  // namespace posdrill
