// In-memory glue between the emulated terminal (terminal.h) and the emulated host (host.h), for
// tests, headless play and the scenario runner. No codec, no sockets, no threads: logical
// IsoMessages and a virtual clock. The socket transport and the wire-level fault injector plug
// into the same HostLink interface.
//
//   EmulatedTerminal --take_outgoing()--> InMemoryLink (pump + virtual clock) --send()--> HostLink
//   EmulatedTerminal <--on_host_answer / on_no_answer / tick-- InMemoryLink <--poll()-- HostLink
//
//   HostLink implementations here: DirectHostLink (calls AcquirerHost::handle, answers after a
//   fixed latency) and FaultyLink (a decorator that loses, delays, corrupts or refuses requests
//   chosen by a hook). ScenarioFaultPlan turns a scenario's Fault list into such a hook;
//   ScenarioEmulation replays a Setup's history and runs the trainee's operations;
//   EmulatedTerminalPort offers all of it as the runner's TerminalPort.
//
// What each scenario fault does here (FaultKind -> LinkFault):
//   answer_lost        the host processes the request (books it, sends the SMS); the answer is
//                      dropped, so the terminal times out (98, "交易失败 接收超时") and keeps a
//                      reversal record.
//   request_lost       the host never sees it; the connection drops: on_no_answer(connection_lost)
//                      after 1 s ("通讯失败"), reversal record kept with reason 98 — the terminal
//                      cannot know the request did not arrive. Its later 0400 gets 25.
//   delay              the answer arrives `seconds` after the request (instead of the normal
//                      latency); beyond the terminal's response time-out (60 s) it is ignored.
//   refuse_connection  nothing is sent: on_no_answer(connect_failed) after 1 s ("通讯失败 连接失败"),
//                      no reversal record.
//   bad_mac            the host processes it; the answer arrives with mac_ok = false: the terminal
//                      shows A0 and keeps the reversal record with reason A0.
//   omit_pan           HostDirective::omit_pan: the answer has no DE2, the terminal's record and
//                      slips have no card number (预授权后无卡号).
//   respond            HostDirective::response_code: the host answers that code and books
//                      nothing (55 counts a wrong PIN and can reach the lock).
//   reversal_fails     every 0400 of the hit operation vanishes without an answer: the terminal
//                      waits 30 s per try, 3 tries, then "冲正不成功 请与客服联系". In a history
//                      entry, or in faults with request 0, it applies to every later operation.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time.h"
#include "device_bridge/host.h"
#include "device_bridge/terminal.h"
#include "scenarios/clock.h"
#include "scenarios/model.h"
#include "scenarios/terminal_port.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// The link interface
// ---------------------------------------------------------------------------------------------

// Something that reached the terminal's side of the line.
struct LinkEvent {
  enum class Kind { answer, failure };
  Kind kind = Kind::answer;
  TerminalTime at_ms;
  IsoMessage answer;                                   // Kind::answer
  bool mac_ok = true;                                  // Kind::answer
  LinkFailure failure = LinkFailure::connection_lost;  // Kind::failure
};

// The terminal's line to a host. send() starts one exchange; what comes back is collected with
// poll(). A virtual clock drives it: next_event_ms() says when something will be due, so a pump
// can jump there. A decorator (fault injector) wraps another HostLink and may pass a
// HostDirective down to the host for faults only the host can produce (respond, omit_pan).
class HostLink {
 public:
  virtual ~HostLink() = default;
  virtual void send(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) = 0;
  // Every event due at or before `now_ms`, oldest first.
  virtual std::vector<LinkEvent> poll(TerminalTime now_ms) = 0;
  virtual std::optional<TerminalTime> next_event_ms() const = 0;
};

inline constexpr int64_t default_latency_ms = 800;

// Straight to an AcquirerHost: it handles the request at send time; the answer arrives
// `latency_ms` later. Exactly one event per request, in send order.
class DirectHostLink final : public HostLink {
 public:
  explicit DirectHostLink(AcquirerHost& host, int64_t latency_ms = default_latency_ms);
  // A copy of `other`'s queue in front of another host (Emulation's copy).
  DirectHostLink(AcquirerHost& host, const DirectHostLink& other);
  void send(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) override;
  std::vector<LinkEvent> poll(TerminalTime now_ms) override;
  std::optional<TerminalTime> next_event_ms() const override;

 private:
  AcquirerHost& host_;
  int64_t latency_ms_;
  std::vector<LinkEvent> queue_;  // ordered by at_ms
};

