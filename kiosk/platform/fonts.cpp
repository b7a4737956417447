// The kiosk's fonts: the file, the probe and the atlas that grows between frames.

#include "kiosk/platform/fonts.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <chrono>
#include <fstream>
#include <system_error>

namespace posdrill {

namespace {

struct FontCandidate {
  const char* path;
  int face;  // index inside a TTC collection
};

// Noto Sans CJK's collection holds JP, KR, SC, TC, HK faces in that order: index 2 draws the
// Simplified Chinese forms (index 0 would draw Japanese forms of shared characters).
constexpr FontCandidate font_candidates[] = {
    {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
    {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0},
};

// Opens `face` with FreeType (the builder the atlas uses) and counts the glyphs it lacks.
bool probe_font(const std::vector<unsigned char>& bytes, int face, const std::vector<uint32_t>& code_points,
                ChosenFont& out, std::string& error) {
  FT_Library lib = nullptr;
  if (FT_Init_FreeType(&lib) != 0) {
    error = "FreeType did not initialize";
    return false;
  }
  FT_Face f = nullptr;
  const FT_Error err = FT_New_Memory_Face(lib, bytes.data(), static_cast<FT_Long>(bytes.size()), face, &f);
  bool ok = err == 0;
  if (!ok) {
    error = "FreeType cannot open face " + std::to_string(face) + " (error " + std::to_string(err) + ")";
  } else {
    out.family = f->family_name ? f->family_name : "";
    if (f->units_per_EM > 0)
      out.line_per_em = static_cast<float>(f->ascender - f->descender) / static_cast<float>(f->units_per_EM);
    out.missing = 0;
    for (uint32_t cp : code_points)
      if (cp <= IM_UNICODE_CODEPOINT_MAX && FT_Get_Char_Index(f, cp) == 0) ++out.missing;
    FT_Done_Face(f);
  }
  FT_Done_FreeType(lib);
  return ok;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

bool read_binary_file(const std::filesystem::path& path, std::size_t max_bytes, std::vector<unsigned char>& out,
                      std::string& error) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    error = ec.message();
    return false;
  }
  if (size == 0 || size > max_bytes) {
    error = "unexpected size " + std::to_string(size) + " bytes";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  out.resize(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()))) {
    error = "read failed";
    return false;
  }
  return true;
}

std::optional<ChosenFont> choose_font(const std::vector<uint32_t>& code_points, void (*log)(const std::string& line)) {
  std::optional<ChosenFont> best;
  for (const FontCandidate& c : font_candidates) {
    ChosenFont f;
    f.path = c.path;
    f.face = c.face;
    std::string error;
    if (!read_binary_file(c.path, max_font_bytes, f.bytes, error) ||
        !probe_font(f.bytes, c.face, code_points, f, error)) {
      log("font " + f.path + " unusable: " + error);
      continue;
    }
    if (f.missing > 0) log("font " + f.path + " lacks " + std::to_string(f.missing) + " glyphs the texts use");
    if (!best || f.missing < best->missing) best = std::move(f);
    if (best->missing == 0) break;
  }
  return best;
}

KioskFonts::KioskFonts(ChosenFont font, GlyphSet glyphs, const ThemeMetrics& metrics)
    : font_(std::move(font)), glyphs_(std::move(glyphs)), metrics_(metrics) {}

bool KioskFonts::build_from_bytes(ImFontAtlas& atlas, std::string& error) {
  const auto t0 = std::chrono::steady_clock::now();
  ImVector<ImWchar> ranges = glyph_ranges(glyphs_.code_points());
  atlas.Clear();
  const Theme t = add_theme_fonts(atlas, font_.bytes.data(), font_.bytes.size(), font_.face, metrics_,
                                  font_.line_per_em, ranges.Data);
  if (!t.body || !t.heading || !atlas.Build()) {
    error = "cannot build the font atlas from " + font_.path + " face " + std::to_string(font_.face);
    return false;
  }
  ranges_.swap(ranges);
  theme_ = t;
  built_glyphs_ = glyphs_.code_points().size();
  last_ = AtlasBuild{built_glyphs_, atlas.TexWidth, atlas.TexHeight, ms_since(t0)};
  return true;
}

bool KioskFonts::build(ImFontAtlas& atlas, std::string& error) { return build_from_bytes(atlas, error); }

void KioskFonts::release_cpu_copies(ImFontAtlas& atlas) {
  atlas.ClearTexData();
  atlas.ClearInputData();
  font_.bytes.clear();
  font_.bytes.shrink_to_fit();
}

bool KioskFonts::rebuild(ImFontAtlas& atlas, std::string& error) {
  const auto t0 = std::chrono::steady_clock::now();
  if (font_.bytes.empty() && !read_binary_file(font_.path, max_font_bytes, font_.bytes, error)) {
    error = font_.path + ": " + error;
    return false;
  }
  const bool built = build_from_bytes(atlas, error);
  if (!built) {
    built_glyphs_ = glyphs_.code_points().size();  // tried: wait for new characters before trying again
    // The old fonts went with Clear(), and a font that built before failing now means the file
    // changed under us: ImGui's own font keeps the screens drawing (CJK as '?') until a restart.
    atlas.Clear();
    atlas.AddFontDefault();
    atlas.Build();
    theme_ = Theme{};
    theme_.metrics = metrics_;
  }
  last_.ms = ms_since(t0);
  return built;
}

}  // namespace posdrill
