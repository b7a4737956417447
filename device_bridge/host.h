// The emulated acquirer host and card issuer: a pure, deterministic model of the far end of a CUP
// terminal's line. It answers logical ISO 8583 messages (iso_message.h) with the rules of
// docs/domain.md and keeps the books a training scenario needs: test-card balances,
// pre-auth holds, the daily wrong-PIN counter, the velocity rule, a journal of recent requests and
// answers, and the bank SMS the cardholder would receive. device_bridge/README.md ("The host's
// rules") lists every rule and code for someone writing a terminal against it.
//
// Contracts
// - Pure: no I/O, no clock, no global state. Time comes in as `now_ms` (emulator time, below);
//   auth codes and RRNs come from HostConfig::seed, so the same config and requests give the same
//   answers byte for byte.
// - Nothing throws. Every request gets an answer: malformed requests answer 30 (the journal entry's
//   `note` says what was wrong), unsupported operations 12, unknown cards 14.
// - Bounded: it remembers the last HostConfig::max_transactions transactions (the originals
//   reversals, voids, refunds and completions look for), the last journal_limit journal entries
//   and the last sms_limit SMS. A long-running `posdrill host` holds a fixed amount of memory.
// - PIN: the host checks a PIN block with crypto.h pin_block_matches() against the account's
//   configured TEST PIN and keeps nothing of it; the journal never holds a PIN block.
// - Cards: only the test PANs of scenarios/model.h is_test_card() have accounts.
//
// Messages handled (request -> answer; DE = data element; message_builder.h has the codes)
//   0800 sign-on            -> 0810, DE62 = working keys for the DE60.3 asked (encode_working_keys)
//   0200 000000/00 sale     -> 0210, DE38 auth code, DE37 RRN
//   0200 200000/00 void     -> 0210; the original sale by DE61 batch + trace (see "Originals")
//   0220 200000/00 refund   -> 0230; the original sale or completion by DE37 RRN and DE61 MMDD
//   0100 030000/06 pre-auth -> 0110; places a hold
//   0100 030000/60 incremental pre-auth -> 0110; original by DE38 + DE61 MMDD, raises the hold
//   0200 000000/06 completion (request) and 0220 000000/06 completion advice -> 0210 / 0230;
//       original pre-auth by DE38 (original auth code) + DE61 MMDD (+ batch/trace when not zero)
//   0100 200000/06 pre-auth cancel -> 0110; releases the hold
//   0200 200000/06 completion void -> 0210; the original completion by DE61 batch + trace
//   0200 310000/00 balance inquiry -> 0210, DE54 = balance (encode_balance)
//   0400 reversal           -> 0410; see "Reversal" below
//   0500 settlement         -> 0510, DE48 = the totals with the 对账 flag (1 balanced, 2 not)
//
// Originals: a request that refers to an earlier transaction names it by its trace (terminal,
// batch, STAN), card, amount, operation and date, and every one of them must fit, else nothing
// moves: not found, another card or another kind of transaction -> 25; a void or completion void
// for another amount than the original's, or a cancel for another amount than the authorised
// one -> 64; a void of an earlier day, or of something voided or settled -> 22; a refund above
// what is left of the original -> 61; a completion above completion_limit_percent -> 61.
//
// Reversal (0400): the original is the newest request with the 0400's terminal id (DE41), batch
// (DE60.2) and STAN (DE11) whose operation is the one the 0400's DE3, DE25 and DE60.1 name; the
// 0400's card (DE2) and amount (DE4) must be the original's and the original at most
// reversal_days old. The first matching 0400 undoes the original exactly once (debit credited
// back, hold released, void re-debited, ...) and marks its journal entry `reversed`; a repeat
// answers 00 and changes nothing (idempotent). A 0400 that matches nothing — its original never
// arrived, or it names another card, amount or operation — answers 25 and changes nothing: the
// terminal treats 00, 12 and 25 alike as "nothing left to reverse" and deletes its record.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/calendar.h"  // CivilTime, civil_time, civil_ms, day_number, ms_per_*
#include "base/time.h"
#include "device_bridge/iso_message.h"
#include "scenarios/model.h"
#include "scenarios/text.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// Emulator time
// ---------------------------------------------------------------------------------------------
// The emulated terminal and host share one virtual wall clock: local civil time (China, no time
// zone arithmetic anywhere) as milliseconds since 1970-01-01 00:00, typed TerminalTime
// (base/time.h) so that it never mixes with the kiosk's wall or steady clocks. Dates on the wire (DE13, DE61
// MMDD), pre-auth validity days, the daily wrong-PIN counter and the SMS all derive from it.
// The conversions to and from dates are base/calendar.h's.

