#include "device_bridge/net/tcp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace posdrill {

namespace {

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

// Resolves a numeric address or "localhost" (no DNS look-ups: a terminal address is configured).
bool to_sockaddr(const Endpoint& e, sockaddr_storage& out, socklen_t& len) {
  std::memset(&out, 0, sizeof out);
  std::string host = e.host == "localhost" ? "127.0.0.1" : e.host;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(e.port);
    len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(e.port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// Waits for `events` on fd until the deadline. Returns the revents, 0 on time-out.
short wait_fd(int fd, short events, MonoTime deadline) {
  for (;;) {
    int left = int(std::max<int64_t>(0, deadline - steady_now()));
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, left);
    if (n > 0) return p.revents;
    if (n == 0) return 0;
    if (errno != EINTR) return POLLERR;
  }
}

}  // namespace

const char* net_status_text(NetStatus s) {
  switch (s) {
    case NetStatus::ok:
      return "ok";
    case NetStatus::timeout:
      return "timed out";
    case NetStatus::closed:
      return "connection closed by the peer";
    case NetStatus::refused:
      return "connection refused";
    case NetStatus::error:
      return "network error";
    case NetStatus::bad_frame:
      return "the peer sent a malformed frame";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// TcpConnection

TcpConnection& TcpConnection::operator=(TcpConnection&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    reader_ = std::move(o.reader_);
    pending_ = std::move(o.pending_);
    o.fd_ = -1;
  }
  return *this;
}

void TcpConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

TcpConnection TcpConnection::connect(const Endpoint& to, int timeout_ms, NetStatus& status) {
  sockaddr_storage ss;
  socklen_t len;
  if (!to_sockaddr(to, ss, len)) {
    status = NetStatus::error;
    return {};
  }
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    status = NetStatus::error;
    return {};
  }
  TcpConnection c(fd);
  set_nonblocking(fd);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (errno != EINPROGRESS) {
      status = errno == ECONNREFUSED ? NetStatus::refused : NetStatus::error;
      return {};
    }
    short ev = wait_fd(fd, POLLOUT, steady_now() + timeout_ms);
    if (ev == 0) {
      status = NetStatus::timeout;
      return {};
    }
    int err = 0;
    socklen_t el = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
    if (err != 0) {
      status = err == ECONNREFUSED ? NetStatus::refused : NetStatus::error;
      return {};
    }
  }
  status = NetStatus::ok;
  return c;
}

NetStatus TcpConnection::send_raw(std::string_view bytes, int timeout_ms) {
  if (fd_ < 0) return NetStatus::closed;
  const MonoTime deadline = steady_now() + timeout_ms;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(std::size_t(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (wait_fd(fd_, POLLOUT, deadline) == 0) return NetStatus::timeout;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return errno == EPIPE || errno == ECONNRESET ? NetStatus::closed : NetStatus::error;
  }
  return NetStatus::ok;
}

NetStatus TcpConnection::send_frame(std::string_view body, int timeout_ms) {
  std::string f = frame(body);
  if (f.empty()) return NetStatus::bad_frame;
  return send_raw(f, timeout_ms);
}

NetStatus TcpConnection::receive_frame(std::string& body, int timeout_ms) {
  if (!pending_.empty()) {
    body = std::move(pending_.front());
    pending_.erase(pending_.begin());
    return NetStatus::ok;
  }
  if (fd_ < 0) return NetStatus::closed;
  const MonoTime deadline = steady_now() + timeout_ms;
  char buf[2048];
  for (;;) {
    short ev = wait_fd(fd_, POLLIN, deadline);
    if (ev == 0) return NetStatus::timeout;
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return NetStatus::closed;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return errno == ECONNRESET ? NetStatus::closed : NetStatus::error;
    }
    if (reader_.feed(std::string_view(buf, std::size_t(n)), pending_) != FrameReader::Error::none)
      return NetStatus::bad_frame;
    if (!pending_.empty()) {
      body = std::move(pending_.front());
      pending_.erase(pending_.begin());
      return NetStatus::ok;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// FrameServer

struct FrameServerClient {
  explicit FrameServerClient(int fd) : conn(fd) {}

  TcpConnection conn;
  FrameReader reader;
  std::string out;  // answer bytes not yet written
  MonoTime last_activity;
  std::optional<MonoTime> frame_started;  // when the frame now incomplete began
  uint64_t id = 0;
  bool closing = false;  // close once `out` is written
};

int listen_socket(const Endpoint& at, uint16_t& port, std::string& error) {
  sockaddr_storage ss;
  socklen_t len;
  if (!to_sockaddr(at, ss, len)) {
    error = "cannot listen on '" + at.host + "': expected a numeric address";
    return -1;
  }
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 16) != 0) {
    error = "cannot listen on " + endpoint_text(at) + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  set_nonblocking(fd);
  sockaddr_storage bound;
  socklen_t bl = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bl);
  port = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                          : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  return fd;
}

Listener::Listener() {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
}

Listener::~Listener() {
  if (fd_ >= 0) ::close(fd_);
  for (int fd : wake_)
    if (fd >= 0) ::close(fd);
}

bool Listener::listen(const Endpoint& at, std::string& error) {
  if (wake_[0] < 0) {
    error = "cannot open the wake pipe";
    return false;
  }
  fd_ = listen_socket(at, port_, error);
  return fd_ >= 0;
}

void Listener::wake() {
  if (wake_[1] >= 0) {
    char c = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_[1], &c, 1);
  }
}

