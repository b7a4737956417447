#include <catch2/catch.hpp>

#include <thread>

#include "device_bridge/tcp.h"

using namespace posdrill;

namespace {

// An echo server on a free loopback port, served on its own thread for the test's lifetime.
struct EchoServer {
  FrameServer server{[](std::string_view req) -> std::optional<std::string> {
                       if (req == "silent") return std::nullopt;
                       return "echo:" + std::string(req);
                     },
                     FrameServer::Options{4, 2000}};
  std::thread thread;
  Endpoint at{"127.0.0.1", 0};

  EchoServer() {
    std::string error;
    REQUIRE(server.listen(at, error));
    at.port = server.port();
    thread = std::thread([this] { server.serve(); });
  }
  ~EchoServer() {
    server.stop();
    thread.join();
  }
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

TEST_CASE("a framed request gets its answer over loopback", "[tcp]") {
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

TEST_CASE("no answer is a time-out, not a hang", "[tcp]") {
  EchoServer s;
  TcpConnection c = connect_to(s.at);
  REQUIRE(c.send_frame("silent", 2000) == NetStatus::ok);
  std::string answer;
  CHECK(c.receive_frame(answer, 100) == NetStatus::timeout);
}

TEST_CASE("the server survives garbage and abrupt disconnects", "[tcp][robustness]") {
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

TEST_CASE("a closed port is refused", "[tcp]") {
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
