// The scenario model: what a loaded, validated content file becomes. Plain data, no behaviour;
// the loader (loader.h) builds it and guarantees the invariants noted here, the runner
// (runner.h) plays it. Field meanings are documented for trainers in content/README.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/terminal_port.h"
#include "scenarios/text.h"

namespace posdrill {

enum class Topic {
  preauth,
  wrong_pin,
  reversal,
  frequent_swipe,
  user_exception,
  void_refund,
  settlement,
  fraud_risk,
  terminal_fault
};
inline constexpr std::array<Topic, 9> all_topics = {
    Topic::preauth,     Topic::wrong_pin,  Topic::reversal,   Topic::frequent_swipe, Topic::user_exception,
    Topic::void_refund, Topic::settlement, Topic::fraud_risk, Topic::terminal_fault};
std::string_view topic_id(Topic t);
std::optional<Topic> parse_topic(std::string_view s);
const Text& topic_title(Topic t);

// Where a value came from, for messages that point a trainer at the right spot. 1-based.
struct SourcePos {
  int line = 0;
  int column = 0;
};

enum class FaultKind {
  answer_lost,
  request_lost,
  delay,
  refuse_connection,
  bad_mac,
  omit_pan,
  respond,
  reversal_fails
};
std::string_view fault_name(FaultKind k);
std::optional<FaultKind> parse_fault(std::string_view s);

struct Fault {
  FaultKind kind = FaultKind::answer_lost;
  int request = 0;   // 1-based index of the online request it hits; 0 in history entries
  int seconds = 0;   // for delay
  std::string code;  // for respond
  // With `op`, `request` counts only that operation's requests ("the first sale"): a refused limit
  // meets the sale it is about, never a balance inquiry keyed first.
  std::optional<TerminalOp> op;
};

// Something that happened on the terminal before the story starts.
struct HistoryEntry {
  TerminalOp op = TerminalOp::sale;
  int64_t amount_minor = 0;
  int days_ago = 0;
  int minutes_ago = 0;
  bool wrong_pin = false;
  // Where this operation's cardholder copy is when the story starts: the customer took it away (the
  // default, so only the merchant copy is in the shop), or brought it back to the counter.
  bool customer_copy_on_counter = false;
  std::optional<Fault> fault;
};

struct HostRules {
  int pin_tries = 3;
  std::string lock_code = "75";
  int velocity_max = 2;
  int velocity_window_minutes = 5;
  std::string velocity_code = "65";
  std::optional<std::string> decline_code;  // acquirer risk-control decline for this card
  Text decline_text;
  int preauth_days = 30;
  int completion_limit_percent = 115;
};

struct Setup {
  std::string card;  // a test PAN from the allowed list (never a real card)
  std::string pin;   // the test card's PIN; only the emulated customer "keys" it
  int64_t balance_minor = 0;
  int64_t amount_minor = 0;
  std::string merchant_id;
  std::string terminal_id;
  Text merchant_name;
  HostRules host;
  std::vector<HistoryEntry> history;
  std::vector<Fault> faults;  // faults on the scenario's own online requests
  // A second test card (the customer's other card, or another guest's); "" = none. Its PIN is
  // the default test PIN and its balance CNY 10000.00.
  std::string other_card;
  std::string supervisor_password = "123456";  // 主管密码 the supervisor keys for voids and refunds
  bool printer_out_of_paper = false;           // the paper runs out before the story's first slip
  // The main card's chip, and the story's cards' 闪付 (`chip: unreadable`, `contactless: true`): a chip the
  // reader cannot read answers "读卡失败" when inserted; a card without 闪付 is not seen when
  // tapped. No 闪付 unless the story says so: a story that has the customer insert the card and
  // key the PIN (or sign) cannot be gone round by a tap that needs neither.
  bool chip_readable = true;
  bool contactless = false;
  // The terminal is settled at closing every night of the history (batch number + 1 each night), as
  // stores do; false: it was never settled since the oldest history entry (all in the open batch).
  bool nightly_settlement = true;
  // `time: "11:05"`: the story's clock on the training day, in minutes after midnight (slips, text
  // messages, the history's times count from it); unset: the training day's 14:32.
  std::optional<int> start_minute;
};

// How a scenario runs on a spare REAL terminal instead of the emulator (content/README.md,
// "real_terminal"). The real terminal talks to its acquirer's test host, so the host's answers
// are chosen by test amount (outcomes name response codes; a per-acquirer table in the site's
// settings turns each into the amount to key), and link faults go through `posdrill proxy`.
enum class RealTerminalMode { amounts, emulator_only };
std::string_view real_terminal_mode_name(RealTerminalMode m);

struct RealOutcome {
  int request = 1;       // 1-based online request of the story, numbered like Setup::faults
  std::string response;  // the answer the acquirer's test host must give, e.g. "61"
  SourcePos pos;         // of the outcome, for content checks against the test hosts
  std::optional<TerminalOp> op;  // as Fault::op: the request-th of this operation
};

struct RealTerminal {
  RealTerminalMode mode = RealTerminalMode::amounts;
  bool proxy_faults = false;          // `faults: proxy`: Setup's faults are injected by posdrill proxy
  std::vector<RealOutcome> outcomes;  // mode amounts; ordered as written, requests unique
  Text reason;                        // mode emulator_only: why no real terminal can play it
};

// An acquirer's TEST host as a spare real terminal meets it (content/test_hosts/*.yaml): which
// test amount makes it give which answer. Acquirers publish such tables for their test
// environments; a scenario names outcomes (response codes), the table turns each into the amount
// the trainee keys. Where the host is (its address) is the site's setting, not content.
struct TestHostProfile {
  std::string id;
  int version = 1;
  Text title;
  std::vector<std::pair<std::string, int64_t>> amounts;  // response code -> amount in fen, as written
  std::string file;

