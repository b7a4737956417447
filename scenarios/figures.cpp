// Figures that vary: the `figures:` block of a scenario and the {name} placeholders it fills.
// [SECTION] Figures that vary
#include <algorithm>
#include <set>
#include <utility>

#include "scenarios/graph.h"
#include "scenarios/loader_internal.h"

namespace posdrill::loader_internal {

// ---------------------------------------------------------------------------------------------
// [SECTION] Figures that vary
// ---------------------------------------------------------------------------------------------
//
// `figures:` is a list of sets, each a map from a name to a value (a string, or {zh, en} where the
// languages differ). Every scalar of the file outside that block may use {name}; the scenario is
// read once per set from a tree whose scalars have the set's values filled in, so every schema
// reader sees concrete values and every diagnostic keeps the file's own line and column.

namespace {

// A placeholder written in a scalar: where, and in which language's text ("" outside a text).
struct FigureUse {
  std::string name;
  YAML::Mark at;
  std::string lang;
};

bool figure_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Calls f(name, begin, end) for each {name} in `s` (a name: a lowercase letter, then lowercase
// letters, digits or _; at most 32). Anything else in braces is plain text.
template <class F>
void each_placeholder(std::string_view s, F&& f) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '{' || i + 2 >= s.size() || !(s[i + 1] >= 'a' && s[i + 1] <= 'z')) continue;
    std::size_t j = i + 1;
    while (j < s.size() && j - i <= 33 && figure_name_char(s[j])) ++j;
    if (j < s.size() && s[j] == '}' && j - i - 1 <= 32) {
      f(s.substr(i + 1, j - i - 1), i, j + 1);
      i = j;
    }
  }
}

// Calls f(node, lang) for every scalar value below `n`, keys excepted: lang is "zh" or "en" for
// the halves of a text, "" elsewhere. At the top level the figures block itself is skipped.
template <class F>
void each_scalar(YAML::Node n, const std::string& lang, bool top, F& f) {
  if (n.IsScalar()) return f(n, lang);
  if (n.IsSequence()) {
    for (auto it = n.begin(); it != n.end(); ++it) each_scalar(YAML::Node(*it), "", false, f);
  } else if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (top && key == "figures") continue;
      each_scalar(YAML::Node(it->second), key == "zh" || key == "en" ? key : "", false, f);
    }
  }
}

// The position of a placeholder in the file: found in the text from its scalar's start, so a
// diagnostic points at the {name} itself and not only at the value that holds it.
YAML::Mark placeholder_mark(std::string_view text, const YAML::Mark& scalar, std::string_view name, std::size_t& from) {
  const std::string needle = "{" + std::string(name) + "}";
  if (scalar.pos < 0 || std::size_t(scalar.pos) > text.size()) return scalar;
  const std::size_t at = text.find(needle, std::max<std::size_t>(from, std::size_t(scalar.pos)));
  if (at == std::string_view::npos) return scalar;
  from = at + needle.size();
  YAML::Mark m;
  m.pos = int(at);
  const std::size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
  m.line = int(std::count(text.begin(), text.begin() + at, '\n'));
  m.column = int(at - (line_start == std::string_view::npos || at == 0 ? 0 : line_start + 1));
  return m;
}

