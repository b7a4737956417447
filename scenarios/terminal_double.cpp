#include "scenarios/terminal_double.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace posdrill {

namespace {

struct RcText {
  std::string_view code;
  Text text;
};

// Display texts of a CUP terminal (see the facts file, section 4).
const RcText rc_table[] = {
    {"00", {"交易成功", "Approved"}},
    {"05", {"持卡人认证失败", "Cardholder authentication failed"}},
    {"12", {"无效交易", "Invalid transaction"}},
    {"14", {"无效卡号", "Invalid card number"}},
    {"22", {"操作有误,或超出交易允许天数", "Wrong operation, or past the allowed days"}},
    {"25", {"没有原始交易,请联系发卡方", "Original transaction not found, contact the issuer"}},
    {"38", {"密码错误次数超限,请与发卡方联系", "PIN tries exceeded, contact the issuer"}},
    {"51", {"可用余额不足", "Insufficient funds"}},
    {"55", {"密码错请重试", "Incorrect PIN, try again"}},
    {"57", {"不允许此卡交易", "Transaction not permitted to this card"}},
    {"61", {"交易金额超限", "Amount over the limit"}},
    {"62", {"受限制的卡", "Restricted card"}},
    {"65", {"超出消费次数限制", "Too many transactions"}},
    {"68", {"交易超时,请重试", "Response too late, try again"}},
    {"75", {"密码错误次数超限", "PIN tries exceeded"}},
    {"77", {"请重新签到", "Please sign on again"}},
    {"91", {"发卡方状态不正常,请稍后重试", "Issuer unavailable, try later"}},
    {"94", {"拒绝,重复交易", "Declined: duplicate transaction"}},
    {"96", {"交换中心异常,请稍后重试", "Switch malfunction, try later"}},
    {"98", {"发卡方超时", "Issuer timed out"}},
    {"A0", {"MAC校验错,请重新签到", "MAC check failed, sign on again"}},
};

// The training day the double's dates count back from; fixed so transcripts are reproducible.
constexpr std::chrono::year_month_day training_day{std::chrono::year{2026}, std::chrono::month{11},
                                                   std::chrono::day{20}};

std::string mmdd(int days_ago) {
  std::chrono::year_month_day d{std::chrono::sys_days{training_day} - std::chrono::days{days_ago}};
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02u%02u", unsigned(d.month()), unsigned(d.day()));
  return buf;
}

bool reversible(TerminalOp op) {
  switch (op) {
    case TerminalOp::sale:
    case TerminalOp::void_sale:
    case TerminalOp::preauth:
    case TerminalOp::preauth_cancel:
    case TerminalOp::preauth_completion:
      return true;
    default:
      return false;
  }
}

bool debits(TerminalOp op) {
  return op == TerminalOp::sale || op == TerminalOp::preauth || op == TerminalOp::preauth_completion;
}

// A delay longer than the terminal's 60 s receive time-out behaves like a lost answer.
constexpr int receive_timeout_s = 60;

}  // namespace

Text response_text(std::string_view code) {
  for (const auto& r : rc_table)
    if (r.code == code) return r.text;
  std::string c(code);
  return {"交易失败 (" + c + ")", "Transaction failed (" + c + ")"};
}

void TerminalDouble::prepare(const Setup& setup) {
  *this = TerminalDouble{};
  setup_ = setup;
  for (const auto& f : setup.faults)
    if (f.kind == FaultKind::reversal_fails && f.request == 0) reversals_fail_ = true;
  for (const auto& h : setup.history) {
    if (h.fault && h.fault->kind == FaultKind::reversal_fails) {
      reversals_fail_ = true;
      continue;
    }
    if (!terminal_op_is_online(h.op)) continue;
    TerminalRequest req;
    req.op = h.op;
    req.amount_minor = h.amount_minor;
    if (const Entry* o = original(); o && (h.op == TerminalOp::preauth_completion ||
                                           h.op == TerminalOp::preauth_cancel || h.op == TerminalOp::void_sale)) {
      req.original_auth_code = o->auth_code;
      req.original_date_mmdd = o->date_mmdd;
    }
    run_online(req, h.fault ? &*h.fault : nullptr, h.days_ago, h.minutes_ago, h.wrong_pin);
  }
  online_requests_ = 0;  // scenario faults count the trainee's requests only
  done_.clear();
}

