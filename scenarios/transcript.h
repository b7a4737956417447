// Plain-text rendering of an attempt, one language at a time. `posdrill play` prints exactly
// these lines, and the golden transcripts are these lines, so what a trainee reads on a console
// and what the tests approve cannot drift apart.
#pragma once

#include <string>

#include "scenarios/runner.h"

namespace posdrill {

// The scenario's heading: title, topic, difficulty, pass mark, summary.
std::string render_header(const Scenario& s, Lang lang);
// What the trainee is shown at a decision or terminal step before answering (prompt, numbered
// choices in shown order, or the terminal menu).
std::string render_question(const Runner& r, Lang lang);
// One finished step: what was shown and, for answers, the choice, points, time and feedback.
std::string render_step(const Scenario& s, const StepRecord& rec, Lang lang, bool with_question);
// Score, pass mark, critical errors, verdict; then the debrief.
std::string render_summary(const Scenario& s, const AttemptResult& res, Lang lang);
// The whole attempt, as printed by a non-interactive `posdrill play`.
// `preface` (the slips already in the shift box, say) goes between the header and the first step.
std::string render_transcript(const Scenario& s, const AttemptResult& res, Lang lang, std::string_view preface = {});

// One operation the terminal ended, in words: "消费 1865.00 → 交易成功 (00)".
std::string describe(const TerminalRecord& r, Lang lang);

// The terminal menu as numbered in the question (1-based index -> operation).
TerminalOp terminal_menu_op(int index_1based);

}  // namespace posdrill
