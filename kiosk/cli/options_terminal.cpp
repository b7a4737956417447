// The config's `terminal:` section: how to reach a spare real terminal (the shape is in
// kiosk/core/terminal_settings.h). Every value is checked here, where the file's line and column are
// still known: a wrong address found later, at the till, could only say "cannot connect".

#include <cstdint>
#include <optional>

#include "cli/options.h"
#include "device_bridge/nexo.h"
#include "device_bridge/endpoint.h"

namespace posdrill {

namespace {

constexpr const char* terminal_keys =
    "nexo, poi_id, acquirer, timeout, answer_timeout, ca_file, proxy, wire, test_hosts";

// What is wrong with a terminal URL, in plain words; "" when parse_nexo_url (device_bridge/nexo.h,
// the rule the kiosk's bridge connects with) takes it.
std::string nexo_url_problem(std::string_view url) {
  std::string why;
  return parse_nexo_url(url, why) ? "" : why;
}

// 1-64 printable ASCII characters: nexo's POIID travels in every message header.
bool valid_poi_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

}  // namespace

bool load_terminal_section(const YAML::Node& node, const std::filesystem::path& file, Settings& settings,
                           std::vector<Diagnostic>& errors) {
  auto err = [&](const YAML::Mark& m, std::string msg) {
    errors.push_back({file.string(), m.line + 1, m.column + 1, std::move(msg)});
  };
  if (!node.IsMap()) {
    err(node.Mark(),
        std::string("expected 'terminal' to be a map with keys ") + terminal_keys + " (nexo: http://ADDR:PORT/nexo)");
    return false;
  }
  RealTerminalSettings& t = settings.terminal;
  bool ok = true;
  // The upstreams are checked against test_hosts after the loop: the list may come after them.
  std::optional<Endpoint> upstream, wire_upstream;
  YAML::Mark upstream_mark, wire_upstream_mark;

  // One endpoint of `section` (proxy or wire); nullopt (with the error added) when it does not parse.
  auto endpoint = [&](const YAML::Node& v, const std::string& section, const std::string& key,
                      bool port_needed) -> std::optional<Endpoint> {
    const std::string name = "terminal." + section + "." + key;
    if (!v.IsScalar() || v.Scalar().empty()) {
      err(v.Mark(), "expected '" + name + "' to be ADDR:PORT, like 192.0.2.50:5000");
      return std::nullopt;
    }
    std::string why;
    auto e = parse_endpoint(v.Scalar(), why);
    if (e && port_needed && e->port == 0) why = "port 0 cannot be dialled";
    if (!e || !why.empty()) {
      err(v.Mark(),
          "expected '" + name + "' to be ADDR:PORT (a numeric address or localhost), got '" + v.Scalar() + "': " + why);
      return std::nullopt;
    }
    return e;
  };

  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.as<std::string>("");
    const YAML::Node v = it->second;  // a copy: `it->` yields a temporary
    if (key == "proxy" || key == "wire") {
      if (!v.IsMap()) {
        err(v.Mark(), "expected 'terminal." + key + "' to be a map: {listen: ADDR:PORT, upstream: ADDR:PORT}");
        ok = false;
        continue;
      }
      std::optional<Endpoint> listen_at, up;
      bool has_listen = false, has_upstream = false, section_ok = true;
      YAML::Mark up_mark;
      for (auto p = v.begin(); p != v.end(); ++p) {
        const std::string pkey = p->first.as<std::string>("");
        const YAML::Node pv = p->second;
        if (pkey == "listen") {
          has_listen = true;
          listen_at = endpoint(pv, key, pkey, false);  // port 0: any free port, as with --listen
          section_ok = listen_at.has_value() && section_ok;
        } else if (pkey == "upstream") {
          has_upstream = true;
          up = endpoint(pv, key, pkey, true);
          section_ok = up.has_value() && section_ok;
          up_mark = pv.Mark();
        } else {
          err(p->first.Mark(), "unknown key 'terminal." + key + "." + pkey + "'; expected: listen, upstream");
          section_ok = false;
        }
      }
      // One without the other cannot run: say so now, not at the first scenario.
      if (!has_listen || !has_upstream) {
        err(v.Mark(), "expected 'terminal." + key + "' to have both listen and upstream; " +
                          (has_listen ? "upstream" : "listen") + " is missing");
        section_ok = false;
      }
      if (section_ok) {
        (key == "proxy" ? t.proxy_listen : t.wire_listen) = endpoint_text(*listen_at);
        (key == "proxy" ? t.proxy_upstream : t.wire_upstream) = endpoint_text(*up);
        (key == "proxy" ? upstream : wire_upstream) = up;
        (key == "proxy" ? upstream_mark : wire_upstream_mark) = up_mark;
      }
      ok = section_ok && ok;
      continue;
    }
    if (key == "test_hosts") {
      if (!v.IsSequence()) {
        err(v.Mark(),
            "expected 'terminal.test_hosts' to be a list of numeric ADDR or ADDR:PORT, like "
            "[192.0.2.50:5000]");
        ok = false;
        continue;
      }
      for (const YAML::Node& entry : v) {
        std::string why;
        if (!entry.IsScalar() || entry.Scalar().empty()) {
          err(entry.Mark(), "expected each 'terminal.test_hosts' entry to be a numeric ADDR or ADDR:PORT");
          ok = false;
        } else if (!valid_test_host_entry(entry.Scalar(), why)) {
          err(entry.Mark(), "expected a 'terminal.test_hosts' entry to be a numeric ADDR or ADDR:PORT, got '" +
                                entry.Scalar() + "': " + why);
          ok = false;
        } else {
          t.test_hosts.push_back(entry.Scalar());
        }
      }
      continue;
    }
    const bool known = key == "nexo" || key == "poi_id" || key == "acquirer" || key == "timeout" ||
                       key == "answer_timeout" || key == "ca_file";
    if (!known) {
      err(it->first.Mark(), "unknown key 'terminal." + key + "'; expected one of: " + terminal_keys);
      ok = false;
      continue;
    }
    if (!v.IsScalar() || v.Scalar().empty()) {
      err(v.Mark(), "expected 'terminal." + key + "' to be a single value");
      ok = false;
      continue;
    }
    const std::string& s = v.Scalar();
    if (key == "nexo") {
      if (std::string problem = nexo_url_problem(s); !problem.empty()) {
        err(v.Mark(), "expected 'terminal.nexo' to be the terminal's nexo URL, got '" + s + "' (" + problem + ")");
        ok = false;
      } else {
        t.nexo_address = s;
      }
    } else if (key == "poi_id") {
      if (!valid_poi_id(s)) {
        err(v.Mark(), "expected 'terminal.poi_id' to be 1-64 printable ASCII characters, got '" + s + "'");
        ok = false;
      } else {
        t.poi_id = s;
      }
    } else if (key == "acquirer") {
      // Whether content/test_hosts has this profile is the kiosk's check, once content is loaded.
      t.acquirer = s;
    } else if (key == "answer_timeout") {
      const std::optional<int> n = parse_whole_number(s, 5, 180);
      if (!n) {
        err(v.Mark(),
            "expected 'terminal.answer_timeout' to be the terminal's answer time-out in whole seconds from 5 to "
            "180, got '" + s + "'");
        ok = false;
      } else {
        t.answer_timeout_s = *n;
      }
    } else if (key == "timeout") {
      const std::optional<int> n = parse_whole_number(s, 5, 600);
      if (!n) {
        err(v.Mark(), "expected 'terminal.timeout' to be a whole number of seconds from 5 to 600, got '" + s + "'");
        ok = false;
      } else {
        t.timeout_s = *n;
      }
    } else {  // ca_file
      // Relative to the config's folder, like every path in the config; absolute so the kiosk's
      // working folder never matters.
      t.ca_file = std::filesystem::absolute(file.parent_path() / s).lexically_normal().string();
    }
  }

  if (upstream) {
    std::string why;
    if (!upstream_allowed(*upstream, t.test_hosts, why)) {
      err(upstream_mark,
          "'terminal.proxy.upstream' is refused: " + why + " (the config's terminal.test_hosts counts as --test-host)");
      t.proxy_listen.clear();
      t.proxy_upstream.clear();
      ok = false;
    }
  }
  if (wire_upstream) {
    std::string why;
    if (!upstream_allowed(*wire_upstream, t.test_hosts, why)) {
      err(wire_upstream_mark,
          "'terminal.wire.upstream' is refused: " + why + " (the config's terminal.test_hosts counts as --test-host)");
      t.wire_listen.clear();
      t.wire_upstream.clear();
      ok = false;
    }
  }
  return ok;
}

}  // namespace posdrill