// What a fault does to one request (see the table in the file comment).
struct LinkFault {
  enum class Kind { none, answer_lost, request_lost, vanish, delay, refuse_connection, bad_mac, omit_pan, respond };
  Kind kind = Kind::none;
  int64_t delay_ms = 0;  // delay: when the answer arrives, counted from the request
  std::string code;      // respond
};
LinkFault link_fault_of(const Fault& fault);  // reversal_fails -> vanish

using FaultHook = std::function<LinkFault(const IsoMessage& request)>;

// A fault-injecting decorator. The hook decides per request; without a hook nothing happens.
// The inner link must answer every forwarded request exactly once and in order (DirectHostLink
// does), so the decorator can match answers to the treatment their request got.
class FaultyLink final : public HostLink {
 public:
  explicit FaultyLink(HostLink& inner, FaultHook hook = {});
  // A copy of `other`'s state in front of another inner link, without its hook.
  FaultyLink(HostLink& inner, const FaultyLink& other);
  void set_hook(FaultHook hook) { hook_ = std::move(hook); }
  void send(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) override;
  std::vector<LinkEvent> poll(TerminalTime now_ms) override;
  std::optional<TerminalTime> next_event_ms() const override;

 private:
  struct Pending {
    LinkFault fault;
    TerminalTime sent_ms;
  };
  void pull_inner(TerminalTime now_ms);

  HostLink& inner_;
  FaultHook hook_;
  std::vector<Pending> forwarded_;  // treatments of forwarded requests, in send order
  std::vector<LinkEvent> queue_;    // ordered by at_ms
};

// ---------------------------------------------------------------------------------------------
// The pump
// ---------------------------------------------------------------------------------------------

// Connects an EmulatedTerminal to a HostLink on a virtual clock. Nothing runs by itself: the
// clock moves only in advance_to() and settle(), which deliver, in time order, every outgoing
// message, answer, line failure and terminal time-out on the way.
class InMemoryLink {
 public:
  InMemoryLink(EmulatedTerminal& terminal, HostLink& link, TerminalTime start);
  // The same clock as `other`, between another terminal and link (Emulation's copy).
  InMemoryLink(EmulatedTerminal& terminal, HostLink& link, const InMemoryLink& other);
  TerminalTime now_ms() const { return now_; }
  // Moves the clock to `to` (never backwards).
  void advance_to(TerminalTime to);
  // Lets the terminal's online work finish: jumps from event to event while it waits for the
  // host (at most `max_ms` of virtual time). Answers due later than that stay queued.
  void settle(int64_t max_ms = 30 * ms_per_minute);

 private:
  void flush();
  std::optional<TerminalTime> next_event() const;

  EmulatedTerminal& terminal_;
  HostLink& link_;
  TerminalTime now_;
};

// A host, a terminal and the links between them, wired: terminal -> InMemoryLink -> FaultyLink
// -> DirectHostLink -> AcquirerHost. Not movable (the parts refer to each other); a copy is a
// separate world in the same state, wired anew, with no fault hook (lint's path simulation
// branches from copies).
class Emulation {
 public:
  // Given the emulation's own host and terminal (for its MAC key), the line the terminal should use
  // instead of the direct one (e.g. a socket through posdrill proxy to a server of that host); it
  // must outlive the emulation.
  using Route = std::function<HostLink*(AcquirerHost& host, const EmulatedTerminal& terminal)>;
  Emulation(HostConfig host, TerminalConfig terminal, TerminalTime start, int64_t latency_ms = default_latency_ms,
            const Route& route = {});
  // A copy always talks to its host directly.
  Emulation(const Emulation& other);
  Emulation& operator=(const Emulation&) = delete;

  AcquirerHost& host() { return host_; }
  const AcquirerHost& host() const { return host_; }
  EmulatedTerminal& terminal() { return terminal_; }
  const EmulatedTerminal& terminal() const { return terminal_; }
  InMemoryLink& link() { return link_; }
  FaultyLink& faults() { return faults_; }
  TerminalTime now_ms() const { return link_.now_ms(); }

  // One operation through the terminal's driver, run until the terminal no longer waits for the
  // host. Returns the records it produced (usually one).
  std::vector<TerminalRecord> run(const TerminalRequest& request, const CardPresentation& card,
                                  std::optional<std::string_view> customer_pin);

 private:
  AcquirerHost host_;
  EmulatedTerminal terminal_;
  DirectHostLink direct_;
  FaultyLink faults_;
  InMemoryLink link_;
};

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

// A scenario's faults as a FaultHook, one operation at a time: `fault` hits the operation's
// first request that is not a 0400 (its "main" request); with `reversals_fail` every 0400 sent
// during the operation vanishes.
class ScenarioFaultPlan {
 public:
  void begin_operation(std::optional<Fault> fault, bool reversals_fail);
  void end_operation() { begin_operation(std::nullopt, false); }
  LinkFault decide(const IsoMessage& request);

