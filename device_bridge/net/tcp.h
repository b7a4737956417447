// TCP transport between terminal and host: length-framed messages over real sockets (POSIX, no
// third-party library). Every wait is bounded by a time-out and every frame by framing.h's limit,
// so a silent or hostile peer can delay a caller only as long as the caller allows.
#pragma once

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "device_bridge/counters.h"
#include "device_bridge/endpoint.h"
#include "device_bridge/exchange.h"
#include "device_bridge/framing.h"

namespace posdrill {

// A listening TCP socket on `at` (a numeric address or "localhost"; port 0: any free port), set
// non-blocking and close-on-exec, with SO_REUSEADDR. Returns the descriptor and the bound port in
// `port`, or -1 with `error` set.
int listen_socket(const Endpoint& at, uint16_t& port, std::string& error);

// A listening socket and the self-pipe that wakes whoever polls it: the part every server here
// (frames, HTTP, the proxy) shares. wake() writes one byte (any thread, or a signal handler);
// pollers add wake_fd() to their poll set and treat it as "stop".
class Listener {
 public:
  Listener();  // opens the wake pipe, so wake() works before listen()
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener();

  // Binds and listens (port 0: any free port). False with `error` set.
  bool listen(const Endpoint& at, std::string& error);
  bool listening() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  int wake_fd() const { return wake_[0]; }
  uint16_t port() const { return port_; }

  void wake();        // async-signal-safe
  void drain_wake();  // empties the pipe (the poller is leaving)

  // Accepts every connection waiting, non-blocking and close-on-exec with TCP_NODELAY on, and
  // hands each to `take` while `has_room()`; past that bound it is closed at once, so one peer
  // cannot exhaust the server. Returns how many were refused.
  uint64_t accept_waiting(const std::function<bool()>& has_room, const std::function<void(int fd)>& take);

 private:
  int fd_ = -1;
  int wake_[2] = {-1, -1};
  uint16_t port_ = 0;
};

enum class NetStatus { ok, timeout, closed, refused, error, bad_frame };
const char* net_status_text(NetStatus s);

// One connected stream socket. Move-only; closes on destruction.
class TcpConnection {
 public:
  TcpConnection() = default;
  explicit TcpConnection(int fd) : fd_(fd) {}
  TcpConnection(TcpConnection&& o) noexcept : fd_(o.fd_), reader_(std::move(o.reader_)) { o.fd_ = -1; }
  TcpConnection& operator=(TcpConnection&& o) noexcept;
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;
  ~TcpConnection() { close(); }

  // Connects within timeout_ms. On failure returns an unconnected object and sets `status`.
  static TcpConnection connect(const Endpoint& to, int timeout_ms, NetStatus& status);

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void close();

  // Sends one framed message (framing added here).
  NetStatus send_frame(std::string_view body, int timeout_ms);
  // Sends raw bytes as they are (tests use it to send garbage).
  NetStatus send_raw(std::string_view bytes, int timeout_ms);
  // Waits up to timeout_ms for one whole frame.
  NetStatus receive_frame(std::string& body, int timeout_ms);

 private:
  int fd_ = -1;
  FrameReader reader_;
  std::vector<std::string> pending_;  // frames received beyond the one asked for
};

// A server that is full gives the oldest idle connection's slot to a newcomer: of the
// connections `idle` accepts, the one whose last_activity is smallest. nullopt when none is
// idle (then the newcomer is refused).
template <class Client, class Idle>
std::optional<std::size_t> oldest_idle(const std::vector<Client*>& clients, Idle idle) {
  std::optional<std::size_t> pick;
  for (std::size_t i = 0; i < clients.size(); ++i)
    if (idle(*clients[i]) && (!pick || clients[i]->last_activity < clients[*pick]->last_activity)) pick = i;
  return pick;
}

// What a server's loop watches on one connection: its socket, whether it has bytes to write,
// and the next moment something is due on it (a time-out, a delayed answer).
struct Watched {
  int fd = -1;
  bool write = false;
  MonoTime due = MonoTime::latest();
};

// The loop every server here runs on its one thread (FrameServer, HttpServer). It sleeps in poll()
// until a connection has something, the earliest `watch(client).due` comes (or a second
// passes), a newcomer knocks, or the listener is woken; then `tend(client, revents, now)`
// services each connection and says whether it stays (false: `drop(client)` closes it), and
// `accept()` takes the newcomers after that (it may evict an idle connection to make room).
// Returns when woken, after run_for_ms (when >= 0), or when poll() itself fails.
template <class Client, class Watch, class Tend, class Drop, class Accept>
void serve_connections(Listener& listener, std::vector<Client*>& clients, int run_for_ms, Watch watch, Tend tend,
                       Drop drop, Accept accept) {
  const MonoTime end = run_for_ms >= 0 ? steady_now() + run_for_ms : MonoTime::latest();
  std::vector<pollfd> fds;
  for (;;) {
    MonoTime now = steady_now();
    if (now >= end) return;
    MonoTime wake = std::min(end, now + 1000);
    fds.clear();
    fds.push_back({listener.fd(), POLLIN, 0});
    fds.push_back({listener.wake_fd(), POLLIN, 0});
    for (const Client* c : clients) {
      const Watched w = watch(*c);
      wake = std::min(wake, w.due);
      fds.push_back({w.fd, short(POLLIN | (w.write ? POLLOUT : 0)), 0});
    }
    const int n = ::poll(fds.data(), fds.size(), int(std::max<int64_t>(0, wake - now)));
    if (n < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) {
      listener.drain_wake();
      return;
    }
    now = steady_now();
    // fds[k + 2] belongs to clients[k] as they were when poll() was called; newcomers are
    // accepted after this loop.
    std::vector<Client*> keep;
    keep.reserve(clients.size());
    for (std::size_t k = 0; k < clients.size(); ++k) {
      Client* c = clients[k];
      if (tend(*c, fds[k + 2].revents, now))
        keep.push_back(c);
      else
        drop(c);
    }
    clients = std::move(keep);
    if (fds[0].revents & POLLIN) accept();
  }
}

// What FrameServer and HttpServer share: the listener, the connections (each a heap `Client`
// made from its socket, with an `id` and a `last_activity`, the socket closed by its
// destructor), the counters other threads read (`Counters` with accepted, evicted, refused and
// dropped among them), the admission of newcomers and the loop. A server derives from it,
// defines its Client in its .cpp and its destructor there too (deleting a Client needs the whole
// type).
template <class Client, class Counters>
class ConnectionServer {
 public:
  using Log = std::function<void(const std::string&)>;
  ConnectionServer(const ConnectionServer&) = delete;
  ConnectionServer& operator=(const ConnectionServer&) = delete;

