// The two ways the kiosk draws (renderer.h): ImGui's OpenGL3 backend, or SDL's software renderer
// fed by the draw-list walker below.

#include "kiosk/platform/renderer.h"

#include <SDL.h>
#include <SDL_opengl.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <system_error>
#include <vector>

namespace posdrill {

namespace {

// Writes `rgb` (rows top-down, 3 bytes a pixel) as a PNG.
bool write_rgb_png(const std::string& path, int w, int h, const std::vector<unsigned char>& rgb) {
  return stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3) != 0;
}

// ---------------------------------------------------------------------------------------------
// OpenGL
// ---------------------------------------------------------------------------------------------

// Resolved through SDL so the same code works with GLX and with EGL (the offscreen driver).
struct GlFunctions {
  void(APIENTRY* Viewport)(GLint, GLint, GLsizei, GLsizei) = nullptr;
  void(APIENTRY* ClearColor)(GLfloat, GLfloat, GLfloat, GLfloat) = nullptr;
  void(APIENTRY* Clear)(GLbitfield) = nullptr;
  void(APIENTRY* Finish)() = nullptr;
  void(APIENTRY* PixelStorei)(GLenum, GLint) = nullptr;
  void(APIENTRY* ReadBuffer)(GLenum) = nullptr;
  void(APIENTRY* ReadPixels)(GLint, GLint, GLsizei, GLsizei, GLenum, GLenum, void*) = nullptr;

  template <typename F>
  static bool load(F& fn, const char* name) {
    fn = reinterpret_cast<F>(SDL_GL_GetProcAddress(name));
    return fn != nullptr;
  }
  bool load_all() {
    return load(Viewport, "glViewport") && load(ClearColor, "glClearColor") && load(Clear, "glClear") &&
           load(Finish, "glFinish") && load(PixelStorei, "glPixelStorei") && load(ReadBuffer, "glReadBuffer") &&
           load(ReadPixels, "glReadPixels");
  }
};

class GlRenderer final : public FrameRenderer {
 public:
  explicit GlRenderer(SDL_Window* window) : window_(window) {}
  ~GlRenderer() override {
    if (imgui_gl_) ImGui_ImplOpenGL3_Shutdown();
    if (imgui_sdl_) ImGui_ImplSDL2_Shutdown();
    if (context_) SDL_GL_DeleteContext(context_);
  }

  bool start(bool vsync, std::string& error, std::string& note) {
    context_ = SDL_GL_CreateContext(window_);
    if (!context_) {
      error = std::string("cannot create an OpenGL 3.0 context: ") + SDL_GetError();
      return false;
    }
    SDL_GL_MakeCurrent(window_, context_);
    if (vsync && SDL_GL_SetSwapInterval(1) != 0) note = std::string("no vsync: ") + SDL_GetError();
    if (!gl_.load_all()) {
      error = "OpenGL entry points missing";
      return false;
    }
    imgui_sdl_ = ImGui_ImplSDL2_InitForOpenGL(window_, context_);
    if (!imgui_sdl_) {
      error = "ImGui SDL2 backend failed to start";
      return false;
    }
    imgui_gl_ = ImGui_ImplOpenGL3_Init("#version 130");
    if (!imgui_gl_) {
      error = "ImGui OpenGL3 backend failed to start";
      return false;
    }
    return true;
  }