 private:
  std::optional<Fault> fault_;
  bool reversals_fail_ = false;
  bool main_sent_ = false;
};

struct ReplayOptions {
  TerminalTime start_ms = default_training_start_ms();  // the story's "now"
  int64_t latency_ms = default_latency_ms;
  std::optional<TerminalConfig> terminal;  // replaces terminal_config_from(setup)
  // The terminal's line goes this way instead of straight to the host (Emulation::Route). The
  // scenario's faults are then left to whatever sits on that line (posdrill proxy): the
  // emulation injects none itself, and the history is replayed over that line too.
  Emulation::Route route;
};

// A scenario's terminal and host. The constructor replays the setup: a sign-on before the oldest
// history entry, then every history entry at its time (start - days_ago - minutes_ago, oldest
// first; a stable sort keeps the file order of entries at the same time), with its fault and the
// customer's right or wrong PIN; offline operations in the history are skipped. Unless the setup
// says otherwise (nightly_settlement: false), the terminal is settled at 23:55 every night between
// the oldest entry and the start (not again on a night the history settled itself), so each day
// has its own batch; those slips are not kept. Completions,
// cancels and voids in the history quote the newest pre-auth / sale in the terminal's list.
// Afterwards the clock stands at start_ms, the terminal at its main screen, and what the history
// printed and recorded is kept apart (history_receipts / history_records). The host keeps its
// journal and SMS from the history: they happened.
class ScenarioEmulation {
 public:
  explicit ScenarioEmulation(const Setup& setup, const ReplayOptions& options = {});
  ScenarioEmulation(const ScenarioEmulation&) = delete;  // the fault hook points back at it
  ScenarioEmulation& operator=(const ScenarioEmulation&) = delete;

  // One trainee operation at the current virtual time: the setup's card is inserted and the
  // customer keys the setup's PIN. Online operations are numbered from 1 for Setup::faults.
  std::vector<TerminalRecord> perform(const TerminalRequest& request);
  // Moves the virtual clock forward (the trainee's time passing); the host sees the time too.
  void advance_to(TerminalTime t);

  // ---- The trainee at the device (the kiosk's twin, play's `keys` line) ----------------------
  // Each input happens at the current virtual time; online work then runs to its end (answers,
  // time-outs, the automatic reversal). Records of operations that ended: take_records().
  void press(Key key);
  void present_card(EntryMode mode = EntryMode::insert);  // the customer's card, as told; none when gone
  void customer_pin(bool wrong = false);  // the customer keys their card's PIN (or a wrong one)
  void supervisor();                      // the supervisor keys the 主管密码
  void load_paper() { terminal().set_paper(true); }
  // The card the customer presents from now on: the setup's other card, the main one, or none
  // (the customer has left: an operation that needs a card waits for one that never comes).
  void use_card(CustomerCard card) {
    card_ = card == CustomerCard::other && setup_.other_card.empty() ? CustomerCard::main : card;
  }
  CustomerCard customer_card() const { return card_; }
  // The card at the counter, presented as `mode`; unset: the way that works (chip, else 闪付).
  CardPresentation card(std::optional<EntryMode> mode = std::nullopt) const;
  // A story's screen text on the terminal (EmulatedTerminal::display).
  void show_story_screen(const Text& text) { terminal().display(text); }
  // An operation the story performs, keyed right: a completion, cancel, void or refund quotes the
  // newest fitting original in the terminal's list (as the history replay does).
  std::vector<TerminalRecord> perform_story(TerminalRequest request);
  std::vector<TerminalRecord> take_records() { return terminal().take_records(); }
  // The terminal's and the host's state for the story's conditions.
  TerminalFacts facts() const;
  // An independent copy in the same state (lint's path simulation).
  std::unique_ptr<ScenarioEmulation> clone() const;

  Emulation& emulation() { return *emulation_; }
  // The story's "now" when the replay ended: ReplayOptions::start_ms on the day, at the setup's
  // `time` when it has one.
  TerminalTime start_ms() const { return start_ms_; }
  AcquirerHost& host() { return emulation_->host(); }
  const AcquirerHost& host() const { return emulation_->host(); }
  EmulatedTerminal& terminal() { return emulation_->terminal(); }
  const EmulatedTerminal& terminal() const { return emulation_->terminal(); }
  const Setup& setup() const { return setup_; }
  int online_requests() const { return online_requests_; }
  // The same count for one operation (Fault::op numbers by it).
  int online_requests_of(TerminalOp op) const {
    auto it = online_by_op_.find(op);
    return it == online_by_op_.end() ? 0 : it->second;
  }
  bool reversals_always_fail() const { return reversals_always_fail_; }
  const std::vector<Receipt>& history_receipts() const { return history_receipts_; }
  const std::vector<TerminalRecord>& history_records() const { return history_records_; }
  // TerminalPort::quote_story_original: a completion, cancel or look-up that quotes no original
  // gets the history's newest pre-auth that was still open when the story began, whatever the
  // trainee made or cancelled since. Anything else is left as it is.
  void quote_story_original(TerminalRequest& request) const;
  // The PIN the emulated customer keys (never shown; tests use it to prove it leaks nowhere).
  const std::string& pin() const { return pin_; }
  TerminalTime now_ms() const { return emulation_->now_ms(); }

