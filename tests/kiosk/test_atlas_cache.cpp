// The warm start's files (kiosk/platform/atlas_cache.h): the glyph set and the font atlas written
// by one start and read by the next, with the real font file and FreeType build; what changes
// their keys; and files that are refused. The real binary's warm start is
// tests/kiosk/atlas_cache_test.sh.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kiosk/core/glyphs.h"
#include "kiosk/platform/atlas_cache.h"
#include "kiosk/platform/fonts.h"
#include "kiosk_fixture.h"

namespace posdrill {

namespace {

void quiet(const std::string&) {}

using Folder = test::TempDir;

void write(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

KioskFonts small_fonts() {
  GlyphSet set;
  set.add("收银台终端 请插卡 ABC abc 0123456789 ¥.,:");
  std::optional<ChosenFont> font = choose_font(set.code_points(), quiet);
  REQUIRE(font);
  return KioskFonts(std::move(*font), set, theme_metrics(800.0f));
}

}  // namespace

TEST_CASE("an atlas read back from its file is the atlas that was built", "[font][atlas_cache]") {
  Folder dir;
  KioskFonts built = small_fonts();
  ImFontAtlas a;
  std::string error;
  REQUIRE(built.build(a, error));
  const std::filesystem::path file = atlas_cache_file(dir.path, 42);
  REQUIRE(save_atlas_cache(file, a, built.theme(), error));
  const std::vector<unsigned char> pixels(a.TexPixelsAlpha8, a.TexPixelsAlpha8 + a.TexWidth * a.TexHeight);

  KioskFonts again = small_fonts();
  ImFontAtlas b;
  std::string why;
  REQUIRE(again.restore(b, file, why));
  CHECK(again.last_build().from_cache);
  CHECK_FALSE(again.rebuild_due());
  REQUIRE(b.Fonts.Size == a.Fonts.Size);
  CHECK(b.TexWidth == a.TexWidth);
  CHECK(b.TexHeight == a.TexHeight);
  CHECK(b.TexUvWhitePixel.x == a.TexUvWhitePixel.x);
  CHECK(b.TexUvWhitePixel.y == a.TexUvWhitePixel.y);
  CHECK(std::memcmp(b.TexUvLines, a.TexUvLines, sizeof a.TexUvLines) == 0);
  CHECK(std::equal(pixels.begin(), pixels.end(), b.TexPixelsAlpha8));
  for (int i = 0; i < a.Fonts.Size; ++i) {
    const ImFont& x = *a.Fonts[i];
    const ImFont& y = *b.Fonts[i];
    CHECK(y.FontSize == x.FontSize);
    CHECK(y.Ascent == x.Ascent);
    CHECK(y.Descent == x.Descent);
    REQUIRE(y.Glyphs.Size == x.Glyphs.Size);
    CHECK(std::memcmp(y.Glyphs.Data, x.Glyphs.Data, sizeof(ImFontGlyph) * x.Glyphs.Size) == 0);
    CHECK(y.FallbackChar == x.FallbackChar);
    CHECK(y.FallbackAdvanceX == x.FallbackAdvanceX);
    CHECK(y.ContainerAtlas == &b);
    const char* text = "收银台终端 ABC 123";
    CHECK(y.CalcTextSizeA(y.FontSize, 1e9f, 0.0f, text).x == x.CalcTextSizeA(x.FontSize, 1e9f, 0.0f, text).x);
    CHECK(y.FindGlyphNoFallback(0x6536) != nullptr);  // 收
  }
  // The theme's fonts are the same two, in their roles.
  REQUIRE(again.theme().body);
  REQUIRE(again.theme().heading);
  CHECK(again.theme().body->FontSize == built.theme().body->FontSize);
  CHECK(again.theme().heading->FontSize == built.theme().heading->FontSize);
  CHECK(again.theme().body->FontSize < again.theme().heading->FontSize);
  // What the GL backend asks for at its first frame: the pixels as they are, no build.
  unsigned char* rgba = nullptr;
  int w = 0, h = 0;
  b.GetTexDataAsRGBA32(&rgba, &w, &h);
  CHECK(w == a.TexWidth);
  CHECK(b.Fonts.Size == a.Fonts.Size);
  CHECK(b.IsBuilt());
}

TEST_CASE("a missing, short, foreign or damaged atlas file is refused with the reason", "[font][atlas_cache]") {
  Folder dir;
  KioskFonts fonts = small_fonts();
  ImFontAtlas a;
  std::string error, why;
  const std::filesystem::path file = atlas_cache_file(dir.path, 7);
  CHECK_FALSE(fonts.restore(a, file, why));
  CHECK(why == "none for this content yet");
  REQUIRE(fonts.build(a, error));
  REQUIRE(save_atlas_cache(file, a, fonts.theme(), error));
  const std::string good = read(file);

  const auto refused = [&](const std::string& bytes, const std::string& reason) {
    write(file, bytes);
    ImFontAtlas b;
    Theme t;
    std::string w;
    CHECK_FALSE(load_atlas_cache(file, b, t, w));
    INFO(w);
    CHECK(w.find(reason) != std::string::npos);
    CHECK(b.Fonts.Size == 0);  // nothing half-read stays
    CHECK(t.body == nullptr);
  };
  refused(good.substr(0, 10), "too short");
  refused("XXXXXXXX" + good.substr(8), "not a posdrill cache file");
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  refused(flipped, "damaged (checksum)");
  refused(good.substr(0, good.size() - 1), "damaged (checksum)");
  // A glyph set file is not an atlas file.
  std::string e;
  REQUIRE(save_glyph_cache(dir.path / "glyphs-x.bin", {1, 2}, e));
  refused(read(dir.path / "glyphs-x.bin"), "not a posdrill cache file");
}

TEST_CASE("a glyph set file reads back; an unsorted one is refused; the folder keeps one of each kind",
          "[font][atlas_cache]") {
  Folder dir;
  std::string error, why;
  const std::vector<uint32_t> set = {0x20, 0x41, 0x6536, 0x94F6};
  REQUIRE(save_glyph_cache(glyph_cache_file(dir.path, 1), set, error));
  const auto back = load_glyph_cache(glyph_cache_file(dir.path, 1), why);
  REQUIRE(back);
  CHECK(*back == set);
  REQUIRE(save_glyph_cache(glyph_cache_file(dir.path, 2), {0x42, 0x41}, error));
  CHECK_FALSE(load_glyph_cache(glyph_cache_file(dir.path, 2), why));
  CHECK(why.find("not sorted") != std::string::npos);
  // Writing key 2 removed key 1's file: a kiosk whose content changes does not pile them up.
  CHECK_FALSE(std::filesystem::exists(glyph_cache_file(dir.path, 1)));
  write(dir.path / "atlas-old.bin", "x");
  KioskFonts fonts = small_fonts();
  ImFontAtlas a;
  REQUIRE(fonts.build(a, error));
  REQUIRE(save_atlas_cache(atlas_cache_file(dir.path, 3), a, fonts.theme(), error));
  CHECK_FALSE(std::filesystem::exists(dir.path / "atlas-old.bin"));
  CHECK(std::filesystem::exists(glyph_cache_file(dir.path, 2)));  // the other kind stays
}

TEST_CASE("the glyph set's key follows every content byte, the program, the names and the spare terminal",
          "[font][atlas_cache]") {
  Folder dir;
  const std::filesystem::path content = dir.path / "content", program = dir.path / "posdrill";
  write(content / "scenarios" / "a.yaml", "id: a\n");
  write(content / "ui" / "strings.yaml", "x: {zh: 好, en: ok}\n");
  write(program, "v1");
  const auto key = [&](const std::vector<std::string>& names = {"王小明"}, bool spare = false) {
    uint64_t k = 0;
    std::string error;
    REQUIRE(glyph_cache_key(content, program, names, spare, k, error));
    return k;
  };
  const uint64_t k0 = key();
  CHECK(key() == k0);
  CHECK(key({"王小明", "李娜"}) != k0);
  CHECK(key({"王小明"}, true) != k0);
  write(content / "scenarios" / "a.yaml", "id: b\n");
  const uint64_t k1 = key();
  CHECK(k1 != k0);
  write(content / "scenarios" / "b.yaml", "");
  const uint64_t k2 = key();
  CHECK(k2 != k1);
  // A new program (another size, or written later) plays the terminal's texts anew.
  write(program, "version 2");
  CHECK(key() != k2);
  // A content folder that cannot be listed is an error, not a key.
  uint64_t k = 0;
  std::string error;
  CHECK_FALSE(glyph_cache_key(dir.path / "nowhere", program, {}, false, k, error));
  CHECK_FALSE(error.empty());
  // The atlas's key follows the glyph set's and the sizes.
  CHECK(atlas_cache_key(k0, program, 2, 20, 30, 1.4f) != atlas_cache_key(k1, program, 2, 20, 30, 1.4f));
  CHECK(atlas_cache_key(k0, program, 2, 20, 30, 1.4f) != atlas_cache_key(k0, program, 2, 21, 30, 1.4f));
  CHECK(atlas_cache_key(k0, program, 2, 20, 30, 1.4f) == atlas_cache_key(k0, program, 2, 20, 30, 1.4f));
}

}  // namespace posdrill
