// The catalog screen driven through Dear ImGui with no renderer: the font atlas is built on the
// CPU, frames run with a fixed display size, and input is injected through io.MousePos and
// io.MouseDown[] (the 1.86 API: set them where a platform backend would, before ImGui::NewFrame).
// Assertions are on the actions the screen dispatches, never on pixels.

#include <catch2/catch.hpp>

#include <imgui.h>

#include <fstream>
#include <string>
#include <vector>

#include "kiosk/core/catalog.h"
#include "kiosk/core/glyphs.h"
#include "kiosk/ui/catalog_screen.h"
#include "kiosk/ui/theme.h"
#include "screen_driver.h"

using namespace posdrill;

namespace {

Scenario make(const std::string& id, Topic topic, int difficulty) {
  Scenario s;
  s.id = id;
  s.topic = topic;
  s.difficulty = difficulty;
  s.minutes = 5;
  s.title = Text{"场景 " + id, "Drill " + id};
  s.summary = Text{"客人退房，预授权签购单和终端记录里卡号一栏都是空的。",
                   "A guest checks out and the record has no card number."};
  Step end;
  end.id = "end";
  end.kind = StepKind::end;
  s.steps.push_back(end);
  return s;
}

std::vector<Scenario> sample() {
  std::vector<Scenario> v;
  int n = 0;
  for (Topic t : all_topics)
    for (int d = 1; d <= 2; ++d) v.push_back(make("s" + std::to_string(n++), t, d));
  return v;
}

UiStrings shipped_strings() {
  UiStrings s;
  load_ui_strings(ui_strings_path(POSDRILL_TEST_CONTENT_DIR), s);
  return s;
}

// One ImGui context with no renderer; the default font unless a test adds its own.
class Harness : public test::HeadlessImGui {
 public:
  explicit Harness(ImVec2 display) : HeadlessImGui(display) {}

  // One frame with the mouse at `pos`, the left button `down` or not.
  void frame(const CatalogView& view, ImVec2 pos, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = pos;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    draw_catalog_screen(view, theme, ui, [this](const CatalogAction& a) { actions.push_back(a); });
    ImGui::Render();
  }

  void click(const CatalogView& view, ImVec2 pos) {
    frame(view, pos, false);  // hover first, as a real pointer would
    frame(view, pos, true);
    frame(view, pos, false);
  }

  // The middle of the language toggle's right edge: the toggle is the top-right item of the
  // screen, one touch target high, inside the window padding.
  ImVec2 toggle_point() const {
    const ImGuiStyle& st = ImGui::GetStyle();
    return ImVec2(ImGui::GetIO().DisplaySize.x - st.WindowPadding.x - 4.0f,
                  st.WindowPadding.y + theme.metrics.touch_px * 0.5f);
  }

  CatalogUiState ui;
  std::vector<CatalogAction> actions;
};

}  // namespace

TEST_CASE("theme metrics meet the size rules at 1080p and stay usable at 800p", "[theme]") {
  const ThemeMetrics big = theme_metrics(1080.0f);
  CHECK(big.body_px >= 20.0f);
  CHECK(big.touch_px >= 48.0f);
  CHECK(big.heading_px > big.body_px);
  const ThemeMetrics small = theme_metrics(800.0f);
  CHECK(small.body_px >= 16.0f);
  CHECK(small.touch_px >= 44.0f);
  const ThemeMetrics tiny = theme_metrics(0.0f);  // a broken display size must not give zero sizes
  CHECK(tiny.body_px > 0.0f);
  CHECK(tiny.touch_px > 0.0f);
}

TEST_CASE("tapping the language toggle dispatches the other language", "[catalog_screen]") {
  Harness h(ImVec2(1280, 800));
  h.build_atlas();
  const UiStrings strings = shipped_strings();
  const std::vector<Scenario> scenarios = sample();
  CatalogView view = build_catalog_view(scenarios, strings, Lang::zh);

  h.frame(view, ImVec2(-1, -1), false);
  h.click(view, h.toggle_point());
  REQUIRE(h.actions.size() == 1);
  CHECK(h.actions[0].kind == CatalogActionKind::set_language);
  CHECK(h.actions[0].lang == Lang::en);

  // The loop applies it; the screen now offers the way back.
  view = build_catalog_view(scenarios, strings, h.actions[0].lang);
  h.actions.clear();
  h.click(view, h.toggle_point());
  REQUIRE(h.actions.size() == 1);
  CHECK(h.actions[0].lang == Lang::zh);
}

