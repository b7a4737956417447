// UI strings: loading content/ui/strings.yaml and looking texts up.
//
// The file is read with the content's YAML reader (scenarios/yaml_reader.h), so its messages
// and positions are the scenarios' own. The loader never throws to its caller, and a broken
// entry is reported and skipped while the rest still load.

#include "kiosk/core/strings.h"

#include <set>
#include <string>
#include <utility>

#include "base/file.h"
#include "device_bridge/terminal_texts.h"
#include "scenarios/yaml_reader.h"

namespace posdrill {

namespace {

// "app.title", "difficulty.1", "catalog.scenarios_one": lowercase words joined by single dots.
bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 128 || key.front() == '.' || key.back() == '.') return false;
  char prev = 0;
  for (char c : key) {
    bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && c != '.') return false;
    if (c == '.' && prev == '.') return false;
    prev = c;
  }
  return true;
}

}  // namespace

std::filesystem::path ui_strings_path(const std::filesystem::path& content_dir) {
  return content_dir / "ui" / "strings.yaml";
}

std::string missing_key_placeholder(std::string_view key) {
  std::string s = "⟦";
  s += key;
  s += "⟧";
  return s;
}

std::string UiStrings::tr(std::string_view key, Lang lang) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return missing_key_placeholder(key);
  const std::string& s = it->second.get(lang);
  if (!s.empty()) return s;
  const std::string& other = it->second.get(lang == Lang::zh ? Lang::en : Lang::zh);
  return other.empty() ? missing_key_placeholder(key) : other;
}

bool UiStrings::contains(std::string_view key) const { return entries_.find(key) != entries_.end(); }

void UiStrings::set(std::string key, Text text) { entries_[std::move(key)] = std::move(text); }

std::string fill_fields(std::string_view pattern,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  return fill_placeholders(pattern, fields);
}

std::string fill_count(std::string_view pattern, long long value) {
  static constexpr std::string_view slot = "{n}";
  const std::string number = std::to_string(value);
  std::string out;
  out.reserve(pattern.size() + number.size());
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    std::size_t hit = pattern.find(slot, pos);
    if (hit == std::string_view::npos) {
      out.append(pattern.substr(pos));
      break;
    }
    out.append(pattern.substr(pos, hit - pos));
    out.append(number);
    pos = hit + slot.size();
  }
  return out;
}

std::string tr_count(const UiStrings& strings, std::string_view base, long long count, Lang lang) {
  std::string key(base);
  key += count == 1 ? "_one" : "_other";
  return fill_count(strings.tr(key, lang), count);
}

std::vector<Diagnostic> load_ui_strings_text(std::string_view text, const std::string& file, UiStrings& out) {
  std::vector<Diagnostic> diags;
  read_yaml_text(text, file, diags, [&](YamlReader& r, const YAML::Node& root) {
    if (!root.IsMap()) {
      r.error(root, "expected a map of keys, each to {zh: …, en: …}");
      return;
    }
    r.open_map(root, "the UI strings");
    if (root.size() > max_ui_strings_entries) {
      r.error(root, "too many entries: " + std::to_string(root.size()) + " (at most " +
                        std::to_string(max_ui_strings_entries) + ")");
      return;
    }
    std::set<std::string, std::less<>> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const YAML::Node key_node = it->first;  // copies: `it->` yields a temporary
      const YAML::Node value = it->second;
      if (!key_node.IsScalar()) continue;  // open_map has said so
      const std::string& key = key_node.Scalar();
      if (!valid_key(key)) {
        r.error(key_node, "key '" + key + "' must be lowercase words joined by dots, such as 'catalog.title'");
        continue;
      }
      if (!seen.insert(key).second) continue;  // a repeat, reported by open_map: the first one stands
      if (value.IsNull()) {                    // `key:` and nothing: yaml-cpp places the null on the next line
        r.error(key_node, "'" + key + "' has no text; expected {zh: …, en: …}");
        continue;
      }
      Text t;
      r.read_text(value, key, t);
      r.same_placeholders(value, key, t);
      // Keep a half-translated entry: showing the other language beats showing a placeholder.
      if (t.zh.empty() && t.en.empty()) continue;
      if (t.zh.empty()) t.zh = t.en;
      if (t.en.empty()) t.en = t.zh;
      out.set(key, std::move(t));
    }
  });
  columns_to_characters(text, diags);
  return diags;
}

std::vector<Diagnostic> load_ui_strings(const std::filesystem::path& path, UiStrings& out) {
  std::string text;
  std::string error;
  if (!read_bounded_file(path, max_ui_strings_bytes, text, error)) {
    Diagnostic d;
    d.file = path.string();
    d.message = error;
    return {d};
  }
  return load_ui_strings_text(text, path.string(), out);
}

}  // namespace posdrill
