// The emulated terminal and host on the wire: CUP-dialect ISO 8583 in length frames over TCP.
//
//   EmulatedTerminal -> InMemoryLink -> [FaultyLink] -> TcpHostLink ==TCP==> FrameServer -> WireHost -> AcquirerHost
//
// WireHost turns one received frame into one answer frame (decode, MAC check, AcquirerHost,
// encode); `posdrill host` serves it with net/tcp.h's FrameServer. The terminal's side, TcpHostLink
// over a real socket, is in net/wire_link.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "device_bridge/counters.h"
#include "device_bridge/emulation.h"
#include "device_bridge/exchange.h"
#include "device_bridge/iso8583.h"

namespace posdrill {

// The host side of the wire. Not thread-safe: one server thread calls it.
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
  FrameReply handle(std::string_view frame_body, TerminalTime now_ms);
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

// The host's answer refusing `request` with `code`, echoing what the terminal needs to match it to
// its request (processing code, amount, trace, date and time, terminal and merchant).
IsoMessage refusal_answer(const IsoMessage& request, const std::string& code);

// Whether a message travels with a MAC on the host line: all but the sign-on (0800/0810), so a
// terminal that lost its keys can still sign on.
bool needs_mac(const IsoMessage& m);

// The MAC key an emulated terminal uses now: its working key after sign-on, else "".
std::string terminal_mac_key(const EmulatedTerminal& terminal);

}  // namespace posdrill
