// The emulated CUP card terminal: a pure, event-driven model of the device on the counter, as a
// cashier meets it (menus, keypad, card slot, PIN pad, screen, printer) and as the acquirer meets
// it (ISO 8583 requests with sign-on keys, reversal records, batches). Rules from
// docs/domain.md: §2, §3 and §5 (messages, reversal), §6 (pre-auth), §10 (PCI).
//
// Driving it
// - Inputs are calls: press() for the keypad, present_card() for swipe / insert / tap,
//   enter_pin() for the customer's PIN pad, on_host_answer() / on_no_answer() for the line,
//   tick() for time. Nothing happens on its own: time-outs fire inside tick().
// - Outputs are polled: take_outgoing() (messages for the host), take_receipts(),
//   take_records() (TerminalRecord for the scenario runner), screen().
// - start() is the high-level driver for headless play and the runner: it walks the menus and
//   keys for an operation ("balance inquiry with this card and PIN") through the same key API the
//   on-screen twin uses. The online part then runs as answers and ticks arrive.
//
// Time: the emulator's civil clock (host.h "Emulator time"); tick(now_ms) moves it forward and
// every input is stamped with the latest tick.
//
// Security (PCI DSS, docs/domain.md §10)
// - Only the test PANs of is_test_card() are accepted; anything else is refused on screen and
//   forgotten at once.
// - The PIN becomes a PIN block inside enter_pin() (crypto.h make_pin_block with the working PIN
//   key from sign-on); the clear digits are never copied. The block lives only in the outgoing
//   request and is wiped from the terminal once the request is handed over. Track data likewise
//   never outlives the transaction; the reversal record keeps neither (reversal_of()).
// - Screens, receipts and the batch list show the card as first 6 + last 4 (mask_pan) — also on
//   pre-auth slips, where a real terminal prints the full number. Every screen and receipt carries
//   "培训 TRAINING".
//
// Faithful quirk kept on purpose (seed incident 预授权后无卡号): like a real CUP terminal, the card
// number stored with a transaction is the DE2 of the host's answer. Swiped / inserted requests
// carry no DE2, so an answer without DE2 leaves the record and its receipts with no card number.
//
// Reversal (冲正): before sending a sale, void, pre-auth, incremental, pre-auth cancel, completion
// or completion void, the terminal saves a reversal record (reason 06). No answer in time or a
// lost connection -> 98; an answer with a bad MAC -> A0; any valid answer deletes it (a declined
// request booked nothing either). At the start of the next online transaction (not sign-on) the
// terminal shows "自动冲正…" and sends the 0400 up to `reversal_tries` times, waiting
// `reversal_wait_ms` each; an answer 00, 12 or 25 clears it. When every try fails it shows
// "冲正不成功 请与客服联系", abandons the transaction and, unless keep_reversal_after_failure, drops
// the record (its part is over: staff must call the acquirer — and a new sale now charges the
// customer a second time). A connection refused before anything was sent leaves no record.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time.h"
#include "device_bridge/host.h"
#include "device_bridge/iso_message.h"
#include "device_bridge/message_builder.h"
#include "scenarios/model.h"
#include "scenarios/terminal_port.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

// The keypad: digits, 确认 (enter), 取消 (cancel), 退格 (clear: one character back), 菜单 (menu).
enum class Key { d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, enter, cancel, clear, menu };
Key digit_key(int digit);  // 0..9
// The name of a key as `posdrill play` reads and the transcript writes it: "0".."9", "enter",
// "cancel", "clear", "menu".
std::string_view key_name(Key key);
std::optional<Key> parse_key(std::string_view name);

enum class EntryMode { swipe, insert, tap, keyed };
// A card presentation's name as `posdrill play` reads it and the input log writes it: "card"
// (inserted: the usual way, and the name every earlier transcript uses), "tap", "swipe", "keyed".
std::string_view card_input_name(EntryMode mode);
// The three a customer does at the counter: "card", "tap", "swipe" (never "keyed").
std::optional<EntryMode> parse_card_input(std::string_view name);

