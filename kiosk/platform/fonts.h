// The kiosk's fonts: choosing a CJK font file FreeType can open, and the atlas that grows at run
// time when a text brings characters it does not hold yet. Platform code (FreeType; the caller
// uploads the texture); the screens see only the Theme.
//
// Why grow rather than carry everything: all of Noto Sans CJK's ~30 000 glyphs at the kiosk's two
// sizes take 0.35-0.86 s and ~270 MB to rasterize; the content's own characters plus the names on
// record are a few thousand. A name typed on the kiosk or a store name from the LRS adds its few
// characters, and the atlas is rebuilt between two frames (bench/bench_atlas.cpp measures it).
#pragma once

#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/glyphs.h"
#include "kiosk/ui/theme.h"

namespace posdrill {

// Font files are large (Noto CJK is ~19 MB); anything past this bound is not a font we know.
inline constexpr std::size_t max_font_bytes = 64u << 20;

// A whole file mapped read-only. FreeType reads a face's tables and the outlines of the glyphs it
// rasterizes, a few MB of Noto Sans CJK's 19: only those pages are ever read into memory, where a
// copy on the heap held all of it (the largest single block of the kiosk's start-up peak). The
// font packages replace a file by renaming a new one over it, which leaves a mapping intact.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile() { reset(); }
  MappedFile(MappedFile&& o) noexcept { *this = std::move(o); }
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `path` (1..max_bytes bytes); false with `error` otherwise, leaving this empty.
  bool open(const std::filesystem::path& path, std::size_t max_bytes, std::string& error);
  void reset();
  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

struct ChosenFont {
  std::string path;
  int face = 0;
  std::string family;
  float line_per_em = 1.0f;  // (ascender - descender) / units per em: ImGui sizes fonts by it
  MappedFile bytes;
  std::size_t missing = 0;  // code points of the glyph set the face lacks
};

// The first candidate font (Noto Sans CJK SC, then WenQuanYi Micro Hei) that opens and covers every
// code point; otherwise the one missing the fewest; nullopt when none opens. `log` gets one line
// per unusable or incomplete candidate.
std::optional<ChosenFont> choose_font(const std::vector<uint32_t>& code_points, void (*log)(const std::string& line));

// What one atlas build cost, for the start-up log line and the rebuild log lines.
struct AtlasBuild {
  std::size_t glyphs = 0;     // code points asked for at both sizes
  std::size_t body_only = 0;  // and at body size only (the keyboard's prefetch and candidates)
  int width = 0, height = 0;
  double ms = 0;  // rasterizing and packing (and, on a rebuild, re-reading the font file)
  bool from_cache = false;  // read from a previous start's file instead (restore())
};

// The hanzi of GB 2312 level 1 (3 755, the commonly used ones), or of levels 1 and 2 (6 763), as
// code points, decoded by the C library's converter (no table lives here); empty when the
// converter lacks GB 2312.
std::vector<uint32_t> gb2312_hanzi(bool with_level_2);

// The atlas of the kiosk's ImGui context. Holds the glyph set and the font's path, not its mapping
// (dropped once the texture is on the GPU; a rebuild maps the file again).
class KioskFonts {
 public:
  KioskFonts(ChosenFont font, GlyphSet glyphs, const ThemeMetrics& metrics);

  // The first build, before the first frame (the GL backend uploads the texture at its first
  // NewFrame). False with `error` when FreeType cannot build it.
  bool build(ImFontAtlas& atlas, std::string& error);
  // Instead of build(): the atlas a previous start wrote to `file` (atlas_cache.h) for this glyph
  // set, font and sizes. False with `why` (the atlas is then empty: build() it).
  bool restore(ImFontAtlas& atlas, const std::filesystem::path& file, std::string& why);
  // Drops the CPU copies (atlas pixels, font bytes) once the texture is on the GPU.
  void release_cpu_copies(ImFontAtlas& atlas);

  // Adds the code points of `text`; returns how many are new (then rebuild() is due).
  std::size_t add_text(std::string_view text) { return glyphs_.add(text); }
  // Adds a sorted, unique list of code points (a reloaded scenario's glyph set).
  std::size_t add_code_points(const std::vector<uint32_t>& code_points) { return glyphs_.add(code_points); }
  // Text drawn at body size only (the on-screen keyboard's composition and candidates): its new
  // code points go to the body font alone; returns how many are new.
  std::size_t add_body_text(std::string_view text);
  // While a form with the on-screen keyboard is open, the body font also holds `code_points`
  // (common_hanzi(): what a pinyin candidate page nearly always shows), so typing pinyin does
  // not rebuild the atlas at every key. One rebuild when it starts, one when it ends.
  void start_body_prefetch(const std::vector<uint32_t>& code_points);
  void end_body_prefetch();
  bool body_prefetch() const { return prefetch_; }
  bool rebuild_due() const {
    return glyphs_.code_points().size() != built_glyphs_ || body_changes_ != built_body_changes_;
  }
  // Rebuilds the atlas on the CPU with every glyph added since (reading the font file again when
  // its bytes were released); the caller then uploads the texture and may release the copies.
  // Only between frames (ImGui locks the atlas inside one). False with `error` when the file
  // cannot be read (the old atlas stays) or no longer builds (ImGui's own font stands in, CJK
  // as '?').
  bool rebuild(ImFontAtlas& atlas, std::string& error);

  const Theme& theme() const { return theme_; }
  const GlyphSet& glyphs() const { return glyphs_; }
  const ChosenFont& font() const { return font_; }
  const AtlasBuild& last_build() const { return last_; }

 private:
  bool build_from_bytes(ImFontAtlas& atlas, std::string& error);

  ChosenFont font_;
  GlyphSet glyphs_;
  ThemeMetrics metrics_;
  GlyphSet body_only_;  // the keyboard's prefetch and candidates: body size only
  bool prefetch_ = false;
  ImVector<ImWchar> ranges_;       // must outlive the atlas's fonts
  ImVector<ImWchar> body_ranges_;  // empty when the body holds no more than the heading
  Theme theme_;
  std::size_t built_glyphs_ = 0;     // glyphs_ only grows: its size tells whether it changed
  uint64_t body_changes_ = 0;        // every change of body_only_ (it also shrinks)
  uint64_t built_body_changes_ = 0;  // body_changes_ as of the last build
  AtlasBuild last_;
};

}  // namespace posdrill