  RenderPath path() const override { return RenderPath::gl; }
  void new_frame() override { ImGui_ImplOpenGL3_NewFrame(); }
  void draw(const ImDrawData* data, unsigned background) override {
    SDL_GL_GetDrawableSize(window_, &w_, &h_);
    gl_.Viewport(0, 0, w_, h_);
    const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(background);
    gl_.ClearColor(bg.x, bg.y, bg.z, 1.0f);
    gl_.Clear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(const_cast<ImDrawData*>(data));
  }
  void finish() override { gl_.Finish(); }
  void present() override { SDL_GL_SwapWindow(window_); }
  void reload_font_texture() override {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  // GL rows run bottom-up.
  bool write_png(const std::string& path, int& w, int& h) override {
    w = w_;
    h = h_;
    const std::size_t stride = static_cast<std::size_t>(w) * 3;
    std::vector<unsigned char> pixels(stride * static_cast<std::size_t>(h));
    gl_.Finish();
    gl_.ReadBuffer(GL_BACK);
    gl_.PixelStorei(GL_PACK_ALIGNMENT, 1);
    gl_.ReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    std::vector<unsigned char> flipped(pixels.size());
    for (int y = 0; y < h; ++y)
      std::copy_n(pixels.data() + static_cast<std::size_t>(h - 1 - y) * stride, stride,
                  flipped.data() + static_cast<std::size_t>(y) * stride);
    return write_rgb_png(path, w, h, flipped);
  }

 private:
  SDL_Window* window_;
  SDL_GLContext context_ = nullptr;
  GlFunctions gl_;
  bool imgui_sdl_ = false;
  bool imgui_gl_ = false;
  int w_ = 0;
  int h_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Software
// ---------------------------------------------------------------------------------------------

// ImGui's vertex colour is IM_COL32: red in the lowest byte, so in memory it reads r, g, b, a,
// which is SDL_Color's layout. SDL_RenderGeometryRaw then takes ImGui's buffers as they are.
static_assert(IM_COL32_R_SHIFT == 0 && IM_COL32_A_SHIFT == 24, "vertex colours must be RGBA in memory");
static_assert(sizeof(SDL_Color) == sizeof(ImU32));

class SoftwareRenderer final : public FrameRenderer {
 public:
  SoftwareRenderer(SDL_Window* window, bool paced) : window_(window), paced_(paced) {}
  ~SoftwareRenderer() override {
    drop_texture();
    if (imgui_sdl_) ImGui_ImplSDL2_Shutdown();
    if (renderer_) SDL_DestroyRenderer(renderer_);
  }

  bool start(std::string& error) {
    renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
    if (!renderer_) {
      error = std::string("cannot create SDL's software renderer: ") + SDL_GetError();
      return false;
    }
    imgui_sdl_ = ImGui_ImplSDL2_InitForSDLRenderer(window_);
    if (!imgui_sdl_) {
      error = "ImGui SDL2 backend failed to start";
      return false;
    }
    ImGuiIO& io = ImGui::GetIO();
    io.BackendRendererName = "posdrill_sdl_software";
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;  // each command says where its vertices start
    return true;
  }

  RenderPath path() const override { return RenderPath::software; }
  void new_frame() override {
    if (!texture_) make_texture();
    // No anti-aliased fringes on shapes (text keeps its anti-aliasing, which is in the atlas).
    // SDL's rasterizer darkens a colour as its alpha fades across a triangle, so every fringe
    // drew a dark rim round the shape; and ImGui's textured thin lines came out one or two pixels
    // wide depending on where they fell. Without fringes every shape is a fan (fill_fan).
    ImGuiStyle& style = ImGui::GetStyle();
    style.AntiAliasedFill = false;
    style.AntiAliasedLines = false;
    style.AntiAliasedLinesUseTex = false;
  }

  void draw(const ImDrawData* data, unsigned background) override {
    SDL_RenderSetClipRect(renderer_, nullptr);
    SDL_SetRenderDrawColor(renderer_, Uint8(background & 0xFF), Uint8((background >> 8) & 0xFF),
                           Uint8((background >> 16) & 0xFF), 255);
    SDL_RenderClear(renderer_);
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    // One viewport, no high-DPI scaling (the window is made without SDL_WINDOW_ALLOW_HIGHDPI):
    // ImGui's coordinates are the framebuffer's, less DisplayPos.
    const ImVec2 origin = data->DisplayPos;
    for (int n = 0; n < data->CmdListsCount; ++n) {
      const ImDrawList* list = data->CmdLists[n];
      for (const ImDrawCmd& cmd : list->CmdBuffer) {
        if (cmd.UserCallback) {
          if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
          continue;
        }
        const float x1 = std::max(cmd.ClipRect.x - origin.x, 0.0f);
        const float y1 = std::max(cmd.ClipRect.y - origin.y, 0.0f);
        const float x2 = cmd.ClipRect.z - origin.x;
        const float y2 = cmd.ClipRect.w - origin.y;
        if (x2 <= x1 || y2 <= y1) continue;
        const SDL_Rect clip{int(x1), int(y1), int(x2 - x1), int(y2 - y1)};
        SDL_RenderSetClipRect(renderer_, &clip);
        draw_command(*list, cmd, white, clip);
      }
    }
    SDL_RenderSetClipRect(renderer_, nullptr);
  }

  // The software renderer draws as it is called.
  void finish() override { SDL_RenderFlush(renderer_); }
  // Without vsync a finger dragging a list would draw as fast as the CPU goes: at most one frame
  // per display refresh (60 Hz) instead, as GL's swap interval does.
  void present() override {
    SDL_RenderPresent(renderer_);
    if (!paced_) return;
    const Uint64 now = SDL_GetTicks64();
    if (last_present_ != 0 && now - last_present_ < frame_ms) SDL_Delay(Uint32(frame_ms - (now - last_present_)));
    last_present_ = SDL_GetTicks64();
  }
  void reload_font_texture() override {
    drop_texture();
    make_texture();
  }
  bool write_png(const std::string& path, int& w, int& h) override {
    if (SDL_GetRendererOutputSize(renderer_, &w, &h) != 0) return false;
    std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    if (SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_RGB24, rgb.data(), w * 3) != 0) return false;
    return write_rgb_png(path, w, h, rgb);
  }

 private:
  // ImGui draws a filled shape as textured triangles that all sample the atlas's white pixel.
  // Textured, SDL stretches that pixel over the shape with a per-pixel modulate-and-blend blit;
  // even untextured, SDL's triangle rasterizer walks each triangle's whole bounding box, and a
  // rounded panel is a fan of triangles that each span most of it. Those were nearly all of a
  // frame's time. So each command goes out in ImGui's order as runs: glyphs and other textured
  // triangles to SDL as they are; a fan of one colour (a filled rectangle, rounded or not, and
  // each segment of a line: ImGui fills every convex shape as a fan) as rows of plain fills
  // (fill_fan); anything else (a shape shaded corner to corner) to SDL's rasterizer untextured.
  void draw_command(const ImDrawList& list, const ImDrawCmd& cmd, ImVec2 white, const SDL_Rect& clip) {
    const ImDrawVert* v = list.VtxBuffer.Data + cmd.VtxOffset;
    const int vertices = list.VtxBuffer.Size - int(cmd.VtxOffset);
    const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset;
    const unsigned triangles = cmd.ElemCount / 3;
    const auto corner = [&](unsigned t, unsigned k) -> const ImDrawVert& { return v[idx[t * 3 + k]]; };
    const auto textured = [&](unsigned t) {
      for (unsigned k = 0; k < 3; ++k)
        if (corner(t, k).uv.x != white.x || corner(t, k).uv.y != white.y) return true;
      return false;
    };
    const auto one_colour = [&](unsigned t, ImU32 col) {
      return corner(t, 0).col == col && corner(t, 1).col == col && corner(t, 2).col == col;
    };
    // How many triangles from t on form a fan of one colour: (a b c) (a c d) (a d e) ...
    const auto fan_length = [&](unsigned t) {
      if (textured(t) || !one_colour(t, corner(t, 0).col)) return 0u;
      const ImU32 col = corner(t, 0).col;
      unsigned n = 1;
      while (t + n < triangles && idx[(t + n) * 3] == idx[t * 3] && idx[(t + n) * 3 + 1] == idx[(t + n - 1) * 3 + 2] &&
             !textured(t + n) && one_colour(t + n, col))
        ++n;
      return n;
    };
    SDL_Texture* texture = static_cast<SDL_Texture*>(cmd.GetTexID());
    const int stride = int(sizeof(ImDrawVert));
    const auto to_sdl = [&](unsigned from, unsigned to, bool with_texture) {
      if (!with_texture) SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
      SDL_RenderGeometryRaw(renderer_, with_texture ? texture : nullptr, &v->pos.x, stride,
                            reinterpret_cast<const SDL_Color*>(&v->col), stride, with_texture ? &v->uv.x : nullptr,
                            stride, vertices, idx + from * 3, int(to - from) * 3, int(sizeof(ImDrawIdx)));
    };
    unsigned t = 0;
    while (t < triangles) {
      if (const unsigned fan = fan_length(t); fan > 0) {
        fan_points_.clear();
        fan_points_.push_back(corner(t, 0).pos);
        fan_points_.push_back(corner(t, 1).pos);
        for (unsigned k = 0; k < fan; ++k) fan_points_.push_back(corner(t + k, 2).pos);
        if (!(fan == 2 && thin_stroke(corner(t, 0).col))) {
          flush_stroke();
          fill_fan(corner(t, 0).col, clip);
        }
        t += fan;
        continue;
      }
      flush_stroke();
      const bool run_textured = textured(t);
      unsigned end = t + 1;
      while (end < triangles && textured(end) == run_textured && (run_textured || fan_length(end) == 0)) ++end;
      to_sdl(t, end, run_textured);
      t = end;
    }
    flush_stroke();
  }

  // A quad in fan_points_ a pixel thick or less, slanted or thinner than a pixel, is a piece of a
  // line: ImGui strokes an outline as one such quad a segment. Filled by pixel centres, a short
  // one (a rounded corner is many) can hold no centre at all and the outline came out dotted, and
  // drawn as hard one-pixel lines a curve came out as a staircase of loose pixels. So the pieces
  // of one outline are gathered (stroke_) with each pixel's coverage, the way GL's anti-aliasing
  // shades it: full on the line, fading to nothing a pixel away. Where two pieces meet, a pixel
  // keeps the larger coverage, not the sum (no bright dot at a joint). flush_stroke() draws
  // them. False: not such a quad.
  bool thin_stroke(ImU32 col) {
    const ImVec2* q = fan_points_.data();
    const auto length = [](ImVec2 a, ImVec2 b) { return std::hypot(a.x - b.x, a.y - b.y); };
    const auto middle = [](ImVec2 a, ImVec2 b) { return ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f); };
    const bool first_short = length(q[0], q[1]) < length(q[1], q[2]);
    const float thickness = first_short ? length(q[0], q[1]) : length(q[1], q[2]);
    const bool upright = (q[0].x == q[1].x || q[0].y == q[1].y) && (q[1].x == q[2].x || q[1].y == q[2].y);
    if (thickness > 1.5f || (upright && thickness >= 1.0f)) return false;
    if (!stroke_.empty() && stroke_col_ != col) flush_stroke();
    stroke_col_ = col;
    const ImVec2 a = first_short ? middle(q[0], q[1]) : middle(q[3], q[0]);
    const ImVec2 b = first_short ? middle(q[2], q[3]) : middle(q[1], q[2]);
    // Coverage of a pixel whose centre lies d from the segment: 1 - d for a one-pixel line, with
    // a thinner line's core narrower (a box filter's rough but cheap stand-in).
    const float reach = 0.5f + 0.5f * std::max(thickness, 0.25f);
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len2 = dx * dx + dy * dy;
    const int x_lo = int(std::floor(std::min(a.x, b.x) - reach)), x_hi = int(std::ceil(std::max(a.x, b.x) + reach));
    const int y_lo = int(std::floor(std::min(a.y, b.y) - reach)), y_hi = int(std::ceil(std::max(a.y, b.y) + reach));
    for (int y = y_lo; y <= y_hi; ++y) {
      for (int x = x_lo; x <= x_hi; ++x) {
        const float px = float(x) + 0.5f - a.x, py = float(y) + 0.5f - a.y;
        const float along = len2 > 0.0f ? std::clamp((px * dx + py * dy) / len2, 0.0f, 1.0f) : 0.0f;
        const float d = std::hypot(px - along * dx, py - along * dy);
        const float cover = std::min(1.0f, reach - d);
        if (cover > 0.02f) stroke_.push_back({x, y, cover});
      }
    }
    return true;
  }

