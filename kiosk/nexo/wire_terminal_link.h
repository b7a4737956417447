// The kiosk's link to a spare CUP terminal keyed by hand and scored from its host line (config
// `terminal: wire:`; `posdrill play --wire` is the same on the command line).
//
//   terminal ==TCP==> HostLinkProxy (the drill's faults) ==TCP==> acquirer TEST host / posdrill host
//                         | WireWatch (device_bridge/wire_watch.h)
//                      link thread -> take_exchanges() -> SpareTerminalKeyed -> the attempt
//
// The proxy listens for the kiosk's whole life where the terminal's host address points and passes
// everything through until an attempt begins; then it applies that scenario's fault plan (for
// `faults: proxy`), as the nexo link's proxy does, and passes everything again when it ends. The
// link thread takes what the watch read, tags it with the attempt begun (0: none) and wakes the
// frame loop. Nothing is ever sent to the terminal from here: the trainee keys it.
//
// Health: ready once the proxy listens; last_ok_ms is the last message seen from the terminal
// (a hand-keyed terminal cannot be asked whether it is there). A line that turns out not to speak
// the CUP dialect makes the link refused, with the reason, for the rest of the kiosk's run.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "device_bridge/net/proxy.h"
#include "device_bridge/net/tcp.h"
#include "device_bridge/wire_watch.h"
#include "kiosk/core/spare_terminal.h"
#include "kiosk/core/terminal_settings.h"

namespace posdrill {

class WireTerminalLink {
 public:
  struct Options {
    Endpoint listen;
    Endpoint upstream;
    std::vector<std::string> test_hosts;  // the proxy's allow-list besides loopback
    std::string acquirer;                 // for the view: the test-host table in use
    Text acquirer_title;
    int wait_s = 120;                            // how long a task waits for the trainee (the view's)
    int answer_timeout_s = 60;                   // the terminal's own answer time-out (WireWatch)
    std::function<WallTime()> wall_ms;           // empty: the system clock
    std::function<void(const std::string&)> log;  // from the link's threads; must be thread-safe
    std::function<void()> notify;                // after an exchange or a health change
  };
  struct Exchange {
    uint64_t serial = 0;  // the attempt begun when it came; 0: none
    TerminalRecord record;
    bool op_known = true;
    Text line;
  };

  // The link the config's `terminal: wire:` describes; nullopt with `error` when it names none
  // (error empty) or cannot be used (an unknown test-host table, an address that does not parse).
  static std::optional<Options> options_from(const RealTerminalSettings& settings,
                                             const std::vector<TestHostProfile>& test_hosts, std::string& error);

  explicit WireTerminalLink(Options options);
  WireTerminalLink(const WireTerminalLink&) = delete;
  WireTerminalLink& operator=(const WireTerminalLink&) = delete;
  ~WireTerminalLink();

  // Opens the listening socket (refusing an upstream that is not a test host) and starts the
  // threads. False with `error` in plain words; the link is then unusable.
  bool start(std::string& error);
  void stop();

  void begin(uint64_t serial, const Scenario& scenario);
  void end(uint64_t serial);

  // What the line showed since the last call, oldest first.
  std::vector<Exchange> take_exchanges();
  SpareTerminalView view() const;
  uint16_t port() const;

 private:
  void run();
  void log(const std::string& line) const;
  WallTime now() const;

  Options options_;
  ProxyFaultPlan plan_;
  WireWatch watch_;
  std::unique_ptr<HostLinkProxy> proxy_;
  std::thread proxy_thread_;
  std::thread thread_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  uint64_t serial_ = 0;
  std::deque<Exchange> exchanges_;
  SpareTerminalView view_;
  bool stopping_ = false;
};

// The acquirer's test-host table the config names (`terminal: acquirer:`), or null when it names
// none; false with `error` when it names one content does not have.
bool configured_test_host(const RealTerminalSettings& settings, const std::vector<TestHostProfile>& test_hosts,
                          const TestHostProfile*& found, std::string& error);

}  // namespace posdrill
