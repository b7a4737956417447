#include "device_bridge/endpoint.h"

#include <arpa/inet.h>  // inet_pton: address text to bytes (no socket is opened here)

#include <cstring>

namespace posdrill {

namespace {

struct IpAddress {
  int family = 0;  // AF_INET or AF_INET6
  unsigned char bytes[16] = {};
};

std::optional<IpAddress> parse_ip(const std::string& text) {
  IpAddress a;
  if (::inet_pton(AF_INET, text.c_str(), a.bytes) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (::inet_pton(AF_INET6, text.c_str(), a.bytes) == 1) {
    a.family = AF_INET6;
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address: compare it as one.
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.bytes, mapped, 12) == 0) {
      IpAddress v4;
      v4.family = AF_INET;
      std::memcpy(v4.bytes, a.bytes + 12, 4);
      return v4;
    }
    return a;
  }
  return std::nullopt;
}

bool same_ip(const IpAddress& a, const IpAddress& b) {
  return a.family == b.family && std::memcmp(a.bytes, b.bytes, a.family == AF_INET ? 4 : 16) == 0;
}

bool is_loopback(const IpAddress& a) {
  if (a.family == AF_INET) return a.bytes[0] == 127;
  static const unsigned char one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(a.bytes, one, 16) == 0;
}

// 0.0.0.0, ::, broadcast and multicast name no single host.
bool is_unusable(const IpAddress& a) {
  if (a.family == AF_INET) {
    const bool zero = a.bytes[0] == 0 && a.bytes[1] == 0 && a.bytes[2] == 0 && a.bytes[3] == 0;
    const bool broadcast = a.bytes[0] == 255 && a.bytes[1] == 255 && a.bytes[2] == 255 && a.bytes[3] == 255;
    return zero || broadcast || (a.bytes[0] >= 224 && a.bytes[0] <= 239);
  }
  static const unsigned char zero[16] = {};
  return std::memcmp(a.bytes, zero, 16) == 0 || a.bytes[0] == 0xff;
}

// An allow-list entry split into address and optional port.
bool split_entry(std::string_view entry, std::string& host, std::optional<uint16_t>& port) {
  port.reset();
  if (parse_ip(std::string(entry))) {  // a bare address (IPv6 has colons of its own)
    host = std::string(entry);
    return true;
  }
  std::string error;
  auto e = parse_endpoint(entry, error);
  if (!e) return false;
  host = e->host;
  port = e->port;
  return true;
}

}  // namespace

bool valid_test_host_entry(std::string_view entry, std::string& why) {
  std::string host;
  std::optional<uint16_t> port;
  if (!split_entry(entry, host, port) || !parse_ip(host)) {
    why = "test host '" + std::string(entry) +
          "' must be a numeric address, optionally with a port (192.0.2.7 or 192.0.2.7:8583); host names are not "
          "accepted";
    return false;
  }
  if (is_unusable(*parse_ip(host))) {
    why = "test host '" + std::string(entry) + "' names no single host (unspecified, broadcast or multicast)";
    return false;
  }
  if (port && *port == 0) {
    why = "test host '" + std::string(entry) + "' has port 0";
    return false;
  }
  return true;
}

bool upstream_allowed(const Endpoint& upstream, const std::vector<std::string>& test_hosts, std::string& why) {
  const std::string host = upstream.host == "localhost" ? "127.0.0.1" : upstream.host;
  auto ip = parse_ip(host);
  if (!ip) {
    why = "the upstream '" + upstream.host +
          "' must be a numeric address: a host name may resolve to a production "
          "host without anyone noticing";
    return false;
  }
  if (is_loopback(*ip)) return true;
  for (const auto& entry : test_hosts) {
    std::string h;
    std::optional<uint16_t> port;
    if (!split_entry(entry, h, port)) continue;
    auto allowed = parse_ip(h);
    if (allowed && same_ip(*allowed, *ip) && (!port || *port == upstream.port)) return true;
  }
  why = "the upstream " + endpoint_text(upstream) +
        " is not an allowed acquirer TEST host: only loopback and addresses given with --test-host are; a real "
        "terminal's traffic must never be relayed to a production host";
  return false;
}

std::optional<Endpoint> parse_endpoint(std::string_view text, std::string& error) {
  Endpoint e;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "expected [IPv6]:PORT, got '" + std::string(text) + "'";
      return std::nullopt;
    }
    e.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      error = "expected ADDRESS:PORT like 127.0.0.1:5000, got '" + std::string(text) + "'";
      return std::nullopt;
    }
    e.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) {
    digits = digits && c >= '0' && c <= '9';
    value = value * 10 + unsigned(c - '0');
  }
  if (!digits || value > 65535) {
    error = "expected a port number 0–65535, got '" + std::string(port) + "'";
    return std::nullopt;
  }
  e.port = uint16_t(value);
  if (!parse_ip(e.host == "localhost" ? "127.0.0.1" : e.host)) {
    error = "expected a numeric IPv4 or IPv6 address or localhost, got '" + e.host + "'";
    return std::nullopt;
  }
  return e;
}

std::string endpoint_text(const Endpoint& e) {
  bool v6 = e.host.find(':') != std::string::npos;
  return (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(e.port);
}

}  // namespace posdrill
