// [SECTION] Links
// [SECTION] Pump
// [SECTION] Scenario faults and replay
// [SECTION] TerminalPort
#include "device_bridge/emulation.h"

#include <algorithm>
#include <utility>

#include "device_bridge/terminal_texts.h"

namespace posdrill {

namespace {

// How long the terminal takes to notice a dropped or refused connection.
constexpr int64_t line_failure_ms = 1000;

void insert_by_time(std::vector<LinkEvent>& queue, LinkEvent e) {
  auto at = std::upper_bound(queue.begin(), queue.end(), e.at_ms,
                             [](TerminalTime t, const LinkEvent& x) { return t < x.at_ms; });
  queue.insert(at, std::move(e));
}

std::vector<LinkEvent> take_due(std::vector<LinkEvent>& queue, TerminalTime now_ms) {
  auto end = std::find_if(queue.begin(), queue.end(), [&](const LinkEvent& e) { return e.at_ms > now_ms; });
  std::vector<LinkEvent> due(std::make_move_iterator(queue.begin()), std::make_move_iterator(end));
  queue.erase(queue.begin(), end);
  return due;
}

std::optional<TerminalTime> earliest(std::optional<TerminalTime> a, std::optional<TerminalTime> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Links
// ---------------------------------------------------------------------------------------------

DirectHostLink::DirectHostLink(AcquirerHost& host, int64_t latency_ms) : host_(host), latency_ms_(latency_ms) {}

DirectHostLink::DirectHostLink(AcquirerHost& host, const DirectHostLink& other)
    : host_(host), latency_ms_(other.latency_ms_), queue_(other.queue_) {}

void DirectHostLink::send(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) {
  LinkEvent e;
  e.answer = host_.handle(request, now_ms, directive);
  e.at_ms = now_ms + latency_ms_;
  insert_by_time(queue_, std::move(e));
}

std::vector<LinkEvent> DirectHostLink::poll(TerminalTime now_ms) { return take_due(queue_, now_ms); }

std::optional<TerminalTime> DirectHostLink::next_event_ms() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.front().at_ms;
}

LinkFault link_fault_of(const Fault& fault) {
  LinkFault f;
  switch (fault.kind) {
    case FaultKind::answer_lost:
      f.kind = LinkFault::Kind::answer_lost;
      break;
    case FaultKind::request_lost:
      f.kind = LinkFault::Kind::request_lost;
      break;
    case FaultKind::delay:
      f.kind = LinkFault::Kind::delay;
      f.delay_ms = int64_t(std::max(0, fault.seconds)) * ms_per_second;
      break;
    case FaultKind::refuse_connection:
      f.kind = LinkFault::Kind::refuse_connection;
      break;
    case FaultKind::bad_mac:
      f.kind = LinkFault::Kind::bad_mac;
      break;
    case FaultKind::omit_pan:
      f.kind = LinkFault::Kind::omit_pan;
      break;
    case FaultKind::respond:
      f.kind = LinkFault::Kind::respond;
      f.code = fault.code;
      break;
    case FaultKind::reversal_fails:
      f.kind = LinkFault::Kind::vanish;
      break;
  }
  return f;
}

FaultyLink::FaultyLink(HostLink& inner, FaultHook hook) : inner_(inner), hook_(std::move(hook)) {}

FaultyLink::FaultyLink(HostLink& inner, const FaultyLink& other)
    : inner_(inner), forwarded_(other.forwarded_), queue_(other.queue_) {}

void FaultyLink::send(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) {
  LinkFault f = hook_ ? hook_(request) : LinkFault{};
  LinkEvent failure;
  failure.kind = LinkEvent::Kind::failure;
  failure.at_ms = now_ms + line_failure_ms;
  HostDirective d = directive;
  switch (f.kind) {
    case LinkFault::Kind::request_lost:
      failure.failure = LinkFailure::connection_lost;
      return insert_by_time(queue_, std::move(failure));
    case LinkFault::Kind::refuse_connection:
      failure.failure = LinkFailure::connect_failed;
      return insert_by_time(queue_, std::move(failure));
    case LinkFault::Kind::vanish:
      return;  // swallowed: the terminal waits for its time-out
    case LinkFault::Kind::omit_pan:
      d.omit_pan = true;
      break;
    case LinkFault::Kind::respond:
      d.response_code = f.code;
      break;
    default:
      break;
  }
  forwarded_.push_back({f, now_ms});
  inner_.send(request, now_ms, d);
}

void FaultyLink::pull_inner(TerminalTime now_ms) {
  for (LinkEvent& e : inner_.poll(now_ms)) {
    if (forwarded_.empty()) {
      insert_by_time(queue_, std::move(e));
      continue;
    }
    Pending p = forwarded_.front();
    forwarded_.erase(forwarded_.begin());
    switch (p.fault.kind) {
      case LinkFault::Kind::answer_lost:
        continue;
      case LinkFault::Kind::delay:
        e.at_ms = std::max(e.at_ms, p.sent_ms + p.fault.delay_ms);
        break;
      case LinkFault::Kind::bad_mac:
        e.mac_ok = false;
        break;
      default:
        break;
    }
    insert_by_time(queue_, std::move(e));
  }
}

std::vector<LinkEvent> FaultyLink::poll(TerminalTime now_ms) {
  pull_inner(now_ms);
  return take_due(queue_, now_ms);
}

std::optional<TerminalTime> FaultyLink::next_event_ms() const {
  return earliest(queue_.empty() ? std::nullopt : std::optional<TerminalTime>(queue_.front().at_ms),
                  inner_.next_event_ms());
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Pump
// ---------------------------------------------------------------------------------------------

InMemoryLink::InMemoryLink(EmulatedTerminal& terminal, HostLink& link, TerminalTime start)
    : terminal_(terminal), link_(link), now_(start) {
  terminal_.tick(now_);
}

InMemoryLink::InMemoryLink(EmulatedTerminal& terminal, HostLink& link, const InMemoryLink& other)
    : terminal_(terminal), link_(link), now_(other.now_) {}

void InMemoryLink::flush() {
  for (const IsoMessage& m : terminal_.take_outgoing()) link_.send(m, now_, HostDirective{});
}

std::optional<TerminalTime> InMemoryLink::next_event() const {
  return earliest(link_.next_event_ms(), terminal_.next_deadline_ms());
}

void InMemoryLink::advance_to(TerminalTime to) {
  // Bounded: each round delivers at least one event or fires one time-out.
  for (int guard = 0; guard < 100'000; ++guard) {
    flush();
    auto next = next_event();
    if (!next || *next > to) break;
    now_ = std::max(now_, *next);
    terminal_.tick(now_);  // time-outs strictly before now fire first: such answers are late
    for (const LinkEvent& e : link_.poll(now_)) {
      if (e.kind == LinkEvent::Kind::answer)
        terminal_.on_host_answer(e.answer, e.mac_ok);
      else
        terminal_.on_no_answer(e.failure);
    }
  }
  now_ = std::max(now_, to);
  terminal_.tick(now_);
  flush();
}

void InMemoryLink::settle(int64_t max_ms) {
  const TerminalTime until = now_ + max_ms;
  flush();
  while (terminal_.waiting_for_host()) {
    auto next = next_event();
    if (!next || *next > until) break;
    advance_to(*next);
  }
}

Emulation::Emulation(HostConfig host, TerminalConfig terminal, TerminalTime start, int64_t latency_ms,
                     const Route& route)
    : host_(std::move(host)),
      terminal_(std::move(terminal), start),
      direct_(host_, latency_ms),
      faults_(route ? *route(host_, terminal_) : static_cast<HostLink&>(direct_)),
      link_(terminal_, faults_, start) {}

Emulation::Emulation(const Emulation& other)
    : host_(other.host_),
      terminal_(other.terminal_),
      direct_(host_, other.direct_),
      faults_(direct_, other.faults_),
      link_(terminal_, faults_, other.link_) {}

std::vector<TerminalRecord> Emulation::run(const TerminalRequest& request, const CardPresentation& card,
                                           std::optional<std::string_view> customer_pin) {
  terminal_.start(request, card, customer_pin);
  link_.settle();
  return terminal_.take_records();
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Scenario faults and replay
// ---------------------------------------------------------------------------------------------

void ScenarioFaultPlan::begin_operation(std::optional<Fault> fault, bool reversals_fail) {
  fault_ = std::move(fault);
  reversals_fail_ = reversals_fail;
  main_sent_ = false;
}

LinkFault ScenarioFaultPlan::decide(const IsoMessage& request) {
  if (request.mti == "0400") return reversals_fail_ ? LinkFault{LinkFault::Kind::vanish, 0, {}} : LinkFault{};
  if (main_sent_) return {};
  main_sent_ = true;
  if (!fault_ || fault_->kind == FaultKind::reversal_fails) return {};
  return link_fault_of(*fault_);
}

namespace {

// A PIN the customer gets wrong: the right one with its last digit changed.
std::string wrong_pin_for(const std::string& pin) {
  std::string w = pin;
  if (!w.empty()) w.back() = char('0' + (w.back() - '0' + 1) % 10);
  return w;
}

// When the store settles the terminal at closing (setup.nightly_settlement).
constexpr int64_t nightly_closing_ms = 23 * 60 * ms_per_minute + 55 * ms_per_minute;

int64_t offset_ms(const HistoryEntry& h) {
  return int64_t(std::max(0, h.days_ago)) * ms_per_day + int64_t(std::max(0, h.minutes_ago)) * ms_per_minute;
}

}  // namespace

TerminalTime story_start_ms(const Setup& setup, TerminalTime start) {
  if (!setup.start_minute) return start;
  CivilTime t = civil_time(start);
  t.hour = *setup.start_minute / 60;
  t.minute = *setup.start_minute % 60;
  t.second = 0;
  return TerminalTime{civil_ms(t)};
}

ScenarioEmulation::ScenarioEmulation(const Setup& setup, const ReplayOptions& replay) : setup_(setup) {
  ReplayOptions options = replay;
  options.start_ms = story_start_ms(setup, replay.start_ms);
  start_ms_ = options.start_ms;
  pin_ = setup.pin.empty() ? std::string(default_test_pin) : setup.pin;
  for (const Fault& f : setup.faults)
    if (f.kind == FaultKind::reversal_fails && f.request == 0) reversals_always_fail_ = true;

  std::vector<HistoryEntry> history = setup.history;
  std::stable_sort(history.begin(), history.end(),
                   [](const HistoryEntry& a, const HistoryEntry& b) { return offset_ms(a) > offset_ms(b); });
  int64_t oldest = history.empty() ? 0 : offset_ms(history.front());
  const TerminalTime begin = options.start_ms - oldest - 10 * ms_per_minute;

  emulation_ = std::make_unique<Emulation>(host_config_from(setup),
                                           options.terminal ? *options.terminal : terminal_config_from(setup), begin,
                                           options.latency_ms, options.route);
  if (!options.route) emulation_->faults().set_hook([this](const IsoMessage& m) { return plan_.decide(m); });

  auto keep = [&](std::vector<TerminalRecord> records) {
    for (auto& r : records) history_records_.push_back(std::move(r));
  };
  TerminalRequest sign_on;
  sign_on.op = TerminalOp::sign_on;
  keep(emulation_->run(sign_on, card(), std::nullopt));

  // The store settles at closing every night (setup.nightly_settlement), so each day of the history
  // has its own batch and a record from an earlier day carries an earlier batch number. Those
  // settlements are routine: their slips went into that night's box and are not kept here.
  std::vector<Receipt> kept_receipts;
  std::optional<int64_t> settled_day;  // the day of the last settlement, while nothing followed it
  auto settle_nights_before = [&](TerminalTime until) {
    if (!setup.nightly_settlement) return;
    for (int64_t day = day_number(emulation_->now_ms()); day < day_number(until); ++day) {
      if (settled_day && *settled_day == day) continue;  // settled that day after its last transaction
      emulation_->link().advance_to(
          std::max(emulation_->now_ms(), TerminalTime{day * ms_per_day + nightly_closing_ms}));
      for (Receipt& r : terminal().take_receipts()) kept_receipts.push_back(std::move(r));
      TerminalRequest settle;
      settle.op = TerminalOp::settlement;
      plan_.begin_operation(std::nullopt, reversals_always_fail_);
      emulation_->run(settle, card(), std::nullopt);
      plan_.end_operation();
      terminal().take_receipts();
      settled_day = day;
    }
  };

  const std::string wrong = wrong_pin_for(pin_);
  for (const HistoryEntry& h : history) {
    if (h.fault && h.fault->kind == FaultKind::reversal_fails) {
      reversals_always_fail_ = true;  // a marker, as in TerminalDouble: it runs no operation
      continue;
    }
    if (!terminal_op_is_online(h.op)) continue;
    settle_nights_before(options.start_ms - offset_ms(h));
    emulation_->link().advance_to(options.start_ms - offset_ms(h));
    TerminalRequest req;
    req.op = h.op;
    req.amount_minor = h.amount_minor;
    quote_original(req);
    plan_.begin_operation(h.fault, reversals_always_fail_);
    keep(emulation_->run(req, card(), h.wrong_pin ? std::string_view(wrong) : std::string_view(pin_)));
    plan_.end_operation();
    // The merchant copy went into the shop's slip box; the cardholder copy left with the customer
    // unless the story has her bring it back.
    for (Receipt& r : terminal().take_receipts())
      if (r.copy == Receipt::Copy::merchant || h.customer_copy_on_counter) kept_receipts.push_back(std::move(r));
    settled_day =
        h.op == TerminalOp::settlement ? std::optional<int64_t>(day_number(emulation_->now_ms())) : std::nullopt;
  }
  settle_nights_before(options.start_ms);
  advance_to(options.start_ms);
  for (int i = 0; i < 8 && !terminal().idle() && !terminal().waiting_for_host(); ++i) terminal().press(Key::cancel);
  keep(terminal().take_records());
  for (Receipt& r : terminal().take_receipts()) kept_receipts.push_back(std::move(r));
  // The history's merchant copies are the ones in the shop's slip box: the customer signed each
  // at the counter, so the signature line is not blank as on a slip just printed.
  for (Receipt& r : kept_receipts) mark_signed(r);
  history_receipts_ = std::move(kept_receipts);
  for (const BatchEntry& e : terminal().batch_list())
    if (e.type == TxnType::preauth && !e.completed && !e.cancelled) history_preauth_ = e;
  history_slips_ = terminal().slips_printed();
  if (setup_.printer_out_of_paper) terminal().set_paper(false);  // the story's first slip will not come out
}

ScenarioEmulation::ScenarioEmulation(const ScenarioEmulation& other, CloneTag)
    : setup_(other.setup_),
      pin_(other.pin_),
      emulation_(std::make_unique<Emulation>(*other.emulation_)),
      start_ms_(other.start_ms_),
      plan_(other.plan_),
      reversals_always_fail_(other.reversals_always_fail_),
      online_requests_(other.online_requests_),
      online_by_op_(other.online_by_op_),
      history_slips_(other.history_slips_),
      card_(other.card_),
      history_receipts_(other.history_receipts_),
      history_records_(other.history_records_),
      history_preauth_(other.history_preauth_) {
  emulation_->faults().set_hook([this](const IsoMessage& m) { return plan_.decide(m); });
}

std::unique_ptr<ScenarioEmulation> ScenarioEmulation::clone() const {
  return std::unique_ptr<ScenarioEmulation>(new ScenarioEmulation(*this, CloneTag{}));
}

void ScenarioEmulation::advance_to(TerminalTime to) {
  emulation_->link().advance_to(to);
  emulation_->host().tick(emulation_->now_ms());
}

CardPresentation ScenarioEmulation::card(std::optional<EntryMode> mode) const {
  CardPresentation c;
  if (card_ != CustomerCard::none) c.pan = card_ == CustomerCard::other ? setup_.other_card : setup_.card;
  if (card_ == CustomerCard::main) c.chip_readable = setup_.chip_readable;
  c.contactless = setup_.contactless;  // the other card too: 闪付 only where the story says so
  // Unless told, the customer presents it the way that works: the chip, else 闪付.
  c.mode = mode ? *mode : c.chip_readable || !c.contactless ? EntryMode::insert : EntryMode::tap;
  return c;
}

template <typename Act>
void ScenarioEmulation::drive(Act&& act) {
  const int before = terminal().online_started();
  act();
  if (terminal().online_started() > before) {
    // Online operations are numbered from 1 for Setup::faults, as posdrill proxy numbers the main
    // requests on a real line (sign-on is not one).
    const int n = ++online_requests_;
    const std::optional<TerminalOp> op = terminal().current_op();
    const int n_op = op ? ++online_by_op_[*op] : 0;
    std::optional<Fault> fault;
    bool reversals_fail = reversals_always_fail_;
    for (const Fault& f : setup_.faults) {
      if (f.op ? (f.op != op || f.request != n_op) : f.request != n) continue;
      if (f.kind == FaultKind::reversal_fails)
        reversals_fail = true;
      else
        fault = f;
    }
    plan_.begin_operation(fault, reversals_fail);
  }
  emulation_->link().settle();
}

std::vector<TerminalRecord> ScenarioEmulation::perform(const TerminalRequest& request) {
  const std::string pin = card_ == CustomerCard::other ? std::string(default_test_pin) : pin_;
  drive([&] { terminal().start(request, card(), std::string_view(pin)); });
  return terminal().take_records();
}

void ScenarioEmulation::press(Key key) {
  drive([&] { terminal().press(key); });
}

void ScenarioEmulation::present_card(EntryMode mode) {
  if (card_ == CustomerCard::none) return;  // nobody at the counter: the terminal goes on asking
  drive([&] { terminal().present_card(card(mode)); });
}

void ScenarioEmulation::customer_pin(bool wrong) {
  // The other card has the default test PIN (host_config_from gives every other card that one).
  if (card_ == CustomerCard::none) return;
  const std::string right = card_ == CustomerCard::other ? std::string(default_test_pin) : pin_;
  const std::string keyed = wrong ? wrong_pin_for(right) : right;
  drive([&] { terminal().enter_pin(keyed); });
}

void ScenarioEmulation::supervisor() {
  drive([&] { terminal().enter_supervisor_password(setup_.supervisor_password); });
}

void ScenarioEmulation::quote_original(TerminalRequest& req) const {
  if (req.op != TerminalOp::preauth_completion && req.op != TerminalOp::preauth_cancel &&
      req.op != TerminalOp::void_sale)
    return;
  const TxnType kind = req.op == TerminalOp::void_sale ? TxnType::sale : TxnType::preauth;
  const auto& list = terminal().batch_list();
  // The newest original still open: a completed or cancelled pre-auth, a voided sale, is done with.
  for (auto it = list.rbegin(); it != list.rend(); ++it)
    if (it->type == kind && !it->completed && !it->cancelled && !it->voided) {
      req.original_auth_code = it->auth_code;
      req.original_date_mmdd = it->date_mmdd;
      if (!req.amount_minor) req.amount_minor = it->amount_minor;
      return;
    }
}

void ScenarioEmulation::quote_story_original(TerminalRequest& req) const {
  if (!req.original_auth_code.empty()) return;
  // Only the pre-auth family: a sale's void or look-up may be about a sale the story itself made
  // (a second charge), so for those "the newest" stays the trainee's own reading.
  if (req.op != TerminalOp::preauth_completion && req.op != TerminalOp::preauth_cancel &&
      req.op != TerminalOp::transaction_query)
    return;
  if (!history_preauth_) return;
  req.original_auth_code = history_preauth_->auth_code;
  req.original_date_mmdd = history_preauth_->date_mmdd;
}

std::vector<TerminalRecord> ScenarioEmulation::perform_story(TerminalRequest request) {
  quote_original(request);
  return perform(request);
}

TerminalFacts ScenarioEmulation::facts() const {
  TerminalFacts f;
  f.known = true;
  f.reversal_pending = terminal().reversal_pending();
  // The customer's money: the main card and, when the story has one, the other.
  f.charges = host().standing_debits(setup_.card, setup_.amount_minor);
  f.held_minor = host().held_minor(setup_.card);
  if (!setup_.other_card.empty()) {
    f.charges += host().standing_debits(setup_.other_card, setup_.amount_minor);
    f.held_minor += host().held_minor(setup_.other_card);
  }
  f.slips = terminal().slips_printed() - history_slips_;
  f.card_locked = host().wrong_pins(setup_.card, emulation_->now_ms()) >= std::max(1, setup_.host.pin_tries);
  f.host_requests = host().requests_handled();
  return f;
}

std::unique_ptr<ScenarioEmulation> replay_setup(const Setup& setup, const ReplayOptions& options) {
  return std::make_unique<ScenarioEmulation>(setup, options);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] TerminalPort
// ---------------------------------------------------------------------------------------------

EmulatedTerminalPort::EmulatedTerminalPort(const Clock* clock, ReplayOptions options)
    : clock_(clock), options_(std::move(options)) {}

EmulatedTerminalPort::EmulatedTerminalPort(const Clock* clock, const Setup& setup, ReplayOptions options)
    : clock_(clock), options_(std::move(options)) {
  prepare(setup);
}

void EmulatedTerminalPort::prepare(const Setup& setup) {
  done_.clear();
  inputs_.clear();
  sms_shown_ = 0;
  story_skip_ms_ = 0;
  scenario_ = replay_setup(setup, options_);
  if (scenario_) scenario_->terminal().take_shown();  // the history's screens are not the trainee's
  clock_at_prepare_ = clock_ ? clock_->now() : MonoTime{};
}

// The trainee's time flows into the emulation before anything happens at the terminal.
void EmulatedTerminalPort::catch_up() {
  if (clock_ && scenario_)
    scenario_->advance_to(scenario_->start_ms() + story_skip_ms_ + (clock_->now() - clock_at_prepare_));
}

void EmulatedTerminalPort::story_wait(int64_t ms) {
  if (!scenario_ || ms <= 0) return;
  story_skip_ms_ += ms;
  catch_up();
  if (!clock_) scenario_->advance_to(scenario_->now_ms() + ms);
}

void EmulatedTerminalPort::request(const TerminalRequest& request) {
  if (!scenario_) {
    TerminalRecord rec;
    rec.op = request.op;
    rec.screen = screen_text("not_prepared");
    done_.push_back(rec);
    return;
  }
  catch_up();
  for (auto& r : scenario_->perform(request)) done_.push_back(std::move(r));
  scenario_->terminal().take_shown();
  trainee_screen_ = scenario_->terminal().screen();
}

std::vector<TerminalRecord> EmulatedTerminalPort::poll() { return std::exchange(done_, {}); }

TerminalFacts EmulatedTerminalPort::facts() const { return scenario_ ? scenario_->facts() : TerminalFacts{}; }

void EmulatedTerminalPort::show_story_screen(const Text& text) {
  if (!scenario_) return;
  catch_up();
  scenario_->show_story_screen(text);
}

std::vector<TerminalRecord> EmulatedTerminalPort::story_operation(const TerminalRequest& request) {
  if (!scenario_) return {};
  catch_up();
  std::vector<TerminalRecord> out = scenario_->perform_story(request);
  scenario_->terminal().take_shown();  // keyed by the story, not by the trainee
  return out;
}

void EmulatedTerminalPort::quote_story_original(TerminalRequest& request) const {
  if (scenario_) scenario_->quote_story_original(request);
}

std::vector<Text> EmulatedTerminalPort::take_bank_sms() {
  std::vector<Text> out;
  if (!scenario_) return out;
  const auto& all = scenario_->host().sms();
  for (; sms_shown_ < all.size(); ++sms_shown_) out.push_back(all[sms_shown_].text);
  return out;
}

namespace {

// The title and the first two lines: the prompt and what has been keyed at it.
Text screen_summary(const Screen& s) {
  Text shown{s.title.zh, s.title.en};
  for (std::size_t i = 0; i < s.lines.size() && i < 2; ++i) {
    if (s.lines[i].zh.empty() && s.lines[i].en.empty()) continue;
    shown.zh += "｜" + s.lines[i].zh;
    shown.en += " | " + s.lines[i].en;
  }
  return shown;
}

}  // namespace

void EmulatedTerminalPort::note(std::string input) {
  trainee_screen_ = scenario_->terminal().screen();
  Text shown = screen_summary(trainee_screen_);
  // The screens an online exchange passed through, without repeats and without the final one.
  std::vector<Text> passed;
  passed_screens_.clear();
  for (Screen& s : scenario_->terminal().take_shown()) {
    Text t = screen_summary(s);
    if ((passed.empty() || passed.back().zh != t.zh) && t.zh != shown.zh) {
      passed.push_back(std::move(t));
      passed_screens_.push_back(std::move(s));
    }
  }
  inputs_.push_back({std::move(input), std::move(shown), std::move(passed)});
  for (auto& r : scenario_->take_records()) done_.push_back(std::move(r));
}

void EmulatedTerminalPort::press(Key key) {
  if (!scenario_) return;
  catch_up();
  scenario_->press(key);
  note(std::string(key_name(key)));
}

void EmulatedTerminalPort::present_card(EntryMode mode) {
  if (!scenario_ || scenario_->customer_card() == CustomerCard::none) return;  // nobody to hand one over
  catch_up();
  scenario_->present_card(mode);
  note(std::string(card_input_name(mode)));
}

void EmulatedTerminalPort::story_load_paper() {
  if (scenario_) scenario_->load_paper();
}

void EmulatedTerminalPort::story_customer_card(CustomerCard card) {
  if (scenario_) scenario_->use_card(card);
}

void EmulatedTerminalPort::supervisor() {
  if (!scenario_) return;
  catch_up();
  scenario_->supervisor();
  note("supervisor");
}

void EmulatedTerminalPort::customer_pin(bool wrong) {
  if (!scenario_ || scenario_->customer_card() == CustomerCard::none) return;  // nobody to key it
  catch_up();
  scenario_->customer_pin(wrong);
  note("pin ******");
}

}  // namespace posdrill