// The card and how it is presented. Every card a story hands the customer is a 金融IC卡 with a
// chip and a stripe; since 2017-05-01 the stripe of such a card is closed for payments in mainland
// China (no fall-back to the stripe), so the terminal asks for the chip when one is swiped
// (docs/domain.md §3.3). `chip` false: a card with a stripe only (some tests, the spare-terminal
// console). `chip_readable` false: worn or dirty contacts, the reader cannot read the chip (its
// 闪付 antenna is apart from the contacts and may still work). `contactless` false: no 闪付.
struct CardPresentation {
  EntryMode mode = EntryMode::insert;
  std::string pan;
  std::string expiry_yymm = "3012";
  bool chip = true;
  bool chip_readable = true;
  bool contactless = true;
};

// How the line failed: before anything was sent (no reversal record survives), or after.
enum class LinkFailure { connect_failed, connection_lost };

// ---------------------------------------------------------------------------------------------
// What the terminal does
// ---------------------------------------------------------------------------------------------

// The terminal's transactions. Finer than TerminalOp, which has no incremental pre-auth,
// completion advice or completion void.
enum class TxnType {
  sale,
  void_sale,
  refund,
  preauth,
  incremental,
  preauth_cancel,
  completion,
  completion_advice,
  completion_void,
  balance_inquiry,
  sign_on,
  settlement,
};
const Text& txn_label(TxnType type);      // 消费 Sale, 预授权完成(通知) Completion advice, ...
TerminalOp terminal_op_of(TxnType type);  // incremental -> preauth, completion_void -> void_sale, ...
CupOperation cup_operation_of(TxnType type);

// One screenful. `status` is the top bar and always carries "培训 TRAINING"; `lines` are ordered
// by importance, the first being what a cashier would read out ("交易成功", "(55)密码错请重试").
struct Screen {
  Text status;
  Text title;
  std::vector<Text> lines;
  const Text& headline() const { return lines.empty() ? title : lines.front(); }
};

// A transaction in the current batch (approved ones only: the terminal lists what it saw
// approved, so a sale whose answer was lost is not here).
struct BatchEntry {
  TxnType type = TxnType::sale;
  std::string batch;        // 批次号
  std::string stan;         // 凭证号 (voucher number)
  std::string rrn;          // 参考号
  std::string auth_code;    // 授权码
  std::string date_mmdd;    // from the answer's DE13
  std::string time_hhmmss;  // from the answer's DE12
  int year = 0;
  int64_t amount_minor = 0;
  std::string masked_pan;  // mask_pan() of the answer's DE2; "" when the answer carried none
  EntryMode entry = EntryMode::insert;
  // What it refers to (voids, completions, cancels, refunds, incrementals)
  std::string orig_stan, orig_auth_code, orig_date_mmdd, orig_rrn;
  bool voided = false;     // sale / completion: voided later in this batch
  bool completed = false;  // pre-auth: completed from this terminal
  bool cancelled = false;  // pre-auth: cancelled from this terminal
};

struct Receipt {
  enum class Kind { transaction, settlement };
  enum class Copy { merchant, customer };
  Kind kind = Kind::transaction;
  Copy copy = Copy::merchant;
  bool duplicate = false;  // 重打印
  TxnType type = TxnType::sale;
  std::string masked_pan;  // "" when the record has no card number
  std::string batch, stan, rrn, auth_code;
  std::string date_time;  // "2026/11/20 14:32:05"
  int64_t amount_minor = 0;
  std::vector<std::string> lines;  // the slip as printed, labels in Chinese and English
};

// A merchant copy the cardholder has signed (an earlier sale's, from the slip box): its blank
// signature line reads 持卡人已签名 SIGNED. Other slips are left as they are.
void mark_signed(Receipt& r);

