// The emulated terminal's side of the wire: its HostLink over a real socket, one short
// connection per exchange, as dial-up style CUP terminals do.
//
//   EmulatedTerminal -> InMemoryLink -> [FaultyLink] -> TcpHostLink ==TCP==> FrameServer -> WireHost
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "device_bridge/emulation.h"
#include "device_bridge/endpoint.h"
#include "device_bridge/wire.h"

namespace posdrill {

// The terminal side: a HostLink over TCP. send() performs the whole exchange at once (connect,
// request, answer or time-out, in real time) and files the outcome at now_ms plus the real time
// it took, so the virtual clock of InMemoryLink sees realistic latency.
class TcpHostLink final : public HostLink {
 public:
  struct Options {
    int connect_timeout_ms = 5'000;
    int answer_timeout_ms = 60'000;  // match the terminal's response time-out
    CupEnvelope envelope;
  };
  // `mac_key` is asked for at each send (it changes when the terminal signs on again); it may
  // return "" before sign-on, when requests go without a MAC.
  TcpHostLink(Endpoint host, std::function<std::string()> mac_key, Options options);

  void send(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) override;
  std::vector<LinkEvent> poll(TerminalTime now_ms) override;
  std::optional<TerminalTime> next_event_ms() const override;

  // The last network problem in words (for the console and the kiosk's link status), or "".
  const std::string& last_problem() const { return last_problem_; }

 private:
  Endpoint host_;
  std::function<std::string()> mac_key_;
  Options options_;
  std::vector<LinkEvent> queue_;
  std::string last_problem_;
};

// An emulated terminal whose line to its host is a real socket, through a fault injector that
// passes everything until given a hook: terminal -> InMemoryLink -> FaultyLink -> TcpHostLink.
// What `posdrill terminal --host`, the loopback tests and the loopback bench drive. Neither
// copyable nor movable (the parts refer to each other).
struct WiredTerminal {
  WiredTerminal(const Setup& setup, const Endpoint& host, TerminalTime start, TcpHostLink::Options options = {});
  // A terminal configured by hand (e.g. starting at a kept trace and batch).
  WiredTerminal(TerminalConfig config, const Endpoint& host, TerminalTime start, TcpHostLink::Options options = {});
  WiredTerminal(const WiredTerminal&) = delete;
  WiredTerminal& operator=(const WiredTerminal&) = delete;

  // Keys `request` with `card` and `pin` (test data), lets the online work finish and returns
  // the records it made, oldest first.
  std::vector<TerminalRecord> run(const TerminalRequest& request, const CardPresentation& card, std::string_view pin);

  EmulatedTerminal terminal;
  TcpHostLink tcp;
  FaultyLink faults;
  InMemoryLink link;
};

}  // namespace posdrill
