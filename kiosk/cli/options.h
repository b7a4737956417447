// Options shared by every `posdrill` command: where content, data and configuration live.
// Precedence: command-line flag > config file > environment > built-in default.
#pragma once

#include <filesystem>
#include <map>
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

// 1-64 of A-Z a-z 0-9 . _ - (kiosk and store ids travel in every synced record).
bool valid_site_id(std::string_view id);

class YamlReader;

// Config sections, each read next to the part it configures (cli/options_lrs.cpp,
// cli/options_terminal.cpp), with the config's reader: every problem goes to its diagnostics
// (file:line:column).
void read_lrs_section(YamlReader& r, const YAML::Node& node, const std::filesystem::path& file, Settings& settings);
void read_terminal_section(YamlReader& r, const YAML::Node& node, const std::filesystem::path& file,
                           Settings& settings);

// $XDG_DATA_HOME/posdrill, else ~/.local/share/posdrill.
std::filesystem::path default_data_dir();
// $XDG_CONFIG_HOME/posdrill/config.yaml, else ~/.config/posdrill/config.yaml.
std::filesystem::path default_config_file();
// Content next to an installed binary (../share/posdrill/content), else the source tree's.
std::filesystem::path default_content_dir();

// The kiosk's records: <data dir>/posdrill.db (the GUI and every command use the same file).
std::filesystem::path database_path(const Settings& settings);

// Reads a config file (YAML: content, data, lang, …, lrs:, terminal:). Relative paths are taken
// from the file's folder. Errors name file:line:column, and each key may be given once: a
// repeated one is refused with the first one's place, as posdrill does not guess which is meant.
// A missing file is an error only when `required`; an empty one says nothing.
bool load_config(const std::filesystem::path& file, bool required, Settings& settings, std::vector<Diagnostic>& errors);

// Fills the LRS fields the config left empty from POSDRILL_LRS_ENDPOINT, _KEY and _SECRET, and
// the kiosk id from the host name when the config names none.
void apply_lrs_environment(Settings& settings);

// check_lrs_config (kiosk/sync/config.h) on the settings as resolved, each problem placed where the
// setting was given (file:line:column, or the environment variable). False when there is one.
bool check_lrs_settings(const Settings& settings, std::vector<Diagnostic>& errors);

// Resolves Settings from the flags (empty string = not given).
bool resolve_settings(const std::string& data_flag, const std::string& config_flag, const std::string& content_flag,
                      Settings& out, std::vector<Diagnostic>& errors);

}  // namespace posdrill
