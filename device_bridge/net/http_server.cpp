#include "device_bridge/net/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <optional>

namespace posdrill {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Where a request head ends: at the blank line after the header fields, with CRLF or bare LF
// line endings (RFC 9112 §2.2 lets a server take a lone LF as a line terminator). `text` is the
// head without its last line ending, `length` the bytes up to and with the blank line.
bool find_head(std::string_view in, std::size_t& text, std::size_t& length) {
  for (std::size_t p = in.find('\n'); p != std::string_view::npos; p = in.find('\n', p + 1)) {
    std::size_t q = p + 1;
    if (q < in.size() && in[q] == '\r') ++q;
    if (q < in.size() && in[q] == '\n') {
      text = p;
      length = q + 1;
      return true;
    }
  }
  return false;
}

std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// RFC 9110 token characters (method and header names).
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (std::isalnum(c)) continue;
    if (std::strchr("!#$%&'*+-.^_`|~", c) == nullptr || c == 0) return false;
  }
  return true;
}

}  // namespace

const char* http_reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
  }
  return "Unknown";
}

struct HttpServerClient {
  explicit HttpServerClient(int socket) : fd(socket) {}
  HttpServerClient(const HttpServerClient&) = delete;
  HttpServerClient& operator=(const HttpServerClient&) = delete;
  ~HttpServerClient() { ::close(fd); }

  int fd = -1;
  std::string in;
  std::string out;
  MonoTime last_activity;
  bool closing = false;        // close once `out` is written
  bool muted = false;          // a withheld answer: read nothing more on this connection
  bool continue_sent = false;  // 100 Continue already sent for the request being read
  bool deferred = false;       // an answer waits for its time
  MonoTime due;                // deferred: when the answer goes
  std::string deferred_bytes;
  bool deferred_close = false;
  std::optional<MonoTime> request_started;  // when the request now incomplete began
  uint64_t id = 0;
};

HttpServer::HttpServer(Handler handler, Options options)
    : ConnectionServer(options.log), handler_(std::move(handler)), options_(std::move(options)) {}

HttpServer::~HttpServer() = default;

void HttpServer::queue_answer(Client& c, const HttpServerAnswer& a, bool close_after, bool answered) {
  std::string head = "HTTP/1.1 " + std::to_string(a.status) + " " + http_reason_phrase(a.status) + "\r\n";
  if (!a.body.empty() || a.status != 204) head += "Content-Type: " + a.content_type + "\r\n";
  head += "Content-Length: " + std::to_string(a.body.size()) + "\r\n";
  if (a.status == 405) head += "Allow: POST\r\n";
  head += close_after ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
  head += "\r\n";
  std::string bytes = head + a.body;
  if (a.delay_ms > 0) {
    c.deferred = true;
    c.due = steady_now() + a.delay_ms;
    c.deferred_bytes = std::move(bytes);
    c.deferred_close = close_after;
    return;
  }
  if (answered) counters_.add(&Counters::answered);
  c.out += bytes;
  if (close_after) c.closing = true;
}

void HttpServer::reject(Client& c, int status) {
  counters_.add(&Counters::rejected);
  HttpServerAnswer a;
  a.status = status;
  a.content_type = "text/plain; charset=utf-8";
  a.body = std::string(http_reason_phrase(status)) + "\n";
  queue_answer(c, a, true, false);
  c.in.clear();
}

bool HttpServer::read_from(Client& c) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == EINTR) continue;
      return false;
    }
    c.last_activity = steady_now();
    // Muted or closing connections read nothing more; the bytes are dropped. Otherwise the
    // buffer never grows past one request's bounds plus one read.
    if (c.muted || c.closing) continue;
    c.in.append(buf, std::size_t(n));
    if (c.in.size() > options_.max_header_bytes + options_.max_body_bytes + sizeof buf) {
      reject(c, 413);
      return true;
    }
  }
}

