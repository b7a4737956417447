// UI strings: loading content/ui/strings.yaml and looking texts up.
//
// The loader never throws to its caller: yaml-cpp exceptions become diagnostics at the parser's
// mark, and a broken entry is reported and skipped while the rest still load.

#include "kiosk/core/strings.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>

#include "base/file.h"
#include "device_bridge/terminal_texts.h"
#include "kiosk/core/glyphs.h"

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

class Reader {
 public:
  Reader(const std::string& file, std::vector<Diagnostic>& diags) : file_(file), diags_(diags) {}

  void error(const YAML::Mark& mark, std::string message) {
    Diagnostic d;
    d.file = file_;
    // yaml-cpp marks are 0-based and -1 when unknown (null nodes).
    d.line = mark.line >= 0 ? mark.line + 1 : 0;
    d.column = mark.column >= 0 ? mark.column + 1 : 0;
    d.message = std::move(message);
    diags_.push_back(std::move(d));
  }

  // Reads one translation; returns false (after a diagnostic) when it cannot be used.
  bool translation(const YAML::Node& value, std::string_view lang, const std::string& key, std::string& out) {
    if (!value.IsScalar()) {
      error(value.Mark(), "the '" + std::string(lang) + "' translation for key '" + key + "' must be text");
      return false;
    }
    out = value.Scalar();
    if (out.empty()) {
      error(value.Mark(), "empty '" + std::string(lang) + "' translation for key '" + key + "'");
      return false;
    }
    if (!is_valid_utf8(out)) {
      error(value.Mark(), "the '" + std::string(lang) + "' translation for key '" + key + "' is not valid UTF-8");
      return false;
    }
    return true;
  }

  void entry(const YAML::Node& key_node, const YAML::Node& value, UiStrings& out) {
    const std::string key = key_node.Scalar();
    if (!value.IsMap()) {
      error(value.IsNull() ? key_node.Mark() : value.Mark(), "key '" + key + "': expected a map {zh: …, en: …}");
      return;
    }
    Text text;
    bool have_zh = false;
    bool have_en = false;
    for (auto it = value.begin(); it != value.end(); ++it) {
      // Copies: yaml-cpp iterators hand out a temporary pair, so a reference would dangle.
      const YAML::Node lang_node = it->first;
      const YAML::Node lang_value = it->second;
      const std::string lang = lang_node.IsScalar() ? lang_node.Scalar() : std::string();
      // Accept exactly the two codes the file format names; "zh-CN" and friends would be
      // accepted by parse_lang but would make the file inconsistent.
      if (lang == "zh" || lang == "en") {
        bool& seen = lang == "zh" ? have_zh : have_en;
        if (seen) {
          error(lang_node.Mark(), "duplicate '" + lang + "' translation for key '" + key + "'");
          continue;
        }
        std::string s;
        if (translation(lang_value, lang, key, s)) {
          (lang == "zh" ? text.zh : text.en) = std::move(s);
          seen = true;
        } else {
          seen = true;  // reported; do not also report it as missing
        }
      } else {
        error(lang_node.Mark(), "unknown language '" + lang + "' for key '" + key + "' (expected zh or en)");
      }
    }
    if (!have_zh) error(key_node.Mark(), "missing 'zh' translation for key '" + key + "'");
    if (!have_en) error(key_node.Mark(), "missing 'en' translation for key '" + key + "'");
    // Keep a half-translated entry: showing the other language beats showing a placeholder.
    if (text.zh.empty() && text.en.empty()) return;
    if (text.zh.empty()) text.zh = text.en;
    if (text.en.empty()) text.en = text.zh;
    out.set(key, std::move(text));
  }

 private:
  const std::string& file_;
  std::vector<Diagnostic>& diags_;
};

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
  Reader reader(file, diags);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    reader.error(e.mark, "YAML syntax error: " + e.msg);
    return diags;
  }
  if (!root.IsMap()) {
    Diagnostic d;
    d.file = file;
    d.message = "expected a map of keys, each to {zh: …, en: …}";
    diags.push_back(std::move(d));
    return diags;
  }
  if (root.size() > max_ui_strings_entries) {
    reader.error(root.Mark(), "too many entries: " + std::to_string(root.size()) + " (at most " +
                                  std::to_string(max_ui_strings_entries) + ")");
    return diags;
  }
  // yaml-cpp keeps duplicate keys; remember where each key was first seen to report repeats.
  std::map<std::string, int, std::less<>> first_line;
  try {
    for (auto it = root.begin(); it != root.end(); ++it) {
      const YAML::Node key_node = it->first;  // a copy: `it->` yields a temporary
      if (!key_node.IsScalar()) {
        reader.error(key_node.Mark(), "expected a text key such as 'catalog.title'");
        continue;
      }
      const std::string& key = key_node.Scalar();
      if (!valid_key(key)) {
        reader.error(key_node.Mark(),
                     "key '" + key + "' must be lowercase words joined by dots, such as 'catalog.title'");
        continue;
      }
      auto [seen, inserted] = first_line.emplace(key, key_node.Mark().line + 1);
      if (!inserted) {
        reader.error(key_node.Mark(),
                     "duplicate key '" + key + "' (first defined at line " + std::to_string(seen->second) + ")");
        continue;
      }
      reader.entry(key_node, it->second, out);
    }
  } catch (const YAML::Exception& e) {
    // Conversions are not expected to throw here; stay defensive since nothing may escape.
    reader.error(e.mark, "unexpected YAML error: " + e.msg);
  }
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
