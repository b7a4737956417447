#include "device_bridge/net/wire_link.h"

#include "device_bridge/net/tcp.h"

namespace posdrill {

WiredTerminal::WiredTerminal(const Setup& setup, const Endpoint& host, TerminalTime start, TcpHostLink::Options options)
    : WiredTerminal(terminal_config_from(setup), host, start, std::move(options)) {}

WiredTerminal::WiredTerminal(TerminalConfig config, const Endpoint& host, TerminalTime start,
                             TcpHostLink::Options options)
    : terminal(std::move(config), start),
      tcp(
          host, [this] { return terminal_mac_key(terminal); }, std::move(options)),
      faults(tcp),
      link(terminal, faults, start) {}

std::vector<TerminalRecord> WiredTerminal::run(const TerminalRequest& request, const CardPresentation& card,
                                               std::string_view pin) {
  terminal.start(request, card, pin);
  link.settle();
  return terminal.take_records();
}

TcpHostLink::TcpHostLink(Endpoint host, std::function<std::string()> mac_key, Options options)
    : host_(std::move(host)), mac_key_(std::move(mac_key)), options_(std::move(options)) {}

void TcpHostLink::send(const IsoMessage& request, TerminalTime now_ms, const HostDirective& directive) {
  const MonoTime started = steady_now();
  auto file = [&](LinkEvent ev) {
    ev.at_ms = now_ms + std::max<int64_t>(1, steady_now() - started);
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
    ev.answer = refusal_answer(request, directive.response_code);
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

std::vector<LinkEvent> TcpHostLink::poll(TerminalTime now_ms) {
  std::vector<LinkEvent> due;
  std::vector<LinkEvent> later;
  for (auto& ev : queue_) (ev.at_ms <= now_ms ? due : later).push_back(std::move(ev));
  queue_ = std::move(later);
  return due;
}

std::optional<TerminalTime> TcpHostLink::next_event_ms() const {
  std::optional<TerminalTime> next;
  for (const auto& ev : queue_)
    if (!next || ev.at_ms < *next) next = ev.at_ms;
  return next;
}

}  // namespace posdrill