bool HttpServer::parse_next(Client& c) {
  while (!c.closing && !c.muted && !c.deferred && !c.in.empty()) {
    std::size_t end = 0, head_len = 0;
    if (!find_head(c.in, end, head_len)) {
      if (c.in.size() > options_.max_header_bytes) reject(c, 400);
      return true;  // wait for the rest of the head
    }
    if (head_len > options_.max_header_bytes) {
      reject(c, 400);
      return true;
    }
    std::string_view head(c.in.data(), end);
    // Request line
    std::size_t eol = head.find('\n');
    std::string_view line = without_cr(head.substr(0, eol));
    std::size_t s1 = line.find(' ');
    std::size_t s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
    if (s2 == std::string_view::npos || line.find(' ', s2 + 1) != std::string_view::npos) {
      reject(c, 400);
      return true;
    }
    HttpServerRequest req;
    req.method = std::string(line.substr(0, s1));
    req.target = std::string(line.substr(s1 + 1, s2 - s1 - 1));
    std::string version(line.substr(s2 + 1));
    if (!is_token(req.method) || req.target.empty() || req.target.front() != '/' ||
        (version != "HTTP/1.1" && version != "HTTP/1.0")) {
      reject(c, 400);
      return true;
    }
    // Header fields
    std::optional<std::size_t> content_length;
    bool chunked = false, expect_continue = false;
    std::string connection, media_type;
    std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 1);
    while (!rest.empty()) {
      std::size_t e = rest.find('\n');
      std::string_view field = without_cr(rest.substr(0, e));
      rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 1);
      std::size_t colon = field.find(':');
      if (colon == std::string_view::npos || !is_token(field.substr(0, colon))) {
        reject(c, 400);  // also refuses obsolete line folding (a field starting with a space)
        return true;
      }
      std::string name = lower(std::string(field.substr(0, colon)));
      std::string value = trim(field.substr(colon + 1));
      if (name == "content-length") {
        if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos ||
            (content_length && *content_length != std::stoul(value))) {
          reject(c, 400);
          return true;
        }
        content_length = std::stoul(value);
      } else if (name == "transfer-encoding") {
        chunked = true;
      } else if (name == "expect") {
        expect_continue = lower(value) == "100-continue";
      } else if (name == "connection") {
        connection = lower(value);
      } else if (name == "content-type") {
        media_type = lower(trim(std::string_view(value).substr(0, value.find(';'))));
      }
      req.headers.emplace_back(std::move(name), std::move(value));
    }
    if (chunked || (req.method == "POST" && !content_length)) {
      reject(c, 411);
      return true;
    }
    std::size_t body_len = content_length.value_or(0);
    if (body_len > options_.max_body_bytes) {
      reject(c, 413);
      return true;
    }
    if (c.in.size() < head_len + body_len) {
      if (expect_continue && !c.continue_sent) {
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        c.continue_sent = true;
      }
      return true;  // wait for the rest of the body
    }
    req.body = c.in.substr(head_len, body_len);
    c.in.erase(0, head_len + body_len);
    c.continue_sent = false;
    counters_.add(&Counters::requests);
    bool keep_alive = version == "HTTP/1.1" ? connection != "close" : connection == "keep-alive";

    if (std::find(options_.paths.begin(), options_.paths.end(), req.target) == options_.paths.end()) {
      HttpServerAnswer a{404, "text/plain; charset=utf-8", "Not Found\n"};
      counters_.add(&Counters::rejected);
      queue_answer(c, a, !keep_alive, false);
      continue;
    }
    if (req.method != "POST") {
      HttpServerAnswer a{405, "text/plain; charset=utf-8", "Method Not Allowed: use POST\n"};
      counters_.add(&Counters::rejected);
      queue_answer(c, a, !keep_alive, false);
      continue;
    }
    if (!options_.content_type.empty() && media_type != options_.content_type) {
      HttpServerAnswer a{415, "text/plain; charset=utf-8",
                         "Unsupported Media Type: send Content-Type: " + options_.content_type + "\n"};
      counters_.add(&Counters::rejected);
      if (options_.log)
        options_.log("connection " + std::to_string(c.id) + ": refused a body of Content-Type '" +
                     (media_type.empty() ? std::string("(none)") : media_type.substr(0, 64)) + "' (415)");
      queue_answer(c, a, !keep_alive, false);
      continue;
    }
    HttpServerAnswer answer;
    try {
      answer = handler_(req);
    } catch (const std::exception&) {  // a handler bug must not take the server down
      answer = HttpServerAnswer{500, "text/plain; charset=utf-8", "Internal Server Error\n"};
    }
    if (answer.silent) {
      counters_.add(&Counters::withheld);
      c.muted = true;
      c.in.clear();
      return true;
    }
    queue_answer(c, answer, !keep_alive);
  }
  return true;
}

bool HttpServer::write_to(Client& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, std::size_t(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  return !c.closing;
}

void HttpServer::serve(int run_for_ms) {
  serve_clients(
      run_for_ms,
      [this](const Client& c) {
        MonoTime due = c.last_activity + options_.idle_timeout_ms + 1;
        if (c.deferred) due = std::min(due, c.due);
        if (c.request_started) due = std::min(due, *c.request_started + options_.request_timeout_ms + 1);
        return Watched{c.fd, !c.out.empty(), due};
      },
      [this](Client& c, short rev, MonoTime now) {
        bool alive = true;
        if (rev & (POLLIN | POLLERR | POLLHUP)) alive = read_from(c);
        if (alive && c.deferred && now >= c.due) {
          c.out += c.deferred_bytes;
          c.closing = c.closing || c.deferred_close;
          c.deferred = false;
          c.deferred_bytes.clear();
          counters_.add(&Counters::answered);
          c.last_activity = now;
        }
        if (alive) parse_next(c);
        // An incomplete request starts the clock (not while an answer it queued behind waits).
        const bool incomplete = !c.in.empty() && !c.muted && !c.closing && !c.deferred;
        if (!incomplete)
          c.request_started.reset();
        else if (!c.request_started)
          c.request_started = now;
        if (alive && !c.out.empty()) alive = write_to(c);
        if (!alive || (c.closing && c.out.empty())) return false;
        const bool waiting = c.deferred || !c.out.empty();
        if (c.request_started && now - *c.request_started > options_.request_timeout_ms) {
          counters_.add(&Counters::timed_out);
          log(c, "closed: a request begun " + std::to_string(now - *c.request_started) + " ms ago is still incomplete");
          return false;
        }
        if (!waiting && now - c.last_activity > options_.idle_timeout_ms) {
          counters_.add(&Counters::timed_out);
          log(c, "closed: idle for " + std::to_string(options_.idle_timeout_ms / 1000) + " s");
          return false;
        }
        return true;
      },
      options_.max_connections, [](const Client& c) { return c.in.empty() && c.out.empty() && !c.deferred; },
      "a request");
}

}  // namespace posdrill
