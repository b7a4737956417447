// EmulatedTerminal (terminal.h) on the line: the request and the reversal before it, then what
// comes back, or does not.
// [SECTION] Going online: reversal first, then the request
// [SECTION] Answers, time-outs and line failures
#include <algorithm>
#include <utility>

#include "device_bridge/icc.h"
#include "device_bridge/terminal.h"
#include "device_bridge/terminal_internal.h"

namespace posdrill {

using namespace terminal_internal;

namespace {


void wipe_field(IsoMessage& m, int de) {
  auto it = m.fields.find(de);
  if (it == m.fields.end()) return;
  wipe(it->second);
  m.fields.erase(it);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Going online: reversal first, then the request
// ---------------------------------------------------------------------------------------------

void EmulatedTerminal::go_online() {
  Flow& f = *flow_;
  if (f.type != TxnType::sign_on) ++online_started_;
  f.request = build_request();
  wipe(f.pin_block);
  mode_ = Mode::online;
  f.reversal_sent = false;
  f.reversal_try = 0;
  // docs/domain.md §5.3: a pending reversal goes out at the start of the next online transaction.
  // Sign-on is network management, not a transaction: it never carries the reversal.
  if (reversal_ && f.type != TxnType::sign_on) {
    f.in_reversal = true;
    return send_reversal_try();
  }
  send_main();
}

IsoMessage EmulatedTerminal::build_request() {
  Flow& f = *flow_;
  IsoMessage m = start_request(info(f.type).cup, batch_no());
  m.set(11, next_stan());
  m.set(41, config_.terminal_id);
  m.set(42, config_.merchant_id);
  std::string operator_code = pad_left_zeros(config_.operator_id, 3).substr(0, 3);
  if (f.type == TxnType::sign_on) {
    m.set(63, operator_code);
    return m;
  }
  if (f.type == TxnType::settlement) {
    m.set(48, encode_totals(batch_totals(), '0'));
    m.set(49, "156");
    m.set(63, operator_code);
    return m;
  }
  if (f.entry == EntryMode::keyed) {
    m.set(2, f.pan);
    m.set(14, f.expiry);
  } else {
    std::string track = f.pan + "=" + f.expiry + "201" + "0000000000";
    m.set(35, track.substr(0, 37));
    if (f.entry != EntryMode::swipe) m.set(23, "001");
  }
  const char* mode = f.entry == EntryMode::swipe    ? "02"
                     : f.entry == EntryMode::insert ? "05"
                     : f.entry == EntryMode::tap    ? "07"
                                                    : "01";
  m.set(22, std::string(mode) + (f.pin_block.empty() ? "2" : "1"));
  if (f.type != TxnType::balance_inquiry) {
    m.set(4, zero_pad(f.amount, 12));
    m.set(49, "156");
  }
  if (!f.pin_block.empty()) {
    m.set(26, "12");
    m.set(52, f.pin_block);
    m.set(53, "2600000000000000");
  }
  // A chip read (inserted or tapped) that goes online carries the card's ARQC data (icc.h: test
  // values, as this terminal has no chip to ask).
  bool chip = f.entry == EntryMode::insert || f.entry == EntryMode::tap;
  if (chip && (f.type == TxnType::sale || f.type == TxnType::preauth || f.type == TxnType::balance_inquiry)) {
    IccRequest icc;
    icc.amount_minor = f.type == TxnType::balance_inquiry ? 0 : f.amount;
    const CivilTime d = civil_time(now_);
    icc.date_yymmdd = zero_pad(d.year % 100, 2) + zero_pad(d.month, 2) + zero_pad(d.day, 2);
    icc.transaction_type = f.type == TxnType::preauth ? 0x03 : f.type == TxnType::balance_inquiry ? 0x31 : 0x00;
    icc.trace = uint32_t(std::stoul(m.get(11)));
    icc.pin_entered = !f.pin_block.empty();
    m.set(55, icc_request_data(icc));
  }
  auto auth_field = [](const std::string& a) {
    std::string s = a.substr(0, 6);
    s.resize(6, ' ');
    return s;
  };
  switch (f.type) {
    case TxnType::void_sale:
    case TxnType::completion_void: {
      const BatchEntry& e = batch_[*f.orig_index];
      m.set(37, e.rrn);
      if (!e.auth_code.empty()) m.set(38, auth_field(e.auth_code));
      m.set(61, e.batch + e.stan);
      break;
    }
    case TxnType::refund: {
      std::string batch = "000000", trace = "000000";
      for (const BatchEntry& e : batch_)
        if (!f.orig_rrn.empty() && e.rrn == f.orig_rrn) batch = e.batch, trace = e.stan;
      if (!f.orig_rrn.empty()) m.set(37, pad_left_zeros(f.orig_rrn, 12));
      m.set(61, batch + trace + (f.orig_date.empty() ? "0000" : f.orig_date));
      break;
    }
    case TxnType::incremental:
    case TxnType::preauth_cancel:
    case TxnType::completion:
    case TxnType::completion_advice: {
      // The terminal fills the original's batch and trace when it finds it in its own list.
      std::string batch = "000000", trace = "000000";
      for (const BatchEntry& e : batch_)
        if (e.type == TxnType::preauth && !f.orig_auth.empty() && e.auth_code == f.orig_auth &&
            e.date_mmdd == f.orig_date)
          batch = e.batch, trace = e.stan;
      if (!f.orig_auth.empty()) m.set(38, auth_field(f.orig_auth));
      m.set(61, batch + trace + (f.orig_date.empty() ? "0000" : f.orig_date));
      break;
    }
    default:
      break;
  }
  return m;
}

void EmulatedTerminal::send_reversal_try() {
  Flow& f = *flow_;
  ++f.reversal_try;
  outgoing_.push_back(*reversal_);
  f.deadline = now_ + config_.reversal_wait_ms;
  std::string n = std::to_string(f.reversal_try), of = std::to_string(config_.reversal_tries);
  show(txn_label(f.type), {screen_text("auto_reversal"), screen_text("reversal_try", {{"n", n}, {"of", of}})});
}

void EmulatedTerminal::reversal_try_failed() {
  Flow& f = *flow_;
  if (f.reversal_try < config_.reversal_tries) return send_reversal_try();
  TerminalRecord rec = record_for_flow();
  rec.reversal_failed = true;
  rec.screen = screen_text("reversal_failed");
  records_.push_back(rec);
  if (!config_.keep_reversal_after_failure) reversal_.reset();
  show(txn_label(f.type), {screen_text("reversal_failed"), screen_text("not_sent")});
  end_flow(Mode::result);
}

void EmulatedTerminal::send_main() {
  Flow& f = *flow_;
  f.in_reversal = false;
  // docs/domain.md §5.1: the reversal record is saved before the request leaves.
  if (operation_codes(info(f.type).cup).reversible) {
    reversal_ = reversal_of(f.request, "06");
    f.saved_reversal = true;
  }
  outgoing_.push_back(f.request);
  wipe_field(f.request, 52);  // handed over: the terminal keeps no PIN block
  wipe_field(f.request, 35);
  f.deadline = now_ + config_.response_timeout_ms;
  show(txn_label(f.type), {screen_text("processing"), screen_text("please_wait")});
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Answers, time-outs and line failures
// ---------------------------------------------------------------------------------------------

void EmulatedTerminal::on_host_answer(const IsoMessage& answer, bool mac_ok) {
  if (mode_ != Mode::online || !flow_) return;  // late: nobody waits for it any more
  Flow& f = *flow_;
  if (f.in_reversal) {
    if (answer.mti != "0410" || answer.get(11) != reversal_->get(11)) return;
    const std::string& rc = answer.get(39);
    // 12 / 25: the host has nothing to undo — the reversal's job is done as well.
    if (mac_ok && (rc == "00" || rc == "12" || rc == "25")) {
      reversal_.reset();
      f.reversal_sent = true;
      return send_main();
    }
    return reversal_try_failed();
  }
  if (answer.mti != response_mti(f.request.mti) || answer.get(11) != f.request.get(11)) return;
  if (answer.has(41) && answer.get(41) != config_.terminal_id) return;
  if (!mac_ok) {
    if (f.saved_reversal && reversal_) reversal_->set(39, "A0");
    TerminalRecord rec = record_for_flow();
    rec.response_code = "A0";
    rec.screen = response_text("A0");
    records_.push_back(rec);
    show(txn_label(f.type), {rec.screen, screen_text("failed")});
    return end_flow(Mode::result);
  }
  handle_main_answer(answer);
}

void EmulatedTerminal::handle_main_answer(const IsoMessage& answer) {
  Flow& f = *flow_;
  const std::string rc = answer.get(39);
  TerminalRecord rec = record_for_flow();
  if (rc.empty()) {
    // Unreadable answer: the request may have been booked, so the reversal record stays.
    rec.screen = screen_text("unreadable");
    records_.push_back(rec);
    show(txn_label(f.type), {rec.screen});
    return end_flow(Mode::result);
  }
  if (f.saved_reversal) reversal_.reset();  // a valid answer: nothing left to undo
  rec.response_code = rc;
  if (rc == "00") return approved(answer, rec);

  if (rc == "77" || rc == "99") keys_.reset();  // the host asks for a fresh sign-on (99: a bad PIN key)
  auto pin_step = std::find(f.steps.begin(), f.steps.end(), Step::pin);
  if (rc == "55" && pin_step != f.steps.end()) {
    rec.screen = screen_text("wrong_pin");
    records_.push_back(rec);
    // docs/domain.md §7.1: the terminal asks again, same card and amount, a new request.
    f.at = std::size_t(pin_step - f.steps.begin());
    f.request = IsoMessage{};
    f.saved_reversal = f.in_reversal = f.reversal_sent = false;
    f.reversal_try = 0;
    mode_ = Mode::input;
    input_deadline_ = now_ + config_.input_timeout_ms;
    show(txn_label(f.type), {screen_text("wrong_pin"), screen_text("pin_again")});
    return;
  }
  auto acquirer_text = decode_display_text(answer.get(63));
  rec.screen = acquirer_text ? *acquirer_text : response_text(rc);
  if (rec.screen.en.empty()) rec.screen.en = response_text(rc).en;
  records_.push_back(rec);
  show(txn_label(f.type), {rec.screen, screen_text("declined_code", {{"code", rc}})});
  end_flow(Mode::result);
}

void EmulatedTerminal::approved(const IsoMessage& answer, TerminalRecord& rec) {
  Flow& f = *flow_;
  const Text& title = txn_label(f.type);
  rec.screen = response_text("00");
  switch (f.type) {
    case TxnType::sign_on: {
      keys_ = decode_working_keys(answer.get(62), config_.master_key);
      if (!keys_)
        rec.screen = screen_text("sign_on_failed");
      else
        rec.screen = screen_text("signed_on");
      records_.push_back(rec);
      show(title, {rec.screen});
      return end_flow(Mode::result);
    }
    case TxnType::settlement: {
      auto d = decode_totals(answer.get(48));
      bool balanced = d && d->flag == '1';
      BatchTotals totals = batch_totals();
      print_settlement(totals, balanced);
      rec.screen = screen_text("settled");
      records_.push_back(rec);
      std::vector<Text> lines{rec.screen, screen_text(balanced ? "totals_agree" : "totals_differ")};
      if (!paper_) lines.push_back(screen_text("no_paper"));
      show(title, std::move(lines));
      for (const BatchEntry& e : batch_)
        if (e.type == TxnType::sale && !e.voided) settled_sales_.push_back(e);
      if (settled_sales_.size() > 64)
        settled_sales_.erase(settled_sales_.begin(), settled_sales_.end() - 64);
      // Settlement closes the batch; a pre-authorization still open is not part of it and stays
      // in the list until it is completed or cancelled (docs/domain.md §6.3).
      std::erase_if(batch_, [](const BatchEntry& e) {
        return e.type != TxnType::preauth || e.completed || e.cancelled || e.voided;
      });
      last_printed_.reset();
      batch_number_ = batch_number_ >= 999999 ? 1 : batch_number_ + 1;
      return end_flow(Mode::result);
    }
    case TxnType::balance_inquiry: {
      auto balance = decode_balance(answer.get(54));
      std::string b = balance ? format_amount(*balance) : "—";
      records_.push_back(rec);
      show(title, {rec.screen, screen_text("balance", {{"amount", b}})});
      return end_flow(Mode::result);
    }
    default:
      break;
  }

  rec.auth_code = answer.get(38);
  switch (f.type) {
    case TxnType::incremental:
    case TxnType::preauth_cancel:
    case TxnType::completion:
    case TxnType::completion_advice:
      rec.references_original = !f.orig_auth.empty() && !f.orig_date.empty();
      break;
    case TxnType::void_sale:
    case TxnType::completion_void:
      rec.references_original = f.orig_index.has_value();
      break;
    case TxnType::refund:
      rec.references_original = !f.orig_rrn.empty() && !f.orig_date.empty();
      break;
    default:
      break;
  }

  BatchEntry e;
  e.type = f.type;
  e.batch = batch_no();
  e.stan = f.request.get(11);
  e.rrn = answer.get(37);
  e.auth_code = answer.get(38);
  e.date_mmdd = is_digit_string(answer.get(13), 4) ? answer.get(13) : format_mmdd(now_);
  e.time_hhmmss = is_digit_string(answer.get(12), 6) ? answer.get(12) : format_hhmmss(now_);
  e.year = civil_time(now_).year;
  e.amount_minor = f.amount;
  // The faithful quirk: the stored card number is the answer's DE2, nothing else.
  e.masked_pan = answer.has(2) ? mask_pan(answer.get(2)) : std::string();
  e.entry = f.entry;
  e.orig_auth_code = f.orig_auth;
  e.orig_date_mmdd = f.orig_date;
  e.orig_rrn = f.orig_rrn;
  if (f.orig_index) {
    BatchEntry& o = batch_[*f.orig_index];
    e.orig_stan = o.stan;
    o.voided = true;  // only voids carry orig_index
  }
  if (f.type == TxnType::completion || f.type == TxnType::completion_advice || f.type == TxnType::preauth_cancel) {
    for (BatchEntry& o : batch_)
      if (o.type == TxnType::preauth && o.auth_code == f.orig_auth && o.date_mmdd == f.orig_date) {
        (f.type == TxnType::preauth_cancel ? o.cancelled : o.completed) = true;
        e.orig_stan = o.stan;
      }
  }
  batch_.push_back(e);
  print(batch_.back(), false);
  records_.push_back(rec);
  std::vector<Text> lines{rec.screen, amount_line(f.amount)};
  if (!e.auth_code.empty()) lines.push_back(screen_text("auth_code", {{"auth", e.auth_code}}));
  if (paper_)
    lines.push_back(screen_text("tear_off"));
  else
    lines.push_back(screen_text("no_paper_reprint"));
  show(title, std::move(lines));
  end_flow(Mode::result);
}

void EmulatedTerminal::tick(TerminalTime now_ms) {
  now_ = std::max(now_, now_ms);
  if (mode_ == Mode::online && flow_) {
    Flow& f = *flow_;
    if (now_ <= f.deadline) return;
    if (f.in_reversal) return reversal_try_failed();
    // docs/domain.md §5.2: no answer in time — the reversal record's reason becomes 98.
    if (f.saved_reversal && reversal_) reversal_->set(39, "98");
    TerminalRecord rec = record_for_flow();
    rec.screen = screen_text("no_answer");
    records_.push_back(rec);
    show(txn_label(f.type), {screen_text("no_answer"), screen_text("failed")});
    return end_flow(Mode::result);
  }
  if (mode_ != Mode::idle && mode_ != Mode::online && now_ > input_deadline_) to_idle();
}

void EmulatedTerminal::on_no_answer(LinkFailure failure) {
  if (mode_ != Mode::online || !flow_) return;
  Flow& f = *flow_;
  if (f.in_reversal) return reversal_try_failed();
  if (f.saved_reversal) {
    if (failure == LinkFailure::connect_failed)
      reversal_.reset();  // nothing left the terminal: nothing to reverse
    else if (reversal_)
      reversal_->set(39, "98");
  }
  TerminalRecord rec = record_for_flow();
  rec.screen = screen_text("comm_failed");
  rec.not_sent = failure == LinkFailure::connect_failed;
  records_.push_back(rec);
  show(txn_label(f.type), {screen_text("comm_failed"),
                           screen_text(failure == LinkFailure::connect_failed ? "connect_failed" : "connection_lost")});
  end_flow(Mode::result);
}

TerminalRecord EmulatedTerminal::record_for_flow() const {
  TerminalRecord r;
  if (!flow_) return r;
  r.op = info(flow_->type).op;
  r.amount_minor = flow_->amount;
  r.reversal_sent = flow_->reversal_sent;
  return r;
}

void EmulatedTerminal::fail_local(const Text& why, bool keying) {
  TerminalRecord rec = record_for_flow();
  rec.screen = why;
  rec.keying_refused = keying;
  rec.not_sent = !keying;  // refused before going online (not signed on, not a test card): nothing left
  records_.push_back(rec);
  show(flow_ ? txn_label(flow_->type) : screen_text("home"), {why});
  end_flow(Mode::result);
}

void EmulatedTerminal::end_flow(Mode mode) {
  if (flow_) {
    wipe_card();
    flow_.reset();
  }
  mode_ = mode;
  input_deadline_ = now_ + config_.input_timeout_ms;
}

void EmulatedTerminal::wipe_card() {
  Flow& f = *flow_;
  wipe(f.pan);
  wipe(f.pin_block);
  wipe(f.input);
  wipe_field(f.request, 2);
  wipe_field(f.request, 35);
  wipe_field(f.request, 52);
}

}  // namespace posdrill