TEST_CASE("the toggle keeps its ID across a language switch", "[catalog_screen]") {
  // Pressed while the screen is Chinese, released after it turned English: with a stable
  // "###lang" ID ImGui still sees one button and completes the click.
  Harness h(ImVec2(1280, 800));
  h.build_atlas();
  const UiStrings strings = shipped_strings();
  const CatalogView zh = build_catalog_view(sample(), strings, Lang::zh);
  const CatalogView en = build_catalog_view(sample(), strings, Lang::en);
  h.frame(zh, h.toggle_point(), false);
  h.frame(zh, h.toggle_point(), true);
  h.frame(en, h.toggle_point(), false);
  REQUIRE(h.actions.size() == 1);
  CHECK(h.actions[0].kind == CatalogActionKind::set_language);
}

TEST_CASE("tapping a card opens its scenario and a drag does not", "[catalog_screen]") {
  Harness h(ImVec2(1280, 800));
  h.build_atlas();
  const CatalogView view = build_catalog_view(sample(), shipped_strings(), Lang::zh);
  const std::string first_id = view.groups.at(0).cards.at(0).scenario_id;

  // Find the first card by tapping down the left column.
  h.frame(view, ImVec2(-1, -1), false);
  float card_y = -1.0f;
  for (float y = 100.0f; y < 800.0f && card_y < 0.0f; y += 10.0f) {
    h.click(view, ImVec2(60.0f, y));
    for (const auto& a : h.actions)
      if (a.kind == CatalogActionKind::open_scenario) {
        CHECK(a.scenario_id == first_id);
        card_y = y;
      }
    if (card_y < 0.0f) REQUIRE(h.actions.empty());  // headings and gaps do nothing
    h.actions.clear();
  }
  REQUIRE(card_y > 0.0f);

  // Press on the card, drag the list up by 150 px, release: a scroll, not a tap.
  h.frame(view, ImVec2(60.0f, card_y + 150.0f), false);
  h.frame(view, ImVec2(60.0f, card_y + 150.0f), true);
  for (float dy = 10.0f; dy <= 150.0f; dy += 10.0f) h.frame(view, ImVec2(60.0f, card_y + 150.0f - dy), true);
  h.frame(view, ImVec2(60.0f, card_y), false);
  for (const auto& a : h.actions) CHECK(a.kind != CatalogActionKind::open_scenario);
  CHECK_FALSE(h.ui.drag_scrolling);  // the next press is a tap again
}

TEST_CASE("an empty catalog draws and dispatches nothing by itself", "[catalog_screen]") {
  Harness h(ImVec2(1280, 800));
  h.build_atlas();
  const CatalogView view = build_catalog_view({}, shipped_strings(), Lang::en);
  for (int i = 0; i < 5; ++i) h.frame(view, ImVec2(640, 400), i == 2);
  CHECK(h.actions.empty());
}

TEST_CASE("the screen survives a tiny window and a missing strings file", "[catalog_screen]") {
  Harness h(ImVec2(320, 240));
  h.build_atlas();
  const CatalogView view = build_catalog_view(sample(), UiStrings{}, Lang::zh);
  for (int i = 0; i < 3; ++i) h.frame(view, ImVec2(10, 10), false);
  CHECK(h.actions.empty());
}

TEST_CASE("the real CJK font builds on the CPU and body text is at least 20 px at 1080p", "[catalog_screen][font]") {
  std::ifstream in("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", std::ios::binary | std::ios::ate);
  REQUIRE(in);
  std::vector<char> bytes(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  REQUIRE(in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())));
  REQUIRE(bytes.size() > 1000000);

  Harness h(ImVec2(1920, 1080));
  const UiStrings strings = shipped_strings();
  const ImVector<ImWchar> ranges = glyph_ranges(collect_glyphs(strings, sample()));
  // Noto Sans CJK: (ascender 1160 - descender -288) / 1000 units per em.
  h.theme = add_theme_fonts(*ImGui::GetIO().Fonts, bytes.data(), bytes.size(), 2, h.theme.metrics, 1.448f, ranges.Data);
  REQUIRE(h.theme.body != nullptr);
  REQUIRE(h.theme.heading != nullptr);
  REQUIRE(ImGui::GetIO().Fonts->Build());

  CHECK(h.theme.body->FindGlyphNoFallback(0x51B2) != nullptr);  // 冲
  CHECK(h.theme.body->FindGlyphNoFallback(0x5496) == nullptr);  // 咖: not in these texts, not rasterized
  const float em = h.theme.body->GetCharAdvance(0x51B2);
  CHECK(em >= 20.0f);
  CHECK(h.theme.heading->GetCharAdvance(0x51B2) > em);

  const CatalogView view = build_catalog_view(sample(), strings, Lang::zh);
  h.frame(view, ImVec2(-1, -1), false);
  h.click(view, h.toggle_point());
  REQUIRE(h.actions.size() == 1);
  CHECK(h.actions[0].lang == Lang::en);
}
