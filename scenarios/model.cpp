#include "scenarios/model.h"

#include <algorithm>
#include <cstdio>

namespace posdrill {

namespace {

struct TopicInfo {
  Topic topic;
  std::string_view id;
  Text title;
};

const TopicInfo topic_table[] = {
    {Topic::preauth, "preauth", {"预授权", "Pre-authorization"}},
    {Topic::wrong_pin, "wrong_pin", {"密码错误", "Wrong PIN"}},
    {Topic::reversal, "reversal", {"冲正与扣款争议", "Reversal and disputed debits"}},
    {Topic::frequent_swipe, "frequent_swipe", {"刷卡频繁", "Swiped too frequently"}},
    {Topic::user_exception, "user_exception", {"用户异常", "User exception"}},
    {Topic::void_refund, "void_refund", {"撤销与退货", "Voids and refunds"}},
    {Topic::settlement, "settlement", {"签到与结算", "Sign-on and settlement"}},
    {Topic::fraud_risk, "fraud_risk", {"风险与诈骗防范", "Fraud and risk"}},
    {Topic::terminal_fault, "terminal_fault", {"终端故障", "Terminal faults"}},
};

struct OpInfo {
  TerminalOp op;
  std::string_view name;
  Text label;
  bool online;
};

const OpInfo op_table[] = {
    {TerminalOp::sale, "sale", {"消费", "Sale"}, true},
    {TerminalOp::void_sale, "void", {"消费撤销", "Void"}, true},
    {TerminalOp::refund, "refund", {"退货", "Refund"}, true},
    {TerminalOp::preauth, "preauth", {"预授权", "Pre-auth"}, true},
    {TerminalOp::preauth_completion, "preauth_completion", {"预授权完成", "Pre-auth completion"}, true},
    {TerminalOp::preauth_cancel, "preauth_cancel", {"预授权撤销", "Pre-auth cancel"}, true},
    {TerminalOp::balance_inquiry, "balance_inquiry", {"余额查询", "Balance inquiry"}, true},
    {TerminalOp::transaction_query, "transaction_query", {"交易查询", "Transaction query"}, false},
    {TerminalOp::reprint, "reprint", {"重打印", "Reprint"}, false},
    {TerminalOp::settlement, "settlement", {"结算", "Settlement"}, true},
    {TerminalOp::sign_on, "sign_on", {"签到", "Sign on"}, true},
};
static_assert(std::size(op_table) == terminal_op_count);

const std::string_view fault_names[] = {"answer_lost", "request_lost", "delay",   "refuse_connection",
                                        "bad_mac",     "omit_pan",     "respond", "reversal_fails"};

// docs/domain.md §10.2: Luhn-valid test numbers, none a real card; the issuer treats the UnionPay
// debit ones (6200000000000047, the 621094 and the 19-digit 62055 cards) as debit cards.
constexpr TestCard test_card_list[] = {
    {"4761739001010010", false}, {"4761739001010119", false},   {"6200000000000005", false},
    {"6200000000000047", true},  {"6205500000000000004", true}, {"6210947000000021", true},
    {"4111111111111111", false}, {"4242424242424242", false},
};

}  // namespace

std::string_view topic_id(Topic t) { return topic_table[static_cast<int>(t)].id; }

std::optional<Topic> parse_topic(std::string_view s) {
  for (const auto& info : topic_table)
    if (info.id == s) return info.topic;
  return std::nullopt;
}

const Text& topic_title(Topic t) { return topic_table[static_cast<int>(t)].title; }

std::string_view terminal_op_name(TerminalOp op) { return op_table[static_cast<int>(op)].name; }

std::optional<TerminalOp> parse_terminal_op(std::string_view name) {
  for (const auto& info : op_table)
    if (info.name == name) return info.op;
  return std::nullopt;
}

const Text& terminal_op_label(TerminalOp op) { return op_table[static_cast<int>(op)].label; }
bool terminal_op_is_online(TerminalOp op) { return op_table[static_cast<int>(op)].online; }

TerminalRecord judged_wire_record(TerminalRecord r, bool op_known, std::optional<TerminalOp> task_op,
                                  std::optional<int64_t> task_amount, const std::vector<int64_t>& test_amounts) {
  if (!op_known && task_op) {
    r.op = *task_op;
    r.amount_minor = task_amount.value_or(0);
  }
  if (task_amount && r.amount_minor &&
      std::find(test_amounts.begin(), test_amounts.end(), r.amount_minor) != test_amounts.end())
    r.amount_minor = *task_amount;
  return r;
}

std::optional<int64_t> TestHostProfile::amount_for(std::string_view response) const {
  for (const auto& [code, amount] : amounts)
    if (code == response) return amount;
  return std::nullopt;
}

std::string_view real_terminal_mode_name(RealTerminalMode m) {
  return m == RealTerminalMode::amounts ? "amounts" : "emulator_only";
}

std::string_view fault_name(FaultKind k) { return fault_names[static_cast<int>(k)]; }

std::optional<FaultKind> parse_fault(std::string_view s) {
  for (std::size_t i = 0; i < std::size(fault_names); ++i)
    if (fault_names[i] == s) return static_cast<FaultKind>(i);
  return std::nullopt;
}

std::string_view step_kind_name(StepKind k) {
  switch (k) {
    case StepKind::narrative:
      return "narrative";
    case StepKind::decision:
      return "decision";
    case StepKind::terminal:
      return "terminal";
    case StepKind::end:
      return "end";
  }
  return "?";
}

int Step::max_points() const {
  int best = 0;
  for (const auto& c : choices) best = std::max(best, c.points);
  for (const auto& o : outcomes) best = std::max(best, o.points);
  return best;
}

bool Requirement::empty() const {
  return !reversal_pending && !charges && !held_minor && !slip_printed && !card_locked;
}

namespace {
constexpr std::string_view outcome_names[] = {"double_charged", "done",          "reversal_failed",
                                              "wrong_keying",   "reversal_sent", "approved",
                                              "declined",       "no_answer",     "nothing_online"};
static_assert(std::size(outcome_names) == outcome_class_count);
}  // namespace

std::string_view outcome_class_name(OutcomeClass c) { return outcome_names[static_cast<int>(c)]; }

std::optional<OutcomeClass> parse_outcome_class(std::string_view s) {
  for (int i = 0; i < outcome_class_count; ++i)
    if (outcome_names[i] == s) return static_cast<OutcomeClass>(i);
  return std::nullopt;
}

const Step* Scenario::find(std::string_view step_id) const {
  for (const auto& s : steps)
    if (s.id == step_id) return &s;
  return nullptr;
}

int Scenario::decision_count() const {
  return static_cast<int>(
      std::count_if(steps.begin(), steps.end(), [](const Step& s) { return s.kind == StepKind::decision; }));
}

int Scenario::critical_count() const {
  int n = 0;
  for (const auto& s : steps) {
    for (const auto& c : s.choices) n += c.critical ? 1 : 0;
    for (const auto& o : s.outcomes) n += o.critical ? 1 : 0;
  }
  return n;
}

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 12 || digits.size() > 19) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::span<const TestCard> test_cards() { return test_card_list; }