struct TerminalConfig {
  std::string terminal_id = "10000001";         // DE41, 8 characters
  std::string merchant_id = "898310048161234";  // DE42, 15 characters
  Text merchant_name{"培训商户", "Training merchant"};
  std::string operator_id = "01";
  int batch = 1;       // 批次号 of the open batch
  int first_stan = 1;  // 凭证号 of the first request
  int64_t response_timeout_ms = 60'000;
  int64_t reversal_wait_ms = 30'000;
  int reversal_tries = 3;
  bool keep_reversal_after_failure = false;  // see the file comment
  int64_t input_timeout_ms = 60'000;         // no key for this long: back to the main screen
  std::string master_key;                    // empty = test_master_key()
  std::string supervisor_password = "123456";  // 主管密码 for voids and refunds (a TEST value)
  // 闪付 免密免签: a contactless sale up to this amount asks no PIN and its slip no signature
  // (UnionPay's small-amount rule; the host's HostConfig::no_pin_limit_minor is the same figure).
  int64_t no_pin_limit_minor = 100'000;
};

// A terminal configured for a scenario: its terminal id, merchant id and name (defaults when empty).
TerminalConfig terminal_config_from(const Setup& setup);

// ---------------------------------------------------------------------------------------------
// The terminal
// ---------------------------------------------------------------------------------------------

class EmulatedTerminal {
 public:
  EmulatedTerminal(TerminalConfig config, TerminalTime now_ms);

  // ---- Low-level inputs (the on-screen twin) --------------------------------------------------
  // Main screen: 菜单 or 确认 opens the menu. Menu: 1 消费  2 消费撤销  3 退货  4 预授权类 (1 预授权
  // 2 预授权撤销 3 预授权完成(请求) 4 预授权完成(通知) 5 预授权完成撤销 6 追加预授权)  5 余额查询
  // 6 签到  7 结算  8 交易查询 (1 按凭证号 2 按参考号 3 按授权码 4 交易明细)  9 重打印 (1 最后一笔
  // 2 按凭证号 3 结算单). 取消 goes back one level; on a result screen 菜单 opens the menu and any other key
  // returns to the main screen.
  void press(Key key);
  // A card at the reader. On the main or a result screen it starts a sale (as real terminals do); at a
  // "请插卡/挥卡/刷卡" prompt it is read; elsewhere it is ignored. A PAN that is not a test card is refused.
  // At the prompt a chip card swiped is answered "IC卡请插卡", a chip that cannot be read "读卡失败",
  // and a card without 闪付 held to the reader is not seen: the prompt stays in each case.
  void present_card(const CardPresentation& card);
  // The customer keys the PIN and presses OK on the PIN pad. Only at a "请输入密码" prompt.
  // "" = no PIN (OK pressed straight away, as a credit card may). 4–12 digits.
  void enter_pin(std::string_view pin);
  // The supervisor keys the 主管密码 at a "请输入主管密码" prompt (voids and refunds), then 确认.
  void enter_supervisor_password(std::string_view password);
  // The printer's paper: without it, an approved transaction prints nothing ("打印机缺纸") and
  // 重打印 refuses until paper is loaded again.
  void set_paper(bool loaded);
  bool has_paper() const { return paper_; }
  bool printer_jammed() const { return printer_jammed_; }  // a slip is owed since the paper ran out
  // The host's answer as the codec delivered it; mac_ok false when its MAC did not verify.
  // Answers that match no outstanding request (late, wrong STAN) are ignored.
  void on_host_answer(const IsoMessage& answer, bool mac_ok);
  // The line failed while a request or reversal was outstanding.
  void on_no_answer(LinkFailure failure = LinkFailure::connection_lost);
  // Moves the clock to `now_ms` (never backwards) and fires due time-outs.
  void tick(TerminalTime now_ms);
  // Shows `line` as a result screen, the way the terminal keeps its last message until a key is
  // pressed (a story's "the terminal shows …"). Ignored while keying or talking to the host.
  void display(const Text& line);

