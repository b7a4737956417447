// The runner's view of a card terminal. A terminal task step asks the trainee to perform an
// operation; the runner scores it from what the terminal reports it actually did (a
// TerminalRecord), never from what the trainee claims. Implementations: EmulatedTerminalPort
// (device_bridge/emulation.h: the emulated CUP terminal and acquirer host) and NexoTerminalPort
// (kiosk/nexo/nexo_terminal_port.h: a spare real terminal driven over nexo Sale-to-POI).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/text.h"

namespace posdrill {

// Whose card reaches the terminal when it asks for one (a narrative's `customer_card`): the
// setup's card, its other card, or none (the customer has left).
enum class CustomerCard { main, other, none };

struct Setup;

enum class TerminalOp {
  sale,
  void_sale,
  refund,
  preauth,
  preauth_completion,
  preauth_cancel,
  balance_inquiry,
  transaction_query,
  reprint,
  settlement,
  sign_on,
};
inline constexpr int terminal_op_count = 11;

// Content names ("sale", "void", "preauth_completion", ...). Round-trips with parse_terminal_op.
std::string_view terminal_op_name(TerminalOp op);
std::optional<TerminalOp> parse_terminal_op(std::string_view name);
// The menu label a Chinese terminal shows, with English ("预授权完成 Pre-auth completion").
const Text& terminal_op_label(TerminalOp op);
// Operations that go online to the host (and so trigger a pending automatic reversal first).
bool terminal_op_is_online(TerminalOp op);

// What the trainee asked the terminal to do. Amounts in minor units (fen).
struct TerminalRequest {
  TerminalOp op = TerminalOp::sale;
  std::optional<int64_t> amount_minor;
  // For completion / void / cancel: the original's auth code and date as keyed by the trainee.
  // Empty when the trainee did not quote them.
  std::string original_auth_code;
  std::string original_date_mmdd;
};

// What the terminal actually did for one request. Carries no card number and no PIN.
struct TerminalRecord {
  TerminalOp op = TerminalOp::sale;
  std::string response_code;  // DE39 as the terminal saw it; "" when no answer arrived
  int64_t amount_minor = 0;
  bool reversal_sent = false;        // a pending automatic reversal went out (and was answered) first
  bool reversal_failed = false;      // the automatic reversal failed all tries (冲正不成功)
  bool references_original = false;  // quoted the original auth code and date, and they matched
  bool found_original = false;       // transaction_query found the original in the list
  bool keying_refused = false;       // the terminal refused what was keyed (no such original, another
                                     // card than the original's) before anything went online
  bool not_sent = false;             // the request never left: no connection, or refused before going
                                     // online (not signed on, not a test card)
  std::string auth_code;             // approved: the new auth code; transaction_query: the original's
  std::string date_mmdd;             // transaction_query: the original's date (MMDD)
  Text screen;                       // what the terminal screen showed at the end
  // Where the record comes from: "" the emulated terminal; "wire" decoded from a real terminal's
  // host line (posdrill play --wire), which carries no look-ups and no keypad refusals.
  std::string source;

  bool approved() const { return response_code == "00"; }
};

// A record read from a hand-keyed terminal's host line, judged against the task waiting for it
// (play --wire, and the kiosk's spare terminal on its host line):
// - `op_known` false (a reversal that failed before its operation went out: the line cannot tell
//   what was keyed) is taken as the task's operation and amount;
// - an amount from the acquirer test host's table (`test_amounts`: keyed to make the host give an
//   answer) is judged as the task's amount.
TerminalRecord judged_wire_record(TerminalRecord r, bool op_known, std::optional<TerminalOp> task_op,
                                  std::optional<int64_t> task_amount, const std::vector<int64_t>& test_amounts);

// What the terminal and the host's books say now, for the story's conditions (outcome classes,
// `requires:`). A real terminal has no books the kiosk can read: `known` stays false and every
// condition on the books is left unchecked.
struct TerminalFacts {
  bool known = false;
  bool reversal_pending = false;  // the terminal holds a reversal it has not sent
  int charges = 0;                // standing debits of the story's amount on the story's card
  int64_t held_minor = 0;         // open pre-authorization holds on the card
  int slips = 0;                  // slips printed since the story began
  bool card_locked = false;       // the card reached its wrong-PIN limit today
  int64_t host_requests = 0;      // requests the host has received so far (ever growing)
  // host_requests is right even when the books are unknown: a real terminal's host line, read on
  // its way to the host, shows what reached it.
  bool host_count_known = false;
};

// One input at the terminal's keypad, card reader or PIN pad, and what the screen showed after
// it: the transcript and the replay show what the trainee keyed. A PIN is always "******".
struct KeyedInput {
  std::string input;         // "menu", "5", "enter", "card", "pin ******", "amount 32800" ...
  Text screen;               // the screen's title and first two lines afterwards
  std::vector<Text> passed;  // screens shown on the way there (处理中…, 自动冲正… 第1次 共3次)
};

// The port the front end (CLI, kiosk, tests) drives. The runner never calls it: the front end
// passes each record it polls to Runner::observe(), so a real terminal that completes operations
// on its own time (the trainee keying on the device) fits the same shape as the headless double.
// All calls come from the thread that owns the runner.
class TerminalPort {
 public:
  virtual ~TerminalPort() = default;
  // Bring the terminal into the scenario's starting state: card, host rules, history, faults.
  virtual void prepare(const Setup& setup) = 0;
  // Start one operation as the trainee keyed it (headless play and on-screen shortcuts).
  virtual void request(const TerminalRequest& request) = 0;
  // Operations completed since the last poll, oldest first.
  virtual std::vector<TerminalRecord> poll() = 0;
  // The terminal's and the host's state now (unknown by default).
  virtual TerminalFacts facts() const { return {}; }
  // The story shows `text` on the terminal's screen (a narrative's `terminal:`); it stays until a
  // key is pressed. Nothing by default (a real terminal's screen is its own).
  virtual void show_story_screen(const Text& text) { (void)text; }
  // The story performs `op` itself, keyed right (StoryOp); returns what the terminal did. Nothing
  // by default (a real terminal is keyed by the trainee only).
  virtual std::vector<TerminalRecord> story_operation(const TerminalRequest& request) {
    (void)request;
    return {};
  }
  // The story's own hands at the counter: someone loads paper into the printer; the customer hands
  // over their other card (or the main one again) for what follows, or has left with it.
  virtual void story_load_paper() {}
  virtual void story_customer_card(CustomerCard card) { (void)card; }
  // The story's time jumps `ms` ahead (a narrative's minutes_later): holds expire, locks lapse.
  virtual void story_wait(int64_t ms) { (void)ms; }
  // The text messages the card's bank sent since the last call, oldest first (`sms: bank`).
  virtual std::vector<Text> take_bank_sms() { return {}; }
  // For a whole-operation shortcut ("keyed right") that quotes no original yet: fills in the
  // original a cashier would key from the slip on the counter, the pre-auth the story's setup made
  // (for a completion, cancel or look-up), not whatever is newest on the terminal. Nothing by
  // default (a real terminal's history is not known to the kiosk).
  virtual void quote_story_original(TerminalRequest& request) const { (void)request; }
};

}  // namespace posdrill

namespace posdrill {

// What a CUP terminal shows for a response code (交易成功, 密码错, …) with English alongside.
// Unknown codes get a generic "交易失败 (XX)".
Text response_text(std::string_view code);
// Every code's display text, for the kiosk's glyph set.
std::vector<Text> response_texts();

}  // namespace posdrill
