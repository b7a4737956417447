// `posdrill host` and `posdrill terminal`: each half of the emulation as a service on the network,
// so it can meet an outside peer (a CUP-dialect terminal, or another acquirer test host).

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/terminal_counters.h"
#include "device_bridge/net/tcp.h"
#include "device_bridge/net/wire_link.h"
#include "device_bridge/wire.h"

namespace posdrill {

namespace {

// The emulator's civil clock runs on China Standard Time (UTC+8), like the terminals it imitates:
// the one place a live service turns the wall clock into terminal time.
TerminalTime civil_now() { return TerminalTime{wall_now().ms() + 8 * 60 * ms_per_minute}; }

FrameServer* running_server = nullptr;
extern "C" void on_stop_signal(int) {
  if (running_server) running_server->stop();  // writes one byte to a pipe: async-signal-safe
}

// The setup a service starts from: a scenario's, or the first test card with the other test
// cards open (all with the default test PIN).
bool service_setup(const Settings& settings, const std::string& scenario_id, Setup& out) {
  if (scenario_id.empty()) {
    out.card = "6200000000000047";
    out.balance_minor = 1'000'000;
    out.terminal_id = "10000001";
    out.merchant_id = "898310048161234";
    return true;
  }
  ContentSet set = load_content(settings.content_dir);
  const Scenario* s = set.find(scenario_id);
  if (!s) {
    std::cerr << "posdrill: no playable scenario '" << scenario_id << "'; posdrill list shows them\n";
    return false;
  }
  out = s->setup;
  return true;
}

void print_screen(const EmulatedTerminal& t, Lang lang) {
  const Screen& s = t.screen();
  std::cout << "┌ " << s.status.get(lang) << " ─ " << s.title.get(lang) << '\n';
  for (const auto& line : s.lines) std::cout << "│ " << line.get(lang) << '\n';
  std::cout << "└\n";
}

void print_receipts(EmulatedTerminal& t) {
  for (const auto& r : t.take_receipts()) {
    std::cout << "---------------- receipt ----------------\n";
    for (const auto& line : r.lines) std::cout << line << '\n';
    std::cout << "-----------------------------------------\n";
  }
}

// Reads a line without echo when stdin is a terminal (the customer's PIN pad).
bool read_hidden(std::string& out) {
  termios old{};
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  bool ok = static_cast<bool>(std::getline(std::cin, out));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cout << '\n';
  }
  return ok;
}

// A trainer's fault for the next request that is not a sign-on or a reversal. False on a bad name.
bool arm_fault(FaultyLink& link, const std::string& name, const std::string& value) {
  auto kind = parse_fault(name);
  if (!kind || *kind == FaultKind::reversal_fails) return false;
  Fault f;
  f.kind = *kind;
  if (f.kind == FaultKind::respond) {
    if (value.size() != 2) return false;
    f.code = value;
  }
  if (f.kind == FaultKind::delay) {
    if (value.empty() || value.size() > 4 || value.find_first_not_of("0123456789") != std::string::npos) return false;
    f.seconds = std::stoi(value);
  }
  auto armed = std::make_shared<bool>(true);
  LinkFault lf = link_fault_of(f);
  link.set_hook([armed, lf](const IsoMessage& m) {
    if (!*armed || m.mti == "0800" || m.mti == "0400") return LinkFault{};
    *armed = false;
    return lf;
  });
  return true;
}

const char* terminal_help =
    "Keys: digits (e.g. 32800), enter | e, cancel | c, clear, menu | m\n"
    "Card: swipe PAN | insert PAN | tap PAN (test cards only)\n"
    "PIN pad: pin (then the customer keys the PIN; not echoed)\n"
    "Trainer: fault answer_lost | request_lost | refuse_connection | bad_mac | omit_pan | delay S | respond RC\n"
    "Other: screen, help, quit\n";

}  // namespace

int cmd_host(const Settings& settings, const std::string& listen, const std::string& scenario_id) {
  std::string error;
  auto at = parse_endpoint(listen, error);
  if (!at) {
    std::cerr << "posdrill host: --listen: " << error << '\n';
    return exit_usage;
  }
  Setup setup;
  if (!service_setup(settings, scenario_id, setup)) return exit_usage;
  AcquirerHost host(host_config_from(setup));
  // Logs name message types, voucher numbers and response codes only: never a card number or PIN.
  auto log = [](const std::string& line) { std::cerr << "posdrill host: " << line << '\n'; };
  WireHost wire(host, log);
  FrameServer::Options limits;
  limits.log = log;  // connections closed by a limit: idle for a newcomer, an incomplete frame, ...
  FrameServer server([&](std::string_view req) { return wire.handle(req, civil_now()); }, limits);
  if (!server.listen(*at, error)) {
    std::cerr << "posdrill host: " << error << '\n';
    return exit_failed;
  }
  Endpoint bound = *at;
  bound.port = server.port();
  std::cout << "posdrill host: listening on " << endpoint_text(bound) << " (CUP dialect, training keys)" << std::endl;
  running_server = &server;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  server.serve();
  running_server = nullptr;
  auto c = server.counters();
  auto w = wire.counters();
  std::cout << "posdrill host: stopped after " << c.accepted << " connections, " << w.answered << " answers, "
            << w.undecodable << " undecodable requests, " << w.bad_mac << " bad MACs, " << c.bad_frames
            << " bad frames, " << c.evicted << " idle connections closed for newcomers, " << c.timed_out << " timed out"
            << std::endl;
  return exit_ok;
}