  // Draws the outline gathered by thin_stroke(): each pixel once, at its largest coverage, in the
  // stroke's colour with that much of its alpha; pixels of one shade go out in one call.
  void flush_stroke() {
    if (stroke_.empty()) return;
    std::sort(stroke_.begin(), stroke_.end(), [](const StrokePixel& p, const StrokePixel& r) {
      return p.y != r.y ? p.y < r.y : p.x != r.x ? p.x < r.x : p.cover > r.cover;
    });
    stroke_.erase(std::unique(stroke_.begin(), stroke_.end(),
                              [](const StrokePixel& p, const StrokePixel& r) { return p.x == r.x && p.y == r.y; }),
                  stroke_.end());
    const float alpha = float((stroke_col_ >> IM_COL32_A_SHIFT) & 0xFF);
    // 32 shades are more than the eye tells apart on a hairline.
    const auto shade = [&](const StrokePixel& p) { return int(std::lround(p.cover * 31.0f)); };
    // Grouped by shade; the order within a shade does not matter (and std::sort, unlike
    // stable_sort, takes no buffer on this per-frame path).
    std::sort(stroke_.begin(), stroke_.end(),
              [&](const StrokePixel& p, const StrokePixel& r) { return shade(p) < shade(r); });
    SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
    std::size_t i = 0;
    while (i < stroke_.size()) {
      const int level = shade(stroke_[i]);
      points_.clear();
      for (; i < stroke_.size() && shade(stroke_[i]) == level; ++i)
        points_.push_back(SDL_Point{stroke_[i].x, stroke_[i].y});
      if (level == 0) continue;
      SDL_SetRenderDrawColor(renderer_, Uint8(stroke_col_ >> IM_COL32_R_SHIFT), Uint8(stroke_col_ >> IM_COL32_G_SHIFT),
                             Uint8(stroke_col_ >> IM_COL32_B_SHIFT), Uint8(std::lround(alpha * float(level) / 31.0f)));
      SDL_RenderDrawPoints(renderer_, points_.data(), int(points_.size()));
    }
    stroke_.clear();
  }

