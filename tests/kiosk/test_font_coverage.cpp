// The font the kiosk loads really has a glyph for every character the kiosk can show. Checked
// with FreeType on the exact file and face the platform loads (kiosk_main.cpp), so a new
// scenario with an uncommon character fails here rather than showing "?" on the kiosk.

#include <catch2/catch.hpp>

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <sstream>
#include <string>

#include "kiosk/core/glyphs.h"
#include "kiosk/core/strings.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

// Same file and face as font_candidates[0] in kiosk/platform/kiosk_main.cpp.
constexpr const char* noto_cjk = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
constexpr int noto_sc_face = 2;

struct Face {
  FT_Library lib = nullptr;
  FT_Face face = nullptr;
  Face(const char* path, int index) {
    REQUIRE(FT_Init_FreeType(&lib) == 0);
    REQUIRE(FT_New_Face(lib, path, index, &face) == 0);
  }
  ~Face() {
    if (face) FT_Done_Face(face);
    if (lib) FT_Done_FreeType(lib);
  }
  Face(const Face&) = delete;
  Face& operator=(const Face&) = delete;
};

std::string hex(uint32_t cp) {
  std::ostringstream o;
  o << "U+" << std::hex << std::uppercase << cp;
  return o.str();
}

}  // namespace

TEST_CASE("face 2 of the Noto CJK collection is Simplified Chinese", "[font]") {
  Face f(noto_cjk, noto_sc_face);
  CHECK(std::string(f.face->family_name) == "Noto Sans CJK SC");
}

TEST_CASE("the font has a glyph for every character of every text the kiosk can show", "[font][content]") {
  UiStrings strings;
  const auto sdiags = load_ui_strings(ui_strings_path(POSDRILL_TEST_CONTENT_DIR), strings);
  CHECK(sdiags.empty());
  const ContentSet content = posdrill::test::shipped_set();
  const std::vector<uint32_t> glyphs = collect_glyphs(strings, content.scenarios);

  std::vector<std::string_view> texts = fixed_visible_texts(strings);
  for (const Scenario& sc : content.scenarios) {
    auto more = scenario_visible_texts(sc);
    texts.insert(texts.end(), more.begin(), more.end());
  }

  Face f(noto_cjk, noto_sc_face);
  for (std::string_view t : texts) {
    for (uint32_t cp : decode_utf8(t)) {
      if (cp < 0x20) continue;  // newlines in block texts are layout, not glyphs
      INFO(hex(cp) << " in: " << t);
      // In the glyph set the atlas is built from...
      CHECK(std::binary_search(glyphs.begin(), glyphs.end(), cp));
      // ...representable by this ImGui build (16-bit ImWchar)...
      CHECK(cp <= 0xFFFF);
      // ...and drawn by the font file itself.
      CHECK(FT_Get_Char_Index(f.face, cp) != 0);
    }
  }
}

TEST_CASE("the font has every glyph of the glyph set", "[font][content]") {
  UiStrings strings;
  load_ui_strings(ui_strings_path(POSDRILL_TEST_CONTENT_DIR), strings);
  const ContentSet content = posdrill::test::shipped_set();
  Face f(noto_cjk, noto_sc_face);
  std::string missing;
  for (uint32_t cp : collect_glyphs(strings, content.scenarios))
    if (FT_Get_Char_Index(f.face, cp) == 0) missing += hex(cp) + " ";
  INFO("missing: " << missing);
  CHECK(missing.empty());
}
