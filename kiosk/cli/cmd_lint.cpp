#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include "cli/commands.h"
#include "device_bridge/emulation.h"
#include "device_bridge/path_check.h"
#include "kiosk/core/strings.h"
#include "scenarios/result_json.h"
#include "scenarios/style.h"

namespace posdrill {

namespace {

// A trainee who does not read picks by length (choices_by_length): the answer that looks the
// longest at every question, or the shortest, or one that looks neither, in Chinese or in English,
// every terminal task keyed right; or guesses. Such a trainee must not pass 30% of the time
// (`blind_pass_limit`): a certificate earned that way says nothing. (A plain guess already passes
// some short drills one time in six; a cue that nearly doubles that is a cue.) The chance is
// estimated from `blind_plays` plays of each way, spread evenly over the scenario's sets of
// figures (a trainee meets one at random), each taking one of the answers the cue leaves at
// random; the random numbers are seeded from the scenario, so lint says the same every time.
constexpr double blind_pass_limit = 0.30;
constexpr int blind_plays = 128;

double blind_pass_chance(const Scenario& s, LengthCue cue, Lang lang) {
  std::vector<const Scenario*> variants;
  for (const Scenario& v : s.variants) variants.push_back(&v);
  if (variants.empty()) variants.push_back(&s);
  std::mt19937_64 rng(std::hash<std::string>{}(s.id) ^ (uint64_t(cue) << 8) ^ uint64_t(lang));
  const Chooser chooser = [&](const Step& question) {
    const std::vector<const Choice*> candidates = choices_by_length(question, cue, lang);
    return candidates[std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(rng)];
  };
  int passed = 0;
  for (int play = 0; play < blind_plays; ++play) {
    FakeClock clock(0);
    EmulatedTerminalPort terminal(&clock);
    const Scenario& v = *variants[std::size_t(play) % variants.size()];
    if (play_auto(v, AutoMode::best, 1, terminal, clock, 10'000, chooser).passed) ++passed;
  }
  return double(passed) / blind_plays;
}

std::vector<Diagnostic> check_blind_picks(const Scenario& s) {
  std::vector<Diagnostic> out;
  for (LengthCue cue : {LengthCue::longest, LengthCue::shortest, LengthCue::middle, LengthCue::any})
    for (Lang lang : {Lang::zh, Lang::en}) {
      if (cue == LengthCue::any && lang == Lang::en) continue;  // a guess reads nothing, in no language
      const double chance = blind_pass_chance(s, cue, lang);
      if (chance < blind_pass_limit) continue;
      char pct[16];
      std::snprintf(pct, sizeof pct, "%.0f%%", chance * 100.0);
      if (cue == LengthCue::any) {
        out.push_back({s.file, 1, 1,
                       std::string("a trainee who guesses at every question passes ") + pct +
                           " of the time: give the drill more questions that count, or raise its pass mark"});
        continue;
      }
      const char* which = cue == LengthCue::longest    ? "the answer that looks the longest"
                          : cue == LengthCue::shortest ? "the answer that looks the shortest"
                                                       : "an answer that looks neither the longest nor the shortest";
      out.push_back({s.file, 1, 1,
                     std::string("a trainee who picks ") + which + " in " + lang_code(lang) +
                         " at every question passes " + pct +
                         " of the time: vary which answer is the longest, the shortest and in between from question "
                         "to question (content/README.md, writing the choices)"});
    }
  return out;
}

// check_blind_picks for every scenario, on up to four threads (each play has its own terminal).
std::vector<std::vector<Diagnostic>> check_blind_picks_all(const std::vector<Scenario>& scenarios) {
  std::vector<std::vector<Diagnostic>> out(scenarios.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < scenarios.size(); i = next++) out[i] = check_blind_picks(scenarios[i]);
  };
  const unsigned n = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
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
  for (std::vector<Diagnostic>& diags : check_blind_picks_all(set.scenarios))
    for (Diagnostic& d : diags) set.errors.push_back(std::move(d));
  for (const auto& s : set.scenarios) {
    std::vector<const Scenario*> variants;
    for (const Scenario& v : s.variants) variants.push_back(&v);
    if (variants.empty()) variants.push_back(&s);
    variants_played += static_cast<int64_t>(variants.size());
    // (file, line, column, message) -> the sets of figures that have it, in order.
    std::map<std::tuple<std::string, int, int, std::string>, std::vector<int>> found;
    for (const Scenario* v : variants) {
      std::vector<Diagnostic> diags = check_item_writing(*v);
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
