// Scoring a hand-operated terminal from its host line: what a real CUP terminal did, read from
// the ISO 8583 messages that pass through the fault proxy (net/proxy.h) on their way to the acquirer's
// TEST host, turned into the same TerminalRecord the emulated terminal reports, so the scenario
// runner scores both with the same code.
//
//   real terminal ==TCP==> HostLinkProxy (faults) ==TCP==> test host
//                              | ProxyObserver
//                           WireWatch -> WireExchange (TerminalRecord, source "wire") -> runner
//
// What it reads: MTI, DE3/DE25/DE60.1 (the operation, message_builder.h classify()), DE4 (amount),
// DE11 (trace), DE41 (terminal id), DE38/DE61 (the original a void or completion names), DE37
// (a refund's original), DE39 (the answer's code) and DE63 (the acquirer's display text). What it
// never reads: the PIN block (DE52, DE53), track data (DE35, DE36), chip data (DE55) and the MAC
// (DE64) are wiped the moment a message is decoded, unread; the card number (DE2) is masked 6+4
// at once (mask_pan) and only the masked form is kept or logged.
//
// How the terminal's view is rebuilt from the line (each rule mirrors terminal_online.cpp):
// - A request and its answer on one connection (answers come in order) make one record: the
//   answer's code, the request's amount; an approved void, refund or completion quoted its
//   original (references_original) when it carried it (DE61 / DE38 / DE37 with a date).
// - A fault that keeps the answer from the terminal (request or answer dropped, connection cut or
//   reset) makes a record without a code at once; a corrupted answer MAC makes "A0"; a delayed
//   answer counts as received when the delay is within the terminal's answer time (60 s), else as
//   none. A connection closed with a request still unanswered makes a record without a code.
// - A 0400 answered 00, 12 or 25 is the automatic reversal done: the next operation of that
//   terminal gets reversal_sent. A 0400 that goes unanswered (or answered otherwise) is a failed
//   try; after `reversal_tries` failed tries in a row the terminal gives up (冲正不成功): one record
//   with reversal_failed, whose operation the line cannot know (op_known false).
// - 0800 sign-on and 0500 settlement make records too (the trainee may be asked for them);
//   batch uploads (0320) do not. Look-ups and reprints never leave the terminal: the line shows
//   nothing of them.
// - A message that is not the CUP dialect, or a connection that is not length-framed, is relayed
//   unchanged by the proxy; the watch logs it and reports that this terminal cannot be scored,
//   and why (WireWatch::unscorable).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "device_bridge/iso_message.h"
#include "device_bridge/message_builder.h"
#include "device_bridge/fault_plan.h"
#include "scenarios/terminal_port.h"

namespace posdrill {

// One operation of the terminal as the line showed it.
struct WireExchange {
  TerminalRecord record;    // source "wire"
  bool op_known = true;     // false: a reversal that failed before its operation went out (the
                            // record's op is the reversed one's, its amount 0)
  std::string terminal_id;  // DE41
  std::string trace;        // DE11 of the main request ("" for a failed reversal)
  std::string masked_pan;   // 6+4, "" when the request named no card
  // What happened in words, for a running display: "终端发出：消费 328.00 … 收到：00".
  Text line;
};

class WireWatch final : public ProxyObserver {
 public:
  struct Options {
    int reversal_tries = 3;              // the terminal gives up after this many failed 0400s
    int64_t answer_timeout_ms = 60'000;  // a delayed answer later than this is not received
  };
  using Log = std::function<void(const std::string&)>;

  explicit WireWatch(Log log = {});
  WireWatch(Options options, Log log);

  // ProxyObserver (called from the proxy's session threads).
  void on_request(uint64_t connection, std::string_view body, const ProxyAction& action) override;
  void on_answer(uint64_t connection, std::string_view body, const ProxyAction& action) override;
  void on_unframed(uint64_t connection, const std::string& why) override;
  void on_closed(uint64_t connection) override;

