// The scenario schema: a scenario file's tree, read key by key into a Scenario (model.h). Its
// figures that vary are figures.cpp's; loading a file around it is loader.cpp's.
// [SECTION] Keys, ids and operations
// [SECTION] Setup, steps and outcomes
// [SECTION] The scenario
#include <algorithm>
#include <map>

#include "base/digits.h"
#include "scenarios/graph.h"
#include "scenarios/loader_internal.h"

namespace posdrill::loader_internal {

// ---------------------------------------------------------------------------------------------
// [SECTION] Keys, ids and operations
// ---------------------------------------------------------------------------------------------

namespace {

const Keys scenario_keys = {"id",    "version", "topic", "difficulty", "minutes", "pass_mark",     "title",  "summary",
                            "setup", "scoring", "start", "steps",      "figures", "real_terminal", "debrief"};
const Keys setup_keys = {
    "card", "pin",     "balance",    "amount",     "merchant_id",         "terminal_id", "merchant_name",
    "host", "history", "faults",     "other_card", "supervisor_password", "printer",     "nightly_settlement",
    "time", "chip",    "contactless"};
const Keys host_keys = {"pin_tries", "lock_code", "velocity", "decline", "preauth_days", "completion_limit"};
const Keys step_common = {"id", "kind"};
const Keys narrative_keys = {"id",       "kind", "text", "customer",      "terminal",   "sms",
                             "requires", "does", "next", "minutes_later", "load_paper", "customer_card"};
const Keys end_keys = {"id", "kind", "text", "customer", "terminal", "sms", "requires"};
const Keys decision_keys = {"id", "kind", "prompt", "time_limit", "shuffle", "hints", "choices"};
const Keys terminal_keys = {"id",    "kind",   "task",         "prompt",   "expect",        "outcomes", "time_limit",
                            "hints", "points", "critical_ops", "feedback", "fail_feedback", "next",     "on_fail"};
// The short form of a terminal task: one success branch and one for everything else.
const Keys terminal_short_keys = {"points", "critical_ops", "feedback", "fail_feedback", "next", "on_fail"};
const Keys choice_keys = {"id", "text", "points", "critical", "feedback", "does", "next"};
const Keys outcome_keys = {"when", "points", "critical", "feedback", "next"};
const Keys when_keys = {"outcome", "op", "code", "reversal_sent", "amount"};
const Keys requires_keys = {"reversal_pending", "charges", "held", "slip_printed", "card_locked"};
const Keys does_keys = {"op", "amount"};

bool valid_step_id(std::string_view s) {
  return !s.empty() && s.size() <= 48 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Keys op_names() {
  Keys k;
  for (int i = 0; i < terminal_op_count; ++i) k.push_back(terminal_op_name(static_cast<TerminalOp>(i)));
  return k;
}

std::optional<TerminalOp> read_op(YamlReader& r, const YAML::Node& n, std::string_view key) {
  auto s = r.scalar(n, key);
  if (!s) return std::nullopt;
  auto op = parse_terminal_op(*s);
  if (!op)
    r.error(n,
            "unknown operation '" + *s + "'" + suggest(*s, op_names()) + "; expected one of: " + join_keys(op_names()));
  return op;
}

}  // namespace

bool valid_id(std::string_view s) {
  return s.size() >= 3 && s.size() <= 48 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

std::optional<Fault> read_fault(YamlReader& r, const YAML::Node& m, bool in_history) {
  Fault f;
  YAML::Node kind = r.get(m, "fault", "fault", true);
  if (!kind.IsDefined()) return std::nullopt;
  auto s = r.scalar(kind, "fault");
  if (!s) return std::nullopt;
  auto k = parse_fault(*s);
  if (!k) {
    Keys names;
    for (int i = 0; i <= static_cast<int>(FaultKind::reversal_fails); ++i)
      names.push_back(fault_name(static_cast<FaultKind>(i)));
    r.error(kind, "unknown fault '" + *s + "'" + suggest(*s, names) + "; expected one of: " + join_keys(names));
    return std::nullopt;
  }
  f.kind = *k;
  // request 0 is "the whole story", which only a failing reversal can mean.
  if (!in_history)
    f.request = r.integer(m, "request", "fault", true, f.kind == FaultKind::reversal_fails ? 0 : 1, 1000).value_or(1);
  if (YAML::Node op = r.get(m, "op", "fault", false); op.IsDefined() && !in_history) f.op = read_op(r, op, "op");
  if (f.kind == FaultKind::respond) f.code = r.response_code(m, "code", "fault 'respond'", true).value_or("");
  if (f.kind == FaultKind::delay) f.seconds = r.integer(m, "seconds", "fault 'delay'", true, 1, 3600).value_or(0);
  return f;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Setup, steps and outcomes
// ---------------------------------------------------------------------------------------------

namespace {

void read_host(YamlReader& r, const YAML::Node& n, HostRules& h) {
  if (!r.map(n, "setup.host", host_keys)) return;
  h.pin_tries = r.integer(n, "pin_tries", "setup.host", false, 1, 10).value_or(h.pin_tries);
  if (auto c = r.response_code(n, "lock_code", "setup.host", false)) {
    if (*c != "75" && *c != "38")
      r.error(r.get(n, "lock_code", "", false), "expected lock_code \"75\" or \"38\", got '" + *c + "'");
    else
      h.lock_code = *c;
  }
  if (YAML::Node v = r.get(n, "velocity", "setup.host", false); v.IsDefined()) {
    if (r.map(v, "setup.host.velocity", {"max", "window_minutes", "code"})) {
      h.velocity_max = r.integer(v, "max", "setup.host.velocity", false, 1, 1000).value_or(h.velocity_max);
      h.velocity_window_minutes =
          r.integer(v, "window_minutes", "setup.host.velocity", false, 1, 24 * 60).value_or(h.velocity_window_minutes);
      h.velocity_code = r.response_code(v, "code", "setup.host.velocity", false).value_or(h.velocity_code);
    }
  }
  if (YAML::Node d = r.get(n, "decline", "setup.host", false); d.IsDefined()) {
    if (r.map(d, "setup.host.decline", {"code", "text"})) {
      h.decline_code = r.response_code(d, "code", "setup.host.decline", true);
      h.decline_text = r.text(d, "text", "setup.host.decline", true);
    }
  }
  h.preauth_days = r.integer(n, "preauth_days", "setup.host", false, 1, 365).value_or(h.preauth_days);
  h.completion_limit_percent =
      r.integer(n, "completion_limit", "setup.host", false, 100, 200).value_or(h.completion_limit_percent);
}

// A setup key that takes one of two words: true for `other`, false for `usual` or when absent
// (anything else is reported at its place).
bool setup_word(YamlReader& r, const YAML::Node& n, const char* key, const char* usual, const char* other) {
  YAML::Node v = r.get(n, key, "setup", false);
  if (!v.IsDefined()) return false;
  const auto word = r.scalar(v, key);
  if (word && *word == other) return true;
  if (word && *word != usual)
    r.error(v, std::string("expected '") + key + "' to be " + usual + " or " + other + ", got '" + *word + "'");
  return false;
}

void read_setup(YamlReader& r, const YAML::Node& n, Setup& s) {
  if (!r.map(n, "setup", setup_keys)) return;
  if (YAML::Node card = r.get(n, "card", "setup", true); card.IsDefined()) {
    auto pan = r.scalar(card, "card");
    // Never echo a number that might be a real card: mask it in the message.
    if (pan && !is_test_card(*pan))
      r.error(card, "card " + mask_pan(*pan) + " is not one of the test cards listed in content/README.md");
    else if (pan)
      s.card = *pan;
  }
  if (YAML::Node pin = r.get(n, "pin", "setup", false); pin.IsDefined()) {
    auto p = r.scalar(pin, "pin");
    if (p && (p->size() != 6 || !all_digits(*p)))
      r.error(pin, "expected 'pin' to be the test card's 6-digit PIN in quotes");
    else if (p)
      s.pin = *p;
  }
  if (YAML::Node card = r.get(n, "other_card", "setup", false); card.IsDefined()) {
    auto pan = r.scalar(card, "other_card");
    if (pan && !is_test_card(*pan))
      r.error(card, "other_card " + mask_pan(*pan) + " is not one of the test cards listed in content/README.md");
    else if (pan && *pan == s.card)
      r.error(card, "other_card is the same card as 'card': name a second test card");
    else if (pan)
      s.other_card = *pan;
  }
  if (YAML::Node pw = r.get(n, "supervisor_password", "setup", false); pw.IsDefined()) {
    auto p = r.scalar(pw, "supervisor_password");
    if (p && (p->size() != 6 || !all_digits(*p)))
      r.error(pw, "expected 'supervisor_password' to be 6 digits in quotes");
    else if (p)
      s.supervisor_password = *p;
  }
  s.printer_out_of_paper = setup_word(r, n, "printer", "ok", "out_of_paper");
  s.chip_readable = !setup_word(r, n, "chip", "ok", "unreadable");
  s.contactless = r.boolean(n, "contactless", "setup").value_or(false);
  s.nightly_settlement = r.boolean(n, "nightly_settlement", "setup").value_or(true);
  if (YAML::Node t = r.get(n, "time", "setup", false); t.IsDefined()) {
    const auto v = r.scalar(t, "time");
    const std::string text = v.value_or("");
    const bool shape = text.size() == 5 && text[2] == ':' &&
                       std::all_of(text.begin(), text.end(), [](char c) { return c == ':' || (c >= '0' && c <= '9'); });
    const int hour = shape ? (text[0] - '0') * 10 + (text[1] - '0') : -1;
    const int minute = shape ? (text[3] - '0') * 10 + (text[4] - '0') : -1;
    if (v && shape && hour < 24 && minute < 60)
      s.start_minute = hour * 60 + minute;
    else if (v)
      r.error(t, "expected 'time' to be the story's time of day as HH:MM like \"11:05\", got '" + text + "'");
  }
  s.balance_minor = r.amount(n, "balance", "setup", false).value_or(500000);
  s.amount_minor = r.amount(n, "amount", "setup", true).value_or(0);
  if (auto m = r.string(n, "merchant_id", "setup", false)) {
    if (m->size() != 15 || !all_digits(*m))
      r.error(r.get(n, "merchant_id", "", false), "expected 'merchant_id' to be 15 digits in quotes");
    else
      s.merchant_id = *m;
  } else {
    s.merchant_id = "898310048160001";
  }
  if (auto t = r.string(n, "terminal_id", "setup", false)) {
    if (t->size() != 8)
      r.error(r.get(n, "terminal_id", "", false), "expected 'terminal_id' to be 8 characters in quotes");
    else
      s.terminal_id = *t;
  } else {
    s.terminal_id = "10000001";
  }
  s.merchant_name = r.text(n, "merchant_name", "setup", false);
  if (YAML::Node h = r.get(n, "host", "setup", false); h.IsDefined()) read_host(r, h, s.host);

  if (YAML::Node hist = r.get(n, "history", "setup", false); hist.IsDefined()) {
    if (!hist.IsSequence()) {
      r.error(hist, "expected 'history' to be a list of operations (- op: …)");
    } else {
      for (const auto& e : hist) {
        if (!r.map(e, "history entry", {"op", "amount", "days_ago", "minutes_ago", "pin", "customer_copy", "fault", "code",
                                         "seconds"}))
          continue;
        HistoryEntry h;
        if (YAML::Node op = r.get(e, "op", "history entry", true); op.IsDefined())
          h.op = read_op(r, op, "op").value_or(TerminalOp::sale);
        h.amount_minor = r.amount(e, "amount", "history entry", false).value_or(s.amount_minor);
        h.days_ago = r.integer(e, "days_ago", "history entry", false, 0, 3650).value_or(0);
        h.minutes_ago = r.integer(e, "minutes_ago", "history entry", false, 0, 24 * 60).value_or(0);
        if (YAML::Node pin = r.get(e, "pin", "history entry", false); pin.IsDefined()) {
          auto p = r.scalar(pin, "pin");
          if (p && *p != "right" && *p != "wrong")
            r.error(pin, "expected 'pin' to be right or wrong, got '" + *p + "'");
          h.wrong_pin = p && *p == "wrong";
        }
        if (YAML::Node copy = r.get(e, "customer_copy", "history entry", false); copy.IsDefined()) {
          auto c = r.scalar(copy, "customer_copy");
          if (c && *c != "taken" && *c != "on_counter")
            r.error(copy, "expected 'customer_copy' to be taken or on_counter, got '" + *c + "'");
          h.customer_copy_on_counter = c && *c == "on_counter";
        }
        if (r.get(e, "fault", "", false).IsDefined()) h.fault = read_fault(r, e, true);
        s.history.push_back(h);
      }
    }
  }
  if (YAML::Node faults = r.get(n, "faults", "setup", false); faults.IsDefined()) {
    if (!faults.IsSequence()) {
      r.error(faults, "expected 'faults' to be a list (- request: 1, fault: answer_lost)");
    } else {
      for (const auto& f : faults) {
        if (!r.map(f, "fault", {"request", "op", "fault", "code", "seconds"})) continue;
        if (auto fault = read_fault(r, f, false)) s.faults.push_back(*fault);
      }
    }
  }
}

std::vector<Hint> read_hints(YamlReader& r, const YAML::Node& step) {
  std::vector<Hint> hints;
  YAML::Node n = r.get(step, "hints", "", false);
  if (!n.IsDefined()) return hints;
  if (!n.IsSequence()) {
    r.error(n, "expected 'hints' to be a list (- text: {zh: …, en: …}, cost: 2)");
    return hints;
  }
  for (const auto& h : n) {
    if (!r.map(h, "hint", {"text", "cost"})) continue;
    Hint hint;
    hint.text = r.text(h, "text", "hint", true);
    hint.cost = r.integer(h, "cost", "hint", false, 0, 100).value_or(0);
    hints.push_back(hint);
  }
  return hints;
}

void read_expect(YamlReader& r, const YAML::Node& n, Expectation& e) {
  if (!r.map(n, "expect",
             {"response", "reversal_sent", "references_original", "found_original", "amount", "amount_max"}))
    return;
  e.response = r.response_code(n, "response", "expect", false);
  e.reversal_sent = r.boolean(n, "reversal_sent", "expect");
  e.references_original = r.boolean(n, "references_original", "expect");
  e.found_original = r.boolean(n, "found_original", "expect");
  e.amount_minor = r.amount(n, "amount", "expect", false);
  e.amount_max_minor = r.amount(n, "amount_max", "expect", false);
}

Keys outcome_names() {
  Keys k;
  for (int i = 0; i < outcome_class_count; ++i) k.push_back(outcome_class_name(static_cast<OutcomeClass>(i)));
  return k;
}

// A scalar or a list of scalars, each read by `one`.
template <typename F>
void read_one_or_list(YamlReader& r, const YAML::Node& n, std::string_view key, F&& one) {
  if (n.IsSequence()) {
    if (n.size() == 0) r.error(n, "expected '" + std::string(key) + "' to name at least one value");
    for (const auto& item : n) one(item);
  } else {
    one(n);
  }
}

std::optional<OutcomeClass> read_outcome_class(YamlReader& r, const YAML::Node& n) {
  auto s = r.scalar(n, "outcome");
  if (!s) return std::nullopt;
  auto c = parse_outcome_class(*s);
  if (!c)
    r.error(n, "unknown outcome '" + *s + "'" + suggest(*s, outcome_names()) +
                   "; expected one of: " + join_keys(outcome_names()));
  return c;
}

// when: done | [declined, no_answer] | {outcome: …, op: …, code: …, reversal_sent: …, amount: …}
void read_when(YamlReader& r, const YAML::Node& n, OutcomeWhen& w) {
  auto add_class = [&](const YAML::Node& item) {
    if (auto c = read_outcome_class(r, item)) w.classes.push_back(*c);
  };
  if (!n.IsMap()) return read_one_or_list(r, n, "when", add_class);
  if (!r.map(n, "when", when_keys)) return;
  if (YAML::Node c = r.get(n, "outcome", "when", false); c.IsDefined()) read_one_or_list(r, c, "outcome", add_class);
  if (YAML::Node ops = r.get(n, "op", "when", false); ops.IsDefined())
    read_one_or_list(r, ops, "op", [&](const YAML::Node& item) {
      if (auto op = read_op(r, item, "op")) w.ops.push_back(*op);
    });
  if (YAML::Node codes = r.get(n, "code", "when", false); codes.IsDefined())
    read_one_or_list(r, codes, "code", [&](const YAML::Node& item) {
      auto c = r.scalar(item, "code");
      bool ok = c && c->size() == 2 && std::all_of(c->begin(), c->end(), [](char ch) {
                  return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z');
                });
      if (c && !ok)
        r.error(item, "expected 'code' to be a 2-character response code in quotes like \"55\", got '" + *c + "'");
      if (ok) w.codes.push_back(*c);
    });
  w.reversal_sent = r.boolean(n, "reversal_sent", "when");
  w.amount_minor = r.amount(n, "amount", "when", false);
  if (w.classes.empty() && w.ops.empty() && w.codes.empty() && !w.reversal_sent && !w.amount_minor)
    r.error(n, "'when' matches every attempt: name an outcome, an op, a code, reversal_sent or an amount");
}

// `expect` checks only the task's own operation. An outcome that gives points to another
// operation the trainee keys an amount for, approved, would praise a wrong amount as well: it must
// name the amount (and a later outcome meet the wrong one).
void check_points_for_any_amount(YamlReader& r, const YAML::Node& n, const Step& s, const Outcome& o) {
  if (o.points == 0 || o.critical || o.when.amount_minor || o.when.ops.empty()) return;
  if (const YAML::Node w = n["when"]; w.IsMap() && w["amount"]) return;  // named, but not readable: said already
  const bool approved_class =
      o.when.classes.empty() || std::any_of(o.when.classes.begin(), o.when.classes.end(), [](OutcomeClass c) {
        return c == OutcomeClass::approved || c == OutcomeClass::reversal_sent;
      });
  if (!approved_class) return;
  if (!o.when.codes.empty() && std::find(o.when.codes.begin(), o.when.codes.end(), "00") == o.when.codes.end()) return;
  // An earlier outcome that takes every approved `op` of any amount leaves this one the refusals.
  const auto approved_taken_before = [&](TerminalOp op) {
    return std::any_of(s.outcomes.begin(), s.outcomes.end(), [&](const Outcome& e) {
      const OutcomeWhen& w = e.when;
      return !w.amount_minor && w.codes == std::vector<std::string>{"00"} &&
             std::find(w.ops.begin(), w.ops.end(), op) != w.ops.end() &&
             (w.classes.empty() || w.classes == o.when.classes);
    });
  };
  for (TerminalOp op : o.when.ops) {
    const bool keyed_amount = op == TerminalOp::sale || op == TerminalOp::preauth ||
                              op == TerminalOp::preauth_completion || op == TerminalOp::refund;
    if (op == s.task || !keyed_amount || approved_taken_before(op)) continue;
    r.error(n, "this outcome gives " + std::to_string(o.points) + " points to an approved " +
                   std::string(terminal_op_name(op)) + " of any amount: add 'amount' to 'when' and list the same " +
                   "operation after it for a wrong amount");
    return;
  }
}

void read_outcomes(YamlReader& r, const YAML::Node& list, const std::string& what, Step& s) {
  if (!list.IsSequence() || list.size() == 0) {
    r.error(list, "expected 'outcomes' to be a list (- when: done, points: 10, feedback: …, next: …)");
    return;
  }
  for (const auto& n : list) {
    Outcome o;
    o.pos = r.pos(n);
    if (!r.map(n, "outcome of " + what, outcome_keys)) continue;
    if (YAML::Node w = r.get(n, "when", "outcome of " + what, true); w.IsDefined()) read_when(r, w, o.when);
    o.points = r.integer(n, "points", "outcome", false, 0, 1000).value_or(0);
    o.critical = r.boolean(n, "critical", "outcome").value_or(false);
    o.feedback = r.text(n, "feedback", "outcome of " + what, true);
    o.next = r.string(n, "next", "outcome of " + what, true).value_or("");
    o.next_pos = r.pos(r.get(n, "next", "", false));
    check_points_for_any_amount(r, n, s, o);
    s.outcomes.push_back(std::move(o));
  }
}

// The short form: `critical_ops` (critical), done (points, feedback, next), everything else
// (fail_feedback, on_fail or next).
void read_short_terminal(YamlReader& r, const YAML::Node& n, const std::string& what, std::optional<TerminalOp> task,
                         Step& s) {
  std::vector<TerminalOp> critical_ops;
  if (YAML::Node ops = r.get(n, "critical_ops", what, false); ops.IsDefined()) {
    if (!ops.IsSequence()) {
      r.error(ops, "expected 'critical_ops' to be a list of operations, like [sale]");
    } else {
      for (const auto& o : ops) {
        if (auto op = read_op(r, o, "critical_ops")) {
          if (task && *op == *task)
            r.error(o, "critical_ops lists '" + std::string(terminal_op_name(*op)) + "', the task itself");
          else
            critical_ops.push_back(*op);
        }
      }
    }
  }
  const int points = r.integer(n, "points", what, false, 0, 1000).value_or(0);
  const Text feedback = r.text(n, "feedback", what, true);
  const Text fail_feedback = r.text(n, "fail_feedback", what, true);
  const std::string next = r.string(n, "next", what, true).value_or("");
  const SourcePos next_pos = r.pos(r.get(n, "next", "", false));
  std::string on_fail = r.string(n, "on_fail", what, false).value_or("");
  SourcePos on_fail_pos = r.pos(r.get(n, "on_fail", "", false));
  if (on_fail.empty()) {
    on_fail = next;
    on_fail_pos = next_pos;
  }
  std::vector<OutcomeClass> others;
  for (int i = 0; i < outcome_class_count; ++i)
    if (static_cast<OutcomeClass>(i) != OutcomeClass::done) others.push_back(static_cast<OutcomeClass>(i));
  if (!critical_ops.empty()) {
    Outcome c;
    c.when.ops = critical_ops;
    c.critical = true;
    c.feedback = fail_feedback;
    c.next = on_fail;
    c.pos = s.pos;
    c.next_pos = on_fail_pos;
    s.outcomes.push_back(std::move(c));
  }
  Outcome done;
  done.when.classes = {OutcomeClass::done};
  done.points = points;
  done.feedback = feedback;
  done.next = next;
  done.pos = s.pos;
  done.next_pos = next_pos;
  s.outcomes.push_back(std::move(done));
  Outcome rest;
  rest.when.classes = others;
  rest.feedback = fail_feedback;
  rest.next = on_fail;
  rest.pos = s.pos;
  rest.next_pos = on_fail_pos;
  s.outcomes.push_back(std::move(rest));
}

void read_requires(YamlReader& r, const YAML::Node& n, Requirement& q) {
  q.pos = r.pos(n);
  if (!r.map(n, "requires", requires_keys)) return;
  q.reversal_pending = r.boolean(n, "reversal_pending", "requires");
  q.charges = r.integer(n, "charges", "requires", false, 0, 99);
  q.held_minor = r.amount(n, "held", "requires", false);
  q.slip_printed = r.boolean(n, "slip_printed", "requires");
  q.card_locked = r.boolean(n, "card_locked", "requires");
}

// does: balance_inquiry | {op: sale, amount: "328.00"}
std::optional<StoryOp> read_does(YamlReader& r, const YAML::Node& n) {
  StoryOp d;
  d.pos = r.pos(n);
  if (!n.IsMap()) {
    auto op = read_op(r, n, "does");
    if (!op) return std::nullopt;
    d.op = *op;
    return d;
  }
  if (!r.map(n, "does", does_keys)) return std::nullopt;
  YAML::Node op_node = r.get(n, "op", "does", true);
  if (!op_node.IsDefined()) return std::nullopt;
  auto op = read_op(r, op_node, "op");
  if (!op) return std::nullopt;
  d.op = *op;
  d.amount_minor = r.amount(n, "amount", "does", false);
  return d;
}

void read_step(YamlReader& r, const YAML::Node& n, Step& s) {
  s.pos = r.pos(n);
  if (!n.IsMap()) {
    r.error(n, "expected a step (a map with id and kind)");
    return;
  }
  if (auto id = r.string(n, "id", "step", true)) {
    if (!valid_step_id(*id))
      r.error(r.get(n, "id", "", false), "step id '" + *id + "' may use only letters, digits, _ and - (at most 48)");
    s.id = *id;
  }
  std::string what = s.id.empty() ? "step" : "step '" + s.id + "'";
  YAML::Node kind = r.get(n, "kind", what, true);
  if (!kind.IsDefined()) return;
  auto k = r.scalar(kind, "kind");
  if (!k) return;
  static const Keys kinds = {"narrative", "decision", "terminal", "end"};
  if (*k == "narrative") {
    s.kind = StepKind::narrative;
  } else if (*k == "decision") {
    s.kind = StepKind::decision;
  } else if (*k == "terminal") {
    s.kind = StepKind::terminal;
  } else if (*k == "end") {
    s.kind = StepKind::end;
  } else {
    r.error(kind, "unknown step kind '" + *k + "'" + suggest(*k, kinds) + "; expected one of: " + join_keys(kinds));
    return;
  }

  switch (s.kind) {
    case StepKind::narrative:
    case StepKind::end: {
      bool narrative = s.kind == StepKind::narrative;
      r.map(n, what, narrative ? narrative_keys : end_keys);
      s.text = r.text(n, "text", what, false);
      s.customer = r.text(n, "customer", what, false);
      s.terminal = r.text(n, "terminal", what, false);
      if (YAML::Node sms = r.get(n, "sms", what, false); sms.IsScalar() && sms.Scalar() == "bank")
        s.sms_from_bank = true;  // the emulated bank's own messages, whatever they say on this path
      else
        s.sms = r.text(n, "sms", what, false);
      if (YAML::Node q = r.get(n, "requires", what, false); q.IsDefined()) read_requires(r, q, s.requirement);
      if (narrative) {
        if (YAML::Node d = r.get(n, "does", what, false); d.IsDefined()) s.does = read_does(r, d);
        s.minutes_later = r.integer(n, "minutes_later", what, false, 1, 60 * 24 * 60).value_or(0);
        s.load_paper = r.boolean(n, "load_paper", what).value_or(false);
        if (auto c = r.string(n, "customer_card", what, false)) {
          if (*c == "main")
            s.customer_card = CustomerCard::main;
          else if (*c == "other")
            s.customer_card = CustomerCard::other;
          else if (*c == "none")
            s.customer_card = CustomerCard::none;
          else
            r.error(r.get(n, "customer_card", "", false),
                    "expected 'customer_card' to be main, other or none, got '" + *c + "'");
        }
        s.next = r.string(n, "next", what, true).value_or("");
        s.next_pos = r.pos(r.get(n, "next", "", false));
        bool shown = false;
        for (auto key : {"text", "customer", "terminal", "sms", "does", "load_paper", "customer_card"})
          shown = shown || r.get(n, key, "", false).IsDefined();
        if (!shown) r.error(n, what + " shows nothing: give at least one of text, customer, terminal, sms");
      }
      break;
    }
    case StepKind::decision: {
      r.map(n, what, decision_keys);
      s.prompt = r.text(n, "prompt", what, true);
      s.time_limit_s = r.integer(n, "time_limit", what, false, 5, 3600).value_or(0);
      s.shuffle = r.boolean(n, "shuffle", what).value_or(true);
      s.hints = read_hints(r, n);
      YAML::Node choices = r.get(n, "choices", what, true);
      if (!choices.IsDefined()) break;
      if (!choices.IsSequence()) {
        r.error(choices, "expected 'choices' to be a list (- id: …, text: …, next: …)");
        break;
      }
      std::map<std::string, int> seen;
      for (const auto& c : choices) {
        Choice ch;
        ch.pos = r.pos(c);
        if (!r.map(c, "choice", choice_keys)) continue;
        ch.id = r.string(c, "id", "choice", true).value_or("");
        std::string cwhat = "choice '" + ch.id + "'";
        if (!ch.id.empty() && !seen.emplace(ch.id, ch.pos.line).second)
          r.error(r.get(c, "id", "", false), "duplicate choice id '" + ch.id + "' in " + what + " (first at line " +
                                                 std::to_string(seen[ch.id]) + ")");
        ch.text = r.text(c, "text", cwhat, true);
        ch.points = r.integer(c, "points", cwhat, false, 0, 1000).value_or(0);
        ch.critical = r.boolean(c, "critical", cwhat).value_or(false);
        ch.feedback = r.text(c, "feedback", cwhat, false);
        if (YAML::Node d = r.get(c, "does", cwhat, false); d.IsDefined()) ch.does = read_does(r, d);
        ch.next = r.string(c, "next", cwhat, true).value_or("");
        ch.next_pos = r.pos(r.get(c, "next", "", false));
        s.choices.push_back(ch);
      }
      if (s.choices.size() < 2) r.error(choices, what + " needs at least 2 choices");
      break;
    }
    case StepKind::terminal: {
      r.map(n, what, terminal_keys);
      std::optional<TerminalOp> task;
      if (YAML::Node t = r.get(n, "task", what, true); t.IsDefined()) task = read_op(r, t, "task");
      s.task = task.value_or(TerminalOp::sale);
      s.prompt = r.text(n, "prompt", what, true);
      if (YAML::Node e = r.get(n, "expect", what, false); e.IsDefined()) read_expect(r, e, s.expect);
      s.time_limit_s = r.integer(n, "time_limit", what, false, 5, 3600).value_or(0);
      s.hints = read_hints(r, n);
      if (YAML::Node list = r.get(n, "outcomes", what, false); list.IsDefined()) {
        s.explicit_outcomes = true;
        for (std::string_view key : terminal_short_keys)
          if (YAML::Node short_key = r.get(n, key, what, false); short_key.IsDefined())
            r.error(short_key, "'" + std::string(key) +
                                   "' belongs to the short form of a terminal task; with 'outcomes' " +
                                   "each outcome gives its own points, feedback and next");
        read_outcomes(r, list, what, s);
      } else {
        read_short_terminal(r, n, what, task, s);
      }
      break;
    }
  }
}

// real_terminal: how the scenario runs on a spare real terminal. Checked against the setup (read
// first): every fault must be something a real terminal's line can be given.
void read_real_terminal(YamlReader& r, const YAML::Node& n, const Setup& setup, std::optional<RealTerminal>& out) {
  const char* what = "real_terminal";
  if (!r.map(n, what, {"mode", "faults", "outcomes", "reason"})) return;
  RealTerminal rt;
  YAML::Node mode = r.get(n, "mode", what, true);
  if (!mode.IsDefined()) return;
  auto m = r.scalar(mode, "mode");
  if (!m) return;
  const Keys modes = {"amounts", "emulator_only"};
  if (*m == "amounts") {
    rt.mode = RealTerminalMode::amounts;
  } else if (*m == "emulator_only") {
    rt.mode = RealTerminalMode::emulator_only;
  } else {
    r.error(mode, "unknown mode '" + *m + "' in real_terminal" + suggest(*m, modes) +
                      "; expected one of: " + join_keys(modes));
    return;
  }

  if (rt.mode == RealTerminalMode::emulator_only) {
    for (const char* key : {"faults", "outcomes"})
      if (YAML::Node k = r.get(n, key, "", false); k.IsDefined())
        r.error(k, std::string("'") + key +
                       "' has no use with mode emulator_only: the scenario never reaches a real "
                       "terminal");
    if (!r.get(n, "reason", "", false).IsDefined())
      r.error(n,
              "missing 'reason' in real_terminal: mode emulator_only must say why a real terminal cannot play "
              "this scenario, like reason: {zh: …, en: …}");
    else
      rt.reason = r.text(n, "reason", what, true);
    out = rt;
    return;
  }

  if (YAML::Node k = r.get(n, "reason", "", false); k.IsDefined())
    r.error(k, "'reason' belongs to mode emulator_only; a scenario in mode amounts runs on a real terminal");
  if (YAML::Node f = r.get(n, "faults", what, false); f.IsDefined()) {
    if (auto v = r.scalar(f, "faults")) {
      if (*v == "proxy")
        rt.proxy_faults = true;
      else if (*v != "none")
        r.error(f,
                "expected 'faults' to be proxy (posdrill proxy injects the setup's faults) or none, got '" + *v + "'");
    }
  }
  if (YAML::Node list = r.get(n, "outcomes", what, false); list.IsDefined()) {
    if (!list.IsSequence()) {
      r.error(list, "expected 'outcomes' to be a list (- request: 1, response: \"61\")");
    } else {
      for (const auto& o : list) {
        if (!r.map(o, "outcome", {"request", "op", "response"})) continue;
        RealOutcome ro;
        ro.pos = r.pos(o);
        ro.request = r.integer(o, "request", "outcome", true, 1, 1000).value_or(0);
        if (YAML::Node op = r.get(o, "op", "outcome", false); op.IsDefined()) ro.op = read_op(r, op, "op");
        ro.response = r.response_code(o, "response", "outcome", true).value_or("");
        if (ro.request == 0 || ro.response.empty()) continue;
        bool twice = std::any_of(rt.outcomes.begin(), rt.outcomes.end(),
                                 [&](const RealOutcome& x) { return x.request == ro.request && x.op == ro.op; });
        if (twice)
          r.error(o, "request " + std::to_string(ro.request) + " already has an outcome");
        else
          rt.outcomes.push_back(ro);
      }
    }
  }

  // The setup's faults must be possible on a real terminal's line (device_bridge/fault_plan.h).
  bool link_faults = false;
  auto check = [&](const Fault& f, int request) {
    if (f.op && f.kind != FaultKind::respond && rt.proxy_faults) {
      r.error(mode, "posdrill proxy counts every request of the line: a fault on the " + std::to_string(request) +
                        ". " + std::string(terminal_op_name(*f.op)) +
                        " alone needs the emulator (drop 'op', or use mode emulator_only)");
      return;
    }
    if (f.kind == FaultKind::omit_pan) {
      r.error(mode,
              "fault 'omit_pan' cannot be produced with a real terminal (the host's answer would fail its "
              "MAC): use mode emulator_only");
    } else if (f.kind == FaultKind::respond) {
      bool covered = request > 0 && std::any_of(rt.outcomes.begin(), rt.outcomes.end(), [&](const RealOutcome& o) {
                       return o.request == request && o.response == f.code && o.op == f.op;
                     });
      if (!covered)
        r.error(mode, "fault 'respond' with code " + f.code +
                          (request > 0 ? " on request " + std::to_string(request) : std::string(" in the history")) +
                          " needs an outcome in real_terminal (- request: " + std::to_string(std::max(1, request)) +
                          ", response: \"" + f.code + "\") or mode emulator_only");
    } else {
      link_faults = true;
    }
  };
  for (const auto& h : setup.history)
    if (h.fault) check(*h.fault, 0);
  for (const auto& f : setup.faults) check(f, f.request);
  if (link_faults && !rt.proxy_faults)
    r.error(mode,
            "the setup's faults reach a real terminal only through posdrill proxy: add faults: proxy to "
            "real_terminal");
  out = rt;
}

void read_debrief(YamlReader& r, const YAML::Node& n, Debrief& d) {
  if (!r.map(n, "debrief", {"summary", "rules"})) return;
  d.summary = r.text(n, "summary", "debrief", false);
  YAML::Node rules = r.get(n, "rules", "debrief", true);
  if (!rules.IsDefined()) return;
  if (!rules.IsSequence() || rules.size() == 0) {
    r.error(rules, "expected 'rules' to be a list of at least one rule (- {zh: …, en: …})");
    return;
  }
  for (const auto& rule : rules) {
    Text t;
    r.read_text(rule, "rule", t);
    d.rules.push_back(t);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] The scenario
// ---------------------------------------------------------------------------------------------

void read_scenario(YamlReader& r, const YAML::Node& root, Scenario& s) {
  if (!r.map(root, "the scenario", scenario_keys)) return;
  if (auto id = r.string(root, "id", "the scenario", true)) {
    if (!valid_id(*id))
      r.error(r.get(root, "id", "", false), "scenario id '" + *id + "' must be 3–48 lowercase letters, digits or _");
    s.id = *id;
  }
  s.version = r.integer(root, "version", "the scenario", true, 1, 1000000).value_or(1);
  if (YAML::Node t = r.get(root, "topic", "the scenario", true); t.IsDefined()) {
    if (auto v = r.scalar(t, "topic")) {
      Keys ids;
      for (Topic tp : all_topics) ids.push_back(topic_id(tp));
      if (auto topic = parse_topic(*v))
        s.topic = *topic;
      else
        r.error(t, "unknown topic '" + *v + "'" + suggest(*v, ids) + "; expected one of: " + join_keys(ids));
    }
  }
  s.difficulty = r.integer(root, "difficulty", "the scenario", true, 1, 3).value_or(1);
  s.minutes = r.integer(root, "minutes", "the scenario", true, 1, 120).value_or(5);
  s.pass_mark = r.integer(root, "pass_mark", "the scenario", true, 1, 100).value_or(80);
  s.pass_mark_pos = r.pos(r.get(root, "pass_mark", "", false));
  s.title = r.text(root, "title", "the scenario", true);
  s.summary = r.text(root, "summary", "the scenario", true);
  if (YAML::Node setup = r.get(root, "setup", "the scenario", true); setup.IsDefined()) read_setup(r, setup, s.setup);
  if (YAML::Node sc = r.get(root, "scoring", "the scenario", false); sc.IsDefined()) {
    if (r.map(sc, "scoring", {"overtime_penalty"}))
      s.overtime_penalty = r.integer(sc, "overtime_penalty", "scoring", false, 0, 1000).value_or(0);
  }
  s.start = r.string(root, "start", "the scenario", true).value_or("");
  s.start_pos = r.pos(r.get(root, "start", "", false));
  if (YAML::Node steps = r.get(root, "steps", "the scenario", true); steps.IsDefined()) {
    if (!steps.IsSequence() || steps.size() == 0) {
      r.error(steps, "expected 'steps' to be a list of steps (- id: …, kind: …)");
    } else {
      for (const auto& n : steps) {
        Step st;
        read_step(r, n, st);
        s.steps.push_back(std::move(st));
      }
    }
  }
  for (const Step& st : s.steps)
    if (st.customer_card == CustomerCard::other && s.setup.other_card.empty()) {
      YAML::Mark at;
      at.line = st.pos.line - 1;
      at.column = st.pos.column - 1;
      r.error(at, "step '" + st.id + "' hands over the customer's other card, but setup has no 'other_card'");
    }
  if (YAML::Node rt = r.get(root, "real_terminal", "the scenario", false); rt.IsDefined())
    read_real_terminal(r, rt, s.setup, s.real_terminal);
  if (YAML::Node d = r.get(root, "debrief", "the scenario", true); d.IsDefined()) read_debrief(r, d, s.debrief);
}

}  // namespace posdrill::loader_internal
