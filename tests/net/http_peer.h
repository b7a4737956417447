// A small HTTP/1.1 server for the sync tests: listens on a given IPv4 loopback address (127.0.0.1
// for "the LRS", 127.0.0.2 for "somewhere else"), serves each connection on its own thread with
// keep-alive, and records every connection and request before it answers. Test code only.
//
// No timed waits: a test that needs to know the peer saw everything so far calls probe(), which
// makes one connection of its own and returns once the peer has recorded it; connections are
// accepted in order, so every earlier one is recorded by then.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace posdrill::test {

struct PeerRequest {
  std::string method, target;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  bool has(const std::string& lower_name) const;
};

struct PeerAnswer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class HttpPeer {
 public:
  using Handler = std::function<PeerAnswer(const PeerRequest&)>;
  // Listens on `address`:0 (any free port). REQUIREs success.
  HttpPeer(const std::string& address, Handler handler);
  ~HttpPeer();
  HttpPeer(const HttpPeer&) = delete;
  HttpPeer& operator=(const HttpPeer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/xAPI/") const;  // http://ADDRESS:PORT/xAPI/

  // Connects, waits until this very connection is recorded, closes it. Returns the number of
  // connections accepted before it (earlier probes included).
  int probe();
  std::vector<PeerRequest> requests() const;
  int connections() const;  // probes included

 private:
  void accept_loop();
  void serve(int fd);

  std::string address_;
  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int connections_ = 0;
  std::vector<int> accepted_ports_;  // the client port of each connection, in accept order
  std::vector<PeerRequest> requests_;
  std::vector<int> open_fds_;
  bool stopping_ = false;
};

}  // namespace posdrill::test
