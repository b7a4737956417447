// The emulated acquirer host (host.h); time, field conventions and the scenario's configuration
// are in host_fields.cpp.
// [SECTION] Request dispatch
// [SECTION] Checks: the card, its chip data, expiry, risk and PIN
// [SECTION] Card transactions
// [SECTION] Originals: the pre-auth family, voids and refunds
// [SECTION] Reversal and settlement
// [SECTION] Books: transactions, journal, codes and SMS
#include "device_bridge/host.h"

#include <algorithm>

#include "device_bridge/crypto.h"
#include "base/digits.h"
#include "device_bridge/icc.h"
#include "device_bridge/message_builder.h"
#include "device_bridge/terminal_texts.h"

namespace posdrill {

namespace {

std::string last4(std::string_view pan) { return pan.size() >= 4 ? std::string(pan.substr(pan.size() - 4)) : ""; }

// How a note names a card: never more than its last 4 digits.
std::string card_words(std::string_view pan) { return "the card ending " + last4(pan); }

std::string cny(int64_t minor) { return "CNY " + format_amount(minor); }

// DE60.2, the batch number, from "22" + batch(6) + "000".
std::string batch_of(const IsoMessage& m) {
  const std::string& de60 = m.get(60);
  return de60.size() >= 8 ? de60.substr(2, 6) : std::string();
}

std::string trim_right(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string trace_key(std::string_view terminal_id, std::string_view batch, std::string_view stan) {
  std::string k(terminal_id);
  k += '|';
  k += batch;
  k += '|';
  k += stan;
  return k;
}

const char* const month_abbrev[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

HostOp host_op_of(CupOperation op) {
  switch (op) {
    case CupOperation::sale:
      return HostOp::sale;
    case CupOperation::void_sale:
      return HostOp::void_sale;
    case CupOperation::refund:
      return HostOp::refund;
    case CupOperation::preauth:
      return HostOp::preauth;
    case CupOperation::preauth_incremental:
      return HostOp::incremental;
    case CupOperation::preauth_cancel:
      return HostOp::preauth_cancel;
    case CupOperation::preauth_completion:
      return HostOp::completion;
    case CupOperation::preauth_completion_advice:
      return HostOp::completion_advice;
    case CupOperation::completion_void:
      return HostOp::completion_void;
    case CupOperation::balance_inquiry:
      return HostOp::balance_inquiry;
    case CupOperation::reversal:
      return HostOp::reversal;
    case CupOperation::settlement:
      return HostOp::settlement;
    case CupOperation::sign_on:
      return HostOp::sign_on;
    case CupOperation::batch_upload:
      return HostOp::unknown;
  }
  return HostOp::unknown;
}

// The operations a chip card approves with an ARQC: their chip requests carry DE55.
bool needs_cryptogram(HostOp op) {
  return op == HostOp::sale || op == HostOp::preauth || op == HostOp::balance_inquiry;
}

// The card's expiry as YYMM: DE14 when keyed, else the 4 digits after track 2's separator.
std::string expiry_of(const IsoMessage& m) {
  if (m.has(14)) return m.get(14);
  const std::string& track = m.get(35);
  std::size_t sep = track.find_first_of("=D");
  return sep == std::string::npos ? std::string() : track.substr(sep + 1, 4);
}

}  // namespace

std::string_view host_op_name(HostOp op) {
  switch (op) {
    case HostOp::sign_on:
      return "sign_on";
    case HostOp::sale:
      return "sale";
    case HostOp::void_sale:
      return "void_sale";
    case HostOp::refund:
      return "refund";
    case HostOp::preauth:
      return "preauth";
    case HostOp::incremental:
      return "incremental";
    case HostOp::completion:
      return "completion";
    case HostOp::completion_advice:
      return "completion_advice";
    case HostOp::preauth_cancel:
      return "preauth_cancel";
    case HostOp::completion_void:
      return "completion_void";
    case HostOp::balance_inquiry:
      return "balance_inquiry";
    case HostOp::reversal:
      return "reversal";
    case HostOp::settlement:
      return "settlement";
    case HostOp::unknown:
      return "unknown";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Request dispatch
// ---------------------------------------------------------------------------------------------

struct AcquirerHost::Request {
  Request(const IsoMessage& m, TerminalTime now_ms, const HostDirective& d, IsoMessage& a, HostJournalEntry& e)
      : msg(m), now(now_ms), directive(d), answer(a), entry(e) {}
  const IsoMessage& msg;
  TerminalTime now;
  const HostDirective& directive;
  IsoMessage& answer;
  HostJournalEntry& entry;
  HostOp op = HostOp::unknown;
  std::string pan;
  int64_t amount = 0;
  bool has_amount = false;
  std::string terminal_id, batch, stan;

  // Declines with `code` and says why in the journal (and so in the wire host's log).
  std::string decline(std::string code, std::string why) {
    entry.note = std::move(why);
    return code;
  }
  bool forced() const { return !directive.response_code.empty() && directive.response_code != "00"; }
};

AcquirerHost::AcquirerHost(HostConfig config) : config_(std::move(config)) {
  if (config_.pin_key.empty()) config_.pin_key = std::string(test_pin_key());
  if (config_.mac_key.empty()) config_.mac_key = std::string(test_mac_key());
  if (config_.master_key.empty()) config_.master_key = std::string(test_master_key());
  config_.max_transactions = std::max<std::size_t>(1, config_.max_transactions);
  config_.journal_limit = std::max<std::size_t>(1, config_.journal_limit);
  config_.sms_limit = std::max<std::size_t>(1, config_.sms_limit);
  random_state_ = config_.seed;
  for (const auto& card : config_.accounts) {
    if (!is_test_card(card.pan)) continue;  // never an account for anything but a test card
    Account a;
    a.card = card;
    a.card.pin_tries = std::max(1, a.card.pin_tries);
    a.available = card.balance_minor;
    accounts_[card.pan] = std::move(a);
  }
}

IsoMessage AcquirerHost::handle(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) {
  expire_holds(now_ms);
  ++requests_handled_;

  HostJournalEntry entry;
  entry.seq = ++journal_seq_;
  entry.time_ms = now_ms;
  entry.mti = request.mti;
  entry.answer_mti = response_mti(request.mti);
  entry.processing_code = request.get(3);
  entry.condition_code = request.get(25);
  entry.terminal_id = request.get(41);
  entry.batch = batch_of(request);
  entry.stan = request.get(11);

  IsoMessage answer;
  answer.mti = entry.answer_mti;
  // ISO echoes: what identifies the exchange for the terminal (STAN, terminal, amount, codes).
  for (int de : {3, 4, 11, 25, 41, 42, 49, 60, 61})
    if (request.has(de)) answer.set(de, request.get(de));
  answer.set(12, format_hhmmss(now_ms));
  answer.set(13, format_mmdd(now_ms));
  answer.set(32, config_.acquirer_id);

  Request r(request, now_ms, directive, answer, entry);
  const std::optional<CupOperation> cup = classify(request);
  r.op = cup ? host_op_of(*cup) : HostOp::unknown;
  entry.op = r.op;
  r.terminal_id = entry.terminal_id;
  r.batch = entry.batch;
  r.stan = entry.stan;
  if (auto a = parse_digits(request.get(4)); a && request.get(4).size() == 12) {
    r.amount = *a;
    r.has_amount = true;
    entry.amount_minor = *a;
  }

  std::string rc;
  const bool well_formed = request.mti.size() == 4 && all_digits(request.mti) && request.get(11).size() == 6 &&
                           all_digits(request.get(11)) && !request.get(41).empty();
  if (!well_formed) {
    rc = r.decline("30", "a request needs a 4-digit MTI, a 6-digit STAN (DE11) and a terminal id (DE41)");
  } else if (r.op == HostOp::unknown) {
    rc = r.decline("12", "MTI " + request.mti + " with DE3 " + request.get(3) + " and DE25 " + request.get(25) +
                             " is no operation this host takes");
  } else if (std::string problem = request_field_problem(request, *cup); !problem.empty()) {
    rc = r.decline("30", problem);
  } else if (r.op == HostOp::sign_on) {
    rc = "00";
    if (r.forced()) {
      rc = directive.response_code;
      entry.forced = true;
    } else {
      WorkingKeys keys{config_.pin_key, config_.mac_key, std::string(test_track_key())};
      answer.set(62, encode_working_keys(keys, config_.master_key, request.get(60).substr(8, 3)));
    }
  } else if (r.op == HostOp::reversal) {
    rc = handle_reversal(r);
  } else if (r.op == HostOp::settlement) {
    rc = handle_settlement(r);
  } else {
    rc = handle_card(r);
  }

  answer.set(39, rc);
  entry.response_code = rc;
  entry.rrn = answer.get(37);
  entry.auth_code = answer.get(38);
  add_journal(std::move(entry));
  return answer;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Checks: the card, its chip data, expiry, risk and PIN
// ---------------------------------------------------------------------------------------------

// What a card request must get right before the issuer looks at it: chip data where the card made
// a cryptogram, DE22's PIN digit matching DE52, a readable expiry. nullopt: go on.
std::optional<std::string> AcquirerHost::card_checks(Request& r, const Account&) {
  const IsoMessage& m = r.msg;
  const std::string& mode = m.get(22);
  const bool chip = mode.rfind("05", 0) == 0 || mode.rfind("07", 0) == 0;
  if (chip && needs_cryptogram(r.op)) {
    if (!m.has(55))
      return r.decline("30", "a chip or contactless (DE22 " + mode + ") " + std::string(host_op_name(r.op)) +
                                 " must carry the card's ARQC data in DE55");
    if (std::string problem = icc_request_problem(m.get(55), r.has_amount ? r.amount : 0); !problem.empty())
      return r.decline("30", problem);
  } else if (m.has(55) && !parse_tlv(m.get(55))) {
    return r.decline("30", "DE55 is not well-formed BER-TLV");
  }
  if (mode.size() == 3 && ((mode[2] == '1') != m.has(52)))
    return r.decline("30", "DE22 " + mode +
                               (m.has(52) ? " says no PIN, yet DE52 carries a PIN block"
                                          : " says a PIN was entered, yet there is no DE52"));
  const std::string yymm = expiry_of(m);
  if (!yymm.empty()) {
    auto v = parse_digits(yymm);
    if (yymm.size() != 4 || !v || *v % 100 < 1 || *v % 100 > 12)
      return r.decline("30", "the card's expiry (DE14, or track 2 after the separator) must be YYMM, not " + yymm);
  }
  return std::nullopt;
}

// The acquirer's risk control first (it never forwards such a request), then the issuer: expiry,
// card lock, a debit card's PIN, the PIN check. nullopt: go on.
std::optional<std::string> AcquirerHost::risk_and_pin_checks(Request& r, Account& acct) {
  if (acct.card.decline) {
    if (!acct.card.decline->text.empty()) r.answer.set(63, encode_display_text(acct.card.decline->text));
    return acct.card.decline->code;
  }
  const VelocityRule& v = config_.velocity;
  if (r.op == HostOp::sale && v.enabled && approved_sales_in_window(r.pan, r.now) >= v.max_sales) {
    if (!v.text.empty()) r.answer.set(63, encode_display_text(v.text));
    return v.code;
  }
  if (const std::string yymm = expiry_of(r.msg); !yymm.empty()) {
    const CivilTime now = civil_time(r.now);
    const int expires = 2000 * 100 + std::stoi(yymm);  // 20YYMM: cards expire at the end of the month
    if (expires < now.year * 100 + now.month)
      return r.decline("54",
                       card_words(r.pan) + " expired at the end of " + yymm.substr(2, 2) + "/20" + yymm.substr(0, 2));
  }
  if (wrong_pins(r.pan, r.now) >= acct.card.pin_tries) return acct.card.lock_code;
  const bool asks_pin = needs_cryptogram(r.op);  // sale, pre-auth, balance inquiry
  if (acct.card.debit && asks_pin && !r.msg.has(52)) {
    const bool quick_pass =
        r.op == HostOp::sale && r.msg.get(22).rfind("07", 0) == 0 && r.amount <= config_.no_pin_limit_minor;
    if (!quick_pass)
      return r.decline(
          "55",
          "a debit card needs the PIN (DE52) for a " + std::string(host_op_name(r.op)) +
              (r.op == HostOp::sale ? " (contactless up to " + cny(config_.no_pin_limit_minor) + " excepted)" : ""));
  }
  if (r.msg.has(52) && !acct.card.pin.empty()) {
    // A 003 / 004 sign-on handed out the double-length PIK, a 001 sign-on its first half.
    auto ok = pin_block_matches(r.msg.get(52), acct.card.pin, r.pan, config_.pin_key);
    if (!ok) ok = pin_block_matches(r.msg.get(52), acct.card.pin, r.pan, config_.pin_key.substr(0, 8));
    if (!ok) return r.decline("99", "the PIN block does not decrypt to ISO 9564 format 0 under the working PIK");
    if (!*ok) return count_wrong_pin(acct, r.now);
  }
  return std::nullopt;
}

std::string AcquirerHost::count_wrong_pin(Account& acct, TerminalTime now_ms) {
  const int64_t today = day_number(now_ms);
  // Only today's count matters (the limit is per day): older days are dropped.
  for (auto it = acct.wrong_pins_by_day.begin(); it != acct.wrong_pins_by_day.end() && it->first < today - 1;)
    it = acct.wrong_pins_by_day.erase(it);
  int n = ++acct.wrong_pins_by_day[today];
  return n >= acct.card.pin_tries ? acct.card.lock_code : std::string("55");
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Card transactions
// ---------------------------------------------------------------------------------------------

std::string AcquirerHost::handle_card(Request& r) {
  r.pan = card_number_of(r.msg);
  r.entry.card_last4 = last4(r.pan);
  if (r.msg.has(2) && r.msg.has(35)) {
    const std::string& track = r.msg.get(35);
    if (track.substr(0, track.find_first_of("=D")) != r.msg.get(2))
      return r.decline("14", "DE2 and track 2 (DE35) name two different cards");
  }
  Account* acct = is_test_card(r.pan) ? account(r.pan) : nullptr;
  if (!acct) return r.decline("14", card_words(r.pan) + " is not a training test card");
  if (auto bad = card_checks(r, *acct)) return *bad;

  Txn t;
  t.op = r.op;
  t.mti = r.msg.mti;
  t.pan = r.pan;
  t.terminal_id = r.terminal_id;
  t.batch = r.batch;
  t.stan = r.stan;
  t.time_ms = r.now;
  t.date_mmdd = format_mmdd(r.now);
  t.amount = r.amount;
  t.journal_seq = r.entry.seq;

  // Duplicate transmission: the same message type with a trace this terminal used already. It
  // books nothing and is no original: a reversal with that trace still means the first one.
  for (const Txn* seen : by_trace(r.terminal_id, r.batch, r.stan))
    if (seen->mti == r.msg.mti)
      return r.decline("94", "batch " + r.batch + " trace " + r.stan + " was used already by this terminal");

  if (config_.answer_with_pan && !r.directive.omit_pan) r.answer.set(2, r.pan);
  r.answer.set(37, next_rrn());
  t.rrn = r.answer.get(37);

  std::string rc = [&]() -> std::string {
    if (r.forced()) {
      r.entry.forced = true;
      return r.directive.response_code == "55" ? count_wrong_pin(*acct, r.now) : r.directive.response_code;
    }
    if (auto declined = risk_and_pin_checks(r, *acct)) return *declined;
    bool needs_amount = r.op != HostOp::balance_inquiry;
    if (needs_amount && (!r.has_amount || r.amount <= 0)) return r.decline("13", "DE4 must be above 0");
    return book(r, t, *acct);
  }();

  // The completion advice is offline at the terminal: no auth code comes back (docs/domain.md §2).
  if (rc == "00" && !t.auth_code.empty() && r.op != HostOp::completion_advice) r.answer.set(38, t.auth_code);
  if (rc != "00") {
    // A declined request books nothing: drop what the branch may have prepared.
    t.hold = t.authorised = t.released = 0;
    t.auth_code.clear();
  }
  t.rc = rc;
  t.approved = rc == "00";
  remember(std::move(t));
  return rc;
}

std::string AcquirerHost::book(Request& r, Txn& t, Account& acct) {
  switch (r.op) {
    case HostOp::sale:
      if (r.amount > acct.available) return "51";
      acct.available -= r.amount;
      t.auth_code = next_auth_code();
      notify(r.pan, r.now, "purchase", r.amount);
      return "00";
    case HostOp::balance_inquiry:
      r.answer.set(54, encode_balance(acct.available));
      return "00";
    case HostOp::preauth:
      if (r.amount > acct.available) return "51";
      acct.available -= r.amount;
      t.hold = t.authorised = r.amount;
      t.auth_code = next_auth_code();
      notify(r.pan, r.now, "preauth_hold", r.amount);
      return "00";
    case HostOp::incremental:
    case HostOp::completion:
    case HostOp::completion_advice:
    case HostOp::preauth_cancel:
      return book_preauth_family(r, t, acct);
    case HostOp::void_sale:
    case HostOp::completion_void:
      return book_void(r, t, acct);
    case HostOp::refund:
      return book_refund(r, t, acct);
    default:
      return "12";
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Originals: the pre-auth family, voids and refunds
// ---------------------------------------------------------------------------------------------

std::string AcquirerHost::book_preauth_family(Request& r, Txn& t, Account& acct) {
  std::string not_found;
  Txn* o = find_preauth(r, not_found);
  if (!o) return not_found;
  t.original = o->id;
  if (o->completed || o->cancelled)
    return r.decline("22", std::string("the pre-auth was ") + (o->completed ? "completed" : "cancelled") + " already");
  if (day_number(r.now) - day_number(o->time_ms) > config_.preauth_days)
    return r.decline(
        "22", "the pre-auth of " + o->date_mmdd + " is older than " + std::to_string(config_.preauth_days) + " days");
  if (r.op == HostOp::incremental) {
    if (r.amount > acct.available) return "51";
    acct.available -= r.amount;
    o->hold += r.amount;
    o->authorised += r.amount;
    t.auth_code = next_auth_code();
    notify(r.pan, r.now, "incremental_hold", r.amount);
    return "00";
  }
  if (r.op == HostOp::preauth_cancel) {
    if (r.amount != o->authorised)
      return r.decline("64", "a cancel is for the authorised " + cny(o->authorised) + ", not " + cny(r.amount));
    acct.available += o->hold;
    t.released = o->hold;
    o->hold = 0;
    o->cancelled = true;
    t.auth_code = o->auth_code;
    notify(r.pan, r.now, "preauth_cancel", t.released);
    return "00";
  }
  // Completion: at most the limit percent of what was authorised; the hold turns into a debit.
  if (r.amount * 100 > o->authorised * config_.completion_limit_percent)
    return r.decline("61", cny(r.amount) + " is above " + std::to_string(config_.completion_limit_percent) + "% of " +
                               cny(o->authorised));
  if (r.amount > acct.available + o->hold) return "51";
  acct.available += o->hold;
  t.released = o->hold;
  o->hold = 0;
  acct.available -= r.amount;
  o->completed = true;
  t.auth_code = o->auth_code;
  notify(r.pan, r.now, "completion", r.amount);
  return "00";
}

// The pre-auth a completion, cancel or incremental refers to: same card, the original auth code
// (DE38) and date (DE61 MMDD); DE61 batch and trace must match too when the terminal knew them.
AcquirerHost::Txn* AcquirerHost::find_preauth(Request& r, std::string& rc) {
  const std::string auth = trim_right(r.msg.get(38));
  const std::string& de61 = r.msg.get(61);
  if (de61.size() < 16 || !all_digits(de61)) {
    rc = r.decline("30", "DE61 must be the original's batch, trace and MMDD: 16 digits");
    return nullptr;
  }
  const std::string batch = de61.substr(0, 6), trace = de61.substr(6, 6), mmdd = de61.substr(12, 4);
  const bool knows_trace = trace != "000000";
  for (auto it = txns_.rbegin(); !auth.empty() && it != txns_.rend(); ++it) {
    Txn& o = *it;
    if (o.op != HostOp::preauth || !o.approved || o.reversed || o.pan != r.pan) continue;
    if (o.auth_code != auth || o.date_mmdd != mmdd) continue;
    if (knows_trace && (o.batch != batch || o.stan != trace)) continue;
    return &o;
  }
  rc = r.decline("25", "no approved pre-auth on " + card_words(r.pan) + " with auth code '" + auth + "' of " + mmdd +
                           (knows_trace ? " (batch " + batch + " trace " + trace + ")" : ""));
  // Quoted a pre-auth the issuer declined: it was never approved (docs/domain.md §6.3: 12).
  if (knows_trace)
    for (const Txn* o : by_trace(r.terminal_id, batch, trace))
      if (o->op == HostOp::preauth && !o->approved) {
        rc = r.decline("12", "the pre-auth of batch " + batch + " trace " + trace + " was declined (" + o->rc + ")");
        break;
      }
  return nullptr;
}

std::string AcquirerHost::book_void(Request& r, Txn& t, Account& acct) {
  const std::string& de61 = r.msg.get(61);
  if (de61.size() < 12 || !all_digits(de61))
    return r.decline("30", "DE61 must start with the original's batch and trace (12 digits)");
  const std::string batch = de61.substr(0, 6), trace = de61.substr(6, 6);
  const bool voids_sale = r.op == HostOp::void_sale;
  const char* kind = voids_sale ? "sale" : "completion";
  Txn* o = nullptr;
  for (Txn* c : by_trace(r.terminal_id, batch, trace)) {
    bool right_kind =
        voids_sale ? c->op == HostOp::sale : (c->op == HostOp::completion || c->op == HostOp::completion_advice);
    if (right_kind && c->approved) {
      o = c;
      break;
    }
  }
  if (!o || o->reversed)
    return r.decline("25", std::string("no approved ") + kind + " with batch " + batch + " trace " + trace +
                               " on this terminal" + (o ? " (it was reversed)" : ""));
  if (o->pan != r.pan)
    return r.decline(
        "25", std::string("the ") + kind + " was made with " + card_words(o->pan) + ", not " + card_words(r.pan));
  if (r.msg.has(37) && r.msg.get(37) != o->rrn)
    return r.decline("25", "DE37 " + r.msg.get(37) + " is not the original's reference number");
  if (r.msg.has(38) && trim_right(r.msg.get(38)) != o->auth_code)
    return r.decline("25", "DE38 '" + r.msg.get(38) + "' is not the original's auth code");
  if (o->voided || o->settled)
    return r.decline("22", std::string("the ") + kind + " was " + (o->voided ? "voided" : "settled") +
                               " already: a refund is the way now");
  if (day_number(r.now) != day_number(o->time_ms))
    return r.decline("22", std::string("a void is for today's transactions; the ") + kind + " is of " + o->date_mmdd);
  if (r.amount != o->amount)
    return r.decline("64", "the void is for " + cny(r.amount) + ", the original for " + cny(o->amount));
  t.original = o->id;
  t.amount = o->amount;
  t.released = o->amount - o->refunded;
  acct.available += t.released;
  o->voided = true;
  t.auth_code = next_auth_code();
  notify(r.pan, r.now, "void", t.released);
  return "00";
}

std::string AcquirerHost::book_refund(Request& r, Txn& t, Account& acct) {
  const std::string& rrn = r.msg.get(37);
  const std::string& de61 = r.msg.get(61);
  if (de61.size() < 16 || !all_digits(de61))
    return r.decline("30", "DE61 must be the original's batch, trace and MMDD: 16 digits");
  const std::string batch = de61.substr(0, 6), trace = de61.substr(6, 6), mmdd = de61.substr(12, 4);
  Txn* o = nullptr;
  for (auto it = txns_.rbegin(); !rrn.empty() && it != txns_.rend(); ++it) {
    bool debit = it->op == HostOp::sale || it->op == HostOp::completion || it->op == HostOp::completion_advice;
    if (debit && it->approved && !it->reversed && it->rrn == rrn) {
      o = &*it;
      break;
    }
  }
  if (!o) return r.decline("25", "no approved sale or completion with reference number '" + rrn + "'");
  if (o->pan != r.pan)
    return r.decline("25", "the original was made with " + card_words(o->pan) + ", not " + card_words(r.pan));
  if (o->date_mmdd != mmdd) return r.decline("25", "the original is of " + o->date_mmdd + ", not " + mmdd);
  if (trace != "000000" && (o->batch != batch || o->stan != trace))
    return r.decline(
        "25", "the original is batch " + o->batch + " trace " + o->stan + ", not batch " + batch + " trace " + trace);
  if (o->voided) return r.decline("22", "the original was voided: nothing is left to refund");
  if (r.amount > o->amount - o->refunded)
    return r.decline(
        "64", cny(r.amount) + " is more than the " + cny(o->amount - o->refunded) + " left to refund of the original");
  t.original = o->id;
  o->refunded += r.amount;
  acct.available += r.amount;
  notify(r.pan, r.now, "refund", r.amount);
  return "00";
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Reversal and settlement
// ---------------------------------------------------------------------------------------------

std::string AcquirerHost::handle_reversal(Request& r) {
  r.entry.reversal_reason = r.msg.get(39);
  r.pan = card_number_of(r.msg);
  r.entry.card_last4 = last4(r.pan);
  if (r.forced()) {
    r.entry.forced = true;
    return r.directive.response_code;
  }
  const ReversedOperation what = reversed_operation(r.msg);
  if (!what.op) return r.decline(what.code, what.problem);
  const HostOp want = host_op_of(*what.op);
  const std::vector<Txn*> same_trace = by_trace(r.terminal_id, r.batch, r.stan);
  // Never seen (the request was lost on the way): nothing to undo.
  if (same_trace.empty())
    return r.decline("25", "no request with batch " + r.batch + " trace " + r.stan + " from this terminal");
  Txn* o = nullptr;
  for (Txn* c : same_trace)
    if (c->op == want) {
      o = c;
      break;
    }
  if (!o)
    return r.decline("25", "batch " + r.batch + " trace " + r.stan + " is a " +
                               std::string(host_op_name(same_trace.front()->op)) + ", not a " +
                               std::string(host_op_name(want)));
  if (o->pan != r.pan)
    return r.decline("25",
                     "the original was made with " + card_words(o->pan) + ", the reversal names " + card_words(r.pan));
  if (o->amount != r.amount)
    return r.decline("25", "the original was for " + cny(o->amount) + ", the reversal for " + cny(r.amount));
  if (day_number(r.now) - day_number(o->time_ms) > config_.reversal_days)
    return r.decline("25", "the original of " + o->date_mmdd + " is older than " +
                               std::to_string(config_.reversal_days) + " day(s): the issuer settles it");
  if (!o->rrn.empty()) r.answer.set(37, o->rrn);
  if (o->reversed) return "00";  // a repeat: already undone, change nothing
  undo(*o, r.now);
  o->reversed = true;
  if (!journal_.empty() && o->journal_seq >= journal_.front().seq)
    journal_[std::size_t(o->journal_seq - journal_.front().seq)].reversed = true;
  return "00";
}

void AcquirerHost::undo(Txn& t, TerminalTime now_ms) {
  if (!t.approved) return;
  Account* acct = account(t.pan);
  if (!acct) return;
  Txn* orig = t.original ? txn(t.original) : nullptr;
  switch (t.op) {
    case HostOp::sale:
      if (!t.voided && t.amount > t.refunded) {
        acct->available += t.amount - t.refunded;
        notify(t.pan, now_ms, "reversal", t.amount - t.refunded);
      }
      break;
    case HostOp::preauth:
      if (t.hold > 0) {
        acct->available += t.hold;
        notify(t.pan, now_ms, "preauth_reversal", t.hold);
        t.hold = 0;
      }
      break;
    case HostOp::incremental:
      if (orig) {
        int64_t rel = std::min(t.amount, orig->hold);
        orig->hold -= rel;
        orig->authorised -= t.amount;
        acct->available += rel;
        if (rel > 0) notify(t.pan, now_ms, "incremental_reversal", rel);
      }
      break;
    case HostOp::completion:
    case HostOp::completion_advice:
      acct->available += t.amount - t.released;
      if (orig) {
        orig->hold = t.released;
        orig->completed = false;
      }
      notify(t.pan, now_ms, "completion_reversal", t.amount);
      break;
    case HostOp::preauth_cancel:
      acct->available -= t.released;
      if (orig) {
        orig->hold = t.released;
        orig->cancelled = false;
      }
      notify(t.pan, now_ms, "cancel_reversal", t.released);
      break;
    case HostOp::void_sale:
    case HostOp::completion_void:
      acct->available -= t.released;
      if (orig) orig->voided = false;
      notify(t.pan, now_ms, "void_reversal", t.released);
      break;
    case HostOp::refund:
      acct->available -= t.amount;
      if (orig) orig->refunded -= t.amount;
      notify(t.pan, now_ms, "refund_reversal", t.amount);
      break;
    default:
      break;
  }
}

std::string AcquirerHost::handle_settlement(Request& r) {
  if (r.forced()) {
    r.entry.forced = true;
    return r.directive.response_code;
  }
  BatchTotals host;
  for (Txn& t : txns_) {
    if (t.terminal_id != r.terminal_id || t.batch != r.batch || t.settled) continue;
    t.settled = true;
    if (!t.approved || t.reversed) continue;
    bool debit = t.op == HostOp::sale || t.op == HostOp::completion || t.op == HostOp::completion_advice;
    if (debit && !t.voided) {
      ++host.debit_count;
      host.debit_minor += t.amount;
    } else if (t.op == HostOp::refund) {
      ++host.credit_count;
      host.credit_minor += t.amount;
    }
  }
  auto theirs = decode_totals(r.msg.get(48));
  bool balanced = theirs && theirs->totals == host;
  if (!theirs) r.entry.note = "DE48 does not hold the batch totals (31 digits)";
  r.answer.set(48, encode_totals(theirs ? theirs->totals : BatchTotals{}, balanced ? '1' : '2'));
  r.entry.amount_minor = host.debit_minor - host.credit_minor;
  return "00";
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Books: transactions, journal, codes and SMS
// ---------------------------------------------------------------------------------------------

AcquirerHost::Txn* AcquirerHost::txn(uint64_t id) {
  if (txns_.empty() || id < txns_.front().id || id > txns_.back().id) return nullptr;
  return &txns_[std::size_t(id - txns_.front().id)];
}

std::vector<AcquirerHost::Txn*> AcquirerHost::by_trace(std::string_view terminal_id, std::string_view batch,
                                                       std::string_view stan) {
  std::vector<Txn*> out;
  auto [from, to] = trace_index_.equal_range(trace_key(terminal_id, batch, stan));
  for (auto it = from; it != to; ++it)
    if (Txn* t = txn(it->second)) out.push_back(t);
  std::sort(out.begin(), out.end(), [](const Txn* a, const Txn* b) { return a->id > b->id; });
  return out;
}

void AcquirerHost::remember(Txn t) {
  t.id = next_txn_id_++;
  trace_index_.emplace(trace_key(t.terminal_id, t.batch, t.stan), t.id);
  txns_.push_back(std::move(t));
  while (txns_.size() > config_.max_transactions) forget_oldest();
}

// The oldest transaction leaves the books. A hold it still had is given back, as the issuer does
// when a pre-auth expires.
void AcquirerHost::forget_oldest() {
  Txn& t = txns_.front();
  if (t.op == HostOp::preauth && t.hold > 0)
    if (Account* a = account(t.pan)) a->available += t.hold;
  auto [from, to] = trace_index_.equal_range(trace_key(t.terminal_id, t.batch, t.stan));
  for (auto it = from; it != to; ++it)
    if (it->second == t.id) {
      trace_index_.erase(it);
      break;
    }
  txns_.pop_front();
}

void AcquirerHost::add_journal(HostJournalEntry entry) {
  journal_.push_back(std::move(entry));
  while (journal_.size() > config_.journal_limit) journal_.pop_front();
}

const HostJournalEntry* AcquirerHost::journal_entry(uint64_t seq) const {
  if (journal_.empty() || seq < journal_.front().seq || seq > journal_.back().seq) return nullptr;
  return &journal_[std::size_t(seq - journal_.front().seq)];
}

// Pre-auth holds live `preauth_days` (docs/domain.md §6.3: released after 30 days); past that the issuer
// gives the money back by itself.
void AcquirerHost::expire_holds(TerminalTime now_ms) {
  // Holds expire by whole days: one scan per day keeps a long-running host's requests cheap.
  const int64_t today = day_number(now_ms);
  if (today == last_expiry_day_) return;
  last_expiry_day_ = today;
  for (Txn& t : txns_) {
    if (t.op != HostOp::preauth || t.hold <= 0) continue;
    if (today - day_number(t.time_ms) <= config_.preauth_days) continue;
    if (Account* a = account(t.pan)) a->available += t.hold;
    t.hold = 0;
  }
}

int AcquirerHost::approved_sales_in_window(std::string_view pan, TerminalTime now_ms) const {
  const TerminalTime from = now_ms - int64_t(config_.velocity.window_minutes) * ms_per_minute;
  // Newest first, stopping at the window's start: requests arrive in time order.
  int n = 0;
  for (auto it = txns_.rbegin(); it != txns_.rend() && it->time_ms >= from; ++it)
    n += it->op == HostOp::sale && it->approved && !it->reversed && it->pan == pan ? 1 : 0;
  return n;
}

std::optional<int64_t> AcquirerHost::available_minor(std::string_view pan) const {
  const Account* a = account(pan);
  if (!a) return std::nullopt;
  return a->available;
}

int64_t AcquirerHost::held_minor(std::string_view pan) const {
  int64_t sum = 0;
  for (const Txn& t : txns_)
    if (t.op == HostOp::preauth && t.pan == pan) sum += t.hold;
  return sum;
}

int AcquirerHost::standing_debits(std::string_view pan, std::optional<int64_t> amount_minor) const {
  int n = 0;
  for (const Txn& t : txns_) {
    const bool debit = t.op == HostOp::sale || t.op == HostOp::completion || t.op == HostOp::completion_advice;
    if (!debit || !t.approved || t.reversed || t.voided || t.pan != pan) continue;
    if (amount_minor && t.amount != *amount_minor) continue;
    ++n;
  }
  return n;
}

int AcquirerHost::wrong_pins(std::string_view pan, TerminalTime now_ms) const {
  const Account* a = account(pan);
  if (!a) return 0;
  auto it = a->wrong_pins_by_day.find(day_number(now_ms));
  return it == a->wrong_pins_by_day.end() ? 0 : it->second;
}

AcquirerHost::Account* AcquirerHost::account(std::string_view pan) {
  auto it = accounts_.find(pan);
  return it == accounts_.end() ? nullptr : &it->second;
}

const AcquirerHost::Account* AcquirerHost::account(std::string_view pan) const {
  auto it = accounts_.find(pan);
  return it == accounts_.end() ? nullptr : &it->second;
}

// splitmix64: tiny, seedable, and the same on every platform.
uint64_t AcquirerHost::next_random() {
  uint64_t z = (random_state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Unique among the recent ones, so a completion quoting an auth code finds one pre-auth only.
// Codes avoid repeats while that is cheap; a long-running host forgets old ones (real auth codes
// repeat too), so neither the set nor the search can grow without bound.
constexpr std::size_t max_remembered_codes = 20'000;
constexpr int max_code_draws = 32;
constexpr uint64_t rrn_tag = uint64_t(1) << 62;  // keeps RRNs and auth codes apart in one set

std::string AcquirerHost::next_auth_code() {
  if (issued_codes_.size() > max_remembered_codes) issued_codes_.clear();
  uint64_t code = 0;
  for (int i = 0; i < max_code_draws; ++i) {
    code = next_random() % 1'000'000;
    if (issued_codes_.insert(code).second) break;
  }
  return zero_pad(int64_t(code), 6);
}

std::string AcquirerHost::next_rrn() {
  if (issued_codes_.size() > max_remembered_codes) issued_codes_.clear();
  uint64_t rrn = 0;
  for (int i = 0; i < max_code_draws; ++i) {
    rrn = next_random() % 1'000'000'000'000ull;
    if (issued_codes_.insert(rrn_tag | rrn).second) break;
  }
  return zero_pad(int64_t(rrn), 12);
}

void AcquirerHost::notify(std::string_view pan, TerminalTime now_ms, std::string_view action_key,
                          int64_t amount_minor) {
  const Account* a = account(pan);
  if (!a || amount_minor <= 0) return;
  CivilTime t = civil_time(now_ms);
  std::string hhmm = zero_pad(t.hour, 2) + ":" + zero_pad(t.minute, 2);
  std::string card = last4(pan);
  std::string amount = format_amount(amount_minor);
  std::string avail = format_amount(a->available);
  // A debit card's bank reports the money left in the account; a credit card's, the credit left.
  const Text& left = sms_text(a->card.debit ? "available_balance" : "available_credit");
  const Text& action = sms_text(action_key);
  const Text& message = sms_text("message");
  const std::string month = std::to_string(t.month), day = std::to_string(t.day);
  BankSms sms;
  sms.time_ms = now_ms;
  for (Lang lang : {Lang::zh, Lang::en})
    (lang == Lang::zh ? sms.text.zh : sms.text.en) =
        fill_placeholders(message.get(lang), {{"bank", config_.bank_name.get(lang)},
                                              {"card", card},
                                              {"month", lang == Lang::zh ? month : month_abbrev[t.month - 1]},
                                              {"day", day},
                                              {"time", hhmm},
                                              {"action", action.get(lang)},
                                              {"amount", amount},
                                              {"left", left.get(lang)},
                                              {"available", avail}});
  sms_.push_back(std::move(sms));
  while (sms_.size() > config_.sms_limit) sms_.pop_front();
}

}  // namespace posdrill