std::string format_mmdd(TerminalTime t);    // "1120"
std::string format_hhmmss(TerminalTime t);  // "143205"
// Where every story starts unless told otherwise: 2026-11-20 14:32:00, one fixed training day, so
// slips, SMS and transcripts show the same dates on every run.
TerminalTime default_training_start_ms();

// ---------------------------------------------------------------------------------------------
// Field conventions shared by the host and the terminal
// ---------------------------------------------------------------------------------------------

// DE54 of a balance answer (ISO additional amounts): account type "10", amount type "02"
// (available), currency "156", sign C/D, 12 digits of fen. 20 characters.
std::string encode_balance(int64_t minor);
std::optional<int64_t> decode_balance(std::string_view de54);

// DE63 of a declined answer carrying the acquirer's own display text (刷卡频繁, 用户异常): the
// 3-character card organisation "CUP", then zh, '|', en in UTF-8, cut at a character boundary to
// at most 63 bytes (English dropped first). A real acquirer sends only the Chinese, in GBK.
std::string encode_display_text(const Text& text);
std::optional<Text> decode_display_text(std::string_view de63);

// DE62 of the sign-on answer. The terminal master key (TMK) encrypts each working key block by
// block (two-key 3DES); each key block is followed by its 4-byte check value: the first 4 bytes of
// the clear key encrypting 8 zero bytes. The layout follows the sign-on's DE60.3, as CUP hosts do:
//   001  single-length keys, 24 bytes: PIK (8) + check value, MAK (8) + check value
//   003  double-length, 40 bytes: PIK (16) + check value, MAK (8) + 8 zero bytes + check value
//   004  as 003 plus the track key, 60 bytes: ... , TDK (16) + check value
// The MAK is single-length in every mode (the MAC is single DES, crypto.h compute_mac).
struct WorkingKeys {
  std::string pin_key;    // 8 bytes after a 001 sign-on, else 16
  std::string mac_key;    // 8 bytes
  std::string track_key;  // 16 bytes after a 004 sign-on, else empty
};
// `network_code` is the sign-on's DE60.3 ("001", "003" or "004"); `keys` holds the host's full
// keys (PIK and TDK 16 bytes, MAK 8 or 16: only the first 8 are handed out), cut to the mode.
// "" for any other code.
std::string encode_working_keys(const WorkingKeys& keys, std::string_view master_key,
                                std::string_view network_code = "003");
// The layout is read from the length (24, 40 or 60 bytes). nullopt when the block has another
// size or a check value does not match.
std::optional<WorkingKeys> decode_working_keys(std::string_view de62, std::string_view master_key);
// The terminal master key every emulated terminal is "injected" with (TEST ONLY, 16 bytes).
std::string_view test_master_key();
// The track data key a 004 sign-on hands out (TEST ONLY, 16 bytes; posdrill never encrypts
// track data, so nothing uses it).
std::string_view test_track_key();