  // Binds and listens. Port 0 picks a free port (see port()). Returns false with `error` set.
  bool listen(const Endpoint& at, std::string& error) { return listener_.listen(at, error); }
  uint16_t port() const { return listener_.port(); }
  // Makes serve() return: from any thread, or a signal handler.
  void stop() { listener_.wake(); }

  // Safe from any thread; each event is counted before the peer can see its effect.
  Counters counters() const { return counters_.get(); }
  // Waits (at most timeout_ms) until `until` holds for the counters; returns them then.
  Counters wait_counters(const std::function<bool(const Counters&)>& until, int timeout_ms) const {
    return counters_.wait_until(until, timeout_ms);
  }

 protected:
  explicit ConnectionServer(Log log) : log_(std::move(log)) {}
  ~ConnectionServer() {
    for (Client* c : clients_) delete c;
  }

  // One line per connection a limit closes; never message bytes.
  void log(const Client& c, const std::string& why) const {
    if (log_) log_("connection " + std::to_string(c.id) + ": " + why);
  }

  // serve_connections() over this server's connections, `watch` and `tend` as there. A connection
  // let go is dropped. Newcomers are admitted: at max_connections a newcomer gets the slot of the
  // connection idle longest among those `idle` accepts; when none is, it is refused and the log
  // says every slot is busy with `work` ("a message") in progress.
  template <class Watch, class Tend, class Idle>
  void serve_clients(int run_for_ms, Watch watch, Tend tend, int max_connections, Idle idle, const char* work) {
    serve_connections(
        listener_, clients_, run_for_ms, watch, tend,
        [this](Client* c) {
          counters_.add(&Counters::dropped);
          delete c;
        },
        [&] { accept_clients(max_connections, idle, work); });
  }

  Listener listener_;
  std::vector<Client*> clients_;
  SharedCounters<Counters> counters_;

 private:
  template <class Idle>
  void accept_clients(int max_connections, Idle idle, const char* work) {
    const auto has_room = [&] {
      if (int(clients_.size()) < std::max(1, max_connections)) return true;
      auto victim = oldest_idle(clients_, idle);
      if (!victim) {
        if (log_) log_(std::string("a new connection was refused: every slot is busy with ") + work + " in progress");
        return false;
      }
      Client* c = clients_[*victim];
      counters_.add(&Counters::evicted);
      log(*c, "closed while idle: its slot went to a new connection (the limit is " + std::to_string(max_connections) +
                  ")");
      clients_.erase(clients_.begin() + std::ptrdiff_t(*victim));
      delete c;
      return true;
    };
    const uint64_t refused = listener_.accept_waiting(has_room, [&](int fd) {
      auto* c = new Client(fd);
      c->id = next_id_++;
      c->last_activity = steady_now();
      clients_.push_back(c);
      counters_.add(&Counters::accepted);
    });
    if (refused) counters_.add(&Counters::refused, refused);
  }

  Log log_;
  uint64_t next_id_ = 1;
};

// A listening socket that serves length-framed request/answer exchanges on one thread.
// `handler` gets each request body and returns a Reply: the answer body, nothing, or "close this
// connection" (a peer that sent something that is not a message). Limits, each logged when it
// closes a connection (device_bridge/README.md, "Connection limits"):
// - a frame that has begun must be complete within frame_timeout_ms;
// - a bad length (0 or over 4096) closes the connection;
// - at max_connections, a newcomer takes the slot of the connection idle longest (nothing
//   buffered either way); when none is idle it is refused (closed at once);
// - a connection silent for idle_timeout_ms is closed.
// The server itself never stops because of a peer.
struct FrameServerClient;  // tcp.cpp
struct FrameServerCounters {
  uint64_t accepted = 0, requests = 0, answers = 0, bad_frames = 0, dropped = 0, refused = 0, evicted = 0,
           timed_out = 0;
};

class FrameServer : public ConnectionServer<FrameServerClient, FrameServerCounters> {
 public:
  using Reply = FrameReply;
  using Handler = std::function<Reply(std::string_view request)>;
  using Counters = FrameServerCounters;
  struct Options {
    int max_connections = 64;
    int idle_timeout_ms = 120'000;
    int frame_timeout_ms = 2'000;
    Log log;  // one line per connection closed by a limit; never message bytes
  };

  FrameServer(Handler handler, Options options);
  ~FrameServer();

  // Serves until stop() is called (from any thread) or, when run_for_ms >= 0, that time passes.
  void serve(int run_for_ms = -1);

 private:
  using Client = FrameServerClient;
  bool service(Client& c);  // false: close it

  Handler handler_;
  Options options_;
};

}  // namespace posdrill
