// Item analysis figures: how long `posdrill report --items` takes on a large records file (the
// store's read, SqliteStore::item_answers, plus analyze_items over the shipped content). Prints
// median and spread; it asserts nothing.
//
// Usage: bench_items [--events N] [--runs N] [--dir DIR] [--keep]
//   --events  answered steps in the filled database (default 1,000,000; attempts of 10)
//   --runs    repetitions of the report (default 5)
//   --dir     where the temporary data folder goes (default: the system temp dir); filling waits
//             for one fsync per attempt, so a tmpfs fills fastest (the read does not depend on it)
//   --keep    leave DIR/bench-items/posdrill.db for timing the command itself:
//             posdrill --data DIR/bench-items report --items
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_stats.h"

#include "kiosk/core/item_analysis.h"
#include "kiosk/store/store.h"
#include "scenarios/loader.h"

using namespace posdrill;
using WallClock = std::chrono::steady_clock;

namespace {

double ms_since(WallClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(WallClock::now() - t0).count();
}

// A payload like step_record_json's for a decision: what was shown (both languages), the choice,
// the hints, the points and the feedback, so the JSON the read looks into has its real size.
std::string payload(const Step& step, const Choice& c, int64_t elapsed_ms, int hints) {
  nlohmann::json j = {{"step", step.id},
                      {"kind", "decision"},
                      {"prompt", {{"zh", step.prompt.zh}, {"en", step.prompt.en}}},
                      {"choice", c.id},
                      {"points", c.points},
                      {"max_points", step.max_points()},
                      {"hint_cost", 0},
                      {"critical", c.critical},
                      {"overtime", false},
                      {"elapsed_ms", elapsed_ms},
                      {"feedback", {{"zh", c.feedback.zh}, {"en", c.feedback.en}}}};
  std::vector<std::string> shown;
  for (const Choice& s : step.choices) shown.push_back(s.id);
  j["shown_choices"] = shown;
  j["hints"] = nlohmann::json::array();
  for (int h = 0; h < hints && h < int(step.hints.size()); ++h)
    j["hints"].push_back({{"zh", step.hints[h].text.zh}, {"en", step.hints[h].text.en}});
  return j.dump();
}

}  // namespace

