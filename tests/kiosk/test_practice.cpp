// A re-drill at the branch in the PURE core: the home screen's "practise again" opens the scenario
// at the decision got wrong before, with the best path played on the twin and a recap, records
// nothing but the answer there, and ends after its feedback. The same on a real SQLite file
// through the kiosk's screens is in test_records_flow.cpp.
#include <catch2/catch.hpp>

#include <algorithm>

#include "kiosk/core/app_state.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

struct Signed {
  FakeClock clock{1'000'000};
  AppState state;
  Signed() {
    state.scenarios = posdrill::test::shipped_set().scenarios;
    load_ui_strings(ui_strings_path(content_dir), state.strings);
    state.clock = &clock;
    state.require_sign_in = true;
    state.session = Session{};
    state.session->op.employee_id = "1001";
    state.screen = ScreenId::home;
    state.wall_ms = WallTime{5 * 86'400'000LL};
    refresh_catalog(state);
  }
  std::vector<Effect> act(const Action& a) { return update(state, a); }
};

template <typename T>
int count_of(const std::vector<Effect>& fx) {
  return static_cast<int>(std::count_if(fx.begin(), fx.end(), [](const Effect& e) { return std::holds_alternative<T>(e); }));
}

int recording_effects(const std::vector<Effect>& fx) {
  return count_of<AttemptStarted>(fx) + count_of<AttemptProgress>(fx) + count_of<AttemptFinished>(fx) +
         count_of<AttemptAbandoned>(fx);
}

const Choice& worst_choice(const Step& step) {
  const Choice* worst = &step.choices.front();
  for (const Choice& c : step.choices)
    if (c.points < worst->points) worst = &c;
  return *worst;
}

}  // namespace

