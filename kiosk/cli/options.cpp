#include "cli/options.h"

#include <algorithm>
#include <cstdlib>

#include "base/file.h"
#include "scenarios/yaml_reader.h"

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
  std::vector<Diagnostic> diags;
  read_yaml_text(
      text, file.string(), diags,
      [&](YamlReader& r, const YAML::Node& root) {
        if (root.IsNull()) return;  // an empty config (or one of comments only) is fine
        if (!root.IsMap()) {
          r.error(root, "expected the config to be a map (content: …, data: …, lang: zh)");
          return;
        }
        constexpr std::string_view what = "the config";
        r.map(root, what,
              {"content", "data", "lang", "kiosk_id", "store_id", "help_contact", "renderer", "lrs", "terminal"});
        const auto base = file.parent_path();
        if (auto v = r.string(root, "content", what, false)) settings.content_dir = base / *v;
        if (auto v = r.string(root, "data", what, false)) settings.data_dir = base / *v;
        for (std::string_view key : {"kiosk_id", "store_id"}) {
          auto v = r.placed_string(root, key, what, false);
          if (!v) continue;
          if (valid_site_id(v->text))
            (key == "kiosk_id" ? settings.kiosk_id : settings.store_id) = v->text;
          else
            r.error(v->node,
                    "expected '" + std::string(key) + "' to be 1-64 of A-Z a-z 0-9 . _ -, got '" + v->text + "'");
        }
        if (auto v = r.placed_string(root, "help_contact", what, false)) {
          const std::string& t = v->text;
          const bool control =
              std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
          if (t.size() > 120 || control)
            r.error(v->node,
                    "expected 'help_contact' to be one line of text, at most 120 bytes (a phone number and a name)");
          else
            settings.help_contact = t;
        }
        if (auto v = r.placed_string(root, "renderer", what, false)) {
          if (const auto path = parse_render_path(v->text))
            settings.renderer = *path;
          else
            r.error(v->node, "expected 'renderer' to be auto, gl or software, got '" + v->text + "'");
        }
        if (auto v = r.placed_string(root, "lang", what, false)) {
          if (const auto l = parse_lang(v->text))
            settings.lang = *l;
          else
            r.error(v->node, "expected 'lang' to be zh or en, got '" + v->text + "'");
        }
        // Sections belong to the part they configure, each read in its own file.
        if (YAML::Node lrs = r.get(root, "lrs", what, false); lrs.IsDefined()) read_lrs_section(r, lrs, file, settings);
        if (YAML::Node t = r.get(root, "terminal", what, false); t.IsDefined())
          read_terminal_section(r, t, file, settings);
      },
      EmptyFile::allowed);
  columns_to_characters(text, diags);
  errors.insert(errors.end(), diags.begin(), diags.end());
  return diags.empty();
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
