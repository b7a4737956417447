// Judging a terminal task: which OutcomeClass an attempt falls into (model.h lists them), which of
// the task's outcomes handles it, and whether a narrative's `requires:` holds. PURE; the runner,
// `posdrill lint`'s path simulation and the tests share these functions, so what lint proves about
// a scenario is what the trainee meets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/model.h"
#include "scenarios/terminal_port.h"

namespace posdrill {

// One attempt at a terminal task, as the runner saw it.
struct TaskAttempt {
  // The operation that ended the task; null when the trainee gave up.
  const TerminalRecord* main = nullptr;
  // Everything the terminal did during the task, oldest first (look-ups, a 55 before the retry,
  // and `main` last when there is one).
  std::vector<TerminalRecord> records;
  TerminalFacts before;  // when the task began
  TerminalFacts after;   // now
};

// Whether a terminal record fulfils a task's `expect` (the task's operation, and every condition).
bool task_satisfied(const Step& task, const TerminalRecord& record);

// The one class the attempt falls into, taking the classes in their precedence order.
OutcomeClass classify_outcome(const Step& task, const TaskAttempt& attempt);

// Whether `outcome` handles an attempt of class `c`.
bool outcome_matches(const Outcome& outcome, OutcomeClass c, const TaskAttempt& attempt);

// The task's first outcome that handles the attempt, or null when none does.
const Outcome* select_outcome(const Step& task, OutcomeClass c, const TaskAttempt& attempt);

// An outcome's feedback may name `{keyed}`: the amount of the operation that ended the task
// ("328.00"), so the trainer can say what was charged instead of hedging. Returns the feedback
// with it filled in; false (the text untouched) when it names {keyed} and the attempt has no
// amount to fill it with, which `posdrill lint` reports for every path that can end so.
inline constexpr std::string_view keyed_placeholder = "{keyed}";
bool keyed_feedback(const Outcome& outcome, const TaskAttempt& attempt, Text& out);

// What the runner takes when no outcome handles an attempt (a way of keying nobody foresaw and
// `lint` did not try): the non-critical outcome with the fewest points, else the first.
const Outcome& fallback_outcome(const Step& task);

// Response codes that say the trainee keyed the original or the amount wrong.
bool is_keying_code(TerminalOp op, std::string_view code);

// "" when `req` holds for `facts` (or the facts are unknown), else what did not hold, in English:
// "reversal_pending is false (required true)".
std::string requirement_miss(const Requirement& req, const TerminalFacts& facts);

}  // namespace posdrill
