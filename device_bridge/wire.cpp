#include "device_bridge/wire.h"

#include <chrono>

#include "device_bridge/crypto.h"

namespace posdrill {

namespace {

int64_t real_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool needs_mac(const IsoMessage& m) { return m.mti != "0800" && m.mti != "0810"; }

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

// A refusal that echoes what the terminal needs to match it to its request.
IsoMessage refusal(const IsoMessage& request, const std::string& code) {
  IsoMessage a;
  a.mti = answer_mti(request.mti);
  for (int de : {3, 4, 11, 12, 13, 25, 41, 42, 49, 60})
    if (request.has(de)) a.set(de, request.get(de));
  a.set(39, code);
  return a;
}

}  // namespace

WireHost::WireHost(AcquirerHost& host, Log log) : host_(host), log_(std::move(log)) {}

FrameServer::Reply WireHost::handle(std::string_view frame_body, int64_t now_ms) {
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
    return FrameServer::Reply::close_connection();
  }
  IsoMessage answer;
  if (needs_mac(request) && info.mac != MacStatus::mac_ok) {
    counters_.add(&Counters::bad_mac);
    if (log_)
      log_("request " + request.mti + " STAN " + request.get(11) + ": " + mac_status_name(info.mac) + ", answered A0");
    answer = refusal(request, "A0");
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
    return FrameServer::Reply::close_connection();
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

WiredTerminal::WiredTerminal(const Setup& setup, const Endpoint& host, int64_t start_ms, TcpHostLink::Options options)
    : WiredTerminal(terminal_config_from(setup), host, start_ms, std::move(options)) {}

WiredTerminal::WiredTerminal(TerminalConfig config, const Endpoint& host, int64_t start_ms,
                             TcpHostLink::Options options)
    : terminal(std::move(config), start_ms),
      tcp(
          host, [this] { return terminal_mac_key(terminal); }, std::move(options)),
      faults(tcp),
      link(terminal, faults, start_ms) {}

std::vector<TerminalRecord> WiredTerminal::run(const TerminalRequest& request, const CardPresentation& card,
                                               std::string_view pin) {
  terminal.start(request, card, pin);
  link.settle();
  return terminal.take_records();
}

TcpHostLink::TcpHostLink(Endpoint host, std::function<std::string()> mac_key, Options options)
    : host_(std::move(host)), mac_key_(std::move(mac_key)), options_(std::move(options)) {}

void TcpHostLink::send(const IsoMessage& request, int64_t now_ms, const HostDirective& directive) {
  const int64_t started = real_ms();
  auto file = [&](LinkEvent ev) {
    ev.at_ms = now_ms + std::max<int64_t>(1, real_ms() - started);
    queue_.push_back(std::move(ev));
  };
  auto fail = [&](LinkFailure f, std::string problem) {
    last_problem_ = std::move(problem);
    LinkEvent ev;
    ev.kind = LinkEvent::Kind::failure;
    ev.failure = f;
    file(std::move(ev));
  };

  // A scripted decline never reaches the remote host: answer it here (the remote process cannot
  // be told per request). It books nothing, as in the in-memory path.
  if (!directive.response_code.empty() && directive.response_code != "00") {
    LinkEvent ev;
    ev.answer = refusal(request, directive.response_code);
    file(std::move(ev));
    return;
  }

  std::string key = needs_mac(request) ? mac_key_() : std::string();
  EncodeOptions eo;
  eo.envelope = options_.envelope;
  eo.mac_key = key;
  std::string bytes;
  if (CodecResult e = encode(request, Dialect::cup, bytes, eo); !e.ok()) {
    fail(LinkFailure::connect_failed, "could not encode the request: " + e.message);
    return;
  }
  NetStatus st;
  TcpConnection c = TcpConnection::connect(host_, options_.connect_timeout_ms, st);
  if (!c.connected()) {
    fail(LinkFailure::connect_failed, "cannot reach the host " + endpoint_text(host_) + ": " + net_status_text(st));
    return;
  }
  if ((st = c.send_frame(bytes, options_.connect_timeout_ms)) != NetStatus::ok) {
    fail(LinkFailure::connection_lost, std::string("sending to the host failed: ") + net_status_text(st));
    return;
  }
  std::string reply;
  if ((st = c.receive_frame(reply, options_.answer_timeout_ms)) != NetStatus::ok) {
    fail(LinkFailure::connection_lost, std::string("no answer from the host: ") + net_status_text(st));
    return;
  }
  IsoMessage answer;
  DecodeInfo info;
  CodecResult d = decode(reply, Dialect::cup, answer, DecodeOptions{key}, &info);
  if (!d.ok()) {
    fail(LinkFailure::connection_lost, "the host's answer is not a message: " + d.message);
    return;
  }
  if (directive.omit_pan) answer.erase(2);
  last_problem_.clear();
  LinkEvent ev;
  ev.answer = std::move(answer);
  ev.mac_ok = !needs_mac(ev.answer) || key.empty() || info.mac == MacStatus::mac_ok;
  file(std::move(ev));
}

std::vector<LinkEvent> TcpHostLink::poll(int64_t now_ms) {
  std::vector<LinkEvent> due;
  std::vector<LinkEvent> later;
  for (auto& ev : queue_) (ev.at_ms <= now_ms ? due : later).push_back(std::move(ev));
  queue_ = std::move(later);
  return due;
}

std::optional<int64_t> TcpHostLink::next_event_ms() const {
  std::optional<int64_t> next;
  for (const auto& ev : queue_)
    if (!next || ev.at_ms < *next) next = ev.at_ms;
  return next;
}

}  // namespace posdrill
