// The catalog view model: what the catalog screen shows, already grouped, ordered and worded in
// one language. PURE. The screen (kiosk/ui/catalog_screen.h) only lays it out, so the ordering
// and wording rules are tested here without ImGui.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/strings.h"
#include "scenarios/model.h"

namespace posdrill {

struct CatalogCard {
  std::string scenario_id;
  int difficulty = 1;  // 1 basic, 2 intermediate, 3 advanced
  int minutes = 0;
  int decisions = 0;
  // In the view's language:
  std::string title;
  std::string summary;
  std::string difficulty_label;  // "基础"
  std::string minutes_label;     // "约 6 分钟"
  std::string decisions_label;   // "3 个决策"
  // Practising on the spare terminal (AppState::practise_on_spare): whether this scenario runs
  // there, and the note the card shows ("在备用终端上进行", or why it stays on screen).
  bool on_spare = false;
  std::string device_note;
  // The signed-in person's own record of this drill ("已通过", "最好 43%，未通过", "没做完"; empty
  // when never tried or nobody is signed in), so the list shows what is done and what is not.
  std::string record_label;
  bool record_passed = false;
};

struct CatalogGroup {
  Topic topic = Topic::preauth;
  std::string title;        // the topic's name
  std::string count_label;  // "2 个场景"
  std::vector<CatalogCard> cards;
};

struct CatalogView {
  Lang lang = Lang::zh;
  std::string app_title;
  std::string training_mark;
  std::string lang_toggle;
  std::string home_label;  // "My home" when someone is signed in (the header shows the button)
  // With a spare terminal configured: the practice-device toggle ("在屏幕上练习" / "在备用终端上练习")
  // and the terminal's health line under the header; both empty without one.
  std::string device_label;
  bool on_spare = false;
  std::string device_health;
  bool device_ok = false;
  std::string heading;
  std::string subtitle;
  // Groups in the fixed topic order (all_topics); topics without scenarios are left out. Inside a
  // group: easiest first, then shortest, then by id, so a newcomer starts top-left.
  std::vector<CatalogGroup> groups;
  std::size_t scenario_count = 0;
  std::string empty_message;  // non-empty when there is no scenario at all
};

// Every UI string key the catalog uses, so a test can check strings.yaml has them all.
inline constexpr std::array<std::string_view, 26> catalog_string_keys = {"app.title",
                                                                         "app.training_mark",
                                                                         "app.lang_toggle",
                                                                         "catalog.title",
                                                                         "catalog.subtitle",
                                                                         "catalog.minutes",
                                                                         "catalog.decisions_one",
                                                                         "catalog.decisions_other",
                                                                         "catalog.scenarios_one",
                                                                         "catalog.scenarios_other",
                                                                         "catalog.empty",
                                                                         "catalog.record_passed",
                                                                         "catalog.record_best",
                                                                         "catalog.record_unfinished",
                                                                         "difficulty.1",
                                                                         "difficulty.2",
                                                                         "difficulty.3",
                                                                         "topic.preauth",
                                                                         "topic.wrong_pin",
                                                                         "topic.reversal",
                                                                         "topic.frequent_swipe",
                                                                         "topic.user_exception",
                                                                         "topic.void_refund",
                                                                         "topic.settlement",
                                                                         "topic.fraud_risk",
                                                                         "topic.terminal_fault"};

// Builds the view of `scenarios` in `lang`. Content problems never reach the catalog: with any,
// the kiosk is out of service (AppState::problems) and the catalog is not shown.
CatalogView build_catalog_view(const std::vector<Scenario>& scenarios, const UiStrings& strings, Lang lang);

// The key of a topic's title in strings.yaml: "topic.preauth".
std::string topic_string_key(Topic t);

}  // namespace posdrill