std::string figure_names(const FigureSet& set) {
  std::string out;
  for (const Figure& f : set) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// {keyed} is no figure: the runner fills it with the amount of the operation that ended a
// terminal task (outcome.h, keyed_feedback), so only an outcome's feedback can hold it.
constexpr std::string_view keyed_name = "keyed";

void check_keyed(YamlReader& r, const YAML::Node& root, const std::vector<std::pair<int, YAML::Mark>>& keyed) {
  if (keyed.empty()) return;
  std::set<int> feedback;  // the offsets of every outcome feedback's zh and en
  auto child = [&](const YAML::Node& n, std::string_view key, auto is) {
    const YAML::Node none(YAML::NodeType::Undefined);
    const YAML::Node c = n.IsDefined() && n.IsMap() ? r.get(n, key, "", false) : none;
    return c.IsDefined() && (c.*is)() ? c : none;
  };
  const YAML::Node steps = child(root, "steps", &YAML::Node::IsSequence);
  for (const auto& step : steps) {
    const YAML::Node outcomes = child(step, "outcomes", &YAML::Node::IsSequence);
    for (const auto& o : outcomes) {
      const YAML::Node fb = child(o, "feedback", &YAML::Node::IsMap);
      for (const char* lang : {"zh", "en"})
        if (const YAML::Node t = child(fb, lang, &YAML::Node::IsScalar); t.IsDefined()) feedback.insert(t.Mark().pos);
    }
  }
  for (const auto& [scalar, at] : keyed)
    if (!feedback.count(scalar))
      r.error(at, "{keyed} is the amount the trainee keyed, filled in when a terminal task ends: only an "
                  "outcome's feedback (zh or en) can use it");
}

}  // namespace