// DE48 of a settlement (0500 / 0510): for domestic cards the debit amount (n12, fen), debit count
// (n3), credit amount (n12), credit count (n3) and the 对账应答代码 (n1: "0" in the request, "1"
// balanced / "2" not balanced in the answer); then the same 31 digits for foreign cards, all
// zero here. Debits are approved sales and completions not voided; credits are refunds.
struct BatchTotals {
  int debit_count = 0;
  int64_t debit_minor = 0;
  int credit_count = 0;
  int64_t credit_minor = 0;
  bool operator==(const BatchTotals&) const = default;
};
std::string encode_totals(const BatchTotals& totals, char flag);
struct DecodedTotals {
  BatchTotals totals;
  char flag = '0';
};
std::optional<DecodedTotals> decode_totals(std::string_view de48);

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

// The PIN every test card has unless the scenario gives one.
inline constexpr std::string_view default_test_pin = "123456";

// An acquirer risk-control decline: `code` in DE39, `text` shown instead of the code's standard
// display text (用户异常 on 57 or 62).
struct AcquirerDecline {
  std::string code = "57";
  Text text{"用户异常", "User exception"};
};

struct CardAccount {
  std::string pan;            // one of the test PANs (is_test_card)
  std::string pin;            // the TEST PIN the issuer checks PIN blocks against; "" = no PIN check
  int64_t balance_minor = 0;  // available funds at the start, in fen
  int pin_tries = 3;          // wrong PINs in one day before the lock
  std::string lock_code = "75";
  std::optional<AcquirerDecline> decline;  // every card request is declined with it
  // A debit card (借记卡): a sale, pre-auth or balance inquiry without a PIN answers 55, except a
  // contactless sale up to HostConfig::no_pin_limit_minor (闪付免密).
  bool debit = false;
};

// Whether the issuer of a test card treats it as a debit card (docs/domain.md §10.2: 6200000000000047,
// and the 621094 and 19-digit 62055 test cards).
bool is_test_debit_card(std::string_view pan);

// The acquirer's 刷卡频繁 rule: a sale on a card that already has `max_sales` approved, unreversed
// sales within the last `window_minutes` is declined with `code` and `text`.
struct VelocityRule {
  bool enabled = true;
  int max_sales = 2;
  int window_minutes = 5;
  std::string code = "65";
  Text text{"刷卡频繁", "Card used too frequently"};
};

struct HostConfig {
  std::vector<CardAccount> accounts;
  VelocityRule velocity;
  int preauth_days = 30;                 // completion / cancel / incremental after this many days -> 22
  int completion_limit_percent = 115;    // completion above this percent of the authorised amount -> 61
  int reversal_days = 1;                 // a 0400 for an original older than this many days -> 25
  int64_t no_pin_limit_minor = 100'000;  // debit cards: contactless sales up to CNY 1000.00 need no PIN
  // Whether answers carry DE2 (the card number). Real CUP hosts do, and the terminal overwrites
  // its stored card number with it; the omit_pan fault (HostDirective) leaves it out per answer.
  bool answer_with_pan = true;
  std::string pin_key;                   // working PIN key handed out at sign-on; empty = crypto.h test_pin_key()
  std::string mac_key;                   // working MAC key handed out at sign-on; empty = crypto.h test_mac_key()
  std::string master_key;                // terminal master key; empty = test_master_key()
  std::string acquirer_id = "48020000";  // DE32
  Text bank_name{"银行", "Bank"};        // the SMS sender
  uint64_t seed = 20261120;              // auth codes and RRNs
  // Memory bounds: the oldest are forgotten past these counts (a forgotten pre-auth's hold is
  // released, as at its expiry). Transactions are what originals are looked up in.
  std::size_t max_transactions = 20'000;
  std::size_t journal_limit = 10'000;
  std::size_t sms_limit = 1'000;
};

// The host a scenario starts with: the setup's card with its PIN (default_test_pin when empty),
// balance, PIN tries, lock code and acquirer decline; the velocity rule, pre-auth days and
// completion limit from setup.host; the other test cards open with CNY 10000.00 and
// default_test_pin so the on-screen terminal can be tried with any of them. The seed derives
// from the terminal and merchant ids.
HostConfig host_config_from(const Setup& setup);

