// EmulatedTerminal (terminal.h), the first of its four files: its tables, its screens and its keys.
// [SECTION] Tables and helpers
// [SECTION] Construction and screens
// [SECTION] Keys, menus and prompts
// The rest of it: terminal_online.cpp (going online, answers, time-outs and line failures),
// terminal_receipts.cpp (look-ups, reprints and receipts) and terminal_driver.cpp (the high-level
// driver). terminal_internal.h holds what they share.
#include "device_bridge/terminal.h"

#include <algorithm>
#include <utility>

#include "device_bridge/crypto.h"
#include "device_bridge/icc.h"
#include "device_bridge/terminal_internal.h"

namespace posdrill {

using namespace terminal_internal;

// ---------------------------------------------------------------------------------------------
// [SECTION] Tables and helpers
// ---------------------------------------------------------------------------------------------

namespace {

const TxnInfo txn_table[] = {
    {TxnType::sale, "sale", TerminalOp::sale, CupOperation::sale},
    {TxnType::void_sale, "void_sale", TerminalOp::void_sale, CupOperation::void_sale},
    {TxnType::refund, "refund", TerminalOp::refund, CupOperation::refund},
    {TxnType::preauth, "preauth", TerminalOp::preauth, CupOperation::preauth},
    {TxnType::incremental, "incremental", TerminalOp::preauth, CupOperation::preauth_incremental},
    {TxnType::preauth_cancel, "preauth_cancel", TerminalOp::preauth_cancel, CupOperation::preauth_cancel},
    {TxnType::completion, "completion", TerminalOp::preauth_completion, CupOperation::preauth_completion},
    {TxnType::completion_advice, "completion_advice", TerminalOp::preauth_completion,
     CupOperation::preauth_completion_advice},
    {TxnType::completion_void, "completion_void", TerminalOp::void_sale, CupOperation::completion_void},
    {TxnType::balance_inquiry, "balance_inquiry", TerminalOp::balance_inquiry, CupOperation::balance_inquiry},
    {TxnType::sign_on, "sign_on", TerminalOp::sign_on, CupOperation::sign_on},
    {TxnType::settlement, "settlement", TerminalOp::settlement, CupOperation::settlement},
};

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

namespace terminal_internal {

const TxnInfo& info(TxnType t) { return txn_table[static_cast<int>(t)]; }

const Text& training_mark() { return screen_text("training_mark"); }

std::optional<char> key_digit(Key k) {
  int i = static_cast<int>(k);
  if (i >= 0 && i <= 9) return char('0' + i);
  return std::nullopt;
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

bool is_digit_string(const std::string& s, std::size_t n) { return s.size() == n && all_digits(s); }

Text amount_line(int64_t minor) { return screen_text("amount", {{"amount", format_amount(minor)}}); }

}  // namespace terminal_internal

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

namespace {
constexpr std::string_view card_input_names[] = {"swipe", "card", "tap", "keyed"};  // EntryMode's order
}  // namespace

std::string_view card_input_name(EntryMode mode) { return card_input_names[static_cast<int>(mode)]; }

std::optional<EntryMode> parse_card_input(std::string_view name) {
  for (EntryMode m : {EntryMode::insert, EntryMode::tap, EntryMode::swipe})
    if (card_input_name(m) == name) return m;
  return std::nullopt;
}

const Text& txn_label(TxnType type) { return operation_text(info(type).key); }
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

EmulatedTerminal::EmulatedTerminal(TerminalConfig config, TerminalTime now_ms)
    : config_(std::move(config)), now_(now_ms) {
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
  return mode_ == Mode::input && flow_ && flow_->at < flow_->steps.size() &&
         flow_->steps[flow_->at] == Step::supervisor;
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
std::optional<TerminalTime> EmulatedTerminal::next_deadline_ms() const {
  if (mode_ == Mode::online && flow_) return flow_->deadline + 1;
  if (mode_ != Mode::idle) return input_deadline_ + 1;
  return std::nullopt;
}

void EmulatedTerminal::show(const Text& title, std::vector<Text> lines) {
  screen_.status = screen_text("status", {{"terminal", config_.terminal_id}, {"batch", batch_no()}});
  screen_.title = title;
  screen_.lines = std::move(lines);
  if (mode_ == Mode::online && shown_.size() < 32) shown_.push_back(screen_);
}

void EmulatedTerminal::show_idle() {
  if (!signed_on()) {
    show(screen_text("home"), {screen_text("sign_on_first"), screen_text("sign_on_hint")});
    return;
  }
  show(screen_text("home"), {screen_text("menu_hint")});
}

void EmulatedTerminal::show_step() {
  const Flow& f = *flow_;
  const Text& title = txn_label(f.type);
  auto keyed = [&](const Text& prompt) { show(title, {prompt, {f.input, f.input}}); };
  switch (f.steps[f.at]) {
    case Step::card:
      if (f.amount > 0)
        show(title, {screen_text("present_card"), amount_line(f.amount)});
      else
        show(title, {screen_text("present_card")});
      break;
    case Step::confirm_card: {
      std::string m = mask_pan(f.pan);
      show(title, {screen_text("card", {{"card", m}}), screen_text("confirm_card")});
      break;
    }
    case Step::orig_voucher:
      keyed(screen_text("orig_voucher"));
      break;
    case Step::confirm_original: {
      const BatchEntry& e = batch_[*f.orig_index];
      std::string card = e.masked_pan.empty() ? "—" : e.masked_pan;
      const Text& op = txn_label(e.type);
      Text original = screen_text("original");
      original.zh = fill_placeholders(original.zh, {{"operation", op.zh}});
      original.en = fill_placeholders(original.en, {{"operation", op.en}});
      show(title, {std::move(original), amount_line(e.amount_minor), screen_text("card", {{"card", card}}),
                   screen_text("auth_ref", {{"auth", e.auth_code}, {"ref", e.rrn}}), screen_text("confirm_original")});
      break;
    }
    case Step::orig_rrn:
      keyed(screen_text("orig_ref"));
      break;
    case Step::orig_auth:
      keyed(screen_text("orig_auth"));
      break;
    case Step::orig_date:
      keyed(screen_text("orig_date"));
      break;
    case Step::amount: {
      int64_t v = f.input.empty() ? 0 : std::stoll(f.input);
      show(title, {screen_text("enter_amount"), screen_text("keyed_amount", {{"amount", format_amount(v)}})});
      break;
    }
    case Step::supervisor:
      show(title, {screen_text("supervisor"), {std::string(f.input.size(), '*'), std::string(f.input.size(), '*')}});
      break;
    case Step::pin: {
      std::vector<Text> lines{screen_text("enter_pin"), screen_text("pin_pad")};
      if (f.amount > 0) lines.push_back(amount_line(f.amount));
      show(title, std::move(lines));
      break;
    }
    case Step::confirm_settlement: {
      BatchTotals t = batch_totals();
      const std::string debits = std::to_string(t.debit_count), credits = std::to_string(t.credit_count);
      show(title, {screen_text("settle_debits", {{"count", debits}, {"amount", format_amount(t.debit_minor)}}),
                   screen_text("settle_credits", {{"count", credits}, {"amount", format_amount(t.credit_minor)}}),
                   screen_text("settle_confirm")});
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
  const auto show_menu = [this](std::string_view key) {
    const TerminalMenu& m = terminal_menu(key);
    show(m.title, m.items);
  };
  switch (menu) {
    case Mode::menu:
      show_menu("main");
      break;
    case Mode::preauth_menu:
      show_menu("preauth");
      break;
    case Mode::query_menu:
      show_menu("query");
      break;
    case Mode::print_menu:
      show_menu("reprint");
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
      if (digit == '3') return reprint_settlement();
      if (digit == '2') {
        query_input_.clear();
        mode_ = Mode::reprint_input;
        show(terminal_menu("reprint").title, {screen_text("voucher_prompt"), {"", ""}});
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
      show(terminal_menu("reprint").title, {screen_text("voucher_prompt"), {query_input_, query_input_}});
      return;
  }
}

void EmulatedTerminal::begin(TxnType type, bool card_first) {
  Flow f;
  f.type = type;
  switch (type) {
    case TxnType::sale:
    case TxnType::preauth:
      // The amount first, as a terminal with a contactless reader asks (the card needs it when
      // it is tapped); a card inserted on the main screen starts a sale that asks it after.
      f.steps = card_first ? std::vector<Step>{Step::card, Step::confirm_card, Step::amount, Step::pin}
                           : std::vector<Step>{Step::amount, Step::card, Step::confirm_card, Step::pin};
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
  if (type != TxnType::sign_on && !signed_on()) return fail_local(screen_text("sign_on_first"));
  enter_step();
}

bool EmulatedTerminal::quick_pass(TxnType type, EntryMode entry, int64_t amount_minor) const {
  return type == TxnType::sale && entry == EntryMode::tap && amount_minor > 0 &&
         amount_minor <= config_.no_pin_limit_minor;
}

void EmulatedTerminal::enter_step() {
  Flow& f = *flow_;
  wipe(f.input);
  // A tapped card leaves the reader at once: no card number to confirm. 免密: no PIN either.
  if (f.at < f.steps.size() && f.steps[f.at] == Step::confirm_card && f.entry == EntryMode::tap) ++f.at;
  if (f.at < f.steps.size() && f.steps[f.at] == Step::pin && quick_pass(f.type, f.entry, f.amount)) ++f.at;
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
      if (!ok) return fail_local(screen_text("wrong_supervisor"), true);
      return next_step();
    }
    case Step::amount: {
      int64_t v = f.input.empty() ? 0 : std::stoll(f.input);
      if (v <= 0) {
        show(txn_label(f.type), {screen_text("invalid_amount"), screen_text("keyed_amount", {{"amount", "0.00"}})});
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
      if (!fits) return fail_local(screen_text("orig_not_found"), true);
      if (batch_[*idx].voided) return fail_local(screen_text("orig_voided"), true);
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
  if (input_log_) input_log_->emplace_back(card_input_name(card.mode));
  // The contactless reader's field is off until there is an amount to pay: a tap on the main
  // screen goes unseen.
  if (card.mode == EntryMode::tap && (mode_ == Mode::idle || mode_ == Mode::result)) return;
  if (mode_ == Mode::result) to_idle();
  if (mode_ == Mode::idle) {
    begin(TxnType::sale, /*card_first=*/true);
    if (mode_ != Mode::input) return;  // refused (not signed on)
  }
  if (mode_ != Mode::input || !flow_ || flow_->steps[flow_->at] != Step::card) return;
  input_deadline_ = now_ + config_.input_timeout_ms;
  card_read(card);
}

void EmulatedTerminal::card_read(const CardPresentation& card) {
  Flow& f = *flow_;
  // The reader first: what it cannot take leaves the prompt up (docs/domain.md §3.3).
  const Text& title = txn_label(f.type);
  std::vector<Text> amount;
  if (f.amount > 0) amount.push_back(amount_line(f.amount));
  auto refuse = [&](std::vector<Text> lines) {
    lines.insert(lines.end(), amount.begin(), amount.end());
    show(title, std::move(lines));
  };
  if (card.mode == EntryMode::swipe && card.chip) return refuse({screen_text("insert_chip")});
  if (card.mode == EntryMode::insert && card.chip && !card.chip_readable)
    return refuse({screen_text("chip_read_failed"), screen_text("present_card")});
  if (card.mode == EntryMode::tap && !card.contactless) return;                  // nothing answered the reader's field
  if (!is_test_card(card.pan)) return fail_local(screen_text("not_test_card"));  // not even kept for the record
  f.pan = card.pan;
  f.expiry = is_digit_string(card.expiry_yymm, 4) ? card.expiry_yymm : "3012";
  f.entry = card.mode;
  f.has_card = true;
  if (f.orig_index && !batch_[*f.orig_index].masked_pan.empty() && batch_[*f.orig_index].masked_pan != mask_pan(f.pan))
    return fail_local(screen_text("card_mismatch"), true);
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
    show(txn_label(f.type), {screen_text("pin_format"), screen_text("enter_pin")});
    return;
  }
  f.pin_block = std::move(*block);
  next_step();
}

void EmulatedTerminal::display(const Text& line) {
  if (mode_ != Mode::idle && mode_ != Mode::result) return;  // never over keying or a host exchange
  const Text title = mode_ == Mode::result ? screen_.title : screen_text("home");
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

}  // namespace posdrill
