// The emulated terminal and host on the wire: CUP-dialect ISO 8583 in length frames over TCP.
//
//   EmulatedTerminal -> InMemoryLink -> [FaultyLink] -> TcpHostLink ==TCP==> FrameServer -> WireHost -> AcquirerHost
//
// WireHost turns one received frame into one answer frame (decode, MAC check, AcquirerHost,
// encode); `posdrill host` serves it. TcpHostLink is the terminal's HostLink over a real socket:
// one short connection per exchange, as dial-up style CUP terminals do.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "device_bridge/counters.h"
#include "device_bridge/emulation.h"
#include "device_bridge/iso8583.h"
#include "device_bridge/tcp.h"

namespace posdrill {

// The host side of the wire. Not thread-safe: one FrameServer thread calls it.
class WireHost {
 public:
  struct Counters {
    uint64_t requests = 0, answered = 0, undecodable = 0, bad_mac = 0;
  };
  using Log = std::function<void(const std::string&)>;

  WireHost(AcquirerHost& host, Log log = {});

  // One request frame body -> one answer frame body. Bytes that are not a CUP message are logged,
  // counted and answered by closing the connection (Reply::close_connection): nothing can be
  // answered without an MTI and a STAN, and a peer that sends garbage is not a terminal. A
  // request with a bad or missing MAC is answered A0 without being processed. Only the sign-on
  // (0800) travels without a MAC: a terminal that lost its keys must still be able to sign on.
  FrameServer::Reply handle(std::string_view frame_body, int64_t now_ms);
  // Answers like an acquirer's TEST host (content/test_hosts): a request for one of these amounts
  // (fen) is answered with its code and books nothing, as the scenario fault `respond` does (a
  // forced 55 still counts as a wrong PIN). Other amounts go through the host's rules.
  void answer_by_amount(std::map<int64_t, std::string> codes) { by_amount_ = std::move(codes); }
  // Safe from any thread; a request is counted before its answer leaves.
  Counters counters() const { return counters_.get(); }

 private:
  AcquirerHost& host_;
  Log log_;
  std::map<int64_t, std::string> by_amount_;
  SharedCounters<Counters> counters_;
};

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

  void send(const IsoMessage& request, int64_t now_ms, const HostDirective& directive) override;
  std::vector<LinkEvent> poll(int64_t now_ms) override;
  std::optional<int64_t> next_event_ms() const override;

  // The last network problem in words (for the console and the kiosk's link status), or "".
  const std::string& last_problem() const { return last_problem_; }

 private:
  Endpoint host_;
  std::function<std::string()> mac_key_;
  Options options_;
  std::vector<LinkEvent> queue_;
  std::string last_problem_;
};

// The MAC key an emulated terminal uses now: its working key after sign-on, else "".
std::string terminal_mac_key(const EmulatedTerminal& terminal);

// An emulated terminal whose line to its host is a real socket, through a fault injector that
// passes everything until given a hook: terminal -> InMemoryLink -> FaultyLink -> TcpHostLink.
// What `posdrill terminal --host`, the loopback tests and the loopback bench drive. Neither
// copyable nor movable (the parts refer to each other).
struct WiredTerminal {
  WiredTerminal(const Setup& setup, const Endpoint& host, int64_t start_ms, TcpHostLink::Options options = {});
  // A terminal configured by hand (e.g. starting at a kept trace and batch).
  WiredTerminal(TerminalConfig config, const Endpoint& host, int64_t start_ms, TcpHostLink::Options options = {});
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
