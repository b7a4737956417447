// Every touch target the screens report (widget_rects.h) at 1280x800 and 1920x1080: at least
// touch_min_px (56 px) in both directions and touch_gap_px (12 px) from the next, on every screen a
// trainee or a manager meets, walked by taps through the real effect runner.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/ime/google_pinyin.h"
#include "kiosk_fixture.h"

namespace posdrill::test {

namespace {

// The gap between the parts of two targets a finger can reach (0 when they touch or overlap).
float gap_between(const WidgetRect& a, const WidgetRect& b) {
  const float dx = std::max({0.0f, b.vis_min.x - a.vis_max.x, a.vis_min.x - b.vis_max.x});
  const float dy = std::max({0.0f, b.vis_min.y - a.vis_max.y, a.vis_min.y - b.vis_max.y});
  return std::max(dx, dy);
}

bool inside_display(const WidgetRect& r) {
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  return r.min.x >= 0 && r.min.y >= 0 && r.max.x <= d.x && r.max.y <= d.y;
}

// Checks the targets of the screen showing now; `where` names it in failures.
void check_targets(Kiosk& k, const std::string& where) {
  k.frame(ImVec2(-1, -1), false);
  k.frame(ImVec2(-1, -1), false);
  std::vector<std::pair<std::string, WidgetRect>> targets;
  for (const auto& [id, r] : k.rects) {
    // Disabled entries are labels the tests read. The hidden manager corner counts like any target.
    if (!r.enabled || !r.any_visible()) continue;
    targets.emplace_back(id, r);
  }
  INFO(where << ", " << targets.size() << " targets");
  CHECK_FALSE(targets.empty());
  for (const auto& [id, r] : targets) {
    // Sizes count for targets in full view; one a list has scrolled half-way is as big as its
    // neighbours once it scrolls in.
    if (!r.fully_visible()) continue;
    INFO(id << " is " << r.max.x - r.min.x << " x " << r.max.y - r.min.y);
    CHECK(inside_display(r));
    CHECK(r.max.x - r.min.x >= touch_min_px - 0.5f);
    CHECK(r.max.y - r.min.y >= touch_min_px - 0.5f);
  }
  for (std::size_t i = 0; i < targets.size(); ++i)
    for (std::size_t j = i + 1; j < targets.size(); ++j) {
      const auto& [a_id, a] = targets[i];
      const auto& [b_id, b] = targets[j];
      INFO(a_id << " and " << b_id << " are " << gap_between(a, b) << " px apart");
      CHECK(gap_between(a, b) >= touch_gap_px - 0.5f);
    }
}

}  // namespace

TEST_CASE("every touch target is at least 56 px and 12 px from the next on every screen", "[touch]") {
  for (const ImVec2 size : {ImVec2(1280, 800), ImVec2(1920, 1080)}) {
    INFO("display " << size.x << "x" << size.y);
    Kiosk k(size);
    k.tap("attract.start");
    check_targets(k, "sign-in");
    k.key_in("9001");
    k.key_in("7391");
    REQUIRE(k.state.screen == ScreenId::home);
    check_targets(k, "home");
    k.tap("home.catalog");
    check_targets(k, "catalog");
    k.tap("card.preauth_checkout_no_pan");
    REQUIRE(k.state.screen == ScreenId::runner);
    check_targets(k, "runner, narrative");
    AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
    bool saw_decision = false, saw_feedback = false, saw_terminal = false;
    for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      if (k.state.screen == ScreenId::runner && !saw_decision &&
          k.state.attempt->runner.step().kind == StepKind::decision) {
        check_targets(k, "runner, decision");
        saw_decision = true;
      }
      if (k.state.screen == ScreenId::runner && !saw_terminal &&
          k.state.attempt->runner.step().kind == StepKind::terminal) {
        check_targets(k, "runner, terminal task");
        // The whole keypad is in view without scrolling, before and after the main menu (nine
        // lines) fills the LCD: a trainee told to press 菜单 must find it.
        const auto keypad_in_view = [&](const char* when) {
          for (const char* key : {"twin.menu", "twin.0", "twin.1", "twin.9", "twin.enter", "twin.cancel", "twin.clear"}) {
            INFO(when << ": " << key);
            REQUIRE(k.rects.count(key) == 1);
            CHECK(k.rects.at(key).fully_visible());
          }
        };
        keypad_in_view("idle terminal");
        k.tap("twin.menu");
        k.frame(ImVec2(-1, -1), false);
        keypad_in_view("main menu shown");
        k.tap("twin.cancel");
        saw_terminal = true;
      }
      if (k.state.screen == ScreenId::feedback && !saw_feedback) {
        check_targets(k, "feedback");
        saw_feedback = true;
      }
      for (const std::string& w : next_widgets(k.state, player)) k.tap(w);
    }
    CHECK(saw_decision);
    CHECK(saw_feedback);
    REQUIRE(k.state.screen == ScreenId::debrief);
    check_targets(k, "debrief");
    k.tap("back_catalog");
    k.tap("home");
    k.tap("home.console");
    REQUIRE(k.state.screen == ScreenId::console);
    // The question analysis's list of scenarios, a button each.
    k.tap("tab.items");
    k.tap("items.choose");
    check_targets(k, "question analysis, the list of scenarios");
    for (const char* tab : {"tab.roster", "tab.mistakes", "tab.items", "tab.operators", "tab.settings"}) {
      k.tap(tab);
      check_targets(k, tab);
    }
    k.tap("console.exit");
    check_targets(k, "close the kiosk?");
  }
}

