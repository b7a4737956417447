// The console's question analysis on a real SQLite file: answers seeded the way the recorder
// writes them (events with a step_record_json payload), the tab opened by taps through the real
// effect runner, and the figures the console state holds checked against values worked out by
// hand from the seed.
#include <catch2/catch.hpp>

#include <imgui.h>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/app_state.h"
#include "kiosk/core/item_analysis.h"
#include "kiosk_fixture.h"

using namespace posdrill;

namespace {

using test::Kiosk;
using test::t0;

AttemptEventRow answer(const std::string& uuid, int seq, const std::string& step, const std::string& choice,
                       int64_t elapsed_ms, int hints) {
  AttemptEventRow e;
  e.attempt_uuid = uuid;
  e.seq = seq;
  e.at_ms = t0 - 100'000 + seq;
  e.kind = "step";
  e.step_id = step;
  e.choice_id = choice;
  nlohmann::json p = {{"step", step}, {"kind", "decision"}, {"choice", choice}, {"elapsed_ms", elapsed_ms}};
  p["hints"] = nlohmann::json::array();
  for (int h = 0; h < hints; ++h) p["hints"].push_back({{"zh", "提示"}, {"en", "hint"}});
  e.payload = p.dump();
  return e;
}

AttemptRow attempt(const std::string& scenario, int i, double score) {
  AttemptRow a;
  a.uuid = new_uuid();
  a.operator_id = "1001";
  a.scenario_id = scenario;
  a.started_ms = t0 - 1'000'000 + i * 1000;
  a.ended_ms = a.started_ms + 500;
  a.finished = true;
  a.score = score;
  a.points = static_cast<int>(std::lround(score * 100));
  a.max_points = 100;
  a.passed = score >= 0.8;
  return a;
}

// void_same_day, 40 finished attempts: i < 20 strong (score 0.80 + i/100), i >= 20 weak (0.20 +
// (i-20)/100, so i = 20 is the weakest).
//   d_how:   strong and i >= 30 take void_it (best); i 20..29 refund_now / refund_tomorrow in turn;
//            cash_back nobody. 12 s each; a hint at every 4th. -> 40 answers, 75 % right; the top
//            11 all right, the bottom 11 (i 20..30) one right: separates (11 - 1) / 11.
//   d_slip:  strong take her_slip (0 points), weak find_in_list (best): 50 % right, the strong
//            wrong: separates -1.
//   d_slips: everyone staple_keep: 100 % right.
// One abandoned attempt takes cash_back and her_slip: it must not count.
// refund_next_day: 7 finished attempts, too few to show figures.
void seed(SqliteStore& store) {
  for (int i = 0; i < 40; ++i) {
    const bool strong = i < 20;
    const AttemptRow a = attempt("void_same_day", i, strong ? 0.80 + i / 100.0 : 0.20 + (i - 20) / 100.0);
    const std::string how = strong || i >= 30 ? "void_it" : (i % 2 ? "refund_now" : "refund_tomorrow");
    REQUIRE(store.add_closed_attempt(a, {answer(a.uuid, 1, "d_how", how, 12'000, i % 4 == 0 ? 1 : 0),
                                         answer(a.uuid, 2, "d_slip", strong ? "her_slip" : "find_in_list", 8'000, 0),
                                         answer(a.uuid, 3, "d_slips", "staple_keep", 4'000, 0)}));
  }
  AttemptRow gave_up = attempt("void_same_day", 50, 0.0);
  gave_up.finished = false;
  gave_up.abandoned = true;
  REQUIRE(store.add_closed_attempt(gave_up, {answer(gave_up.uuid, 1, "d_how", "cash_back", 1'000, 0),
                                             answer(gave_up.uuid, 2, "d_slip", "her_slip", 1'000, 0)}));
  for (int i = 0; i < 7; ++i) {
    const AttemptRow a = attempt("refund_next_day", 100 + i, 0.9);
    REQUIRE(store.add_closed_attempt(a, {answer(a.uuid, 1, "d_method", "refund_it", 9'000, 0)}));
  }
}

const ItemStats& item(const AppState& st, const std::string& step) {
  for (const ItemStats& it : st.console.items)
    if (it.step_id == step) return it;
  FAIL("no figures for " << step);
  throw 0;
}

const ItemChoice& choice(const ItemStats& it, const std::string& id) {
  for (const ItemChoice& c : it.choices)
    if (c.id == id) return c;
  FAIL("no choice " << id << " in " << it.step_id);
  throw 0;
}

bool has_flag(const ItemStats& it, std::string_view flag) {
  for (const std::string& f : it.flags)
    if (f == flag) return true;
  return false;
}

}  // namespace

TEST_CASE("the question analysis opens on the scenario drilled most and holds its figures per decision",
          "[records][items]") {
  for (const ImVec2 size : {ImVec2(1280, 800), ImVec2(1920, 1080)}) {
    INFO("display " << size.x << "x" << size.y);
    Kiosk k(size);
    seed(*k.store);
    k.sign_in("9001", "7391");
    k.tap("home.console");
    REQUIRE(k.state.screen == ScreenId::console);
    k.tap("tab.items");
    CHECK(k.state.console.tab == ConsoleTab::items);
    // 41 attempts at void_same_day against 7: it opens first, loaded by the effect runner.
    REQUIRE(k.state.console.items_scenario == "void_same_day");
    REQUIRE(k.state.console.items_loaded);
    REQUIRE(k.state.console.items.size() == 3);  // its three decisions, in file order
    CHECK(k.state.console.items[0].step_id == "d_how");
    CHECK(k.state.console.items[1].step_id == "d_slip");
    CHECK(k.state.console.items[2].step_id == "d_slips");

    const ItemStats& how = item(k.state, "d_how");
    CHECK(how.answered == 40);  // the abandoned attempt left out
    REQUIRE(how.facility);
    CHECK(*how.facility == Approx(0.75));
    REQUIRE(how.discrimination);
    CHECK(*how.discrimination == Approx(10.0 / 11.0));
    CHECK(how.mean_ms == Approx(12'000));
    CHECK(how.hint_share == Approx(0.25));
    CHECK(choice(how, "void_it").best);
    CHECK(choice(how, "void_it").chosen == 30);
    CHECK(choice(how, "refund_now").chosen == 5);
    CHECK(choice(how, "refund_tomorrow").share == Approx(0.125));
    CHECK(choice(how, "cash_back").chosen == 0);
    CHECK(has_flag(how, flag_unused_choice));
    CHECK_FALSE(has_flag(how, flag_strong_miss_best));

    const ItemStats& slip = item(k.state, "d_slip");
    CHECK(slip.answered == 40);
    CHECK(*slip.facility == Approx(0.5));
    CHECK(*slip.discrimination == Approx(-1.0));
    CHECK(has_flag(slip, flag_strong_miss_best));  // the strong take the wrong answer

    const ItemStats& slips = item(k.state, "d_slips");
    CHECK(*slips.facility == Approx(1.0));
    CHECK(has_flag(slips, flag_too_easy));

    // On screen: a card per decision with its figures, none "too few".
    k.frame(ImVec2(-1, -1), false);
    k.frame(ImVec2(-1, -1), false);
    for (const char* id : {"items.summary", "items.step.d_how", "items.step.d_slip", "items.step.d_slips"})
      CHECK(k.rects.count(id) == 1);
    CHECK(k.rects.count("items.too_few.d_how") == 0);

    // Another scenario from the list: 7 answers are too few, and the card says so.
    k.tap("items.choose");
    k.tap("items.scenario.refund_next_day");
    REQUIRE(k.state.console.items_scenario == "refund_next_day");
    REQUIRE(k.state.console.items_loaded);
    CHECK(item(k.state, "d_method").answered == 7);
    CHECK(item(k.state, "d_card").answered == 0);
    k.frame(ImVec2(-1, -1), false);
    k.frame(ImVec2(-1, -1), false);
    CHECK(k.rects.count("items.too_few.d_method") == 1);
    CHECK(k.rects.count("items.scenario.void_same_day") == 0);  // the list closed after the pick

    // Closing the console forgets the figures with the rest.
    k.tap("console.close");
    CHECK(k.state.console.items.empty());
    CHECK(k.state.console.items_scenario.empty());
  }
}
