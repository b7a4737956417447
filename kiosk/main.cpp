// posdrill: the kiosk by default, headless sub-commands for content work and automation.

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
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
  std::string size, screenshot, ui_script;
  int after_frames = 3;
  app.add_flag("--windowed", windowed, "Run in a window instead of full screen (system shortcuts work)");
  app.add_option("--size", size, "Window or screenshot size, WxH (e.g. 1280x800)");
  app.add_option("--screenshot", screenshot, "Render, write this PNG file and exit");
  app.add_option("--after-frames", after_frames, "Frames to render before the screenshot")->check(CLI::Range(1, 1000));
  app.add_option("--ui-script", ui_script,
                 "Play this UI script first: one `click WIDGET_ID` or `wait FRAMES` a line (see docs/kiosk_play.md)");

  auto* kiosk = app.add_subcommand("kiosk", "Start the kiosk (the default)");
  kiosk->fallthrough();

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
                   "Play by itself: best (highest-scoring path) or critical (first critical error)")
      ->check(CLI::IsMember({"best", "critical"}));
  play->add_option("--seed", play_opts.seed, "Seed for the order of choices (default 1 when scripted)");
  play->add_flag("--json", play_opts.json, "Print the result as JSON");
  play->add_option("--operator", play_opts.operator_id, "Employee id the attempt is recorded for");
  play->fallthrough();

  std::string host_listen, host_scenario;
  auto* host = app.add_subcommand("host", "Run the emulated acquirer host for CUP-dialect terminals");
  host->add_option("--listen", host_listen, "ADDR:PORT to listen on (port 0: any free port)")->required();
  host->add_option("--scenario", host_scenario, "Start from this scenario's cards and host rules");
  host->fallthrough();

  std::string terminal_host, terminal_scenario;
  auto* terminal = app.add_subcommand("terminal", "Run the emulated terminal on the console (keys as keypad)");
  terminal->add_option("--host", terminal_host, "ADDR:PORT of the acquirer host")->required();
  terminal->add_option("--scenario", terminal_scenario, "Use this scenario's terminal and merchant ids");
  terminal->fallthrough();

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
  if (!ok) return exit_usage;
  if (!lang_flag.empty()) settings.lang = *parse_lang(lang_flag);

  if (*lint) return cmd_lint(settings, lint_path, lint_json);
  if (*host) return cmd_host(settings, host_listen, host_scenario);
  if (*terminal) return cmd_terminal(settings, terminal_host, terminal_scenario);
  if (*list) return cmd_list(settings, list_json);
  if (*play) {
    if (!play_opts.operator_id.empty() &&
        (play_opts.operator_id.size() > 32 ||
         play_opts.operator_id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
             std::string::npos)) {
      std::cerr << "posdrill play: --operator takes an employee id of letters, digits, _ or - (at most 32)\n";
      return exit_usage;
    }
    return cmd_play(settings, play_opts);
  }

#ifdef POSDRILL_HAS_GUI
  KioskOptions k;
  k.content_dir = settings.content_dir;
  k.data_dir = settings.data_dir;
  k.windowed = windowed;
  k.screenshot = screenshot;
  k.after_frames = after_frames;
  k.ui_script = ui_script;
  k.lang = settings.lang;
  if (!size.empty() && !parse_size(size, k.width, k.height)) {
    std::cerr << "posdrill: --size takes WxH between 320x240 and 7680x4320, like 1280x800; got '" << size << "'\n";
    return exit_usage;
  }
  return run_kiosk(k);
#else
  (void)windowed;
  (void)after_frames;
  (void)ui_script;
  (void)parse_size;
  std::cerr << "posdrill: this build has no kiosk window (built with POSDRILL_BUILD_GUI=OFF); use a sub-command, see "
               "--help\n";
  return exit_usage;
#endif
}
