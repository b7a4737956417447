// [SECTION] Tables and helpers
// [SECTION] Construction and screens
// [SECTION] Keys, menus and prompts
// [SECTION] Going online: reversal first, then the request
// [SECTION] Answers, time-outs and line failures
// [SECTION] Look-ups and reprints
// [SECTION] Receipts
// [SECTION] High-level driver
#include "device_bridge/terminal.h"

#include <algorithm>
#include <utility>

#include "device_bridge/crypto.h"
#include "device_bridge/icc.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// [SECTION] Tables and helpers
// ---------------------------------------------------------------------------------------------

namespace {

struct TxnInfo {
  TxnType type;
  Text label;
  TerminalOp op;
  CupOperation cup;
};

const TxnInfo txn_table[] = {
    {TxnType::sale, {"消费", "Sale"}, TerminalOp::sale, CupOperation::sale},
    {TxnType::void_sale, {"消费撤销", "Void"}, TerminalOp::void_sale, CupOperation::void_sale},
    {TxnType::refund, {"退货", "Refund"}, TerminalOp::refund, CupOperation::refund},
    {TxnType::preauth, {"预授权", "Pre-auth"}, TerminalOp::preauth, CupOperation::preauth},
    {TxnType::incremental,
     {"追加预授权", "Incremental pre-auth"},
     TerminalOp::preauth,
     CupOperation::preauth_incremental},
    {TxnType::preauth_cancel,
     {"预授权撤销", "Pre-auth cancel"},
     TerminalOp::preauth_cancel,
     CupOperation::preauth_cancel},
    {TxnType::completion,
     {"预授权完成(请求)", "Pre-auth completion"},
     TerminalOp::preauth_completion,
     CupOperation::preauth_completion},
    {TxnType::completion_advice,
     {"预授权完成(通知)", "Completion advice"},
     TerminalOp::preauth_completion,
     CupOperation::preauth_completion_advice},
    {TxnType::completion_void,
     {"预授权完成撤销", "Completion void"},
     TerminalOp::void_sale,
     CupOperation::completion_void},
    {TxnType::balance_inquiry,
     {"余额查询", "Balance inquiry"},
     TerminalOp::balance_inquiry,
     CupOperation::balance_inquiry},
    {TxnType::sign_on, {"签到", "Sign on"}, TerminalOp::sign_on, CupOperation::sign_on},
    {TxnType::settlement, {"结算", "Settlement"}, TerminalOp::settlement, CupOperation::settlement},
};

const TxnInfo& info(TxnType t) { return txn_table[static_cast<int>(t)]; }

const Text training_mark{"培训 TRAINING", "培训 TRAINING"};
const Text not_signed_on{"请先签到", "Please sign on first"};
const Text processing{"处理中…", "Processing…"};
const Text auto_reversal{"自动冲正…", "Auto reversal…"};
const Text reversal_failed_text{"冲正不成功 请与客服联系", "Reversal failed, call customer service"};
const Text no_answer_text{"交易失败 接收超时", "Transaction failed: no answer"};
const Text comm_failed_text{"通讯失败", "Communication failed"};
const Text wrong_pin_text{"(55)密码错请重试", "(55) Incorrect PIN, try again"};
const Text not_test_card{"非测试卡 拒绝受理", "Not a training test card: refused"};

std::optional<char> key_digit(Key k) {
  int i = static_cast<int>(k);
  if (i >= 0 && i <= 9) return char('0' + i);
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string zero_pad(int64_t v, std::size_t width) {
  std::string s = std::to_string(v);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

std::string pad_left_zeros(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

// Overwrites before releasing: card data and PIN blocks must not linger in freed memory.
void wipe(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

void wipe_field(IsoMessage& m, int de) {
  auto it = m.fields.find(de);
  if (it == m.fields.end()) return;
  wipe(it->second);
  m.fields.erase(it);
}

bool is_digit_string(const std::string& s, std::size_t n) { return s.size() == n && all_digits(s); }

Text amount_line(int64_t minor) {
  std::string a = format_amount(minor);
  return {"金额 RMB " + a, "Amount CNY " + a};
}

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

Key digit_key(int digit) { return static_cast<Key>(std::clamp(digit, 0, 9)); }

namespace {
constexpr std::string_view key_names[] = {"0", "1", "2", "3",     "4",      "5",     "6",
                                          "7", "8", "9", "enter", "cancel", "clear", "menu"};
}  // namespace

std::string_view key_name(Key key) { return key_names[static_cast<int>(key)]; }

std::optional<Key> parse_key(std::string_view name) {
  for (std::size_t i = 0; i < std::size(key_names); ++i)
    if (key_names[i] == name) return static_cast<Key>(i);
  return std::nullopt;
}
const Text& txn_label(TxnType type) { return info(type).label; }
TerminalOp terminal_op_of(TxnType type) { return info(type).op; }
CupOperation cup_operation_of(TxnType type) { return info(type).cup; }

TerminalConfig terminal_config_from(const Setup& setup) {
  TerminalConfig c;
  if (!setup.terminal_id.empty()) c.terminal_id = setup.terminal_id;
  if (!setup.merchant_id.empty()) c.merchant_id = setup.merchant_id;
  if (!setup.merchant_name.empty()) c.merchant_name = setup.merchant_name;
  if (!setup.supervisor_password.empty()) c.supervisor_password = setup.supervisor_password;
  return c;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Construction and screens
// ---------------------------------------------------------------------------------------------

EmulatedTerminal::EmulatedTerminal(TerminalConfig config, int64_t now_ms) : config_(std::move(config)), now_(now_ms) {
  if (config_.master_key.empty()) config_.master_key = std::string(test_master_key());
  config_.reversal_tries = std::max(1, config_.reversal_tries);
  batch_number_ = std::clamp(config_.batch, 1, 999999);
  stan_ = std::clamp(config_.first_stan, 1, 999999);
  show_idle();
}

std::string EmulatedTerminal::batch_no() const { return zero_pad(batch_number_, 6); }

bool EmulatedTerminal::waiting_for_card() const {
  return mode_ == Mode::input && flow_ && flow_->at < flow_->steps.size() && flow_->steps[flow_->at] == Step::card;
}

std::optional<TerminalOp> EmulatedTerminal::current_op() const {
  if (!flow_) return std::nullopt;
  return info(flow_->type).op;
}

bool EmulatedTerminal::waiting_for_supervisor() const {
  return mode_ == Mode::input && flow_ && flow_->at < flow_->steps.size() && flow_->steps[flow_->at] == Step::supervisor;
}

bool EmulatedTerminal::waiting_for_pin() const {
  return mode_ == Mode::input && flow_ && flow_->at < flow_->steps.size() && flow_->steps[flow_->at] == Step::pin &&
         keys_.has_value();
}

std::string EmulatedTerminal::next_stan() {
  std::string s = zero_pad(stan_, 6);
  stan_ = stan_ >= 999999 ? 1 : stan_ + 1;
  return s;
}

// A time-out fires once the clock is past its deadline: an answer arriving at the very
// millisecond of the deadline is still in time. The next moment anything fires is deadline + 1.
std::optional<int64_t> EmulatedTerminal::next_deadline_ms() const {
  if (mode_ == Mode::online && flow_) return flow_->deadline + 1;
  if (mode_ != Mode::idle) return input_deadline_ + 1;
  return std::nullopt;
}

void EmulatedTerminal::show(const Text& title, std::vector<Text> lines) {
  screen_.status = {training_mark.zh + "  终端 " + config_.terminal_id + "  批次 " + batch_no(),
                    "TRAINING  Terminal " + config_.terminal_id + "  Batch " + batch_no()};
  screen_.title = title;
  screen_.lines = std::move(lines);
  if (mode_ == Mode::online && shown_.size() < 32) shown_.push_back(screen_);
}

void EmulatedTerminal::show_idle() {
  if (!signed_on()) {
    show({"中国银联", "UnionPay POS"}, {not_signed_on, {"菜单 6 签到", "Menu 6: sign on"}});
    return;
  }
  show({"中国银联", "UnionPay POS"}, {{"请按菜单键选择交易", "Press MENU to choose a transaction"},
                                      {"或直接刷卡消费", "or present a card for a sale"}});
}

void EmulatedTerminal::show_step() {
  const Flow& f = *flow_;
  const Text& title = info(f.type).label;
  auto keyed = [&](const Text& prompt) { show(title, {prompt, {f.input, f.input}}); };
  switch (f.steps[f.at]) {
    case Step::card:
      show(title, {{"请刷卡/插卡/挥卡", "Swipe, insert or tap the card"}});
      break;
    case Step::confirm_card: {
      std::string m = mask_pan(f.pan);
      show(title, {{"卡号 " + m, "Card " + m}, {"请确认 按确认键继续", "Press ENTER to confirm"}});
      break;
    }
    case Step::orig_voucher:
      keyed({"请输入原凭证号", "Original voucher number"});
      break;
    case Step::confirm_original: {
      const BatchEntry& e = batch_[*f.orig_index];
      std::string card = e.masked_pan.empty() ? "—" : e.masked_pan;
      show(title, {{"原交易 " + info(e.type).label.zh, "Original: " + info(e.type).label.en},
                   amount_line(e.amount_minor),
                   {"卡号 " + card, "Card " + card},
                   {"授权码 " + e.auth_code + " 参考号 " + e.rrn, "Auth " + e.auth_code + " Ref " + e.rrn},
                   {"确认请按确认键", "Press ENTER to confirm"}});
      break;
    }
    case Step::orig_rrn:
      keyed({"请输入原参考号", "Original reference number"});
      break;
    case Step::orig_auth:
      keyed({"请输入原授权码", "Original auth code"});
      break;
    case Step::orig_date:
      keyed({"请输入原交易日期(月月日日)", "Original date (MMDD)"});
      break;
    case Step::amount: {
      int64_t v = f.input.empty() ? 0 : std::stoll(f.input);
      show(title, {{"请输入金额", "Enter the amount"}, {"RMB " + format_amount(v), "CNY " + format_amount(v)}});
      break;
    }
    case Step::supervisor:
      show(title, {{"请输入主管密码", "Supervisor password"}, {std::string(f.input.size(), '*'), std::string(f.input.size(), '*')}});
      break;
    case Step::pin: {
      std::vector<Text> lines{{"请输入密码", "Enter PIN"},
                              {"请持卡人在密码键盘输入", "Cardholder keys it on the PIN pad"}};
      if (f.amount > 0) lines.push_back(amount_line(f.amount));
      show(title, std::move(lines));
      break;
    }
    case Step::confirm_settlement: {
      BatchTotals t = batch_totals();
      show(title, {{"借记 " + std::to_string(t.debit_count) + "笔 RMB " + format_amount(t.debit_minor),
                    "Debits " + std::to_string(t.debit_count) + ", CNY " + format_amount(t.debit_minor)},
                   {"贷记 " + std::to_string(t.credit_count) + "笔 RMB " + format_amount(t.credit_minor),
                    "Credits " + std::to_string(t.credit_count) + ", CNY " + format_amount(t.credit_minor)},
                   {"按确认键结算", "Press ENTER to settle"}});
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Keys, menus and prompts
// ---------------------------------------------------------------------------------------------

void EmulatedTerminal::open_menu(Mode menu) {
  mode_ = menu;
  input_deadline_ = now_ + config_.input_timeout_ms;
  switch (menu) {
    case Mode::menu:
      show({"主菜单", "Main menu"}, {{"1 消费", "1 Sale"},
                                     {"2 消费撤销", "2 Void"},
                                     {"3 退货", "3 Refund"},
                                     {"4 预授权类", "4 Pre-auth"},
                                     {"5 余额查询", "5 Balance inquiry"},
                                     {"6 签到", "6 Sign on"},
                                     {"7 结算", "7 Settlement"},
                                     {"8 交易查询", "8 Transaction query"},
                                     {"9 重打印", "9 Reprint"}});
      break;
    case Mode::preauth_menu:
      show({"预授权类", "Pre-auth"}, {{"1 预授权", "1 Pre-auth"},
                                      {"2 预授权撤销", "2 Pre-auth cancel"},
                                      {"3 预授权完成(请求)", "3 Completion"},
                                      {"4 预授权完成(通知)", "4 Completion advice"},
                                      {"5 预授权完成撤销", "5 Completion void"},
                                      {"6 追加预授权", "6 Incremental pre-auth"}});
      break;
    case Mode::query_menu:
      show({"交易查询", "Transaction query"}, {{"1 按凭证号", "1 By voucher number"},
                                               {"2 按参考号", "2 By reference number"},
                                               {"3 按授权码", "3 By auth code"},
                                               {"4 交易明细", "4 Browse this batch"}});
      break;
    case Mode::print_menu:
      show({"重打印", "Reprint"}, {{"1 重打最后一笔", "1 Last slip"}, {"2 按凭证号重打", "2 By voucher number"}});
      break;
    default:
      break;
  }
}

void EmulatedTerminal::press(Key key) {
  if (input_log_) input_log_->push_back(std::string(key_name(key)));
  if (mode_ != Mode::idle && mode_ != Mode::online) input_deadline_ = now_ + config_.input_timeout_ms;
  auto digit = key_digit(key);
  switch (mode_) {
    case Mode::idle:
      if (key == Key::menu || key == Key::enter) open_menu(Mode::menu);
      return;
    case Mode::menu:
      if (key == Key::cancel) return to_idle();
      if (!digit) return;
      switch (*digit) {
        case '1':
          return begin(TxnType::sale);
        case '2':
          return begin(TxnType::void_sale);
        case '3':
          return begin(TxnType::refund);
        case '4':
          return open_menu(Mode::preauth_menu);
        case '5':
          return begin(TxnType::balance_inquiry);
        case '6':
          return begin(TxnType::sign_on);
        case '7':
          return begin(TxnType::settlement);
        case '8':
          return open_menu(Mode::query_menu);
        case '9':
          return open_menu(Mode::print_menu);
        default:
          return;
      }
    case Mode::preauth_menu:
      if (key == Key::cancel) return open_menu(Mode::menu);
      if (!digit) return;
      switch (*digit) {
        case '1':
          return begin(TxnType::preauth);
        case '2':
          return begin(TxnType::preauth_cancel);
        case '3':
          return begin(TxnType::completion);
        case '4':
          return begin(TxnType::completion_advice);
        case '5':
          return begin(TxnType::completion_void);
        case '6':
          return begin(TxnType::incremental);
        default:
          return;
      }
    case Mode::query_menu:
      if (key == Key::cancel) return open_menu(Mode::menu);
      if (!digit || *digit < '1' || *digit > '4') return;
      query_input_.clear();
      if (*digit == '4') {
        query_by_ = QueryBy::browse;
        browse_at_ = batch_.empty() ? std::nullopt : std::optional<std::size_t>(batch_.size() - 1);
        mode_ = Mode::query_show;
        return show_query_result(browse_at_, false);
      }
      query_by_ = *digit == '1' ? QueryBy::voucher : *digit == '2' ? QueryBy::rrn : QueryBy::auth_code;
      mode_ = Mode::query_input;
      return query_key(Key::clear);  // draws the prompt
    case Mode::print_menu:
      if (key == Key::cancel) return open_menu(Mode::menu);
      if (digit == '1') return reprint(last_printed_);
      if (digit == '2') {
        query_input_.clear();
        mode_ = Mode::reprint_input;
        show({"重打印", "Reprint"}, {{"请输入凭证号", "Voucher number"}, {"", ""}});
      }
      return;
    case Mode::input:
      return step_key(key);
    case Mode::online:
      return;  // keys are dead while the terminal talks to the host, as on the real device
    case Mode::result:
      to_idle();
      if (key == Key::menu) open_menu(Mode::menu);  // straight on to the next transaction
      return;
    case Mode::query_input:
      return query_key(key);
    case Mode::query_show:
      if (query_by_ == QueryBy::browse && key == Key::enter) {
        if (browse_at_ && *browse_at_ > 0) --*browse_at_;
        return show_query_result(browse_at_, false);
      }
      if (query_by_ == QueryBy::browse) records_.push_back(query_record(browse_at_));
      to_idle();
      if (key == Key::menu) open_menu(Mode::menu);  // as on a result screen: on to the next transaction
      return;
    case Mode::reprint_input:
      if (key == Key::cancel) return open_menu(Mode::print_menu);
      if (digit && query_input_.size() < 6) query_input_ += *digit;
      if (key == Key::clear && !query_input_.empty()) query_input_.pop_back();
      if (key == Key::enter) return reprint(find_voucher(pad_left_zeros(query_input_, 6)));
      show({"重打印", "Reprint"}, {{"请输入凭证号", "Voucher number"}, {query_input_, query_input_}});
      return;
  }
}

void EmulatedTerminal::begin(TxnType type) {
  Flow f;
  f.type = type;
  switch (type) {
    case TxnType::sale:
    case TxnType::preauth:
      f.steps = {Step::card, Step::confirm_card, Step::amount, Step::pin};
      break;
    case TxnType::void_sale:
    case TxnType::completion_void:
      // 撤销 and 退货 give money back: a supervisor authorises them first (主管密码).
      f.steps = {Step::supervisor, Step::orig_voucher, Step::confirm_original, Step::card, Step::confirm_card};
      break;
    case TxnType::refund:
      f.steps = {Step::supervisor, Step::card, Step::confirm_card, Step::orig_rrn, Step::orig_date, Step::amount};
      break;
    case TxnType::incremental:
      f.steps = {Step::card, Step::confirm_card, Step::orig_auth, Step::orig_date, Step::amount, Step::pin};
      break;
    case TxnType::preauth_cancel:
    case TxnType::completion:
    case TxnType::completion_advice:
      f.steps = {Step::card, Step::confirm_card, Step::orig_auth, Step::orig_date, Step::amount};
      break;
    case TxnType::balance_inquiry:
      f.steps = {Step::card, Step::confirm_card, Step::pin};
      break;
    case TxnType::sign_on:
      break;
    case TxnType::settlement:
      f.steps = {Step::confirm_settlement};
      break;
  }
  flow_ = std::move(f);
  mode_ = Mode::input;
  input_deadline_ = now_ + config_.input_timeout_ms;
  if (type != TxnType::sign_on && !signed_on()) return fail_local(not_signed_on);
  enter_step();
}

void EmulatedTerminal::enter_step() {
  Flow& f = *flow_;
  wipe(f.input);
  if (f.at >= f.steps.size()) return go_online();
  show_step();
}

void EmulatedTerminal::next_step() {
  ++flow_->at;
  enter_step();
}

void EmulatedTerminal::step_key(Key key) {
  Flow& f = *flow_;
  const Step step = f.steps[f.at];
  if (key == Key::cancel) return to_idle();  // 取消 abandons the transaction: nothing was sent
  auto digit = key_digit(key);
  std::size_t max_len = 0;
  switch (step) {
    case Step::card:
    case Step::pin:
      return;  // the card reader and the PIN pad are separate inputs
    case Step::supervisor:
      max_len = 6;
      break;
    case Step::confirm_card:
    case Step::confirm_original:
    case Step::confirm_settlement:
      if (key == Key::enter) next_step();
      return;
    case Step::amount:
      max_len = 10;
      break;
    case Step::orig_voucher:
      max_len = 6;
      break;
    case Step::orig_rrn:
      max_len = 12;
      break;
    case Step::orig_auth:
      max_len = 6;
      break;
    case Step::orig_date:
      max_len = 4;
      break;
  }
  if (digit) {
    if (f.input.size() < max_len && !(step == Step::amount && f.input.empty() && *digit == '0')) f.input += *digit;
    return show_step();
  }
  if (key == Key::clear) {
    if (!f.input.empty()) f.input.pop_back();
    return show_step();
  }
  if (key != Key::enter) return;

  switch (step) {
    case Step::supervisor: {
      // Compared whole, then wiped: the terminal keeps no password it was given.
      const bool ok = f.input.size() == config_.supervisor_password.size() && f.input == config_.supervisor_password;
      wipe(f.input);
      if (!ok) return fail_local({"主管密码错", "Wrong supervisor password"}, true);
      return next_step();
    }
    case Step::amount: {
      int64_t v = f.input.empty() ? 0 : std::stoll(f.input);
      if (v <= 0) {
        show(info(f.type).label, {{"金额无效 请重新输入", "Invalid amount, key it again"}, {"RMB 0.00", "CNY 0.00"}});
        return;
      }
      f.amount = v;
      return next_step();
    }
    case Step::orig_voucher: {
      auto idx = f.input.empty() ? std::nullopt : find_voucher(pad_left_zeros(f.input, 6));
      bool fits = false;
      if (idx) {
        TxnType t = batch_[*idx].type;
        fits = f.type == TxnType::void_sale ? t == TxnType::sale
                                            : (t == TxnType::completion || t == TxnType::completion_advice);
      }
      if (!fits) return fail_local({"原交易不存在", "Original transaction not found"}, true);
      if (batch_[*idx].voided) return fail_local({"原交易已撤销", "The original is already voided"}, true);
      const BatchEntry& e = batch_[*idx];
      f.orig_index = idx;
      f.amount = e.amount_minor;
      f.orig_rrn = e.rrn;
      f.orig_auth = e.auth_code;
      f.orig_date = e.date_mmdd;
      return next_step();
    }
    case Step::orig_rrn:
      f.orig_rrn = f.input;
      return next_step();
    case Step::orig_auth:
      f.orig_auth = f.input;
      return next_step();
    case Step::orig_date:
      if (!f.input.empty() && f.input.size() != 4) return;  // MMDD: four digits or nothing
      f.orig_date = f.input;
      return next_step();
    default:
      return;
  }
}

void EmulatedTerminal::present_card(const CardPresentation& card) {
  if (input_log_) input_log_->push_back("card");
  if (mode_ == Mode::result) to_idle();
  if (mode_ == Mode::idle) {
    begin(TxnType::sale);
    if (mode_ != Mode::input) return;  // refused (not signed on)
  }
  if (mode_ != Mode::input || !flow_ || flow_->steps[flow_->at] != Step::card) return;
  input_deadline_ = now_ + config_.input_timeout_ms;
  card_read(card);
}

void EmulatedTerminal::card_read(const CardPresentation& card) {
  Flow& f = *flow_;
  if (!is_test_card(card.pan)) return fail_local(not_test_card);  // not even kept for the record
  f.pan = card.pan;
  f.expiry = is_digit_string(card.expiry_yymm, 4) ? card.expiry_yymm : "3012";
  f.entry = card.mode;
  f.has_card = true;
  if (f.orig_index && !batch_[*f.orig_index].masked_pan.empty() && batch_[*f.orig_index].masked_pan != mask_pan(f.pan))
    return fail_local({"卡号不符", "This card does not match the original"}, true);
  next_step();
}

void EmulatedTerminal::enter_supervisor_password(std::string_view password) {
  if (input_log_) input_log_->push_back("supervisor");
  if (mode_ != Mode::input || !flow_ || flow_->steps[flow_->at] != Step::supervisor) return;
  const auto saved = input_log_;
  input_log_ = nullptr;  // the digits are the supervisor's, never the trainee's record
  for (char c : password)
    if (c >= '0' && c <= '9') press(digit_key(c - '0'));
  press(Key::enter);
  input_log_ = saved;
}

void EmulatedTerminal::enter_pin(std::string_view pin) {
  if (input_log_) input_log_->push_back("pin");
  if (mode_ != Mode::input || !flow_ || flow_->steps[flow_->at] != Step::pin || !keys_) return;
  input_deadline_ = now_ + config_.input_timeout_ms;
  Flow& f = *flow_;
  if (pin.empty()) {
    wipe(f.pin_block);
    return next_step();
  }
  std::optional<std::string> block;
  if (pin.size() >= 4 && pin.size() <= 12 && all_digits(pin)) block = make_pin_block(pin, f.pan, keys_->pin_key);
  if (!block) {
    show(info(f.type).label, {{"密码格式错 请重输", "The PIN must be 4 to 12 digits"}, {"请输入密码", "Enter PIN"}});
    return;
  }
  f.pin_block = std::move(*block);
  next_step();
}

void EmulatedTerminal::display(const Text& line) {
  if (mode_ != Mode::idle && mode_ != Mode::result) return;  // never over keying or a host exchange
  const Text title = mode_ == Mode::result ? screen_.title : Text{"中国银联", "UnionPay POS"};
  show(title, {line});
  mode_ = Mode::result;
  input_deadline_ = now_ + config_.input_timeout_ms;
}

void EmulatedTerminal::to_idle() {
  if (mode_ == Mode::online) return;  // never abandons a request the host may be processing
  end_flow(Mode::idle);
  query_input_.clear();
  browse_at_.reset();
  show_idle();
}

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
  show(info(f.type).label, {auto_reversal, {"第" + n + "次 共" + of + "次", "Try " + n + " of " + of}});
}

void EmulatedTerminal::reversal_try_failed() {
  Flow& f = *flow_;
  if (f.reversal_try < config_.reversal_tries) return send_reversal_try();
  TerminalRecord rec = record_for_flow();
  rec.reversal_failed = true;
  rec.screen = reversal_failed_text;
  records_.push_back(rec);
  if (!config_.keep_reversal_after_failure) reversal_.reset();
  show(info(f.type).label, {reversal_failed_text, {"本笔交易未发送", "This transaction was not sent"}});
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
  show(info(f.type).label, {processing, {"请稍候", "Please wait"}});
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
    show(info(f.type).label, {rec.screen, {"交易失败", "Transaction failed"}});
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
    rec.screen = {"交易失败 应答报文错", "Transaction failed: unreadable answer"};
    records_.push_back(rec);
    show(info(f.type).label, {rec.screen});
    return end_flow(Mode::result);
  }
  if (f.saved_reversal) reversal_.reset();  // a valid answer: nothing left to undo
  rec.response_code = rc;
  if (rc == "00") return approved(answer, rec);

  if (rc == "77" || rc == "99") keys_.reset();  // the host asks for a fresh sign-on (99: a bad PIN key)
  auto pin_step = std::find(f.steps.begin(), f.steps.end(), Step::pin);
  if (rc == "55" && pin_step != f.steps.end()) {
    rec.screen = wrong_pin_text;
    records_.push_back(rec);
    // docs/domain.md §7.1: the terminal asks again, same card and amount, a new request.
    f.at = std::size_t(pin_step - f.steps.begin());
    f.request = IsoMessage{};
    f.saved_reversal = f.in_reversal = f.reversal_sent = false;
    f.reversal_try = 0;
    mode_ = Mode::input;
    input_deadline_ = now_ + config_.input_timeout_ms;
    show(info(f.type).label, {wrong_pin_text, {"请持卡人重新输入密码", "Cardholder: enter the PIN again"}});
    return;
  }
  auto acquirer_text = decode_display_text(answer.get(63));
  rec.screen = acquirer_text ? *acquirer_text : response_text(rc);
  if (rec.screen.en.empty()) rec.screen.en = response_text(rc).en;
  records_.push_back(rec);
  show(info(f.type).label, {rec.screen, {"交易失败 返回码 " + rc, "Declined, response code " + rc}});
  end_flow(Mode::result);
}

void EmulatedTerminal::approved(const IsoMessage& answer, TerminalRecord& rec) {
  Flow& f = *flow_;
  const Text& title = info(f.type).label;
  rec.screen = response_text("00");
  switch (f.type) {
    case TxnType::sign_on: {
      keys_ = decode_working_keys(answer.get(62), config_.master_key);
      if (!keys_)
        rec.screen = {"签到失败 密钥校验错", "Sign-on failed: key check value"};
      else
        rec.screen = {"签到成功", "Signed on"};
      records_.push_back(rec);
      show(title, {rec.screen});
      return end_flow(Mode::result);
    }
    case TxnType::settlement: {
      auto d = decode_totals(answer.get(48));
      bool balanced = d && d->flag == '1';
      BatchTotals totals = batch_totals();
      print_settlement(totals, balanced);
      rec.screen = {"结算成功", "Settlement done"};
      records_.push_back(rec);
      std::vector<Text> lines{rec.screen,
                              balanced ? Text{"对账平", "Totals agree"} : Text{"对账不平", "Totals do not agree"}};
      if (!paper_) lines.push_back({"打印机缺纸 请装纸", "Printer out of paper: load paper"});
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
      show(title, {rec.screen, {"可用余额 RMB " + b, "Available balance CNY " + b}});
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
  if (!e.auth_code.empty()) lines.push_back({"授权码 " + e.auth_code, "Auth code " + e.auth_code});
  if (paper_)
    lines.push_back({"请撕下签购单", "Tear off the slip"});
  else
    lines.push_back({"打印机缺纸 请装纸后重打印", "Printer out of paper: load paper, then reprint"});
  show(title, std::move(lines));
  end_flow(Mode::result);
}

void EmulatedTerminal::tick(int64_t now_ms) {
  now_ = std::max(now_, now_ms);
  if (mode_ == Mode::online && flow_) {
    Flow& f = *flow_;
    if (now_ <= f.deadline) return;
    if (f.in_reversal) return reversal_try_failed();
    // docs/domain.md §5.2: no answer in time — the reversal record's reason becomes 98.
    if (f.saved_reversal && reversal_) reversal_->set(39, "98");
    TerminalRecord rec = record_for_flow();
    rec.screen = no_answer_text;
    records_.push_back(rec);
    show(info(f.type).label, {no_answer_text, {"交易失败", "Transaction failed"}});
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
  rec.screen = comm_failed_text;
  rec.not_sent = failure == LinkFailure::connect_failed;
  records_.push_back(rec);
  show(info(f.type).label, {comm_failed_text, failure == LinkFailure::connect_failed
                                                  ? Text{"连接失败 请检查网络", "Cannot connect, check the network"}
                                                  : Text{"连接中断", "Connection lost"}});
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
  records_.push_back(rec);
  show(flow_ ? info(flow_->type).label : Text{"中国银联", "UnionPay POS"}, {why});
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
    L.push_back("持卡人签名(CARDHOLDER SIGNATURE):");
    L.push_back("");
    L.push_back("本人确认以上交易，同意将其记入本卡账户");
    L.push_back("I ACKNOWLEDGE SATISFACTORY RECEIPT OF RELATIVE GOODS/SERVICES");
  } else {
    L.push_back("请妥善保管 PLEASE KEEP THIS COPY");
  }
  L.push_back(training_mark.zh);
  return r;
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

// ---------------------------------------------------------------------------------------------
// [SECTION] High-level driver
// ---------------------------------------------------------------------------------------------

void EmulatedTerminal::key_in(std::string_view digits) {
  for (char c : digits)
    if (c >= '0' && c <= '9') press(digit_key(c - '0'));
}

// The original a trainee would pick: the one with the quoted auth code (and date, if quoted),
// else the newest of the right kind that is still open.
std::optional<std::size_t> EmulatedTerminal::find_original_for(const TerminalRequest& request,
                                                               std::initializer_list<TxnType> kinds) const {
  for (std::size_t i = batch_.size(); i-- > 0;) {
    const BatchEntry& e = batch_[i];
    if (std::find(kinds.begin(), kinds.end(), e.type) == kinds.end()) continue;
    if (!request.original_auth_code.empty()) {
      if (e.auth_code != request.original_auth_code) continue;
      if (!request.original_date_mmdd.empty() && e.date_mmdd != request.original_date_mmdd) continue;
      return i;
    }
    if (!e.voided) return i;
  }
  return std::nullopt;
}

void EmulatedTerminal::drive_query(const TerminalRequest& request) {
  press(Key::menu);
  press(Key::d8);
  if (!request.original_auth_code.empty()) {
    press(Key::d3);
    key_in(request.original_auth_code);
    press(Key::enter);
    return;
  }
  auto target = find_original_for(request, {TxnType::preauth, TxnType::sale});
  if (!target) {
    press(Key::d1);  // looks for a voucher and finds nothing
    press(Key::enter);
    return;
  }
  press(Key::d4);  // browse from the newest to the target, then leave: the record names it
  while (browse_at_ && *browse_at_ > *target) press(Key::enter);
  press(Key::cancel);
}

std::vector<std::string> EmulatedTerminal::plan_inputs(const TerminalRequest& request,
                                                       const CardPresentation& card) const {
  EmulatedTerminal copy = *this;
  std::vector<std::string> inputs;
  // From a menu or half-keyed prompts the trainee first leaves with 取消; a result screen gives
  // way to the next key by itself (菜单 opens the menu straight away).
  const bool leave = copy.mode_ != Mode::idle && copy.mode_ != Mode::online && copy.mode_ != Mode::result;
  if (leave) copy.press(Key::cancel);
  copy.input_log_ = &inputs;
  copy.start(request, card, std::string_view("000000"));
  copy.input_log_ = nullptr;
  if (leave) inputs.insert(inputs.begin(), "cancel");
  return inputs;
}

void EmulatedTerminal::start(const TerminalRequest& request, const CardPresentation& card,
                             std::optional<std::string_view> customer_pin) {
  if (waiting_for_host()) {
    TerminalRecord rec;
    rec.op = request.op;
    rec.amount_minor = request.amount_minor.value_or(0);
    rec.screen = {"终端忙 请稍候", "Terminal busy, please wait"};
    records_.push_back(rec);
    return;
  }
  to_idle();
  switch (request.op) {
    case TerminalOp::transaction_query:
      return drive_query(request);
    case TerminalOp::reprint:
      press(Key::menu);
      press(Key::d9);
      press(Key::d1);
      return;
    case TerminalOp::sale:
      press(Key::menu), press(Key::d1);
      break;
    case TerminalOp::void_sale:
      press(Key::menu), press(Key::d2);
      break;
    case TerminalOp::refund:
      press(Key::menu), press(Key::d3);
      break;
    case TerminalOp::preauth:
      press(Key::menu), press(Key::d4), press(Key::d1);
      break;
    case TerminalOp::preauth_cancel:
      press(Key::menu), press(Key::d4), press(Key::d2);
      break;
    case TerminalOp::preauth_completion:
      press(Key::menu), press(Key::d4), press(Key::d3);
      break;
    case TerminalOp::balance_inquiry:
      press(Key::menu), press(Key::d5);
      break;
    case TerminalOp::sign_on:
      press(Key::menu), press(Key::d6);
      break;
    case TerminalOp::settlement:
      press(Key::menu), press(Key::d7);
      break;
  }
  // Voids and refunds refer to a sale (TerminalOp has no completion void).
  auto original = [&] { return find_original_for(request, {TxnType::sale}); };
  // A refund's original may be in a batch already settled: the trainee reads it off the slip.
  auto refund_original = [&]() -> const BatchEntry* {
    if (auto idx = original()) return &batch_[*idx];
    return settled_sales_.empty() ? nullptr : &settled_sales_.back();
  };
  // Walk the prompts; each action must move the flow on, else the terminal refused the input.
  for (int guard = 0; guard < 16 && mode_ == Mode::input && flow_; ++guard) {
    const std::size_t at = flow_->at;
    switch (flow_->steps[at]) {
      case Step::card:
        present_card(card);
        break;
      case Step::confirm_card:
      case Step::confirm_original:
      case Step::confirm_settlement:
        press(Key::enter);
        break;
      case Step::orig_voucher: {
        auto idx = original();
        key_in(idx ? batch_[*idx].stan : std::string("000000"));
        press(Key::enter);
        break;
      }
      case Step::orig_rrn: {
        if (const BatchEntry* o = refund_original()) key_in(o->rrn);
        press(Key::enter);
        break;
      }
      case Step::orig_auth:
        key_in(request.original_auth_code);
        press(Key::enter);
        break;
      case Step::orig_date: {
        std::string date = request.original_date_mmdd;
        if (date.empty() && flow_->type == TxnType::refund)
          if (const BatchEntry* o = refund_original()) date = o->date_mmdd;
        key_in(date);
        press(Key::enter);
        break;
      }
      case Step::amount:
        key_in(std::to_string(std::max<int64_t>(0, request.amount_minor.value_or(0))));
        press(Key::enter);
        break;
      case Step::pin:
        enter_pin(customer_pin.value_or(std::string_view()));
        break;
      case Step::supervisor:
        enter_supervisor_password(config_.supervisor_password);
        break;
    }
    if (mode_ == Mode::input && flow_ && flow_->at == at) return fail_local(screen_.headline(), true);
  }
}

}  // namespace posdrill
