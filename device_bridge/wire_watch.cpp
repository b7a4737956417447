// Scoring a hand-operated terminal from its host line (wire_watch.h).
//
// [SECTION] Reading one message: decode, wipe what must not be read, mask the card
// [SECTION] Requests and answers: one record per operation
// [SECTION] Handing records out, and the runner's port

#include "device_bridge/wire_watch.h"

#include <algorithm>

#include "device_bridge/host.h"
#include "device_bridge/iso8583.h"
#include "device_bridge/message_builder.h"

namespace posdrill {

namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Reading one message
// ---------------------------------------------------------------------------------------------

// Overwrites before releasing: card data must not linger in freed memory.
void wipe(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

// PIN block, security control, tracks, chip data, MAC: opaque, wiped unread.
constexpr int opaque_fields[] = {35, 36, 52, 53, 55, 64};

// Decodes a CUP message and at once wipes the opaque fields and masks the card number. The MAC
// is not checked (the watch has no keys, and needs none: it reads, it does not answer).
CodecResult read_message(std::string_view body, IsoMessage& out) {
  CodecResult r = decode(body, Dialect::cup, out);
  for (int de : opaque_fields) {
    auto it = out.fields.find(de);
    if (it == out.fields.end()) continue;
    wipe(it->second);
    out.fields.erase(it);
  }
  if (auto it = out.fields.find(2); it != out.fields.end()) {
    std::string masked = mask_pan(it->second);
    wipe(it->second);
    it->second = std::move(masked);
  }
  return r;
}

int64_t amount_of(const IsoMessage& m) {
  const std::string& a = m.get(4);
  if (a.empty() || a.size() > 12) return 0;
  int64_t v = 0;
  for (char c : a) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v;
}

// DE61's original date (MMDD after batch and trace), when the request quoted one.
bool quotes_date(const IsoMessage& m) {
  const std::string& d = m.get(61);
  return d.size() >= 16 && d.substr(12, 4) != "0000";
}

// Whether an approved operation named its original as the emulated terminal's record says
// (terminal_online.cpp, approved()): a completion, cancel or incremental by auth code and date, a void
// by the original's batch and trace, a refund by reference number and date.
bool names_original(CupOperation op, const IsoMessage& request) {
  switch (op) {
    case CupOperation::preauth_incremental:
    case CupOperation::preauth_cancel:
    case CupOperation::preauth_completion:
    case CupOperation::preauth_completion_advice:
      return request.has(38) && quotes_date(request);
    case CupOperation::void_sale:
    case CupOperation::completion_void:
      return request.get(61).size() >= 12;
    case CupOperation::refund:
      return request.has(37) && quotes_date(request);
    default:
      return false;
  }
}

const Text no_answer_text{"交易失败 无应答", "Transaction failed: no answer"};
const Text reversal_failed_text{"冲正不成功 请与客服联系", "Reversal failed, call customer service"};

std::string label_zh(const TerminalRecord& r) {
  std::string s = terminal_op_label(r.op).zh;
  if (auto sp = s.find(' '); sp != std::string::npos) s.erase(sp);
  return s;
}

// "终端发出：消费 328.00 … 收到：00" and its English.
Text describe(const WireExchange& e) {
  const TerminalRecord& r = e.record;
  std::string amount = r.amount_minor ? " " + format_amount(r.amount_minor) : "";
  Text t{"终端发出：" + label_zh(r) + amount, "Terminal sent: " + std::string(terminal_op_name(r.op)) + amount};
  if (r.reversal_sent) {
    t.zh = "自动冲正已完成；" + t.zh;
    t.en = "automatic reversal done; " + t.en;
  }
  if (r.reversal_failed) {
    t.zh = "终端发出：自动冲正 … 冲正不成功";
    t.en = "Terminal sent: automatic reversal … reversal failed";
  } else if (r.response_code.empty()) {
    t.zh += " … 没有收到回复";
    t.en += " … no answer";
  } else {
    // The code with what it means on the terminal's screen ("57 用户异常"), as the trainer reads it.
    const Text said = r.screen.zh.empty() ? response_text(r.response_code) : r.screen;
    t.zh += " … 收到：" + r.response_code + (said.zh.empty() ? "" : " " + said.zh);
    t.en += " … answer: " + r.response_code + (said.en.empty() ? "" : " " + said.en);
  }
  // Which card (its last four digits, as on the slip), so two sales in one drill tell apart.
  if (e.masked_pan.size() >= 4) {
    const std::string tail = e.masked_pan.substr(e.masked_pan.size() - 4);
    t.zh += "（卡尾号 " + tail + "）";
    t.en += " (card ending " + tail + ")";
  }
  return t;
}

}  // namespace

std::vector<std::string> wire_exchange_texts() {
  std::vector<std::string> out = {no_answer_text.zh, no_answer_text.en, reversal_failed_text.zh, reversal_failed_text.en};
  for (int op = 0; op < terminal_op_count; ++op)
    for (int variant = 0; variant < 3; ++variant) {
      WireExchange e;
      e.record.op = static_cast<TerminalOp>(op);
      e.record.amount_minor = 1234567890;
      e.record.reversal_sent = variant == 0;
      e.record.response_code = variant == 1 ? "" : "00";
      e.record.reversal_failed = variant == 2;
      e.masked_pan = "620000******0000";
      const Text t = describe(e);
      out.push_back(t.zh);
      out.push_back(t.en);
    }
  return out;
}

namespace {

// Whether a fault keeps the answer from reaching the terminal.
bool answer_withheld(const ProxyAction& a, int64_t answer_timeout_ms) {
  switch (a.kind) {
    case ProxyAction::Kind::drop_request:
    case ProxyAction::Kind::request_lost:
    case ProxyAction::Kind::refuse:
    case ProxyAction::Kind::drop_answer:
    case ProxyAction::Kind::cut:
      return true;
    case ProxyAction::Kind::delay:
      return a.delay_ms > answer_timeout_ms;
    default:
      return false;
  }
}

// Whether a fault acts on the request itself, so no answer will ever come to it.
bool request_withheld(const ProxyAction& a) {
  return a.kind == ProxyAction::Kind::drop_request || a.kind == ProxyAction::Kind::request_lost ||
         a.kind == ProxyAction::Kind::refuse;
}

}  // namespace

std::optional<TerminalOp> wire_terminal_op(CupOperation op) {
  switch (op) {
    case CupOperation::preauth_incremental:
      return TerminalOp::preauth;
    case CupOperation::preauth_completion_advice:
      return TerminalOp::preauth_completion;
    case CupOperation::completion_void:
      return TerminalOp::void_sale;
    default:
      return terminal_op(op);
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Requests and answers
// ---------------------------------------------------------------------------------------------

WireWatch::WireWatch(Log log) : WireWatch(Options{}, std::move(log)) {}
WireWatch::WireWatch(Options options, Log log) : options_(options), log_(std::move(log)) {}

void WireWatch::not_cup(uint64_t connection, const std::string& why) {
  const std::string line = "connection " + std::to_string(connection) + ": " + why +
                           "; relayed unchanged, this terminal's operations cannot be scored";
  if (unscorable_.empty()) unscorable_ = why;
  if (log_) log_(line);
  changed_.notify_all();
}

void WireWatch::on_unframed(uint64_t connection, const std::string& why) {
  std::lock_guard lock(mutex_);
  not_cup(connection, "not a length-framed ISO 8583 line (" + why + ")");
}

void WireWatch::on_request(uint64_t connection, std::string_view body, const ProxyAction& action) {
  IsoMessage m;
  CodecResult r = read_message(body, m);
  std::lock_guard lock(mutex_);
  if (!r.ok()) {
    not_cup(connection, "a message that is not the CUP dialect (" + r.message + ")");
    return;
  }
  auto op = classify(m);
  if (!op) {
    not_cup(connection, "a CUP message of no known operation (MTI " + m.mti + ", DE3 " + m.get(3) + ")");
    return;
  }
  if (!request_withheld(action)) ++reached_host_;
  if (*op == CupOperation::batch_upload) return;  // part of a settlement: no record of its own
  Pending p{std::move(m), *op == CupOperation::reversal};
  if (request_withheld(action)) {
    // Nothing will answer it: the terminal times out (or sees the line drop) on it.
    if (p.reversal)
      reversal_failed_try(p);
    else
      main_done(p, "", nullptr);
    return;
  }
  pending_[connection].push_back(std::move(p));
}

void WireWatch::on_answer(uint64_t connection, std::string_view body, const ProxyAction& action) {
  IsoMessage a;
  CodecResult r = read_message(body, a);
  std::lock_guard lock(mutex_);
  auto it = pending_.find(connection);
  if (it == pending_.end() || it->second.empty()) return;  // an answer nobody asked for
  Pending p = std::move(it->second.front());
  it->second.pop_front();
  if (!r.ok()) {
    // The terminal cannot read it either: no valid answer.
    if (p.reversal)
      reversal_failed_try(p);
    else
      main_done(p, "", nullptr);
    if (log_) log_("connection " + std::to_string(connection) + ": an unreadable answer (" + r.message + ")");
    return;
  }
  const bool withheld = answer_withheld(action, options_.answer_timeout_ms);
  const bool bad_mac = action.kind == ProxyAction::Kind::corrupt_answer;
  if (p.reversal) {
    const std::string& rc = a.get(39);
    if (withheld || bad_mac || (rc != "00" && rc != "12" && rc != "25")) return reversal_failed_try(p);
    TerminalState& t = terminals_[p.request.get(41)];
    t.reversal_done = true;
    t.failed_tries = 0;
    return;
  }
  if (withheld) return main_done(p, "", nullptr);
  if (bad_mac) return main_done(p, "A0", nullptr);
  main_done(p, a.get(39), &a);
}

void WireWatch::on_closed(uint64_t connection) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(connection);
  if (it == pending_.end()) return;
  // Requests still unanswered: the terminal gave up on them.
  for (const Pending& p : it->second) {
    if (p.reversal)
      reversal_failed_try(p);
    else
      main_done(p, "", nullptr);
  }
  pending_.erase(it);
}

void WireWatch::main_done(const Pending& p, const std::string& code, const IsoMessage* answer) {
  auto cup = classify(p.request);
  auto op = cup ? wire_terminal_op(*cup) : std::nullopt;
  if (!op) return;
  TerminalState& t = terminals_[p.request.get(41)];
  WireExchange e;
  TerminalRecord& r = e.record;
  r.source = "wire";
  r.op = *op;
  r.amount_minor = amount_of(p.request);
  r.response_code = code;
  r.reversal_sent = t.reversal_done;
  t.reversal_done = false;
  t.failed_tries = 0;
  if (code.empty()) {
    r.screen = no_answer_text;
  } else if (code == "00") {
    r.screen = response_text("00");
    if (*cup != CupOperation::sign_on && *cup != CupOperation::settlement && *cup != CupOperation::balance_inquiry) {
      r.auth_code = answer ? answer->get(38) : "";
      r.references_original = names_original(*cup, p.request);
    }
  } else {
    auto acquirer_text = answer ? decode_display_text(answer->get(63)) : std::nullopt;
    r.screen = acquirer_text ? *acquirer_text : response_text(code);
    if (r.screen.en.empty()) r.screen.en = response_text(code).en;
  }
  e.terminal_id = p.request.get(41);
  e.trace = p.request.get(11);
  e.masked_pan = p.request.get(2);
  emit(std::move(e));
}

void WireWatch::reversal_failed_try(const Pending& p) {
  TerminalState& t = terminals_[p.request.get(41)];
  ++t.failed_tries;
  t.reversal_done = false;
  if (t.failed_tries < options_.reversal_tries) return;
  t.failed_tries = 0;
  WireExchange e;
  TerminalRecord& r = e.record;
  r.source = "wire";
  // The line shows what the 0400 reverses, not the operation the terminal was about to send.
  auto rev = reversed_operation(p.request);
  r.op = rev.op ? wire_terminal_op(*rev.op).value_or(TerminalOp::sale) : TerminalOp::sale;
  r.amount_minor = 0;  // the abandoned operation's amount never went out either
  r.reversal_failed = true;
  r.screen = reversal_failed_text;
  e.op_known = false;
  e.terminal_id = p.request.get(41);
  e.masked_pan = p.request.get(2);
  emit(std::move(e));
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Handing records out, and the runner's port
// ---------------------------------------------------------------------------------------------

void WireWatch::emit(WireExchange e) {
  e.line = describe(e);
  if (log_) {
    std::string l = e.line.en;
    if (!e.trace.empty()) l += " (terminal " + e.terminal_id + ", trace " + e.trace + ")";
    if (!e.masked_pan.empty()) l += ", card " + e.masked_pan;
    log_(l);
  }
  ready_.push_back(std::move(e));
  ++produced_;
  changed_.notify_all();
}

std::optional<WireExchange> WireWatch::next(int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(0, timeout_ms)),
                    [&] { return !ready_.empty() || stopped_ || !unscorable_.empty(); });
  if (ready_.empty()) return std::nullopt;
  WireExchange e = std::move(ready_.front());
  ready_.pop_front();
  return e;
}

std::vector<WireExchange> WireWatch::take_all() {
  std::lock_guard lock(mutex_);
  std::vector<WireExchange> out(std::make_move_iterator(ready_.begin()), std::make_move_iterator(ready_.end()));
  ready_.clear();
  return out;
}

void WireWatch::stop_waiting() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  changed_.notify_all();
}