int main(int argc, char** argv) {
  long events = 1'000'000;
  int runs = 5;
  bool keep = false;
  std::filesystem::path base = std::filesystem::temp_directory_path();
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? argv[++i] : ""; };
    if (!std::strcmp(argv[i], "--events")) {
      events = std::atol(next());
    } else if (!std::strcmp(argv[i], "--runs")) {
      runs = std::max(1, std::atoi(next()));
    } else if (!std::strcmp(argv[i], "--dir")) {
      base = next();
    } else if (!std::strcmp(argv[i], "--keep")) {
      keep = true;
    } else {
      std::fprintf(stderr, "usage: bench_items [--events N] [--runs N] [--dir DIR] [--keep]\n");
      return 2;
    }
  }
  const ContentSet content = load_content(POSDRILL_BENCH_CONTENT_DIR);
  // Every decision step of the shipped content: the events answer these, so the analysis works
  // on real steps and choices.
  std::vector<std::pair<const Scenario*, const Step*>> decisions;
  for (const Scenario& sc : content.scenarios)
    for (const Step& st : sc.steps)
      if (st.kind == StepKind::decision && !st.choices.empty()) decisions.emplace_back(&sc, &st);
  if (decisions.empty()) return std::fprintf(stderr, "bench_items: no decision in the content\n"), 2;

  const std::filesystem::path dir = base / "bench-items";
  std::filesystem::remove_all(dir);
  StoreStatus st;
  auto store = SqliteStore::open(dir / "posdrill.db", st, WallTime{1});
  if (!store) return std::fprintf(stderr, "bench_items: %s\n", st.message.c_str()), 1;
  OperatorRecord op;
  op.employee_id = "1";
  op.name = "Bench";
  if (!(st = store->add_operator(op, "27183946")))
    return std::fprintf(stderr, "bench_items: %s\n", st.message.c_str()), 1;

  std::mt19937_64 rng(42);
  WallTime now{1'700'000'000'000};
  constexpr int per_attempt = 10;
  const auto t_fill = WallClock::now();
  for (long written = 0; written < events; written += per_attempt) {
    // One scenario per attempt, ten answers to its decisions (repeating when it has fewer).
    const Scenario* sc = decisions[rng() % decisions.size()].first;
    std::vector<const Step*> steps;
    for (const auto& [s, step] : decisions)
      if (s == sc) steps.push_back(step);
    AttemptRow a;
    a.uuid = new_uuid();
    a.operator_id = "1";
    a.scenario_id = sc->id;
    a.content_hash = sc->content_hash;
    a.started_ms = now += 60'000;
    std::vector<AttemptEventRow> evs;
    int points = 0, max_points = 0;
    for (int seq = 1; seq <= per_attempt; ++seq) {
      const Step& step = *steps[std::size_t(seq - 1) % steps.size()];
      const Choice& c = step.choices[rng() % step.choices.size()];
      AttemptEventRow e;
      e.attempt_uuid = a.uuid;
      e.seq = seq;
      e.at_ms = now += 8'000;
      e.kind = "step";
      e.step_id = step.id;
      e.choice_id = c.id;
      e.points = c.points;
      e.max_points = step.max_points();
      e.mistake = c.points < e.max_points;
      e.payload = payload(step, c, int64_t(2'000 + rng() % 20'000), int(rng() % 5 == 0));
      points += e.points, max_points += e.max_points;
      evs.push_back(std::move(e));
    }
    a.ended_ms = now += 5'000;
    a.points = points;
    a.max_points = max_points;
    a.score = max_points ? 100.0 * points / max_points : 0;
    a.finished = true;
    a.passed = a.score >= 80;
    if (!(st = store->add_closed_attempt(a, evs)))
      return std::fprintf(stderr, "bench_items: %s\n", st.message.c_str()), 1;
  }
  const double fill_s = ms_since(t_fill) / 1000;
  const auto bytes = std::filesystem::file_size(dir / "posdrill.db");
  std::printf("filled %ld answered steps (%ld attempts, %zu decisions of %zu scenarios) in %.1f s; file %.0f MiB\n",
              events, events / per_attempt, decisions.size(), content.scenarios.size(), fill_s, bytes / 1048576.0);
  store.reset();

  // As the command does it: open read-only, read every answer, analyse every scenario.
  std::vector<double> read_ms, analyse_ms, total_ms;
  std::size_t rows = 0, items = 0;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = WallClock::now();
    auto ro = SqliteStore::open(dir / "posdrill.db", st, WallTime{1}, OpenMode::read_only);
    if (!ro) return std::fprintf(stderr, "bench_items: %s\n", st.message.c_str()), 1;
    const StoreList<ItemAnswer> answers = ro->item_answers();
    if (!answers.ok()) return std::fprintf(stderr, "bench_items: %s\n", answers.status.message.c_str()), 1;
    read_ms.push_back(ms_since(t0));
    const auto t1 = WallClock::now();
    items = analyze_items(content.scenarios, answers).size();
    analyse_ms.push_back(ms_since(t1));
    total_ms.push_back(ms_since(t0));
    rows = answers.size();
  }
  std::printf("%zu answers, %zu items, %d runs\n", rows, items, runs);
  bench::print("item_answers (open + read)", "ms", bench::stats(read_ms), 1);
  bench::print("analyze_items", "ms", bench::stats(analyse_ms), 1);
  bench::print("report --items, library path", "ms", bench::stats(total_ms), 1);
  if (keep)
    std::printf("kept %s\n", (dir / "posdrill.db").string().c_str());
  else
    std::filesystem::remove_all(dir);
  return 0;
}
