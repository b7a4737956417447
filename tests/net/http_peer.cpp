// HttpPeer (http_peer.h).

#include "http_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>

namespace posdrill::test {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool write_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += std::size_t(n);
  }
  return true;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

bool PeerRequest::has(const std::string& lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return true;
  return false;
}

HttpPeer::HttpPeer(const std::string& address, Handler handler) : address_(address), handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listen_fd_ >= 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  REQUIRE(::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) == 1);
  INFO("binding a test peer to " << address);
  REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  REQUIRE(::listen(listen_fd_, 64) == 0);
  socklen_t len = sizeof sa;
  REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len) == 0);
  port_ = ntohs(sa.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HttpPeer::~HttpPeer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  acceptor_.join();
  ::close(listen_fd_);
  for (auto& t : workers_) t.join();
}

std::string HttpPeer::url(const std::string& path) const {
  return "http://" + address_ + ":" + std::to_string(port_) + path;
}

void HttpPeer::accept_loop() {
  for (;;) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&from), &len, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd < 0 || stopping_) {
      if (fd >= 0) ::close(fd);
      return;
    }
    ++connections_;
    accepted_ports_.push_back(ntohs(from.sin_port));
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
    changed_.notify_all();
  }
}

void HttpPeer::serve(int fd) {
  std::string in;
  char buf[16384];
  for (;;) {
    std::size_t head_end;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) goto done;
      in.append(buf, std::size_t(n));
    }
    {
      PeerRequest r;
      const std::string head = in.substr(0, head_end);
      in.erase(0, head_end + 4);
      std::size_t line_end = head.find("\r\n");
      const std::string first = head.substr(0, line_end);
      const auto sp1 = first.find(' '), sp2 = first.rfind(' ');
      r.method = first.substr(0, sp1);
      r.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
      std::size_t content_length = 0;
      bool close_after = false;
      while (line_end != std::string::npos && line_end < head.size()) {
        const std::size_t next = head.find("\r\n", line_end + 2);
        const std::string line =
            head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
        line_end = next;
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = lower(line.substr(0, colon)), value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (name == "content-length") content_length = std::stoul(value);
        if (name == "connection" && lower(value) == "close") close_after = true;
        r.headers.emplace_back(std::move(name), std::move(value));
      }
      while (in.size() < content_length) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) goto done;
        in.append(buf, std::size_t(n));
      }
      r.body = in.substr(0, content_length);
      in.erase(0, content_length);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(r);
        changed_.notify_all();
      }
      const PeerAnswer a = handler_ ? handler_(r) : PeerAnswer{};
      std::string out = "HTTP/1.1 " + std::to_string(a.status) + " " + reason(a.status) + "\r\n";
      bool typed = false;
      for (const auto& [k, v] : a.headers) {
        out += k + ": " + v + "\r\n";
        typed = typed || lower(k) == "content-type";
      }
      if (!typed) out += "Content-Type: application/json\r\n";
      out += "Content-Length: " + std::to_string(a.body.size()) + "\r\n\r\n" + a.body;
      if (!write_all(fd, out) || close_after) goto done;
    }
  }
done:
  std::lock_guard<std::mutex> lock(mutex_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

int HttpPeer::probe() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(uint16_t(port_));
  ::inet_pton(AF_INET, address_.c_str(), &sa.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  sockaddr_in me{};
  socklen_t len = sizeof me;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len) == 0);
  const int mine = ntohs(me.sin_port);
  // Connections are accepted in the order they arrived: once this one is recorded, every earlier
  // one is too. Everything recorded before it is what the peer saw before the probe.
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(
      lock, [&] { return std::find(accepted_ports_.begin(), accepted_ports_.end(), mine) != accepted_ports_.end(); });
  const int seen = int(std::find(accepted_ports_.begin(), accepted_ports_.end(), mine) - accepted_ports_.begin());
  lock.unlock();
  ::close(fd);
  return seen;
}

std::vector<PeerRequest> HttpPeer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

int HttpPeer::connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connections_;
}

}  // namespace posdrill::test
