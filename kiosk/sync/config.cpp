// check_lrs_config, the URL rules and the `more` link rule (config.h).

#include "kiosk/sync/config.h"

#include <algorithm>
#include <cctype>

#include "base/digits.h"

namespace posdrill {

namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

bool is_iri(const std::string& s) { return starts_with(s, "https://") || starts_with(s, "http://"); }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Digits, one at least.
bool number(std::string_view s) { return !s.empty() && all_digits(s); }

// A host made only of numbers (decimal, 0x… hex, 0… octal) is an IPv4 address to curl, which
// rewrites "127.1" or "0x7f.0.0.1" to 127.0.0.1. Only the canonical dotted quad is accepted, so the
// host we check is the host curl connects to.
bool looks_numeric(std::string_view host) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = host.find('.', start);
    const std::string_view label = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    const bool hex = label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X') &&
                     std::all_of(label.begin() + 2, label.end(), [](unsigned char c) { return std::isxdigit(c); });
    if (!number(label) && !hex) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool canonical_ipv4(std::string_view host) {
  int parts = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = host.find('.', start);
    const std::string_view p = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    if (!number(p) || p.size() > 3 || (p.size() > 1 && p[0] == '0') || std::stoi(std::string(p)) > 255)
      return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

bool reg_name(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
  return std::all_of(host.begin(), host.end(), [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; });
}

bool ipv6_text(std::string_view host) {
  if (host.size() < 2 || host.find(':') == std::string_view::npos) return false;
  return std::all_of(host.begin(), host.end(),
                     [](unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.'; });
}

bool loopback_host(const std::string& h) { return h == "127.0.0.1" || h == "localhost" || h == "::1"; }

}  // namespace

int LrsConfig::effective_connect_timeout_s() const {
  if (connect_timeout_s > 0) return connect_timeout_s;
  return std::min(default_connect_timeout_s, std::max(timeout_s, 1));
}

const char* lrs_field_key(LrsField f) {
  switch (f) {
    case LrsField::endpoint:
      return "endpoint";
    case LrsField::key:
      return "key";
    case LrsField::secret:
      return "secret";
    case LrsField::version:
      return "version";
    case LrsField::base_iri:
      return "base_iri";
    case LrsField::home_page:
      return "home_page";
    case LrsField::batch_size:
      return "batch_size";
    case LrsField::timeout:
      return "timeout";
    case LrsField::connect_timeout:
      return "connect_timeout";
    case LrsField::retry_initial_ms:
      return "retry_initial_ms";
    case LrsField::retry_max_ms:
      return "retry_max_ms";
  }
  return "endpoint";
}

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error) {
  for (unsigned char c : url) {
    // Spaces, control characters and raw non-ASCII: curl would refuse or re-encode them.
    if (c <= 0x20 || c >= 0x7f || c == '\\') {
      error = "it holds a space, a control character or a character outside ASCII";
      return std::nullopt;
    }
  }
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) {
    error = "it does not start with https:// or http://";
    return std::nullopt;
  }
  HttpUrl out;
  out.scheme = lower(url.substr(0, colon));
  if (out.scheme != "http" && out.scheme != "https") {
    error = "its scheme is '" + out.scheme + "', not https or http";
    return std::nullopt;
  }
  std::string_view rest = url.substr(colon + 3);
  const std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (end != std::string_view::npos) {
    if (rest[end] != '/') {
      error = "a path must start with '/' after the host";
      return std::nullopt;
    }
    out.path = std::string(rest.substr(end));
    if (out.path.find('#') != std::string::npos) {
      error = "it has a #fragment";
      return std::nullopt;
    }
  }
  if (authority.find('@') != std::string_view::npos) {
    error = "it carries a user name or password (user@host)";
    return std::nullopt;
  }
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "an IPv6 address opened with '[' is not closed with ']'";
      return std::nullopt;
    }
    const std::string_view inside = authority.substr(1, close - 1);
    if (!ipv6_text(inside)) {
      error = "'" + std::string(inside) + "' is not an IPv6 address";
      return std::nullopt;
    }
    out.host = lower(inside);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "unexpected text after the IPv6 address";
        return std::nullopt;
      }
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const std::size_t c = authority.find(':');
    const std::string_view host = authority.substr(0, c);
    if (c != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(c + 1);
    }
    if (host.empty()) {
      error = "it has no host";
      return std::nullopt;
    }
    if (looks_numeric(host) ? !canonical_ipv4(host) : !reg_name(host)) {
      error = "'" + std::string(host) + "' is not a host name or a dotted IPv4 address";
      return std::nullopt;
    }
    out.host = lower(host);
  }
  if (has_port) {
    if (!number(port_text) || port_text.size() > 5 || std::stoi(std::string(port_text)) < 1 ||
        std::stoi(std::string(port_text)) > 65535) {
      error = "the port '" + std::string(port_text) + "' is not a number from 1 to 65535";
      return std::nullopt;
    }
    out.port = std::stoi(std::string(port_text));
  } else {
    out.port = out.scheme == "https" ? 443 : 80;
  }
  return out;
}