const Fault* TerminalDouble::fault_for_request(int n, FaultKind kind) const {
  for (const auto& f : setup_.faults)
    if (f.request == n && f.kind == kind) return &f;
  return nullptr;
}

std::string TerminalDouble::next_auth_code() {
  // Deterministic per terminal and sequence, looks like a real 6-digit auth code.
  uint32_t h = 2166136261u;
  for (char c : setup_.terminal_id) h = (h ^ uint8_t(c)) * 16777619u;
  h = (h ^ uint32_t(++auth_seq_)) * 16777619u;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06u", h % 1000000u);
  return buf;
}

const TerminalDouble::Entry* TerminalDouble::original() const {
  for (auto it = journal_.rbegin(); it != journal_.rend(); ++it)
    if ((it->op == TerminalOp::preauth || it->op == TerminalOp::sale) && it->rc == "00") return &*it;
  return nullptr;
}

TerminalRecord TerminalDouble::run_online(const TerminalRequest& req, const Fault* fault, int days_ago, int minutes_ago,
                                          bool wrong_pin) {
  TerminalRecord rec;
  rec.op = req.op;
  rec.amount_minor = req.amount_minor.value_or(0);
  ++online_requests_;

  // 1. A pending reversal goes out before anything else (up to 3 tries).
  if (reversal_pending_) {
    bool fails = reversals_fail_ || fault_for_request(online_requests_, FaultKind::reversal_fails);
    if (fails) {
      rec.reversal_failed = true;
      rec.screen = {"冲正不成功 请与客服联系", "Reversal failed, call customer service"};
      return rec;
    }
    rec.reversal_sent = true;
    reversal_pending_ = false;
    host_debited_ -= pending_amount_;
    pending_amount_ = 0;
    if (pending_entry_) journal_[*pending_entry_].reversed = true;
    pending_entry_.reset();
  }

  // 2. The host decides.
  std::string rc = "00";
  bool acquirer_decline = false;  // a risk-control decline shows the acquirer's own text
  const Entry* orig = original();
  const HostRules& host = setup_.host;
  bool needs_original = req.op == TerminalOp::preauth_completion || req.op == TerminalOp::preauth_cancel ||
                        req.op == TerminalOp::void_sale;
  if (req.op == TerminalOp::sign_on || req.op == TerminalOp::settlement) {
    rc = "00";
  } else if (host.decline_code) {
    rc = *host.decline_code;
    acquirer_decline = true;
  } else if (wrong_pin_lock_reached()) {
    rc = host.lock_code;
  } else if (wrong_pin) {
    ++wrong_pins_;
    rc = wrong_pins_ >= host.pin_tries ? host.lock_code : "55";
  } else if (req.op == TerminalOp::sale && recent_sales(host.velocity_window_minutes) >= host.velocity_max) {
    rc = host.velocity_code;
  } else if (needs_original) {
    if (!orig || req.original_auth_code.empty()) {
      rc = "25";
    } else if (req.original_auth_code != orig->auth_code || req.original_date_mmdd != orig->date_mmdd) {
      rc = "25";
    } else if (orig->days_ago > host.preauth_days) {
      rc = "22";
    } else if (req.op == TerminalOp::preauth_completion &&
               rec.amount_minor * 100 > orig->amount_minor * host.completion_limit_percent) {
      rc = "61";
    } else {
      rec.references_original = true;
    }
  } else if (debits(req.op) && rec.amount_minor > setup_.balance_minor - host_debited_) {
    rc = "51";
  }

  // 3. Faults between host and terminal.
  bool host_processed = true, answer_arrived = true, bad_mac = false, omit_pan = false;
  if (fault) {
    switch (fault->kind) {
      case FaultKind::answer_lost:
        answer_arrived = false;
        break;
      case FaultKind::delay:
        answer_arrived = fault->seconds <= receive_timeout_s;
        break;
      case FaultKind::request_lost:
      case FaultKind::refuse_connection:
        host_processed = answer_arrived = false;
        break;
      case FaultKind::bad_mac:
        bad_mac = true;
        break;
      case FaultKind::omit_pan:
        omit_pan = true;
        break;
      case FaultKind::respond:
        rc = fault->code;
        acquirer_decline = false;
        rec.references_original = false;
        // A scripted wrong PIN counts like a real one; the last allowed try answers the lock.
        if (rc == "55" && ++wrong_pins_ >= host.pin_tries) rc = host.lock_code;
        break;
      case FaultKind::reversal_fails:
        break;
    }
  }

  Entry e{req.op,   rec.amount_minor, rc,    "",        mmdd(days_ago),
          days_ago, minutes_ago,      false, !omit_pan, answer_arrived && !bad_mac};
  if (host_processed && rc == "00") {
    e.auth_code = next_auth_code();
    if (debits(req.op)) host_debited_ += rec.amount_minor;
    if (req.op == TerminalOp::preauth_completion && orig) host_debited_ -= orig->amount_minor;  // hold becomes debit
  }
  if (host_processed) journal_.push_back(e);

  if (!answer_arrived || bad_mac) {
    if (reversible(req.op)) {
      reversal_pending_ = true;
      pending_amount_ = host_processed && rc == "00" && debits(req.op) ? rec.amount_minor : 0;
      if (host_processed) pending_entry_ = journal_.size() - 1;
    }
    rec.response_code = bad_mac ? "A0" : "";
    rec.screen = bad_mac ? response_text("A0")
                         : (host_processed || fault->kind == FaultKind::delay
                                ? Text{"交易失败 接收超时", "Transaction failed: no answer"}
                                : Text{"通讯失败", "Communication failed"});
    return rec;
  }
  rec.response_code = rc;
  rec.auth_code = e.auth_code;
  rec.screen = acquirer_decline && !host.decline_text.empty() ? host.decline_text : response_text(rc);
  if (rc == "55") rec.screen = {"(55)密码错请重试", "(55) Incorrect PIN, try again"};
  return rec;
}

