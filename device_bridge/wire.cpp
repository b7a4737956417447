#include "device_bridge/wire.h"

#include "device_bridge/crypto.h"

namespace posdrill {

namespace {

std::string host_mac_key(const AcquirerHost& host) {
  const std::string& k = host.config().mac_key;
  return k.empty() ? std::string(test_mac_key()) : k;
}

// The answer MTI for a request MTI: 0200 -> 0210, 0400 -> 0410.
std::string answer_mti(const std::string& mti) {
  if (mti.size() != 4) return "0810";
  std::string a = mti;
  a[2] = static_cast<char>(a[2] + 1 > '9' ? '9' : a[2] + 1);
  return a;
}

}  // namespace

IsoMessage refusal_answer(const IsoMessage& request, const std::string& code) {
  IsoMessage a;
  a.mti = answer_mti(request.mti);
  for (int de : {3, 4, 11, 12, 13, 25, 41, 42, 49, 60})
    if (request.has(de)) a.set(de, request.get(de));
  a.set(39, code);
  return a;
}

bool needs_mac(const IsoMessage& m) { return m.mti != "0800" && m.mti != "0810"; }

WireHost::WireHost(AcquirerHost& host, Log log) : host_(host), log_(std::move(log)) {}

FrameReply WireHost::handle(std::string_view frame_body, TerminalTime now_ms) {
  counters_.add(&Counters::requests);
  const std::string key = host_mac_key(host_);
  IsoMessage request;
  DecodeInfo info;
  CodecResult r = decode(frame_body, Dialect::cup, request, DecodeOptions{key}, &info);
  if (!r.ok()) {
    counters_.add(&Counters::undecodable);
    if (log_)
      log_("closed the connection of an undecodable request (" + std::string(codec_error_name(r.error)) +
           "): " + r.message);
    return FrameReply::close_connection();
  }
  IsoMessage answer;
  if (needs_mac(request) && info.mac != MacStatus::mac_ok) {
    counters_.add(&Counters::bad_mac);
    if (log_)
      log_("request " + request.mti + " STAN " + request.get(11) + ": " + mac_status_name(info.mac) + ", answered A0");
    answer = refusal_answer(request, "A0");
  } else {
    HostDirective directive;
    if (!by_amount_.empty() && request.get(4).size() == 12 && request.mti != "0400") {
      // DE4 decoded as n12: 12 digits. The table's "00" amount is simply approved by the rules.
      const int64_t fen = std::stoll(request.get(4));
      if (auto it = by_amount_.find(fen); it != by_amount_.end() && it->second != "00")
        directive.response_code = it->second;
    }
    answer = host_.handle(request, now_ms, directive);
  }
  EncodeOptions eo;
  eo.envelope = reply_envelope(info.envelope);
  if (needs_mac(answer)) eo.mac_key = key;
  std::string out;
  CodecResult e = encode(answer, Dialect::cup, out, eo);
  if (!e.ok()) {
    // Our own answer must always encode; if it does not, say so rather than go silent.
    if (log_) log_("could not encode the answer to " + request.mti + ": " + e.message);
    return FrameReply::close_connection();
  }
  counters_.add(&Counters::answered);
  if (log_) {
    // The host's reason for a rule's decline (never card data: at most the last 4 digits).
    const std::string& note = host_.journal().empty() ? std::string() : host_.journal().back().note;
    log_(request.mti + " STAN " + request.get(11) + " -> " + answer.mti + " RC " + answer.get(39) +
         (note.empty() || answer.get(39) == "A0" ? "" : " (" + note + ")"));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

std::string terminal_mac_key(const EmulatedTerminal& terminal) {
  const auto& keys = terminal.working_keys();
  return keys ? keys->mac_key : std::string();
}

}  // namespace posdrill
