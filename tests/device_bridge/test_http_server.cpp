// The minimal HTTP server fed good requests, keep-alive, delayed and withheld answers, and
// garbage: it answers 400/404/405/411/413 and keeps serving.
#include <poll.h>
#include <sys/socket.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "device_bridge/net/http_server.h"

#include "log_lines.h"

using namespace posdrill;

namespace {

// A server on a loopback port, serving on its own thread until destroyed, its log kept.
struct Running {
  test::LogLines lines;
  HttpServer server;
  std::thread thread;
  std::atomic<int> handled{0};
  explicit Running(HttpServer::Handler h, HttpServer::Options o = {}) : server(std::move(h), with_log(o)) {
    std::string error;
    REQUIRE(server.listen({"127.0.0.1", 0}, error));
    thread = std::thread([this] { server.serve(); });
  }
  ~Running() {
    server.stop();
    thread.join();
  }
  HttpServer::Options with_log(HttpServer::Options o) {
    o.log = lines.sink();
    return o;
  }
  std::string log() { return lines.all(); }
  TcpConnection connect() {
    NetStatus st;
    auto c = TcpConnection::connect({"127.0.0.1", server.port()}, 2000, st);
    REQUIRE(st == NetStatus::ok);
    return c;
  }
};

// Reads one HTTP response (head + Content-Length body); "" on time-out, "<closed>" when the
// server closed the connection before a response.
std::map<int, std::string> leftovers;  // bytes read past one response, by socket
std::string read_response(TcpConnection& c, int timeout_ms = 2000) {
  std::string in = std::exchange(leftovers[c.fd()], {});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto cl = in.find("Content-Length: ");
      std::size_t len = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
      if (in.size() >= end + 4 + len) {
        leftovers[c.fd()] = in.substr(end + 4 + len);
        return in.substr(0, end + 4 + len);
      }
    }
    int left =
        int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) return in;
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return in;
    char buf[4096];
    ssize_t n = ::recv(c.fd(), buf, sizeof buf, 0);
    if (n <= 0) return in.empty() ? "<closed>" : in;
    in.append(buf, std::size_t(n));
  }
}