// The acquirer's velocity rule counts approved, unreversed sales on this card in the window.
int TerminalDouble::recent_sales(int window_minutes) const {
  return int(std::count_if(journal_.begin(), journal_.end(), [&](const Entry& e) {
    return e.op == TerminalOp::sale && e.rc == "00" && !e.reversed && e.days_ago == 0 &&
           e.minutes_ago <= window_minutes;
  }));
}

bool TerminalDouble::wrong_pin_lock_reached() const { return wrong_pins_ >= setup_.host.pin_tries; }

void TerminalDouble::request(const TerminalRequest& req) {
  if (!terminal_op_is_online(req.op)) {
    TerminalRecord rec;
    rec.op = req.op;
    rec.response_code = "00";
    if (req.op == TerminalOp::transaction_query) {
      if (const Entry* o = original(); o && o->shown_on_terminal) {
        rec.found_original = true;
        rec.auth_code = o->auth_code;
        rec.date_mmdd = o->date_mmdd;
        rec.amount_minor = o->amount_minor;
        std::string card = o->has_pan ? mask_pan(setup_.card) : std::string("—");
        rec.screen = {std::string(terminal_op_label(o->op).zh) + " " + format_amount(o->amount_minor) + " 授权码 " +
                          o->auth_code + " 日期 " + o->date_mmdd + " 卡号 " + card,
                      std::string(terminal_op_label(o->op).en) + " " + format_amount(o->amount_minor) + " auth code " +
                          o->auth_code + " date " + o->date_mmdd + " card " + card};
      } else {
        rec.screen = {"无交易记录", "No transaction found"};
      }
    } else {
      rec.screen = {"重打印", "Reprint"};
    }
    done_.push_back(rec);
    return;
  }
  const Fault* fault = nullptr;
  for (const auto& f : setup_.faults)
    if (f.request == online_requests_ + 1 && f.kind != FaultKind::reversal_fails) fault = &f;
  done_.push_back(run_online(req, fault, 0, 0, false));
}

std::vector<TerminalRecord> TerminalDouble::poll() {
  std::vector<TerminalRecord> out(done_.begin(), done_.end());
  done_.clear();
  return out;
}

}  // namespace posdrill
