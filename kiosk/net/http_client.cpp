// HttpClient over one libcurl easy handle (see http_client.h). The handle is reset between
// requests (curl_easy_reset keeps the connection cache), so no option leaks from one request to
// the next while keep-alive still works.

#include "kiosk/net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace posdrill {

namespace {

struct Sink {
  std::string* body;
  std::vector<std::pair<std::string, std::string>>* headers;
  bool overflow = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (sink->body->size() + len > HttpClient::max_response_bytes) {
    sink->overflow = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  std::string line(data, len);
  // A new status line (after a redirect or a 100 Continue) starts a new header block.
  if (line.rfind("HTTP/", 0) == 0) {
    sink->headers->clear();
    return len;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos || sink->headers->size() >= 200) return len;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t\r\n");
  value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
  sink->headers->emplace_back(std::move(name), std::move(value));
  return len;
}

// Non-zero stops the transfer (CURLE_ABORTED_BY_CALLBACK): curl calls this at least once a second.
int on_progress(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0;
}

HttpError classify(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return HttpError::resolve;
    case CURLE_COULDNT_CONNECT:
      return HttpError::connect;
    case CURLE_OPERATION_TIMEDOUT:
      return HttpError::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
      return HttpError::tls;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return HttpError::reset;
    case CURLE_ABORTED_BY_CALLBACK:
      return HttpError::cancelled;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return HttpError::bad_answer;
    default:
      return HttpError::other;
  }
}

}  // namespace

const char* http_error_text(HttpError e) {
  switch (e) {
    case HttpError::none:
      return "answered";
    case HttpError::resolve:
      return "host name not found";
    case HttpError::connect:
      return "could not connect";
    case HttpError::timeout:
      return "timed out";
    case HttpError::tls:
      return "TLS certificate or handshake failed";
    case HttpError::reset:
      return "connection dropped";
    case HttpError::too_large:
      return "answer too large";
    case HttpError::bad_answer:
      return "not an HTTP answer";
    case HttpError::cancelled:
      return "cancelled: the kiosk is closing";
    case HttpError::other:
      return "request failed";
  }
  return "request failed";
}

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return std::nullopt;
}

void http_global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::HttpClient(const std::atomic<bool>* stop) : stop_(stop) {
  http_global_init();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpResponse HttpClient::perform(const HttpRequest& request) {
  HttpResponse out;
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) {
    out.error = HttpError::other;
    out.error_detail = "curl_easy_init failed";
    return out;
  }
  if (stop_ && stop_->load()) {
    out.error = HttpError::cancelled;
    return out;
  }
  curl_easy_reset(c);
  if (stop_) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, stop_);
  }
  Sink sink{&out.body, &out.headers};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for time-outs
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is the server's answer, not ours to follow
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!request.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, request.ca_file.c_str());
  if (request.timeout_ms > 0) {
    const long total = static_cast<long>(std::min<int64_t>(request.timeout_ms, int64_t(request.timeout_s) * 1000));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(total, long(request.connect_timeout_s) * 1000L));
  } else {
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(request.timeout_s));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(request.connect_timeout_s));
  }
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  if (!request.basic_user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, request.basic_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, request.basic_password.c_str());
  }
  if (request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method == "PUT") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_slist* list = nullptr;
  // No "Expect: 100-continue" round trip on large batches.
  list = curl_slist_append(list, "Expect:");
  for (const auto& [k, v] : request.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);

  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(list);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  out.status = status;
  if (rc != CURLE_OK) {
    out.error = sink.overflow ? HttpError::too_large : classify(rc);
    out.error_detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    // Never keep the partial body of a failed answer: callers must not act on half a message.
    out.body.clear();
  }
  return out;
}

}  // namespace posdrill
