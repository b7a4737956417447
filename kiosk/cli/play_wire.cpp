// `posdrill play ID --wire LISTEN --upstream HOST:PORT`: a scenario played on a real CUP terminal
// keyed by hand, scored from its host line. The terminal's host address points at LISTEN; the
// fault proxy (device_bridge/net/proxy.h) relays to the acquirer's TEST host (or `posdrill host`)
// with the scenario's faults, and WireWatch (device_bridge/wire_watch.h) turns what passes into
// the records the runner scores, with the same code as the emulator's.
//
// [SECTION] The line: test amounts, history, the proxy
// [SECTION] The attempt: decisions from the answers, terminal tasks from the line

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/recording.h"
#include "cli/say.h"
#include "device_bridge/net/proxy.h"
#include "device_bridge/wire_watch.h"
#include "kiosk/core/spare_terminal.h"
#include "scenarios/result_json.h"
#include "scenarios/transcript.h"

namespace posdrill {

namespace {

constexpr const char* me = "posdrill play: ";

// ---------------------------------------------------------------------------------------------
// [SECTION] The line: test amounts, history, the proxy
// ---------------------------------------------------------------------------------------------

// The acquirer test host's table in use: --profile, else the config's terminal.acquirer.
const TestHostProfile* test_host_profile(const ContentSet& set, const std::string& id) {
  for (const auto& p : set.test_hosts)
    if (p.id == id) return &p;
  return nullptr;
}

// The proxy with the watch on its own thread; stops and joins when it goes.
struct WireLine {
  ProxyFaultPlan plan;
  WireWatch watch;
  HostLinkProxy proxy;
  std::thread thread;
  WireLine(ProxyFaultPlan p, HostLinkProxy::Options o, int answer_timeout_s)
      : plan(std::move(p)),
        watch(WireWatch::Options{3, int64_t(answer_timeout_s) * 1000}, [](const std::string& l) { say("wire: ", l); }),
        proxy(std::move(o), &plan, [](const std::string& l) { say("posdrill proxy: ", l); }) {
    proxy.set_observer(&watch);
  }
  void start() {
    thread = std::thread([this] { proxy.serve(); });
  }
  ~WireLine() {
    watch.stop_waiting();
    proxy.stop();
    if (thread.joinable()) thread.join();
  }
};

// ---------------------------------------------------------------------------------------------
// [SECTION] The attempt
// ---------------------------------------------------------------------------------------------

// An answer line without its comment and its think time ("2 @45s": the clock is real here).
std::string trim(std::string s) {
  if (auto cut = s.find_first_of("#@"); cut != std::string::npos) s.erase(cut);
  s.erase(0, s.find_first_not_of(" \t\r"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

// One decision answer: a choice number, a choice id or hint. "" or what was wrong with it.
std::string decide(Runner& r, const std::string& token, Lang lang) {
  if (token == "hint" || token == "提示") {
    if (!r.take_hint()) return lang == Lang::zh ? "这一步没有更多提示了" : "no more hints at this step";
    return "";
  }
  const auto& shown = r.shown_choices();
  int n = 0;
  auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
  if (ec == std::errc() && p == token.data() + token.size()) {
    if (n < 1 || n > int(shown.size()))
      return "expected a choice number 1–" + std::to_string(shown.size()) + ", got " + token;
    r.choose(shown[n - 1]->id);
    return "";
  }
  if (r.choose(token)) return "";
  return "expected a choice number 1–" + std::to_string(shown.size()) + ", a choice id or 'hint' at step '" +
         r.step().id + "', got '" + token + "'";
}

// Waits for the task's operation on the line, up to its time limit; false when the terminal
// turned out to be one the drill cannot score.
bool run_task(Runner& r, WireTerminalPort& port, WireWatch& watch, const Scenario& s, int default_wait_s, Lang lang) {
  const Step& task = r.step();
  port.set_task(task.task, request_for(s, task, task.task, nullptr).amount_minor);
  const int wait_s = task.time_limit_s > 0 ? task.time_limit_s : default_wait_s;
  say("wire: ", "waiting for " + std::string(terminal_op_name(task.task)) + " (" +
                    terminal_op_label(task.task).get(lang) + "), up to " + std::to_string(wait_s) + " s");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  while (!r.finished() && &r.step() == &task) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto e = port.wait(std::max<int64_t>(0, left.count()));
    if (!watch.unscorable().empty()) return false;
    if (!e) {
      say("wire: ", std::string(terminal_op_name(task.task)) + " did not come within " + std::to_string(wait_s) +
                        " s: the task counts as not done");
      r.give_up();
      return true;
    }
    say("wire: ", e->line.get(lang));
    // A real terminal signs on by itself (switched on, or asked by the host): not the trainee's act.
    if (e->record.op == TerminalOp::sign_on && task.task != TerminalOp::sign_on) continue;
    r.observe(e->record);
  }
  return true;
}

}  // namespace

int play_wire(const Settings& settings, const ContentSet& set, const Scenario& s, const PlayOptions& o, Lang lang,
              uint64_t seed, std::istream& in, const std::string& source, bool interactive, const WireRecording& wr) {
  Recording& rec = wr.rec;
  if (!s.real_terminal || s.real_terminal->mode != RealTerminalMode::amounts) {
    std::cerr << me << "scenario '" << s.id << "' cannot be played on a real terminal: "
              << (s.real_terminal ? s.real_terminal->reason.get(lang) : std::string("it has no real_terminal block"))
              << '\n';
    return exit_usage;
  }
  // The same rule as posdrill proxy, before any socket opens: a real terminal's traffic goes only
  // to loopback, `posdrill host` or a listed acquirer TEST host.
  int code = exit_usage;
  const auto ends = terminal_line(settings, me,
                                  {"wire", o.wire_listen, settings.terminal.wire_listen, "--wire", o.upstream,
                                   settings.terminal.wire_upstream, o.test_hosts},
                                  code);
  if (!ends) return code;
  std::string error;
  const std::string profile_id = o.profile.empty() ? settings.terminal.acquirer : o.profile;
  if (!print_test_amounts(std::cerr, "wire: ", set, s, profile_id, lang)) return exit_usage;
  WireTerminalPort::Options port_options;
  if (const TestHostProfile* p = test_host_profile(set, profile_id))
    for (const auto& [response, amount] : p->amounts) port_options.test_amounts.push_back(amount);
  port_options.story_wait_ms = int64_t(settings.terminal.timeout_s) * 1000;

  std::vector<std::string> skipped;
  ProxyFaultPlan plan =
      s.real_terminal->proxy_faults ? ProxyFaultPlan::from_setup(s.setup, &skipped) : ProxyFaultPlan{};
  HostLinkProxy::Options po;
  po.upstream = ends->upstream;
  po.test_hosts = ends->test_hosts;
  WireLine line(std::move(plan), po, settings.terminal.answer_timeout_s);
  if (!line.proxy.listen(ends->listen, error)) {
    std::cerr << me << error << '\n';
    return exit_failed;
  }
  Endpoint bound = ends->listen;
  bound.port = line.proxy.port();
  line.start();
  say("wire: ", "listening on " + endpoint_text(bound) + ", relaying to " + endpoint_text(ends->upstream) + " with " +
                    std::to_string(line.plan.rules().size()) + " fault rules");
  for (const auto& k : skipped) say("wire: not on the wire: ", k);

  // The trainer keys the history on the terminal first, through the line (the faults count it).
  const auto history = history_keyed_first(s.setup);
  if (!history.empty()) {
    say("wire: ",
        "waiting for the history: key these " + std::to_string(history.size()) + " operations on the terminal first:");
    for (const HistoryEntry* h : history)
      say("wire:   ", std::string(terminal_op_name(h->op)) +
                          (h->amount_minor ? " " + format_amount(h->amount_minor) : "") +
                          (h->wrong_pin ? " with a wrong PIN" : ""));
    std::size_t seen = 0;
    while (seen < history.size()) {
      auto e = line.watch.next(int64_t(settings.terminal.timeout_s) * 1000);
      if (!line.watch.unscorable().empty()) break;
      if (!e) {
        std::cerr << me << "the history was not keyed within " << settings.terminal.timeout_s << " s\n";
        return exit_usage;
      }
      say("wire: history: ", e->line.get(lang));
      if (e->record.op != TerminalOp::sign_on) ++seen;
    }
  }

  SteadyClock clock;
  WireTerminalPort port(line.watch, port_options, [lang](const TerminalRequest& r) {
    std::string what = "the story's own operation: key " + std::string(terminal_op_name(r.op)) + " (" +
                       terminal_op_label(r.op).get(lang) + ")";
    if (r.amount_minor) (what += ' ') += format_amount(*r.amount_minor);
    say("wire: ", what + " on the terminal now");
  });
  Runner r(s, clock, seed, &port);
  if (!wr.begin()) return exit_usage;
  std::size_t printed = 0;
  bool recorded = true;
  // Every step is committed as it closes, as the kiosk does: a run cut short keeps what was done.
  auto print_new = [&] {
    recorded = rec.steps(r.result()) && recorded;
    if (!interactive) return;
    for (const auto& steps = r.result().steps; printed < steps.size(); ++printed)
      std::cout << render_step(s, steps[printed], lang, false);
  };
  // A run that stops before its end is kept as abandoned.
  auto stop = [&](int exit_code) {
    rec.finish(r.result(), true);
    return exit_code;
  };
  if (interactive) std::cout << render_header(s, lang);
  bool scorable = line.watch.unscorable().empty();
  int line_no = 0;
  while (scorable && !r.finished()) {
    if (r.step().kind == StepKind::narrative) {
      r.advance();
      print_new();
      continue;
    }
    if (r.step().kind == StepKind::terminal) {
      if (interactive) std::cout << render_question(r, lang) << std::flush;
      scorable = run_task(r, port, line.watch, s, settings.terminal.timeout_s, lang);
      print_new();
      continue;
    }
    if (interactive) std::cout << render_question(r, lang) << "> " << std::flush;
    std::string text;
    if (!std::getline(in, text)) {
      std::cerr << source << ": the answers ended at step '" << r.step().id << "' before the scenario did\n";
      return stop(interactive ? exit_failed : exit_usage);
    }
    ++line_no;
    const std::string token = trim(text);
    if (token.empty()) continue;
    if (std::string why = decide(r, token, lang); !why.empty()) {
      if (interactive) {
        std::cout << why << "\n\n";
        continue;
      }
      std::cerr << source << ":" << line_no << ": " << why << '\n';
      return stop(exit_usage);
    }
    print_new();
  }
  if (!scorable) {
    // The drill says so rather than score a terminal it cannot read.
    const std::string why = line.watch.unscorable();
    say("wire: cannot score this terminal: ", why);
    std::cout << (lang == Lang::zh
                      ? "无法为这台终端评分：它的主机线路不是银联 CUP 报文（" + why + "）。\n"
                      : "This terminal cannot be scored: its host line is not CUP ISO 8583 (" + why + ").\n");
    return stop(exit_failed);
  }
  const AttemptResult& res = r.result();
  if (!rec.finish(res, false) || !recorded) return exit_usage;
  if (o.json) {
    nlohmann::json j = result_json(res);
    if (!o.operator_id.empty()) j["operator"] = o.operator_id;
    j["lang"] = lang_code(lang);
    j["terminal"] = "wire";
    rec.annotate(j);
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << (interactive ? render_summary(s, res, lang) : render_transcript(s, res, lang));
    rec.tell(o.operator_id);
  }
  return res.passed ? exit_ok : exit_failed;
}

}  // namespace posdrill