  // Fills the convex polygon in fan_points_ with one colour, row by row within `clip`: a pixel is
  // in when its centre is (the rule GL follows).
  void fill_fan(ImU32 col, const SDL_Rect& clip) {
    const auto [lo, hi] = std::minmax_element(fan_points_.begin(), fan_points_.end(),
                                              [](const ImVec2& a, const ImVec2& b) { return a.y < b.y; });
    const int y_first = std::max(clip.y, int(std::ceil(lo->y - 0.5f)));
    const int y_last = std::min(clip.y + clip.h, int(std::ceil(hi->y - 0.5f)));  // exclusive
    if (y_last <= y_first) return;
    rows_.clear();
    const std::size_t n = fan_points_.size();
    for (int y = y_first; y < y_last; ++y) {
      const float cy = float(y) + 0.5f;
      float x_min = 1e30f, x_max = -1e30f;
      for (std::size_t i = 0; i < n; ++i) {
        const ImVec2 a = fan_points_[i];
        const ImVec2 b = fan_points_[(i + 1) % n];
        if ((a.y <= cy) == (b.y <= cy)) continue;  // the edge does not cross this row's centre
        const float x = a.x + (cy - a.y) * (b.x - a.x) / (b.y - a.y);
        x_min = std::min(x_min, x);
        x_max = std::max(x_max, x);
      }
      x_min = std::max(x_min, float(clip.x));
      x_max = std::min(x_max, float(clip.x + clip.w));
      if (!(x_min < x_max)) continue;  // no edge crossed (or outside the clip)
      const int x0 = int(std::ceil(x_min - 0.5f));
      const int x1 = int(std::ceil(x_max - 0.5f));
      if (x1 <= x0) continue;
      // A rectangle's rows are all alike: one taller fill instead of many.
      if (!rows_.empty() && rows_.back().x == x0 && rows_.back().w == x1 - x0 && rows_.back().y + rows_.back().h == y)
        ++rows_.back().h;
      else
        rows_.push_back(SDL_Rect{x0, y, x1 - x0, 1});
    }
    const Uint8 a = Uint8(col >> IM_COL32_A_SHIFT);
    SDL_SetRenderDrawBlendMode(renderer_, a == 0xFF ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(renderer_, Uint8(col >> IM_COL32_R_SHIFT), Uint8(col >> IM_COL32_G_SHIFT),
                           Uint8(col >> IM_COL32_B_SHIFT), a);
    SDL_RenderFillRects(renderer_, rows_.data(), int(rows_.size()));
  }

  void make_texture() {
    ImGuiIO& io = ImGui::GetIO();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    texture_ = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC, w, h);
    if (texture_) {
      SDL_UpdateTexture(texture_, nullptr, pixels, w * 4);
      SDL_SetTextureBlendMode(texture_, SDL_BLENDMODE_BLEND);
    }
    io.Fonts->SetTexID(texture_);
  }
  void drop_texture() {
    if (!texture_) return;
    ImGui::GetIO().Fonts->SetTexID(nullptr);
    SDL_DestroyTexture(texture_);
    texture_ = nullptr;
  }