uint64_t WireWatch::produced() const {
  std::lock_guard lock(mutex_);
  return produced_;
}

uint64_t WireWatch::reached_host() const {
  std::lock_guard lock(mutex_);
  return reached_host_;
}

std::string WireWatch::unscorable() const {
  std::lock_guard lock(mutex_);
  return unscorable_;
}

WireTerminalPort::WireTerminalPort(WireWatch& watch, Options options, Announce announce)
    : watch_(watch), options_(std::move(options)), announce_(std::move(announce)) {}

void WireTerminalPort::set_task(std::optional<TerminalOp> op, std::optional<int64_t> amount) {
  task_op_ = op;
  task_amount_ = amount;
}

WireExchange WireTerminalPort::adjust(WireExchange e) const {
  e.record = judged_wire_record(std::move(e.record), e.op_known, task_op_, task_amount_, options_.test_amounts);
  return e;
}

std::vector<TerminalRecord> WireTerminalPort::poll() {
  std::vector<TerminalRecord> out;
  for (WireExchange& e : watch_.take_all()) out.push_back(adjust(std::move(e)).record);
  return out;
}

std::optional<WireExchange> WireTerminalPort::wait(int64_t timeout_ms) {
  auto e = watch_.next(timeout_ms);
  if (!e) return std::nullopt;
  return adjust(std::move(*e));
}

TerminalFacts WireTerminalPort::facts() const {
  TerminalFacts f;
  f.host_count_known = true;
  f.host_requests = int64_t(watch_.reached_host());
  return f;
}

std::vector<TerminalRecord> WireTerminalPort::story_operation(const TerminalRequest& request) {
  if (announce_) announce_(request);
  if (!terminal_op_is_online(request.op)) return {};
  const auto saved_op = task_op_;
  const auto saved_amount = task_amount_;
  task_op_ = request.op;
  task_amount_ = request.amount_minor;
  std::vector<TerminalRecord> out;
  if (auto e = wait(options_.story_wait_ms)) out.push_back(e->record);
  for (TerminalRecord& r : poll()) out.push_back(std::move(r));
  task_op_ = saved_op;
  task_amount_ = saved_amount;
  return out;
}

}  // namespace posdrill