int cmd_terminal(const Settings& settings, const std::string& host_text, const std::string& scenario_id) {
  std::string error;
  auto at = parse_endpoint(host_text, error);
  if (!at) {
    std::cerr << "posdrill terminal: --host: " << error << '\n';
    return exit_usage;
  }
  Setup setup;
  if (!service_setup(settings, scenario_id, setup)) return exit_usage;
  const Lang lang = settings.lang;
  // The trace and batch go on where the last run left them (terminal_counters.h).
  TerminalConfig config = terminal_config_from(setup);
  const std::filesystem::path counters_file = terminal_counters_path(settings.data_dir, config.terminal_id);
  TerminalCounters counters;
  std::vector<Diagnostic> errors;
  if (!load_terminal_counters(counters_file, counters, errors)) {
    for (const auto& d : errors) std::cerr << d.to_string() << '\n';
    std::cerr << "posdrill terminal: fix or delete " << counters_file.string()
              << " (deleting it starts again at trace 000001)\n";
    return exit_usage;
  }
  config.first_stan = counters.trace;
  config.batch = counters.batch;
  WiredTerminal wired(config, *at, civil_now());
  EmulatedTerminal& terminal = wired.terminal;
  const TcpHostLink& tcp = wired.tcp;
  FaultyLink& faults = wired.faults;  // a trainer's `fault …` hits the next request
  InMemoryLink& link = wired.link;

  bool save_failed = false;
  auto keep_counters = [&] {
    TerminalCounters now{terminal.next_trace(), std::stoi(terminal.batch_no())};
    std::string why;
    if (!save_terminal_counters(counters_file, now, why) && !save_failed) {
      save_failed = true;  // said once: the terminal still works, the next run may repeat traces
      std::cerr << "posdrill terminal: cannot keep the trace and batch: " << why << '\n';
    }
  };
  std::string trace = std::to_string(terminal.next_trace());
  trace.insert(0, 6 - std::min<std::size_t>(6, trace.size()), '0');
  std::cout << "posdrill terminal → " << endpoint_text(*at) << "  [培训 TRAINING]  trace " << trace << ", batch "
            << terminal.batch_no() << " (kept in " << counters_file.string() << ")\n"
            << terminal_help;
  print_screen(terminal, lang);
  std::string line;
  while (std::cout << "> " << std::flush, std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, arg;
    in >> cmd >> arg;
    if (cmd.empty()) continue;
    link.advance_to(std::max(link.now_ms(), civil_now()));
    if (cmd == "quit" || cmd == "exit") break;
    if (cmd == "help") {
      std::cout << terminal_help;
      continue;
    }
    if (cmd == "enter" || cmd == "e") {
      terminal.press(Key::enter);
    } else if (cmd == "cancel" || cmd == "c") {
      terminal.press(Key::cancel);
    } else if (cmd == "clear") {
      terminal.press(Key::clear);
    } else if (cmd == "menu" || cmd == "m") {
      terminal.press(Key::menu);
    } else if (cmd == "swipe" || cmd == "insert" || cmd == "tap") {
      CardPresentation card;
      card.mode = cmd == "swipe" ? EntryMode::swipe : cmd == "insert" ? EntryMode::insert : EntryMode::tap;
      card.pan = arg;
      if (card.pan == setup.card) {  // the scenario's card, with its chip as the story has it
        card.chip_readable = setup.chip_readable;
        card.contactless = setup.contactless;
      }
      terminal.present_card(card);  // the terminal refuses anything but a test card
    } else if (cmd == "pin") {
      std::cout << (lang == Lang::zh ? "请客人输入密码: " : "Customer keys the PIN: ") << std::flush;
      std::string pin;
      if (!read_hidden(pin)) break;
      terminal.enter_pin(pin);
      std::fill(pin.begin(), pin.end(), '\0');
    } else if (cmd == "fault") {
      std::string code;
      in >> code;
      if (!arm_fault(faults, arg, code)) {
        std::cout << "fault takes one of: answer_lost, request_lost, refuse_connection, bad_mac, omit_pan, "
                     "delay SECONDS, respond CODE\n";
        continue;
      }
      std::cout << "the next request gets: " << arg << (code.empty() ? "" : " " + code) << '\n';
      continue;
    } else if (cmd.find_first_not_of("0123456789") == std::string::npos) {
      for (char d : cmd) terminal.press(digit_key(d - '0'));
    } else if (cmd != "screen") {
      std::cout << "unknown command '" << cmd << "'\n" << terminal_help;
      continue;
    }
    keep_counters();  // before the request leaves: a run killed mid-exchange never reuses its trace
    link.settle();    // let an online exchange finish (the socket wait is real time)
    keep_counters();  // a settlement's answer opens the next batch
    if (!tcp.last_problem().empty()) std::cout << "(link: " << tcp.last_problem() << ")\n";
    print_screen(terminal, lang);
    print_receipts(terminal);
    terminal.take_records();
  }
  keep_counters();
  return exit_ok;
}

}  // namespace posdrill
