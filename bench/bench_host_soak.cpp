// How much memory a long-running `posdrill host` holds: the host in miniature (FrameServer +
// WireHost + AcquirerHost) runs in a child process, an emulated terminal in this one drives N
// exchanges over loopback (sales and balance inquiries in turn, a settlement every 1,000 so the
// terminal's own batch stays small), and the child's resident memory is read from
// /proc/PID/status at checkpoints. The host's clock stands still and the velocity rule is off,
// so every sale is approved and nothing expires by time: only the host's own bounds can keep its
// books from growing. Prints figures; it asserts nothing.
// Usage: bench_host_soak [EXCHANGES] (default 100,000)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench_card.h"

#include "device_bridge/net/tcp.h"
#include "device_bridge/net/wire_link.h"
#include "device_bridge/wire.h"

using namespace posdrill;

namespace {

constexpr const char* pan = bench::card_pan;
constexpr const char* pin = bench::card_pin;

// VmRSS and VmHWM of a process in KiB (0 when unreadable).
std::pair<long, long> memory_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  long rss = 0, hwm = 0;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::atol(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::atol(line.c_str() + 6);
  }
  return {rss, hwm};
}

FrameServer* child_server = nullptr;
extern "C" void on_term(int) {
  if (child_server) child_server->stop();
}

}  // namespace

int main(int argc, char** argv) {
  const long exchanges = argc > 1 ? std::max(1000L, std::atol(argv[1])) : 100'000L;
  const Setup setup = bench::card_setup();
  HostConfig config = host_config_from(setup);
  config.velocity.enabled = false;

  // Everything the host needs exists before fork(); the child serves on one thread.
  AcquirerHost host(config);
  WireHost wire(host);
  FrameServer server([&](std::string_view req) { return wire.handle(req, default_training_start_ms()); },
                     FrameServer::Options{});
  std::string error;
  Endpoint at{"127.0.0.1", 0};
  if (!server.listen(at, error)) {
    std::fprintf(stderr, "cannot listen: %s\n", error.c_str());
    return 1;
  }
  at.port = server.port();
  std::fflush(stdout);
  const pid_t child = ::fork();
  if (child < 0) return 1;
  if (child == 0) {
    child_server = &server;
    ::signal(SIGTERM, on_term);
    server.serve();
    std::_Exit(0);
  }

  TcpHostLink::Options link;
  link.connect_timeout_ms = 2'000;
  link.answer_timeout_ms = 2'000;
  WiredTerminal t(setup, at, default_training_start_ms(), link);
  CardPresentation card;
  card.pan = pan;
  auto run = [&](TerminalOp op, std::optional<int64_t> amount) {
    TerminalRequest r;
    r.op = op;
    r.amount_minor = amount;
    auto records = t.run(r, card, pin);
    t.terminal.take_receipts();
    return records.empty() ? TerminalRecord{} : records.back();
  };
  run(TerminalOp::sign_on, std::nullopt);
  auto [rss0, hwm0] = memory_kib(child);
  std::printf("host soak: %ld exchanges over loopback (sale / balance inquiry, settlement every 1000)\n", exchanges);
  std::printf("%10s %12s %12s %10s\n", "exchanges", "host RSS KiB", "peak KiB", "approved");
  std::printf("%10d %12ld %12ld %10d\n", 0, rss0, hwm0, 0);
  long approved = 0, done = 0;
  const auto began = std::chrono::steady_clock::now();
  for (long i = 1; i <= exchanges; ++i) {
    TerminalRecord r = i % 1000 == 0 ? run(TerminalOp::settlement, std::nullopt)
                       : i % 2 == 1  ? run(TerminalOp::sale, 100)
                                     : run(TerminalOp::balance_inquiry, std::nullopt);
    ++done;
    approved += r.approved() ? 1 : 0;
    if (r.response_code.empty()) {
      std::printf("exchange %ld got no answer (%s); stopping\n", i, t.tcp.last_problem().c_str());
      break;
    }
    if (i % 10'000 == 0 || i == exchanges) {
      auto [rss, hwm] = memory_kib(child);
      std::printf("%10ld %12ld %12ld %10ld\n", i, rss, hwm, approved);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf("%ld exchanges in %.1f s (%.0f per second, one connection each)\n", done, seconds, done / seconds);
  ::kill(child, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  return 0;
}