 private:
  struct CloneTag {};
  ScenarioEmulation(const ScenarioEmulation& other, CloneTag);
  // Runs `act` (inputs to the terminal); when it took a transaction online, the story's next
  // online operation begins (its fault from Setup::faults); then the line settles.
  template <typename Act>
  void drive(Act&& act);
  void quote_original(TerminalRequest& request) const;

  Setup setup_;
  std::string pin_;
  std::unique_ptr<Emulation> emulation_;
  TerminalTime start_ms_;
  ScenarioFaultPlan plan_;
  bool reversals_always_fail_ = false;
  int online_requests_ = 0;
  std::map<TerminalOp, int> online_by_op_;  // the same count per operation (Fault::op)
  int history_slips_ = 0;
  CustomerCard card_ = CustomerCard::main;
  std::vector<Receipt> history_receipts_;
  std::vector<TerminalRecord> history_records_;
  // The originals whose slips the story starts with (quote_story_original).
  std::optional<BatchEntry> history_preauth_;
};

// The replay as a function, for callers that want the emulation on the heap.
std::unique_ptr<ScenarioEmulation> replay_setup(const Setup& setup, const ReplayOptions& options = {});

// The runner's TerminalPort on the emulated terminal and host (the successor of TerminalDouble).
// With a clock, the trainee's time flows into the emulation: an operation starts at start_ms plus
// the clock's time since prepare() (or later, if the emulation's own waits ran ahead).
class EmulatedTerminalPort final : public TerminalPort {
 public:
  explicit EmulatedTerminalPort(const Clock* clock = nullptr, ReplayOptions options = {});
  // Prepared for `setup` at once (so a Runner can be given it in the same initializer list).
  EmulatedTerminalPort(const Clock* clock, const Setup& setup, ReplayOptions options = {});
  void prepare(const Setup& setup) override;
  void request(const TerminalRequest& request) override;
  std::vector<TerminalRecord> poll() override;
  TerminalFacts facts() const override;
  void show_story_screen(const Text& text) override;
  std::vector<TerminalRecord> story_operation(const TerminalRequest& request) override;
  std::vector<Text> take_bank_sms() override;
  void story_wait(int64_t ms) override;
  void story_load_paper() override;
  void story_customer_card(CustomerCard card) override;
  void quote_story_original(TerminalRequest& request) const override;

  // The trainee at the keypad, the card reader and the PIN pad, at the clock's time. Records of
  // operations that ended come out of poll(); every input and the screen it led to come out of
  // take_inputs() (the PIN as "******").
  void press(Key key);
  void present_card(EntryMode mode = EntryMode::insert);  // inserted, tapped (闪付) or swiped
  void customer_pin(bool wrong = false);
  void supervisor();
  std::vector<KeyedInput> take_inputs() { return std::exchange(inputs_, {}); }
  // The whole screens the last input passed through on its way to the screen shown now (处理中…,
  // 自动冲正… 第1次 共3次), oldest first, for a front end that shows them one after another.
  // Each input replaces the list.
  const std::vector<Screen>& passed_screens() const { return passed_screens_; }
  // The screen the trainee's last input or request() left, before the story keyed anything of its
  // own (a narrative's operation): what a front end shows as the result of the trainee's act.
  const Screen& trainee_screen() const { return trainee_screen_; }

  // Null before prepare().
  ScenarioEmulation* scenario() { return scenario_.get(); }
  const ScenarioEmulation* scenario() const { return scenario_.get(); }

 private:
  void catch_up();
  void note(std::string input);

  const Clock* clock_;
  ReplayOptions options_;
  std::unique_ptr<ScenarioEmulation> scenario_;
  MonoTime clock_at_prepare_;
  std::vector<TerminalRecord> done_;
  std::vector<KeyedInput> inputs_;
  std::vector<Screen> passed_screens_;
  Screen trainee_screen_;
  std::size_t sms_shown_ = 0;  // the host's messages handed out by take_bank_sms()
  int64_t story_skip_ms_ = 0;  // time the story jumped ahead (minutes_later)
};

}  // namespace posdrill
