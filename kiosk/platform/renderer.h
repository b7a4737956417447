// What puts ImGui's frames on the kiosk's window. Two paths:
//   gl        OpenGL 3.0 through ImGui's OpenGL3 backend: a GPU, or Mesa's llvmpipe when there is
//             none (which maps libLLVM, ~54 MiB, and rasterizes every frame on its own threads);
//   software  SDL's software renderer: ImGui's triangles become plain CPU blits into the
//             window's framebuffer. No GL driver is loaded at all.
// `automatic` takes the GPU when the machine has a render node and software when it has none, so a
// store PC without graphics drivers (or a test machine) does not pay for a software GL.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "kiosk/core/render_path.h"

struct ImDrawData;
struct SDL_Window;

namespace posdrill {

// automatic: gl when a DRM render node (renderD* in `dri`) is there, else software.
RenderPath resolve_render_path(RenderPath asked, const std::filesystem::path& dri = "/dev/dri");

// The window flags and SDL hints a path needs, set before the window is created.
uint32_t prepare_window_for(RenderPath path);  // SDL_WindowFlags

class FrameRenderer {
 public:
  virtual ~FrameRenderer() = default;
  virtual RenderPath path() const = 0;
  // Before ImGui_ImplSDL2_NewFrame: the first call makes the font texture from the atlas.
  virtual void new_frame() = 0;
  // Clears to `background` (an ImU32 colour) and draws ImGui's frame; `size` is the drawable's.
  virtual void draw(const ImDrawData* data, unsigned background) = 0;
  // Returns once the frame is really drawn (llvmpipe draws lazily).
  virtual void finish() = 0;
  virtual void present() = 0;
  // The atlas was rebuilt: make the texture again from its pixels.
  virtual void reload_font_texture() = 0;
  // Writes the frame just drawn (before present) as an RGB PNG; w and h get its size.
  virtual bool write_png(const std::string& path, int& w, int& h) = 0;
};

// Creates the renderer for `window` (made with prepare_window_for's flags) and starts ImGui's SDL2
// platform backend for it; the ImGui context must exist. Destroying it shuts both down. `vsync`:
// at most one frame per display refresh (a screenshot run goes as fast as it can). `note` gets
// what the user should know but does not stop the start (no vsync).
std::unique_ptr<FrameRenderer> make_renderer(RenderPath path, SDL_Window* window, bool vsync, std::string& error,
                                             std::string& note);

}  // namespace posdrill
