// A small blocking HTTP client over libcurl for the kiosk's outbound links (the LRS, a nexo
// terminal). One HttpClient per thread: it keeps one curl easy handle, so consecutive requests
// to the same server reuse the connection (keep-alive). TLS certificates are always verified.
// Bodies are bounded (max_response_bytes); every request has a connect and a total time-out.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace posdrill {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  std::string basic_user, basic_password;  // Basic auth when basic_user is not empty
  std::string ca_file;                     // extra CA bundle; empty: the system's
  int timeout_s = 30;
  int connect_timeout_s = 10;
  // When > 0, the whole request (connect included) ends after this many ms instead: a caller with
  // a deadline of its own (`posdrill sync now --timeout`) never waits past it.
  int64_t timeout_ms = 0;
};

enum class HttpError {
  none,        // an HTTP answer arrived (any status)
  resolve,     // host name not found
  connect,     // refused / unreachable
  timeout,     // connect or total time-out
  tls,         // certificate or handshake problem
  reset,       // connection dropped mid-answer
  too_large,   // answer over max_response_bytes
  bad_answer,  // not HTTP
  cancelled,   // the owner's stop flag was raised (the kiosk is closing)
  other,
};
const char* http_error_text(HttpError e);  // English, for logs

struct HttpResponse {
  HttpError error = HttpError::none;
  std::string error_detail;  // curl's words when error != none
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::optional<std::string> header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  static constexpr std::size_t max_response_bytes = 8 * 1024 * 1024;
  // `stop`: while it reads true, a request in flight ends within about a second (curl's progress
  // callback) and new ones end at once, with HttpError::cancelled. So a thread that is closing
  // never waits out a 30 s LRS time-out or a 2 min payment. Must outlive the client.
  explicit HttpClient(const std::atomic<bool>* stop = nullptr);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpResponse perform(const HttpRequest& request);

 private:
  void* curl_ = nullptr;  // CURL*
  const std::atomic<bool>* stop_ = nullptr;
};

// Calls curl_global_init once for the process (thread-safe; HttpClient's constructor does it).
void http_global_init();

}  // namespace posdrill
