// posdrill: the kiosk by default, headless sub-commands for content work and automation.

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "kiosk/core/records.h"
#ifdef POSDRILL_HAS_GUI
#include "kiosk/platform/kiosk_main.h"
#endif

namespace {

// "1280x800" -> (1280, 800); false on anything else.
bool parse_size(const std::string& s, int& w, int& h) {
  auto x = s.find('x');
  if (x == std::string::npos) return false;
  try {
    std::size_t a = 0, b = 0;
    w = std::stoi(s.substr(0, x), &a);
    h = std::stoi(s.substr(x + 1), &b);
    return a == x && b == s.size() - x - 1 && w >= 320 && h >= 240 && w <= 7680 && h <= 4320;
  } catch (...) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace posdrill;
  CLI::App app{"posdrill — card-payment incident training kiosk (培训 TRAINING)", "posdrill"};
  app.set_version_flag("--version", POSDRILL_VERSION);

  std::string data_flag, config_flag, content_flag, lang_flag;
  app.add_option("--data", data_flag, "Data folder (default: $XDG_DATA_HOME/posdrill)");
  app.add_option("--config", config_flag, "Config file (default: $XDG_CONFIG_HOME/posdrill/config.yaml)");
  app.add_option("--content", content_flag, "Content folder (scenarios, tracks, UI strings)");
  app.add_option("--lang", lang_flag, "Language: zh or en (default zh)")->check(CLI::IsMember({"zh", "en"}));

  // Kiosk options live on the top level so `posdrill --windowed` works as well as `posdrill kiosk --windowed`.
  bool windowed = false;
  std::string size, screenshot, ui_script, widgets_json, renderer;  // renderer "": the config's
  int after_frames = 3;
  app.add_flag("--windowed", windowed, "Run in a window instead of full screen (system shortcuts work)");
  app.add_option("--size", size, "Window or screenshot size, WxH (e.g. 1280x800)");
  app.add_option("--renderer", renderer,
                 "How frames are drawn: gl (a GPU), software (SDL, no GL driver) or auto (software when the machine "
                 "has no GPU render node; the default, or the config's renderer:)")
      ->check([](const std::string& v) {
        return posdrill::parse_render_path(v) ? std::string() : "expected auto, gl or software, got " + v;
      });
  app.add_option("--screenshot", screenshot, "Render, write this PNG file and exit");
  app.add_option("--after-frames", after_frames, "Frames to render before the screenshot")->check(CLI::Range(1, 1000));
  app.add_option("--ui-script", ui_script,
                 "Play this UI script first: one `click WIDGET_ID` or `wait FRAMES` a line (see docs/kiosk_play.md)");
  app.add_option("--widgets-json", widgets_json,
                 "Keep this file holding the last frame's touch targets: [{id, x, y, w, h, enabled}]");

  auto* kiosk = app.add_subcommand("kiosk", "Start the kiosk (the default)");
  kiosk->fallthrough();

  std::string preview_file, preview_step;
  auto* preview = app.add_subcommand(
      "preview", "Play one scenario file in a window while writing it: it reloads whenever the file is saved");
  preview->add_option("file", preview_file, "The scenario file (content/scenarios/ID.yaml)")->required();
  preview->add_option("--step", preview_step, "Open at this step (the best path is played to it)");
  preview->fallthrough();

  std::string lint_path;
  bool lint_json = false;
  auto* lint = app.add_subcommand("lint", "Check content files; exit 0 when clean, 1 when there are errors");
  lint->add_option("path", lint_path,
                   "Content folder, folder of scenario files, or one file (default: the content folder)");
  lint->add_flag("--json", lint_json, "Print the result as JSON");
  lint->fallthrough();

  bool list_json = false;
  auto* list = app.add_subcommand("list", "List the scenario catalog");
  list->add_flag("--json", list_json, "Print the catalog as JSON");
  list->fallthrough();

  PlayOptions play_opts;
  auto* play =
      app.add_subcommand("play", "Play a scenario in the terminal; exit 0 passed, 1 failed, 2 usage or content error");
  play->add_option("id", play_opts.scenario_id, "Scenario id (posdrill list shows them)")->required();
  play->add_option("--inputs", play_opts.inputs_file, "Answers, one per line (- for stdin)");
  play->add_option("--auto", play_opts.auto_mode,
                   "Play by itself: best (highest-scoring path), critical (first critical error), or shortest / "
                   "longest (the shortest / longest answer in --lang at every question, as a trainee who does not "
                   "read; tasks keyed right)")
      ->check(CLI::IsMember({"best", "critical", "shortest", "longest"}));
  play->add_option("--seed", play_opts.seed,
                   "Seed for the order of choices and the scenario's figures (default 1 when scripted)");
  play->add_flag("--json", play_opts.json, "Print the result as JSON");
  play->add_option("--operator", play_opts.operator_id, "Employee id the attempt is recorded for");
  auto* wire_opt =
      play->add_option("--wire", play_opts.wire_listen,
                       "Play on a real CUP terminal keyed by hand, scored from its host line: ADDR:PORT its host "
                       "address points at (port 0: any free port; no value: config terminal.wire.listen)")
          ->expected(0, 1);
  play->add_option("--upstream", play_opts.upstream,
                   "With --wire: ADDR:PORT of the acquirer's test host or posdrill host (default: config "
                   "terminal.wire.upstream)");
  play->add_option("--test-host", play_opts.test_hosts,
                   "With --wire: an allowed upstream besides loopback, added to config terminal.test_hosts");
  play->add_option("--profile", play_opts.profile,
                   "With --wire: content/test_hosts id whose test amounts give the drill's answers (default: config "
                   "terminal.acquirer)");
  play->fallthrough();

  // The kiosk's records (<data>/posdrill.db): people, the roster, a health check.
  OperatorOptions op_opts;
  auto* operators = app.add_subcommand("operators", "Manage the kiosk's operators; exit 0 done, 1 refused, 2 invalid");
  operators->require_subcommand(1);
  operators->footer(
      "PINs: add and reset-pin take the PIN from --pin, else from $POSDRILL_PIN, else from one line on stdin when "
      "stdin is not a terminal (printf '%s\\n' \"$PIN\" | posdrill operators add ...), else they ask for it without "
      "echo. The last three keep the PIN out of shell history and ps. PINs are stored only as argon2id hashes.");
  operators->fallthrough();
  const char* pin_help =
      "The new PIN, 4-8 digits (visible in shell history and ps; prefer $POSDRILL_PIN or one line on a piped stdin, "
      "which are used when --pin is absent; at a terminal it is asked for without echo)";
  auto* op_add = operators->add_subcommand("add", "Add an operator");
  op_add->add_option("--id", op_opts.id, "Employee id: 1-32 digits (the sign-in numpad has nothing else)")->required();
  op_add->add_option("--name", op_opts.name, "Name as shown on the kiosk (1-64 characters)")->required();
  op_add->add_option("--role", op_opts.role, "trainee, manager or admin")->required();
  op_add->add_option("--store", op_opts.store, "Store number or name (optional)");
  op_add->add_option("--lang", op_opts.lang, "Language at sign-in: zh or en (default: the kiosk's)");
  op_add->add_option("--pin", op_opts.pin, pin_help);
  op_add->fallthrough();
  auto* op_list = operators->add_subcommand("list", "List active operators by employee id");
  op_list->add_flag("--json", op_opts.json, "Print the list as JSON");
  op_list->add_flag("--all", op_opts.all, "Deactivated operators too");
  op_list->fallthrough();
  auto* op_reset = operators->add_subcommand("reset-pin", "Set a new PIN (also lifts a lock-out)");
  op_reset->add_option("--id", op_opts.id, "Employee id")->required();
  op_reset->add_option("--pin", op_opts.pin, pin_help);
  op_reset->fallthrough();
  auto* op_deactivate = operators->add_subcommand("deactivate", "Stop an operator signing in (records stay)");
  op_deactivate->add_option("--id", op_opts.id, "Employee id")->required();
  op_deactivate->fallthrough();

  ReportOptions report_opts;
  auto* report = app.add_subcommand("report", "Print the certification roster of every operator");
  report->add_option("--format", report_opts.format, "csv (default) or json")->check(CLI::IsMember({"csv", "json"}));
  report->add_option("--track", report_opts.track_id, "Track id (default: the first loaded)");
  report->add_flag("--bom", report_opts.bom, "Start the CSV with a UTF-8 byte order mark (for Excel)");
  report->add_option("--output", report_opts.output, "Write to this file instead of stdout");
  report->add_flag("--from-lrs", report_opts.from_lrs,
                   "The chain's roster: every person the company's LRS knows, by store (cached locally, brought up "
                   "to date at each call)");
  report->add_option("--cache", report_opts.cache, "With --from-lrs: the cache file (default <data>/lrs-roster.db)");
  report->add_flag("--full", report_opts.full, "With --from-lrs: rebuild the cache from the whole LRS");
  report->add_flag("--offline", report_opts.offline, "With --from-lrs: print the cached roster, do not ask the LRS");
  report->add_flag("--stats", report_opts.stats, "With --from-lrs: requests, statements, time and memory on stderr");
  report
      ->add_option("--overlap", report_opts.overlap_s,
                   "With --from-lrs: seconds each refresh re-reads before what it read last (default 300), for "
                   "statements an LRS makes visible late")
      ->check(CLI::Range(0, 86400));
  report->add_flag("--items", report_opts.items,
                   "Item analysis instead of the roster: per decision, choices taken, facility, discrimination, "
                   "time, hints and flags (finished attempts only)");
  report->add_flag("--json", report_opts.json, "With --items: print JSON instead of the table");
  report->add_option("--scenario", report_opts.scenario_id, "With --items: one scenario only");
  report->fallthrough();

  bool db_json = false, db_full = false;
  auto* db = app.add_subcommand("db", "Database maintenance");
  db->require_subcommand(1);
  db->fallthrough();
  auto* db_check = db->add_subcommand(
      "check", "Check the database (quick: about a second on a large file); exit 0 healthy, 1 problems, 2 cannot open");
  db_check->add_flag("--json", db_json, "Print the result as JSON");
  db_check->add_flag("--full", db_full,
                     "Every check: SQLite's integrity_check, every event and statement, every summary recomputed "
                     "(minutes on a large file)");
  db_check->fallthrough();

  SyncOptions sync_opts;
  auto* sync = app.add_subcommand("sync", "Results to the company's learning record store (xAPI)");
  sync->require_subcommand(1);
  sync->footer(
      "The LRS comes from the config's lrs: section or POSDRILL_LRS_ENDPOINT, POSDRILL_LRS_KEY and "
      "POSDRILL_LRS_SECRET. Every recorded answer queues its statements; the kiosk sends them in the background.");
  sync->fallthrough();
  auto* sync_status = sync->add_subcommand("status", "What is waiting, set aside and delivered");
  sync_status->add_flag("--json", sync_opts.json, "Print as JSON");
  sync_status->fallthrough();
  auto* sync_now = sync->add_subcommand("now", "Send everything waiting; exit 0 when the queue is empty");
  sync_now->add_flag("--json", sync_opts.json, "Print as JSON");
  sync_now->add_option("--timeout", sync_opts.timeout_s, "Give up after this many seconds (default 60)")
      ->check(CLI::Range(1, 86400));
  sync_now->fallthrough();
  auto* sync_retry = sync->add_subcommand("retry", "Put set-aside statements back in the queue, due now");
  sync_retry->add_option("--id", sync_opts.id, "Only this statement");
  sync_retry->add_flag("--json", sync_opts.json, "Print as JSON");
  sync_retry->fallthrough();
  auto* sync_void = sync->add_subcommand("void", "Never send a set-aside statement (kept on record)");
  sync_void->add_option("--id", sync_opts.id, "Statement id")->required();
  sync_void->add_option("--reason", sync_opts.reason, "Why (kept with it)");
  sync_void->add_flag("--json", sync_opts.json, "Print as JSON");
  sync_void->fallthrough();

  std::string host_listen, host_scenario;
  auto* host = app.add_subcommand("host", "Run the emulated acquirer host for CUP-dialect terminals");
  host->add_option("--listen", host_listen, "ADDR:PORT to listen on (port 0: any free port)")->required();
  host->add_option("--scenario", host_scenario, "Start from this scenario's cards and host rules");
  host->fallthrough();

  std::string terminal_host, terminal_scenario;
  auto* terminal = app.add_subcommand("terminal", "Run the emulated terminal on the console (keys as keypad)");
  terminal->add_option("--host", terminal_host, "ADDR:PORT of the acquirer host (the console terminal)");
  terminal->add_option("--scenario", terminal_scenario, "Use this scenario's terminal and merchant ids");
  NexoServiceOptions nexo_opts;
  terminal->add_option("--nexo", nexo_opts.listen,
                       "Serve the terminal as a nexo POI (POST /nexo) on ADDR:PORT instead (port 0: any free port)");
  terminal->add_option("--fault", nexo_opts.faults, "With --nexo: N=KIND[:ARG], e.g. 1=answer_lost, 2=respond:75");
  terminal->add_option("--poi-id", nexo_opts.poi_id, "With --nexo: the POIID (default POSDRILL-TRAINING)");
  terminal->add_option("--lost-answer-delay-ms", nexo_opts.lost_answer_delay_ms,
                       "With --nexo: answer a payment whose host answer was lost this late (default: never)");
  terminal->fallthrough();

  ProxyOptions proxy_opts;
  auto* proxy = app.add_subcommand("proxy", "Relay a real terminal to its acquirer TEST host, injecting faults");
  proxy->add_option("--listen", proxy_opts.listen,
                    "ADDR:PORT the real terminal dials (port 0: any free port; default: config terminal.proxy.listen)");
  proxy->add_option("--upstream", proxy_opts.upstream,
                    "ADDR:PORT of the acquirer's test host (default: config terminal.proxy.upstream)");
  proxy->add_option("--scenario", proxy_opts.scenario_id,
                    "Inject this scenario's faults (real_terminal.faults: proxy)");
  proxy->add_option("--faults", proxy_opts.faults_file, "Inject the faults: list of this YAML file");
  proxy->add_option("--test-host", proxy_opts.test_hosts,
                    "An allowed upstream besides loopback, added to config terminal.test_hosts: a numeric ADDR or "
                    "ADDR:PORT (repeatable)");
  proxy->add_option("--profile", proxy_opts.profile,
                    "With --scenario: the acquirer test host (content/test_hosts) whose amounts to print");
  proxy->footer(
      "The upstream must be a loopback address, one listed in config terminal.test_hosts or one given with "
      "--test-host: a real terminal's traffic is never "
      "relayed to any other host. The log shows counts, lengths, MTIs and faults, never message contents.");
  proxy->fallthrough();

  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }

