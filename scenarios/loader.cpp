// Content loader: YAML text -> validated Scenario / Track / TestHostProfile, and whole folders.
//
// [SECTION] One file: a scenario, a test host, a fault script
// [SECTION] Track schema
// [SECTION] Files and folders
//
// The scenario schema is scenario_schema.cpp's, its figures that vary figures.cpp's, and the
// reading of YAML with file:line:column diagnostics yaml_reader.h's (loader_internal.h joins
// them). The loader never throws to its caller: yaml-cpp parse errors are caught and turned into
// diagnostics at the parser's mark. Graph checks (reachability, loops, scoring) live in graph.cpp.

#include "scenarios/loader.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "base/file.h"
#include "scenarios/graph.h"
#include "scenarios/loader_internal.h"
#include "scenarios/sha256.h"

namespace posdrill {

using namespace loader_internal;

std::string Diagnostic::to_string() const {
  std::ostringstream o;
  o << file;
  if (line > 0) o << ':' << line << ':' << column;
  o << ": " << message;
  return o.str();
}

const Scenario* ContentSet::find(std::string_view id) const { return find_scenario(scenarios, id); }

// ---------------------------------------------------------------------------------------------
// [SECTION] One file: a scenario, a test host, a fault script
// ---------------------------------------------------------------------------------------------

std::vector<Diagnostic> load_scenario_text(std::string_view text, const std::string& file, Scenario& out) {
  std::vector<Diagnostic> diags;
  out = Scenario{};
  out.file = file;
  out.content_hash = sha256_hex(text);
  std::vector<FigureSet> sets;
  read_yaml_text(text, file, diags, [&](YamlReader& r, const YAML::Node& root) {
    sets = read_figures(r, root, text);
    // A placeholder left unfilled would only repeat the figures' error as a bad value elsewhere.
    if (r.count() > 0) return;
    if (!sets.empty()) fill_figures(root, sets.front());
    read_scenario(r, root, out);
  });
  // Graph checks need a structurally sound file; they add their own diagnostics.
  if (diags.empty()) check_graph(out, diags);
  // Figures that vary: each further set is the whole file read again with its own values, so a
  // value that breaks a rule (an amount that is no amount) is reported like any other, naming
  // the variant.
  if (diags.empty() && sets.size() > 1) {
    out.variant = 1;
    std::vector<Scenario> variants{out};
    for (std::size_t i = 1; i < sets.size(); ++i) {
      Scenario v;
      v.file = file;
      v.content_hash = out.content_hash;
      v.variant = int(i + 1);
      std::vector<Diagnostic> found;
      read_yaml_text(text, file, found, [&](YamlReader& r, const YAML::Node& root) {
        fill_figures(root, sets[i]);
        read_scenario(r, root, v);
      });
      if (found.empty()) check_graph(v, found);
      for (Diagnostic& d : found) d.message += " (with figures variant " + std::to_string(i + 1) + ")";
      diags.insert(diags.end(), found.begin(), found.end());
      // The catalog shows one title and summary before the set is drawn: figures stay out of them.
      for (const auto& [key, same] : {std::pair{"title", v.title.zh == out.title.zh && v.title.en == out.title.en},
                                      std::pair{"summary", v.summary.zh == out.summary.zh && v.summary.en == out.summary.en}})
        if (found.empty() && !same) {
          const std::string needle = std::string("\n") + key + ":";
          const std::size_t at = text.find(needle);
          const int line = at == std::string_view::npos
                               ? 0
                               : int(std::count(text.begin(), text.begin() + std::ptrdiff_t(at) + 1, '\n')) + 1;
          diags.push_back({file, line, 1,
                           "the " + std::string(key) + " changes with the figures (variant " + std::to_string(i + 1) +
                               "), but the catalog shows it before a set is drawn: keep figures out of it"});
        }
      variants.push_back(std::move(v));
    }
    if (diags.empty()) out.variants = std::move(variants);
  }
  columns_to_characters(text, diags);
  std::sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return diags;
}

std::vector<Diagnostic> load_test_host_text(std::string_view text, const std::string& file, TestHostProfile& out) {
  std::vector<Diagnostic> diags;
  out = TestHostProfile{};
  out.file = file;
  read_yaml_text(text, file, diags, [&out](YamlReader& r, const YAML::Node& root) {
    const char* what = "the test host";
    if (r.map(root, what, {"id", "version", "title", "amounts"})) {
      out.id = r.string(root, "id", what, true).value_or("");
      if (!out.id.empty() && !valid_id(out.id))
        r.error(r.get(root, "id", "", false),
                "test host id '" + out.id + "' must be 3–48 lowercase letters, digits or _");
      out.version = r.integer(root, "version", what, true, 1, 1000000).value_or(1);
      out.title = r.text(root, "title", what, true);
      YAML::Node amounts = r.get(root, "amounts", what, true);
      if (amounts.IsDefined() && (!amounts.IsMap() || amounts.size() == 0)) {
        r.error(amounts, "expected 'amounts' to map response codes to test amounts, like \"61\": \"10.61\"");
      } else if (amounts.IsDefined()) {
        std::set<int64_t> seen;
        std::set<std::string> codes;
        for (auto it = amounts.begin(); it != amounts.end(); ++it) {
          const std::string code = it->first.IsScalar() ? it->first.Scalar() : "";
          bool ok = code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) {
                      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                    });
          if (!ok) {
            r.error(it->first, "expected a 2-character response code in quotes like \"61\", got '" + code + "'");
            continue;
          }
          if (!codes.insert(code).second) {
            r.error(it->first, "duplicate key '" + code + "' in amounts");
            continue;
          }
          auto amount = r.amount(amounts, code, "amounts", true);
          if (!amount) continue;
          if (*amount <= 0) {
            r.error(it->second, "the test amount for " + code + " must be more than 0.00");
          } else if (!seen.insert(*amount).second) {
            r.error(it->second, "amount " + format_amount(*amount) + " is already given for another response code");
          } else {
            out.amounts.emplace_back(code, *amount);
          }
        }
      }
    }
  });
  columns_to_characters(text, diags);
  return diags;
}

