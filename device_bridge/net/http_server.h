// A minimal HTTP/1.1 server over POSIX sockets for the emulated nexo terminal (POST /nexo), in
// the manner of tcp.h's FrameServer: one thread serves every connection with poll(), every
// buffer is bounded and every wait has a time-out, and no peer can stop the server.
//
// What it speaks
// - Requests with Content-Length only (no chunked bodies: 411), keep-alive by default in
//   HTTP/1.1, "Connection: close" honoured, "Expect: 100-continue" answered. Lines may end in
//   CRLF or a bare LF. A POST body must declare Content-Type application/json (415 otherwise).
// - Bounds: request line + headers at most max_header_bytes (16 KiB, else 400 and close), body at
//   most max_body_bytes (64 KiB, else 413 and close). Malformed request lines or headers: 400 and
//   close. A path outside `paths`: 404. A method other than POST: 405 with "Allow: POST".
// - The handler sees only well-formed POSTs to a known path. Its answer may be sent at once,
//   after a delay (a slow terminal), or never (a terminal whose host went silent: the connection
//   stays open without an answer until the peer gives up or the idle time-out closes it).
// - Connection limits, each logged when it closes a connection: a request (head and body) that
//   has begun must be complete within request_timeout_ms; at max_connections a newcomer takes
//   the slot of the connection idle longest (nothing half-read, nothing to send, no answer
//   waiting for its time; a withheld answer counts as idle), and is refused when none is; a
//   connection silent for idle_timeout_ms is closed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "device_bridge/exchange.h"
#include "device_bridge/net/tcp.h"

namespace posdrill {

const char* http_reason_phrase(int status);

struct HttpServerClient;  // http_server.cpp
struct HttpServerCounters {
  uint64_t accepted = 0, requests = 0, answered = 0, rejected = 0, withheld = 0, dropped = 0, refused = 0, evicted = 0,
           timed_out = 0;
};

class HttpServer : public ConnectionServer<HttpServerClient, HttpServerCounters> {
 public:
  using Handler = std::function<HttpServerAnswer(const HttpServerRequest& request)>;
  using Counters = HttpServerCounters;
  struct Options {
    std::vector<std::string> paths{"/nexo", "/nexo/"};
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 64 * 1024;
    int max_connections = 32;
    int idle_timeout_ms = 60'000;
    int request_timeout_ms = 5'000;
    // The media type a POST body must declare (Content-Type, parameters ignored); else 415.
    // Empty: any.
    std::string content_type = "application/json";
    Log log;  // one line per connection a limit closes
  };

  HttpServer(Handler handler, Options options);
  ~HttpServer();

  // Serves until stop() (from any thread or a signal handler) or, when run_for_ms >= 0, until
  // that much time has passed.
  void serve(int run_for_ms = -1);

 private:
  using Client = HttpServerClient;
  bool read_from(Client& c);   // false: close it
  bool parse_next(Client& c);  // false: close it once the output is written
  bool write_to(Client& c);    // false: close it
  // `answered`: count it as an answer (refusals are counted as rejected instead).
  void queue_answer(Client& c, const HttpServerAnswer& a, bool close_after, bool answered = true);
  void reject(Client& c, int status);

  Handler handler_;
  Options options_;
};

}  // namespace posdrill
