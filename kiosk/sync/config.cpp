// check_lrs_config (config.h).

#include "kiosk/sync/config.h"

#include <cctype>

namespace posdrill {

namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// The host part of an http(s) URL ("" when there is none).
std::string url_host(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  std::string rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest[0] == '[') return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, rest.find(':'));
}

bool is_iri(const std::string& s) { return starts_with(s, "https://") || starts_with(s, "http://"); }

}  // namespace

std::vector<std::string> check_lrs_config(const LrsConfig& c) {
  std::vector<std::string> out;
  if (!c.enabled()) return out;
  if (c.endpoint.find('@') != std::string::npos)
    out.push_back("lrs.endpoint must not carry credentials; set lrs.key and lrs.secret");
  if (starts_with(c.endpoint, "https://")) {
    if (url_host(c.endpoint).empty()) out.push_back("lrs.endpoint has no host: '" + c.endpoint + "'");
  } else if (starts_with(c.endpoint, "http://")) {
    const std::string h = url_host(c.endpoint);
    // Basic auth over plain HTTP would hand the secret to anyone on the store network.
    if (h != "127.0.0.1" && h != "localhost" && h != "::1")
      out.push_back("lrs.endpoint must use https:// (plain http:// only to this machine); got '" + c.endpoint + "'");
  } else {
    out.push_back("lrs.endpoint must start with https://; got '" + c.endpoint + "'");
  }
  if (c.endpoint.find_first_of("?#") != std::string::npos)
    out.push_back("lrs.endpoint must be the xAPI base address without ? or #");
  if (c.key.empty() || c.secret.empty())
    out.push_back("lrs.key and lrs.secret (or POSDRILL_LRS_KEY and POSDRILL_LRS_SECRET) are needed with an endpoint");
  if (c.version != "1.0.3" && c.version != "2.0.0")
    out.push_back("lrs.version must be 1.0.3 or 2.0.0; got '" + c.version + "'");
  if (!is_iri(c.base_iri)) out.push_back("lrs.base_iri must be an http(s) IRI; got '" + c.base_iri + "'");
  if (!is_iri(c.home_page)) out.push_back("lrs.home_page must be an http(s) URL; got '" + c.home_page + "'");
  if (c.batch_size < 1 || c.batch_size > 500) out.push_back("lrs.batch_size must be 1-500");
  if (c.timeout_s < 1 || c.timeout_s > 600) out.push_back("lrs.timeout must be 1-600 seconds");
  if (c.connect_timeout_s < 1 || c.connect_timeout_s > c.timeout_s)
    out.push_back("lrs.connect_timeout must be 1 second up to lrs.timeout");
  if (c.retry_initial_ms < 100 || c.retry_initial_ms > 600'000)
    out.push_back("lrs.retry_initial_ms must be 100-600000");
  if (c.retry_max_ms < c.retry_initial_ms || c.retry_max_ms > 3'600'000)
    out.push_back("lrs.retry_max_ms must be from lrs.retry_initial_ms to 3600000");
  return out;
}

std::string endpoint_for_display(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos && at > scheme && (path == std::string::npos || at < path))
    return url.substr(0, scheme + 3) + url.substr(at + 1);
  return url;
}

}  // namespace posdrill
