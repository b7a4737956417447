// The atlas grows at run time: a name stored on the kiosk renders without a restart. Real font
// file, real FreeType build of the atlas (on the CPU; the platform uploads it), real store.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "kiosk/core/glyphs.h"
#include "kiosk/platform/fonts.h"
#include "kiosk_fixture.h"

namespace posdrill::test {

namespace {
void quiet(const std::string&) {}
constexpr ImWchar li = 0x674E;  // 李
constexpr ImWchar na = 0x5A1C;  // 娜
}  // namespace

TEST_CASE("the first administrator created as Li Na 李娜 is in the atlas as soon as the name is stored",
          "[records][first_run][font]") {
  Kiosk k(ImVec2(1280, 800), false);
  // What the kiosk starts with on an empty data folder: the content's and the strings' characters.
  const std::vector<uint32_t> start = collect_glyphs(k.state.strings, k.state.scenarios);
  std::optional<ChosenFont> font = choose_font(start, quiet);
  REQUIRE(font);
  KioskFonts fonts(std::move(*font), GlyphSet(start), theme_metrics(800.0f));
  ImFontAtlas atlas;
  std::string error;
  REQUIRE(fonts.build(atlas, error));
  REQUIRE(fonts.theme().body->FindGlyphNoFallback(li) == nullptr);  // the content never says 李娜
  REQUIRE(fonts.theme().body->FindGlyphNoFallback(na) == nullptr);
  fonts.release_cpu_copies(atlas);  // as after the first frame: a rebuild reads the file again

  k.tap("attract.start");
  REQUIRE(k.state.screen == ScreenId::first_run);
  k.act(AddOperator{person("20001", "Li Na 李娜", Role::admin), "86420", "86420"});
  REQUIRE(k.state.screen == ScreenId::home);

  // What the frame loop does after every action, before the next frame.
  std::size_t added = 0;
  for (std::string_view text : state_visible_texts(k.state)) added += fonts.add_text(text);
  CHECK(added == 2);
  REQUIRE(fonts.rebuild_due());
  REQUIRE(fonts.rebuild(atlas, error));
  CHECK_FALSE(fonts.rebuild_due());
  CHECK(fonts.last_build().glyphs == start.size() + 2);
  CHECK(fonts.last_build().width > 0);
  for (ImFont* f : {fonts.theme().body, fonts.theme().heading}) {
    REQUIRE(f);
    CHECK(f->FindGlyphNoFallback(li) != nullptr);
    CHECK(f->FindGlyphNoFallback(na) != nullptr);
    CHECK(f->FindGlyphNoFallback(0x5F00) != nullptr);  // 开, from the content: nothing was lost
  }
}

TEST_CASE("both font sizes read the one copy of the font file, which the atlas never frees", "[font]") {
  // ImGui copies the data of a font it does not own: two sizes of a ~20 MB file were two more
  // copies at start-up. The atlas must point at the caller's bytes, and must not free them (a
  // double free or a use after free shows under the sanitizer build).
  std::optional<ChosenFont> font = choose_font({'A', 0x5F00}, quiet);
  REQUIRE(font);
  const std::vector<unsigned char> bytes(font->bytes.data(), font->bytes.data() + font->bytes.size());
  const std::vector<ImWchar> ranges = {'A', 'A', 0x5F00, 0x5F00, 0};
  ImFontAtlas atlas;
  const Theme t = add_theme_fonts(atlas, bytes.data(), bytes.size(), font->face, theme_metrics(800.0f),
                                  font->line_per_em, ranges.data());
  REQUIRE(t.body);
  REQUIRE(t.heading);
  REQUIRE(atlas.ConfigData.Size == 2);
  for (const ImFontConfig& c : atlas.ConfigData) {
    CHECK(c.FontData == static_cast<const void*>(bytes.data()));
    CHECK_FALSE(c.FontDataOwnedByAtlas);
  }
  REQUIRE(atlas.Build());
  CHECK(t.heading->FindGlyphNoFallback(0x5F00) != nullptr);
  atlas.Clear();  // frees nothing of ours
  CHECK(bytes.size() == font->bytes.size());
  CHECK(std::equal(bytes.begin(), bytes.end(), font->bytes.data()));
}

TEST_CASE("a font file that cannot be read again keeps the old atlas and says why", "[font]") {
  const std::vector<uint32_t> start = {'A', 'B'};
  std::optional<ChosenFont> font = choose_font(start, quiet);
  REQUIRE(font);
  font->path = "/nonexistent/font.ttc";  // the bytes are in memory; a rebuild after release cannot read it
  KioskFonts fonts(std::move(*font), GlyphSet(start), theme_metrics(800.0f));
  ImFontAtlas atlas;
  std::string error;
  REQUIRE(fonts.build(atlas, error));
  fonts.release_cpu_copies(atlas);
  CHECK(fonts.add_text("李") == 1);
  CHECK_FALSE(fonts.rebuild(atlas, error));
  CHECK(error.find("/nonexistent/font.ttc") != std::string::npos);
  CHECK(fonts.theme().body->FindGlyphNoFallback('A') != nullptr);  // still drawing what it had
}

TEST_CASE("while the on-screen keyboard is open, pinyin candidates of common hanzi need no rebuild",
          "[font][keyboard]") {
  const std::vector<uint32_t> start = {'A', 'B', 0x5F00};  // 开
  const std::vector<uint32_t> common = gb2312_hanzi(false);
  REQUIRE(common.size() == 3755);  // GB 2312 level 1
  CHECK(gb2312_hanzi(true).size() == 6763);
  CHECK(std::binary_search(common.begin(), common.end(), uint32_t(0x5F20)));  // 张
  std::optional<ChosenFont> font = choose_font(start, quiet);
  REQUIRE(font);
  KioskFonts fonts(std::move(*font), GlyphSet(start), theme_metrics(800.0f));
  ImFontAtlas atlas;
  std::string error;
  REQUIRE(fonts.build(atlas, error));
  fonts.release_cpu_copies(atlas);

  fonts.start_body_prefetch(common);
  REQUIRE(fonts.rebuild_due());
  REQUIRE(fonts.rebuild(atlas, error));
  fonts.release_cpu_copies(atlas);
  CHECK(fonts.last_build().body_only == common.size());
  CHECK(fonts.theme().body->FindGlyphNoFallback(0x5F20) != nullptr);       // 张 at body size
  CHECK(fonts.theme().heading->FindGlyphNoFallback(0x5F20) == nullptr);    // not in the heading
  CHECK(fonts.theme().heading->FindGlyphNoFallback(0x5F00) != nullptr);    // the start set in both

  // A candidate page of common hanzi: nothing to rebuild. A rare one: the body font grows.
  CHECK(fonts.add_body_text("张伟章长") == 0);
  CHECK(fonts.add_body_text("开张") == 0);  // one at both sizes, one at body size
  CHECK_FALSE(fonts.rebuild_due());
  CHECK(fonts.add_body_text("犇") == 1);  // not in GB 2312
  REQUIRE(fonts.rebuild_due());
  REQUIRE(fonts.rebuild(atlas, error));
  fonts.release_cpu_copies(atlas);
  CHECK(fonts.theme().body->FindGlyphNoFallback(0x7287) != nullptr);

  // The keyboard closes: the atlas drops what only it needed and keeps the rest.
  fonts.end_body_prefetch();
  REQUIRE(fonts.rebuild_due());
  REQUIRE(fonts.rebuild(atlas, error));
  CHECK(fonts.last_build().body_only == 0);
  CHECK(fonts.theme().body->FindGlyphNoFallback(0x5F20) == nullptr);
  CHECK(fonts.theme().body->FindGlyphNoFallback(0x5F00) != nullptr);
  CHECK_FALSE(fonts.rebuild_due());
}

}  // namespace posdrill::test
