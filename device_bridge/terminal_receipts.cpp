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

// The merchant copy's signature line; mark_signed() finds it again.
constexpr const char* signature_label = "持卡人签名(CARDHOLDER SIGNATURE):";

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
  Text prompt = query_by_ == QueryBy::voucher ? Text{"请输入凭证号", "Voucher number"}
                : query_by_ == QueryBy::rrn   ? Text{"请输入参考号", "Reference number"}
                                              : Text{"请输入授权码", "Auth code"};
  show({"交易查询", "Transaction query"}, {prompt, {query_input_, query_input_}});
}

TerminalRecord EmulatedTerminal::query_record(std::optional<std::size_t> index) const {
  TerminalRecord rec;
  rec.op = TerminalOp::transaction_query;
  rec.response_code = "00";
  if (!index) {
    rec.screen = {"无交易记录", "No transaction found"};
    return rec;
  }
  const BatchEntry& e = batch_[*index];
  rec.found_original = true;
  rec.auth_code = e.auth_code;
  rec.date_mmdd = e.date_mmdd;
  rec.amount_minor = e.amount_minor;
  std::string card = e.masked_pan.empty() ? "—" : e.masked_pan;
  std::string amount = format_amount(e.amount_minor);
  const Text& label = info(e.type).label;
  rec.screen = {label.zh + " " + amount + " 凭证号 " + e.stan + " 参考号 " + e.rrn + " 授权码 " + e.auth_code +
                    " 日期 " + e.date_mmdd + " 卡号 " + card,
                label.en + " " + amount + " voucher " + e.stan + " ref " + e.rrn + " auth code " + e.auth_code +
                    " date " + e.date_mmdd + " card " + card};
  return rec;
}

void EmulatedTerminal::show_query_result(std::optional<std::size_t> index, bool emit_record) {
  input_deadline_ = now_ + config_.input_timeout_ms;
  if (emit_record) records_.push_back(query_record(index));
  if (!index) return show({"交易查询", "Transaction query"}, {{"无交易记录", "No transaction found"}});
  const BatchEntry& e = batch_[*index];
  std::string card = e.masked_pan.empty() ? "—" : e.masked_pan;
  std::vector<Text> lines{info(e.type).label,
                          {"卡号 " + card, "Card " + card},
                          amount_line(e.amount_minor),
                          {"凭证号 " + e.stan + " 批次号 " + e.batch, "Voucher " + e.stan + " batch " + e.batch},
                          {"参考号 " + e.rrn, "Reference " + e.rrn},
                          {"授权码 " + e.auth_code, "Auth code " + e.auth_code},
                          {"日期 " + e.date_mmdd + " " + e.time_hhmmss, "Date " + e.date_mmdd + " " + e.time_hhmmss}};
  if (e.voided) lines.push_back({"已撤销", "Voided"});
  if (e.completed) lines.push_back({"已完成", "Completed"});
  if (e.cancelled) lines.push_back({"已撤销预授权", "Pre-auth cancelled"});
  if (query_by_ == QueryBy::browse) lines.push_back({"确认:上一笔 取消:退出", "ENTER: older  CANCEL: exit"});
  show({"交易查询", "Transaction query"}, std::move(lines));
}

std::optional<std::size_t> EmulatedTerminal::find_voucher(std::string_view stan) const {
  for (std::size_t i = 0; i < batch_.size(); ++i)
    if (batch_[i].stan == stan) return i;
  return std::nullopt;
}

