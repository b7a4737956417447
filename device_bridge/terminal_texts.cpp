// The devices' words: reading content/ui/terminal.yaml (built in) and looking texts up.

#include "device_bridge/terminal_texts.h"

#include <algorithm>
#include <mutex>

#include "scenarios/yaml_reader.h"

namespace posdrill {

namespace {

template <class Read>
void each_entry(YamlReader& r, const YAML::Node& root, std::string_view section, Read read) {
  YAML::Node n = r.get(root, section, "the terminal texts", true);
  if (!n.IsDefined()) return;
  if (!n.IsMap()) {
    r.error(n, "expected '" + std::string(section) + "' to be a map of texts (key: text)");
    return;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.Scalar();
    read(key, it->second);
  }
}

Text read_bilingual(YamlReader& r, const YAML::Node& n, std::string_view key) {
  Text t;
  r.read_text(n, key, t);
  r.same_placeholders(n, key, t);
  return t;
}

const Text& missing_text(std::string_view key) {
  // A few distinct misses at most (the tests keep them at none); kept for the program's life so
  // a reference stays good.
  static std::mutex m;
  static std::map<std::string, Text, std::less<>> misses;
  std::lock_guard<std::mutex> lock(m);
  auto it = misses.find(key);
  if (it == misses.end()) {
    std::string s = "⟦" + std::string(key) + "⟧";
    it = misses.emplace(std::string(key), Text{s, s}).first;
  }
  return it->second;
}

struct Loaded {
  TerminalTexts texts;
  std::vector<Diagnostic> problems;
};

const Loaded& loaded() {
  static const Loaded l = [] {
    Loaded out;
    out.problems = load_terminal_texts_text(terminal_texts_source(), "content/ui/terminal.yaml", out.texts);
    return out;
  }();
  return l;
}

template <class Map>
const typename Map::mapped_type* find_in(const Map& m, std::string_view key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<Diagnostic> load_terminal_texts_text(std::string_view text, const std::string& file, TerminalTexts& out) {
  std::vector<Diagnostic> diags;
  read_yaml_text(text, file, diags, [&](YamlReader& r, const YAML::Node& root) {
    if (!r.map(root, "the terminal texts", {"operations", "menus", "screens", "slips", "sms"})) return;
    for (auto [section, slot] :
         {std::pair<const char*, std::map<std::string, Text, std::less<>>*>{"operations", &out.operations},
          {"screens", &out.screens},
          {"sms", &out.sms}})
      each_entry(r, root, section,
                 [&](const std::string& key, const YAML::Node& n) { (*slot)[key] = read_bilingual(r, n, key); });
    each_entry(r, root, "slips", [&](const std::string& key, const YAML::Node& n) {
      if (auto s = r.scalar(n, key)) out.slips[key] = *s;
    });
    each_entry(r, root, "menus", [&](const std::string& key, const YAML::Node& n) {
      if (!r.map(n, "menu '" + key + "'", {"title", "items"})) return;
      TerminalMenu menu;
      menu.title = r.text(n, "title", "menu '" + key + "'", true);
      YAML::Node items = r.get(n, "items", "menu '" + key + "'", true);
      if (items.IsDefined() && !items.IsSequence())
        r.error(items, "expected the items of menu '" + key + "' to be a list of texts (- {zh: …, en: …})");
      else if (items.IsDefined())
        for (const auto& item : items) menu.items.push_back(read_bilingual(r, item, key));
      out.menus[key] = std::move(menu);
    });
  });
  columns_to_characters(text, diags);
  return diags;
}

const TerminalTexts& terminal_texts() { return loaded().texts; }
const std::vector<Diagnostic>& terminal_texts_problems() { return loaded().problems; }

std::string fill_placeholders(std::string_view pattern, TextFill fill) {
  std::string out;
  out.reserve(pattern.size() + 32);
  std::size_t i = 0;
  while (i < pattern.size()) {
    const std::size_t open = pattern.find('{', i);
    if (open == std::string_view::npos) break;
    const std::size_t close = pattern.find('}', open + 1);
    if (close == std::string_view::npos) break;
    out.append(pattern, i, open - i);
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    const auto* hit = std::find_if(fill.begin(), fill.end(), [&](const auto& p) { return p.first == name; });
    if (hit != fill.end())
      out += hit->second;
    else
      out.append(pattern, open, close - open + 1);
    i = close + 1;
  }
  out.append(pattern, std::min(i, pattern.size()));
  return out;
}

namespace {

const Text& text_in(const std::map<std::string, Text, std::less<>>& m, std::string_view key) {
  const Text* t = find_in(m, key);
  return t ? *t : missing_text(key);
}

Text filled(const Text& t, TextFill fill) { return {fill_placeholders(t.zh, fill), fill_placeholders(t.en, fill)}; }

}  // namespace

const Text& screen_text(std::string_view key) { return text_in(terminal_texts().screens, key); }
Text screen_text(std::string_view key, TextFill fill) { return filled(screen_text(key), fill); }
const Text& operation_text(std::string_view key) { return text_in(terminal_texts().operations, key); }
const Text& sms_text(std::string_view key) { return text_in(terminal_texts().sms, key); }
Text sms_text(std::string_view key, TextFill fill) { return filled(sms_text(key), fill); }

const TerminalMenu& terminal_menu(std::string_view key) {
  static const TerminalMenu none;
  const TerminalMenu* m = find_in(terminal_texts().menus, key);
  return m ? *m : none;
}

std::string slip_text(std::string_view key, TextFill fill) {
  const std::string* s = find_in(terminal_texts().slips, key);
  return s ? fill_placeholders(*s, fill) : missing_text(key).zh;
}

std::vector<std::string> all_terminal_texts() {
  const TerminalTexts& t = terminal_texts();
  std::vector<std::string> out;
  const auto add = [&out](const Text& x) {
    out.push_back(x.zh);
    out.push_back(x.en);
  };
  for (const auto& [k, v] : t.operations) add(v);
  for (const auto& [k, v] : t.screens) add(v);
  for (const auto& [k, v] : t.sms) add(v);
  for (const auto& [k, v] : t.slips) out.push_back(v);
  for (const auto& [k, m] : t.menus) {
    add(m.title);
    for (const Text& i : m.items) add(i);
  }
  return out;
}

}  // namespace posdrill