bool is_test_card(std::string_view pan) {
  return std::any_of(std::begin(test_card_list), std::end(test_card_list),
                     [&](const TestCard& c) { return c.pan == pan; }) &&
         luhn_valid(pan);
}

std::string mask_pan(std::string_view pan) {
  bool digits = pan.size() >= 13 && std::all_of(pan.begin(), pan.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return std::string(pan.size() < 13 ? 16 : pan.size(), '*');
  std::string out(pan);
  for (std::size_t i = 6; i + 4 < out.size(); ++i) out[i] = '*';
  return out;
}

std::optional<int64_t> parse_amount(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t whole = 0;
  std::size_t i = 0;
  int int_digits = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9' || ++int_digits > 12) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
  }
  if (int_digits == 0) return std::nullopt;
  int64_t frac = 0;
  if (i < s.size()) {
    std::string_view f = s.substr(i + 1);
    if (f.empty() || f.size() > 2) return std::nullopt;
    for (char c : f) {
      if (c < '0' || c > '9') return std::nullopt;
      frac = frac * 10 + (c - '0');
    }
    if (f.size() == 1) frac *= 10;
  }
  return whole * 100 + frac;
}

std::string format_amount(int64_t minor) {
  uint64_t v = minor < 0 ? static_cast<uint64_t>(-(minor + 1)) + 1 : static_cast<uint64_t>(minor);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", minor < 0 ? "-" : "", static_cast<unsigned long long>(v / 100),
                static_cast<unsigned long long>(v % 100));
  return buf;
}

const Scenario* find_scenario(const std::vector<Scenario>& scenarios, std::string_view id) {
  for (const Scenario& s : scenarios)
    if (s.id == id) return &s;
  return nullptr;
}

std::size_t variant_index(std::size_t count, uint64_t seed) {
  if (count <= 1) return 0;
  return seed == 0 ? count - 1 : static_cast<std::size_t>((seed - 1) % count);
}

const Scenario& scenario_for_seed(const Scenario& base, uint64_t seed) {
  if (base.variants.empty()) return base;
  return base.variants[variant_index(base.variants.size(), seed)];
}

}  // namespace posdrill
