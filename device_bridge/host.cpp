// [SECTION] Emulator time
// [SECTION] Field conventions (DE54, DE63, DE62, DE48)
// [SECTION] Configuration from a scenario
// [SECTION] Request dispatch
// [SECTION] Card transactions
// [SECTION] Reversal and settlement
// [SECTION] Books, codes and SMS
#include "device_bridge/host.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

#include "device_bridge/crypto.h"
#include "device_bridge/message_builder.h"

namespace posdrill {

namespace {

// The test PANs of pos-facts.md section 8 (is_test_card() has the same list).
constexpr std::array<std::string_view, 8> all_test_pans = {
    "4761739001010010",    "4761739001010119", "6200000000000005", "6200000000000047",
    "6205500000000000004", "6210947000000021", "4111111111111111", "4242424242424242",
};

constexpr int64_t other_cards_balance_minor = 1'000'000;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int64_t> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 18 || !all_digits(s)) return std::nullopt;
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string zero_pad(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (int(s.size()) < width) s.insert(0, std::size_t(width) - s.size(), '0');
  return s;
}

std::string last4(std::string_view pan) { return pan.size() >= 4 ? std::string(pan.substr(pan.size() - 4)) : ""; }

// The card number of a request: DE2 when keyed, else the digits of DE35 before the separator.
std::string pan_of(const IsoMessage& m) {
  if (m.has(2)) return m.get(2);
  const std::string& track = m.get(35);
  std::size_t sep = track.find_first_of("=D");
  return sep == std::string::npos ? std::string() : track.substr(0, sep);
}

// DE60.2, the batch number, from "22" + batch(6) + "000".
std::string batch_of(const IsoMessage& m) {
  const std::string& de60 = m.get(60);
  return de60.size() >= 8 ? de60.substr(2, 6) : std::string();
}

std::string trim_right(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// A UTF-8 string cut to at most `max` bytes without splitting a character.
std::string utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

std::string check_value(std::string_view key) { return des_encrypt_block(std::string(8, '\0'), key).substr(0, 4); }

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) h = (h ^ uint8_t(c)) * 1099511628211ull;
  return h;
}

