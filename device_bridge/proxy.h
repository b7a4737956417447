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
#include "device_bridge/tcp.h"
#include "scenarios/model.h"

namespace posdrill {

// ---------------------------------------------------------------------------------------------
// Upstream safety
// ---------------------------------------------------------------------------------------------

// Whether the proxy may send a real terminal's traffic to `upstream`. Allowed: a loopback address
// (127.0.0.0/8, ::1, "localhost"), or an address listed in `test_hosts` ("ADDR" for any port,
// "ADDR:PORT" for one port; numeric addresses only). Host names are refused: a name can start
// resolving to a production host without anyone editing the allow-list. False with `why` set.
bool upstream_allowed(const Endpoint& upstream, const std::vector<std::string>& test_hosts, std::string& why);
// An allow-list entry's shape: one numeric address, optionally with a port; not unspecified
// (0.0.0.0, ::), multicast or broadcast. False with `why` set.
bool valid_test_host_entry(std::string_view entry, std::string& why);

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

struct ProxyAction {
  enum class Kind {
    pass,
    drop_request,
    request_lost,
    drop_answer,
    delay,
    cut,
    refuse,
    corrupt_request,
    corrupt_answer
  };
  Kind kind = Kind::pass;
  int delay_ms = 0;  // delay
};
const char* proxy_action_name(ProxyAction::Kind k);
// The proxy's version of a scenario fault; nullopt for faults the wire cannot produce (omit_pan,
// respond). reversal_fails -> drop_request (applied to the operation's 0400s by ProxyFaultPlan).
std::optional<ProxyAction> proxy_action_of(const Fault& fault);

// What the proxy knows about one message (never its contents).
struct FrameInfo {
  std::size_t length = 0;
  std::string mti;  // "0200", or "" when it cannot be read
};
// The MTI of a frame body in the CUP dialect (TPDU 60…, header, 2 BCD bytes) or the interop
// dialect (4 ASCII digits first); "" otherwise.
std::string frame_mti(std::string_view body);

// A scenario's fault script as the proxy applies it, counting the terminal's "main" requests:
// every request that is not a reversal (0400), a sign-on (0800/0820) or a batch upload (0320).
// Request numbers follow the emulator: the setup's online history entries first (oldest first,
// as ScenarioEmulation replays them: a trainer runs them on the real terminal through the
// proxy to prepare it), then Setup::faults' `request: N` as history + N. The count spans every
// connection of the proxy, so run one proxy per real terminal. Thread-safe.
class ProxyFaultPlan {
 public:
  struct Rule {
    int request = 0;  // 1-based main request; 0: every one (reversal_fails only)
    ProxyAction action;
    bool reversals = false;  // reversal_fails: the operation's 0400s vanish
  };
  ProxyFaultPlan() = default;
  explicit ProxyFaultPlan(std::vector<Rule> rules) : rules_(std::move(rules)) {}
  // Moves only before a proxy uses it (the count moves along; the mutex does not need to).
  ProxyFaultPlan(ProxyFaultPlan&& o) noexcept : rules_(std::move(o.rules_)), main_(o.main_) {}
  ProxyFaultPlan& operator=(ProxyFaultPlan&& o) noexcept {
    rules_ = std::move(o.rules_);
    main_ = o.main_;
    return *this;
  }
  // The plan for a scenario's setup. Faults the wire cannot produce are left out and named in
  // `skipped` ("omit_pan (history)", "respond 61 (request 1)").
  static ProxyFaultPlan from_setup(const Setup& setup, std::vector<std::string>* skipped = nullptr);
  // The plan for a bare fault list (the `faults:` of a --faults file): request N is main request N.
  static ProxyFaultPlan from_faults(const std::vector<Fault>& faults, std::vector<std::string>* skipped = nullptr);

  // Another scenario's rules while the proxy runs (the kiosk plays one scenario after another);
  // the request count starts again. Thread-safe.
  void replace(std::vector<Rule> rules);

  // A request from the terminal: what to do with it. Counts main requests.
  ProxyAction on_request(const FrameInfo& info);
  int main_requests() const;
  const std::vector<Rule>& rules() const { return rules_; }

 private:
  const Rule* rule_for(int request) const;
  std::vector<Rule> rules_;
  mutable std::mutex mutex_;
  int main_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Watching the line
// ---------------------------------------------------------------------------------------------

// Someone who reads the line as it passes (wire_watch.h scores a hand-operated terminal from it).
// Called on the session's thread, in the order things happen on that connection; calls for
// different connections may overlap, so an implementation locks. `connection` is the number the
// proxy's log uses. The bytes are a frame's body, before any fault changes them.
class ProxyObserver {
 public:
  virtual ~ProxyObserver() = default;
  // A request from the terminal and what the proxy does to it.
  virtual void on_request(uint64_t connection, std::string_view body, const ProxyAction& action) = 0;
  // An answer from the host and what the proxy does to it (the action of its request).
  virtual void on_answer(uint64_t connection, std::string_view body, const ProxyAction& action) = 0;
  // The connection is not length-framed: its bytes pass through unread.
  virtual void on_unframed(uint64_t connection, const std::string& why) = 0;
  // The connection ended (either side closed it, a fault cut it, or the proxy stopped).
  virtual void on_closed(uint64_t connection) = 0;
};

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
    std::atomic<int64_t> last_activity_ms{0};
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
