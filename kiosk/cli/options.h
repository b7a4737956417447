// Options shared by every `posdrill` command: where content, data and configuration live.
// Precedence: command-line flag > config file > environment > built-in default.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "kiosk/core/render_path.h"
#include "kiosk/core/terminal_settings.h"
#include "kiosk/sync/config.h"
#include "scenarios/loader.h"

namespace posdrill {

// Where a setting was given, for messages about it: a place in the config file, or an
// environment variable (`env` set, `file` empty).
struct SettingPlace {
  std::string file;
  int line = 0, column = 0;  // 1-based
  std::string env;
};

struct Settings {
  std::filesystem::path content_dir;
  std::filesystem::path data_dir;
  std::filesystem::path config_file;  // the file read, empty when none
  Lang lang = Lang::zh;
  std::string kiosk_id;  // names this kiosk in synced records (default: the host name)
  std::string store_id;  // the store it stands in (optional)
  // Who to call when the kiosk is out of service ("培训热线 400-800-1234 王经理"), shown on that
  // screen under the standard line; free text, at most 120 bytes, one line.
  std::string help_contact;
  // How the kiosk draws (the config's renderer:); --renderer beats it.
  RenderPath renderer = RenderPath::automatic;
  LrsConfig lrs;         // config `lrs:` section, then $POSDRILL_LRS_*
  // Where each lrs setting came from ("endpoint", "key", …; "lrs" is the section itself).
  std::map<std::string, SettingPlace> lrs_places;
  RealTerminalSettings terminal;  // config `terminal:` section (spare real terminal)
};

// A config number: plain decimal digits (no sign games, no "12.5", no "0x10") from lo to hi.
std::optional<int> parse_whole_number(std::string_view text, int lo, int hi);

// 1-64 of A-Z a-z 0-9 . _ - (kiosk and store ids travel in every synced record).
bool valid_site_id(std::string_view id);

// Config sections, each parsed next to the part it configures (cli/options_lrs.cpp,
// cli/options_terminal.cpp). They add to `errors` (file:line:column) and return false on a problem.
bool load_lrs_section(const YAML::Node& node, const std::filesystem::path& file, Settings& settings,
                      std::vector<Diagnostic>& errors);
bool load_terminal_section(const YAML::Node& node, const std::filesystem::path& file, Settings& settings,
                           std::vector<Diagnostic>& errors);

// $XDG_DATA_HOME/posdrill, else ~/.local/share/posdrill.
std::filesystem::path default_data_dir();
// $XDG_CONFIG_HOME/posdrill/config.yaml, else ~/.config/posdrill/config.yaml.
std::filesystem::path default_config_file();
// Content next to an installed binary (../share/posdrill/content), else the source tree's.
std::filesystem::path default_content_dir();

// The kiosk's records: <data dir>/posdrill.db (the GUI and every command use the same file).
std::filesystem::path database_path(const Settings& settings);

// Reads a config file (YAML: content, data, lang). Relative paths are taken from the file's
// folder. Errors name file:line:column. A missing file is an error only when `required`.
bool load_config(const std::filesystem::path& file, bool required, Settings& settings, std::vector<Diagnostic>& errors);

// Fills the LRS fields the config left empty from POSDRILL_LRS_ENDPOINT, _KEY and _SECRET, and
// the kiosk id from the host name when the config names none.
void apply_lrs_environment(Settings& settings);

// check_lrs_config (kiosk/sync/config.h) on the settings as resolved, each problem placed where the
// setting was given (file:line:column, or the environment variable). False when there is one.
bool check_lrs_settings(const Settings& settings, std::vector<Diagnostic>& errors);

// Every mapping in the YAML tree under `node` has each key once: a repeated key (a second
// `endpoint:` or `lrs:`) is an error at the repeat that names the first one's line and column, as
// posdrill stops rather than guess which one was meant. `path` prefixes the names ("lrs.").
bool check_unique_keys(const YAML::Node& node, const std::filesystem::path& file, const std::string& path,
                       std::vector<Diagnostic>& errors);

// Resolves Settings from the flags (empty string = not given).
bool resolve_settings(const std::string& data_flag, const std::string& config_flag, const std::string& content_flag,
                      Settings& out, std::vector<Diagnostic>& errors);

}  // namespace posdrill
