// `posdrill terminal --nexo ADDR:PORT`: the emulated terminal as a nexo POI on the network, so a
// sale system (the kiosk's own bridge, or any cash register speaking the Adyen Terminal API)
// can practise against a scenario's terminal and host. See device_bridge/nexo_poi.h.

#include <chrono>
#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "device_bridge/net/http_server.h"
#include "device_bridge/nexo_poi.h"

namespace posdrill {

namespace {

HttpServer* running_nexo_server = nullptr;
extern "C" void on_nexo_stop_signal(int) {
  if (running_nexo_server) running_nexo_server->stop();  // writes one byte to a pipe: async-signal-safe
}

// "N=KIND" or "N=KIND:ARG" (respond:55, delay:90) -> a fault on the POI's N-th online operation.
bool parse_fault_spec(const std::string& spec, Fault& out, std::string& error) {
  auto eq = spec.find('=');
  std::string n = spec.substr(0, eq);
  if (eq == std::string::npos || n.empty() || n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(n) < 1) {
    error = "expected N=KIND like 1=answer_lost or 2=respond:75, got '" + spec + "'";
    return false;
  }
  std::string kind = spec.substr(eq + 1), arg;
  if (auto colon = kind.find(':'); colon != std::string::npos) {
    arg = kind.substr(colon + 1);
    kind.resize(colon);
  }
  auto k = parse_fault(kind);
  if (!k) {
    error = "unknown fault '" + kind +
            "'; expected answer_lost, request_lost, refuse_connection, bad_mac, omit_pan, delay:S, respond:RC or "
            "reversal_fails";
    return false;
  }
  out = Fault{};
  out.kind = *k;
  out.request = std::stoi(n);
  if (out.kind == FaultKind::respond) {
    if (arg.size() != 2) {
      error = "respond takes a 2-character response code, like respond:55";
      return false;
    }
    out.code = arg;
  }
  if (out.kind == FaultKind::delay) {
    if (arg.empty() || arg.size() > 4 || arg.find_first_not_of("0123456789") != std::string::npos) {
      error = "delay takes seconds, like delay:90";
      return false;
    }
    out.seconds = std::stoi(arg);
  }
  return true;
}

}  // namespace

int cmd_terminal_nexo(const Settings& settings, const NexoServiceOptions& options) {
  std::string error;
  auto at = parse_endpoint(options.listen, error);
  if (!at) {
    std::cerr << "posdrill terminal: --nexo: " << error << '\n';
    return exit_usage;
  }
  Setup setup;
  if (options.scenario_id.empty()) {
    setup.card = "6200000000000047";
    setup.balance_minor = 1'000'000;
    setup.terminal_id = "10000001";
    setup.merchant_id = "898310048161234";
  } else {
    ContentSet set = load_content(settings.content_dir);
    const Scenario* s = set.find(options.scenario_id);
    if (!s) {
      std::cerr << "posdrill terminal: no playable scenario '" << options.scenario_id
                << "'; posdrill list shows them\n";
      return exit_usage;
    }
    setup = s->setup;
  }
  for (const auto& spec : options.faults) {
    Fault f;
    if (!parse_fault_spec(spec, f, error)) {
      std::cerr << "posdrill terminal: --fault: " << error << '\n';
      return exit_usage;
    }
    // The trainer's faults replace the scenario's own on the same operation.
    std::erase_if(setup.faults,
                  [&](const Fault& g) { return g.request == f.request && g.kind != FaultKind::reversal_fails; });
    setup.faults.push_back(f);
  }

  NexoPoiOptions poi_options;
  if (!options.poi_id.empty()) poi_options.poi_id = options.poi_id;
  poi_options.lost_answer_delay_ms = options.lost_answer_delay_ms;
  auto started = std::chrono::steady_clock::now();
  poi_options.elapsed_ms = [started] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  };
  // Message types, ServiceIDs, amounts, results and response codes: never a card number or PIN.
  poi_options.log = [](const std::string& line) { std::cerr << "posdrill terminal: " << line << std::endl; };
  NexoPoi poi(setup, poi_options);

  HttpServer::Options http;
  http.log = [](const std::string& line) { std::cerr << "posdrill terminal: " << line << std::endl; };
  HttpServer server([&](const HttpServerRequest& r) { return poi.handle_http(r); }, http);
  if (!server.listen(*at, error)) {
    std::cerr << "posdrill terminal: " << error << '\n';
    return exit_failed;
  }
  Endpoint bound = *at;
  bound.port = server.port();
  std::cout << "posdrill terminal: listening on " << endpoint_text(bound) << " (nexo POST /nexo, POIID " << poi.poi_id()
            << ", scenario " << (options.scenario_id.empty() ? "none" : options.scenario_id) << ") [培训 TRAINING]"
            << std::endl;
  running_nexo_server = &server;
  std::signal(SIGINT, on_nexo_stop_signal);
  std::signal(SIGTERM, on_nexo_stop_signal);
  server.serve();
  running_nexo_server = nullptr;
  auto c = server.counters();
  std::cout << "posdrill terminal: stopped after " << c.accepted << " connections, " << c.requests << " requests, "
            << c.answered << " answers, " << c.withheld << " withheld, " << c.rejected << " rejected, " << c.evicted
            << " idle connections closed for newcomers, " << c.timed_out << " timed out" << std::endl;
  return exit_ok;
}

}  // namespace posdrill