void EmulatedTerminal::reprint(std::optional<std::size_t> index) {
  TerminalRecord rec;
  rec.op = TerminalOp::reprint;
  if (index && *index < batch_.size() && !paper_) {
    rec.screen = {"打印机缺纸 请装纸", "Printer out of paper: load paper"};
  } else if (index && *index < batch_.size()) {
    print(batch_[*index], true);
    rec.response_code = "00";
    rec.screen = {"重打印", "Reprint"};
  } else {
    rec.screen = {"无交易 无法重打印", "Nothing to reprint"};
  }
  records_.push_back(rec);
  show({"重打印", "Reprint"}, {rec.screen});
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
  const Text& label = info(e.type).label;
  auto& L = r.lines;
  L.push_back(training_mark.zh + " — 非真实交易 NOT A REAL TRANSACTION");
  L.push_back("银联POS签购单 POS SALES SLIP");
  L.push_back(copy == Receipt::Copy::merchant ? "商户存根 MERCHANT COPY" : "持卡人存根 CARDHOLDER COPY");
  if (duplicate) L.push_back("重打印 DUPLICATED");
  L.push_back("商户名称(MERCHANT NAME): " + config_.merchant_name.zh + " " + config_.merchant_name.en);
  L.push_back("商户编号(MERCHANT NO.): " + config_.merchant_id);
  L.push_back("终端编号(TERMINAL NO.): " + config_.terminal_id + "  操作员号(OPERATOR NO.): " + config_.operator_id);
  // Masked on every slip, pre-auth included: our rule overrides the real terminal's full PAN.
  L.push_back("卡号(CARD NO.): " + (e.masked_pan.empty() ? std::string() : e.masked_pan + " " + entry_letter(e.entry)));
  L.push_back("交易类型(TRANS TYPE): " + label.zh + " " + upper(label.en));
  L.push_back("批次号(BATCH NO.): " + e.batch + "  凭证号(VOUCHER NO.): " + e.stan);
  L.push_back("授权码(AUTH NO.): " + e.auth_code);
  L.push_back("参考号(REFER NO.): " + e.rrn);
  L.push_back("日期/时间(DATE/TIME): " + r.date_time);
  L.push_back("金额(AMOUNT): RMB " + format_amount(e.amount_minor));
  std::string ref;
  if (!e.orig_stan.empty()) ref += "原凭证号(ORIG VOUCHER) " + e.orig_stan + " ";
  if (!e.orig_auth_code.empty()) ref += "原授权码(ORIG AUTH) " + e.orig_auth_code + " ";
  if (!e.orig_date_mmdd.empty()) ref += "原日期(ORIG DATE) " + e.orig_date_mmdd + " ";
  if (!e.orig_rrn.empty() && e.type == TxnType::refund) ref += "原参考号(ORIG REF) " + e.orig_rrn;
  L.push_back("备注(REFERENCE): " + ref);
  if (copy == Receipt::Copy::merchant) {
    L.push_back(signature_label);
    L.push_back("");
    L.push_back("本人确认以上交易，同意将其记入本卡账户");
    L.push_back("I ACKNOWLEDGE SATISFACTORY RECEIPT OF RELATIVE GOODS/SERVICES");
  } else {
    L.push_back("请妥善保管 PLEASE KEEP THIS COPY");
  }
  L.push_back(training_mark.zh);
  return r;
}

void mark_signed(Receipt& r) {
  if (r.kind != Receipt::Kind::transaction || r.copy != Receipt::Copy::merchant) return;
  for (std::size_t i = 0; i + 1 < r.lines.size(); ++i)
    if (r.lines[i] == signature_label && r.lines[i + 1].empty()) r.lines[i + 1] = "  (持卡人已签名 SIGNED)";
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
  if (!paper_) {  // the totals are settled all the same; the slip does not come out
    printer_jammed_ = true;
    return;
  }
  auto& L = r.lines;
  L.push_back(training_mark.zh + " — 非真实交易 NOT A REAL TRANSACTION");
  L.push_back("结算总计单 SETTLEMENT TOTALS");
  L.push_back("商户名称(MERCHANT NAME): " + config_.merchant_name.zh + " " + config_.merchant_name.en);
  L.push_back("商户编号(MERCHANT NO.): " + config_.merchant_id);
  L.push_back("终端编号(TERMINAL NO.): " + config_.terminal_id + "  操作员号(OPERATOR NO.): " + config_.operator_id);
  L.push_back("批次号(BATCH NO.): " + r.batch);
  L.push_back("日期/时间(DATE/TIME): " + r.date_time);
  L.push_back("借记(DEBIT): " + std::to_string(totals.debit_count) + " 笔 RMB " + format_amount(totals.debit_minor));
  L.push_back("贷记(CREDIT): " + std::to_string(totals.credit_count) + " 笔 RMB " + format_amount(totals.credit_minor));
  L.push_back(balanced ? "对账平 BALANCED" : "对账不平 NOT BALANCED");
  L.push_back(training_mark.zh);
  receipts_.push_back(std::move(r));
  ++slips_printed_;
}

std::vector<IsoMessage> EmulatedTerminal::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Receipt> EmulatedTerminal::take_receipts() { return std::exchange(receipts_, {}); }
std::vector<TerminalRecord> EmulatedTerminal::take_records() { return std::exchange(records_, {}); }

}  // namespace posdrill
