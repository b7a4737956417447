// The frame loop's input helpers (frame_input.h): the event wait, and the UI script's reader
// and player.
//
// [SECTION] Waiting for events
// [SECTION] UI script

#include "kiosk/platform/frame_input.h"

#include <algorithm>
#include <cctype>

#include "base/file.h"
#include "kiosk/platform/fonts.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// [SECTION] Waiting for events
// ---------------------------------------------------------------------------------------------

EventWait::EventWait() {
  const char* driver = SDL_GetCurrentVideoDriver();
  const std::string_view d = driver ? driver : "";
  native_ = d == "x11" || d == "wayland" || d == "windows" || d == "cocoa";
}

void EventWait::wait(int timeout_ms) const {
  if (native_) {
    SDL_WaitEventTimeout(nullptr, timeout_ms);
    return;
  }
  const Uint64 until = SDL_GetTicks64() + static_cast<Uint64>(std::max(0, timeout_ms));
  while (true) {
    SDL_PumpEvents();
    if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT)) return;
    const Uint64 now = SDL_GetTicks64();
    if (now >= until) return;
    SDL_Delay(static_cast<Uint32>(std::min<Uint64>(poll_ms, until - now)));
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] UI script
// ---------------------------------------------------------------------------------------------

namespace {

constexpr std::size_t max_script_bytes = 64 * 1024;
constexpr int script_find_frames = 60;

// A badge scanner is a keyboard that types fast: for each character a key down, its text and a
// key up, then Enter, all within a few milliseconds. Pushed into SDL's queue in one go, the
// kiosk sees the burst exactly as it would from the device (ASCII only, as scanners send).
void push_scanner_burst(std::string_view text) {
  const auto key = [](Uint32 type, SDL_Keycode sym) {
    SDL_Event e{};
    e.type = type;
    e.key.state = type == SDL_KEYDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.sym = sym;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
    SDL_PushEvent(&e);
  };
  for (const char c : text) {
    const auto sym = static_cast<SDL_Keycode>(std::tolower(static_cast<unsigned char>(c)));
    key(SDL_KEYDOWN, sym);
    SDL_Event t{};
    t.type = SDL_TEXTINPUT;
    t.text.text[0] = c;
    SDL_PushEvent(&t);
    key(SDL_KEYUP, sym);
  }
  key(SDL_KEYDOWN, SDLK_RETURN);
  key(SDL_KEYUP, SDLK_RETURN);
}

// A quick flick: press, one move, release, queued together as SDL delivers a fast finger.
void push_flick(const int (&xy)[4]) {
  const auto button = [](Uint32 type, int x, int y) {
    SDL_Event e{};
    e.type = type;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
    SDL_PushEvent(&e);
  };
  button(SDL_MOUSEBUTTONDOWN, xy[0], xy[1]);
  SDL_Event m{};
  m.type = SDL_MOUSEMOTION;
  m.motion.state = SDL_BUTTON_LMASK;
  m.motion.x = xy[2];
  m.motion.y = xy[3];
  m.motion.xrel = xy[2] - xy[0];
  m.motion.yrel = xy[3] - xy[1];
  SDL_PushEvent(&m);
  button(SDL_MOUSEBUTTONUP, xy[2], xy[3]);
}

}  // namespace

bool load_script(const std::string& path, std::vector<ScriptLine>& out, std::string& error) {
  std::string text;
  if (!read_bounded_file(path, max_script_bytes, text, error)) {
    error = path + ": " + error;
    return false;
  }
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      std::size_t j = i;
      while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
      if (j > i) words.push_back(line.substr(i, j - i));
      i = j;
    }
    if (words.empty()) continue;
    ScriptLine sl;
    sl.line = line_no;
    if (words[0] == "click" && words.size() == 2) {
      sl.kind = ScriptLine::Kind::click;
      sl.id = words[1];
    } else if ((words[0] == "type" || words[0] == "scan") && words.size() >= 2) {
      // The rest of the line, as a keyboard would type it (into the focused field or the numpad).
      sl.kind = words[0] == "type" ? ScriptLine::Kind::type : ScriptLine::Kind::scan;
      const std::size_t at = line.find(words[0]) + 4;
      sl.id = line.substr(line.find_first_not_of(" \t", at));
      sl.id.erase(sl.id.find_last_not_of(" \t\r") + 1);
    } else if (words[0] == "flick" && words.size() == 5 &&
               std::all_of(words.begin() + 1, words.end(), [](const std::string& w) {
                 return !w.empty() && w.size() <= 5 && w.find_first_not_of("0123456789") == std::string::npos;
               })) {
      sl.kind = ScriptLine::Kind::flick;
      for (int k = 0; k < 4; ++k) sl.xy[k] = std::stoi(words[static_cast<std::size_t>(k) + 1]);
    } else if (words[0] == "wait" && words.size() == 2 && words[1].size() <= 5 &&
               words[1].find_first_not_of("0123456789") == std::string::npos) {
      sl.frames = std::stoi(words[1]);
    } else {
      error = path + ":" + std::to_string(line_no) +
              ": expected `click WIDGET_ID`, `type TEXT`, `scan TEXT`, `flick X1 Y1 X2 Y2` or `wait FRAMES`";
      return false;
    }
    out.push_back(std::move(sl));
  }
  return true;
}

void ScriptPlayer::press(ImGuiIO& io, const WidgetRects& rects) {
  if (done() || failed()) return;
  const ScriptLine& l = lines_[at_];
  if (l.kind == ScriptLine::Kind::wait) {
    if (++phase_ >= l.frames) next();
    return;
  }
  if (l.kind == ScriptLine::Kind::type) {
    // One frame to deliver the characters, two for the screen to act on them.
    if (phase_ == 0) io.AddInputCharactersUTF8(l.id.c_str());
    if (++phase_ > 2) next();
    return;
  }
  if (l.kind == ScriptLine::Kind::flick) {
    if (phase_ == 0) push_flick(l.xy);
    if (++phase_ > 6) next();
    return;
  }
  if (l.kind == ScriptLine::Kind::scan) {
    // The whole burst goes into SDL's queue at once; the frame loop takes at most one key
    // press a frame from it, so allow a frame per key and a few for the screen to act.
    if (phase_ == 0) push_scanner_burst(l.id);
    if (++phase_ > static_cast<int>(l.id.size()) + 4) next();
    return;
  }
  const auto it = rects.find(l.id);
  if (phase_ == 0) {  // look for the widget, then hover it
    if (it == rects.end() || !it->second.enabled || !it->second.any_visible()) {
      if (++searching_ > script_find_frames)
        error_ = path_ + ":" + std::to_string(l.line) + ": no enabled widget `" + l.id + "` on screen";
      // Drawn but scrolled out of sight: scroll its list towards it, as a finger would.
      if (it != rects.end() && it->second.enabled) {
        const float x = it->second.center().x;
        io.MousePos = ImVec2(x, io.DisplaySize.y * 0.5f);
        io.MouseWheel = it->second.min.y > io.DisplaySize.y * 0.5f ? -1.0f : 1.0f;
      }
      return;
    }
    // A list that scrolls (a new step resets its scroll) settles a frame later: press only
    // where the widget stood still for one frame.
    const ImVec2 at = it->second.visible_center();
    const bool settled = seen_ && at.x == target_.x && at.y == target_.y;
    target_ = at;
    seen_ = true;
    if (!settled) {
      ++searching_;
      return;
    }
  }
  io.MousePos = target_;
  io.MouseDown[0] = phase_ == 1;
  if (++phase_ > 2) next();
}

}  // namespace posdrill
