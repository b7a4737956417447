// An emulated nexo POI (device_bridge/nexo_poi.h) behind the HTTP server on a loopback port, on
// its own thread: the terminal the kiosk's nexo tests talk to over real sockets.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "device_bridge/net/http_server.h"
#include "device_bridge/nexo_poi.h"

namespace posdrill::test {
struct PoiServer {
  NexoPoi poi;
  HttpServer server;
  std::thread thread;
  // `port` 0: any free port (a test restarts a server on the port it had to bring it "back").
  explicit PoiServer(const Setup& setup, NexoPoiOptions options = {}, uint16_t port = 0)
      : poi(setup, options), server([this](const HttpServerRequest& r) { return poi.handle_http(r); }, {}) {
    std::string error;
    REQUIRE(server.listen({"127.0.0.1", port}, error));
    thread = std::thread([this] { server.serve(); });
  }
  ~PoiServer() {
    server.stop();
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()) + "/nexo"; }
};

}  // namespace posdrill::test
