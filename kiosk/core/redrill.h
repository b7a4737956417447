// Practice aimed at each person's own mistakes: a decision answered wrong comes back as a
// re-drill, spaced out, until it has been answered right at two reviews. PURE.
//
// Schedule, per (scenario, decision step), from the person's answers in time order:
// - a wrong answer (the debrief's "mistake") opens it, due redrill_days[0] (1 day) later;
// - a right answer counts as a review only when given at or after the due time (replaying the
//   drill straight away is practice, not spaced recall); review k right makes the next one due
//   redrill_days[k] days after it (1, 3, 7 days);
// - redrill_reviews_to_retire right reviews since the last mistake close it;
// - a wrong answer at any time opens it again from the first step.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/time.h"
#include "kiosk/core/records.h"

namespace posdrill {

inline constexpr std::array<int64_t, 3> redrill_days = {1, 3, 7};
inline constexpr int redrill_reviews_to_retire = 2;

struct Redrill {
  std::string scenario_id;
  std::string step_id;
  std::string missed_choice_id;  // what was chosen at the last mistake
  WallTime missed_ms;            // when
  uint64_t missed_seed = 0;      // the seed it was played with: the figures the choice quoted
  int right_reviews = 0;         // right answers at reviews since then
  WallTime due_ms;               // the next review
};

// The open re-drills of one person whose review is due at `now_ms`, the longest overdue first
// (at equal times: scenario, then step).
std::vector<Redrill> redrills_due(const std::vector<DecisionAnswer>& answers, WallTime now_ms);

}  // namespace posdrill
