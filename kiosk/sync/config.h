// Where and how the kiosk sends its results: the company's Learning Record Store (xAPI).
// PURE: plain data and checks; the config file and environment are read by cli/options_lrs.cpp.
#pragma once

#include <string>
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
  int connect_timeout_s = 10;
  bool remote_certification = true;
  // Backoff after a failed batch: from retry_initial_ms, doubling up to retry_max_ms (with jitter);
  // a Retry-After from the server wins.
  int retry_initial_ms = 2'000;
  int retry_max_ms = 300'000;  // ask the LRS at sign-in for passes earned on other kiosks

  bool enabled() const { return !endpoint.empty(); }
};

// Problems with a config (English sentences naming the setting); empty when usable.
// Plain http:// is refused except to a loopback address (tests and a local LRS).
std::vector<std::string> check_lrs_config(const LrsConfig& c);

// The endpoint as people may see it (logs, console, `sync status`): without a user:password@ part
// should the address carry one.
std::string endpoint_for_display(const std::string& url);

}  // namespace posdrill
