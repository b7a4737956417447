// The position-aware YAML reader (yaml_reader.h).
#include "scenarios/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "base/utf8.h"

#include "scenarios/graph.h"  // suggest(), which the graph checks and the command line use as well

namespace posdrill {

namespace {

// The {names} a text uses.
std::set<std::string_view> placeholders(std::string_view s) {
  std::set<std::string_view> out;
  for (std::size_t open = s.find('{'); open != std::string_view::npos; open = s.find('{', open + 1)) {
    const std::size_t close = s.find('}', open + 1);
    if (close == std::string_view::npos) break;
    out.emplace(s.substr(open + 1, close - open - 1));
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string join_keys(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out;
}

// " (did you mean 'x'?)" when one candidate is close, else "".
std::string suggest(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_d = 3;
  for (auto c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best.empty() ? "" : " (did you mean '" + std::string(best) + "'?)";
}

void YamlReader::check_keys(const YAML::Node& n, std::string_view what, const Keys* allowed) {
  std::map<std::string, YAML::Mark> first;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(it->first, "expected a plain key in " + std::string(what));
      continue;
    }
    const std::string& k = it->first.Scalar();
    const YAML::Mark at = it->first.Mark();
    if (const auto [seen, fresh] = first.emplace(k, at); !fresh) {
      error(at, "duplicate key '" + name(k) + "' in " + std::string(what) + " (first given at line " +
                    std::to_string(seen->second.line + 1) +
                    "); remove one of them: posdrill does not guess which one is meant");
    } else if (allowed && std::find(allowed->begin(), allowed->end(), k) == allowed->end()) {
      error(at, "unknown key '" + name(k) + "' in " + std::string(what) + suggest(k, *allowed) +
                    "; expected one of: " + join_keys(*allowed));
    }
  }
}

bool YamlReader::map(const YAML::Node& n, std::string_view what, const Keys& allowed) {
  if (!n.IsMap()) {
    error(n, "expected " + std::string(what) + " as a map of keys (key: value)");
    return false;
  }
  check_keys(n, what, &allowed);
  return true;
}

bool YamlReader::open_map(const YAML::Node& n, std::string_view what) {
  if (!n.IsMap()) {
    error(n, "expected " + std::string(what) + " as a map of keys (key: value)");
    return false;
  }
  check_keys(n, what, nullptr);
  return true;
}

const YamlReader::MapIndex* YamlReader::index(const YAML::Node& m) {
  const int at = m.Mark().pos;
  if (at < 0) return nullptr;
  auto found = maps_.find(at);
  if (found != maps_.end() && found->second.node.is(m)) return &found->second;
  MapIndex ix{m, {}};
  for (auto it = m.begin(); it != m.end(); ++it)
    if (it->first.IsScalar())
      ix.values.emplace(it->first.Scalar(), Entry{it->first.Mark(), it->second});  // the first of duplicates
  return &(maps_.insert_or_assign(at, std::move(ix)).first->second);
}

std::optional<YamlReader::Entry> YamlReader::find(const YAML::Node& m, std::string_view key) {
  if (!m.IsMap()) return std::nullopt;
  if (const MapIndex* ix = index(m)) {
    auto v = ix->values.find(std::string(key));
    if (v != ix->values.end()) return v->second;
    return std::nullopt;
  }
  for (auto it = m.begin(); it != m.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return Entry{it->first.Mark(), it->second};
  return std::nullopt;
}

YAML::Node YamlReader::get(const YAML::Node& m, std::string_view key, std::string_view what, bool required) {
  const std::optional<Entry> e = entry(m, key, what, required);
  return e ? e->value : YAML::Node(YAML::NodeType::Undefined);
}

std::optional<YamlReader::Entry> YamlReader::entry(const YAML::Node& m, std::string_view key, std::string_view what,
                                                   bool required) {
  std::optional<Entry> e = find(m, key);
  if (!e && required) error(m, "missing '" + name(key) + "' in " + std::string(what));
  return e;
}

std::optional<YamlReader::Placed> YamlReader::value(const YAML::Node& m, std::string_view key, std::string_view what,
                                                    bool required) {
  const std::optional<Entry> e = entry(m, key, what, required);
  if (!e) return std::nullopt;
  if (e->value.IsNull()) {  // `key:` and nothing: yaml-cpp places the nothing at the next key
    error(e->key, "'" + name(key) + "' has no value: write one after the colon, or leave the key out");
    return std::nullopt;
  }
  auto s = scalar(e->value, key);
  if (!s) return std::nullopt;
  return Placed{std::move(*s), e->value};
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& n, std::string_view key) {
  if (n.IsNull()) {
    error(n, "'" + name(key) + "' has no value");
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    error(n, "expected '" + name(key) + "' to be a single value, not a list or map");
    return std::nullopt;
  }
  if (!is_valid_utf8(n.Scalar())) {
    // Chinese saved in the legacy GBK code page reads like this; yaml-cpp passes the bytes on.
    error(n, "'" + name(key) + "' is not UTF-8 text: save the file as UTF-8 (not GBK or GB2312)");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<YamlReader::Placed> YamlReader::placed_string(const YAML::Node& m, std::string_view key,
                                                            std::string_view what, bool required) {
  auto v = value(m, key, what, required);
  if (v && v->text.empty()) {
    error(v->node, "'" + name(key) + "' is empty");
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> YamlReader::string(const YAML::Node& m, std::string_view key, std::string_view what,
                                              bool required) {
  auto p = placed_string(m, key, what, required);
  if (!p) return std::nullopt;
  return std::move(p->text);
}

std::optional<int> YamlReader::integer(const YAML::Node& m, std::string_view key, std::string_view what, bool required,
                                       int lo, int hi, std::string_view unit) {
  auto v = value(m, key, what, required);
  if (!v) return std::nullopt;
  const YAML::Node& n = v->node;
  const std::string* s = &v->text;
  const std::string of_unit = unit.empty() ? "" : " of " + std::string(unit);
  int number = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), number);
  const bool digits = p == s->data() + s->size();
  if (ec == std::errc::invalid_argument || !digits) {
    error(n, "expected '" + name(key) + "' to be a whole number" + of_unit + ", got '" + *s + "'");
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || number < lo || number > hi) {
    error(n, "'" + name(key) + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                 (unit.empty() ? "" : " " + std::string(unit)) + ", got " + *s);
    return std::nullopt;
  }
  return number;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& m, std::string_view key, std::string_view what) {
  auto v = value(m, key, what, false);
  if (!v) return std::nullopt;
  const YAML::Node& n = v->node;
  const std::string* s = &v->text;
  if (*s == "true") return true;
  if (*s == "false") return false;
  error(n, "expected '" + name(key) + "' to be true or false, got '" + *s + "'");
  return std::nullopt;
}

std::optional<int64_t> YamlReader::amount(const YAML::Node& m, std::string_view key, std::string_view what,
                                          bool required) {
  auto v = value(m, key, what, required);
  if (!v) return std::nullopt;
  const YAML::Node& n = v->node;
  const std::string* s = &v->text;
  auto minor = parse_amount(*s);
  if (!minor)
    error(n,
          "expected '" + name(key) + "' to be an amount in CNY like \"328.00\" (at most 2 decimals), got '" + *s + "'");
  return minor;
}

std::optional<std::string> YamlReader::response_code(const YAML::Node& m, std::string_view key, std::string_view what,
                                                     bool required) {
  auto v = value(m, key, what, required);
  if (!v) return std::nullopt;
  const YAML::Node& n = v->node;
  const std::string* s = &v->text;
  bool ok = s->size() == 2 &&
            std::all_of(s->begin(), s->end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
  if (!ok) {
    error(n, "expected '" + name(key) + "' to be a 2-character response code in quotes like \"05\", got '" + *s + "'");
    return std::nullopt;
  }
  return *s;
}

Text YamlReader::text(const YAML::Node& m, std::string_view key, std::string_view what, bool required) {
  Text t;
  YAML::Node n = get(m, key, what, required);
  if (!n.IsDefined()) return t;
  read_text(n, key, t);
  return t;
}

void YamlReader::read_text(const YAML::Node& n, std::string_view key, Text& t) {
  if (!n.IsMap()) {
    error(n, "expected '" + name(key) + "' to be a text in both languages, like {zh: …, en: …}");
    return;
  }
  // Anything but zh and en is most often a sentence that a comma or a colon split: say so in
  // those words, and still read the two languages.
  // One message for that, and none about a language it may have taken with it.
  bool stray = false;
  for (auto it = n.begin(); it != n.end() && !stray; ++it) {
    if (it->first.IsScalar() && it->first.Scalar() != "zh" && it->first.Scalar() != "en") {
      error(it->first, "unexpected '" + it->first.Scalar() + "' in text '" + name(key) +
                           "': a text has only zh and en. If a comma or colon split your sentence, put the whole "
                           "text in quotes, like en: \"Yes, sir\"");
      stray = true;
    }
  }
  check_keys(n, "text '" + name(key) + "'", nullptr);
  for (auto [lang, slot] : {std::pair<const char*, std::string*>{"zh", &t.zh}, {"en", &t.en}}) {
    const std::optional<Entry> e = find(n, lang);
    if (!e) {
      if (!stray) error(n, std::string("missing '") + lang + "' translation of '" + name(key) + "'");
      continue;
    }
    if (e->value.IsNull()) {
      error(e->key, std::string("empty '") + lang + "' translation of '" + name(key) + "'");
      continue;
    }
    auto s = scalar(e->value, lang);
    if (!s) continue;
    if (s->find_first_not_of(" \t\r\n") == std::string::npos) {
      error(e->value, std::string("empty '") + lang + "' translation of '" + name(key) + "'");
      continue;
    }
    // A block text (| or >) ends in a line break that is not part of it. Spaces are kept: only
    // quotes can end a text with one, and "Hello, " is written so on purpose.
    *slot = *s;
    while (!slot->empty() && slot->back() == '\n') slot->pop_back();
  }
}

void YamlReader::same_placeholders(const YAML::Node& n, std::string_view key, const Text& t) {
  if (t.zh.empty() || t.en.empty()) return;  // a missing language is reported already
  if (placeholders(t.zh) != placeholders(t.en))
    error(n, "the zh and en of '" + name(key) + "' fill in different {placeholders}");
}

bool parse_yaml(std::string_view text, const std::string& file, YAML::Node& root, std::vector<Diagnostic>& out,
                EmptyFile empty) {
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    std::string hint;
    if (e.msg == "unknown token")
      hint = " (a text with '?' or ',' inside { } must be quoted, like {zh: \"您怎么做?\", en: \"What now?\"})";
    else if (e.msg == "end of map not found")
      hint = " (check the indentation of this line and the one above: use spaces, never tabs)";
    else if (e.msg == "illegal map value")
      hint = " (a key indented deeper than the key above it, or a text with ': ' in it: line the key up "
             "with the one above, or put the text in quotes)";
    out.push_back({file, e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg + hint});
    return false;
  } catch (const YAML::Exception& e) {
    out.push_back({file, e.mark.line + 1, e.mark.column + 1, "YAML error: " + e.msg});
    return false;
  }
  if (!root.IsDefined() || root.IsNull()) {
    if (empty == EmptyFile::allowed) {
      root = YAML::Node(YAML::NodeType::Null);
      return true;
    }
    out.push_back({file, 1, 1, "the file is empty"});
    return false;
  }
  return true;
}

void columns_to_characters(std::string_view text, std::vector<Diagnostic>& diags) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (auto& d : diags) {
    if (d.line < 1 || d.line > int(lines.size()) || d.column < 1) continue;
    std::string_view l = lines[d.line - 1].substr(0, std::size_t(d.column - 1));
    int chars = 0;
    for (unsigned char c : l) chars += (c & 0xC0) != 0x80 ? 1 : 0;
    d.column = chars + 1;
  }
}

}  // namespace posdrill
