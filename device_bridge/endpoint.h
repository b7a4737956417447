// Where a terminal, a host or a proxy listens or dials: an address and a port, as text in the
// config and on the command line, and which addresses a real terminal's traffic may be sent to.
// Text and numbers only: the sockets that use an Endpoint are in device_bridge/net/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace posdrill {

struct Endpoint {
  std::string host;  // a numeric IPv4 or IPv6 address, or "localhost"
  uint16_t port = 0;
};

// "127.0.0.1:5000", "[::1]:5000", "localhost:5000" -> Endpoint; nullopt with `error` set otherwise.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::string& error);
std::string endpoint_text(const Endpoint& e);

// Whether the proxy may send a real terminal's traffic to `upstream`. Allowed: a loopback address
// (127.0.0.0/8, ::1, "localhost"), or an address listed in `test_hosts` ("ADDR" for any port,
// "ADDR:PORT" for one port; numeric addresses only). Host names are refused: a name can start
// resolving to a production host without anyone editing the allow-list. False with `why` set.
bool upstream_allowed(const Endpoint& upstream, const std::vector<std::string>& test_hosts, std::string& why);
// An allow-list entry's shape: one numeric address, optionally with a port; not unspecified
// (0.0.0.0, ::), multicast or broadcast. False with `why` set.
bool valid_test_host_entry(std::string_view entry, std::string& why);

}  // namespace posdrill
