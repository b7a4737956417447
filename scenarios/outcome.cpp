#include "scenarios/outcome.h"

#include <algorithm>

namespace posdrill {

namespace {

bool refers_to_original(TerminalOp op) {
  return op == TerminalOp::void_sale || op == TerminalOp::refund || op == TerminalOp::preauth_completion ||
         op == TerminalOp::preauth_cancel;
}

bool is_offline(TerminalOp op) { return !terminal_op_is_online(op); }

// The task's own operation, keyed so that the terminal or the host said it was wrong.
bool keyed_wrong(const Step& task, const TerminalRecord& r) {
  if (r.op != task.task) return false;
  if (r.keying_refused) return true;
  if (is_offline(r.op)) return true;  // a look-up that did not find what `expect` asks for
  if (is_keying_code(r.op, r.response_code)) return true;
  if (r.approved()) {
    const Expectation& e = task.expect;
    if (e.amount_minor && r.amount_minor != *e.amount_minor) return true;
    if (e.amount_max_minor && r.amount_minor > *e.amount_max_minor) return true;
  }
  return false;
}

std::string show(bool b) { return b ? "true" : "false"; }

}  // namespace

bool task_satisfied(const Step& task, const TerminalRecord& r) {
  const Expectation& e = task.expect;
  if (r.op != task.task) return false;
  if (e.response && r.response_code != *e.response) return false;
  if (e.reversal_sent && r.reversal_sent != *e.reversal_sent) return false;
  if (e.references_original && r.references_original != *e.references_original) return false;
  if (e.amount_minor && r.amount_minor != *e.amount_minor) return false;
  if (e.amount_max_minor && r.amount_minor > *e.amount_max_minor) return false;
  if (e.found_original && r.found_original != *e.found_original) return false;
  return true;
}

bool is_keying_code(TerminalOp op, std::string_view code) {
  if (code == "25" || code == "64" || code == "13") return true;
  return code == "12" && refers_to_original(op);
}

OutcomeClass classify_outcome(const Step& task, const TaskAttempt& a) {
  const TerminalRecord* m = a.main;
  const bool any_reversal_sent =
      std::any_of(a.records.begin(), a.records.end(), [](const TerminalRecord& r) { return r.reversal_sent; });
  const bool any_reversal_failed =
      std::any_of(a.records.begin(), a.records.end(), [](const TerminalRecord& r) { return r.reversal_failed; });
  if (a.after.known && a.after.charges >= 2 && a.after.charges > a.before.charges) return OutcomeClass::double_charged;
  if (m && task_satisfied(task, *m)) return OutcomeClass::done;
  if (any_reversal_failed) return OutcomeClass::reversal_failed;
  if (m && keyed_wrong(task, *m)) return OutcomeClass::wrong_keying;
  if (any_reversal_sent) return OutcomeClass::reversal_sent;
  if (!m) return OutcomeClass::nothing_online;
  if (m->approved()) return OutcomeClass::approved;
  if (!m->response_code.empty() && m->response_code != "A0") return OutcomeClass::declined;
  // No valid answer. Whether anything reached the host: the books know; without them, an online
  // operation the terminal did not refuse is taken to have gone out.
  const bool counted = a.after.known || a.after.host_count_known;
  const bool reached =
      counted ? a.after.host_requests > a.before.host_requests
              : terminal_op_is_online(m->op) && !m->keying_refused && !m->not_sent;
  return reached ? OutcomeClass::no_answer : OutcomeClass::nothing_online;
}

bool outcome_matches(const Outcome& o, OutcomeClass c, const TaskAttempt& a) {
  const OutcomeWhen& w = o.when;
  if (!w.classes.empty() && std::find(w.classes.begin(), w.classes.end(), c) == w.classes.end()) return false;
  if (!w.ops.empty() && (!a.main || std::find(w.ops.begin(), w.ops.end(), a.main->op) == w.ops.end())) return false;
  if (!w.codes.empty() &&
      (!a.main || std::find(w.codes.begin(), w.codes.end(), a.main->response_code) == w.codes.end()))
    return false;
  if (w.reversal_sent) {
    const bool sent =
        std::any_of(a.records.begin(), a.records.end(), [](const TerminalRecord& r) { return r.reversal_sent; });
    if (sent != *w.reversal_sent) return false;
  }
  if (w.amount_minor && (!a.main || a.main->amount_minor != *w.amount_minor)) return false;
  return true;
}

const Outcome* select_outcome(const Step& task, OutcomeClass c, const TaskAttempt& a) {
  for (const Outcome& o : task.outcomes)
    if (outcome_matches(o, c, a)) return &o;
  return nullptr;
}

bool keyed_feedback(const Outcome& o, const TaskAttempt& a, Text& out) {
  out = o.feedback;
  const bool names = out.zh.find(keyed_placeholder) != std::string::npos ||
                     out.en.find(keyed_placeholder) != std::string::npos;
  if (!names) return true;
  if (!a.main || a.main->amount_minor <= 0) return false;
  const std::string amount = format_amount(a.main->amount_minor);
  for (std::string* s : {&out.zh, &out.en})
    for (std::size_t at = s->find(keyed_placeholder); at != std::string::npos;
         at = s->find(keyed_placeholder, at + amount.size()))
      s->replace(at, keyed_placeholder.size(), amount);
  return true;
}

const Outcome& fallback_outcome(const Step& task) {
  const Outcome* pick = nullptr;
  for (const Outcome& o : task.outcomes)
    if (!o.critical && (!pick || o.points < pick->points)) pick = &o;
  return pick ? *pick : task.outcomes.front();
}

std::string requirement_miss(const Requirement& req, const TerminalFacts& f) {
  if (!f.known) return {};
  std::string miss;
  auto add = [&](const std::string& s) { miss += (miss.empty() ? "" : "; ") + s; };
  if (req.reversal_pending && f.reversal_pending != *req.reversal_pending)
    add("reversal_pending is " + show(f.reversal_pending) + " (required " + show(*req.reversal_pending) + ")");
  if (req.charges && f.charges != *req.charges)
    add("charges is " + std::to_string(f.charges) + " (required " + std::to_string(*req.charges) + ")");
  if (req.held_minor && f.held_minor != *req.held_minor)
    add("held is " + format_amount(f.held_minor) + " (required " + format_amount(*req.held_minor) + ")");
  if (req.slip_printed && (f.slips > 0) != *req.slip_printed)
    add("slip_printed is " + show(f.slips > 0) + " (required " + show(*req.slip_printed) + ")");
  if (req.card_locked && f.card_locked != *req.card_locked)
    add("card_locked is " + show(f.card_locked) + " (required " + show(*req.card_locked) + ")");
  return miss;
}

}  // namespace posdrill
