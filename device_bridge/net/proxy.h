// The host-link fault proxy: a TCP relay between a spare REAL terminal and its acquirer's TEST
// host, so a scenario can lose, delay, cut or corrupt the real terminal's traffic with the same
// fault script the emulator uses (Setup::faults and the history's faults).
//
//   real terminal ==TCP==> HostLinkProxy ==TCP==> acquirer test host (or `posdrill host`)
//
// One thread per connection (bounded by max_sessions); every wait has a time-out, every buffer a
// bound, and no peer can stop the proxy. It reads the 2-byte length framing (framing.h) so a fault
// hits one message: a request from the terminal or the answer to it. A stream that does not look
// framed is relayed byte for byte, unchanged, and the log says so. The log names message counts,
// lengths, the MTI when it can be read and the fault applied, never the bytes of a message (they
// carry card data).
//
// What each scenario fault becomes here (FaultKind -> ProxyAction), mirroring FaultyLink:
//   answer_lost        forward the request, swallow its answer: the host booked it, the terminal
//                      times out and keeps a reversal record.
//   request_lost       swallow the request and close both sides: the host never sees it.
//   delay              hold the answer `seconds` before passing it on.
//   refuse_connection  the connection that carries the request is reset as soon as the request
//                      is read, before anything reaches the host. (A TCP connection can only be
//                      refused before anyone knows what it will carry, and a terminal dials for
//                      its sign-on and reversals too; so the proxy resets it on the message.)
//   bad_mac            forward the request, flip one bit of the answer's MAC: the host booked it,
//                      the terminal rejects the answer (A0) and keeps a reversal record.
//   reversal_fails     every 0400 of the hit operation is swallowed (the connection stays open).
//   omit_pan, respond  cannot be done on the wire (the answer's MAC would break): a scenario that
//                      needs them chooses the host's answer by test amount instead
//                      (real_terminal.mode: amounts) or stays on the emulator.
// Two actions have no emulator name: `cut` (forward the request, then close both sides when the
// answer comes, dropping it) and `corrupt_request` (flip one bit of the request's MAC: the host
// answers A0 and books nothing).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "device_bridge/counters.h"
#include "device_bridge/endpoint.h"
#include "device_bridge/fault_plan.h"
#include "device_bridge/net/tcp.h"
#include "scenarios/model.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// The proxy
// ---------------------------------------------------------------------------------------------

class HostLinkProxy {
 public:
  struct Options {
    Endpoint upstream;
    std::vector<std::string> test_hosts;  // the allow-list besides loopback (see upstream_allowed)
    int connect_timeout_ms = 5'000;       // to the upstream
    int idle_timeout_ms = 120'000;        // a connection with no traffic either way is closed
    // At the limit a newcomer takes the slot of the session idle longest (nothing buffered, no
    // answer outstanding); when none is idle it is refused (reset at once).
    int max_sessions = 16;
    std::size_t max_buffered = 64 * 1024;  // per direction; reading pauses while it is full
  };
  using Log = std::function<void(const std::string&)>;

  HostLinkProxy(Options options, ProxyFaultPlan* plan, Log log = {});
  HostLinkProxy(const HostLinkProxy&) = delete;
  HostLinkProxy& operator=(const HostLinkProxy&) = delete;
  ~HostLinkProxy();

  // Checks the upstream against the allow-list, then binds and listens (port 0: any free port).
  // False with `error` set; a refused upstream never opens the listening socket.
  bool listen(const Endpoint& at, std::string& error);
  uint16_t port() const { return listener_.port(); }
  // Someone to tell about every message (null: nobody). Set before serve(); must outlive it.
  void set_observer(ProxyObserver* observer) { observer_ = observer; }

  // Serves until stop() (from any thread, or a signal handler) or, with run_for_ms >= 0, that
  // time. Waits for its connections to finish before returning.
  void serve(int run_for_ms = -1);
  void stop();

  struct Counters {
    uint64_t connections = 0, refused = 0, upstream_failures = 0, requests = 0, answers = 0, faults = 0,
             raw_connections = 0, raw_bytes = 0, evicted = 0, turned_away = 0;
  };
  // Safe from any thread; each event is counted before the peer can see its effect.
  Counters counters() const { return counters_.get(); }
  // Waits (at most timeout_ms) until `until` holds for the counters; returns them then.
  Counters wait_counters(const std::function<bool(const Counters&)>& until, int timeout_ms) const {
    return counters_.wait_until(until, timeout_ms);
  }

 private:
  struct Session;
  // What serve() sees of a running session, to pick one to give up its slot.
  struct Slot {
    std::mutex fd_mutex;   // guards terminal_fd against the session closing it meanwhile
    int terminal_fd = -1;  // -1 once the session has closed it
    std::atomic<bool> idle{true};
    std::atomic<MonoTime> last_activity{MonoTime{}};
    std::atomic<bool> evicted{false};
  };
  void run_session(int terminal_fd, uint64_t id, Slot& slot);
  void log(const std::string& line);
  void reap(bool all);
  // Ends the session idle longest to make room; false when none is idle.
  bool evict_idle();

  Options options_;
  ProxyFaultPlan* plan_;
  ProxyObserver* observer_ = nullptr;
  Log log_;
  Listener listener_;  // its wake byte stays in the pipe: stop() wakes serve() and every session
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;  // guards log_ calls and threads_
  SharedCounters<Counters> counters_;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
    std::shared_ptr<Slot> slot;
  };
  std::vector<Worker> threads_;
};

}  // namespace posdrill
