#include "device_bridge/path_check.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "device_bridge/emulation.h"
#include "scenarios/outcome.h"
#include "scenarios/runner.h"

namespace posdrill {

namespace {

// The think time charged per answer, as the automatic player charges it.
constexpr int64_t answer_ms = 10'000;
constexpr int64_t max_paths = int64_t(1) << 60;

// One thing a trainee can do at a terminal task.
struct Behaviour {
  std::string what;  // for messages: "a sale keyed right", "giving up"
  std::function<std::vector<TerminalRecord>(ScenarioEmulation&)> act;  // what the terminal did
  bool give_up = false;
  bool task_keyed_right = false;  // the task's own operation, keyed right
};

uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 1099511628211ull; }
uint64_t mix(uint64_t h, std::string_view s) {
  for (char c : s) h = mix(h, uint8_t(c));
  return mix(h, 0xFFu);
}

// What distinguishes one emulator state from another for the story's purposes.
uint64_t fingerprint(const ScenarioEmulation& e) {
  const TerminalFacts f = e.facts();
  uint64_t h = 14695981039346656037ull;
  h = mix(h, uint64_t(e.now_ms().ms()));
  h = mix(h, uint64_t(f.host_requests));
  h = mix(h, uint64_t(f.charges));
  h = mix(h, uint64_t(f.held_minor));
  h = mix(h, uint64_t(f.slips));
  h = mix(h, uint64_t(f.reversal_pending) * 2 + uint64_t(f.card_locked));
  h = mix(h, uint64_t(e.terminal().online_started()));
  // What is in the batch, not only how much: a sale and its void leave the same counts as a
  // pre-auth and its cancel, but only the sale counts towards the acquirer's 刷卡频繁 rule.
  for (const BatchEntry& b : e.terminal().batch_list())
    h = mix(h, uint64_t(b.type) * 8 + uint64_t(b.voided) * 4 + uint64_t(b.completed) * 2 + uint64_t(b.cancelled));
  h = mix(h, uint64_t(e.terminal().batch_list().size()));
  h = mix(h, e.terminal().reversal_reason());
  h = mix(h, uint64_t(e.host().available_minor(e.setup().card).value_or(-1)));
  h = mix(h, e.terminal().screen().headline().zh);
  h = mix(h, uint64_t(e.customer_card()));
  return h;
}

std::string trail_text(const std::vector<std::string>& trail) {
  std::string out;
  for (const auto& t : trail) out += (out.empty() ? "" : " → ") + t;
  return out;
}

class Checker {
 public:
  explicit Checker(const Scenario& s) : s_(s) {}

  PathCheck run() {
    auto root = replay_setup(s_.setup);
    std::vector<std::string> trail;
    result_.paths = walk(s_.start, std::move(root), trail);
    for (auto& [key, d] : errors_) result_.errors.push_back(std::move(d));
    return std::move(result_);
  }

 private:
  void error(SourcePos at, const std::string& key, std::string message) {
    if (errors_.count({at.line, at.column, key})) return;
    errors_[{at.line, at.column, key}] = Diagnostic{s_.file, at.line, at.column, std::move(message)};
  }

  static int64_t add(int64_t a, int64_t b) { return std::min(max_paths, a + b); }

  int64_t walk(const std::string& id, std::unique_ptr<ScenarioEmulation> e, std::vector<std::string>& trail) {
    const Step* st = s_.find(id);
    if (!st) return 0;
    const std::string key = id + "#" + std::to_string(fingerprint(*e));
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    ++result_.states;
    int64_t n = 0;
    trail.push_back(id);
    switch (st->kind) {
      case StepKind::narrative:
      case StepKind::end:
        n = narrative(*st, std::move(e), trail);
        break;
      case StepKind::decision:
        for (const Choice& c : st->choices) {
          auto copy = e->clone();
          copy->advance_to(copy->now_ms() + answer_ms);
          if (c.does) copy->perform_story(story_request(s_, *c.does));
          trail.back() = id + "(" + c.id + ")";
          n = add(n, walk(c.next, std::move(copy), trail));
        }
        break;
      case StepKind::terminal:
        n = task(*st, *e, trail);
        break;
    }
    trail.pop_back();
    memo_[key] = n;
    return n;
  }