  // The next exchange, waiting at most `timeout_ms` (0: do not wait) for one; nullopt when none
  // came, or when stop_waiting() was called.
  std::optional<WireExchange> next(int64_t timeout_ms);
  // Everything that came and was not taken yet, oldest first (does not wait). next() also
  // returns early (nullopt) once the terminal is found unscorable.
  std::vector<WireExchange> take_all();
  // Wakes every next() at once (the run is ending).
  void stop_waiting();
  // Exchanges produced so far (never shrinks).
  uint64_t produced() const;
  // Requests of any kind that went on to the host (a fault that swallowed one does not count):
  // TerminalFacts::host_requests for a terminal whose books cannot be read.
  uint64_t reached_host() const;

  // Why this terminal's operations cannot be scored ("" while they can): the first message that
  // was not the CUP dialect, or the first connection that was not length-framed.
  std::string unscorable() const;

 private:
  struct Pending {
    IsoMessage request;  // sensitive fields wiped, DE2 masked
    bool reversal = false;
  };
  struct TerminalState {
    bool reversal_done = false;  // a reversal was answered since the last operation
    int failed_tries = 0;        // 0400s in a row that got no usable answer
    std::string reversed_op;     // what those 0400s reverse (message_builder name)
    int64_t reversed_amount = 0;
  };
  void emit(WireExchange e);
  void main_done(const Pending& p, const std::string& code, const IsoMessage* answer);
  void reversal_failed_try(const Pending& p);
  void not_cup(uint64_t connection, const std::string& why);

  Options options_;
  Log log_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, std::deque<Pending>> pending_;  // per connection, in send order
  std::map<std::string, TerminalState> terminals_;   // per DE41
  std::deque<WireExchange> ready_;
  uint64_t produced_ = 0;
  uint64_t reached_host_ = 0;
  bool stopped_ = false;
  std::string unscorable_;
};

// The runner's TerminalPort for a real terminal keyed by hand: nothing is started from here (the
// trainee keys the device), records come from the WireWatch. The books cannot be read (facts
// unknown) except the count of requests that reached the host. Owned by the runner's thread.
class WireTerminalPort final : public TerminalPort {
 public:
  struct Options {
    // Amounts of the acquirer test host's table (content/test_hosts): keyed to make the host give
    // an answer, so a record with one of them is judged on the task's amount instead.
    std::vector<int64_t> test_amounts;
    int64_t story_wait_ms = 120'000;  // how long a story's operation waits for the terminal
  };
  // Told when the story needs an operation on the terminal (a `does:`): someone must key it.
  using Announce = std::function<void(const TerminalRequest&)>;
  WireTerminalPort(WireWatch& watch, Options options, Announce announce = {});

  void prepare(const Setup& setup) override { (void)setup; }                // the trainer prepares the device
  void request(const TerminalRequest& request) override { (void)request; }  // keyed on the device
  // Every exchange the line showed since the last call, as records.
  std::vector<TerminalRecord> poll() override;
  TerminalFacts facts() const override;
  // Announces the operation, then waits (story_wait_ms) for it on the line. Look-ups and
  // reprints never reach the line: announced, nothing waited for.
  std::vector<TerminalRecord> story_operation(const TerminalRequest& request) override;

  // The task now waiting (its operation and the amount a right keying gives), for records the
  // line cannot tell fully: a failed reversal's operation, a test host's amount.
  void set_task(std::optional<TerminalOp> op, std::optional<int64_t> amount);
  // The next exchange, waiting at most `timeout_ms`; nullopt when none came, or when the watch
  // found the terminal cannot be scored (WireWatch::unscorable).
  std::optional<WireExchange> wait(int64_t timeout_ms);

 private:
  WireExchange adjust(WireExchange e) const;
  WireWatch& watch_;
  Options options_;
  Announce announce_;
  std::optional<TerminalOp> task_op_;
  std::optional<int64_t> task_amount_;
};

// Every text a WireExchange's `line` can hold, but for its digits (the glyph set of a kiosk that
// shows them).
std::vector<std::string> wire_exchange_texts();

// The menu operation a message operation is shown as (incremental -> pre-auth, completion void
// -> void, completion advice -> completion); nullopt for reversals and batch uploads.
std::optional<TerminalOp> wire_terminal_op(CupOperation op);

}  // namespace posdrill
