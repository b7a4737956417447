// `posdrill host` in miniature for the loopback tests: an AcquirerHost behind WireHost behind a
// FrameServer thread on 127.0.0.1, with the host's and the server's log lines kept for checks,
// and a client that speaks the CUP wire the way an independent terminal would (hand-built
// messages, MAC under the key from its own sign-on).
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "device_bridge/crypto.h"
#include "device_bridge/net/tcp.h"
#include "device_bridge/wire.h"

#include "log_lines.h"

namespace posdrill::test {

struct HostService {
  AcquirerHost host;
  std::mutex mutex;  // the server thread and the test both look at the host
  // The host's time is the test's virtual time, so history days and velocity windows line up.
  std::atomic<TerminalTime> now{default_training_start_ms()};
  LogLines lines;
  WireHost wire{host, lines.sink()};
  FrameServer server;
  std::thread thread;
  Endpoint at{"127.0.0.1", 0};

  explicit HostService(HostConfig config, FrameServer::Options options = {})
      : host(std::move(config)), server([this](std::string_view req) { return answer(req); }, with_log(options)) {
    std::string error;
    REQUIRE(server.listen(at, error));
    at.port = server.port();
    thread = std::thread([this] { server.serve(); });
  }
  explicit HostService(const Setup& setup, FrameServer::Options options = {})
      : HostService(host_config_from(setup), options) {}
  ~HostService() {
    server.stop();
    thread.join();
  }

  std::vector<HostJournalEntry> journal() {
    std::lock_guard lock(mutex);
    return {host.journal().begin(), host.journal().end()};
  }
  int64_t available(const std::string& pan) {
    std::lock_guard lock(mutex);
    return host.available_minor(pan).value_or(-1);
  }
  int count(const std::string& mti) {
    std::lock_guard lock(mutex);
    int n = 0;
    for (const auto& e : host.journal()) n += e.mti == mti ? 1 : 0;
    return n;
  }
  // Every log line so far (the host's and the frame server's), one per line.
  std::string log() { return lines.all(); }
  std::string last_log_line() { return lines.last(); }

 private:
  FrameServer::Reply answer(std::string_view req) {
    std::lock_guard lock(mutex);
    return wire.handle(req, now.load());
  }
  FrameServer::Options with_log(FrameServer::Options o) {
    o.log = lines.sink();
    return o;
  }
};

// A terminal written from device_bridge/README.md alone: it builds every message itself, signs on
// for its MAC key and sends each request on a fresh connection.
struct WireClient {
  explicit WireClient(Endpoint at) : host(std::move(at)) {}
  Endpoint host;
  std::string mac_key, pin_key;  // after sign_on()
  int stan = 0;

  // Encodes (with a MAC once signed on), sends, waits for the answer and decodes it; a failed
  // exchange fails the test.
  IsoMessage exchange(const IsoMessage& request) {
    EncodeOptions eo;
    if (request.mti != "0800") eo.mac_key = mac_key;
    std::string bytes;
    REQUIRE(encode(request, Dialect::cup, bytes, eo).ok());
    NetStatus st;
    TcpConnection c = TcpConnection::connect(host, 5'000, st);
    REQUIRE(c.connected());
    REQUIRE(c.send_frame(bytes, 5'000) == NetStatus::ok);
    std::string reply;
    REQUIRE(c.receive_frame(reply, 30'000) == NetStatus::ok);
    IsoMessage answer;
    DecodeInfo info;
    REQUIRE(decode(reply, Dialect::cup, answer, DecodeOptions{mac_key}, &info).ok());
    if (answer.mti != "0810") CHECK(info.mac == MacStatus::mac_ok);
    return answer;
  }
  std::string next_stan() {
    std::string s = std::to_string(++stan);
    return std::string(6 - s.size(), '0') + s;
  }
  // The fields every request has: STAN, terminal, merchant.
  IsoMessage request(const std::string& mti) {
    IsoMessage m;
    m.mti = mti;
    m.set(11, next_stan());
    m.set(41, "10000001");
    m.set(42, "898310048161234");
    return m;
  }
  void sign_on() {
    IsoMessage m = request("0800");
    m.set(60, "00000001003");
    IsoMessage a = exchange(m);
    REQUIRE(a.get(39) == "00");
    auto keys = decode_working_keys(a.get(62), test_master_key());
    REQUIRE(keys);
    mac_key = keys->mac_key;
    pin_key = keys->pin_key;
  }
};

}  // namespace posdrill::test