// Reads the figures block and checks every placeholder of the file against it. Returns the sets
// (empty when the file has none, or on an error, which `r` has reported).
std::vector<FigureSet> read_figures(YamlReader& r, const YAML::Node& root, std::string_view text) {
  std::vector<FigureUse> uses;
  std::vector<std::pair<int, YAML::Mark>> keyed;  // {keyed}: its scalar's offset, and where it is
  auto collect = [&](YAML::Node n, const std::string& lang) {
    std::size_t from = 0;
    each_placeholder(n.Scalar(), [&](std::string_view name, std::size_t, std::size_t) {
      const YAML::Mark at = placeholder_mark(text, n.Mark(), name, from);
      if (name == keyed_name)
        keyed.emplace_back(n.Mark().pos, at);
      else
        uses.push_back({std::string(name), at, lang});
    });
  };
  if (root.IsMap()) each_scalar(root, "", true, collect);
  check_keyed(r, root, keyed);

  YAML::Node block = r.get(root, "figures", "the scenario", false);
  if (!block.IsDefined()) {
    for (const FigureUse& u : uses)
      r.error(u.at, "'{" + u.name +
                        "}' is a figure that varies, but the scenario has no 'figures' block to fill it in "
                        "(content/README.md, \"Figures that vary\")");
    return {};
  }
  const std::size_t errors_before = r.count();
  if (!block.IsSequence() || block.size() < 2) {
    r.error(block, "expected 'figures' to be a list of at least 2 sets of figures, like - {amount: \"328.00\"}");
    return {};
  }
  std::vector<FigureSet> sets;
  std::vector<YAML::Node> first_keys;  // where variant 1 names each figure
  int number = 0;
  for (const auto& v : block) {
    ++number;
    const std::string what = "figures variant " + std::to_string(number);
    FigureSet set;
    if (!v.IsMap() || v.size() == 0) {
      r.error(v, "expected " + what + " to be a map of figures, like {amount: \"328.00\", room: \"1208\"}");
      continue;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!it->first.IsScalar()) {
        r.error(it->first, "expected a figure's name as a plain key in " + what);
        continue;
      }
      Figure f;
      f.name = it->first.Scalar();
      if (std::any_of(set.begin(), set.end(), [&](const Figure& x) { return x.name == f.name; })) {
        r.error(it->first, "duplicate figure '" + f.name + "' in " + what);
        continue;
      }
      const bool ok_name = !f.name.empty() && f.name.size() <= 32 && f.name[0] >= 'a' && f.name[0] <= 'z' &&
                           std::all_of(f.name.begin(), f.name.end(), figure_name_char);
      if (f.name == keyed_name) {  // said once, at the first variant
        if (number == 1)
          r.error(it->first, "'keyed' is not a figure's name: {keyed} is the amount the trainee keyed, filled in when "
                           "a terminal task ends");
        continue;
      }
      if (!ok_name) {
        r.error(it->first, "figure name '" + f.name +
                               "' must start with a lowercase letter and use only lowercase letters, digits and _ "
                               "(at most 32)");
        continue;
      }
      const YAML::Node value = it->second;
      if (value.IsMap()) {
        r.read_text(value, f.name, f.value);
        f.per_language = true;
      } else if (auto sv = r.scalar(value, f.name)) {
        if (sv->empty()) r.error(value, "figure '" + f.name + "' in " + what + " is empty");
        f.value = {*sv, *sv};
      }
      for (const std::string* s : {&f.value.zh, &f.value.en})
        if (s->find_first_of("{}") != std::string::npos)
          r.error(value, "figure '" + f.name + "' in " + what + " may not contain { or }");
      if (number == 1) first_keys.push_back(it->first);
      set.push_back(std::move(f));
    }
    sets.push_back(std::move(set));
  }
  if (r.count() > errors_before || sets.empty()) return {};

  // Every variant names the same figures as the first.
  const FigureSet& first = sets.front();
  auto has = [](const FigureSet& set, const std::string& name) {
    return std::any_of(set.begin(), set.end(), [&](const Figure& f) { return f.name == name; });
  };
  for (std::size_t i = 1; i < sets.size(); ++i) {
    const YAML::Node v = block[i];
    const std::string what = "figures variant " + std::to_string(i + 1);
    for (const Figure& f : first)
      if (!has(sets[i], f.name))
        r.error(v,
                what + " has no '" + f.name + "': every variant names the same figures (" + figure_names(first) + ")");
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it->first.IsScalar() && !has(first, it->first.Scalar()))
        r.error(it->first, "figure '" + it->first.Scalar() + "' in " + what +
                               " is not in figures variant 1: every variant names the same figures (" +
                               figure_names(first) + ")");
  }

  // Every placeholder names a figure, and every figure is used.
  std::vector<std::string_view> known;
  for (const Figure& f : first) known.push_back(f.name);
  for (const FigureUse& u : uses) {
    auto f = std::find_if(first.begin(), first.end(), [&](const Figure& x) { return x.name == u.name; });
    bool per_language = false;
    for (const FigureSet& set : sets)
      for (const Figure& x : set) per_language = per_language || (x.name == u.name && x.per_language);
    if (f == first.end())
      r.error(u.at, "unknown figure '{" + u.name + "}'" + suggest(u.name, known) +
                        "; the figures block names: " + figure_names(first));
    else if (per_language && u.lang.empty())
      r.error(u.at,
              "figure '{" + u.name + "}' is written per language ({zh, en}), so only a text's zh or en can use it");
  }
  for (std::size_t i = 0; i < first.size(); ++i) {
    const bool used =
        std::any_of(uses.begin(), uses.end(), [&](const FigureUse& u) { return u.name == first[i].name; });
    if (!used)
      r.error(first_keys[i], "figure '" + first[i].name + "' is never used: write {" + first[i].name +
                                 "} where it belongs, or remove it from every variant");
  }
  if (r.count() > errors_before) return {};
  return sets;
}

// Fills every placeholder of the tree (figures block aside) with `set`'s values, in place.
void fill_figures(const YAML::Node& root, const FigureSet& set) {
  auto fill = [&](YAML::Node n, const std::string& lang) {
    const std::string in = n.Scalar();
    std::string out;
    std::size_t copied = 0;
    each_placeholder(in, [&](std::string_view name, std::size_t begin, std::size_t end) {
      auto f = std::find_if(set.begin(), set.end(), [&](const Figure& x) { return x.name == name; });
      if (f == set.end()) return;  // read_figures has refused the file already
      out.append(in, copied, begin - copied);
      out += lang == "en" ? f->value.en : f->value.zh;
      copied = end;
    });
    if (copied == 0) return;
    out.append(in, copied, std::string::npos);
    n = out;
  };
  if (root.IsMap()) each_scalar(root, "", true, fill);
}

}  // namespace posdrill::loader_internal
