// Item analysis on a real SQLite file: answers recorded as the recorder writes them (events with
// a step_record_json payload), read back by item_answers and turned into figures by
// analyze_items. The seeded answers are chosen so every figure has one right value.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "kiosk/core/item_analysis.h"
#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {

Step decision(const std::string& id, std::vector<std::pair<std::string, int>> choices) {
  Step s;
  s.id = id;
  s.kind = StepKind::decision;
  for (const auto& [cid, points] : choices) {
    Choice c;
    c.id = cid;
    c.points = points;
    s.choices.push_back(c);
  }
  return s;
}

// "ask": best `card`, distractor `cash`, `never` nobody takes. "confirm": everyone right but the
// weakest. "trap": the strong half takes the 0-point `a`, the weak half the best `b`.
Scenario seeded_scenario() {
  Scenario sc;
  sc.id = "preauth_demo";
  sc.title = {"预授权", "Pre-authorization"};
  Step intro;
  intro.id = "intro";
  intro.kind = StepKind::narrative;
  sc.steps = {intro, decision("ask", {{"card", 10}, {"cash", 0}, {"never", 0}}),
              decision("confirm", {{"ok", 5}, {"no", 0}}), decision("trap", {{"a", 0}, {"b", 10}}),
              decision("unreached", {{"x", 1}, {"y", 0}})};
  return sc;
}

AttemptEventRow answer(const std::string& uuid, int seq, const std::string& step, const std::string& choice,
                       int64_t elapsed_ms, int hints) {
  AttemptEventRow e = make_event(uuid, seq, 1000 + seq, step, choice);
  nlohmann::json p = {{"step", step}, {"kind", "decision"}, {"choice", choice}, {"elapsed_ms", elapsed_ms}};
  p["hints"] = nlohmann::json::array();
  for (int h = 0; h < hints; ++h) p["hints"].push_back({{"zh", "提示"}, {"en", "hint"}});
  e.payload = p.dump();
  return e;
}