// Per-request behaviour for the fault layer (the link between terminal and host):
// - response_code non-empty and not "00": the host answers that code and books nothing, as if an
//   upstream system declined. "55" still counts a wrong PIN on the card, and the try that reaches
//   the card's limit answers the lock code instead — a scripted wrong PIN behaves like a real one.
// - omit_pan: the answer carries no DE2 even when the config says it should.
struct HostDirective {
  std::string response_code;
  bool omit_pan = false;
};

// ---------------------------------------------------------------------------------------------
// Journal and SMS
// ---------------------------------------------------------------------------------------------

enum class HostOp {
  sign_on,
  sale,
  void_sale,
  refund,
  preauth,
  incremental,
  completion,
  completion_advice,
  preauth_cancel,
  completion_void,
  balance_inquiry,
  reversal,
  settlement,
  unknown,
};
std::string_view host_op_name(HostOp op);  // "sale", "completion_advice", ...

// One request and its answer. Never holds a PIN, PIN block or track data; the card only as its
// last 4 digits.
struct HostJournalEntry {
  TerminalTime time_ms;
  HostOp op = HostOp::unknown;
  std::string mti;              // request MTI, e.g. "0400"
  std::string answer_mti;       // "0410"
  std::string processing_code;  // DE3 ("" when absent)
  std::string condition_code;   // DE25
  int64_t amount_minor = 0;     // DE4
  std::string terminal_id;      // DE41
  std::string batch;            // DE60.2
  std::string stan;             // DE11
  std::string rrn;              // DE37 of the answer
  std::string auth_code;        // DE38 of the answer
  std::string response_code;    // DE39 of the answer
  std::string card_last4;
  std::string reversal_reason;  // 0400: the terminal's reason (DE39 of the request: 06, 98, A0)
  std::string note;             // why a rule declined it, in one English sentence ("" otherwise)
  uint64_t seq = 0;             // 1 for the host's first request, 2 for the next, ...
  bool reversed = false;        // a later 0400 undid this request
  bool forced = false;          // the answer code came from a HostDirective
};

// A text message the issuer sends to the cardholder's phone. The card appears only as its last 4
// digits.
struct BankSms {
  TerminalTime time_ms;
  Text text;
};

// ---------------------------------------------------------------------------------------------
// The host
// ---------------------------------------------------------------------------------------------

class AcquirerHost {
 public:
  explicit AcquirerHost(HostConfig config);

  // Answers one request received at `now_ms`. Always returns an answer (see the file comment).
  // `now_ms` should not go backwards; pre-auth holds past their validity are released first.
  IsoMessage handle(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive = {});
  // Time passing without a request (the issuer's daily work): releases pre-auth holds past their
  // validity, as handle() does first.
  void tick(TerminalTime now_ms) { expire_holds(now_ms); }

  // The most recent requests handled (at most journal_limit), oldest first.
  const std::deque<HostJournalEntry>& journal() const { return journal_; }
  // How many requests the host has journaled in all (the newest entry's seq).
  uint64_t journal_total() const { return journal_seq_; }
  // The entry with that seq, or nullptr when it was never made or has been forgotten.
  const HostJournalEntry* journal_entry(uint64_t seq) const;
  // The most recent SMS sent (at most sms_limit), oldest first.
  const std::deque<BankSms>& sms() const { return sms_; }
  // How many transactions the host remembers now (at most max_transactions).
  std::size_t transactions_kept() const { return txns_.size(); }