TEST_CASE("a re-drill opens at the branch past a terminal task, records only the answer there", "[practice]") {
  Signed s;
  Redrill due;
  due.scenario_id = "wrong_pin_retry_privacy";
  due.step_id = "d_guessing";
  due.right_reviews = 1;
  due.due_ms = s.state.wall_ms - 1;
  s.state.session->redrills = {due};
  std::vector<Effect> fx = s.act(OpenRedrill{"wrong_pin_retry_privacy", "d_guessing", "guess"});
  CHECK(recording_effects(fx) == 0);
  REQUIRE(s.state.attempt);
  const Attempt& at = *s.state.attempt;
  REQUIRE(at.practice);
  CHECK(s.state.screen == ScreenId::runner);
  CHECK(at.runner.step().id == "d_guessing");
  CHECK(at.practice->due);
  CHECK(at.practice->right_reviews == 1);
  // The twin was keyed on the way (t_retry): its slip or records are there, as for a trainee.
  const auto& steps = at.runner.result().steps;
  CHECK(std::any_of(steps.begin(), steps.end(), [](const StepRecord& r) { return r.step_id == "t_retry" && r.success; }));
  // The recap: the situations, then each question and task with what was done, in order.
  const auto& recap = at.practice->recap;
  REQUIRE(recap.size() >= 4);
  CHECK(recap.front().did.empty());
  CHECK(std::any_of(recap.begin(), recap.end(), [](const PracticeRun::RecapLine& l) { return !l.did.empty(); }));

  // Nothing is answered while the recap shows.
  const Step& step = at.runner.step();
  fx = s.act(Choose{worst_choice(step).id});
  CHECK(count_of<Ignored>(fx) == 1);
  CHECK(s.state.screen == ScreenId::runner);
  // Its clock starts when the trainee starts.
  s.clock.advance_ms(600'000);
  fx = s.act(Continue{});
  CHECK_FALSE(at.practice->recap_open);
  s.clock.advance_ms(2'000);
  fx = s.act(Choose{worst_choice(step).id});
  CHECK(recording_effects(fx) == 0);
  REQUIRE(count_of<PracticeAnswered>(fx) == 1);
  const PracticeAnswerRow& row = std::get<PracticeAnswered>(*std::find_if(fx.begin(), fx.end(), [](const Effect& e) {
                                                              return std::holds_alternative<PracticeAnswered>(e);
                                                            })).row;
  CHECK(row.operator_id == "1001");
  CHECK(row.scenario_id == "wrong_pin_retry_privacy");
  CHECK(row.step_id == "d_guessing");
  CHECK(row.choice_id == worst_choice(step).id);
  CHECK(row.mistake);
  CHECK(row.elapsed_ms == 2'000);
  CHECK(s.state.screen == ScreenId::feedback);
  const std::optional<PracticeOutcome> outcome = practice_outcome(at);
  REQUIRE(outcome);
  CHECK(outcome->key == "practice.again");
  // The feedback is the end: home, with the records read again.
  fx = s.act(Continue{});
  CHECK(s.state.screen == ScreenId::home);
  CHECK_FALSE(s.state.attempt);
  CHECK(count_of<LoadRecords>(fx) == 1);
  CHECK(recording_effects(fx) == 0);
}

TEST_CASE("a right answer at a re-drill moves it on or retires it, as the schedule does", "[practice]") {
  const auto outcome_after = [](int right_reviews, bool due_now) {
    Signed s;
    Redrill due;
    due.scenario_id = "frequent_swipe_lock";
    due.step_id = "d_react";
    due.right_reviews = right_reviews;
    due.due_ms = s.state.wall_ms + (due_now ? -1 : 1);
    s.state.session->redrills = {due};
    s.act(OpenRedrill{"frequent_swipe_lock", "d_react", "swipe_again"});
    REQUIRE(s.state.attempt);
    s.act(Continue{});
    const Step& step = s.state.attempt->runner.step();
    const Choice* best = &step.choices.front();
    for (const Choice& c : step.choices)
      if (c.points > best->points) best = &c;
    s.act(Choose{best->id});
    REQUIRE(practice_outcome(*s.state.attempt));
    return *practice_outcome(*s.state.attempt);
  };
  PracticeOutcome o = outcome_after(0, true);
  CHECK(o.key == "practice.next");
  CHECK(o.days == redrill_days[1]);
  CHECK(outcome_after(1, true).key == "practice.retired");
  // Not due yet (opened some other way): right, and the schedule does not move.
  CHECK(outcome_after(0, false).key == "practice.right");
}

TEST_CASE("a re-drill shows the figures the mistake was made with, the choices in a new order", "[practice]") {
  Signed s;
  const Scenario* sc = find_scenario(s.state.scenarios, "frequent_swipe_lock");
  REQUIRE(sc);
  const std::size_t sets = sc->variants.size();
  REQUIRE(sets >= 2);
  for (uint64_t missed = 1; missed <= 2 * sets; ++missed) {
    INFO("mistake played with seed " << missed);
    s.state.seed = 1;
    s.state.screen = ScreenId::home;
    s.act(OpenRedrill{"frequent_swipe_lock", "d_react", "swipe_again", missed});
    REQUIRE(s.state.attempt);
    const uint64_t seed = s.state.attempt->runner.result().seed;
    CHECK(seed != missed);
    CHECK(variant_index(sets, seed) == variant_index(sets, missed));
    CHECK(s.state.attempt->scenario.steps.front().text.zh == scenario_for_seed(*sc, missed).steps.front().text.zh);
    CHECK(s.state.seed > seed);  // the next drill does not reuse it
    s.act(GoHome{});
  }
}

TEST_CASE("leaving a re-drill records nothing; a branch the best path no longer reaches plays the whole drill",
          "[practice]") {
  Signed s;
  s.act(OpenRedrill{"frequent_swipe_lock", "d_react", "swipe_again"});
  REQUIRE(s.state.attempt);
  std::vector<Effect> fx = s.act(GoHome{});
  CHECK(recording_effects(fx) == 0);
  CHECK(count_of<PracticeAnswered>(fx) == 0);
  CHECK(s.state.screen == ScreenId::home);
  // The header's way out asks nothing (nothing is lost) and goes home, not to the catalog.
  s.act(OpenRedrill{"frequent_swipe_lock", "d_react", "swipe_again"});
  REQUIRE(s.state.attempt);
  fx = s.act(AskToConfirm{ConfirmKind::leave_drill});
  CHECK_FALSE(s.state.confirming);
  CHECK_FALSE(s.state.attempt);
  CHECK(s.state.screen == ScreenId::home);
  CHECK(count_of<LoadRecords>(fx) == 1);
  CHECK(recording_effects(fx) == 0);

  // The scenario changed and the step is gone (or off the best path): the whole drill, recorded.
  fx = s.act(OpenRedrill{"frequent_swipe_lock", "no_such_step", "x"});
  REQUIRE(s.state.attempt);
  CHECK_FALSE(s.state.attempt->practice);
  CHECK(count_of<AttemptStarted>(fx) == 1);
  CHECK(s.state.attempt->runner.step().id == s.state.attempt->scenario.steps.front().id);
  // Without a session (a bare state, as in the early tests) nothing is kept either.
  Signed bare;
  bare.state.session.reset();
  bare.state.require_sign_in = false;
  bare.state.screen = ScreenId::catalog;
  fx = bare.act(OpenRedrill{"frequent_swipe_lock", "d_react", "swipe_again"});
  REQUIRE(bare.state.attempt);
  bare.act(Continue{});
  fx = bare.act(Choose{bare.state.attempt->runner.step().choices.front().id});
  CHECK(count_of<PracticeAnswered>(fx) == 0);
  fx = bare.act(Continue{});
  CHECK(bare.state.screen == ScreenId::catalog);
}
