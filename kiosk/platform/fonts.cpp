// The kiosk's fonts: the file, the probe and the atlas that grows between frames.

#include "kiosk/platform/fonts.h"

#include "kiosk/platform/atlas_cache.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <fcntl.h>
#include <iconv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

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
bool probe_font(const MappedFile& bytes, int face, const std::vector<uint32_t>& code_points,
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

std::vector<uint32_t> gb2312_hanzi(bool with_level_2) {
  std::vector<uint32_t> out;
  iconv_t cd = iconv_open("UTF-32LE", "GB2312");
  if (cd == reinterpret_cast<iconv_t>(-1)) return out;
  // Hanzi rows: level 1 is 16-55 (bytes 0xB0-0xD7), level 2 is 56-87 (0xD8-0xF7).
  const int last_row = with_level_2 ? 0xF7 : 0xD7;
  for (int row = 0xB0; row <= last_row; ++row)
    for (int col = 0xA1; col <= 0xFE; ++col) {
      char in[2] = {static_cast<char>(row), static_cast<char>(col)};
      unsigned char buf[4];
      char* ip = in;
      char* op = reinterpret_cast<char*>(buf);
      std::size_t il = 2, ol = sizeof buf;
      if (iconv(cd, &ip, &il, &op, &ol) != static_cast<std::size_t>(-1) && ol == 0)
        out.push_back(uint32_t(buf[0]) | uint32_t(buf[1]) << 8 | uint32_t(buf[2]) << 16 | uint32_t(buf[3]) << 24);
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  iconv_close(cd);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    reset();
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}

void MappedFile::reset() {
  if (data_) munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

bool MappedFile::open(const std::filesystem::path& path, std::size_t max_bytes, std::string& error) {
  reset();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::generic_category().message(errno);
    return false;
  }
  struct stat st {};
  bool ok = fstat(fd, &st) == 0;
  if (!ok) error = std::generic_category().message(errno);
  if (ok && (!S_ISREG(st.st_mode) || st.st_size <= 0 || static_cast<std::size_t>(st.st_size) > max_bytes)) {
    error = "unexpected size " + std::to_string(st.st_size) + " bytes";
    ok = false;
  }
  if (ok) {
    void* p = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      error = std::generic_category().message(errno);
      ok = false;
    } else {
      data_ = static_cast<unsigned char*>(p);
      size_ = static_cast<std::size_t>(st.st_size);
    }
  }
  ::close(fd);
  return ok;
}

std::optional<ChosenFont> choose_font(const std::vector<uint32_t>& code_points, void (*log)(const std::string& line)) {
  std::optional<ChosenFont> best;
  for (const FontCandidate& c : font_candidates) {
    ChosenFont f;
    f.path = c.path;
    f.face = c.face;
    std::string error;
    if (!f.bytes.open(c.path, max_font_bytes, error) ||
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
  ImVector<ImWchar> body_ranges;
  if (!body_only_.code_points().empty()) {
    std::vector<uint32_t> both;
    std::set_union(glyphs_.code_points().begin(), glyphs_.code_points().end(), body_only_.code_points().begin(),
                   body_only_.code_points().end(), std::back_inserter(both));
    body_ranges = glyph_ranges(both);
  }
  atlas.Clear();
  const Theme t = add_theme_fonts(atlas, font_.bytes.data(), font_.bytes.size(), font_.face, metrics_,
                                  font_.line_per_em, ranges.Data, body_ranges.empty() ? nullptr : body_ranges.Data);
  if (!t.body || !t.heading || !atlas.Build()) {
    error = "cannot build the font atlas from " + font_.path + " face " + std::to_string(font_.face);
    return false;
  }
  ranges_.swap(ranges);
  body_ranges_.swap(body_ranges);
  theme_ = t;
  built_glyphs_ = glyphs_.code_points().size();
  built_body_changes_ = body_changes_;
  last_ = AtlasBuild{built_glyphs_, body_only_.code_points().size(), atlas.TexWidth, atlas.TexHeight, ms_since(t0)};
  return true;
}

std::size_t KioskFonts::add_body_text(std::string_view text) {
  if (glyphs_.covers(text) || body_only_.covers(text)) return 0;
  // Only what neither font set holds is new (the rest is drawn already).
  GlyphSet probe;
  probe.add(text);
  std::vector<uint32_t> merged = body_only_.code_points();
  const std::size_t before = merged.size();
  for (uint32_t cp : probe.code_points())
    if (!glyphs_.contains(cp) && !body_only_.contains(cp)) merged.push_back(cp);
  if (merged.size() == before) return 0;
  std::sort(merged.begin(), merged.end());
  body_only_ = GlyphSet(std::move(merged));
  ++body_changes_;
  return body_only_.code_points().size() - before;
}

void KioskFonts::start_body_prefetch(const std::vector<uint32_t>& code_points) {
  if (prefetch_) return;
  prefetch_ = true;
  std::vector<uint32_t> all = body_only_.code_points();  // candidates already shown stay
  all.insert(all.end(), code_points.begin(), code_points.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  body_only_ = GlyphSet(std::move(all));
  ++body_changes_;
}

void KioskFonts::end_body_prefetch() {
  if (!prefetch_ && body_only_.code_points().empty()) return;
  prefetch_ = false;
  body_only_ = GlyphSet();
  ++body_changes_;  // a rebuild drops them
}

bool KioskFonts::build(ImFontAtlas& atlas, std::string& error) { return build_from_bytes(atlas, error); }

bool KioskFonts::restore(ImFontAtlas& atlas, const std::filesystem::path& file, std::string& why) {
  const auto t0 = std::chrono::steady_clock::now();
  Theme t;
  t.metrics = metrics_;
  if (!load_atlas_cache(file, atlas, t, why)) return false;
  theme_ = t;
  built_glyphs_ = glyphs_.code_points().size();
  built_body_changes_ = body_changes_;
  last_ = AtlasBuild{built_glyphs_, body_only_.code_points().size(), atlas.TexWidth, atlas.TexHeight, ms_since(t0), true};
  return true;
}

void KioskFonts::release_cpu_copies(ImFontAtlas& atlas) {
  atlas.ClearTexData();
  atlas.ClearInputData();
  font_.bytes.reset();
}

bool KioskFonts::rebuild(ImFontAtlas& atlas, std::string& error) {
  const auto t0 = std::chrono::steady_clock::now();
  if (font_.bytes.empty() && !font_.bytes.open(font_.path, max_font_bytes, error)) {
    error = font_.path + ": " + error;
    return false;
  }
  const bool built = build_from_bytes(atlas, error);
  if (!built) {
    built_glyphs_ = glyphs_.code_points().size();  // tried: wait for new characters before trying again
    built_body_changes_ = body_changes_;
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
