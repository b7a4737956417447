// Verdicts, the right choice after a mistake, and the progress line.

#include "kiosk/core/answer_view.h"

#include <algorithm>
#include <set>
#include <string>

namespace posdrill {

namespace {

bool scored(StepKind k) { return k == StepKind::decision || k == StepKind::terminal; }

// The step the best answer of `step` leads to ("" at the end).
const std::string& best_next(const Step& step) {
  static const std::string none;
  if (step.kind == StepKind::decision) {
    const Choice* best = nullptr;
    for (const Choice& c : step.choices)
      if (!c.critical && (!best || c.points > best->points)) best = &c;
    return best ? best->next : none;
  }
  if (step.kind == StepKind::terminal) {
    const Outcome* best = nullptr;
    for (const Outcome& o : step.outcomes)
      if (!o.critical && (!best || o.points > best->points)) best = &o;
    return best ? best->next : none;
  }
  return step.next;
}

}  // namespace

AnswerView answer_view(const Scenario& scenario, const StepRecord& r) {
  AnswerView v;
  v.earned = r.points;
  v.hint_cost = r.hint_cost;
  v.net = std::max(0, r.points - r.hint_cost);
  v.max = r.max_points;
  if (r.critical)
    v.verdict = Verdict::critical;
  else if (r.points >= r.max_points)
    v.verdict = Verdict::right;
  else
    // "Partly right" only for an answer worth at least half: a banner saying so over 2 of 10
    // points tells the trainee a harmful act was nearly fine. The points still show.
    v.verdict = r.points > 0 && 2 * r.points >= r.max_points ? Verdict::partly : Verdict::wrong;
  if (v.verdict == Verdict::right || r.kind != StepKind::decision) return v;
  const Step* step = scenario.find(r.step_id);
  if (!step) return v;
  for (const Choice& c : step->choices) {
    const bool shown = r.shown_choices.empty() ||
                       std::find(r.shown_choices.begin(), r.shown_choices.end(), c.id) != r.shown_choices.end();
    if (shown && !c.critical && c.id != r.choice_id && (!v.best || c.points > v.best->points)) v.best = &c;
  }
  // Nothing was worth more (a critical answer is never right, whatever its points).
  if (v.best && !r.critical && v.best->points <= r.points) v.best = nullptr;
  return v;
}

const Text* choice_text(const Step* step, std::string_view choice_id) {
  if (!step) return nullptr;
  for (const Choice& c : step->choices)
    if (c.id == choice_id) return &c.text;
  return nullptr;
}

const char* verdict_key(Verdict v) {
  switch (v) {
    case Verdict::right:
      return "answer.right";
    case Verdict::partly:
      return "answer.partly";
    case Verdict::wrong:
      return "answer.wrong";
    case Verdict::critical:
      return "answer.critical";
  }
  return "answer.wrong";
}

PlayProgress play_progress(const Attempt& a) {
  PlayProgress p;
  int answered = 0;
  for (const StepRecord& r : a.runner.result().steps)
    if (scored(r.kind)) ++answered;
  int ahead = 0;
  if (!a.runner.finished()) {
    const Step& now = a.runner.step();
    if (scored(now.kind)) p.at = answered + 1;
    // Walk the best way from here; a visited set guards against a loop in content.
    std::set<std::string> seen;
    const Step* s = &now;
    while (s && seen.insert(s->id).second) {
      if (scored(s->kind)) ++ahead;
      const std::string& next = best_next(*s);
      s = next.empty() ? nullptr : a.scenario.find(next);
    }
  }
  p.total = answered + ahead;
  return p;
}

}  // namespace posdrill