// 40 finished attempts: i < 20 strong (score 80 + i), the rest weak (score i, so i = 20 is the
// weakest); plus
// an abandoned and an open attempt that take the choices nobody else takes.
void seed(SqliteStore& store) {
  REQUIRE(store.add_operator(make_operator("101"), "27183946"));
  for (int i = 0; i < 40; ++i) {
    const bool strong = i < 20;
    AttemptRow a = make_attempt("101", "preauth_demo", 10'000 + i);
    a = closed(a, 20'000 + i, strong ? 80 + i : i, strong);
    std::vector<AttemptEventRow> ev;
    ev.push_back(make_event(a.uuid, 1, 10'001, "intro"));
    ev.push_back(answer(a.uuid, 2, "ask", strong ? "card" : "cash", 1000 * (i % 4 + 1), i % 5 == 0 ? 2 : 0));
    ev.push_back(answer(a.uuid, 3, "confirm", i == 20 ? "no" : "ok", 500, 0));
    ev.push_back(answer(a.uuid, 4, "trap", strong ? "a" : "b", 700, 0));
    REQUIRE(store.add_closed_attempt(a, ev));
  }
  AttemptRow gave_up = make_attempt("101", "preauth_demo", 50'000);
  gave_up.ended_ms = WallTime{50'100};
  gave_up.abandoned = true;
  REQUIRE(store.add_closed_attempt(gave_up, {answer(gave_up.uuid, 1, "ask", "never", 1, 0)}));
  AttemptRow open = make_attempt("101", "preauth_demo", 60'000);
  REQUIRE(store.begin_attempt(open));
  REQUIRE(store.add_event(answer(open.uuid, 1, "ask", "never", 1, 0)));
}

const ItemStats& item(const std::vector<ItemStats>& items, const std::string& step) {
  auto it = std::find_if(items.begin(), items.end(), [&](const ItemStats& s) { return s.step_id == step; });
  REQUIRE(it != items.end());
  return *it;
}

const ItemChoice& choice(const ItemStats& s, const std::string& id) {
  auto it = std::find_if(s.choices.begin(), s.choices.end(), [&](const ItemChoice& c) { return c.id == id; });
  REQUIRE(it != s.choices.end());
  return *it;
}

using Flags = std::vector<std::string>;

}  // namespace

TEST_CASE("Item analysis of a seeded database gives the exact figures and flags", "[store][items]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  seed(*store);
  const StoreList<ItemAnswer> answers = store->item_answers();
  REQUIRE(answers.ok());
  // 40 finished attempts x 4 step events (the narrative has no choice); abandoned and open left out.
  CHECK(answers.size() == 40 * 3);
  const std::vector<Scenario> content = {seeded_scenario()};
  const std::vector<ItemStats> items = analyze_items(content, answers);
  REQUIRE(items.size() == 4);  // the decisions only, in file order
  CHECK(items[0].step_id == "ask");
  CHECK(items[3].step_id == "unreached");

  // Point-biserial of a 50/50 split whose groups' mean scores differ by 60: the scores' population
  // variance is 33.25 within each half of 20 consecutive numbers plus 30^2 between the halves.
  const double rpb = 60.0 * 0.5 / std::sqrt(33.25 + 900.0);

  const ItemStats& ask = item(items, "ask");
  CHECK(ask.answered == 40);
  CHECK(*ask.facility == Approx(0.5));
  CHECK(*ask.discrimination == Approx(1.0));  // upper 11 all best, lower 11 none
  CHECK(*ask.point_biserial == Approx(rpb));
  CHECK(ask.mean_ms == Approx(2500));    // 1, 2, 3, 4 s in turn
  CHECK(ask.hint_share == Approx(0.2));  // every fifth attempt took hints
  CHECK(ask.flags == Flags{"unused_choice"});
  CHECK(choice(ask, "card").chosen == 20);
  CHECK(choice(ask, "card").share == Approx(0.5));
  CHECK(choice(ask, "card").best);
  CHECK(choice(ask, "cash").chosen == 20);
  CHECK_FALSE(choice(ask, "cash").best);
  CHECK(choice(ask, "never").chosen == 0);  // only the abandoned and the open attempt took it
  CHECK(choice(ask, "never").share == 0);

  const ItemStats& confirm = item(items, "confirm");
  CHECK(*confirm.facility == Approx(39.0 / 40));
  CHECK(*confirm.discrimination == Approx(1.0 / 11));  // the one miss is in the lower group
  CHECK(confirm.flags == Flags{"too_easy"});
  CHECK(choice(confirm, "no").share == Approx(1.0 / 40));

  const ItemStats& trap = item(items, "trap");
  CHECK(*trap.facility == Approx(0.5));
  CHECK(*trap.discrimination == Approx(-1.0));
  CHECK(*trap.point_biserial == Approx(-rpb));
  CHECK(trap.flags == Flags{"strong_miss_best"});

  const ItemStats& unreached = item(items, "unreached");
  CHECK(unreached.answered == 0);
  CHECK_FALSE(unreached.facility);
  CHECK_FALSE(unreached.discrimination);
  CHECK(unreached.flags.empty());  // too few answers to judge
}

TEST_CASE("Item analysis reads one scenario and keeps choices the content no longer has", "[store][items]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  seed(*store);
  AttemptRow other = closed(make_attempt("101", "reversal", 70'000), 70'100, 50, false);
  REQUIRE(store->add_closed_attempt(other, {answer(other.uuid, 1, "ask", "card", 1, 0)}));
  const StoreList<ItemAnswer> answers = store->item_answers("preauth_demo");
  REQUIRE(answers.ok());
  CHECK(answers.size() == 120);
  CHECK(
      std::all_of(answers.begin(), answers.end(), [](const ItemAnswer& a) { return a.scenario_id == "preauth_demo"; }));

  // A later version of the content dropped `cash`: its answers stay visible, never best.
  Scenario v2 = seeded_scenario();
  v2.steps[1] = decision("ask", {{"card", 10}, {"never", 0}});
  const std::vector<ItemStats> items = analyze_items({v2}, answers);
  const ItemStats& ask = item(items, "ask");
  CHECK(ask.answered == 40);
  CHECK(*ask.facility == Approx(0.5));
  CHECK(choice(ask, "cash").chosen == 20);
  CHECK_FALSE(choice(ask, "cash").in_content);
  CHECK(ask.choices.back().id == "cash");
}

TEST_CASE("Item flags wait for enough answers", "[items]") {
  std::vector<ItemAnswer> few;
  for (int i = 0; i < 19; ++i)
    few.push_back(ItemAnswer{"u" + std::to_string(i), "preauth_demo", double(i), "ask", "card", 0, 0});
  const std::vector<Scenario> content = {seeded_scenario()};
  ItemStats ask = item(analyze_items(content, few), "ask");
  CHECK(*ask.facility == 1.0);
  CHECK_FALSE(ask.point_biserial);  // everyone chose alike
  CHECK(ask.flags.empty());         // 19 < 20: no flag yet
  few.push_back(ItemAnswer{"u19", "preauth_demo", 19, "ask", "card", 0, 0});
  ask = item(analyze_items(content, few), "ask");
  CHECK(ask.flags == Flags{"unused_choice", "too_easy"});
}

TEST_CASE("A practice answer at a re-drill's branch feeds the schedule and nothing else", "[store][items][redrill]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  seed(*store);
  const StoreList<DecisionAnswer> before = store->decision_answers("101");
  REQUIRE(before.ok());
  const std::size_t items_before = store->item_answers("preauth_demo").size();
  const auto stats_before = store->scenario_stats();
  const auto mistakes_before = store->mistake_counts({}, -1);
  const std::size_t attempts_before = store->attempts().size();

  PracticeAnswerRow p;
  p.operator_id = "101";
  p.scenario_id = "preauth_demo";
  p.scenario_version = 1;
  p.seed = 7;
  p.step_id = "ask";
  p.choice_id = "card";
  p.at_ms = WallTime{30'000};  // between the finished attempts and the abandoned one
  p.elapsed_ms = 4'000;
  REQUIRE(store->add_practice_answer(p));
  PracticeAnswerRow stranger = p;
  stranger.operator_id = "999";
  CHECK(store->add_practice_answer(stranger).code == StoreError::not_found);

  // In the schedule's input, in time order among the attempts' answers.
  const StoreList<DecisionAnswer> after = store->decision_answers("101");
  REQUIRE(after.ok());
  REQUIRE(after.size() == before.size() + 1);
  const auto it =
      std::find_if(after.begin(), after.end(), [](const DecisionAnswer& a) { return a.at_ms == WallTime{30'000}; });
  REQUIRE(it != after.end());
  CHECK(it->step_id == "ask");
  CHECK(it->choice_id == "card");
  CHECK_FALSE(it->mistake);
  CHECK(it->seed == 7);
  // The attempts' answers carry their attempt's seed: the figures they were given with.
  const AttemptRow first = store->attempts("101").back();  // newest first
  const auto of_first =
      std::find_if(after.begin(), after.end(), [&](const DecisionAnswer& a) { return a.at_ms == WallTime{1002}; });
  REQUIRE(of_first != after.end());
  CHECK(of_first->seed == first.seed);
  CHECK(std::is_sorted(after.begin(), after.end(),
                       [](const DecisionAnswer& a, const DecisionAnswer& b) { return a.at_ms < b.at_ms; }));
  // Nothing else sees it: no attempt, no item answer, no summary, no chart row.
  CHECK(store->attempts().size() == attempts_before);
  CHECK(store->item_answers("preauth_demo").size() == items_before);
  CHECK(store->scenario_stats() == stats_before);
  CHECK(store->mistake_counts({}, -1).size() == mistakes_before.size());
  CHECK(store->check(CheckMode::full).empty());

  // A file from before practice answers migrates: the table appears, every answer stays.
  store.reset();
  back_to_schema(dir.db(), 5);
  CHECK(query_one(dir.db(), "SELECT count(*) FROM sqlite_schema WHERE name = 'practice_answers'") == "0");
  store = open_ok(dir.db());
  CHECK(store->user_version() == SqliteStore::schema_version);
  CHECK(store->decision_answers("101").size() == before.size());
  REQUIRE(store->add_practice_answer(p));
  CHECK(store->decision_answers("101").size() == before.size() + 1);
  CHECK(store->check(CheckMode::full).empty());
}