  std::optional<int64_t> amount_for(std::string_view response) const;
};

struct Hint {
  Text text;
  int cost = 0;
};

// Something the story itself does on the terminal, keyed right (a choice's consequence, or what
// a narrative says happened): the operation runs on the emulated terminal and host, so what
// follows is told from what really happened. Amount: `amount`, else the setup's for operations
// that take one; a completion, cancel or void quotes the newest fitting original in the list.
struct StoryOp {
  TerminalOp op = TerminalOp::sale;
  std::optional<int64_t> amount_minor;
  SourcePos pos;
};

// What must be true of the terminal and the host when a narrative or an ending is shown
// (`requires:`). `lint` checks it on every path the emulator can play; the runner records a miss.
struct Requirement {
  std::optional<bool> reversal_pending;  // the terminal holds a reversal record it has not sent
  std::optional<int> charges;            // standing debits of the story's amount on the card
  std::optional<int64_t> held_minor;     // open pre-authorization holds on the card, in fen
  std::optional<bool> slip_printed;      // the terminal printed a slip since the story began
  std::optional<bool> card_locked;       // the card reached its wrong-PIN limit today
  SourcePos pos;
  bool empty() const;
};

struct Choice {
  std::string id;
  Text text;
  int points = 0;
  bool critical = false;
  Text feedback;
  std::string next;
  std::optional<StoryOp> does;  // what choosing it makes happen on the terminal
  SourcePos pos;
  SourcePos next_pos;
};

// What a trainee's attempt at a terminal task led to, judged from the terminal's records and the
// host's books (scenarios/outcome.h). Exactly one class per attempt, in this precedence order.
enum class OutcomeClass {
  double_charged,   // the card now carries the story's amount twice (and the task added one)
  done,             // the task's operation did what `expect` asks
  reversal_failed,  // the automatic reversal failed every try (冲正不成功)
  wrong_keying,     // the task's operation, keyed wrong: refused by the terminal, 25/64/13/12, or a
                    // wrong amount approved; for a look-up task, the look-up did not find it
  reversal_sent,    // the pending reversal went out (with another operation than expected)
  approved,         // another operation was approved
  declined,         // the host answered with a refusal code
  no_answer,        // a request went out and no valid answer came (time-out, line lost, A0)
  nothing_online,   // nothing reached the host: the trainee stopped, or the terminal refused
};
inline constexpr int outcome_class_count = 9;
std::string_view outcome_class_name(OutcomeClass c);
std::optional<OutcomeClass> parse_outcome_class(std::string_view s);

// Which attempts an outcome handles: any of `classes`, narrowed by the operation that ended the
// task, its response code and whether the reversal went out first. Empty lists match anything.
struct OutcomeWhen {
  std::vector<OutcomeClass> classes;
  std::vector<TerminalOp> ops;
  std::vector<std::string> codes;
  std::optional<bool> reversal_sent;
  std::optional<int64_t> amount_minor;  // the operation's amount, exactly (a wrong amount falls through)
};

// One branch of a terminal task: first match wins.
struct Outcome {
  OutcomeWhen when;
  int points = 0;
  bool critical = false;
  Text feedback;
  std::string next;
  SourcePos pos;
  SourcePos next_pos;
};

enum class StepKind { narrative, decision, terminal, end };
std::string_view step_kind_name(StepKind k);

// What a terminal task requires of the record the terminal produced.
struct Expectation {
  std::optional<std::string> response;
  std::optional<bool> reversal_sent;
  std::optional<bool> references_original;
  std::optional<bool> found_original;
  std::optional<int64_t> amount_minor;
  std::optional<int64_t> amount_max_minor;
};

struct Step {
  std::string id;
  StepKind kind = StepKind::narrative;
  SourcePos pos;

  // narrative and end
  Text text;
  Text customer;
  Text terminal;
  Text sms;

