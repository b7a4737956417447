// Where and how the kiosk sends its results: the company's Learning Record Store (xAPI).
// PURE: plain data and checks; the config file and environment are read by cli/options_lrs.cpp.
//
// One check for every sender: check_lrs_config() runs when the config loads (cli/options.cpp,
// with file:line:column) and again in every SyncSender (kiosk/net/sync_worker.h), which refuses to
// send anything while it finds a problem. So the kiosk's worker, `posdrill sync now` and the
// certification fetch at sign-in all accept exactly the same endpoints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace posdrill {

struct LrsConfig {
  // The LRS's xAPI base, ending in '/': statements go to <endpoint>statements. Empty: sync is off
  // and no statements are queued.
  std::string endpoint;
  std::string key;                // HTTP Basic user: one key per kiosk, so the LRS knows which kiosk sent what
  std::string secret;             // never logged, never printed, never stored in the database
  std::string version = "1.0.3";  // X-Experience-API-Version: 1.0.3 (default) or 2.0.0
  // Stable IRIs are built under this base: scenarios/<id>, tracks/<id>, extensions/<name>.
  std::string base_iri = "https://posdrill.invalid/xapi/";
  // The actor is {account: {homePage, name: employee id}}: the company's own URL.
  std::string home_page = "https://posdrill.invalid/staff";
  std::string ca_file;  // extra CA bundle for a private LRS certificate; empty: the system's
  int batch_size = 50;  // statements per POST (1-500)
  int timeout_s = 30;   // whole request
  // 0: not set, which means default_connect_timeout_s or the whole timeout when that is shorter
  // (so `timeout: 5` alone is a valid config).
  int connect_timeout_s = 0;
  static constexpr int default_connect_timeout_s = 10;
  bool remote_certification = true;  // ask the LRS at sign-in for passes earned on other kiosks
  // Backoff after a failed batch: from retry_initial_ms, doubling up to retry_max_ms (with jitter);
  // a Retry-After from the server wins, but never below retry_initial_ms.
  int retry_initial_ms = 2'000;
  int retry_max_ms = 300'000;

  bool enabled() const { return !endpoint.empty(); }
  int effective_connect_timeout_s() const;
};

// The setting a problem is about, so the config loader can point at the line that set it.
enum class LrsField {
  endpoint,
  key,
  secret,
  version,
  base_iri,
  home_page,
  batch_size,
  timeout,
  connect_timeout,
  retry_initial_ms,
  retry_max_ms
};
const char* lrs_field_key(LrsField f);  // "endpoint", "connect_timeout", … (the config key)

struct LrsProblem {
  LrsField field;
  std::string message;  // an English sentence naming the setting
};

// Problems with a config; empty when usable (or when sync is off). The endpoint must parse (see
// parse_http_url) and be https://, or plain http:// to this machine only (127.0.0.1, ::1,
// localhost: Basic auth in the clear must not cross any network).
std::vector<LrsProblem> check_lrs_config(const LrsConfig& c);

// An absolute http(s) URL taken apart. Stricter than curl, never looser: what parses here, curl
// parses to the same scheme, host and port (tests/net checks this against curl's own parser).
struct HttpUrl {
  std::string scheme;  // "http" or "https" (lower case)
  std::string host;    // lower case; an IPv6 address without its brackets
  int port = 0;        // the explicit port, else 80 / 443
  std::string path;    // from the first '/' (may hold a query); "" when none
};
// nullopt with `error` (English, names the part that is wrong) when `url` is not one.
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error);
// Same scheme, host and port.
bool same_origin(const HttpUrl& a, const HttpUrl& b);

// The URL to follow for an LRS statement result's `more` (an absolute path on the endpoint's
// server, or an absolute URL): only ever on the endpoint's own scheme, host and port, so the
// credentials never leave for another server. nullopt with `error` otherwise.
std::optional<std::string> resolve_more_link(const std::string& endpoint, const std::string& more, std::string& error);

// The endpoint as people may see it (logs, console, `sync status`): without a user:password@ part
// should the address carry one.
std::string endpoint_for_display(const std::string& url);

}  // namespace posdrill
