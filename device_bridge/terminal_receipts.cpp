// EmulatedTerminal (terminal.h) and its batch on paper and on screen: the look-ups of 交易查询, the
// reprints of 重打印, the slips and the settlement totals.
// [SECTION] Look-ups and reprints
// [SECTION] Receipts
#include <utility>

#include "device_bridge/terminal.h"
#include "device_bridge/terminal_internal.h"

namespace posdrill {

using namespace terminal_internal;

namespace {

char entry_letter(EntryMode m) {
  switch (m) {
    case EntryMode::swipe:
      return 'S';
    case EntryMode::insert:
      return 'I';
    case EntryMode::tap:
      return 'C';
    case EntryMode::keyed:
      return 'M';
  }
  return 'S';
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Look-ups and reprints
// ---------------------------------------------------------------------------------------------

void EmulatedTerminal::query_key(Key key) {
  std::size_t max_len = query_by_ == QueryBy::rrn ? 12 : 6;
  if (key == Key::cancel) return open_menu(Mode::query_menu);
  if (auto d = key_digit(key); d && query_input_.size() < max_len) query_input_ += *d;
  if (key == Key::clear && !query_input_.empty()) query_input_.pop_back();
  if (key == Key::enter) {
    std::optional<std::size_t> found;
    if (!query_input_.empty()) {
      if (query_by_ == QueryBy::voucher) {
        found = find_voucher(pad_left_zeros(query_input_, 6));
      } else {
        for (std::size_t i = batch_.size(); i-- > 0;) {
          const BatchEntry& e = batch_[i];
          if ((query_by_ == QueryBy::rrn && e.rrn == query_input_) ||
              (query_by_ == QueryBy::auth_code && e.auth_code == query_input_)) {
            found = i;
            break;
          }
        }
      }
    }
    mode_ = Mode::query_show;
    return show_query_result(found, true);
  }
  const Text& prompt = screen_text(query_by_ == QueryBy::voucher ? "voucher_prompt"
                                   : query_by_ == QueryBy::rrn   ? "ref_prompt"
                                                                 : "auth_prompt");
  show(terminal_menu("query").title, {prompt, {query_input_, query_input_}});
}

TerminalRecord EmulatedTerminal::query_record(std::optional<std::size_t> index) const {
  TerminalRecord rec;
  rec.op = TerminalOp::transaction_query;
  rec.response_code = "00";
  if (!index) {
    rec.screen = screen_text("not_found");
    return rec;
  }
  const BatchEntry& e = batch_[*index];
  rec.found_original = true;
  rec.auth_code = e.auth_code;
  rec.date_mmdd = e.date_mmdd;
  rec.amount_minor = e.amount_minor;
  std::string card = e.masked_pan.empty() ? "—" : e.masked_pan;
  std::string amount = format_amount(e.amount_minor);
  const Text& label = txn_label(e.type);
  const Text& found = screen_text("found");
  const auto fill = [&](const std::string& pattern, const std::string& operation) {
    return fill_placeholders(pattern, {{"operation", operation},
                                       {"amount", amount},
                                       {"voucher", e.stan},
                                       {"ref", e.rrn},
                                       {"auth", e.auth_code},
                                       {"date", e.date_mmdd},
                                       {"card", card}});
  };
  rec.screen = {fill(found.zh, label.zh), fill(found.en, label.en)};
  return rec;
}

void EmulatedTerminal::show_query_result(std::optional<std::size_t> index, bool emit_record) {
  input_deadline_ = now_ + config_.input_timeout_ms;
  if (emit_record) records_.push_back(query_record(index));
  const Text& title = terminal_menu("query").title;
  if (!index) return show(title, {screen_text("not_found")});
  const BatchEntry& e = batch_[*index];
  std::string card = e.masked_pan.empty() ? "—" : e.masked_pan;
  std::vector<Text> lines{txn_label(e.type),
                          screen_text("card", {{"card", card}}),
                          amount_line(e.amount_minor),
                          screen_text("voucher_batch", {{"voucher", e.stan}, {"batch", e.batch}}),
                          screen_text("reference", {{"ref", e.rrn}}),
                          screen_text("auth_code", {{"auth", e.auth_code}}),
                          screen_text("date", {{"date", e.date_mmdd}, {"time", e.time_hhmmss}})};
  if (e.voided) lines.push_back(screen_text("voided"));
  if (e.completed) lines.push_back(screen_text("completed"));
  if (e.cancelled) lines.push_back(screen_text("preauth_cancelled"));
  if (query_by_ == QueryBy::browse) lines.push_back(screen_text("browse_hint"));
  show(title, std::move(lines));
}

std::optional<std::size_t> EmulatedTerminal::find_voucher(std::string_view stan) const {
  for (std::size_t i = 0; i < batch_.size(); ++i)
    if (batch_[i].stan == stan) return i;
  return std::nullopt;
}

void EmulatedTerminal::reprint(std::optional<std::size_t> index) {
  const bool found = index && *index < batch_.size();
  finish_reprint(found, [&] { print(batch_[*index], true); });
}

void EmulatedTerminal::reprint_settlement() {
  finish_reprint(last_settlement_.has_value(), [&] {
    Receipt r = *last_settlement_;
    r.duplicate = true;
    r.lines.insert(r.lines.begin() + 2, slip_text("duplicate"));  // under the slip's name, as a transaction's
    receipts_.push_back(std::move(r));
    ++slips_printed_;
  });
}

void EmulatedTerminal::finish_reprint(bool found, const std::function<void()>& print_it) {
  TerminalRecord rec;
  rec.op = TerminalOp::reprint;
  if (found && !paper_) {
    rec.screen = screen_text("no_paper");
  } else if (found) {
    print_it();
    rec.response_code = "00";
    rec.screen = screen_text("reprinted");
  } else {
    rec.screen = screen_text("nothing_to_reprint");
  }
  records_.push_back(rec);
  show(terminal_menu("reprint").title, {rec.screen});
  mode_ = Mode::result;
  input_deadline_ = now_ + config_.input_timeout_ms;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Receipts
// ---------------------------------------------------------------------------------------------

BatchTotals EmulatedTerminal::batch_totals() const {
  BatchTotals t;
  for (const BatchEntry& e : batch_) {
    bool debit = e.type == TxnType::sale || e.type == TxnType::completion || e.type == TxnType::completion_advice;
    if (debit && !e.voided) {
      ++t.debit_count;
      t.debit_minor += e.amount_minor;
    } else if (e.type == TxnType::refund) {
      ++t.credit_count;
      t.credit_minor += e.amount_minor;
    }
  }
  return t;
}

void EmulatedTerminal::print(const BatchEntry& e, bool duplicate) {
  // The last transaction is what 重打印最后一笔 prints, whether or not paper came out.
  for (std::size_t i = 0; i < batch_.size(); ++i)
    if (&batch_[i] == &e) last_printed_ = i;
  if (!paper_) {
    printer_jammed_ = true;
    return;
  }
  ++slips_printed_;
  receipts_.push_back(make_receipt(e, Receipt::Copy::merchant, duplicate));
  receipts_.push_back(make_receipt(e, Receipt::Copy::customer, duplicate));
}

void EmulatedTerminal::set_paper(bool loaded) {
  paper_ = loaded;
  if (loaded) printer_jammed_ = false;
}

Receipt EmulatedTerminal::make_receipt(const BatchEntry& e, Receipt::Copy copy, bool duplicate) const {
  Receipt r;
  r.copy = copy;
  r.duplicate = duplicate;
  r.type = e.type;
  r.masked_pan = e.masked_pan;
  r.batch = e.batch;
  r.stan = e.stan;
  r.rrn = e.rrn;
  r.auth_code = e.auth_code;
  r.amount_minor = e.amount_minor;
  std::string mmdd = e.date_mmdd.size() == 4 ? e.date_mmdd : "0000";
  std::string hms = e.time_hhmmss.size() == 6 ? e.time_hhmmss : "000000";
  r.date_time = std::to_string(e.year) + "/" + mmdd.substr(0, 2) + "/" + mmdd.substr(2, 2) + " " + hms.substr(0, 2) +
                ":" + hms.substr(2, 2) + ":" + hms.substr(4, 2);
  const Text& label = txn_label(e.type);
  auto& L = r.lines;
  const std::string& mark = training_mark().zh;
  L.push_back(slip_text("header", {{"mark", mark}}));
  L.push_back(slip_text("sales_slip"));
  L.push_back(slip_text(copy == Receipt::Copy::merchant ? "merchant_copy" : "customer_copy"));
  if (duplicate) L.push_back(slip_text("duplicate"));
  L.push_back(slip_text("merchant_name", {{"zh", config_.merchant_name.zh}, {"en", config_.merchant_name.en}}));
  L.push_back(slip_text("merchant_no", {{"merchant", config_.merchant_id}}));
  L.push_back(slip_text("terminal_no", {{"terminal", config_.terminal_id}, {"operator", config_.operator_id}}));
  // Masked on every slip, pre-auth included: our rule overrides the real terminal's full PAN.
  L.push_back(slip_text("card_no",
                        {{"card", e.masked_pan.empty() ? std::string() : e.masked_pan + " " + entry_letter(e.entry)}}));
  L.push_back(slip_text("trans_type", {{"zh", label.zh}, {"en", upper(label.en)}}));
  L.push_back(slip_text("batch_voucher", {{"batch", e.batch}, {"voucher", e.stan}}));
  L.push_back(slip_text("auth_no", {{"auth", e.auth_code}}));
  L.push_back(slip_text("refer_no", {{"ref", e.rrn}}));
  L.push_back(slip_text("date_time", {{"when", r.date_time}}));
  L.push_back(slip_text("amount", {{"amount", format_amount(e.amount_minor)}}));
  std::string ref;
  if (!e.orig_stan.empty()) ref += slip_text("orig_voucher", {{"voucher", e.orig_stan}});
  if (!e.orig_auth_code.empty()) ref += slip_text("orig_auth", {{"auth", e.orig_auth_code}});
  if (!e.orig_date_mmdd.empty()) ref += slip_text("orig_date", {{"date", e.orig_date_mmdd}});
  if (!e.orig_rrn.empty() && e.type == TxnType::refund) ref += slip_text("orig_ref", {{"ref", e.orig_rrn}});
  // 闪付 免密免签: said on both copies; the merchant copy has no signature line to sign.
  const bool no_cvm = quick_pass(e.type, e.entry, e.amount_minor);
  if (no_cvm) ref += slip_text("quick_pass");
  L.push_back(slip_text("reference", {{"text", ref}}));
  if (copy == Receipt::Copy::merchant && no_cvm) {
    L.push_back(slip_text("agreement"));
    L.push_back(slip_text("agreement_en"));
  } else if (copy == Receipt::Copy::merchant) {
    L.push_back(slip_text("signature"));
    L.push_back("");
    L.push_back(slip_text("agreement"));
    L.push_back(slip_text("agreement_en"));
  } else {
    L.push_back(slip_text("keep_copy"));
  }
  L.push_back(mark);
  return r;
}

void mark_signed(Receipt& r) {
  if (r.kind != Receipt::Kind::transaction || r.copy != Receipt::Copy::merchant) return;
  const std::string signature = slip_text("signature");
  for (std::size_t i = 0; i + 1 < r.lines.size(); ++i)
    if (r.lines[i] == signature && r.lines[i + 1].empty()) r.lines[i + 1] = slip_text("signed");
}

void EmulatedTerminal::print_settlement(const BatchTotals& totals, bool balanced) {
  Receipt r;
  r.kind = Receipt::Kind::settlement;
  r.type = TxnType::settlement;
  r.batch = batch_no();
  CivilTime t = civil_time(now_);
  r.date_time = std::to_string(t.year) + "/" + zero_pad(t.month, 2) + "/" + zero_pad(t.day, 2) + " " +
                zero_pad(t.hour, 2) + ":" + zero_pad(t.minute, 2) + ":" + zero_pad(t.second, 2);
  r.amount_minor = totals.debit_minor - totals.credit_minor;
  auto& L = r.lines;
  const std::string& mark = training_mark().zh;
  L.push_back(slip_text("header", {{"mark", mark}}));
  L.push_back(slip_text("settlement_slip"));
  L.push_back(slip_text("merchant_name", {{"zh", config_.merchant_name.zh}, {"en", config_.merchant_name.en}}));
  L.push_back(slip_text("merchant_no", {{"merchant", config_.merchant_id}}));
  L.push_back(slip_text("terminal_no", {{"terminal", config_.terminal_id}, {"operator", config_.operator_id}}));
  L.push_back(slip_text("batch_no", {{"batch", r.batch}}));
  L.push_back(slip_text("date_time", {{"when", r.date_time}}));
  L.push_back(slip_text(
      "debit", {{"count", std::to_string(totals.debit_count)}, {"amount", format_amount(totals.debit_minor)}}));
  L.push_back(slip_text(
      "credit", {{"count", std::to_string(totals.credit_count)}, {"amount", format_amount(totals.credit_minor)}}));
  L.push_back(slip_text(balanced ? "balanced" : "not_balanced"));
  L.push_back(mark);
  last_settlement_ = r;
  if (!paper_) {  // the totals are settled all the same; the slip does not come out
    printer_jammed_ = true;
    return;
  }
  receipts_.push_back(std::move(r));
  ++slips_printed_;
}

std::vector<IsoMessage> EmulatedTerminal::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Receipt> EmulatedTerminal::take_receipts() { return std::exchange(receipts_, {}); }
std::vector<TerminalRecord> EmulatedTerminal::take_records() { return std::exchange(records_, {}); }

}  // namespace posdrill
