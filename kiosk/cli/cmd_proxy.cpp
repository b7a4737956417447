// `posdrill proxy`: the host-link fault proxy (device_bridge/net/proxy.h) as a service. A spare real
// terminal's host address points at it and its acquirer's TEST host sits behind it, so a scenario's
// fault script hits the real terminal's line as it hits the emulator's. The addresses and the
// allow-list come from the flags and from the config's terminal: section (kiosk/core/terminal_settings.h).

#include <csignal>
#include <iostream>
#include <optional>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/say.h"
#include "device_bridge/net/proxy.h"

namespace posdrill {

namespace {

HostLinkProxy* running_proxy = nullptr;
extern "C" void on_proxy_stop_signal(int) {
  if (running_proxy) running_proxy->stop();  // writes one byte to a pipe: async-signal-safe
}

}  // namespace

bool print_test_amounts(std::ostream& out, const char* me, const ContentSet& set, const Scenario& s,
                        const std::string& profile_id, Lang lang) {
  const TestHostProfile* profile = nullptr;
  if (!profile_id.empty()) {
    for (const auto& p : set.test_hosts)
      if (p.id == profile_id) profile = &p;
    if (!profile) {
      std::cerr << me << "no test host '" << profile_id << "' in content/test_hosts (known:";
      for (const auto& p : set.test_hosts) std::cerr << ' ' << p.id;
      std::cerr << ")\n";
      return false;
    }
  }
  bool ok = true;
  for (const auto& o : s.real_terminal->outcomes) {
    out << me << "request " << o.request << " must be answered " << o.response;
    if (!profile) {
      out << ": key the amount your acquirer's test host answers it to (--profile shows it)\n";
    } else if (auto amount = profile->amount_for(o.response)) {
      out << ": key " << format_amount(*amount) << " (" << profile->title.get(lang) << ")\n";
    } else {
      out << ": " << profile->title.get(lang) << " has no amount for it\n";
      ok = false;
    }
  }
  return ok;
}

std::optional<TerminalLine> terminal_line(const Settings& settings, const char* me, const TerminalLineFlags& f,
                                          int& exit_code) {
  exit_code = exit_usage;
  std::string error;
  // A flag beats the config's section, as every flag beats the config.
  auto address = [&](const std::string& flag_value, const std::string& config_value, const char* flag,
                     const std::string& key) -> std::optional<Endpoint> {
    const bool from_flag = !flag_value.empty();
    const std::string& text = from_flag ? flag_value : config_value;
    if (text.empty()) {
      std::cerr << me << "needs " << flag << " ADDR:PORT, or " << key << " in the config's terminal: section\n";
      return std::nullopt;
    }
    auto e = parse_endpoint(text, error);
    if (!e) std::cerr << me << (from_flag ? std::string(flag) : key) << ": " << error << '\n';
    return e;
  };
  const std::string section = std::string("terminal.") + f.section;
  auto listen_at = address(f.listen, f.config_listen, f.listen_flag, section + ".listen");
  if (!listen_at) return std::nullopt;
  auto upstream = address(f.upstream, f.config_upstream, "--upstream", section + ".upstream");
  if (!upstream) return std::nullopt;
  for (const auto& entry : f.test_hosts) {
    if (!valid_test_host_entry(entry, error)) {
      std::cerr << me << "--test-host: " << error << '\n';
      return std::nullopt;
    }
  }
  // The allow-list is the config's terminal.test_hosts (checked when the config was read) plus
  // every --test-host: a flag adds to the config here rather than replacing it, so a one-off test
  // host on the command line never silently drops the ones the kiosk is set up with.
  TerminalLine line{*listen_at, *upstream, settings.terminal.test_hosts};
  line.test_hosts.insert(line.test_hosts.end(), f.test_hosts.begin(), f.test_hosts.end());
  // Checked before anything else is loaded: a real terminal's traffic never goes anywhere else.
  if (!upstream_allowed(*upstream, line.test_hosts, error)) {
    std::cerr << me << "refused: " << error << "; the config's terminal.test_hosts are allowed too\n";
    exit_code = exit_failed;
    return std::nullopt;
  }
  return line;
}

int cmd_proxy(const Settings& settings, const ProxyOptions& options) {
  const char* me = "posdrill proxy: ";
  std::string error;
  int code = exit_usage;
  const auto ends = terminal_line(settings, me,
                                  {"proxy", options.listen, settings.terminal.proxy_listen, "--listen",
                                   options.upstream, settings.terminal.proxy_upstream, options.test_hosts},
                                  code);
  if (!ends) return code;
  const Endpoint* listen_at = &ends->listen;
  const Endpoint* upstream = &ends->upstream;
  const std::vector<std::string>& test_hosts = ends->test_hosts;
  if (!options.scenario_id.empty() && !options.faults_file.empty()) {
    std::cerr << me << "give --scenario or --faults, not both\n";
    return exit_usage;
  }

  ProxyFaultPlan plan;
  std::vector<std::string> skipped;
  std::string source = "no faults";
  if (!options.scenario_id.empty()) {
    ContentSet set = load_content(settings.content_dir);
    const Scenario* s = set.find(options.scenario_id);
    if (!s) {
      std::cerr << me << "no playable scenario '" << options.scenario_id << "'; posdrill list shows them\n";
      return exit_usage;
    }
    if (!s->real_terminal) {
      std::cerr << me << "scenario '" << s->id << "' says nothing about real terminals (no real_terminal block)\n";
      return exit_usage;
    }
    if (s->real_terminal->mode == RealTerminalMode::emulator_only) {
      std::cerr << me << "scenario '" << s->id
                << "' runs on the emulator only: " << s->real_terminal->reason.get(settings.lang) << '\n';
      return exit_usage;
    }
    if (!print_test_amounts(std::cout, me, set, *s, options.profile, settings.lang)) return exit_usage;
    if (s->real_terminal->proxy_faults) {
      plan = ProxyFaultPlan::from_setup(s->setup, &skipped);
      source = "the faults of scenario " + s->id;
    } else {
      source = "no faults (scenario " + s->id + " has real_terminal.faults: none)";
    }
  } else if (!options.faults_file.empty()) {
    std::string text;
    if (!read_bounded_file(options.faults_file, max_content_file_bytes, text, error)) {
      std::cerr << me << options.faults_file << ": " << error << '\n';
      return exit_usage;
    }
    std::vector<Fault> faults;
    auto diags = load_faults_text(text, options.faults_file, faults);
    for (const auto& d : diags) std::cerr << d.to_string() << '\n';
    if (!diags.empty()) return exit_usage;
    plan = ProxyFaultPlan::from_faults(faults, &skipped);
    source = "the faults of " + options.faults_file;
  }

  HostLinkProxy::Options po;
  po.upstream = *upstream;
  po.test_hosts = test_hosts;
  // The log names counts, lengths, MTIs and faults, never message bytes (card data).
  // Session threads log at once, each line in one write (say.h).
  HostLinkProxy proxy(po, &plan, [me](const std::string& line) { say(me, line); });
  if (!proxy.listen(*listen_at, error)) {
    std::cerr << me << error << '\n';
    return exit_failed;
  }
  Endpoint bound = *listen_at;
  bound.port = proxy.port();
  std::cout << me << "listening on " << endpoint_text(bound) << ", relaying to " << endpoint_text(*upstream) << " with "
            << source << " (" << plan.rules().size() << " rules)" << std::endl;
  for (const auto& s : skipped)
    std::cerr << me << "not on the wire: " << s << " (the test host's answer is chosen by amount instead)\n";
  running_proxy = &proxy;
  std::signal(SIGINT, on_proxy_stop_signal);
  std::signal(SIGTERM, on_proxy_stop_signal);
  proxy.serve();
  running_proxy = nullptr;
  auto c = proxy.counters();
  std::cout << me << "stopped after " << c.connections << " connections, " << c.requests << " requests, " << c.answers
            << " answers, " << c.faults << " faults applied, " << c.upstream_failures << " upstream failures, "
            << c.raw_connections << " unframed connections, " << c.evicted << " idle connections closed for newcomers, "
            << c.turned_away << " turned away" << std::endl;
  return exit_ok;
}

}  // namespace posdrill
