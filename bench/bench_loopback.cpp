// End-to-end figures over loopback: transactions per second between an EmulatedTerminal and
// `posdrill host` in miniature (WireHost + AcquirerHost behind a FrameServer thread on
// 127.0.0.1), CUP dialect, MAC both ways, a new TCP connection per exchange as TcpHostLink makes
// it. Each run starts a fresh host and terminal, signs on once (not timed), then plays N sales and
// N balance inquiries. Prints the median and spread over several runs, the mean latency per
// exchange and how many were approved (fewer than N means the figures measure a broken run); it
// asserts nothing. Usage: bench_loopback [RUNS] [EXCHANGES_PER_RUN]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "bench_card.h"
#include "bench_stats.h"

#include "device_bridge/net/tcp.h"
#include "device_bridge/net/wire_link.h"
#include "device_bridge/wire.h"

using namespace posdrill;
using WallClock = std::chrono::steady_clock;

namespace {

constexpr const char* pan = bench::card_pan;
constexpr const char* pin = bench::card_pin;
constexpr int64_t sale_minor = 100;

using bench::print;
using bench::stats;

// `posdrill host` in miniature, as in tests/device_bridge/test_wire.cpp. Only the server thread
// touches the host while it serves; counters are read after finish() has joined it.
struct LoopbackHost {
  AcquirerHost host;
  WireHost wire{host};
  FrameServer server;
  std::thread thread;
  Endpoint at{"127.0.0.1", 0};
  bool listening = false;

  explicit LoopbackHost(HostConfig config)
      : host(std::move(config)),
        // Host time stands still: with the velocity rule off nothing in a sale depends on it.
        server([this](std::string_view req) { return wire.handle(req, default_training_start_ms()); },
               FrameServer::Options{}) {
    std::string error;
    listening = server.listen(at, error);
    if (!listening) {
      std::fprintf(stderr, "cannot listen: %s\n", error.c_str());
      return;
    }
    at.port = server.port();
    thread = std::thread([this] { server.serve(); });
  }
  void finish() {
    if (!thread.joinable()) return;
    server.stop();
    thread.join();
  }
  ~LoopbackHost() { finish(); }
};

// The terminal with its line to the host over a real socket (its fault injector is never armed).
struct LoopbackTerminal : WiredTerminal {
  LoopbackTerminal(const Setup& setup, const Endpoint& host)
      : WiredTerminal(setup, host, default_training_start_ms(), link_options()) {}

  // Short real-time limits so a broken host costs seconds, not the terminal's 60 s per exchange.
  static TcpHostLink::Options link_options() {
    TcpHostLink::Options o;
    o.connect_timeout_ms = 2'000;
    o.answer_timeout_ms = 2'000;
    return o;
  }

  // The record of the operation; response_code "" when no answer arrived.
  TerminalRecord run(TerminalOp op, std::optional<int64_t> amount) {
    TerminalRequest r;
    r.op = op;
    r.amount_minor = amount;
    CardPresentation card;
    card.pan = pan;
    auto records = WiredTerminal::run(r, card, pin);
    terminal.take_receipts();  // dropped: only the records matter here, and they would pile up
    return records.empty() ? TerminalRecord{} : records.back();
  }
};

struct OpRun {
  double seconds = 0;
  int done = 0;  // exchanges actually made (fewer than asked when one got no answer)
  int approved = 0;
  std::string first_refusal;  // response code and screen of the first non-approval, for the report
};

// `n` operations back to back. Stops at the first one without an answer: the terminal would then
// send a reversal ahead of the next one, and the figure would no longer be one exchange each.
OpRun play(LoopbackTerminal& t, TerminalOp op, std::optional<int64_t> amount, int n) {
  OpRun out;
  auto t0 = WallClock::now();
  for (int i = 0; i < n; ++i) {
    TerminalRecord r = t.run(op, amount);
    ++out.done;
    if (r.approved()) {
      ++out.approved;
    } else if (out.first_refusal.empty()) {
      out.first_refusal = "RC '" + r.response_code + "' " + r.screen.en + " (" + t.tcp.last_problem() + ")";
    }
    if (r.response_code.empty()) break;
  }
  out.seconds = std::chrono::duration<double>(WallClock::now() - t0).count();
  return out;
}

struct OpFigures {
  explicit OpFigures(const char* label) : name(label) {}
  const char* name;
  std::vector<double> tx_per_s, latency_us;
  long done = 0, approved = 0;
  std::string first_refusal;

  void add(const OpRun& r) {
    if (r.done > 0 && r.seconds > 0) {
      tx_per_s.push_back(r.done / r.seconds);
      latency_us.push_back(r.seconds * 1e6 / r.done);
    }
    done += r.done;
    approved += r.approved;
    if (first_refusal.empty()) first_refusal = r.first_refusal;
  }
  void report() const {
    std::printf("%s: approved %ld of %ld%s%s\n", name, approved, done,
                first_refusal.empty() ? "" : "; first refusal: ", first_refusal.c_str());
    if (tx_per_s.empty()) return;
    print((std::string(name) + " throughput").c_str(), "tx/s", stats(tx_per_s));
    print((std::string(name) + " mean latency per exchange").c_str(), "us", stats(latency_us));
  }
};

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::max(5, std::atoi(argv[1])) : 7;
  int per_run = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1000;
  const Setup setup = bench::card_setup();
  HostConfig config = host_config_from(setup);
  config.velocity.enabled = false;  // the 刷卡频繁 rule would decline the third sale in 5 minutes

  std::printf("loopback: terminal -> TCP 127.0.0.1 -> host, CUP + MAC, new connection per exchange; %d runs of %d\n",
              runs, per_run);
  OpFigures sales{"sale"}, inquiries{"balance inquiry"};
  uint64_t accepted = 0, answered = 0, bad_mac = 0, undecodable = 0;
  for (int i = 0; i < runs; ++i) {
    LoopbackHost host(config);
    if (!host.listening) return 1;
    LoopbackTerminal t(setup, host.at);
    TerminalRecord sign_on = t.run(TerminalOp::sign_on, std::nullopt);
    if (!sign_on.approved() || !t.terminal.signed_on()) {
      std::printf("sign-on failed: RC '%s' %s (%s)\n", sign_on.response_code.c_str(), sign_on.screen.en.c_str(),
                  t.tcp.last_problem().c_str());
      return 1;
    }
    sales.add(play(t, TerminalOp::sale, sale_minor, per_run));
    inquiries.add(play(t, TerminalOp::balance_inquiry, std::nullopt, per_run));
    host.finish();
    accepted += host.server.counters().accepted;
    answered += host.wire.counters().answered;
    bad_mac += host.wire.counters().bad_mac;
    undecodable += host.wire.counters().undecodable;
  }
  sales.report();
  inquiries.report();
  // One connection per exchange, sign-ons included: accepted should equal answered.
  std::printf("host: %llu connections, %llu answered, %llu bad MAC, %llu undecodable\n",
              static_cast<unsigned long long>(accepted), static_cast<unsigned long long>(answered),
              static_cast<unsigned long long>(bad_mac), static_cast<unsigned long long>(undecodable));
  return 0;
}
