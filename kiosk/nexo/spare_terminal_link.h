// The kiosk's link to a spare real terminal: one thread that owns the NexoTerminalPort (whose
// calls block for as long as the trainee takes at the terminal) and, when configured, the
// host-link fault proxy the terminal's host line runs through. The frame loop never waits on it:
// it leaves jobs (begin / send / end) and reads answers and a health snapshot when it likes.
//
// Health: the thread logs in when it starts, when an attempt begins and, while nothing else is
// going on, every probe_interval_ms (nexo Login: harmless, and the terminal must say it is in
// training mode each time). So a pulled cable or a terminal switched out of training mode shows
// on screen within one interval, not only at the next payment.
//
// The proxy listens for the whole life of the link and passes everything through until an attempt
// of a `faults: proxy` scenario begins; then it applies that scenario's fault plan (the same plan
// `posdrill proxy --scenario` builds), and passes everything again when the attempt ends.
#pragma once

#include <atomic>
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
#include "kiosk/core/spare_terminal.h"
#include "kiosk/core/terminal_settings.h"
#include "kiosk/nexo/nexo_terminal_port.h"

namespace posdrill {

class SpareTerminalLink {
 public:
  struct Options {
    NexoTerminalConfig nexo;
    NexoPost post;                     // empty: libcurl
    std::function<WallTime()> wall_ms;  // empty: the system clock
    int probe_interval_ms = 15'000;
    // The host-link proxy: both set, or neither.
    std::optional<Endpoint> proxy_listen;
    std::optional<Endpoint> proxy_upstream;
    std::vector<std::string> test_hosts;  // the proxy's allow-list besides loopback
    // For the view (the panel shows which amount table is in use).
    std::string acquirer;
    Text acquirer_title;
    std::function<void(const std::string&)> log;  // called from the link's threads; must be thread-safe
    // Called from the link thread after it posted an answer or a health change (the platform
    // wakes its loop with it, so an answer shows at once, not at the next idle wake-up).
    std::function<void()> notify;
  };

  struct Answer {
    uint64_t serial = 0;
    std::vector<TerminalRecord> records;
  };

  // The link the config's `terminal:` section describes, with the acquirer's table looked up in
  // `test_hosts` (content). nullopt with `error` when the section names no terminal (error
  // empty) or cannot be used (error says why: an unknown table, an address that does not parse).
  static std::optional<Options> options_from(const RealTerminalSettings& settings,
                                             const std::vector<TestHostProfile>& test_hosts, std::string& error);

  explicit SpareTerminalLink(Options options);
  SpareTerminalLink(const SpareTerminalLink&) = delete;
  SpareTerminalLink& operator=(const SpareTerminalLink&) = delete;
  ~SpareTerminalLink();

  // Opens the proxy's listening socket (refusing an upstream that is not a test host) and starts
  // the threads. False with `error` in plain words; the link is then unusable.
  bool start(std::string& error);
  // Finishes the operation in flight (at most the port's time-outs), then stops.
  void stop();

  // Jobs, taken in order by the link thread. `scenario` is copied what the link needs of it.
  void begin(uint64_t serial, const Scenario& scenario);
  void send(uint64_t serial, const TerminalRequest& request);
  void end(uint64_t serial);

  // Operations completed since the last call, oldest first.
  std::vector<Answer> take_answers();
  // The health as the link last saw it.
  SpareTerminalView view() const;
  uint16_t proxy_port() const;
  // The proxy's counters (tests, the console).
  HostLinkProxy::Counters proxy_counters() const;

 private:
  struct Job {
    enum class Kind { begin, send, end } kind = Kind::begin;
    uint64_t serial = 0;
    Setup setup;
    bool proxy_faults = false;
    TerminalRequest request;
  };
  void run();
  void publish_health();
  void log(const std::string& line) const;

  Options options_;
  // Raised by stop(): the libcurl transport cancels the operation in flight, so closing the kiosk
  // never waits out a payment's time-out (the terminal times out on its own).
  std::atomic<bool> cancel_{false};
  std::unique_ptr<NexoTerminalPort> port_;  // used only by the link thread
  ProxyFaultPlan plan_;
  std::unique_ptr<HostLinkProxy> proxy_;
  std::thread proxy_thread_;
  std::thread thread_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  std::vector<Answer> answers_;
  SpareTerminalView view_;
  bool stopping_ = false;
};

}  // namespace posdrill
