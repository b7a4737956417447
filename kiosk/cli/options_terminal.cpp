// The config's `terminal:` section: how to reach a spare real terminal (the shape is in
// kiosk/core/terminal_settings.h). Every value is checked here, where the file's line and column are
// still known: a wrong address found later, at the till, could only say "cannot connect".

#include <cstdint>
#include <optional>

#include "cli/options.h"
#include "device_bridge/endpoint.h"
#include "device_bridge/nexo.h"
#include "scenarios/yaml_reader.h"

namespace posdrill {

namespace {

const YamlReader::Keys terminal_keys = {"nexo",    "poi_id", "acquirer", "timeout",   "answer_timeout",
                                        "ca_file", "proxy",  "wire",     "test_hosts"};

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

// One address of a proxy or wire section as an endpoint; nullopt (with the error added) when it
// does not parse. `dialled`: the port must be one a connection can go to.
std::optional<Endpoint> endpoint(YamlReader& r, const YamlReader::Placed& v, std::string_view key, bool dialled) {
  std::string why;
  auto e = parse_endpoint(v.text, why);
  if (e && dialled && e->port == 0) why = "port 0 cannot be dialled";
  if (!e || !why.empty()) {
    r.error(v.node, "expected '" + r.name(key) + "' to be ADDR:PORT (a numeric address or localhost), got '" + v.text +
                        "': " + why);
    return std::nullopt;
  }
  return e;
}

}  // namespace

void read_terminal_section(YamlReader& r, const YAML::Node& node, const std::filesystem::path& file,
                           Settings& settings) {
  if (!node.IsMap()) {
    r.error(node,
            "expected 'terminal' to be a map with keys " + join_keys(terminal_keys) + " (nexo: http://ADDR:PORT/nexo)");
    return;
  }
  auto named = r.within("terminal.");
  constexpr std::string_view what = "the 'terminal' section";
  r.map(node, what, terminal_keys);
  RealTerminalSettings& t = settings.terminal;

  // The test hosts first: an upstream is checked against them, wherever the list is written.
  if (YAML::Node hosts = r.get(node, "test_hosts", what, false); hosts.IsDefined()) {
    if (!hosts.IsSequence()) {
      r.error(hosts,
              "expected 'terminal.test_hosts' to be a list of numeric ADDR or ADDR:PORT, like "
              "[192.0.2.50:5000]");
    } else {
      for (const YAML::Node& entry : hosts) {
        std::string why;
        if (!entry.IsScalar() || entry.Scalar().empty())
          r.error(entry, "expected each 'terminal.test_hosts' entry to be a numeric ADDR or ADDR:PORT");
        else if (!valid_test_host_entry(entry.Scalar(), why))
          r.error(entry, "expected a 'terminal.test_hosts' entry to be a numeric ADDR or ADDR:PORT, got '" +
                             entry.Scalar() + "': " + why);
        else
          t.test_hosts.push_back(entry.Scalar());
      }
    }
  }

  if (auto v = r.placed_string(node, "nexo", what, false)) {
    if (std::string problem = nexo_url_problem(v->text); !problem.empty())
      r.error(v->node,
              "expected 'terminal.nexo' to be the terminal's nexo URL, got '" + v->text + "' (" + problem + ")");
    else
      t.nexo_address = v->text;
  }
  if (auto v = r.placed_string(node, "poi_id", what, false)) {
    if (valid_poi_id(v->text))
      t.poi_id = v->text;
    else
      r.error(v->node, "expected 'terminal.poi_id' to be 1-64 printable ASCII characters, got '" + v->text + "'");
  }
  // Whether content/test_hosts has this profile is the kiosk's check, once content is loaded.
  if (auto v = r.string(node, "acquirer", what, false)) t.acquirer = *v;
  if (auto n = r.integer(node, "answer_timeout", what, false, 5, 180, "seconds")) t.answer_timeout_s = *n;
  if (auto n = r.integer(node, "timeout", what, false, 5, 600, "seconds")) t.timeout_s = *n;
  // Relative to the config's folder, like every path in the config; absolute so the kiosk's
  // working folder never matters.
  if (auto v = r.string(node, "ca_file", what, false))
    t.ca_file = std::filesystem::absolute(file.parent_path() / *v).lexically_normal().string();

  // proxy: and wire:, each {listen, upstream}; an upstream must be a test host.
  for (const std::string section : {"proxy", "wire"}) {
    YAML::Node v = r.get(node, section, what, false);
    if (!v.IsDefined()) continue;
    if (!v.IsMap()) {
      r.error(v, "expected 'terminal." + section + "' to be a map: {listen: ADDR:PORT, upstream: ADDR:PORT}");
      continue;
    }
    auto inner = r.within(section + ".");
    const std::string in = "the 'terminal." + section + "' section";
    r.map(v, in, {"listen", "upstream"});
    const auto listen = r.placed_string(v, "listen", in, false);
    const auto upstream = r.placed_string(v, "upstream", in, false);
    // Port 0 listens on any free port, as with --listen; it cannot be dialled.
    const std::optional<Endpoint> at = listen ? endpoint(r, *listen, "listen", false) : std::nullopt;
    const std::optional<Endpoint> up = upstream ? endpoint(r, *upstream, "upstream", true) : std::nullopt;
    // One without the other cannot run: say so now, not at the first scenario.
    const bool has_listen = r.get(v, "listen", in, false).IsDefined();
    const bool has_upstream = r.get(v, "upstream", in, false).IsDefined();
    if (!has_listen || !has_upstream) {
      r.error(v, "expected 'terminal." + section + "' to have both listen and upstream; " +
                     (has_listen ? "upstream" : "listen") + " is missing");
      continue;
    }
    if (!at || !up) continue;
    std::string why;
    if (!upstream_allowed(*up, t.test_hosts, why)) {
      r.error(upstream->node, "'terminal." + section + ".upstream' is refused: " + why +
                                  " (the config's terminal.test_hosts counts as --test-host)");
      continue;
    }
    (section == "proxy" ? t.proxy_listen : t.wire_listen) = endpoint_text(*at);
    (section == "proxy" ? t.proxy_upstream : t.wire_upstream) = endpoint_text(*up);
  }
}

}  // namespace posdrill
