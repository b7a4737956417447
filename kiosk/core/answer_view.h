// What the play screens say about an answer and about the way through a drill, at a glance:
// the verdict (right, partly right, wrong, critical) with the points after hint costs, the choice
// that was right after a mistake, and "decision 2 of 5". PURE.
#pragma once

#include <string_view>

#include "kiosk/core/app_state.h"
#include "scenarios/model.h"
#include "scenarios/runner.h"

namespace posdrill {

enum class Verdict {
  right,     // full points, no critical error
  partly,    // some points, no critical error
  wrong,     // no points, no critical error
  critical,  // a critical error, whatever the points
};

struct AnswerView {
  Verdict verdict = Verdict::wrong;
  int earned = 0;     // the answer's own points, before hints
  int hint_cost = 0;  // what the hints taken on this step cost
  int net = 0;        // earned - hint_cost, never below 0: what the step adds to the score
  int max = 0;
  // After a decision that did not earn full points (or was critical): the shown non-critical
  // choice worth the most (ties: the first in content order). Null otherwise.
  const Choice* best = nullptr;
};

// The view of one answered step of `scenario`.
AnswerView answer_view(const Scenario& scenario, const StepRecord& record);

// The text of the choice `choice_id` of `step`; null without the step or such a choice (content
// changed since the answer was recorded).
const Text* choice_text(const Step* step, std::string_view choice_id);

// The strings key of a verdict's word ("answer.right" …), shown next to its icon.
const char* verdict_key(Verdict v);

struct PlayProgress {
  int at = 0;     // the scored step (decision or terminal task) showing now, 1-based; 0 on a narrative
  int total = 0;  // those answered plus those left along the best way from here
};

// Where the trainee is in the attempt: answered scored steps plus the best path onward (a branch
// taken after a mistake can make the total grow or shrink; it is never a promise).
PlayProgress play_progress(const Attempt& attempt);

}  // namespace posdrill
