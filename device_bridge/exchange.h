// What the servers in device_bridge/net/ hand their handlers and take back: the model answers a
// request (WireHost a frame, the emulated nexo terminal an HTTP POST) without knowing the socket
// it came on.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace posdrill {

// A length-framed server's answer to one request frame: the answer body, nothing, or "close this
// connection" (a peer that sent something that is not a message).
struct FrameReply {
  std::optional<std::string> answer;
  bool close = false;  // close the connection after writing `answer` (if any)
  FrameReply() = default;
  FrameReply(std::nullopt_t) {}
  FrameReply(std::optional<std::string> a) : answer(std::move(a)) {}
  FrameReply(std::string a) : answer(std::move(a)) {}
  static FrameReply close_connection() {
    FrameReply r;
    r.close = true;
    return r;
  }
  explicit operator bool() const { return answer.has_value(); }
  const std::string& operator*() const { return *answer; }
};

// One well-formed HTTP POST to a known path, and the answer to it.
struct HttpServerRequest {
  std::string method;
  std::string target;                                        // the path as sent, e.g. "/nexo"
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
};

struct HttpServerAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  int delay_ms = 0;     // send this long after the request arrived
  bool silent = false;  // never answer this request (the connection reads nothing more)
};

}  // namespace posdrill