  Settings settings;
  std::vector<Diagnostic> errors;
  bool ok = resolve_settings(data_flag, config_flag, content_flag, settings, errors);
  for (const auto& d : errors) std::cerr << d.to_string() << '\n';
  // A command stops on a broken config; the kiosk (no sub-command) starts out of service instead,
  // so the store sees "Out of service" rather than a blank screen, and a manager sees why.
  const bool kiosk_command = app.get_subcommands().empty() || kiosk->parsed() || preview->parsed();
  if (!ok && !kiosk_command) return exit_usage;
  if (!lang_flag.empty()) settings.lang = *parse_lang(lang_flag);

  if (*lint) return cmd_lint(settings, lint_path, lint_json);
  if (*host) return cmd_host(settings, host_listen, host_scenario);
  if (*terminal) {
    if (!terminal_host.empty() && !nexo_opts.listen.empty()) {
      std::cerr << "posdrill terminal: give either --host (the console terminal dialling a host) or --nexo (a nexo "
                   "POI for a sale system), not both\n";
      return exit_usage;
    }
    if (!nexo_opts.listen.empty()) {
      nexo_opts.scenario_id = terminal_scenario;
      return cmd_terminal_nexo(settings, nexo_opts);
    }
    if (terminal_host.empty() || !nexo_opts.faults.empty() || !nexo_opts.poi_id.empty() ||
        nexo_opts.lost_answer_delay_ms != -1) {
      std::cerr << "posdrill terminal: needs --host ADDR:PORT (the console terminal) or --nexo ADDR:PORT (a nexo "
                   "POI); --fault, --poi-id and --lost-answer-delay-ms go with --nexo\n";
      return exit_usage;
    }
    return cmd_terminal(settings, terminal_host, terminal_scenario);
  }
  if (*proxy) return cmd_proxy(settings, proxy_opts);
  if (*list) return cmd_list(settings, list_json);
  if (*operators) {
    op_opts.action = *op_add ? "add" : *op_list ? "list" : *op_reset ? "reset-pin" : "deactivate";
    return cmd_operators(settings, op_opts);
  }
  if (*report) return cmd_report(settings, report_opts);
  if (*db_check) return cmd_db_check(settings, db_json, db_full);
  if (*sync) {
    sync_opts.action = *sync_status ? "status" : *sync_now ? "now" : *sync_retry ? "retry" : "void";
    return cmd_sync(settings, sync_opts);
  }
  if (*play) {
    play_opts.wire = wire_opt->count() > 0;
    if (!play_opts.operator_id.empty() && check_employee_id(play_opts.operator_id) != FieldError::none) {
      std::cerr << "posdrill play: --operator takes an employee id of 1-32 digits\n";
      return exit_usage;
    }
    return cmd_play(settings, play_opts);
  }

#ifdef POSDRILL_HAS_GUI
  KioskOptions k;
  k.content_dir = settings.content_dir;
  k.data_dir = settings.data_dir;
  k.windowed = windowed;
  k.renderer = renderer.empty() ? settings.renderer : *parse_render_path(renderer);
  k.screenshot = screenshot;
  k.after_frames = after_frames;
  k.ui_script = ui_script;
  k.widgets_json = widgets_json;
  if (*preview) {
    k.preview_file = preview_file;
    k.preview_step = preview_step;
  }
  k.lang = settings.lang;
  k.help_contact = settings.help_contact;
  k.sync_site = statement_site(settings);  // unset when no LRS is configured
  k.terminal = settings.terminal;
  if (!ok) {
    // Nothing the broken file may have half-set talks to the network or a device.
    k.sync_site.reset();
    k.terminal = RealTerminalSettings{};
    for (const auto& d : errors) k.problems.push_back(d.to_string());
  }
  if (*preview) {
    // A preview keeps nothing and reaches nothing: no LRS, no spare terminal.
    k.sync_site.reset();
    k.terminal = RealTerminalSettings{};
  }
  if (!size.empty() && !parse_size(size, k.width, k.height)) {
    std::cerr << "posdrill: --size takes WxH between 320x240 and 7680x4320, like 1280x800; got '" << size << "'\n";
    return exit_usage;
  }
  return run_kiosk(k);
#else
  (void)windowed;
  (void)renderer;
  (void)after_frames;
  (void)ui_script;
  (void)parse_size;
  std::cerr << "posdrill: this build has no kiosk window (built with POSDRILL_BUILD_GUI=OFF); use a sub-command, see "
               "--help\n";
  return exit_usage;
#endif
}
