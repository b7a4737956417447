#include "cli/options.h"

#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "base/file.h"
#include "kiosk/core/glyphs.h"

namespace posdrill {

namespace {

std::filesystem::path env_path(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? std::filesystem::path(v) : std::filesystem::path();
}

std::filesystem::path home() {
  auto h = env_path("HOME");
  return h.empty() ? std::filesystem::path(".") : h;
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : p.parent_path();
}

}  // namespace

std::filesystem::path default_data_dir() {
  auto x = env_path("XDG_DATA_HOME");
  return (x.empty() ? home() / ".local" / "share" : x) / "posdrill";
}

std::filesystem::path default_config_file() {
  auto x = env_path("XDG_CONFIG_HOME");
  return (x.empty() ? home() / ".config" : x) / "posdrill" / "config.yaml";
}

std::filesystem::path default_content_dir() {
  std::error_code ec;
  auto installed = executable_dir() / ".." / "share" / "posdrill" / "content";
  if (!executable_dir().empty() && std::filesystem::is_directory(installed, ec)) return installed.lexically_normal();
  return POSDRILL_SOURCE_CONTENT_DIR;
}

std::filesystem::path database_path(const Settings& settings) { return settings.data_dir / "posdrill.db"; }

bool check_unique_keys(const YAML::Node& node, const std::filesystem::path& file, const std::string& path,
                       std::vector<Diagnostic>& errors) {
  bool ok = true;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) ok = check_unique_keys(item, file, path, errors) && ok;
    return ok;
  }
  if (!node.IsMap()) return true;
  std::map<std::string, YAML::Mark> first;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    const YAML::Mark at = it->first.Mark();
    if (const auto [seen, fresh] = first.emplace(key, at); !fresh) {
      errors.push_back({file.string(), at.line + 1, at.column + 1,
                        "duplicate key '" + path + key + "' (first given at line " +
                            std::to_string(seen->second.line + 1) + ", column " +
                            std::to_string(seen->second.column + 1) +
                            "); remove one of them: posdrill does not guess which one is meant"});
      ok = false;
    }
    ok = check_unique_keys(it->second, file, path + key + ".", errors) && ok;
  }
  return ok;
}

bool load_config(const std::filesystem::path& file, bool required, Settings& settings,
                 std::vector<Diagnostic>& errors) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (required) errors.push_back({file.string(), 0, 0, "config file not found"});
    return !required;
  }
  std::string text, error;
  if (!read_bounded_file(file, 64 * 1024, text, error)) {
    errors.push_back({file.string(), 0, 0, error});
    return false;
  }
  settings.config_file = file;
  auto err = [&](const YAML::Mark& m, std::string msg) {
    errors.push_back({file.string(), m.line + 1, m.column + 1, std::move(msg)});
  };
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) return true;  // an empty config is fine
    if (!root.IsMap()) {
      err(root.Mark(), "expected the config to be a map (content: …, data: …, lang: zh)");
      return false;
    }
    bool ok = check_unique_keys(root, file, "", errors);
    auto base = file.parent_path();
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = it->first.as<std::string>("");
      const YAML::Node v = it->second;  // a copy: `it->` yields a temporary
      // Sections (maps) belong to the part they configure, each parsed in its own file.
      if (key == "lrs") {
        ok = load_lrs_section(v, file, settings, errors) && ok;
        continue;
      }
      if (key == "terminal") {
        ok = load_terminal_section(v, file, settings, errors) && ok;
        continue;
      }
      if (!v.IsScalar() || v.Scalar().empty()) {
        err(v.Mark(), "expected '" + key + "' to be a single value");
        ok = false;
        continue;
      }
      if (key == "content") {
        settings.content_dir = base / v.Scalar();
      } else if (key == "data") {
        settings.data_dir = base / v.Scalar();
      } else if (key == "kiosk_id" || key == "store_id") {
        if (!valid_site_id(v.Scalar())) {
          err(v.Mark(), "expected '" + key + "' to be 1-64 of A-Z a-z 0-9 . _ -, got '" + v.Scalar() + "'");
          ok = false;
        } else {
          (key == "kiosk_id" ? settings.kiosk_id : settings.store_id) = v.Scalar();
        }
      } else if (key == "help_contact") {
        const std::string& t = v.Scalar();
        const bool control = std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
        if (t.size() > 120 || control || !is_valid_utf8(t)) {
          err(v.Mark(), "expected 'help_contact' to be one line of text, at most 120 bytes (a phone number and a name)");
          ok = false;
        } else {
          settings.help_contact = t;
        }
      } else if (key == "renderer") {
        if (const auto r = parse_render_path(v.Scalar())) {
          settings.renderer = *r;
        } else {
          err(v.Mark(), "expected 'renderer' to be auto, gl or software, got '" + v.Scalar() + "'");
          ok = false;
        }
      } else if (key == "lang") {
        if (auto l = parse_lang(v.Scalar())) {
          settings.lang = *l;
        } else {
          err(v.Mark(), "expected 'lang' to be zh or en, got '" + v.Scalar() + "'");
          ok = false;
        }
      } else {
        err(it->first.Mark(), "unknown key '" + key +
                                  "' in the config; expected one of: content, data, lang, kiosk_id, store_id, "
                                  "help_contact, renderer, lrs, terminal");
        ok = false;
      }
    }
    return ok;
  } catch (const YAML::Exception& e) {
    err(e.mark, "YAML syntax error: " + e.msg);
    return false;
  }
}

bool resolve_settings(const std::string& data_flag, const std::string& config_flag, const std::string& content_flag,
                      Settings& out, std::vector<Diagnostic>& errors) {
  out.content_dir = default_content_dir();
  out.data_dir = default_data_dir();
  bool ok = config_flag.empty() ? load_config(default_config_file(), false, out, errors)
                                : load_config(config_flag, true, out, errors);
  if (!data_flag.empty()) out.data_dir = data_flag;
  if (!content_flag.empty()) out.content_dir = content_flag;
  apply_lrs_environment(out);
  // The one endpoint check every sender relies on, while the file's positions are known: a
  // config the check refuses stops every command, the kiosk included.
  return ok && check_lrs_settings(out, errors);
}

}  // namespace posdrill
