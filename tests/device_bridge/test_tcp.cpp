#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "device_bridge/net/tcp.h"

#include "log_lines.h"

using namespace posdrill;

namespace {

FrameServer::Options small_limits() {
  FrameServer::Options o;
  o.max_connections = 4;
  o.idle_timeout_ms = 2000;
  return o;
}

// An echo server on a free loopback port, served on its own thread for the test's lifetime.
// "silent" gets no answer, "bye" is answered and the connection closed, "refuse" closes it.
struct EchoServer {
  test::LogLines lines;
  FrameServer server;
  std::thread thread;
  Endpoint at{"127.0.0.1", 0};

  explicit EchoServer(FrameServer::Options o = small_limits())
      : server(
            [](std::string_view req) -> FrameServer::Reply {
              if (req == "silent") return std::nullopt;
              if (req == "refuse") return FrameServer::Reply::close_connection();
              FrameServer::Reply r("echo:" + std::string(req));
              r.close = req == "bye";
              return r;
            },
            with_log(o)) {
    std::string error;
    REQUIRE(server.listen(at, error));
    at.port = server.port();
    thread = std::thread([this] { server.serve(); });
  }
  ~EchoServer() {
    server.stop();
    thread.join();
  }
  FrameServer::Options with_log(FrameServer::Options o) {
    o.log = lines.sink();
    return o;
  }
  std::string log() { return lines.all(); }
};

TcpConnection connect_to(const Endpoint& e) {
  NetStatus st;
  TcpConnection c = TcpConnection::connect(e, 2000, st);
  REQUIRE(st == NetStatus::ok);
  return c;
}

}  // namespace

TEST_CASE("endpoints parse and print", "[tcp]") {
  std::string err;
  auto e = parse_endpoint("127.0.0.1:5000", err);
  REQUIRE(e);
  CHECK(e->port == 5000);
  CHECK(endpoint_text(*e) == "127.0.0.1:5000");
  auto v6 = parse_endpoint("[::1]:8583", err);
  REQUIRE(v6);
  CHECK(endpoint_text(*v6) == "[::1]:8583");
  CHECK(parse_endpoint("localhost:1", err));
  CHECK_FALSE(parse_endpoint("127.0.0.1", err));
  CHECK(err.find("ADDRESS:PORT") != std::string::npos);
  CHECK_FALSE(parse_endpoint("127.0.0.1:70000", err));
  CHECK_FALSE(parse_endpoint("example.com:80", err));
  CHECK(err.find("numeric") != std::string::npos);
}

TEST_CASE("a framed request gets its answer over loopback", "[tcp][threads]") {
  EchoServer s;
  TcpConnection c = connect_to(s.at);
  REQUIRE(c.send_frame("hello", 2000) == NetStatus::ok);
  std::string answer;
  REQUIRE(c.receive_frame(answer, 5000) == NetStatus::ok);
  CHECK(answer == "echo:hello");
  // Two requests in one write come back as two answers.
  REQUIRE(c.send_raw(frame("a") + frame("b"), 2000) == NetStatus::ok);
  REQUIRE(c.receive_frame(answer, 5000) == NetStatus::ok);
  CHECK(answer == "echo:a");
  REQUIRE(c.receive_frame(answer, 5000) == NetStatus::ok);
  CHECK(answer == "echo:b");
}

TEST_CASE("no answer is a time-out, not a hang", "[tcp][threads]") {
  EchoServer s;
  TcpConnection c = connect_to(s.at);
  REQUIRE(c.send_frame("silent", 2000) == NetStatus::ok);
  std::string answer;
  CHECK(c.receive_frame(answer, 100) == NetStatus::timeout);
}

TEST_CASE("the server survives garbage and abrupt disconnects", "[tcp][robustness][threads]") {
  EchoServer s;
  {
    TcpConnection bad = connect_to(s.at);
    REQUIRE(bad.send_raw(std::string("\xff\xff garbage that claims 65535 bytes", 34), 2000) == NetStatus::ok);
    std::string answer;
    CHECK(bad.receive_frame(answer, 5000) == NetStatus::closed);  // dropped by the server
  }
  {
    TcpConnection half = connect_to(s.at);
    REQUIRE(half.send_raw(std::string("\x00\x10half", 6), 2000) == NetStatus::ok);
  }  // closed mid-frame
  for (int i = 0; i < 3; ++i) {
    TcpConnection c = connect_to(s.at);
    REQUIRE(c.send_frame("still here", 2000) == NetStatus::ok);
    std::string answer;
    REQUIRE(c.receive_frame(answer, 5000) == NetStatus::ok);
    CHECK(answer == "echo:still here");
  }
}