void Listener::drain_wake() {
  char drain[16];
  while (wake_[0] >= 0 && ::read(wake_[0], drain, sizeof drain) > 0) {
  }
}

uint64_t Listener::accept_waiting(const std::function<bool()>& has_room, const std::function<void(int fd)>& take) {
  uint64_t refused = 0;
  for (;;) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return refused;
    if (!has_room()) {
      ::close(fd);
      ++refused;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    take(fd);
  }
}

FrameServer::FrameServer(Handler handler, Options options)
    : ConnectionServer(options.log), handler_(std::move(handler)), options_(std::move(options)) {}

FrameServer::~FrameServer() = default;

bool FrameServer::service(Client& c) {
  char buf[4096];
  for (;;) {
    if (c.closing) break;  // read nothing more from a peer that is being closed
    ssize_t n = ::recv(c.conn.fd(), buf, sizeof buf, 0);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return false;
    }
    c.last_activity = steady_now();
    std::vector<std::string> frames;
    if (FrameReader::Error e = c.reader.feed(std::string_view(buf, std::size_t(n)), frames);
        e != FrameReader::Error::none) {
      counters_.add(&Counters::bad_frames);
      log(c, std::string("closed: ") + frame_error_text(e) + " is not a length prefix this server takes");
      return false;
    }
    if (c.reader.buffered() == 0)
      c.frame_started.reset();
    else if (!c.frame_started)
      c.frame_started = c.last_activity;
    for (const auto& f : frames) {
      counters_.add(&Counters::requests);
      Reply reply = handler_(f);
      if (reply.answer) {
        std::string framed = frame(*reply.answer);
        if (!framed.empty()) {
          counters_.add(&Counters::answers);
          c.out += framed;
        }
      }
      if (reply.close) {
        log(c, "closed: the handler refused what it sent");
        c.closing = true;
        break;
      }
    }
  }
  if (!c.out.empty()) {
    ssize_t n = ::send(c.conn.fd(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    if (n > 0) c.out.erase(0, std::size_t(n));
  }
  return !(c.closing && c.out.empty());
}

void FrameServer::serve(int run_for_ms) {
  serve_clients(
      run_for_ms,
      [this](const Client& c) {
        MonoTime due = c.last_activity + options_.idle_timeout_ms + 1;
        if (c.frame_started) due = std::min(due, *c.frame_started + options_.frame_timeout_ms + 1);
        return Watched{c.conn.fd(), !c.out.empty(), due};
      },
      [this](Client& c, short rev, MonoTime now) {
        if ((rev & (POLLIN | POLLOUT | POLLERR | POLLHUP)) && !service(c)) return false;
        if (c.frame_started && now - *c.frame_started > options_.frame_timeout_ms) {
          counters_.add(&Counters::timed_out);
          log(c, "closed: a frame begun " + std::to_string(now - *c.frame_started) + " ms ago is still incomplete");
          return false;
        }
        if (now - c.last_activity > options_.idle_timeout_ms) {
          counters_.add(&Counters::timed_out);
          log(c, "closed: idle for " + std::to_string(options_.idle_timeout_ms / 1000) + " s");
          return false;
        }
        return true;
      },
      options_.max_connections, [](const Client& c) { return c.reader.buffered() == 0 && c.out.empty(); }, "a message");
}

}  // namespace posdrill