  int64_t narrative(const Step& st, std::unique_ptr<ScenarioEmulation> e, std::vector<std::string>& trail) {
    if (st.minutes_later > 0) e->advance_to(e->now_ms() + int64_t(st.minutes_later) * 60'000);
    if (st.load_paper) e->load_paper();
    if (st.customer_card) e->use_card(*st.customer_card);
    if (st.does) e->perform_story(story_request(s_, *st.does));
    if (!st.terminal.empty()) e->show_story_screen(st.terminal);
    if (const std::string miss = requirement_miss(st.requirement, e->facts()); !miss.empty()) {
      const SourcePos at = st.requirement.pos.line ? st.requirement.pos : st.pos;
      error(at, "requires:" + miss,
            "step '" + st.id + "' requires what the terminal and host do not show on the path " + trail_text(trail) +
                ": " + miss);
    }
    if (st.kind == StepKind::end) return 1;
    return walk(st.next, std::move(e), trail);
  }

  int64_t task(const Step& st, const ScenarioEmulation& e, std::vector<std::string>& trail) {
    int64_t n = 0;
    const TerminalFacts before = e.facts();
    for (const Behaviour& b : repertoire(st, e)) {
      trail.back() = st.id;
      auto copy = e.clone();
      copy->advance_to(copy->now_ms() + answer_ms);
      copy->take_records();
      std::vector<TerminalRecord> did;
      if (!b.give_up) did = b.act(*copy);
      // The runner's rule: look-ups that are not the task are kept; anything else ends the task.
      TaskAttempt attempt;
      bool ended = b.give_up;
      for (TerminalRecord& r : did) {
        if (ended) break;
        attempt.records.push_back(std::move(r));
        if (attempt.records.back().op == st.task || terminal_op_is_online(attempt.records.back().op)) ended = true;
      }
      if (!ended) {  // it did not end the task (a look-up on the way, a cancelled keying)
        // The task's own operation keyed right must be able to end it: when it cannot (no card at
        // the counter after customer_card: none), only giving up would, and the player hangs.
        if (b.task_keyed_right)
          error(st.pos, "cannot:" + st.id,
                "step '" + st.id + "' cannot be done on the path " + trail_text(trail) + ": " + b.what +
                    " sends nothing (is the customer gone, customer_card: none?)");
        continue;
      }
      if (!b.give_up) attempt.main = &attempt.records.back();
      attempt.before = before;
      attempt.after = copy->facts();
      const OutcomeClass c = classify_outcome(st, attempt);
      const Outcome* o = select_outcome(st, c, attempt);
      if (!o) {
        if (st.explicit_outcomes)
          error(st.pos, "outcome:" + std::string(outcome_class_name(c)),
                "step '" + st.id + "' does not handle outcome '" + std::string(outcome_class_name(c)) + "' (" + b.what +
                    ", on the path " + trail_text(trail) + "): add it to 'outcomes'");
        n = add(n, 1);
        continue;
      }
      trail.back() = st.id + "(" + b.what + ": " + std::string(outcome_class_name(c)) + ")";
      if (Text filled; !keyed_feedback(*o, attempt, filled))
        error(o->pos, "keyed",
              "this outcome's feedback names {keyed}, but on the path " + trail_text(trail) +
                  " the task ends with no amount keyed: narrow its 'when' (an op, a code) or drop {keyed}");
      n = add(n, walk(o->next, std::move(copy), trail));
    }
    trail.back() = st.id;
    return n;
  }

  // What a trainee can do at `st`, given the terminal's list (for the originals a right keying quotes).
  std::vector<Behaviour> repertoire(const Step& st, const ScenarioEmulation& e) const {
    std::vector<Behaviour> out;
    const int64_t amount = st.expect.amount_minor.value_or(s_.setup.amount_minor);
    auto right = [&](TerminalOp op) {
      TerminalRequest req;
      req.op = op;
      if (op != TerminalOp::balance_inquiry && op != TerminalOp::transaction_query && op != TerminalOp::reprint &&
          op != TerminalOp::settlement && op != TerminalOp::sign_on)
        req.amount_minor = amount;
      return req;
    };
    for (int i = 0; i < terminal_op_count; ++i) {
      const auto op = static_cast<TerminalOp>(i);
      if (!terminal_op_is_online(op) && op != st.task) continue;  // a look-up never ends another task
      out.push_back({std::string(terminal_op_name(op)) + " keyed right",
                     [req = right(op)](ScenarioEmulation& x) { return x.perform_story(req); }, false,
                     op == st.task});
    }
    const TerminalOp t = st.task;
    const bool takes_amount = t == TerminalOp::sale || t == TerminalOp::preauth ||
                              t == TerminalOp::preauth_completion || t == TerminalOp::refund;
    if (takes_amount) {
      TerminalRequest req = right(t);
      req.amount_minor = amount * 10;
      out.push_back({std::string(terminal_op_name(t)) + " with a tenfold amount",
                     [req](ScenarioEmulation& x) { return x.perform_story(req); }});
    }
    if (t == TerminalOp::preauth_completion || t == TerminalOp::preauth_cancel) {
      // The original a right keying quotes (the newest pre-auth), keyed wrong two ways.
      const BatchEntry* orig = nullptr;
      for (auto it = e.terminal().batch_list().rbegin(); it != e.terminal().batch_list().rend(); ++it)
        if (it->type == TxnType::preauth) {
          orig = &*it;
          break;
        }
      if (orig && !orig->rrn.empty()) {
        TerminalRequest req = right(t);
        req.original_auth_code = orig->rrn;  // the auth-code field takes its first 6 digits only
        req.original_date_mmdd = orig->date_mmdd;
        out.push_back({std::string(terminal_op_name(t)) + " with the reference number as the auth code",
                       [req](ScenarioEmulation& x) { return x.perform(req); }});
      }
      const std::string today = format_mmdd(e.now_ms() + answer_ms);
      if (orig && orig->date_mmdd != today) {
        TerminalRequest req = right(t);
        req.original_auth_code = orig->auth_code;
        req.original_date_mmdd = today;
        out.push_back({std::string(terminal_op_name(t)) + " with today's date as the original's",
                       [req](ScenarioEmulation& x) { return x.perform(req); }});
      }
    }
    if (t == TerminalOp::void_sale) {
      out.push_back({"void with a voucher number not in the list", [](ScenarioEmulation& x) {
                       x.press(Key::cancel);
                       x.press(Key::menu);
                       x.press(Key::d2);
                       for (int i = 0; i < 6; ++i) x.press(Key::d9);
                       x.press(Key::enter);
                       return x.take_records();
                     }});
    }
    out.push_back({"giving up", {}, true});
    return out;
  }

  const Scenario& s_;
  PathCheck result_;
  std::unordered_map<std::string, int64_t> memo_;
  std::map<std::tuple<int, int, std::string>, Diagnostic> errors_;
};

}  // namespace

PathCheck check_story_paths(const Scenario& scenario) { return Checker(scenario).run(); }

}  // namespace posdrill