TEST_CASE("a closed port is refused", "[tcp][threads]") {
  Endpoint closed;
  {
    EchoServer s;
    closed = s.at;
  }
  NetStatus st;
  TcpConnection c = TcpConnection::connect(closed, 2000, st);
  CHECK_FALSE(c.connected());
  CHECK(st == NetStatus::refused);
}

namespace {

// Waits for the server to close `c` (the event, with a bound that only turns a hang into a
// failure): true when the peer closed or reset the connection.
bool closed_by_server(TcpConnection& c) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  char b[256];
  while (std::chrono::steady_clock::now() < give_up) {
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    ssize_t n = ::recv(c.fd(), b, sizeof b, 0);
    if (n <= 0) return true;  // 0: closed; < 0: reset
  }
  return false;
}

}  // namespace

TEST_CASE("more idle connections than the limit: the oldest idle ones give up their slots", "[tcp][limits][threads]") {
  EchoServer s;  // at most 4 connections
  std::vector<TcpConnection> idle;
  for (int i = 0; i < 10; ++i) idle.push_back(connect_to(s.at));
  TcpConnection c = connect_to(s.at);
  REQUIRE(c.send_frame("still served", 2000) == NetStatus::ok);
  std::string answer;
  REQUIRE(c.receive_frame(answer, 30'000) == NetStatus::ok);
  CHECK(answer == "echo:still served");
  // 11 connections for 4 slots: the 7 oldest idle ones were closed, nobody was refused.
  auto counters = s.server.wait_counters([](const auto& k) { return k.evicted >= 7; }, 30'000);
  CHECK(counters.evicted == 7);
  CHECK(counters.refused == 0);
  CHECK(closed_by_server(idle.front()));
  CHECK(s.log().find("closed while idle: its slot went to a new connection") != std::string::npos);
}

TEST_CASE("a frame that does not complete in time closes its connection", "[tcp][limits][threads]") {
  FrameServer::Options o = small_limits();
  o.frame_timeout_ms = 200;
  EchoServer s(o);
  TcpConnection half = connect_to(s.at);
  REQUIRE(half.send_raw(std::string("\x00\x10half", 6), 2000) == NetStatus::ok);  // 16 announced, 4 sent
  CHECK(closed_by_server(half));
  CHECK(s.server.wait_counters([](const auto& k) { return k.timed_out >= 1; }, 30'000).timed_out == 1);
  CHECK(s.log().find("is still incomplete") != std::string::npos);
  // The server goes on serving.
  TcpConnection c = connect_to(s.at);
  REQUIRE(c.send_frame("next", 2000) == NetStatus::ok);
  std::string answer;
  REQUIRE(c.receive_frame(answer, 30'000) == NetStatus::ok);
  CHECK(answer == "echo:next");
}

TEST_CASE("a handler can close a connection, after an answer or without one", "[tcp][limits][threads]") {
  EchoServer s;
  TcpConnection bye = connect_to(s.at);
  REQUIRE(bye.send_frame("bye", 2000) == NetStatus::ok);
  std::string answer;
  REQUIRE(bye.receive_frame(answer, 30'000) == NetStatus::ok);
  CHECK(answer == "echo:bye");
  CHECK(closed_by_server(bye));
  TcpConnection refused = connect_to(s.at);
  REQUIRE(refused.send_frame("refuse", 2000) == NetStatus::ok);
  CHECK(closed_by_server(refused));
  CHECK(s.log().find("the handler refused what it sent") != std::string::npos);
  TcpConnection bad = connect_to(s.at);
  REQUIRE(bad.send_raw(std::string("\x00\x00", 2), 2000) == NetStatus::ok);
  CHECK(closed_by_server(bad));
  CHECK(s.log().find("a frame of length 0 is not a length prefix") != std::string::npos);
}
