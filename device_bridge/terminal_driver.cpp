// EmulatedTerminal (terminal.h) driven for the runner: a whole task keyed as a trainee would key it.
// [SECTION] High-level driver
#include <algorithm>

#include "device_bridge/terminal.h"
#include "device_bridge/terminal_texts.h"

namespace posdrill {

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
    rec.screen = screen_text("busy");
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
        // Nobody at the counter to present one: the terminal goes on asking until its input
        // time-out takes it back to idle, and no record is made.
        if (card.pan.empty()) return;
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
