#include <algorithm>
#include <iostream>
#include <map>
#include <tuple>

#include "cli/commands.h"
#include "device_bridge/emulation.h"
#include "device_bridge/path_check.h"
#include "kiosk/core/strings.h"
#include "scenarios/result_json.h"
#include "scenarios/style.h"

namespace posdrill {

namespace {

// A trainee who does not read: the shortest or the longest answer at every question, in either
// language, every terminal task keyed right (AutoMode::shortest/longest). Such a trainee must not
// pass: a certificate earned that way says nothing.
std::vector<Diagnostic> check_blind_picks(const Scenario& v) {
  std::vector<Diagnostic> out;
  for (AutoMode mode : {AutoMode::shortest, AutoMode::longest})
    for (Lang lang : {Lang::zh, Lang::en}) {
      FakeClock clock(0);
      EmulatedTerminalPort terminal(&clock);
      const AttemptResult r = play_auto(v, mode, 1, terminal, clock, 10'000, lang);
      if (!r.passed) continue;
      const char* which = mode == AutoMode::shortest ? "shortest" : "longest";
      out.push_back({v.file, 1, 1,
                     std::string("a trainee who picks the ") + which + " answer in " + lang_code(lang) +
                         " at every question passes (" + std::to_string(int(r.score * 100 + 0.5)) +
                         "%): make the best answers neither the " + which +
                         " nor the odd one out by length (posdrill play " + v.id + " --auto " + which + " --lang " +
                         lang_code(lang) + " shows the path; content/README.md, writing the choices)"});
    }
  return out;
}

}  // namespace

int cmd_lint(const Settings& settings, const std::string& path, bool json) {
  std::filesystem::path target = path.empty() ? settings.content_dir : std::filesystem::path(path);
  std::error_code ec;
  if (!std::filesystem::exists(target, ec)) {
    std::cerr << "posdrill lint: " << target.string() << ": no such file or folder\n";
    return exit_usage;
  }
  ContentSet set = load_content(target);
  // A content folder also holds the kiosk's UI strings: check them in the same pass.
  if (auto strings = ui_strings_path(target); std::filesystem::is_regular_file(strings, ec)) {
    UiStrings ui;
    auto diags = load_ui_strings(strings, ui);
    set.errors.insert(set.errors.end(), diags.begin(), diags.end());
    ++set.files_read;
  }

  // Every path of every valid scenario played on the emulated terminal and host: an outcome a task
  // does not handle, or a `requires:` that does not hold, is an error like any other. A scenario
  // whose figures vary is checked once per set of figures (each its own amounts, balances and
  // texts); a problem only some sets have names them.
  int64_t simulated_paths = 0;
  int64_t variants_played = 0;
  for (const auto& s : set.scenarios) {
    std::vector<const Scenario*> variants;
    for (const Scenario& v : s.variants) variants.push_back(&v);
    if (variants.empty()) variants.push_back(&s);
    variants_played += static_cast<int64_t>(variants.size());
    // (file, line, column, message) -> the sets of figures that have it, in order.
    std::map<std::tuple<std::string, int, int, std::string>, std::vector<int>> found;
    for (const Scenario* v : variants) {
      std::vector<Diagnostic> diags = check_item_writing(*v);
      for (Diagnostic& d : check_blind_picks(*v)) diags.push_back(std::move(d));
      PathCheck check = check_story_paths(*v);
      simulated_paths += check.paths;
      diags.insert(diags.end(), check.errors.begin(), check.errors.end());
      for (const Diagnostic& d : diags) {
        std::vector<int>& in = found[{d.file, d.line, d.column, d.message}];
        if (in.empty() || in.back() != v->variant) in.push_back(v->variant);
      }
    }
    for (const auto& [key, in] : found) {
      Diagnostic d{std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key)};
      if (in.size() < variants.size()) {
        d.message += " (with figures variant";
        for (std::size_t i = 0; i < in.size(); ++i) d.message += (i ? ", " : " ") + std::to_string(in[i]);
        d.message += ")";
      }
      set.errors.push_back(std::move(d));
    }
  }
  std::stable_sort(set.errors.begin(), set.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });

  std::map<std::string, int> topics;
  for (Topic t : all_topics) topics[std::string(topic_id(t))] = 0;
  for (const auto& s : set.scenarios) ++topics[std::string(topic_id(s.topic))];

  if (json) {
    nlohmann::json j = {{"scenarios", set.scenarios.size()},
                        {"tracks", set.tracks.size()},
                        {"files", set.files_read},
                        {"topics", topics},
                        {"simulated_paths", simulated_paths},
                        {"simulated_variants", variants_played},
                        {"errors", nlohmann::json::array()}};
    for (const auto& d : set.errors) j["errors"].push_back(diagnostic_json(d));
    std::cout << j.dump(2) << '\n';
  } else {
    for (const auto& d : set.errors) std::cout << d.to_string() << '\n';
    std::cout << set.scenarios.size() << " scenarios, " << set.tracks.size() << " tracks, " << set.errors.size()
              << " errors in " << set.files_read << " files; " << simulated_paths
              << " paths played on the emulated terminal, over " << variants_played
              << " sets of figures (every variant of every scenario)\n";
  }
  return set.errors.empty() ? exit_ok : exit_failed;
}

}  // namespace posdrill
