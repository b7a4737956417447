// A scenario's faults as a relay on the host line applies them (net/proxy.h runs the relay): what
// to do with each request and answer, counted the way the emulator counts them, and the observer
// that reads the line as it passes (wire_watch.h). No sockets here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/model.h"

namespace posdrill {

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

}  // namespace posdrill