// Waits for the server to close `c`; the bound only turns a hang into a failure.
bool closed_by_server(TcpConnection& c, int timeout_ms = 30'000) {
  pollfd p{c.fd(), POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char b;
  return ::recv(c.fd(), &b, 1, 0) <= 0;  // 0: closed; < 0: reset
}

std::string post(std::string_view body, std::string_view path = "/nexo", std::string_view extra = "") {
  return "POST " + std::string(path) + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
         std::string(extra) + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

HttpServerAnswer echo(const HttpServerRequest& r) { return HttpServerAnswer{200, "application/json", r.body}; }

}  // namespace

TEST_CASE("the HTTP server answers POSTs and keeps the connection alive", "[http][threads]") {
  Running s(echo);
  auto c = s.connect();
  REQUIRE(c.send_raw(post("{\"a\":1}"), 1000) == NetStatus::ok);
  std::string r = read_response(c);
  CHECK(r.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(r.find("Content-Length: 7\r\n") != std::string::npos);
  CHECK(r.substr(r.size() - 7) == "{\"a\":1}");
  // Two pipelined requests on the same connection, the second split in odd places.
  std::string two = post("one", "/nexo/") + post("two");
  REQUIRE(c.send_raw(two.substr(0, 30), 1000) == NetStatus::ok);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(c.send_raw(two.substr(30), 1000) == NetStatus::ok);
  std::string a = read_response(c);
  CHECK(a.substr(a.size() - 3) == "one");
  std::string b = read_response(c);
  CHECK(b.substr(b.size() - 3) == "two");
  // Connection: close is honoured.
  REQUIRE(c.send_raw(post("bye", "/nexo", "Connection: close\r\n"), 1000) == NetStatus::ok);
  CHECK(read_response(c).find("Connection: close") != std::string::npos);
  CHECK(closed_by_server(c));
}

TEST_CASE("the HTTP server answers 100-continue before the body", "[http][threads]") {
  Running s(echo);
  auto c = s.connect();
  std::string head =
      "POST /nexo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n";
  REQUIRE(c.send_raw(head, 1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 100 Continue", 0) == 0);
  REQUIRE(c.send_raw("hi", 1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 200 OK", 0) == 0);
}

TEST_CASE("the HTTP server refuses what it does not speak", "[http][threads]") {
  Running s(echo);
  struct Case {
    std::string bytes;
    std::string status;
  };
  const Case cases[] = {
      {"GET /nexo HTTP/1.1\r\nHost: x\r\n\r\n", "405"},
      {post("x", "/other"), "404"},
      {"POST /nexo HTTP/1.1\r\nHost: x\r\n\r\n", "411"},
      {"POST /nexo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n", "411"},
      {"POST /nexo HTTP/1.1\r\nContent-Length: 65537\r\n\r\n", "413"},
      {"POST /nexo HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "400"},
      {"POST /nexo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", "400"},
      {"POST /nexo HTTP/2.0\r\nContent-Length: 0\r\n\r\n", "400"},
      {"POST nexo HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "400"},
      {"POST /nexo HTTP/1.1\r\n folded: x\r\nContent-Length: 0\r\n\r\n", "400"},
      {"POST /nexo HTTP/1.1\r\nBad Header\r\n\r\n", "400"},
      {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15), "400"},  // a TLS hello
      {"POST /nexo HTTP/1.1\r\nX: " + std::string(17 * 1024, 'a') + "\r\n\r\n", "400"},
  };
  for (const auto& k : cases) {
    INFO(k.bytes.substr(0, 60));
    auto c = s.connect();
    REQUIRE(c.send_raw(k.bytes, 2000) == NetStatus::ok);
    std::string r = read_response(c);
    CHECK(r.rfind("HTTP/1.1 " + k.status, 0) == 0);
  }
  // An endless head with no blank line: 400 once it passes 16 KiB, then closed.
  auto c = s.connect();
  c.send_raw("POST /nexo HTTP/1.1\r\n" + std::string(20 * 1024, 'a'), 2000);
  CHECK(read_response(c).rfind("HTTP/1.1 400", 0) == 0);
  CHECK(closed_by_server(c));
  // And the server still serves.
  auto d = s.connect();
  REQUIRE(d.send_raw(post("ok"), 1000) == NetStatus::ok);
  CHECK(read_response(d).rfind("HTTP/1.1 200", 0) == 0);
  CHECK(s.server.counters().rejected >= 14);
}

TEST_CASE("404 and 405 keep the connection when the body was read", "[http][threads]") {
  Running s(echo);
  auto c = s.connect();
  REQUIRE(c.send_raw(post("x", "/elsewhere"), 1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 404", 0) == 0);
  REQUIRE(c.send_raw("PUT /nexo HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", 1000) == NetStatus::ok);
  std::string r = read_response(c);
  CHECK(r.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(r.find("Allow: POST") != std::string::npos);
  REQUIRE(c.send_raw(post("still"), 1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("a delayed answer comes late and a withheld one never", "[http][threads]") {
  Running s([](const HttpServerRequest& r) {
    HttpServerAnswer a{200, "application/json", r.body};
    if (r.body == "slow") a.delay_ms = 300;
    if (r.body == "never") a.silent = true;
    return a;
  });
  auto c = s.connect();
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(c.send_raw(post("slow"), 1000) == NetStatus::ok);
  std::string r = read_response(c);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.substr(r.size() - 4) == "slow");
  CHECK(took >= std::chrono::milliseconds(280));

  auto d = s.connect();
  REQUIRE(d.send_raw(post("never"), 1000) == NetStatus::ok);
  CHECK(read_response(d, 500).empty());
  // Other connections are served meanwhile.
  REQUIRE(c.send_raw(post("fast"), 1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 200", 0) == 0);
  // The server counts the withheld answer on its own thread: wait for that event.
  CHECK(s.server.wait_counters([](const auto& k) { return k.withheld >= 1; }, 30'000).withheld == 1);
}

TEST_CASE("the HTTP server closes idle connections and survives resets", "[http][threads]") {
  HttpServer::Options o;
  o.idle_timeout_ms = 200;
  Running s(echo, o);
  auto c = s.connect();
  c.send_raw("POST /nexo HTTP/1.1\r\nContent-Le", 1000);  // and then silence
  CHECK(closed_by_server(c));
  for (int i = 0; i < 20; ++i) {
    auto d = s.connect();
    d.send_raw(post(std::string(1000, 'x')).substr(0, 500), 1000);
    d.close();  // gone mid-request
  }
  auto e = s.connect();
  REQUIRE(e.send_raw(post("alive"), 1000) == NetStatus::ok);
  CHECK(read_response(e).rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("random bytes never stop the HTTP server", "[http][threads]") {
  Running s(echo);
  uint32_t state = 99;
  for (int i = 0; i < 40; ++i) {
    std::string junk;
    for (int k = 0; k < 200 + i * 50; ++k) {
      state = state * 1664525 + 1013904223;
      junk += char(state >> 24);
    }
    if (i % 3 == 0) junk = post("x").substr(0, 20) + junk;
    auto c = s.connect();
    c.send_raw(junk, 1000);
    read_response(c, 50);
  }
  auto c = s.connect();
  REQUIRE(c.send_raw(post("fine"), 1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("more idle HTTP connections than the limit: the oldest idle ones give up their slots",
          "[http][limits][threads]") {
  HttpServer::Options o;
  o.max_connections = 4;
  Running s(echo, o);
  std::vector<TcpConnection> idle;
  for (int i = 0; i < 10; ++i) idle.push_back(s.connect());
  auto c = s.connect();
  REQUIRE(c.send_raw(post("served"), 1000) == NetStatus::ok);
  CHECK(read_response(c, 30'000).rfind("HTTP/1.1 200", 0) == 0);
  auto counters = s.server.wait_counters([](const auto& k) { return k.evicted >= 7; }, 30'000);
  CHECK(counters.evicted == 7);
  CHECK(counters.refused == 0);
  CHECK(closed_by_server(idle.front()));
  CHECK(s.log().find("its slot went to a new connection") != std::string::npos);
}

TEST_CASE("a request that does not complete in time closes its connection", "[http][limits][threads]") {
  HttpServer::Options o;
  o.request_timeout_ms = 200;
  Running s(echo, o);
  auto head = s.connect();
  REQUIRE(head.send_raw("POST /nexo HTTP/1.1\r\nContent-Le", 1000) == NetStatus::ok);
  auto body = s.connect();
  const std::string whole = post("0123456789");
  REQUIRE(body.send_raw(whole.substr(0, whole.size() - 5), 1000) == NetStatus::ok);  // the body cut short
  CHECK(closed_by_server(head));
  CHECK(closed_by_server(body));
  CHECK(s.server.wait_counters([](const auto& k) { return k.timed_out >= 2; }, 30'000).timed_out == 2);
  CHECK(s.log().find("is still incomplete") != std::string::npos);
  auto c = s.connect();
  REQUIRE(c.send_raw(post("after"), 1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("the HTTP server takes bare LF line endings and wants a JSON body", "[http][threads]") {
  Running s(echo);
  auto c = s.connect();
  REQUIRE(c.send_raw("POST /nexo HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 2\n\nok", 1000) ==
          NetStatus::ok);
  std::string r = read_response(c);
  CHECK(r.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(r.substr(r.size() - 2) == "ok");
  // Mixed endings on one connection, then the media type: case and parameters do not matter.
  REQUIRE(c.send_raw("POST /nexo HTTP/1.1\r\nContent-Type: Application/JSON; charset=utf-8\nContent-Length: 1\r\n\nx",
                     1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 200", 0) == 0);
  for (std::string type : {"", "Content-Type: text/plain\r\n", "Content-Type: application/jsonx\r\n"}) {
    INFO(type);
    REQUIRE(c.send_raw("POST /nexo HTTP/1.1\r\n" + type + "Content-Length: 2\r\n\r\n{}", 1000) == NetStatus::ok);
    std::string refused = read_response(c);
    CHECK(refused.rfind("HTTP/1.1 415 Unsupported Media Type", 0) == 0);
    CHECK(refused.find("application/json") != std::string::npos);
  }
  CHECK(s.log().find("refused a body of Content-Type 'text/plain' (415)") != std::string::npos);
  // The connection is still usable after a 415.
  REQUIRE(c.send_raw(post("again"), 1000) == NetStatus::ok);
  CHECK(read_response(c).rfind("HTTP/1.1 200", 0) == 0);
}