  // ---- High-level driver (headless play, scenario runner) -----------------------------------
  // Abandons unfinished keying, then walks the menus and prompts for `request`: presents `card`,
  // keys the amount and the quoted original (auth code, date; for a void the voucher found in the
  // batch list), lets the customer key `customer_pin` (nullopt: OK without a PIN) — the PIN is
  // turned into a block at once and not kept. transaction_query finds the original by the quoted
  // auth code, else shows the newest pre-auth or sale in the list; reprint prints the last slip
  // again. Offline operations and local refusals finish at once; online ones when the host's
  // answer (or a time-out) arrives. Every operation that ends yields one TerminalRecord.
  void start(const TerminalRequest& request, const CardPresentation& card,
             std::optional<std::string_view> customer_pin);
  // The inputs a trainee makes at the device for `request` from the current screen, as start()
  // would make them: key names, "card" (the customer presents it) and "pin" (the customer keys
  // it). Played on a copy; this terminal does not change.
  std::vector<std::string> plan_inputs(const TerminalRequest& request, const CardPresentation& card) const;

  // ---- Outputs ------------------------------------------------------------------------------
  std::vector<IsoMessage> take_outgoing();
  std::vector<Receipt> take_receipts();
  std::vector<TerminalRecord> take_records();
  const Screen& screen() const { return screen_; }
  // The screens shown while online since the last call, oldest first, at most 32: the transcript
  // and the twin show the ones an exchange passes through (处理中…, 自动冲正…) before its result.
  std::vector<Screen> take_shown() { return std::exchange(shown_, {}); }

  // ---- State --------------------------------------------------------------------------------
  TerminalTime now_ms() const { return now_; }
  bool idle() const { return mode_ == Mode::idle; }
  bool waiting_for_host() const { return mode_ == Mode::online; }
  // At a "请插卡/挥卡/刷卡" or "请输入密码" prompt: the customer's card or PIN pad is what it needs.
  bool waiting_for_card() const;
  bool waiting_for_pin() const;
  bool waiting_for_supervisor() const;
  std::optional<TerminalTime> next_deadline_ms() const;
  bool signed_on() const { return keys_.has_value(); }
  const std::optional<WorkingKeys>& working_keys() const { return keys_; }  // for the codec's MAC
  bool reversal_pending() const { return reversal_.has_value(); }
  std::string reversal_reason() const { return reversal_ ? reversal_->get(39) : std::string(); }
  const std::vector<BatchEntry>& batch_list() const { return batch_; }
  std::string batch_no() const;
  int next_trace() const { return stan_; }  // the 凭证号 (STAN) the next request gets
  const TerminalConfig& config() const { return config_; }
  // Transactions that went online (sign-on excluded), and slips printed: both only ever grow.
  int online_started() const { return online_started_; }
  // The operation the terminal is running (keying or online), if any.
  std::optional<TerminalOp> current_op() const;
  int slips_printed() const { return slips_printed_; }

 private:
  enum class Mode {
    idle,
    menu,
    preauth_menu,
    query_menu,
    print_menu,
    input,
    online,
    result,
    query_input,
    query_show,
    reprint_input
  };
  enum class Step {
    card,
    confirm_card,
    orig_voucher,
    confirm_original,
    orig_rrn,
    orig_auth,
    orig_date,
    amount,
    pin,
    supervisor,
    confirm_settlement
  };
  enum class QueryBy { voucher, rrn, auth_code, browse };

  struct Flow {
    TxnType type = TxnType::sale;
    std::vector<Step> steps;
    std::size_t at = 0;
    std::string input;  // what was keyed at the current prompt
    bool has_card = false;
    std::string pan, expiry;
    EntryMode entry = EntryMode::insert;
    int64_t amount = 0;
    std::string orig_auth, orig_date, orig_rrn;
    std::optional<std::size_t> orig_index;  // in batch_
    std::string pin_block;
    IsoMessage request;           // the main request (PIN block removed once handed over)
    bool saved_reversal = false;  // this request left a reversal record
    bool in_reversal = false;     // waiting for a 0410
    bool reversal_sent = false;   // a pending reversal went out and was answered first
    int reversal_try = 0;
    TerminalTime deadline;
  };

