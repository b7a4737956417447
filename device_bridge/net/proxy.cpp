// The host-link fault proxy (proxy.h).
//
// [SECTION] Sessions: one thread per terminal connection, a poll() loop over both sockets
// [SECTION] The listening side

#include "device_bridge/net/proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <memory>

namespace posdrill {

namespace {

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

// Closes with a TCP reset instead of an orderly FIN: the peer sees "connection reset" at once.
void reset_close(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Sessions
// ---------------------------------------------------------------------------------------------

namespace {

// A partial frame that does not complete within this time means the stream is not framed after
// all (a length-looking first word by chance): relay it raw.
constexpr int64_t partial_frame_ms = 2'000;

std::size_t frame_length(const std::string& buf) {
  return (std::size_t(static_cast<unsigned char>(buf[0])) << 8) | static_cast<unsigned char>(buf[1]);
}

// One bit of the last byte: the MAC's last character when DE64 is present (it is the last field
// of a CUP message), so the message still decodes but its MAC no longer matches.
std::string flip_last_bit(std::string body) {
  if (!body.empty()) body.back() = char(static_cast<unsigned char>(body.back()) ^ 0x01);
  return body;
}

}  // namespace

struct HostLinkProxy::Session {
  // Bytes read and not yet parsed, bytes waiting to be written, per direction.
  std::string from_terminal, from_host, to_host, to_terminal;
  std::optional<MonoTime> from_terminal_since, from_host_since;  // when a partial frame started waiting
  std::deque<ProxyAction> answers;                       // treatment of each forwarded request's answer
  std::vector<std::pair<MonoTime, std::string>> delayed;  // held answers (due time, framed bytes)
  bool raw = false;
  bool terminal_open = true, host_open = true;
  bool end = false;  // close both sides now
};

HostLinkProxy::HostLinkProxy(Options options, ProxyFaultPlan* plan, Log log)
    : options_(std::move(options)), plan_(plan), log_(std::move(log)) {}

HostLinkProxy::~HostLinkProxy() {
  stop();
  reap(true);
}

void HostLinkProxy::log(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (log_) log_(line);
}

void HostLinkProxy::run_session(int terminal_fd, uint64_t id, Slot& slot) {
  const std::string tag = "connection " + std::to_string(id) + ": ";
  auto count = [&](uint64_t Counters::*member, uint64_t n = 1) { counters_.add(member, n); };
  // Closes the terminal's side once, under the slot's lock (serve() may be shutting it down).
  auto close_terminal = [&](bool reset) {
    std::lock_guard lock(slot.fd_mutex);
    if (slot.terminal_fd < 0) return;
    reset ? reset_close(terminal_fd) : void(::close(terminal_fd));
    slot.terminal_fd = -1;
  };
  NetStatus st = NetStatus::ok;
  TcpConnection upstream = TcpConnection::connect(options_.upstream, options_.connect_timeout_ms, st);
  if (!upstream.connected()) {
    // Counted and logged first: whoever sees the reset may look at the counters at once.
    count(&Counters::upstream_failures);
    log(tag + "cannot reach the upstream " + endpoint_text(options_.upstream) + " (" + net_status_text(st) +
        "); the terminal's connection is reset");
    // The terminal must see a failed connection, not a silent one: reset it.
    close_terminal(true);
    return;
  }
  const int host_fd = upstream.fd();
  set_nonblocking(terminal_fd);
  int one = 1;
  ::setsockopt(terminal_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  Session s;
  MonoTime last_activity = steady_now();
  int requests = 0, answers = 0;

  auto go_raw = [&](const char* why) {
    s.raw = true;
    count(&Counters::raw_connections);
    log(tag + why + ": passing bytes through unchanged, no faults on this connection");
    if (observer_) observer_->on_unframed(id, why);
    s.to_host += s.from_terminal;
    s.to_terminal += s.from_host;
    count(&Counters::raw_bytes, s.from_terminal.size() + s.from_host.size());
    s.from_terminal.clear();
    s.from_host.clear();
  };

  auto on_request = [&](std::string body) {
    FrameInfo info{body.size(), frame_mti(body)};
    ++requests;
    count(&Counters::requests);
    ProxyAction a = plan_ ? plan_->on_request(info) : ProxyAction{};
    std::string what = tag + "request " + std::to_string(requests) + ": MTI " +
                       (info.mti.empty() ? std::string("unreadable") : info.mti) + ", " + std::to_string(info.length) +
                       " bytes";
    if (a.kind != ProxyAction::Kind::pass) {
      count(&Counters::faults);
      what += ", fault: " + std::string(proxy_action_name(a.kind));
      if (a.kind == ProxyAction::Kind::delay) what += " " + std::to_string(a.delay_ms) + " ms";
    }
    log(what);
    if (observer_) observer_->on_request(id, body, a);
    switch (a.kind) {
      case ProxyAction::Kind::drop_request:
        return;
      case ProxyAction::Kind::refuse:
        count(&Counters::refused);
        s.end = true;
        return;
      case ProxyAction::Kind::request_lost:
        s.end = true;
        return;
      case ProxyAction::Kind::corrupt_request:
        s.to_host += frame(flip_last_bit(std::move(body)));
        s.answers.push_back({});
        return;
      default:
        s.to_host += frame(body);
        s.answers.push_back(a);
        return;
    }
  };

  auto on_answer = [&](std::string body) {
    ++answers;
    count(&Counters::answers);
    ProxyAction a;
    if (!s.answers.empty()) {
      a = s.answers.front();
      s.answers.pop_front();
    }
    const std::string mti = frame_mti(body);
    std::string what = tag + "answer " + std::to_string(answers) + ": MTI " + (mti.empty() ? "unreadable" : mti) +
                       ", " + std::to_string(body.size()) + " bytes";
    if (observer_) observer_->on_answer(id, body, a);
    switch (a.kind) {
      case ProxyAction::Kind::drop_answer:
        log(what + ", dropped");
        return;
      case ProxyAction::Kind::cut:
        log(what + ", dropped and the connection cut");
        s.end = true;
        return;
      case ProxyAction::Kind::delay:
        log(what + ", held " + std::to_string(a.delay_ms) + " ms");
        // The clock counts whole milliseconds and the hold may start late in one: one more keeps
        // the answer held for at least delay_ms of real time.
        s.delayed.emplace_back(steady_now() + a.delay_ms + 1, frame(body));
        return;
      case ProxyAction::Kind::corrupt_answer:
        log(what + ", MAC corrupted");
        s.to_terminal += frame(flip_last_bit(std::move(body)));
        return;
      default:
        log(what);
        s.to_terminal += frame(body);
        return;
    }
  };

  // Splits whole frames off `buf` and hands each to `deliver`; switches the connection to raw
  // relaying when the bytes are not framing.
  auto parse = [&](std::string& buf, std::optional<MonoTime>& since, auto&& deliver) {
    while (!s.raw && !s.end && buf.size() >= 2) {
      const std::size_t len = frame_length(buf);
      if (len == 0 || len > max_frame_bytes) {
        go_raw("not a length-framed protocol");
        return;
      }
      if (buf.size() < 2 + len) break;
      std::string body = buf.substr(2, len);
      buf.erase(0, 2 + len);
      deliver(std::move(body));
    }
    if (buf.empty())
      since.reset();
    else if (!since)
      since = steady_now();
  };

  auto read_some = [&](int fd, std::string& into, bool& open) {
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      into.append(buf, std::size_t(n));
      last_activity = steady_now();
      if (s.raw) count(&Counters::raw_bytes, uint64_t(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      open = false;
    }
  };
  auto write_some = [&](int fd, std::string& from, bool& open) {
    if (from.empty()) return;
    ssize_t n = ::send(fd, from.data(), from.size(), MSG_NOSIGNAL);
    if (n > 0) {
      from.erase(0, std::size_t(n));
      last_activity = steady_now();
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      open = false;
      from.clear();
    }
  };

  while (!stopping_.load() && !s.end) {
    const MonoTime now = steady_now();
    if (slot.evicted.load()) {
      log(tag + "closed while idle: its slot went to a new connection (the limit is " +
          std::to_string(options_.max_sessions) + ")");
      break;
    }
    // What serve() may read to choose a session to end when the proxy is full.
    slot.idle = s.from_terminal.empty() && s.from_host.empty() && s.to_host.empty() && s.to_terminal.empty() &&
                s.answers.empty() && s.delayed.empty();
    slot.last_activity = last_activity;
    for (auto it = s.delayed.begin(); it != s.delayed.end();) {
      if (it->first <= now) {
        s.to_terminal += it->second;
        it = s.delayed.erase(it);
      } else {
        ++it;
      }
    }
    // A side that closed: deliver what is owed to the other side, then end.
    if (!s.terminal_open && s.to_host.empty()) break;
    if (!s.host_open && s.to_terminal.empty() && s.delayed.empty()) break;
    if (now - last_activity > options_.idle_timeout_ms) {
      log(tag + "idle for " + std::to_string(options_.idle_timeout_ms / 1000) + " s, closed");
      break;
    }
    for (const std::optional<MonoTime>& since : {s.from_terminal_since, s.from_host_since})
      if (!s.raw && since && now - *since > partial_frame_ms) go_raw("an incomplete frame waited too long");

    // A closed side leaves the poll set (a negative fd is ignored): a hung-up socket would
    // otherwise report POLLHUP on every turn while a held answer waits.
    pollfd fds[3] = {{s.terminal_open ? terminal_fd : -1, 0, 0},
                     {s.host_open ? host_fd : -1, 0, 0},
                     {listener_.wake_fd(), POLLIN, 0}};
    if (s.terminal_open && s.to_host.size() < options_.max_buffered) fds[0].events |= POLLIN;
    if (!s.to_terminal.empty()) fds[0].events |= POLLOUT;
    if (s.host_open && s.to_terminal.size() < options_.max_buffered) fds[1].events |= POLLIN;
    if (!s.to_host.empty()) fds[1].events |= POLLOUT;
    int64_t wait = 500;  // re-check the stop flag, partial frames and the idle time regularly
    for (const auto& d : s.delayed) wait = std::min(wait, std::max<int64_t>(0, d.first - now));
    if (::poll(fds, 3, int(wait)) < 0 && errno != EINTR) break;

    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) read_some(terminal_fd, s.from_terminal, s.terminal_open);
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) read_some(host_fd, s.from_host, s.host_open);
    if (s.raw) {
      s.to_host += s.from_terminal;
      s.to_terminal += s.from_host;
      s.from_terminal.clear();
      s.from_host.clear();
    } else {
      parse(s.from_terminal, s.from_terminal_since, on_request);
      parse(s.from_host, s.from_host_since, on_answer);
    }
    if (s.end) break;
    if (s.to_host.size() || s.to_terminal.size()) {
      write_some(host_fd, s.to_host, s.host_open);
      write_some(terminal_fd, s.to_terminal, s.terminal_open);
    }
  }
  if (s.end) {
    close_terminal(true);  // both sides at once: the terminal sees the line drop
    upstream.close();
  } else {
    close_terminal(false);
  }
  log(tag + "closed after " + std::to_string(requests) + " requests, " + std::to_string(answers) + " answers" +
      (s.raw ? " (raw)" : ""));
  if (observer_) observer_->on_closed(id);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] The listening side
// ---------------------------------------------------------------------------------------------

bool HostLinkProxy::listen(const Endpoint& at, std::string& error) {
  for (const auto& entry : options_.test_hosts)
    if (!valid_test_host_entry(entry, error)) return false;
  if (!upstream_allowed(options_.upstream, options_.test_hosts, error)) return false;
  return listener_.listen(at, error);
}

void HostLinkProxy::stop() {
  stopping_.store(true);
  listener_.wake();  // async-signal-safe
}

void HostLinkProxy::reap(bool all) {
  std::vector<Worker> finished;
  {
    std::lock_guard lock(mutex_);
    for (auto it = threads_.begin(); it != threads_.end();) {
      if (all || it->done->load()) {
        finished.push_back(std::move(*it));
        it = threads_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& w : finished)
    if (w.thread.joinable()) w.thread.join();
}

bool HostLinkProxy::evict_idle() {
  std::shared_ptr<Slot> victim;
  {
    std::lock_guard lock(mutex_);
    for (const Worker& w : threads_) {
      const Slot& s = *w.slot;
      if (w.done->load() || s.evicted.load() || !s.idle.load()) continue;
      if (!victim || s.last_activity.load() < victim->last_activity.load()) victim = w.slot;
    }
  }
  if (!victim) return false;
  counters_.add(&Counters::evicted);
  victim->evicted = true;
  // Wakes the session at once: its poll() sees the terminal side shut down.
  std::lock_guard lock(victim->fd_mutex);
  if (victim->terminal_fd >= 0) ::shutdown(victim->terminal_fd, SHUT_RDWR);
  return true;
}

void HostLinkProxy::serve(int run_for_ms) {
  if (!listener_.listening()) return;
  const bool timed = run_for_ms >= 0;
  const MonoTime until = timed ? steady_now() + run_for_ms : MonoTime::latest();
  uint64_t next_id = 1;
  while (!stopping_.load()) {
    int wait = 500;
    if (timed) {
      const int64_t left = until - steady_now();
      if (left <= 0) break;
      wait = int(std::min<int64_t>(wait, left));
    }
    pollfd fds[2] = {{listener_.fd(), POLLIN, 0}, {listener_.wake_fd(), POLLIN, 0}};
    if (::poll(fds, 2, wait) < 0 && errno != EINTR) break;
    reap(false);
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // the peer gave up already, or out of descriptors: keep serving
    counters_.add(&Counters::connections);
    std::size_t running = 0;
    {
      std::lock_guard lock(mutex_);
      for (const Worker& w : threads_) running += w.done->load() || w.slot->evicted.load() ? 0 : 1;
    }
    if (running >= std::size_t(std::max(1, options_.max_sessions)) && !evict_idle()) {
      counters_.add(&Counters::turned_away);
      log("connection refused: already " + std::to_string(running) + " busy connections (the limit)");
      reset_close(fd);
      continue;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    auto slot = std::make_shared<Slot>();
    slot->terminal_fd = fd;
    slot->last_activity = steady_now();
    const uint64_t id = next_id++;
    std::lock_guard lock(mutex_);
    threads_.push_back({std::thread([this, fd, id, done, slot] {
                          run_session(fd, id, *slot);
                          done->store(true);
                        }),
                        done, slot});
  }
  stopping_.store(true);  // sessions end too
  reap(true);
}

}  // namespace posdrill
