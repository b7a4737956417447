// Options shared by every `posdrill` command: where content, data and configuration live.
// Precedence: command-line flag > config file > environment > built-in default.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scenarios/loader.h"

namespace posdrill {

struct Settings {
  std::filesystem::path content_dir;
  std::filesystem::path data_dir;
  std::filesystem::path config_file;  // the file read, empty when none
  Lang lang = Lang::zh;
};

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

// Resolves Settings from the flags (empty string = not given).
bool resolve_settings(const std::string& data_flag, const std::string& config_flag, const std::string& content_flag,
                      Settings& out, std::vector<Diagnostic>& errors);

}  // namespace posdrill