  // keys and menus
  void open_menu(Mode menu);
  void begin(TxnType type, bool card_first = false);
  void enter_step();
  void next_step();
  void step_key(Key key);
  void card_read(const CardPresentation& card);
  void to_idle();
  // online
  void go_online();
  IsoMessage build_request();
  void send_main();
  void send_reversal_try();
  void reversal_try_failed();
  void handle_main_answer(const IsoMessage& answer);
  void approved(const IsoMessage& answer, TerminalRecord& rec);
  // endings
  TerminalRecord record_for_flow() const;
  // `keying`: refused because of what was keyed (TerminalRecord::keying_refused).
  void fail_local(const Text& why, bool keying = false);
  void end_flow(Mode mode);
  void wipe_card();
  // look-ups and printing
  void query_key(Key key);
  void show_query_result(std::optional<std::size_t> index, bool emit_record);
  TerminalRecord query_record(std::optional<std::size_t> index) const;
  void reprint(std::optional<std::size_t> index);
  void reprint_settlement();  // menu 9, 3: the last settlement slip again, marked 重打印
  // Both reprints' end: `print_it` puts the slip out when there is one (`found`) and paper for it;
  // the record and the result screen say which.
  void finish_reprint(bool found, const std::function<void()>& print_it);
  void print(const BatchEntry& e, bool duplicate);
  Receipt make_receipt(const BatchEntry& e, Receipt::Copy copy, bool duplicate) const;
  // 闪付 免密免签: a contactless sale up to config_.no_pin_limit_minor (no PIN asked, no signature).
  bool quick_pass(TxnType type, EntryMode entry, int64_t amount_minor) const;
  void print_settlement(const BatchTotals& totals, bool balanced);
  BatchTotals batch_totals() const;
  std::optional<std::size_t> find_voucher(std::string_view stan) const;
  std::optional<std::size_t> find_original_for(const TerminalRequest& request,
                                               std::initializer_list<TxnType> kinds) const;
  void drive_query(const TerminalRequest& request);
  void key_in(std::string_view digits);
  // screens
  void show(const Text& title, std::vector<Text> lines);
  void show_idle();
  void show_step();
  std::string next_stan();

  TerminalConfig config_;
  TerminalTime now_;
  Mode mode_ = Mode::idle;
  Screen screen_;
  std::vector<Screen> shown_;  // since take_shown()
  std::optional<Flow> flow_;
  TerminalTime input_deadline_;
  std::optional<WorkingKeys> keys_;
  std::optional<IsoMessage> reversal_;  // the 0400 to send; DE39 carries the reason
  std::vector<BatchEntry> batch_;
  // Sales of batches already settled, newest last (at most 64): not in the terminal's list any more,
  // but the slips in the shift box still name them, and a refund keys their reference number.
  std::vector<BatchEntry> settled_sales_;
  int batch_number_ = 1;
  int stan_ = 1;
  std::optional<std::size_t> last_printed_;
  std::optional<Receipt> last_settlement_;  // as printed (or as it would have printed without paper)
  int online_started_ = 0;
  bool paper_ = true;
  bool printer_jammed_ = false;
  std::vector<std::string>* input_log_ = nullptr;  // plan_inputs() only
  int slips_printed_ = 0;
  // look-ups
  QueryBy query_by_ = QueryBy::voucher;
  std::string query_input_;
  std::optional<std::size_t> browse_at_;  // index in batch_ being shown while browsing
  // outputs
  std::vector<IsoMessage> outgoing_;
  std::vector<Receipt> receipts_;
  std::vector<TerminalRecord> records_;
};

}  // namespace posdrill