TEST_CASE("the on-screen keyboard's keys and candidates are touch targets on both forms", "[touch][keyboard][pinyin]") {
  std::string error;
  std::unique_ptr<GooglePinyin> pinyin = GooglePinyin::open(GooglePinyin::default_dictionary(), error);
  REQUIRE(pinyin);
  for (const ImVec2 size : {ImVec2(1280, 800), ImVec2(1920, 1080)}) {
    INFO("display " << size.x << "x" << size.y);
    {
      Kiosk k(size, false);
      k.screens_ui.keyboard.set_input_method(pinyin.get());
      k.tap("attract.start");
      check_targets(k, "first run");
      k.tap("first_run.id");
      check_targets(k, "first run, number pad");
      k.tap("first_run.name");
      check_targets(k, "first run, letters");
      for (char c : std::string("lina")) k.tap(std::string("kb.") + c);
      REQUIRE_FALSE(k.screens_ui.keyboard.page().empty());
      REQUIRE(k.on_screen("kb.cand.0"));
      check_targets(k, "first run, pinyin candidates");
      k.tap("kb.next");
      check_targets(k, "first run, second page of candidates");
    }
    Kiosk k(size);
    k.screens_ui.keyboard.set_input_method(pinyin.get());
    k.tap("attract.start");
    k.key_in("9001");
    k.key_in("7391");
    k.tap("home.console");
    k.tap("tab.operators");
    k.tap("add.name");
    for (char c : std::string("wang")) k.tap(std::string("kb.") + c);
    check_targets(k, "console, add an account, pinyin");
  }
}

}  // namespace posdrill::test

namespace posdrill::test {

TEST_CASE("the console's roster scrolls by dragging a finger and the drag taps nothing", "[touch]") {
  Kiosk k(ImVec2(1280, 800));
  for (int i = 0; i < 30; ++i)
    REQUIRE(k.store->add_operator(person(std::to_string(5000 + i), "店员" + std::to_string(i), Role::trainee), "2580"));
  k.tap("attract.start");
  k.key_in("9001");
  k.key_in("7391");
  k.tap("home.console");
  k.tap("tab.roster");
  k.frame(ImVec2(-1, -1), false);
  REQUIRE(k.rects.count("row.5003") == 1);
  const WidgetRect before = k.rects.at("row.5003");
  // Press on a row, move up 200 px in steps as a finger does, release.
  ImVec2 p = before.center();
  k.frame(p, false);
  k.frame(p, true);
  for (int i = 0; i < 10; ++i) {
    p.y -= 20.0f;
    k.frame(p, true);
  }
  k.frame(p, false);
  k.frame(ImVec2(-1, -1), false);
  REQUIRE(k.rects.count("row.5003") == 1);
  CHECK(k.rects.at("row.5003").min.y < before.min.y - 100.0f);
  CHECK(k.state.console.selected_operator.empty());  // a scroll, not a tap
}

TEST_CASE("the widget dump (--widgets-json) lists every target of the last frame as the screens drew it",
          "[touch][widgets-json]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("attract.start");
  k.frame(ImVec2(-1, -1), false);
  REQUIRE(k.rects.count("key.ok") == 1);
  const nlohmann::json dump = nlohmann::json::parse(widget_rects_json(k.rects));
  REQUIRE(dump.is_array());
  REQUIRE(dump.size() == k.rects.size());
  std::size_t checked = 0;
  for (const nlohmann::json& w : dump) {
    const std::string id = w.at("id").get<std::string>();
    INFO(id);
    const auto it = k.rects.find(id);
    REQUIRE(it != k.rects.end());
    const WidgetRect& r = it->second;
    CHECK(w.at("x").get<long>() == std::lround(r.min.x));
    CHECK(w.at("y").get<long>() == std::lround(r.min.y));
    CHECK(w.at("w").get<long>() == std::lround(r.max.x) - std::lround(r.min.x));
    CHECK(w.at("h").get<long>() == std::lround(r.max.y) - std::lround(r.min.y));
    CHECK(w.at("enabled").get<bool>() == r.enabled);
    CHECK(w.at("visible").get<bool>() == r.fully_visible());
    ++checked;
  }
  CHECK(checked >= 14);  // the pad's 13 keys, the two fields, back and the language toggle
  // IDs are written as JSON strings whatever they hold.
  WidgetRects odd;
  odd["a\"b\\c\n"] = WidgetRect{ImVec2(0.4f, 1.6f), ImVec2(10.5f, 20.0f), false, ImVec2(0, 0), ImVec2(0, 0)};
  const nlohmann::json one = nlohmann::json::parse(widget_rects_json(odd));
  REQUIRE(one.size() == 1);
  CHECK(one[0].at("id") == "a\"b\\c\n");
  CHECK(one[0].at("x") == 0);
  CHECK(one[0].at("y") == 2);
  CHECK(one[0].at("w") == 11);
  CHECK(one[0].at("h") == 18);
  CHECK(one[0].at("enabled") == false);
  CHECK(one[0].at("visible") == false);
  CHECK(nlohmann::json::parse(widget_rects_json(WidgetRects{})).empty());
}

}  // namespace posdrill::test