  // Available funds of a test card (balance minus holds); nullopt for a card without an account.
  std::optional<int64_t> available_minor(std::string_view pan) const;
  // The sum of the card's open pre-auth holds.
  int64_t held_minor(std::string_view pan) const;
  // Wrong PINs counted on the card on the day of `now_ms`.
  int wrong_pins(std::string_view pan, TerminalTime now_ms) const;
  // Approved debits on the card (sales, pre-auth completions) that are neither reversed nor voided;
  // with `amount_minor`, only those of exactly that amount.
  int standing_debits(std::string_view pan, std::optional<int64_t> amount_minor = std::nullopt) const;
  // Requests handled since the host started (never shrinks, whatever the journal keeps).
  int64_t requests_handled() const { return requests_handled_; }
  const HostConfig& config() const { return config_; }

 private:
  struct Account {
    CardAccount card;
    int64_t available = 0;
    std::map<int64_t, int> wrong_pins_by_day;  // today's and yesterday's only
  };
  // A card request the issuer processed (approved or declined), for originals and reversals.
  struct Txn {
    uint64_t id = 0;  // 1, 2, ... in arrival order
    HostOp op = HostOp::unknown;
    std::string mti, pan, terminal_id, batch, stan, rrn, auth_code, rc, date_mmdd;
    TerminalTime time_ms;
    int64_t amount = 0;
    uint64_t journal_seq = 0;
    uint64_t original = 0;  // id of the transaction it refers to; 0: none
    bool approved = false, reversed = false, voided = false, completed = false, cancelled = false, settled = false;
    int64_t hold = 0;        // pre-auth: still held
    int64_t authorised = 0;  // pre-auth: amount plus increments
    int64_t released = 0;    // completion / cancel: the hold it released from the original
    int64_t refunded = 0;    // sale: refunded so far
  };
  struct Request;  // parsed view of one request (host.cpp)

  std::string handle_card(Request& r);
  std::string book(Request& r, Txn& t, Account& acct);
  std::string book_preauth_family(Request& r, Txn& t, Account& acct);
  std::string book_void(Request& r, Txn& t, Account& acct);
  std::string book_refund(Request& r, Txn& t, Account& acct);
  std::string handle_reversal(Request& r);
  std::string handle_settlement(Request& r);
  std::optional<std::string> card_checks(Request& r, const Account& acct);
  std::optional<std::string> risk_and_pin_checks(Request& r, Account& acct);
  std::string count_wrong_pin(Account& acct, TerminalTime now_ms);
  Txn* find_preauth(Request& r, std::string& rc);
  // Transactions with this trace, newest first.
  std::vector<Txn*> by_trace(std::string_view terminal_id, std::string_view batch, std::string_view stan);
  Txn* txn(uint64_t id);
  void remember(Txn t);
  void forget_oldest();
  void add_journal(HostJournalEntry entry);
  void undo(Txn& t, TerminalTime now_ms);
  void expire_holds(TerminalTime now_ms);
  int approved_sales_in_window(std::string_view pan, TerminalTime now_ms) const;
  std::string next_auth_code();
  std::string next_rrn();
  uint64_t next_random();
  void notify(std::string_view pan, TerminalTime now_ms, std::string_view action_key, int64_t amount_minor);
  Account* account(std::string_view pan);
  const Account* account(std::string_view pan) const;

  HostConfig config_;
  std::map<std::string, Account, std::less<>> accounts_;
  std::deque<Txn> txns_;  // ids txns_.front().id .. txns_.back().id, contiguous
  uint64_t next_txn_id_ = 1;
  std::unordered_multimap<std::string, uint64_t> trace_index_;  // "terminal|batch|stan" -> txn id
  std::deque<HostJournalEntry> journal_;
  uint64_t journal_seq_ = 0;
  std::deque<BankSms> sms_;
  std::unordered_set<uint64_t> issued_codes_;  // recent auth codes and RRNs, to avoid repeats
  int64_t last_expiry_day_ = INT64_MIN;        // expire_holds() scans once per day
  uint64_t random_state_ = 0;
  int64_t requests_handled_ = 0;
};

}  // namespace posdrill
