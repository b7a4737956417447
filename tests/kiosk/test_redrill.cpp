// The re-drill schedule (kiosk/core/redrill.h) on a fake timeline: a mistake comes back after a
// day, a right answer counts only once it is due, two right reviews close it, a new mistake
// starts it again.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "device_bridge/host.h"
#include "kiosk/core/redrill.h"

using namespace posdrill;

namespace {

constexpr WallTime t0{1'800'000'000'000};
WallTime at_day(double d) { return t0 + static_cast<int64_t>(d * static_cast<double>(ms_per_day)); }

DecisionAnswer answer(const std::string& scenario, const std::string& step, const std::string& choice, double day,
                      bool mistake) {
  return DecisionAnswer{scenario, step, choice, at_day(day), mistake};
}

}  // namespace

TEST_CASE("a decision got wrong is due again after 1 day, then 3, and closes after two right reviews", "[redrill]") {
  std::vector<DecisionAnswer> a{answer("rev", "d_sms", "promise_days", 0, true)};
  CHECK(redrills_due(a, at_day(0.9)).empty());  // not yet
  auto due = redrills_due(a, at_day(1));
  REQUIRE(due.size() == 1);
  CHECK(due[0].scenario_id == "rev");
  CHECK(due[0].step_id == "d_sms");
  CHECK(due[0].missed_choice_id == "promise_days");
  CHECK(due[0].missed_ms == at_day(0));
  CHECK(due[0].right_reviews == 0);
  CHECK(due[0].due_ms == at_day(1));

  // Replaying it right the same hour is practice, not a review: still due tomorrow.
  a.push_back(answer("rev", "d_sms", "explain_release", 0.1, false));
  CHECK(redrills_due(a, at_day(0.9)).empty());
  REQUIRE(redrills_due(a, at_day(1)).size() == 1);
  CHECK(redrills_due(a, at_day(1))[0].right_reviews == 0);

  // Right at the first review (day 2): the next is 3 days after it.
  a.push_back(answer("rev", "d_sms", "explain_release", 2, false));
  CHECK(redrills_due(a, at_day(4.9)).empty());
  due = redrills_due(a, at_day(5));
  REQUIRE(due.size() == 1);
  CHECK(due[0].right_reviews == 1);
  CHECK(due[0].due_ms == at_day(5));

  // Right again when due: closed for good.
  a.push_back(answer("rev", "d_sms", "explain_release", 5.5, false));
  CHECK(redrills_due(a, at_day(5.5)).empty());
  CHECK(redrills_due(a, at_day(400)).empty());

  // Wrong again later: it starts over at one day.
  a.push_back(answer("rev", "d_sms", "promise_days", 30, true));
  CHECK(redrills_due(a, at_day(30.5)).empty());
  due = redrills_due(a, at_day(31));
  REQUIRE(due.size() == 1);
  CHECK(due[0].right_reviews == 0);
  CHECK(due[0].missed_ms == at_day(30));
}

TEST_CASE("a wrong review starts the schedule again and the longest overdue comes first", "[redrill]") {
  std::vector<DecisionAnswer> a{
      answer("pre", "d_first", "wait_night_shift", 0, true),
      answer("pre", "d_first", "call_bank", 2, false),   // review 1 right: next due day 5
      answer("pre", "d_first", "ask_guest", 5, true),    // review 2 wrong: a new mistake, due day 6
      answer("rev", "d_sms", "promise_days", 3, true),   // due day 4
      answer("rev", "d_tell", "not_sure", 3.5, false),   // another step answered right: nothing open
  };
  auto due = redrills_due(a, at_day(6));
  REQUIRE(due.size() == 2);
  CHECK(due[0].scenario_id == "rev");  // due since day 4
  CHECK(due[1].scenario_id == "pre");  // due since day 6
  CHECK(due[1].missed_choice_id == "ask_guest");
  CHECK(due[1].right_reviews == 0);
  // Answers may arrive in any order: the schedule reads them by time.
  std::vector<DecisionAnswer> shuffled{a[4], a[2], a[0], a[3], a[1]};
  const auto again = redrills_due(shuffled, at_day(6));
  REQUIRE(again.size() == 2);
  CHECK(again[0].scenario_id == "rev");
  CHECK(again[1].missed_choice_id == "ask_guest");
  CHECK(redrills_due({}, at_day(6)).empty());
}