  // decision and terminal
  Text prompt;
  int time_limit_s = 0;  // 0: none
  std::vector<Hint> hints;

  // decision
  bool shuffle = true;
  std::vector<Choice> choices;

  // terminal
  TerminalOp task = TerminalOp::sale;
  Expectation expect;              // what "done" means (OutcomeClass::done)
  std::vector<Outcome> outcomes;   // after loading, always at least one; the legacy form is turned
                                   // into [critical ops, done, everything else]
  bool explicit_outcomes = false;  // written with `outcomes:` (lint checks them all handled)

  // narrative and end
  Requirement requirement;
  bool sms_from_bank = false;  // `sms: bank`: the bank's own new text messages (the emulated issuer's)  // `requires:`
  // narrative
  std::optional<StoryOp> does;
  int minutes_later = 0;  // the story's clock jumps this far before the step (waiting out a lock)
  bool load_paper = false;  // someone loads paper into the terminal's printer
  // From this step on the customer presents (and keys the PIN of) the setup's other card, or
  // again the main one; or no card is at the counter (the customer has left).
  std::optional<CustomerCard> customer_card;

  std::string next;  // narrative
  SourcePos next_pos;

  // The highest points one answer to this step can earn.
  int max_points() const;
};

struct Debrief {
  Text summary;
  std::vector<Text> rules;
};

// Invariants after validation: ids unique, every next/start names a step, the graph is acyclic,
// every step reachable and every path ends, max_points > 0.
struct Scenario {
  std::string id;
  int version = 1;
  Topic topic = Topic::preauth;
  int difficulty = 1;
  int minutes = 5;
  int pass_mark = 80;  // percent
  Text title;
  Text summary;
  Setup setup;
  int overtime_penalty = 0;
  std::string start;
  std::vector<Step> steps;
  SourcePos start_pos;
  SourcePos pass_mark_pos;
  Debrief debrief;
  // Absent when the file has no real_terminal block (it then runs on the emulator only).
  std::optional<RealTerminal> real_terminal;

  std::string file;          // where it was loaded from
  std::string content_hash;  // hex digest of the file's bytes (identifies the exact version played)

  // Derived by the loader from the graph:
  int max_points = 0;        // the most points any path can earn
  int best_safe_points = 0;  // the most points a path without critical errors can earn

  // Figures that vary (content/README.md, "Figures that vary"): a file with a `figures:` block
  // loads as one whole scenario per set of figures, every {placeholder} filled in. `variants`
  // holds them in file order (empty without a figures block); this scenario is a copy of the
  // first. Everything the records compare (id, version, content_hash, step and choice ids,
  // points) is the same in every variant, so attempts at any of them count together.
  std::vector<Scenario> variants;
  int variant = 0;  // 1-based: which set of figures this scenario carries; 0 without figures

  const Step* find(std::string_view step_id) const;
  int decision_count() const;
  int critical_count() const;
};

struct Track {
  std::string id;
  int version = 1;
  Text title;
  Text summary;
  std::vector<Topic> topics;
  int validity_days = 180;
  int expiring_soon_days = 30;
  // Scenarios that must each be passed too, on top of one pass per topic (ids of loaded
  // scenarios; load_content checks them, required_pos says where each was written).
  std::vector<std::string> required;
  std::vector<SourcePos> required_pos;
  // A pass counts only with a score of at least this many percent; none = each scenario's own
  // pass mark is enough.
  std::optional<int> pass_mark;
  std::string file;
};

// The scenario with `id` in `scenarios`, or null.
const Scenario* find_scenario(const std::vector<Scenario>& scenarios, std::string_view id);

// The variant of `base` an attempt with `seed` plays: seed 1 the first set of figures, seed 2 the
// second, and round again (seed 0 the last); `base` itself when it has no figures. A variant
// passed as `base` is returned as it is.
const Scenario& scenario_for_seed(const Scenario& base, uint64_t seed);
// 0-based index of the variant `seed` picks among `count` (count >= 1).
std::size_t variant_index(std::size_t count, uint64_t seed);

// The test cards: the only PANs the emulated terminal and host accept (everything else is refused),
// and which of them the issuer treats as debit cards.
struct TestCard {
  std::string_view pan;
  bool debit = false;
};
std::span<const TestCard> test_cards();
bool is_test_card(std::string_view pan);
bool luhn_valid(std::string_view digits);
// First 6 + last 4, the rest '*' (PCI DSS 3.4.1). Short or non-digit input -> all '*'.
std::string mask_pan(std::string_view pan);

// "328.00" / "328" / "328.5" -> 32800 / 32800 / 32850 fen. nullopt on anything else
// (negative, more than 2 decimals, more than 12 integer digits).
std::optional<int64_t> parse_amount(std::string_view s);
std::string format_amount(int64_t minor);  // 32850 -> "328.50"

}  // namespace posdrill