const char* const month_abbrev[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Emulator time
// ---------------------------------------------------------------------------------------------

int64_t civil_ms(const CivilTime& t) {
  using namespace std::chrono;
  sys_days d{year{t.year} / month{unsigned(t.month)} / day{unsigned(t.day)}};
  return int64_t(d.time_since_epoch().count()) * ms_per_day +
         ((int64_t(t.hour) * 60 + t.minute) * 60 + t.second) * ms_per_second;
}

CivilTime civil_time(int64_t ms) {
  using namespace std::chrono;
  int64_t days_since = floor_div(ms, ms_per_day);
  int64_t in_day = ms - days_since * ms_per_day;
  year_month_day ymd{sys_days{days{days_since}}};
  CivilTime t;
  t.year = int(ymd.year());
  t.month = int(unsigned(ymd.month()));
  t.day = int(unsigned(ymd.day()));
  t.hour = int(in_day / (60 * ms_per_minute));
  t.minute = int(in_day / ms_per_minute % 60);
  t.second = int(in_day / ms_per_second % 60);
  return t;
}

int64_t day_number(int64_t ms) { return floor_div(ms, ms_per_day); }

std::string format_mmdd(int64_t ms) {
  CivilTime t = civil_time(ms);
  return zero_pad(t.month, 2) + zero_pad(t.day, 2);
}

std::string format_hhmmss(int64_t ms) {
  CivilTime t = civil_time(ms);
  return zero_pad(t.hour, 2) + zero_pad(t.minute, 2) + zero_pad(t.second, 2);
}

int64_t default_training_start_ms() { return civil_ms({2026, 11, 20, 14, 32, 0}); }

// ---------------------------------------------------------------------------------------------
// [SECTION] Field conventions (DE54, DE63, DE62, DE48)
// ---------------------------------------------------------------------------------------------

std::string encode_balance(int64_t minor) {
  return std::string("1002156") + (minor < 0 ? 'D' : 'C') + zero_pad(minor, 12);
}

std::optional<int64_t> decode_balance(std::string_view de54) {
  if (de54.size() < 20 || (de54[7] != 'C' && de54[7] != 'D')) return std::nullopt;
  auto v = parse_digits(de54.substr(8, 12));
  if (!v) return std::nullopt;
  return de54[7] == 'D' ? -*v : *v;
}

std::string encode_display_text(const Text& text) {
  constexpr std::size_t max_bytes = 63 - 3;
  std::string body = text.zh + "|" + text.en;
  if (body.size() > max_bytes) body = utf8_prefix(text.zh, max_bytes);
  return "CUP" + body;
}

std::optional<Text> decode_display_text(std::string_view de63) {
  if (de63.size() <= 3) return std::nullopt;
  std::string_view body = de63.substr(3);
  std::size_t bar = body.find('|');
  Text t;
  t.zh = std::string(body.substr(0, bar));
  if (bar != std::string_view::npos) t.en = std::string(body.substr(bar + 1));
  if (t.zh.empty()) return std::nullopt;
  return t;
}

std::string_view test_master_key() { return "TEST-TMK-KEY-001"; }

std::string encode_working_keys(const WorkingKeys& keys, std::string_view master_key) {
  auto block = [&](std::string_view key) {
    std::string out;
    for (std::size_t i = 0; i + 8 <= key.size() && i < 16; i += 8)
      out += des_encrypt_block(key.substr(i, 8), master_key);
    out.resize(16, '\0');  // an 8-byte key is followed by 8 zero bytes
    return out + check_value(key);
  };
  return block(keys.pin_key) + block(keys.mac_key);
}

std::optional<WorkingKeys> decode_working_keys(std::string_view de62, std::string_view master_key) {
  if (de62.size() != 40) return std::nullopt;
  auto key_from = [&](std::string_view b) -> std::optional<std::string> {
    std::string key = des_decrypt_block(b.substr(0, 8), master_key);
    if (b.substr(8, 8) != std::string(8, '\0')) key += des_decrypt_block(b.substr(8, 8), master_key);
    if (key.size() != 8 && key.size() != 16) return std::nullopt;
    if (check_value(key) != b.substr(16, 4)) return std::nullopt;
    return key;
  };
  auto pin = key_from(de62.substr(0, 20));
  auto mac = key_from(de62.substr(20, 20));
  if (!pin || !mac || pin->size() != 16) return std::nullopt;
  return WorkingKeys{*pin, *mac};
}

std::string encode_totals(const BatchTotals& t, char flag) {
  return zero_pad(t.debit_minor, 12) + zero_pad(t.debit_count, 3) + zero_pad(t.credit_minor, 12) +
         zero_pad(t.credit_count, 3) + flag + std::string(30, '0') + '0';
}

std::optional<DecodedTotals> decode_totals(std::string_view de48) {
  if (de48.size() < 31 || !all_digits(de48.substr(0, 31))) return std::nullopt;
  DecodedTotals d;
  d.totals.debit_minor = *parse_digits(de48.substr(0, 12));
  d.totals.debit_count = int(*parse_digits(de48.substr(12, 3)));
  d.totals.credit_minor = *parse_digits(de48.substr(15, 12));
  d.totals.credit_count = int(*parse_digits(de48.substr(27, 3)));
  d.flag = de48[30];
  return d;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Configuration from a scenario
// ---------------------------------------------------------------------------------------------

HostConfig host_config_from(const Setup& setup) {
  HostConfig c;
  CardAccount main;
  main.pan = setup.card;
  main.pin = setup.pin.empty() ? std::string(default_test_pin) : setup.pin;
  main.balance_minor = setup.balance_minor;
  main.pin_tries = std::max(1, setup.host.pin_tries);
  main.lock_code = setup.host.lock_code.empty() ? "75" : setup.host.lock_code;
  if (setup.host.decline_code) main.decline = AcquirerDecline{*setup.host.decline_code, setup.host.decline_text};
  c.accounts.push_back(main);
  for (std::string_view pan : all_test_pans) {
    if (pan == setup.card) continue;
    CardAccount other;
    other.pan = std::string(pan);
    other.pin = std::string(default_test_pin);
    other.balance_minor = other_cards_balance_minor;
    c.accounts.push_back(other);
  }
  c.velocity.max_sales = setup.host.velocity_max;
  c.velocity.window_minutes = setup.host.velocity_window_minutes;
  if (!setup.host.velocity_code.empty()) c.velocity.code = setup.host.velocity_code;
  c.preauth_days = setup.host.preauth_days;
  c.completion_limit_percent = setup.host.completion_limit_percent;
  c.seed = fnv1a(setup.terminal_id + "|" + setup.merchant_id);
  return c;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Request dispatch
// ---------------------------------------------------------------------------------------------

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

namespace {

HostOp host_op_of(const IsoMessage& m) {
  auto op = classify(m);
  if (!op) return HostOp::unknown;
  switch (*op) {
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

}  // namespace

struct AcquirerHost::Request {
  Request(const IsoMessage& m, int64_t now_ms, const HostDirective& d, IsoMessage& a, HostJournalEntry& e)
      : msg(m), now(now_ms), directive(d), answer(a), entry(e) {}
  const IsoMessage& msg;
  int64_t now;
  const HostDirective& directive;
  IsoMessage& answer;
  HostJournalEntry& entry;
  HostOp op = HostOp::unknown;
  std::string pan;
  int64_t amount = 0;
  bool has_amount = false;
  std::string terminal_id, batch, stan;
};

AcquirerHost::AcquirerHost(HostConfig config) : config_(std::move(config)) {
  if (config_.pin_key.empty()) config_.pin_key = std::string(test_pin_key());
  if (config_.mac_key.empty()) config_.mac_key = std::string(test_mac_key());
  if (config_.master_key.empty()) config_.master_key = std::string(test_master_key());
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

IsoMessage AcquirerHost::handle(const IsoMessage& request, int64_t now_ms, const HostDirective& directive) {
  expire_holds(now_ms);
  ++requests_handled_;

  HostJournalEntry entry;
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
  r.op = host_op_of(request);
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
  bool well_formed = request.mti.size() == 4 && all_digits(request.mti) && request.get(11).size() == 6 &&
                     all_digits(request.get(11)) && !request.get(41).empty();
  if (!well_formed) {
    rc = "30";
  } else if (r.op == HostOp::unknown) {
    rc = "12";
  } else if (r.op == HostOp::sign_on) {
    rc = "00";
    if (!directive.response_code.empty() && directive.response_code != "00") {
      rc = directive.response_code;
      entry.forced = true;
    } else {
      answer.set(62, encode_working_keys({config_.pin_key, config_.mac_key}, config_.master_key));
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
  journal_.push_back(std::move(entry));
  return answer;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Card transactions
// ---------------------------------------------------------------------------------------------

std::string AcquirerHost::handle_card(Request& r) {
  r.pan = pan_of(r.msg);
  r.entry.card_last4 = last4(r.pan);
  Account* acct = is_test_card(r.pan) ? account(r.pan) : nullptr;
  if (!acct) return "14";

  std::string key = r.terminal_id + "|" + r.batch + "|" + r.stan + "|" + r.msg.mti;
  if (!seen_requests_.insert(key).second) return "94";

  if (config_.answer_with_pan && !r.directive.omit_pan) r.answer.set(2, r.pan);
  r.answer.set(37, next_rrn());

  Txn t;
  t.op = r.op;
  t.pan = r.pan;
  t.terminal_id = r.terminal_id;
  t.batch = r.batch;
  t.stan = r.stan;
  t.rrn = r.answer.get(37);
  t.time_ms = r.now;
  t.date_mmdd = format_mmdd(r.now);
  t.amount = r.amount;
  t.journal_index = journal_.size();

  std::string rc = [&]() -> std::string {
    if (!r.directive.response_code.empty() && r.directive.response_code != "00") {
      r.entry.forced = true;
      return r.directive.response_code == "55" ? count_wrong_pin(*acct, r.now) : r.directive.response_code;
    }
    if (auto declined = risk_and_pin_checks(r, *acct)) return *declined;
    bool needs_amount = r.op != HostOp::balance_inquiry && r.op != HostOp::void_sale &&
                        r.op != HostOp::completion_void && r.op != HostOp::preauth_cancel;
    if (needs_amount && (!r.has_amount || r.amount <= 0)) return "13";

    switch (r.op) {
      case HostOp::sale:
        if (r.amount > acct->available) return "51";
        acct->available -= r.amount;
        t.auth_code = next_auth_code();
        notify(r.pan, r.now, {"消费", "purchase"}, r.amount);
        return "00";

      case HostOp::balance_inquiry:
        r.answer.set(54, encode_balance(acct->available));
        return "00";

      case HostOp::preauth:
        if (r.amount > acct->available) return "51";
        acct->available -= r.amount;
        t.hold = t.authorised = r.amount;
        t.auth_code = next_auth_code();
        notify(r.pan, r.now, {"预授权冻结", "pre-auth hold"}, r.amount);
        return "00";

      case HostOp::incremental:
      case HostOp::completion:
      case HostOp::completion_advice:
      case HostOp::preauth_cancel: {
        std::string not_found;
        auto idx = find_preauth(r, not_found);
        if (!idx) return not_found;
        Txn& o = txns_[*idx];
        t.original = idx;
        if (o.completed || o.cancelled) return "22";
        if (day_number(r.now) - day_number(o.time_ms) > config_.preauth_days) return "22";
        if (r.op == HostOp::incremental) {
          if (r.amount > acct->available) return "51";
          acct->available -= r.amount;
          o.hold += r.amount;
          o.authorised += r.amount;
          t.auth_code = next_auth_code();
          notify(r.pan, r.now, {"追加预授权冻结", "additional pre-auth hold"}, r.amount);
          return "00";
        }
        if (r.op == HostOp::preauth_cancel) {
          acct->available += o.hold;
          t.released = o.hold;
          t.amount = o.hold;
          o.hold = 0;
          o.cancelled = true;
          t.auth_code = o.auth_code;
          notify(r.pan, r.now, {"预授权撤销，解冻", "pre-auth cancelled, hold released"}, t.released);
          return "00";
        }
        // Completion: at most the limit percent of what was authorised; the hold turns into a debit.
        if (r.amount * 100 > o.authorised * config_.completion_limit_percent) return "61";
        if (r.amount > acct->available + o.hold) return "51";
        acct->available += o.hold;
        t.released = o.hold;
        o.hold = 0;
        acct->available -= r.amount;
        o.completed = true;
        t.auth_code = o.auth_code;
        notify(r.pan, r.now, {"预授权完成消费", "pre-auth completion"}, r.amount);
        return "00";
      }

      case HostOp::void_sale:
      case HostOp::completion_void: {
        const std::string& de61 = r.msg.get(61);
        if (de61.size() < 12) return "25";
        auto idx = find_by_trace(r.terminal_id, de61.substr(0, 6), de61.substr(6, 6));
        if (!idx) return "25";
        Txn& o = txns_[*idx];
        bool right_kind = r.op == HostOp::void_sale ? o.op == HostOp::sale
                                                    : (o.op == HostOp::completion || o.op == HostOp::completion_advice);
        if (!right_kind || !o.approved || o.reversed || o.pan != r.pan) return "25";
        if (r.msg.has(37) && r.msg.get(37) != o.rrn) return "25";
        if (r.msg.has(38) && trim_right(r.msg.get(38)) != o.auth_code) return "25";
        if (o.voided || o.settled) return "22";
        t.original = idx;
        t.amount = o.amount;
        t.released = o.amount - o.refunded;
        acct->available += t.released;
        o.voided = true;
        t.auth_code = next_auth_code();
        notify(r.pan, r.now, {"消费撤销，退回", "void, credited"}, t.released);
        return "00";
      }

      case HostOp::refund: {
        const std::string& rrn = r.msg.get(37);
        const std::string& de61 = r.msg.get(61);
        std::string mmdd = de61.size() >= 16 ? de61.substr(12, 4) : std::string();
        std::optional<std::size_t> idx;
        for (std::size_t i = txns_.size(); i-- > 0;) {
          const Txn& o = txns_[i];
          if ((o.op == HostOp::sale || o.op == HostOp::completion || o.op == HostOp::completion_advice) && o.approved &&
              !o.reversed && !rrn.empty() && o.rrn == rrn && o.pan == r.pan) {
            idx = i;
            break;
          }
        }
        if (!idx || txns_[*idx].date_mmdd != mmdd) return "25";
        Txn& o = txns_[*idx];
        if (o.voided) return "22";
        if (r.amount > o.amount - o.refunded) return "61";
        t.original = idx;
        o.refunded += r.amount;
        acct->available += r.amount;
        notify(r.pan, r.now, {"退货，退回", "refund, credited"}, r.amount);
        return "00";
      }

      default:
        return "12";
    }
  }();

  // The completion advice is offline at the terminal: no auth code comes back (pos-facts §1).
  if (rc == "00" && !t.auth_code.empty() && r.op != HostOp::completion_advice) r.answer.set(38, t.auth_code);
  if (rc != "00") {
    // A declined request books nothing: drop what the branch may have prepared.
    t.hold = t.authorised = t.released = 0;
    t.auth_code.clear();
  }
  t.rc = rc;
  t.approved = rc == "00";
  txns_.push_back(std::move(t));
  return rc;
}

// The acquirer's risk control first (it never forwards such a request), then the issuer's card
// lock and PIN check. nullopt: go on.
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
  if (wrong_pins(r.pan, r.now) >= acct.card.pin_tries) return acct.card.lock_code;
  if (r.msg.has(52) && !acct.card.pin.empty()) {
    auto ok = pin_block_matches(r.msg.get(52), acct.card.pin, r.pan, config_.pin_key);
    if (!ok) return std::string("99");  // PIN block format error
    if (!*ok) return count_wrong_pin(acct, r.now);
  }
  return std::nullopt;
}

std::string AcquirerHost::count_wrong_pin(Account& acct, int64_t now_ms) {
  int n = ++acct.wrong_pins_by_day[day_number(now_ms)];
  return n >= acct.card.pin_tries ? acct.card.lock_code : std::string("55");
}

// The pre-auth a completion, cancel or incremental refers to: same card, the original auth code
// (DE38) and date (DE61 MMDD); DE61 batch and trace must match too when the terminal knew them.
std::optional<std::size_t> AcquirerHost::find_preauth(const Request& r, std::string& rc) const {
  std::string auth = trim_right(r.msg.get(38));
  const std::string& de61 = r.msg.get(61);
  std::string batch = de61.size() >= 6 ? de61.substr(0, 6) : "";
  std::string trace = de61.size() >= 12 ? de61.substr(6, 6) : "";
  std::string mmdd = de61.size() >= 16 ? de61.substr(12, 4) : "";
  bool knows_trace = !trace.empty() && trace != "000000";
  rc = "25";
  if (!auth.empty()) {
    for (std::size_t i = txns_.size(); i-- > 0;) {
      const Txn& o = txns_[i];
      if (o.op != HostOp::preauth || !o.approved || o.reversed || o.pan != r.pan) continue;
      if (o.auth_code != auth || o.date_mmdd != mmdd) continue;
      if (knows_trace && (o.batch != batch || o.stan != trace)) continue;
      return i;
    }
  }
  // Quoted a pre-auth the issuer declined: it was never approved (pos-facts §6: 12).
  if (knows_trace) {
    if (auto i = find_by_trace(r.terminal_id, batch, trace);
        i && txns_[*i].op == HostOp::preauth && !txns_[*i].approved)
      rc = "12";
  }
  return std::nullopt;
}

std::optional<std::size_t> AcquirerHost::find_by_trace(std::string_view terminal_id, std::string_view batch,
                                                       std::string_view stan) const {
  for (std::size_t i = 0; i < txns_.size(); ++i) {
    const Txn& t = txns_[i];
    if (t.terminal_id == terminal_id && t.batch == batch && t.stan == stan) return i;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Reversal and settlement
// ---------------------------------------------------------------------------------------------

std::string AcquirerHost::handle_reversal(Request& r) {
  r.entry.reversal_reason = r.msg.get(39);
  if (!r.directive.response_code.empty() && r.directive.response_code != "00") {
    r.entry.forced = true;
    return r.directive.response_code;
  }
  auto idx = find_by_trace(r.terminal_id, r.batch, r.stan);
  if (!idx) return "25";  // never seen: nothing to undo (the terminal deletes its record on 25)
  Txn& o = txns_[*idx];
  r.entry.card_last4 = last4(o.pan);
  if (!o.rrn.empty()) r.answer.set(37, o.rrn);
  if (o.reversed) return "00";  // a repeat: already undone, change nothing
  undo(o, r.now);
  o.reversed = true;
  journal_[o.journal_index].reversed = true;
  return "00";
}

void AcquirerHost::undo(Txn& t, int64_t now_ms) {
  if (!t.approved) return;
  Account* acct = account(t.pan);
  if (!acct) return;
  Txn* orig = t.original ? &txns_[*t.original] : nullptr;
  switch (t.op) {
    case HostOp::sale:
      if (!t.voided && t.amount > t.refunded) {
        acct->available += t.amount - t.refunded;
        notify(t.pan, now_ms, {"交易冲正，退回", "reversal, credited"}, t.amount - t.refunded);
      }
      break;
    case HostOp::preauth:
      if (t.hold > 0) {
        acct->available += t.hold;
        notify(t.pan, now_ms, {"预授权冲正，解冻", "pre-auth reversed, hold released"}, t.hold);
        t.hold = 0;
      }
      break;
    case HostOp::incremental:
      if (orig) {
        int64_t rel = std::min(t.amount, orig->hold);
        orig->hold -= rel;
        orig->authorised -= t.amount;
        acct->available += rel;
        if (rel > 0) notify(t.pan, now_ms, {"追加预授权冲正，解冻", "additional hold reversed, released"}, rel);
      }
      break;
    case HostOp::completion:
    case HostOp::completion_advice:
      acct->available += t.amount - t.released;
      if (orig) {
        orig->hold = t.released;
        orig->completed = false;
      }
      notify(t.pan, now_ms, {"预授权完成冲正，退回", "completion reversed, credited"}, t.amount);
      break;
    case HostOp::preauth_cancel:
      acct->available -= t.released;
      if (orig) {
        orig->hold = t.released;
        orig->cancelled = false;
      }
      notify(t.pan, now_ms, {"预授权撤销冲正，重新冻结", "cancel reversed, held again"}, t.released);
      break;
    case HostOp::void_sale:
    case HostOp::completion_void:
      acct->available -= t.released;
      if (orig) orig->voided = false;
      notify(t.pan, now_ms, {"撤销冲正，扣款", "void reversed, debited"}, t.released);
      break;
    case HostOp::refund:
      acct->available -= t.amount;
      if (orig) orig->refunded -= t.amount;
      notify(t.pan, now_ms, {"退货冲正，扣款", "refund reversed, debited"}, t.amount);
      break;
    default:
      break;
  }
}

std::string AcquirerHost::handle_settlement(Request& r) {
  if (!r.directive.response_code.empty() && r.directive.response_code != "00") {
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
  r.answer.set(48, encode_totals(theirs ? theirs->totals : BatchTotals{}, balanced ? '1' : '2'));
  r.entry.amount_minor = host.debit_minor - host.credit_minor;
  return "00";
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Books, codes and SMS
// ---------------------------------------------------------------------------------------------

// Pre-auth holds live `preauth_days` (pos-facts §6: released after 30 days); past that the issuer
// gives the money back by itself.
void AcquirerHost::expire_holds(int64_t now_ms) {
  // Holds expire by whole days: one scan per day keeps a long-running host's requests cheap.
  const int64_t today = day_number(now_ms);
  if (today == last_expiry_day_) return;
  last_expiry_day_ = today;
  for (Txn& t : txns_) {
    if (t.op != HostOp::preauth || t.hold <= 0) continue;
    if (day_number(now_ms) - day_number(t.time_ms) <= config_.preauth_days) continue;
    if (Account* a = account(t.pan)) a->available += t.hold;
    t.hold = 0;
  }
}

int AcquirerHost::approved_sales_in_window(std::string_view pan, int64_t now_ms) const {
  int64_t from = now_ms - int64_t(config_.velocity.window_minutes) * ms_per_minute;
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

int AcquirerHost::wrong_pins(std::string_view pan, int64_t now_ms) const {
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

// Unique for the host's lifetime, so a completion quoting an auth code finds one pre-auth only.
// Codes avoid repeats while that is cheap; a long-running host forgets old ones (real auth codes
// repeat too), so neither the set nor the search can grow without bound.
constexpr std::size_t max_remembered_codes = 200'000;
constexpr int max_code_draws = 32;

std::string AcquirerHost::next_auth_code() {
  if (issued_codes_.size() > max_remembered_codes) issued_codes_.clear();
  std::string code;
  for (int i = 0; i < max_code_draws; ++i) {
    code = zero_pad(int64_t(next_random() % 1'000'000), 6);
    if (issued_codes_.insert("A" + code).second) break;
  }
  return code;
}

std::string AcquirerHost::next_rrn() {
  if (issued_codes_.size() > max_remembered_codes) issued_codes_.clear();
  std::string rrn;
  for (int i = 0; i < max_code_draws; ++i) {
    rrn = zero_pad(int64_t(next_random() % 1'000'000'000'000ull), 12);
    if (issued_codes_.insert("R" + rrn).second) break;
  }
  return rrn;
}

void AcquirerHost::notify(std::string_view pan, int64_t now_ms, const Text& action, int64_t amount_minor) {
  const Account* a = account(pan);
  if (!a || amount_minor <= 0) return;
  CivilTime t = civil_time(now_ms);
  std::string hhmm = zero_pad(t.hour, 2) + ":" + zero_pad(t.minute, 2);
  std::string card = last4(pan);
  std::string amount = format_amount(amount_minor);
  std::string avail = format_amount(a->available);
  BankSms sms;
  sms.time_ms = now_ms;
  sms.text.zh = "【" + config_.bank_name.zh + "】您尾号" + card + "的卡" + std::to_string(t.month) + "月" +
                std::to_string(t.day) + "日" + hhmm + action.zh + amount + "元，可用余额" + avail + "元。";
  sms.text.en = "[" + config_.bank_name.en + "] Card ending " + card + ": " + action.en + " CNY " + amount + " on " +
                std::to_string(t.day) + " " + month_abbrev[t.month - 1] + " " + hhmm + ". Available balance CNY " +
                avail + ".";
  sms_.push_back(std::move(sms));
}

}  // namespace posdrill
