// Content loader: YAML text -> validated Scenario / Track.
//
// [SECTION] Reader: typed, position-aware access to YAML nodes; every miss becomes a Diagnostic
// [SECTION] Scenario schema
// [SECTION] Track schema
// [SECTION] Files and folders
//
// The loader never throws to its caller: yaml-cpp parse errors are caught and turned into
// diagnostics at the parser's mark. Graph checks (reachability, loops, scoring) live in graph.cpp.

#include "scenarios/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "scenarios/graph.h"
#include "scenarios/sha256.h"

namespace posdrill {

std::string Diagnostic::to_string() const {
  std::ostringstream o;
  o << file;
  if (line > 0) o << ':' << line << ':' << column;
  o << ": " << message;
  return o.str();
}

const Scenario* ContentSet::find(std::string_view id) const { return find_scenario(scenarios, id); }

namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Reader
// ---------------------------------------------------------------------------------------------

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

// " (did you mean 'x'?)" when one candidate is close, else "".
std::string suggest(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_d = 3;
  for (auto c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best.empty() ? "" : " (did you mean '" + std::string(best) + "'?)";
}

namespace {

using Keys = std::vector<std::string_view>;

class Reader {
 public:
  Reader(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  void error(const YAML::Mark& m, std::string msg) {
    out_.push_back({file_, m.line + 1, m.column + 1, std::move(msg)});
  }
  void error(const YAML::Node& n, std::string msg) { error(n.Mark(), std::move(msg)); }

  // A mapping whose keys are all in `allowed`; reports unknown and duplicate keys.
  bool map(const YAML::Node& n, std::string_view what, const Keys& allowed) {
    if (!n.IsMap()) {
      error(n, "expected " + std::string(what) + " as a map of keys (key: value)");
      return false;
    }
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) {
        error(it->first, "expected a plain key in " + std::string(what));
        continue;
      }
      const std::string& k = it->first.Scalar();
      if (!seen.insert(k).second) {
        error(it->first, "duplicate key '" + k + "' in " + std::string(what));
      } else if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        error(it->first, "unknown key '" + k + "' in " + std::string(what) + suggest(k, allowed) +
                             "; expected one of: " + join(allowed));
      }
    }
    return true;
  }

  // The value of `key`, or an undefined node (and an error when `required`).
  YAML::Node get(const YAML::Node& m, std::string_view key, std::string_view what, bool required) {
    if (m.IsMap()) {
      for (auto it = m.begin(); it != m.end(); ++it)
        if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
    }
    if (required) error(m, "missing '" + std::string(key) + "' in " + std::string(what));
    return YAML::Node(YAML::NodeType::Undefined);
  }

  std::optional<std::string> scalar(const YAML::Node& n, std::string_view key) {
    if (!n.IsScalar()) {
      error(n, "expected '" + std::string(key) + "' to be a single value, not a list or map");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<std::string> string(const YAML::Node& m, std::string_view key, std::string_view what, bool required) {
    YAML::Node n = get(m, key, what, required);
    if (!n.IsDefined()) return std::nullopt;
    auto s = scalar(n, key);
    if (s && s->empty()) {
      error(n, "'" + std::string(key) + "' is empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<int> integer(const YAML::Node& m, std::string_view key, std::string_view what, bool required, int lo,
                             int hi) {
    YAML::Node n = get(m, key, what, required);
    if (!n.IsDefined()) return std::nullopt;
    auto s = scalar(n, key);
    if (!s) return std::nullopt;
    int v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || p != s->data() + s->size()) {
      error(n, "expected '" + std::string(key) + "' to be a whole number, got '" + *s + "'");
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      error(n, "'" + std::string(key) + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                   ", got " + *s);
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const YAML::Node& m, std::string_view key, std::string_view what) {
    YAML::Node n = get(m, key, what, false);
    if (!n.IsDefined()) return std::nullopt;
    auto s = scalar(n, key);
    if (!s) return std::nullopt;
    if (*s == "true") return true;
    if (*s == "false") return false;
    error(n, "expected '" + std::string(key) + "' to be true or false, got '" + *s + "'");
    return std::nullopt;
  }

  std::optional<int64_t> amount(const YAML::Node& m, std::string_view key, std::string_view what, bool required) {
    YAML::Node n = get(m, key, what, required);
    if (!n.IsDefined()) return std::nullopt;
    auto s = scalar(n, key);
    if (!s) return std::nullopt;
    auto v = parse_amount(*s);
    if (!v)
      error(n, "expected '" + std::string(key) +
                   "' to be an amount in CNY like \"328.00\" (at most 2 decimals), got '" + *s + "'");
    return v;
  }

  // A response code: two characters, digits or capitals ("00", "55", "A0").
  std::optional<std::string> response_code(const YAML::Node& m, std::string_view key, std::string_view what,
                                           bool required) {
    YAML::Node n = get(m, key, what, required);
    if (!n.IsDefined()) return std::nullopt;
    auto s = scalar(n, key);
    if (!s) return std::nullopt;
    bool ok = s->size() == 2 && std::all_of(s->begin(), s->end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
    if (!ok) {
      error(n, "expected '" + std::string(key) + "' to be a 2-character response code in quotes like \"05\", got '" +
                   *s + "'");
      return std::nullopt;
    }
    return s;
  }

  // {zh: …, en: …}, both present and not empty.
  Text text(const YAML::Node& m, std::string_view key, std::string_view what, bool required) {
    Text t;
    YAML::Node n = get(m, key, what, required);
    if (!n.IsDefined()) return t;
    read_text(n, key, t);
    return t;
  }

  void read_text(const YAML::Node& n, std::string_view key, Text& t) {
    if (!n.IsMap()) {
      error(n, "expected '" + std::string(key) + "' to be a text in both languages, like {zh: …, en: …}");
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() != "zh" && it->first.Scalar() != "en") {
        error(it->first, "unexpected '" + it->first.Scalar() + "' in text '" + std::string(key) +
                             "': a text has only zh and en. If a comma or colon split your sentence, put the whole "
                             "text in quotes, like en: \"Yes, sir\"");
        return;
      }
    }
    if (!map(n, "text '" + std::string(key) + "'", {"zh", "en"})) return;
    for (auto [lang, slot] : {std::pair<const char*, std::string*>{"zh", &t.zh}, {"en", &t.en}}) {
      YAML::Node v = get(n, lang, "", false);
      if (!v.IsDefined()) {
        error(n, std::string("missing '") + lang + "' translation of '" + std::string(key) + "'");
        continue;
      }
      auto s = scalar(v, lang);
      if (!s) continue;
      if (s->find_first_not_of(" \t\r\n") == std::string::npos) {
        error(v, std::string("empty '") + lang + "' translation of '" + std::string(key) + "'");
        continue;
      }
      *slot = *s;
      while (!slot->empty() && (slot->back() == '\n' || slot->back() == ' ')) slot->pop_back();
    }
  }

  SourcePos pos(const YAML::Node& n) const { return {n.Mark().line + 1, n.Mark().column + 1}; }
  std::size_t count() const { return out_.size(); }  // diagnostics so far
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
};

// ---------------------------------------------------------------------------------------------
// [SECTION] Scenario schema
// ---------------------------------------------------------------------------------------------

const Keys scenario_keys = {"id",    "version", "topic", "difficulty", "minutes", "pass_mark",     "title",  "summary",
                            "setup", "scoring", "start", "steps",      "figures", "real_terminal", "debrief"};
const Keys setup_keys = {
    "card", "pin",     "balance", "amount",     "merchant_id",         "terminal_id", "merchant_name",
    "host", "history", "faults",  "other_card", "supervisor_password", "printer",     "nightly_settlement"};
const Keys host_keys = {"pin_tries", "lock_code", "velocity", "decline", "preauth_days", "completion_limit"};
const Keys step_common = {"id", "kind"};
const Keys narrative_keys = {"id",   "kind", "text",          "customer",   "terminal",     "sms",  "requires",
                             "does", "next", "minutes_later", "load_paper", "customer_card"};
const Keys end_keys = {"id", "kind", "text", "customer", "terminal", "sms", "requires"};
const Keys decision_keys = {"id", "kind", "prompt", "time_limit", "shuffle", "hints", "choices"};
const Keys terminal_keys = {"id",    "kind",   "task",         "prompt",   "expect",        "outcomes", "time_limit",
                            "hints", "points", "critical_ops", "feedback", "fail_feedback", "next",     "on_fail"};
// The short form of a terminal task: one success branch and one for everything else.
const Keys terminal_short_keys = {"points", "critical_ops", "feedback", "fail_feedback", "next", "on_fail"};
const Keys choice_keys = {"id", "text", "points", "critical", "feedback", "does", "next"};
const Keys outcome_keys = {"when", "points", "critical", "feedback", "next"};
const Keys when_keys = {"outcome", "op", "code", "reversal_sent"};
const Keys requires_keys = {"reversal_pending", "charges", "held", "slip_printed", "card_locked"};
const Keys does_keys = {"op", "amount"};

bool valid_id(std::string_view s) {
  return s.size() >= 3 && s.size() <= 48 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}
bool valid_step_id(std::string_view s) {
  return !s.empty() && s.size() <= 48 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Keys op_names() {
  Keys k;
  for (int i = 0; i < terminal_op_count; ++i) k.push_back(terminal_op_name(static_cast<TerminalOp>(i)));
  return k;
}

std::optional<TerminalOp> read_op(Reader& r, const YAML::Node& n, std::string_view key) {
  auto s = r.scalar(n, key);
  if (!s) return std::nullopt;
  auto op = parse_terminal_op(*s);
  if (!op)
    r.error(n, "unknown operation '" + *s + "'" + suggest(*s, op_names()) + "; expected one of: " + join(op_names()));
  return op;
}

std::optional<Fault> read_fault(Reader& r, const YAML::Node& m, bool in_history) {
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
    r.error(kind, "unknown fault '" + *s + "'" + suggest(*s, names) + "; expected one of: " + join(names));
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

void read_host(Reader& r, const YAML::Node& n, HostRules& h) {
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

void read_setup(Reader& r, const YAML::Node& n, Setup& s) {
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
  if (YAML::Node pr = r.get(n, "printer", "setup", false); pr.IsDefined()) {
    auto p = r.scalar(pr, "printer");
    if (p && *p == "out_of_paper")
      s.printer_out_of_paper = true;
    else if (p && *p != "ok")
      r.error(pr, "expected 'printer' to be ok or out_of_paper, got '" + *p + "'");
  }
  s.nightly_settlement = r.boolean(n, "nightly_settlement", "setup").value_or(true);
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
        if (!r.map(e, "history entry", {"op", "amount", "days_ago", "minutes_ago", "pin", "fault", "code", "seconds"}))
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

std::vector<Hint> read_hints(Reader& r, const YAML::Node& step) {
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

void read_expect(Reader& r, const YAML::Node& n, Expectation& e) {
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
void read_one_or_list(Reader& r, const YAML::Node& n, std::string_view key, F&& one) {
  if (n.IsSequence()) {
    if (n.size() == 0) r.error(n, "expected '" + std::string(key) + "' to name at least one value");
    for (const auto& item : n) one(item);
  } else {
    one(n);
  }
}

std::optional<OutcomeClass> read_outcome_class(Reader& r, const YAML::Node& n) {
  auto s = r.scalar(n, "outcome");
  if (!s) return std::nullopt;
  auto c = parse_outcome_class(*s);
  if (!c)
    r.error(n, "unknown outcome '" + *s + "'" + suggest(*s, outcome_names()) +
                   "; expected one of: " + join(outcome_names()));
  return c;
}

// when: done | [declined, no_answer] | {outcome: …, op: …, code: …, reversal_sent: …}
void read_when(Reader& r, const YAML::Node& n, OutcomeWhen& w) {
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
  if (w.classes.empty() && w.ops.empty() && w.codes.empty() && !w.reversal_sent)
    r.error(n, "'when' matches every attempt: name an outcome, an op, a code or reversal_sent");
}

void read_outcomes(Reader& r, const YAML::Node& list, const std::string& what, Step& s) {
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
    s.outcomes.push_back(std::move(o));
  }
}

// The short form: `critical_ops` (critical), done (points, feedback, next), everything else
// (fail_feedback, on_fail or next).
void read_short_terminal(Reader& r, const YAML::Node& n, const std::string& what, std::optional<TerminalOp> task,
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

void read_requires(Reader& r, const YAML::Node& n, Requirement& q) {
  q.pos = r.pos(n);
  if (!r.map(n, "requires", requires_keys)) return;
  q.reversal_pending = r.boolean(n, "reversal_pending", "requires");
  q.charges = r.integer(n, "charges", "requires", false, 0, 99);
  q.held_minor = r.amount(n, "held", "requires", false);
  q.slip_printed = r.boolean(n, "slip_printed", "requires");
  q.card_locked = r.boolean(n, "card_locked", "requires");
}

// does: balance_inquiry | {op: sale, amount: "328.00"}
std::optional<StoryOp> read_does(Reader& r, const YAML::Node& n) {
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

void read_step(Reader& r, const YAML::Node& n, Step& s) {
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
    r.error(kind, "unknown step kind '" + *k + "'" + suggest(*k, kinds) + "; expected one of: " + join(kinds));
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
          if (*c == "other" || *c == "main")
            s.customer_other_card = *c == "other";
          else
            r.error(r.get(n, "customer_card", "", false),
                    "expected 'customer_card' to be main or other, got '" + *c + "'");
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
void read_real_terminal(Reader& r, const YAML::Node& n, const Setup& setup, std::optional<RealTerminal>& out) {
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
    r.error(mode,
            "unknown mode '" + *m + "' in real_terminal" + suggest(*m, modes) + "; expected one of: " + join(modes));
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

  // The setup's faults must be possible on a real terminal's line (device_bridge/proxy.h).
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

void read_debrief(Reader& r, const YAML::Node& n, Debrief& d) {
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

void read_scenario(Reader& r, const YAML::Node& root, Scenario& s) {
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
        r.error(t, "unknown topic '" + *v + "'" + suggest(*v, ids) + "; expected one of: " + join(ids));
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
    if (st.customer_other_card.value_or(false) && s.setup.other_card.empty()) {
      YAML::Mark at;
      at.line = st.pos.line - 1;
      at.column = st.pos.column - 1;
      r.error(at, "step '" + st.id + "' hands over the customer's other card, but setup has no 'other_card'");
    }
  if (YAML::Node rt = r.get(root, "real_terminal", "the scenario", false); rt.IsDefined())
    read_real_terminal(r, rt, s.setup, s.real_terminal);
  if (YAML::Node d = r.get(root, "debrief", "the scenario", true); d.IsDefined()) read_debrief(r, d, s.debrief);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Figures that vary
// ---------------------------------------------------------------------------------------------
//
// `figures:` is a list of sets, each a map from a name to a value (a string, or {zh, en} where the
// languages differ). Every scalar of the file outside that block may use {name}; the scenario is
// read once per set from a tree whose scalars have the set's values filled in, so every schema
// reader sees concrete values and every diagnostic keeps the file's own line and column.

struct Figure {
  std::string name;
  Text value;                 // zh == en unless written per language
  bool per_language = false;  // written as {zh, en}: only a text can take it
};
using FigureSet = std::vector<Figure>;

// A placeholder written in a scalar: where, and in which language's text ("" outside a text).
struct FigureUse {
  std::string name;
  YAML::Mark at;
  std::string lang;
};

bool figure_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Calls f(name, begin, end) for each {name} in `s` (a name: a lowercase letter, then lowercase
// letters, digits or _; at most 32). Anything else in braces is plain text.
template <class F>
void each_placeholder(std::string_view s, F&& f) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '{' || i + 2 >= s.size() || !(s[i + 1] >= 'a' && s[i + 1] <= 'z')) continue;
    std::size_t j = i + 1;
    while (j < s.size() && j - i <= 33 && figure_name_char(s[j])) ++j;
    if (j < s.size() && s[j] == '}' && j - i - 1 <= 32) {
      f(s.substr(i + 1, j - i - 1), i, j + 1);
      i = j;
    }
  }
}

// Calls f(node, lang) for every scalar value below `n`, keys excepted: lang is "zh" or "en" for
// the halves of a text, "" elsewhere. At the top level the figures block itself is skipped.
template <class F>
void each_scalar(YAML::Node n, const std::string& lang, bool top, F& f) {
  if (n.IsScalar()) return f(n, lang);
  if (n.IsSequence()) {
    for (auto it = n.begin(); it != n.end(); ++it) each_scalar(YAML::Node(*it), "", false, f);
  } else if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (top && key == "figures") continue;
      each_scalar(YAML::Node(it->second), key == "zh" || key == "en" ? key : "", false, f);
    }
  }
}

// The position of a placeholder in the file: found in the text from its scalar's start, so a
// diagnostic points at the {name} itself and not only at the value that holds it.
YAML::Mark placeholder_mark(std::string_view text, const YAML::Mark& scalar, std::string_view name, std::size_t& from) {
  const std::string needle = "{" + std::string(name) + "}";
  if (scalar.pos < 0 || std::size_t(scalar.pos) > text.size()) return scalar;
  const std::size_t at = text.find(needle, std::max<std::size_t>(from, std::size_t(scalar.pos)));
  if (at == std::string_view::npos) return scalar;
  from = at + needle.size();
  YAML::Mark m;
  m.pos = int(at);
  const std::size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
  m.line = int(std::count(text.begin(), text.begin() + at, '\n'));
  m.column = int(at - (line_start == std::string_view::npos || at == 0 ? 0 : line_start + 1));
  return m;
}

std::string figure_names(const FigureSet& set) {
  std::string out;
  for (const Figure& f : set) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// Reads the figures block and checks every placeholder of the file against it. Returns the sets
// (empty when the file has none, or on an error, which `r` has reported).
std::vector<FigureSet> read_figures(Reader& r, const YAML::Node& root, std::string_view text) {
  std::vector<FigureUse> uses;
  auto collect = [&](YAML::Node n, const std::string& lang) {
    std::size_t from = 0;
    each_placeholder(n.Scalar(), [&](std::string_view name, std::size_t, std::size_t) {
      uses.push_back({std::string(name), placeholder_mark(text, n.Mark(), name, from), lang});
    });
  };
  if (root.IsMap()) each_scalar(root, "", true, collect);

  YAML::Node block = r.get(root, "figures", "the scenario", false);
  if (!block.IsDefined()) {
    for (const FigureUse& u : uses)
      r.error(u.at, "'{" + u.name +
                        "}' is a figure that varies, but the scenario has no 'figures' block to fill it in "
                        "(content/README.md, \"Figures that vary\")");
    return {};
  }
  const std::size_t errors_before = r.count();
  if (!block.IsSequence() || block.size() < 2) {
    r.error(block, "expected 'figures' to be a list of at least 2 sets of figures, like - {amount: \"328.00\"}");
    return {};
  }
  std::vector<FigureSet> sets;
  std::vector<YAML::Node> first_keys;  // where variant 1 names each figure
  int number = 0;
  for (const auto& v : block) {
    ++number;
    const std::string what = "figures variant " + std::to_string(number);
    FigureSet set;
    if (!v.IsMap() || v.size() == 0) {
      r.error(v, "expected " + what + " to be a map of figures, like {amount: \"328.00\", room: \"1208\"}");
      continue;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!it->first.IsScalar()) {
        r.error(it->first, "expected a figure's name as a plain key in " + what);
        continue;
      }
      Figure f;
      f.name = it->first.Scalar();
      if (std::any_of(set.begin(), set.end(), [&](const Figure& x) { return x.name == f.name; })) {
        r.error(it->first, "duplicate figure '" + f.name + "' in " + what);
        continue;
      }
      const bool ok_name = !f.name.empty() && f.name.size() <= 32 && f.name[0] >= 'a' && f.name[0] <= 'z' &&
                           std::all_of(f.name.begin(), f.name.end(), figure_name_char);
      if (!ok_name) {
        r.error(it->first, "figure name '" + f.name +
                               "' must start with a lowercase letter and use only lowercase letters, digits and _ "
                               "(at most 32)");
        continue;
      }
      const YAML::Node value = it->second;
      if (value.IsMap()) {
        r.read_text(value, f.name, f.value);
        f.per_language = true;
      } else if (auto sv = r.scalar(value, f.name)) {
        if (sv->empty()) r.error(value, "figure '" + f.name + "' in " + what + " is empty");
        f.value = {*sv, *sv};
      }
      for (const std::string* s : {&f.value.zh, &f.value.en})
        if (s->find_first_of("{}") != std::string::npos)
          r.error(value, "figure '" + f.name + "' in " + what + " may not contain { or }");
      if (number == 1) first_keys.push_back(it->first);
      set.push_back(std::move(f));
    }
    sets.push_back(std::move(set));
  }
  if (r.count() > errors_before || sets.empty()) return {};

  // Every variant names the same figures as the first.
  const FigureSet& first = sets.front();
  auto has = [](const FigureSet& set, const std::string& name) {
    return std::any_of(set.begin(), set.end(), [&](const Figure& f) { return f.name == name; });
  };
  for (std::size_t i = 1; i < sets.size(); ++i) {
    const YAML::Node v = block[i];
    const std::string what = "figures variant " + std::to_string(i + 1);
    for (const Figure& f : first)
      if (!has(sets[i], f.name))
        r.error(v,
                what + " has no '" + f.name + "': every variant names the same figures (" + figure_names(first) + ")");
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it->first.IsScalar() && !has(first, it->first.Scalar()))
        r.error(it->first, "figure '" + it->first.Scalar() + "' in " + what +
                               " is not in figures variant 1: every variant names the same figures (" +
                               figure_names(first) + ")");
  }

  // Every placeholder names a figure, and every figure is used.
  std::vector<std::string_view> known;
  for (const Figure& f : first) known.push_back(f.name);
  for (const FigureUse& u : uses) {
    auto f = std::find_if(first.begin(), first.end(), [&](const Figure& x) { return x.name == u.name; });
    bool per_language = false;
    for (const FigureSet& set : sets)
      for (const Figure& x : set) per_language = per_language || (x.name == u.name && x.per_language);
    if (f == first.end())
      r.error(u.at, "unknown figure '{" + u.name + "}'" + suggest(u.name, known) +
                        "; the figures block names: " + figure_names(first));
    else if (per_language && u.lang.empty())
      r.error(u.at,
              "figure '{" + u.name + "}' is written per language ({zh, en}), so only a text's zh or en can use it");
  }
  for (std::size_t i = 0; i < first.size(); ++i) {
    const bool used =
        std::any_of(uses.begin(), uses.end(), [&](const FigureUse& u) { return u.name == first[i].name; });
    if (!used)
      r.error(first_keys[i], "figure '" + first[i].name + "' is never used: write {" + first[i].name +
                                 "} where it belongs, or remove it from every variant");
  }
  if (r.count() > errors_before) return {};
  return sets;
}

// Fills every placeholder of the tree (figures block aside) with `set`'s values, in place.
void fill_figures(const YAML::Node& root, const FigureSet& set) {
  auto fill = [&](YAML::Node n, const std::string& lang) {
    const std::string in = n.Scalar();
    std::string out;
    std::size_t copied = 0;
    each_placeholder(in, [&](std::string_view name, std::size_t begin, std::size_t end) {
      auto f = std::find_if(set.begin(), set.end(), [&](const Figure& x) { return x.name == name; });
      if (f == set.end()) return;  // read_figures has refused the file already
      out.append(in, copied, begin - copied);
      out += lang == "en" ? f->value.en : f->value.zh;
      copied = end;
    });
    if (copied == 0) return;
    out.append(in, copied, std::string::npos);
    n = out;
  };
  if (root.IsMap()) each_scalar(root, "", true, fill);
}

// Parses YAML, turning parser exceptions into a diagnostic. Returns false on a syntax error.
bool parse_yaml(std::string_view text, const std::string& file, YAML::Node& root, std::vector<Diagnostic>& out) {
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    std::string hint;
    if (e.msg == "unknown token")
      hint = " (a text with '?' or ',' inside { } must be quoted, like {zh: \"您怎么做?\", en: \"What now?\"})";
    else if (e.msg == "end of map not found")
      hint = " (check the indentation of this line and the one above: use spaces, never tabs)";
    out.push_back({file, e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg + hint});
    return false;
  } catch (const YAML::Exception& e) {
    out.push_back({file, e.mark.line + 1, e.mark.column + 1, "YAML error: " + e.msg});
    return false;
  }
  if (!root.IsDefined() || root.IsNull()) {
    out.push_back({file, 1, 1, "the file is empty"});
    return false;
  }
  return true;
}

// yaml-cpp counts columns in bytes; editors count characters. Chinese takes 3 bytes a character
// in UTF-8, so convert, or every position after Chinese text on a line would be off.
void columns_to_characters(std::string_view text, std::vector<Diagnostic>& diags) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (auto& d : diags) {
    if (d.line < 1 || d.line > int(lines.size()) || d.column < 1) continue;
    std::string_view l = lines[d.line - 1].substr(0, std::size_t(d.column - 1));
    int chars = 0;
    for (unsigned char c : l) chars += (c & 0xC0) != 0x80 ? 1 : 0;
    d.column = chars + 1;
  }
}

// The frame every schema's loader shares: parse `text` and, unless the YAML itself is broken, run
// `read(reader, root)`; what yaml-cpp can still throw on exotic input (aliases to odd nodes)
// becomes a diagnostic, never an exception. Columns are left in bytes for the caller to convert.
template <class Read>
void read_yaml_text(std::string_view text, const std::string& file, std::vector<Diagnostic>& diags, Read read) {
  YAML::Node root;
  if (!parse_yaml(text, file, root, diags)) return;
  Reader r(file, diags);
  try {
    read(r, root);
  } catch (const YAML::Exception& e) {
    diags.push_back({file, e.mark.line + 1, e.mark.column + 1, "could not read this value: " + e.msg});
  }
}

}  // namespace

std::vector<Diagnostic> load_scenario_text(std::string_view text, const std::string& file, Scenario& out) {
  std::vector<Diagnostic> diags;
  out = Scenario{};
  out.file = file;
  out.content_hash = sha256_hex(text);
  std::vector<FigureSet> sets;
  read_yaml_text(text, file, diags, [&](Reader& r, const YAML::Node& root) {
    sets = read_figures(r, root, text);
    // A placeholder left unfilled would only repeat the figures' error as a bad value elsewhere.
    if (r.count() > 0) return;
    if (!sets.empty()) fill_figures(root, sets.front());
    read_scenario(r, root, out);
  });
  // Graph checks need a structurally sound file; they add their own diagnostics.
  if (diags.empty()) check_graph(out, diags);
  // Figures that vary: each further set is the whole file read again with its own values, so a
  // value that breaks a rule (an amount that is no amount) is reported like any other, naming
  // the variant.
  if (diags.empty() && sets.size() > 1) {
    out.variant = 1;
    std::vector<Scenario> variants{out};
    for (std::size_t i = 1; i < sets.size(); ++i) {
      Scenario v;
      v.file = file;
      v.content_hash = out.content_hash;
      v.variant = int(i + 1);
      std::vector<Diagnostic> found;
      read_yaml_text(text, file, found, [&](Reader& r, const YAML::Node& root) {
        fill_figures(root, sets[i]);
        read_scenario(r, root, v);
      });
      if (found.empty()) check_graph(v, found);
      for (Diagnostic& d : found) d.message += " (with figures variant " + std::to_string(i + 1) + ")";
      diags.insert(diags.end(), found.begin(), found.end());
      variants.push_back(std::move(v));
    }
    if (diags.empty()) out.variants = std::move(variants);
  }
  columns_to_characters(text, diags);
  std::sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return diags;
}

std::vector<Diagnostic> load_test_host_text(std::string_view text, const std::string& file, TestHostProfile& out) {
  std::vector<Diagnostic> diags;
  out = TestHostProfile{};
  out.file = file;
  read_yaml_text(text, file, diags, [&out](Reader& r, const YAML::Node& root) {
    const char* what = "the test host";
    if (r.map(root, what, {"id", "version", "title", "amounts"})) {
      out.id = r.string(root, "id", what, true).value_or("");
      if (!out.id.empty() && !valid_id(out.id))
        r.error(r.get(root, "id", "", false),
                "test host id '" + out.id + "' must be 3–48 lowercase letters, digits or _");
      out.version = r.integer(root, "version", what, true, 1, 1000000).value_or(1);
      out.title = r.text(root, "title", what, true);
      YAML::Node amounts = r.get(root, "amounts", what, true);
      if (amounts.IsDefined() && (!amounts.IsMap() || amounts.size() == 0)) {
        r.error(amounts, "expected 'amounts' to map response codes to test amounts, like \"61\": \"10.61\"");
      } else if (amounts.IsDefined()) {
        std::set<int64_t> seen;
        std::set<std::string> codes;
        for (auto it = amounts.begin(); it != amounts.end(); ++it) {
          const std::string code = it->first.IsScalar() ? it->first.Scalar() : "";
          bool ok = code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) {
                      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                    });
          if (!ok) {
            r.error(it->first, "expected a 2-character response code in quotes like \"61\", got '" + code + "'");
            continue;
          }
          if (!codes.insert(code).second) {
            r.error(it->first, "duplicate key '" + code + "' in amounts");
            continue;
          }
          auto amount = r.amount(amounts, code, "amounts", true);
          if (!amount) continue;
          if (*amount <= 0) {
            r.error(it->second, "the test amount for " + code + " must be more than 0.00");
          } else if (!seen.insert(*amount).second) {
            r.error(it->second, "amount " + format_amount(*amount) + " is already given for another response code");
          } else {
            out.amounts.emplace_back(code, *amount);
          }
        }
      }
    }
  });
  columns_to_characters(text, diags);
  return diags;
}

std::vector<Diagnostic> load_faults_text(std::string_view text, const std::string& file, std::vector<Fault>& out) {
  std::vector<Diagnostic> diags;
  out.clear();
  read_yaml_text(text, file, diags, [&out](Reader& r, const YAML::Node& root) {
    if (r.map(root, "the fault file", {"faults"})) {
      YAML::Node faults = r.get(root, "faults", "the fault file", true);
      if (faults.IsDefined() && !faults.IsSequence()) {
        r.error(faults, "expected 'faults' to be a list (- request: 1, fault: answer_lost)");
      } else if (faults.IsDefined()) {
        for (const auto& f : faults) {
          if (!r.map(f, "fault", {"request", "op", "fault", "code", "seconds"})) continue;
          if (auto fault = read_fault(r, f, false)) out.push_back(*fault);
        }
      }
    }
  });
  columns_to_characters(text, diags);
  return diags;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Track schema
// ---------------------------------------------------------------------------------------------

std::vector<Diagnostic> load_track_text(std::string_view text, const std::string& file, Track& out) {
  std::vector<Diagnostic> diags;
  out = Track{};
  out.file = file;
  read_yaml_text(text, file, diags, [&out](Reader& r, const YAML::Node& root) {
    const Keys keys = {"id",       "version",  "title", "summary", "topics", "validity_days", "expiring_soon_days",
                       "required", "pass_mark"};
    if (r.map(root, "the track", keys)) {
      out.id = r.string(root, "id", "the track", true).value_or("");
      if (!out.id.empty() && !valid_id(out.id))
        r.error(r.get(root, "id", "", false), "track id '" + out.id + "' must be 3–48 lowercase letters, digits or _");
      out.version = r.integer(root, "version", "the track", true, 1, 1000000).value_or(1);
      out.title = r.text(root, "title", "the track", true);
      out.summary = r.text(root, "summary", "the track", false);
      out.validity_days = r.integer(root, "validity_days", "the track", true, 1, 3650).value_or(180);
      out.expiring_soon_days = r.integer(root, "expiring_soon_days", "the track", false, 0, 365).value_or(30);
      if (out.expiring_soon_days >= out.validity_days)
        r.error(r.get(root, "expiring_soon_days", "", false).IsDefined() ? r.get(root, "expiring_soon_days", "", false)
                                                                         : root,
                "expiring_soon_days must be shorter than validity_days");
      YAML::Node topics = r.get(root, "topics", "the track", true);
      if (topics.IsDefined()) {
        if (!topics.IsSequence() || topics.size() == 0) {
          r.error(topics, "expected 'topics' to be a list of topic ids, like [preauth, reversal]");
        } else {
          Keys ids;
          for (Topic tp : all_topics) ids.push_back(topic_id(tp));
          for (const auto& t : topics) {
            auto v = r.scalar(t, "topic");
            if (!v) continue;
            auto topic = parse_topic(*v);
            if (!topic)
              r.error(t, "unknown topic '" + *v + "'" + suggest(*v, ids) + "; expected one of: " + join(ids));
            else if (std::find(out.topics.begin(), out.topics.end(), *topic) != out.topics.end())
              r.error(t, "topic '" + *v + "' is listed twice");
            else
              out.topics.push_back(*topic);
          }
        }
      }
      out.pass_mark = r.integer(root, "pass_mark", "the track", false, 0, 100);
      // Scenario ids are checked against the loaded scenarios in load_content; here only the shape.
      YAML::Node required = r.get(root, "required", "the track", false);
      if (required.IsDefined()) {
        if (!required.IsSequence()) {
          r.error(required, "expected 'required' to be a list of scenario ids, like [reversal_debit_sms]");
        } else {
          for (const auto& n : required) {
            auto v = r.scalar(n, "required");
            if (!v) continue;
            if (std::find(out.required.begin(), out.required.end(), *v) != out.required.end()) {
              r.error(n, "scenario '" + *v + "' is listed twice in required");
              continue;
            }
            out.required.push_back(*v);
            out.required_pos.push_back({n.Mark().line + 1, n.Mark().column + 1});
          }
        }
      }
    }
  });
  columns_to_characters(text, diags);
  // The positions kept for load_content's checks count characters too, like every diagnostic.
  std::vector<Diagnostic> where;
  for (const auto& p : out.required_pos) where.push_back({file, p.line, p.column, ""});
  columns_to_characters(text, where);
  for (std::size_t i = 0; i < where.size(); ++i) out.required_pos[i] = {where[i].line, where[i].column};
  return diags;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Files and folders
// ---------------------------------------------------------------------------------------------

bool read_text_file(const std::filesystem::path& path, std::size_t max_bytes, std::string& out, std::string& error) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    error = "cannot read the file: " + ec.message();
    return false;
  }
  if (size > max_bytes) {
    error = "the file is " + std::to_string(size) + " bytes; at most " + std::to_string(max_bytes) + " are read";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open the file";
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    error = "cannot read the file";
    return false;
  }
  return true;
}

namespace {

std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = e.path().extension();
    if (e.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

namespace {

// Reads each file, parses it with `parse`, refuses a second use of an id ("KIND id 'x' is already
// used by FILE"), runs `check` on what parsed cleanly, and keeps what has no diagnostics in `out`;
// everything else goes to set.errors. One loop for test hosts, scenarios and tracks.
template <typename T, typename Parse, typename Check>
void load_files(const std::vector<std::filesystem::path>& files, const char* kind, ContentSet& set, std::vector<T>& out,
                Parse parse, Check check) {
  std::map<std::string, std::string> first_file;  // id -> the file that defined it first
  for (const auto& f : files) {
    ++set.files_read;
    std::string text, error;
    if (!read_text_file(f, max_content_file_bytes, text, error)) {
      set.errors.push_back({f.string(), 0, 0, error});
      continue;
    }
    T item;
    std::vector<Diagnostic> diags = parse(text, f.string(), item);
    if (diags.empty()) {
      if (!item.id.empty()) {
        if (auto [it, fresh] = first_file.emplace(item.id, f.string()); !fresh)
          diags.push_back(
              {f.string(), 1, 1, std::string(kind) + " id '" + item.id + "' is already used by " + it->second});
      }
      check(text, f.string(), item, diags);
    }
    if (diags.empty())
      out.push_back(std::move(item));
    else
      set.errors.insert(set.errors.end(), diags.begin(), diags.end());
  }
}

}  // namespace

ContentSet load_content(const std::filesystem::path& path) {
  ContentSet set;
  std::error_code ec;
  std::vector<std::filesystem::path> scenario_files, track_files, test_host_files;
  if (std::filesystem::is_regular_file(path, ec)) {
    scenario_files.push_back(path);
  } else if (std::filesystem::is_directory(path / "scenarios", ec)) {
    scenario_files = yaml_files(path / "scenarios");
    if (std::filesystem::is_directory(path / "tracks", ec)) track_files = yaml_files(path / "tracks");
    if (std::filesystem::is_directory(path / "test_hosts", ec)) test_host_files = yaml_files(path / "test_hosts");
  } else if (std::filesystem::is_directory(path, ec)) {
    scenario_files = yaml_files(path);
  } else {
    set.errors.push_back({path.string(), 0, 0, "no such file or folder"});
    return set;
  }

  // Test hosts first: the scenarios' real_terminal outcomes are checked against them; scenarios
  // before tracks, whose topics and required scenarios must exist.
  load_files<TestHostProfile>(
      test_host_files, "test host", set, set.test_hosts, load_test_host_text,
      [](const std::string&, const std::string&, const TestHostProfile&, std::vector<Diagnostic>&) {});
  std::sort(set.test_hosts.begin(), set.test_hosts.end(),
            [](const TestHostProfile& a, const TestHostProfile& b) { return a.id < b.id; });

  load_files<Scenario>(
      scenario_files, "scenario", set, set.scenarios, load_scenario_text,
      [&](const std::string& text, const std::string& file, const Scenario& s, std::vector<Diagnostic>& diags) {
        // An outcome no known acquirer test host can give cannot be played on a real terminal.
        if (!s.real_terminal || set.test_hosts.empty()) return;
        std::vector<Diagnostic> missing;
        for (const auto& o : s.real_terminal->outcomes) {
          const bool offered = std::any_of(set.test_hosts.begin(), set.test_hosts.end(), [&](const TestHostProfile& p) {
            return p.amount_for(o.response).has_value();
          });
          if (!offered)
            missing.push_back({file, o.pos.line, o.pos.column,
                               "no test host in test_hosts/ answers " + o.response +
                                   " by amount; add it to a test host's amounts or use mode emulator_only"});
        }
        columns_to_characters(text, missing);
        diags.insert(diags.end(), missing.begin(), missing.end());
      });

  load_files<Track>(
      track_files, "track", set, set.tracks, load_track_text,
      [&](const std::string&, const std::string& file, const Track& t, std::vector<Diagnostic>& diags) {
        for (Topic tp : t.topics) {
          const bool covered =
              std::any_of(set.scenarios.begin(), set.scenarios.end(), [&](const Scenario& s) { return s.topic == tp; });
          if (!covered)
            diags.push_back(
                {file, 1, 1,
                 "topic '" + std::string(topic_id(tp)) + "' has no valid scenario, so no one can earn this track"});
        }
        for (std::size_t i = 0; i < t.required.size(); ++i) {
          const bool known = std::any_of(set.scenarios.begin(), set.scenarios.end(),
                                         [&](const Scenario& s) { return s.id == t.required[i]; });
          if (known) continue;
          std::vector<std::string_view> ids;
          for (const auto& s : set.scenarios) ids.push_back(s.id);
          diags.push_back({file, t.required_pos[i].line, t.required_pos[i].column,
                           "unknown scenario '" + t.required[i] + "' in required" + suggest(t.required[i], ids)});
        }
      });
  std::sort(set.scenarios.begin(), set.scenarios.end(),
            [](const Scenario& a, const Scenario& b) { return std::tie(a.topic, a.id) < std::tie(b.topic, b.id); });
  std::stable_sort(set.errors.begin(), set.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return set;
}

}  // namespace posdrill
