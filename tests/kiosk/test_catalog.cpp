// The catalog view model: scenarios grouped by topic in the fixed topic order, easiest first in a
// group, worded in the chosen language, with the empty and error messages.

#include <catch2/catch.hpp>

#include "kiosk/core/catalog.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

Scenario make(const std::string& id, Topic topic, int difficulty, int minutes, int decisions) {
  Scenario s;
  s.id = id;
  s.topic = topic;
  s.difficulty = difficulty;
  s.minutes = minutes;
  s.title = Text{"标题 " + id, "Title " + id};
  s.summary = Text{"摘要 " + id, "Summary " + id};
  for (int i = 0; i < decisions; ++i) {
    Step st;
    st.id = "d" + std::to_string(i);
    st.kind = StepKind::decision;
    s.steps.push_back(st);
  }
  Step end;
  end.id = "end";
  end.kind = StepKind::end;
  s.steps.push_back(end);
  return s;
}

UiStrings shipped_strings() {
  UiStrings s;
  load_ui_strings(ui_strings_path(POSDRILL_TEST_CONTENT_DIR), s);
  return s;
}

}  // namespace

TEST_CASE("catalog groups follow the fixed topic order and skip empty topics", "[catalog]") {
  const std::vector<Scenario> scenarios = {make("uex", Topic::user_exception, 1, 5, 2),
                                           make("rev", Topic::reversal, 2, 6, 3), make("pre", Topic::preauth, 1, 4, 1)};
  const CatalogView v = build_catalog_view(scenarios, shipped_strings(), Lang::zh);
  REQUIRE(v.groups.size() == 3);
  CHECK(v.groups[0].topic == Topic::preauth);
  CHECK(v.groups[1].topic == Topic::reversal);
  CHECK(v.groups[2].topic == Topic::user_exception);
  CHECK(v.scenario_count == 3);
  CHECK(v.empty_message.empty());
}

TEST_CASE("cards in a group go easiest first then shortest then by id", "[catalog]") {
  const std::vector<Scenario> scenarios = {
      make("c_hard", Topic::wrong_pin, 3, 4, 2), make("b_basic_long", Topic::wrong_pin, 1, 9, 2),
      make("a_basic_long", Topic::wrong_pin, 1, 9, 2), make("d_basic_short", Topic::wrong_pin, 1, 3, 2),
      make("e_mid", Topic::wrong_pin, 2, 1, 2)};
  const CatalogView v = build_catalog_view(scenarios, shipped_strings(), Lang::en);
  REQUIRE(v.groups.size() == 1);
  std::vector<std::string> ids;
  for (const auto& c : v.groups[0].cards) ids.push_back(c.scenario_id);
  CHECK(ids == std::vector<std::string>{"d_basic_short", "a_basic_long", "b_basic_long", "e_mid", "c_hard"});
}

TEST_CASE("cards carry title summary difficulty minutes and decisions in the language", "[catalog]") {
  const std::vector<Scenario> scenarios = {make("x", Topic::frequent_swipe, 2, 7, 3)};
  const UiStrings strings = shipped_strings();
  const CatalogView zh = build_catalog_view(scenarios, strings, Lang::zh);
  const CatalogCard& c = zh.groups.at(0).cards.at(0);
  CHECK(c.title == "标题 x");
  CHECK(c.summary == "摘要 x");
  CHECK(c.difficulty == 2);
  CHECK(c.minutes == 7);
  CHECK(c.decisions == 3);
  CHECK(c.difficulty_label == "进阶");
  CHECK(c.minutes_label == "约 7 分钟");
  CHECK(c.decisions_label == "3 个决策");
  CHECK(zh.groups[0].title == "刷卡频繁");
  CHECK(zh.training_mark == "培训 TRAINING");

  const CatalogView en = build_catalog_view(scenarios, strings, Lang::en);
  const CatalogCard& e = en.groups.at(0).cards.at(0);
  CHECK(e.title == "Title x");
  CHECK(e.difficulty_label == "Intermediate");
  CHECK(e.minutes_label == "about 7 min");
  CHECK(e.decisions_label == "3 decisions");
  CHECK(en.groups[0].count_label == "1 drill");
}

TEST_CASE("an empty catalog has the empty message", "[catalog]") {
  const UiStrings strings = shipped_strings();
  const CatalogView v = build_catalog_view({}, strings, Lang::en);
  CHECK(v.groups.empty());
  CHECK(v.scenario_count == 0);
  CHECK(v.empty_message == "No drills are available yet. Please tell your manager.");
}

TEST_CASE("no catalog text is a missing-key placeholder with the shipped strings", "[catalog]") {
  const std::vector<Scenario> scenarios = {
      make("a", Topic::preauth, 1, 5, 1), make("b", Topic::wrong_pin, 2, 5, 1), make("c", Topic::reversal, 3, 5, 1),
      make("d", Topic::frequent_swipe, 1, 5, 1), make("e", Topic::user_exception, 1, 5, 1)};
  for (Lang lang : {Lang::zh, Lang::en}) {
    const CatalogView v = build_catalog_view(scenarios, shipped_strings(), lang);
    std::vector<std::string> texts = {v.app_title, v.training_mark, v.lang_toggle,
                                      v.heading,   v.subtitle};
    for (const auto& g : v.groups) {
      texts.push_back(g.title);
      texts.push_back(g.count_label);
      for (const auto& c : g.cards) {
        texts.push_back(c.difficulty_label);
        texts.push_back(c.minutes_label);
        texts.push_back(c.decisions_label);
      }
    }
    for (const auto& t : texts) {
      INFO(t);
      CHECK_FALSE(t.empty());
      CHECK(t.find("⟦") == std::string::npos);
    }
  }
}

TEST_CASE("a topic missing from strings falls back to the engine's topic title", "[catalog]") {
  UiStrings strings;  // nothing loaded
  const CatalogView v = build_catalog_view({make("a", Topic::preauth, 1, 5, 1)}, strings, Lang::zh);
  CHECK(v.groups.at(0).title == topic_title(Topic::preauth).zh);
  CHECK(v.heading == "⟦catalog.title⟧");  // other missing keys stay visible
}

TEST_CASE("the shipped content builds a catalog in both languages", "[catalog][content]") {
  const ContentSet content = posdrill::test::shipped_set();
  const UiStrings strings = shipped_strings();
  for (Lang lang : {Lang::zh, Lang::en}) {
    const CatalogView v = build_catalog_view(content.scenarios, strings, lang);
    CHECK(v.scenario_count == content.scenarios.size());
    CHECK(v.empty_message.empty() == !content.scenarios.empty());
  }
}