std::vector<Diagnostic> load_faults_text(std::string_view text, const std::string& file, std::vector<Fault>& out) {
  std::vector<Diagnostic> diags;
  out.clear();
  read_yaml_text(text, file, diags, [&out](YamlReader& r, const YAML::Node& root) {
    if (r.map(root, "the fault file", {"faults"})) {
      YAML::Node faults = r.get(root, "faults", "the fault file", true);
      if (faults.IsDefined() && !faults.IsSequence()) {
        r.error(faults, "expected 'faults' to be a list (- request: 1, fault: answer_lost)");
      } else if (faults.IsDefined()) {
        for (const auto& f : faults) {
          if (!r.map(f, "fault", {"request", "op", "fault", "code", "seconds"})) continue;
          if (auto fault = read_fault(r, f, false)) out.push_back(*fault);
        }
      }
    }
  });
  columns_to_characters(text, diags);
  return diags;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Track schema
// ---------------------------------------------------------------------------------------------

std::vector<Diagnostic> load_track_text(std::string_view text, const std::string& file, Track& out) {
  std::vector<Diagnostic> diags;
  out = Track{};
  out.file = file;
  read_yaml_text(text, file, diags, [&out](YamlReader& r, const YAML::Node& root) {
    const Keys keys = {"id",       "version",  "title", "summary", "topics", "validity_days", "expiring_soon_days",
                       "required", "pass_mark"};
    if (r.map(root, "the track", keys)) {
      out.id = r.string(root, "id", "the track", true).value_or("");
      if (!out.id.empty() && !valid_id(out.id))
        r.error(r.get(root, "id", "", false), "track id '" + out.id + "' must be 3–48 lowercase letters, digits or _");
      out.version = r.integer(root, "version", "the track", true, 1, 1000000).value_or(1);
      out.title = r.text(root, "title", "the track", true);
      out.summary = r.text(root, "summary", "the track", false);
      out.validity_days = r.integer(root, "validity_days", "the track", true, 1, 3650).value_or(180);
      out.expiring_soon_days = r.integer(root, "expiring_soon_days", "the track", false, 0, 365).value_or(30);
      if (out.expiring_soon_days >= out.validity_days)
        r.error(r.get(root, "expiring_soon_days", "", false).IsDefined() ? r.get(root, "expiring_soon_days", "", false)
                                                                         : root,
                "expiring_soon_days must be shorter than validity_days");
      YAML::Node topics = r.get(root, "topics", "the track", true);
      if (topics.IsDefined()) {
        if (!topics.IsSequence() || topics.size() == 0) {
          r.error(topics, "expected 'topics' to be a list of topic ids, like [preauth, reversal]");
        } else {
          Keys ids;
          for (Topic tp : all_topics) ids.push_back(topic_id(tp));
          for (const auto& t : topics) {
            auto v = r.scalar(t, "topic");
            if (!v) continue;
            auto topic = parse_topic(*v);
            if (!topic)
              r.error(t, "unknown topic '" + *v + "'" + suggest(*v, ids) + "; expected one of: " + join_keys(ids));
            else if (std::find(out.topics.begin(), out.topics.end(), *topic) != out.topics.end())
              r.error(t, "topic '" + *v + "' is listed twice");
            else
              out.topics.push_back(*topic);
          }
        }
      }
      out.pass_mark = r.integer(root, "pass_mark", "the track", false, 0, 100);
      // Scenario ids are checked against the loaded scenarios in load_content; here only the shape.
      YAML::Node required = r.get(root, "required", "the track", false);
      if (required.IsDefined()) {
        if (!required.IsSequence()) {
          r.error(required, "expected 'required' to be a list of scenario ids, like [reversal_debit_sms]");
        } else {
          for (const auto& n : required) {
            auto v = r.scalar(n, "required");
            if (!v) continue;
            if (std::find(out.required.begin(), out.required.end(), *v) != out.required.end()) {
              r.error(n, "scenario '" + *v + "' is listed twice in required");
              continue;
            }
            out.required.push_back(*v);
            out.required_pos.push_back({n.Mark().line + 1, n.Mark().column + 1});
          }
        }
      }
    }
  });
  columns_to_characters(text, diags);
  // The positions kept for load_content's checks count characters too, like every diagnostic.
  std::vector<Diagnostic> where;
  for (const auto& p : out.required_pos) where.push_back({file, p.line, p.column, ""});
  columns_to_characters(text, where);
  for (std::size_t i = 0; i < where.size(); ++i) out.required_pos[i] = {where[i].line, where[i].column};
  return diags;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Files and folders
// ---------------------------------------------------------------------------------------------

namespace {

std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = e.path().extension();
    if (e.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

namespace {

// One file read and parsed (load_files' first phase).
template <typename T>
struct Parsed {
  bool read = false;
  std::string text;
  std::string read_error;
  T item;
  std::vector<Diagnostic> diags;
};

// Reads and parses every file, on as many threads as there are cores (four at most, this one
// included): parsing YAML is most of a content load (some 0.4 s for the shipped scenarios on one
// core), and `parse` only touches its own file's text and item. The results come back in the
// files' order, so what follows is as if one thread had done it all.
template <typename T, typename Parse>
std::vector<Parsed<T>> read_and_parse(const std::vector<std::filesystem::path>& files, Parse parse) {
  std::vector<Parsed<T>> out(files.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      Parsed<T>& p = out[i];
      p.read = read_bounded_file(files[i], max_content_file_bytes, p.text, p.read_error);
      if (p.read) p.diags = parse(p.text, files[i].string(), p.item);
    }
  };
  const std::size_t workers =
      files.size() < 4 ? 1 : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  return out;
}

// Reads each file, parses it with `parse`, refuses a second use of an id ("KIND id 'x' is already
// used by FILE"), runs `check` on what parsed cleanly, and keeps what has no diagnostics in `out`;
// everything else goes to set.errors. One loop for test hosts, scenarios and tracks.
template <typename T, typename Parse, typename Check>
void load_files(const std::vector<std::filesystem::path>& files, const char* kind, ContentSet& set, std::vector<T>& out,
                Parse parse, Check check) {
  std::map<std::string, std::string> first_file;  // id -> the file that defined it first
  std::vector<Parsed<T>> parsed = read_and_parse<T>(files, parse);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    ++set.files_read;
    if (!parsed[i].read) {
      set.errors.push_back({f.string(), 0, 0, parsed[i].read_error});
      continue;
    }
    const std::string& text = parsed[i].text;
    T& item = parsed[i].item;
    std::vector<Diagnostic> diags = std::move(parsed[i].diags);
    if (diags.empty()) {
      if (!item.id.empty()) {
        if (auto [it, fresh] = first_file.emplace(item.id, f.string()); !fresh)
          diags.push_back(
              {f.string(), 1, 1, std::string(kind) + " id '" + item.id + "' is already used by " + it->second});
      }
      check(text, f.string(), item, diags);
    }
    if (diags.empty())
      out.push_back(std::move(item));
    else
      set.errors.insert(set.errors.end(), diags.begin(), diags.end());
  }
}

}  // namespace

ContentSet load_content(const std::filesystem::path& path) {
  ContentSet set;
  std::error_code ec;
  std::vector<std::filesystem::path> scenario_files, track_files, test_host_files;
  if (std::filesystem::is_regular_file(path, ec)) {
    scenario_files.push_back(path);
  } else if (std::filesystem::is_directory(path / "scenarios", ec)) {
    scenario_files = yaml_files(path / "scenarios");
    if (std::filesystem::is_directory(path / "tracks", ec)) track_files = yaml_files(path / "tracks");
    if (std::filesystem::is_directory(path / "test_hosts", ec)) test_host_files = yaml_files(path / "test_hosts");
  } else if (std::filesystem::is_directory(path, ec)) {
    scenario_files = yaml_files(path);
  } else {
    set.errors.push_back({path.string(), 0, 0, "no such file or folder"});
    return set;
  }

  // Test hosts first: the scenarios' real_terminal outcomes are checked against them; scenarios
  // before tracks, whose topics and required scenarios must exist.
  load_files<TestHostProfile>(
      test_host_files, "test host", set, set.test_hosts, load_test_host_text,
      [](const std::string&, const std::string&, const TestHostProfile&, std::vector<Diagnostic>&) {});
  std::sort(set.test_hosts.begin(), set.test_hosts.end(),
            [](const TestHostProfile& a, const TestHostProfile& b) { return a.id < b.id; });

  load_files<Scenario>(
      scenario_files, "scenario", set, set.scenarios, load_scenario_text,
      [&](const std::string& text, const std::string& file, const Scenario& s, std::vector<Diagnostic>& diags) {
        // An outcome no known acquirer test host can give cannot be played on a real terminal.
        if (!s.real_terminal || set.test_hosts.empty()) return;
        std::vector<Diagnostic> missing;
        for (const auto& o : s.real_terminal->outcomes) {
          const bool offered = std::any_of(set.test_hosts.begin(), set.test_hosts.end(), [&](const TestHostProfile& p) {
            return p.amount_for(o.response).has_value();
          });
          if (!offered)
            missing.push_back({file, o.pos.line, o.pos.column,
                               "no test host in test_hosts/ answers " + o.response +
                                   " by amount; add it to a test host's amounts or use mode emulator_only"});
        }
        columns_to_characters(text, missing);
        diags.insert(diags.end(), missing.begin(), missing.end());
      });

  load_files<Track>(
      track_files, "track", set, set.tracks, load_track_text,
      [&](const std::string&, const std::string& file, const Track& t, std::vector<Diagnostic>& diags) {
        for (Topic tp : t.topics) {
          const bool covered =
              std::any_of(set.scenarios.begin(), set.scenarios.end(), [&](const Scenario& s) { return s.topic == tp; });
          if (!covered)
            diags.push_back(
                {file, 1, 1,
                 "topic '" + std::string(topic_id(tp)) + "' has no valid scenario, so no one can earn this track"});
        }
        for (std::size_t i = 0; i < t.required.size(); ++i) {
          const bool known = std::any_of(set.scenarios.begin(), set.scenarios.end(),
                                         [&](const Scenario& s) { return s.id == t.required[i]; });
          if (known) continue;
          std::vector<std::string_view> ids;
          for (const auto& s : set.scenarios) ids.push_back(s.id);
          diags.push_back({file, t.required_pos[i].line, t.required_pos[i].column,
                           "unknown scenario '" + t.required[i] + "' in required" + suggest(t.required[i], ids)});
        }
      });
  std::sort(set.scenarios.begin(), set.scenarios.end(),
            [](const Scenario& a, const Scenario& b) { return std::tie(a.topic, a.id) < std::tie(b.topic, b.id); });
  std::stable_sort(set.errors.begin(), set.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return set;
}

}  // namespace posdrill