bool same_origin(const HttpUrl& a, const HttpUrl& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

std::optional<std::string> resolve_more_link(const std::string& endpoint, const std::string& more, std::string& error) {
  std::string why;
  const std::optional<HttpUrl> base = parse_http_url(endpoint, why);
  if (!base) {
    error = "the endpoint is not a usable URL: " + why;
    return std::nullopt;
  }
  std::string url;
  if (starts_with(more, "//")) {
    url = base->scheme + ":" + more;  // scheme-relative: another server, judged below
  } else if (starts_with(more, "/")) {
    // An absolute path: on the endpoint's own server, written as the endpoint writes it.
    const std::size_t slash = endpoint.find('/', endpoint.find("://") + 3);
    url = endpoint.substr(0, slash) + more;
  } else if (more.find("://") != std::string::npos) {
    url = more;
  } else {
    error = "the LRS's `more` link is neither an absolute path nor an absolute URL";
    return std::nullopt;
  }
  const std::optional<HttpUrl> next = parse_http_url(url, why);
  if (!next) {
    error = "the LRS's `more` link is not a usable URL: " + why;
    return std::nullopt;
  }
  if (!same_origin(*base, *next)) {
    error = "the LRS's `more` link points to another server (" + next->scheme + "://" + next->host + ":" +
            std::to_string(next->port) + "); it is not followed";
    return std::nullopt;
  }
  return url;
}

std::vector<LrsProblem> check_lrs_config(const LrsConfig& c) {
  std::vector<LrsProblem> out;
  if (!c.enabled()) return out;
  auto add = [&](LrsField f, std::string m) { out.push_back({f, std::move(m)}); };
  std::string why;
  const std::optional<HttpUrl> url = parse_http_url(c.endpoint, why);
  if (!url) {
    add(LrsField::endpoint, "lrs.endpoint '" + endpoint_for_display(c.endpoint) + "' is not a usable URL: " + why);
  } else if (url->scheme == "http" && !loopback_host(url->host)) {
    // Basic auth over plain HTTP would hand the secret to anyone on the store network.
    add(LrsField::endpoint,
        "lrs.endpoint must use https:// (plain http:// only to 127.0.0.1, ::1 or localhost); got '" + c.endpoint + "'");
  } else if (url->path.find('?') != std::string::npos) {
    add(LrsField::endpoint, "lrs.endpoint must be the xAPI base address without ? or #");
  }
  if (c.key.empty()) add(LrsField::key, "lrs.key (or POSDRILL_LRS_KEY) is needed with an endpoint");
  if (c.secret.empty()) add(LrsField::secret, "lrs.secret (or POSDRILL_LRS_SECRET) is needed with an endpoint");
  if (c.version != "1.0.3" && c.version != "2.0.0")
    add(LrsField::version, "lrs.version must be 1.0.3 or 2.0.0; got '" + c.version + "'");
  if (!is_iri(c.base_iri)) add(LrsField::base_iri, "lrs.base_iri must be an http(s) IRI; got '" + c.base_iri + "'");
  if (!is_iri(c.home_page)) add(LrsField::home_page, "lrs.home_page must be an http(s) URL; got '" + c.home_page + "'");
  if (c.batch_size < 1 || c.batch_size > 500) add(LrsField::batch_size, "lrs.batch_size must be 1-500");
  if (c.timeout_s < 1 || c.timeout_s > 600) add(LrsField::timeout, "lrs.timeout must be 1-600 seconds");
  if (c.connect_timeout_s < 0 || c.connect_timeout_s > c.timeout_s)
    add(LrsField::connect_timeout, "lrs.connect_timeout must be 1 second up to lrs.timeout (" +
                                       std::to_string(c.timeout_s) + " s); got " + std::to_string(c.connect_timeout_s));
  if (c.retry_initial_ms < 100 || c.retry_initial_ms > 600'000)
    add(LrsField::retry_initial_ms, "lrs.retry_initial_ms must be 100-600000");
  if (c.retry_max_ms < c.retry_initial_ms || c.retry_max_ms > 3'600'000)
    add(LrsField::retry_max_ms, "lrs.retry_max_ms must be from lrs.retry_initial_ms to 3600000");
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