  static constexpr Uint64 frame_ms = 16;
  SDL_Window* window_;
  bool paced_;
  Uint64 last_present_ = 0;
  SDL_Renderer* renderer_ = nullptr;
  SDL_Texture* texture_ = nullptr;
  bool imgui_sdl_ = false;
  std::vector<ImVec2> fan_points_;  // scratch for fill_fan, kept between frames
  std::vector<SDL_Rect> rows_;
  struct StrokePixel {
    int x, y;
    float cover;
  };
  std::vector<StrokePixel> stroke_;  // the outline thin_stroke() is gathering
  ImU32 stroke_col_ = 0;
  std::vector<SDL_Point> points_;
};

}  // namespace

RenderPath resolve_render_path(RenderPath asked, const std::filesystem::path& dri) {
  if (asked != RenderPath::automatic) return asked;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dri, ec))
    if (entry.path().filename().string().rfind("renderD", 0) == 0) return RenderPath::gl;
  return RenderPath::software;
}

uint32_t prepare_window_for(RenderPath path) {
  if (path == RenderPath::gl) {
    // GL 3.0 + GLSL 130: what Mesa llvmpipe offers under the offscreen driver and every kiosk GPU.
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    return SDL_WINDOW_OPENGL;
  }
  // The window's own framebuffer (X11 shared memory, or memory under the offscreen driver), never
  // a GL texture standing in for it: that would load the GL driver this path is here to avoid.
  SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  return 0;
}

std::unique_ptr<FrameRenderer> make_renderer(RenderPath path, SDL_Window* window, bool vsync, std::string& error,
                                             std::string& note) {
  if (path == RenderPath::software) {
    auto r = std::make_unique<SoftwareRenderer>(window, vsync);
    if (!r->start(error)) return nullptr;
    return r;
  }
  auto r = std::make_unique<GlRenderer>(window);
  if (!r->start(vsync, error, note)) return nullptr;
  return r;
}

}  // namespace posdrill
