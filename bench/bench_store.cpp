// SQLite store figures: how fast attempts and events go in, and how long what the manager console
// and `posdrill report` run takes on a large file: the same calls, not a copy of their SQL.
// Prints figures (median and spread over several runs); it asserts nothing.
//
//   roster      SqliteStore::roster_records + merge_remote_awards + build_roster (the console's
//               LoadConsole, its CSV export and `posdrill report`)
//   mistakes    SqliteStore::mistake_counts({}, 5) (the console's chart)
//   history     one page of an operator's history and the newest attempt's steps (LoadHistory +
//               LoadReplay)
//   items       SqliteStore::item_answers + analyze_items: for one scenario, what the console's
//               question analysis runs (LoadItems) and `posdrill report --items --scenario ID`;
//               for every scenario, what `posdrill report --items` runs
//   db check    a read-only open + SqliteStore::check, quick (the default) and full
//
// Usage: bench_store [--events N[,N…]] [--sample N] [--runs N] [--dir DIR] [--keep] [--db FILE]
//                    [--content DIR]
//   --events  events in each filled database (default 10000,100000,1000000; attempts of 10)
//   --sample  of those, how many are written one commit per event as the kiosk does (20,000)
//   --runs    repetitions of each query (default 30, at least 30)
//   --dir     where the temporary databases go (default: the system temp dir). Every commit
//             waits for fsync (synchronous=FULL), so the disk under DIR sets the write figures;
//             on a tmpfs the fill is fast and the write figures mean little.
//   --keep    leave each filled database where it is (its path is printed) instead of deleting it
//   --db      fill nothing: time the reads (roster, chart, history, db check) on FILE, a database
//             an earlier --keep run left; several runs on one file show the spread between runs
//   --content the content folder (default: the repository's)
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_stats.h"

#include "kiosk/core/certification.h"
#include "kiosk/core/item_analysis.h"
#include "kiosk/store/store.h"
#include "scenarios/loader.h"

using namespace posdrill;
using WallClock = std::chrono::steady_clock;

namespace {

double ms_since(WallClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(WallClock::now() - t0).count();
}

// CPU time of this thread in ms: next to the wall time it shows how much of a figure is waiting
// for a core (a loaded machine) rather than work.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// bench::print plus the 99th percentile, which the latency figures here are about.
void print_latency(const std::string& what, std::vector<double> v) {
  bench::Stats s = bench::stats(v);
  std::sort(v.begin(), v.end());
  double p99 = v[std::min(v.size() - 1, std::size_t(0.99 * double(v.size() - 1) + 0.5))];
  std::printf("%-46s median %10.3f ms   p99 %10.3f   min %10.3f   max %10.3f   (%zu runs)\n", what.c_str(), s.median,
              p99, s.min, s.max, v.size());
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

constexpr int events_per_attempt = 10;

// Attempts at the shipped scenarios, with their real step and choice ids, so that build_roster
// finds its topics and the chart its steps.
struct Filler {
  const std::vector<Scenario>& scenarios;
  int n_operators;
  std::mt19937_64 rng{42};
  WallTime now{1'700'000'000'000};

  AttemptRow attempt() {
    const Scenario& sc = scenarios[rng() % scenarios.size()];
    AttemptRow a;
    a.uuid = new_uuid();
    a.operator_id = std::to_string(10000 + rng() % uint64_t(n_operators));
    a.scenario_id = sc.id;
    a.scenario_version = sc.version;
    a.content_hash = "5f1c0a7e0d2b4c6a8e9f00112233445566778899aabbccddeeff001122334455";
    a.seed = rng();
    a.started_ms = now += 60'000;
    return a;
  }
  AttemptEventRow event(const AttemptRow& a, int seq, int& mistakes) {
    const Scenario* sc = find_scenario(scenarios, a.scenario_id);
    const Step& step = sc->steps[std::size_t(seq - 1) % sc->steps.size()];
    AttemptEventRow e;
    e.attempt_uuid = a.uuid;
    e.seq = seq;
    e.at_ms = now += 8'000;
    e.kind = "step";
    e.step_id = step.id;
    e.mistake = rng() % 5 == 0;
    e.critical = e.mistake && rng() % 4 == 0;
    // A right answer takes the step's best choice, a mistake any choice: item analysis then finds
    // real choices with real shares. Steps without choices (terminal tasks) record none.
    const Choice* chosen = nullptr;
    if (!step.choices.empty()) {
      chosen = &step.choices[rng() % step.choices.size()];
      if (!e.mistake)
        for (const Choice& c : step.choices)
          if (c.points == step.max_points()) chosen = &c;
    }
    e.choice_id = chosen ? chosen->id : "";
    e.points = e.mistake ? 0 : 10;
    e.max_points = 10;
    mistakes += e.mistake;
    // A payload shaped and sized like step_record_json's: what was shown (both languages), the
    // choice, the time, the hints and the feedback; item analysis looks into it.
    nlohmann::json j = {{"step", step.id},
                        {"kind", std::string(step_kind_name(step.kind))},
                        {"prompt", {{"zh", step.prompt.zh}, {"en", step.prompt.en}}},
                        {"choice", e.choice_id},
                        {"points", e.points},
                        {"max_points", e.max_points},
                        {"critical", e.critical},
                        {"elapsed_ms", int64_t(2'000 + rng() % 20'000)},
                        {"hints", nlohmann::json::array()}};
    if (rng() % 5 == 0 && !step.hints.empty())
      j["hints"].push_back({{"zh", step.hints[0].text.zh}, {"en", step.hints[0].text.en}});
    if (chosen) j["feedback"] = {{"zh", chosen->feedback.zh}, {"en", chosen->feedback.en}};
    e.payload = j.dump();
    return e;
  }
  AttemptRow close(AttemptRow a, int mistakes, int critical) {
    a.ended_ms = now += 5'000;
    a.max_points = 10 * events_per_attempt;
    a.points = a.max_points - 10 * mistakes;
    a.score = double(a.points) / a.max_points;
    a.critical_errors = critical;
    a.passed = a.score >= 0.8 && critical == 0;
    a.finished = true;
    return a;
  }
};

bool fail(const char* what, const StoreStatus& st) {
  std::fprintf(stderr, "bench_store: %s: %s\n", what, st.message.c_str());
  return false;
}

// The read figures on `file`: the console's roster and chart, a history page, and db check
// (quick and full). `store` is open on it and is closed before db check opens the file its own
// way. False after printing why.
bool time_reads(std::unique_ptr<SqliteStore> store, const std::filesystem::path& file, int runs,
                const ContentSet& content, int n_operators, WallTime now) {
  const Track& track = content.tracks.front();
  StoreStatus st;
  std::vector<double> roster_ms, records_ms, history_ms, mistakes_ms, roster_cpu_ms, records_cpu_ms;
  std::size_t checksum = 0;
  for (int i = 0; i < runs; ++i) {
    // The console's LoadConsole / CSV export and `posdrill report`: the summaries read as one
    // snapshot, then the rule.
    auto t0 = WallClock::now();
    const double c0 = thread_cpu_ms();
    RosterRecords r = store->roster_records();
    if (!r.ok()) return fail("roster_records", r.status);
    records_ms.push_back(ms_since(t0));
    records_cpu_ms.push_back(thread_cpu_ms() - c0);
    std::vector<RemoteAwardRow> remote;
    for (const RemoteAward& a : r.remote_awards)
      remote.push_back(
          RemoteAwardRow{a.statement_id, a.operator_id, a.track_id, a.awarded_ms, a.kiosk_id, a.store_id});
    const auto rows = build_roster(track, content.scenarios, r.operators, r.stats,
                                   merge_remote_awards(content.tracks, r.awards, remote), now);
    roster_ms.push_back(ms_since(t0));
    roster_cpu_ms.push_back(thread_cpu_ms() - c0);
    checksum += rows.size();
  }
  for (int i = 0; i < runs; ++i) {
    // LoadHistory (one page and whether more follow) and LoadReplay of its newest attempt.
    std::string op = std::to_string(10000 + (i * 7) % n_operators);
    auto t0 = WallClock::now();
    auto page = store->attempts(op, 20 + 1, 0);
    if (!page.empty()) checksum += store->events(page.front().uuid).size();
    history_ms.push_back(ms_since(t0));
  }
  for (int i = 0; i < runs; ++i) {
    auto t0 = WallClock::now();
    checksum += store->mistake_counts({}, 5).size();
    mistakes_ms.push_back(ms_since(t0));
  }
  // Question analysis: one scenario per run, in turn (the console's LoadItems and `report --items
  // --scenario ID`), then every scenario at once (`report --items`), each its read and the figures.
  std::vector<double> items_one_ms, items_one_read_ms, items_all_ms, items_all_read_ms;
  std::size_t answers_one = 0, answers_all = 0;
  for (int i = 0; i < runs; ++i) {
    const std::string& id = content.scenarios[std::size_t(i) % content.scenarios.size()].id;
    auto t0 = WallClock::now();
    const StoreList<ItemAnswer> answers = store->item_answers(id);
    if (!answers.ok()) return fail("item_answers", answers.status);
    items_one_read_ms.push_back(ms_since(t0));
    checksum += analyze_items(content.scenarios, answers, id).size();
    items_one_ms.push_back(ms_since(t0));
    answers_one = std::max(answers_one, answers.size());
  }
  for (int i = 0; i < std::min(runs, 5); ++i) {
    auto t0 = WallClock::now();
    const StoreList<ItemAnswer> answers = store->item_answers();
    if (!answers.ok()) return fail("item_answers", answers.status);
    items_all_read_ms.push_back(ms_since(t0));
    checksum += analyze_items(content.scenarios, answers).size();
    items_all_ms.push_back(ms_since(t0));
    answers_all = answers.size();
  }
  print_latency("roster (operators+stats+awards → build_roster)", roster_ms);
  print_latency("  of which roster_records()", records_ms);
  print_latency("roster, CPU time of the thread", roster_cpu_ms);
  print_latency("  of which roster_records()", records_cpu_ms);
  print_latency("mistakes chart (mistake_counts, 5 per scenario)", mistakes_ms);
  print_latency("history page (21 attempts + replay)", history_ms);
  print_latency("item analysis, one scenario (" + std::to_string(answers_one) + " answers)", items_one_ms);
  print_latency("  of which item_answers(scenario)", items_one_read_ms);
  print_latency("item analysis, every scenario (" + std::to_string(answers_all) + ")", items_all_ms);
  print_latency("  of which item_answers()", items_all_read_ms);
  store.reset();  // db check opens the file on its own, read-only

  // `posdrill db check`: a read-only open and the check, as the command does.
  for (CheckMode mode : {CheckMode::quick, CheckMode::full}) {
    std::vector<double> check_ms;
    std::size_t problems = 0;
    const int check_runs = mode == CheckMode::quick ? 5 : 1;
    for (int i = 0; i < check_runs; ++i) {
      auto t0 = WallClock::now();
      auto reader = SqliteStore::open(file, st, WallTime{}, OpenMode::read_only);
      if (!reader) return fail("open read-only", st);
      problems = reader->check(mode).size();
      check_ms.push_back(ms_since(t0));
    }
    print_latency(std::string("db check") + (mode == CheckMode::full ? " --full" : "") + " (" +
                      std::to_string(problems) + " problems)",
                  check_ms);
  }
  // A writing open, as the kiosk makes at start before its first frame (and every command that
  // writes): the check a large file gets there, the WAL set-up, the crash recovery's scan.
  {
    std::vector<double> open_ms;
    std::string what;
    for (int i = 0; i < 5; ++i) {
      auto t0 = WallClock::now();
      auto writer = SqliteStore::open(file, st, WallTime{});
      if (!writer) return fail("open for writing", st);
      what = writer->open_check();
      writer.reset();
      open_ms.push_back(ms_since(t0));
    }
    print_latency("writing open (kiosk start; checks " + what + ")", open_ms);
  }
  std::error_code ec;
  std::printf("file size: %.1f MB   load average %s   (checksum %zu)\n",
              double(std::filesystem::file_size(file, ec)) / 1e6, load_average().c_str(), checksum);
  return true;
}

// One database of `events` events: filled, then every figure. False after printing why.
bool run_size(long events, long sample, int runs, const std::filesystem::path& base, bool keep,
              const ContentSet& content) {
  events = std::max(long(events_per_attempt), events);
  sample = std::clamp(sample, 0L, events);
  // 200 operators for a million events, fewer for a small run: each costs one argon2 hash.
  const int n_operators = int(std::clamp(events / 5000, 2L, 200L));
  const Track& track = content.tracks.front();

  std::string tmpl = (base / "posdrill-bench-store-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return false;
  }
  const std::filesystem::path dir = tmpl, file = dir / "records.db";
  bool ok = false;
  [&] {
    StoreStatus st;
    auto store = SqliteStore::open(file, st, WallTime{});
    if (!store) return void(fail("open", st));
    std::printf("\n== %ld events (%ld one commit each), %d operators, %d runs per query; load average %s\n", events,
                sample, n_operators, runs, load_average().c_str());

    std::vector<double> add_op_ms, verify_ms;
    for (int i = 0; i < n_operators; ++i) {
      OperatorRecord op;
      op.employee_id = std::to_string(10000 + i);
      op.name = "Operator " + std::to_string(i);
      op.role = i == 0 ? Role::admin : Role::trainee;
      auto t0 = WallClock::now();
      if (!(st = store->add_operator(op, "27183946"))) return void(fail("add_operator", st));
      add_op_ms.push_back(ms_since(t0));
    }
    for (int i = 0; i < runs; ++i) {
      auto t0 = WallClock::now();
      store->verify_pin(std::to_string(10000 + i % n_operators), "27183946", WallTime{1});
      verify_ms.push_back(ms_since(t0));
    }

    Filler fill{content.scenarios, n_operators};
    long written = 0;
    // The kiosk's pattern: begin, one commit per answered step, finish (every 10th with an award).
    double event_ms = 0, finish_ms = 0;
    long finished = 0;
    for (long n = 0; written < sample; ++n) {
      AttemptRow a = fill.attempt();
      if (!(st = store->begin_attempt(a))) return void(fail("begin_attempt", st));
      int mistakes = 0, critical = 0;
      for (int seq = 1; seq <= events_per_attempt; ++seq) {
        AttemptEventRow e = fill.event(a, seq, mistakes);
        critical += e.critical;
        auto t0 = WallClock::now();
        if (!(st = store->add_event(e))) return void(fail("add_event", st));
        event_ms += ms_since(t0);
      }
      written += events_per_attempt;
      std::optional<AwardRow> award;
      if (n % 10 == 0)
        award = AwardRow{a.operator_id, track.id, track.version, a.started_ms, a.started_ms + 1, {a.uuid}};
      auto t0 = WallClock::now();
      if (!(st = store->finish_attempt(fill.close(a, mistakes, critical), award)))
        return void(fail("finish_attempt", st));
      finish_ms += ms_since(t0);
      ++finished;
    }
    const long per_event_count = written;

    // The bulk fill: one transaction per whole attempt (add_closed_attempt), as an import would.
    auto t_fill = WallClock::now();
    while (written < events) {
      AttemptRow a = fill.attempt();
      std::vector<AttemptEventRow> evs;
      int mistakes = 0, critical = 0;
      for (int seq = 1; seq <= events_per_attempt; ++seq) {
        evs.push_back(fill.event(a, seq, mistakes));
        critical += evs.back().critical;
      }
      if (!(st = store->add_closed_attempt(fill.close(a, mistakes, critical), evs)))
        return void(fail("add_closed_attempt", st));
      written += events_per_attempt;
    }
    const double fill_ms = ms_since(t_fill);
    const long bulk_count = written - per_event_count;

    bench::print("add_operator (argon2id hash)", "ms", bench::stats(add_op_ms), 3);
    bench::print("verify_pin (argon2id verify)", "ms", bench::stats(verify_ms), 3);
    if (per_event_count > 0) {
      std::printf("%-46s %12.0f events/s   (%ld events, %.3f ms per commit)\n", "insert, one commit per event",
                  per_event_count / (event_ms / 1000.0), per_event_count, event_ms / double(per_event_count));
      std::printf("%-46s %12.3f ms per attempt (%ld)\n", "finish_attempt (summaries in its transaction)",
                  finish_ms / double(finished), finished);
    }
    if (bulk_count > 0)
      std::printf("%-46s %12.0f events/s   (%ld events in %.1f s)\n", "insert, one commit per attempt of 10",
                  bulk_count / (fill_ms / 1000.0), bulk_count, fill_ms / 1000.0);

    if (!time_reads(std::move(store), file, runs, content, n_operators, fill.now)) return;
    ok = true;
  }();
  std::error_code ec;
  if (keep && ok) {
    std::printf("kept: %s\n", file.c_str());
    return ok;
  }
  std::filesystem::remove_all(dir, ec);
  return ok;
}

// --db FILE: the read figures on a database filled by an earlier run (--keep).
bool run_existing(const std::filesystem::path& file, int runs, const ContentSet& content) {
  StoreStatus st;
  auto store = SqliteStore::open(file, st, WallTime{});
  if (!store) return fail("open", st);
  const auto ops = store->operators();
  const auto stats = store->scenario_stats();
  if (!ops.ok() || !stats.ok() || ops.empty()) return fail("read", ops.ok() ? stats.status : ops.status);
  WallTime now;
  for (const ScenarioStat& s : stats) now = std::max(now, s.last_attempt_ms);
  std::printf("\n== %s: %zu operators, %d runs per query; load average %s\n", file.c_str(), ops.size(), runs,
              load_average().c_str());
  return time_reads(std::move(store), file, runs, content, int(ops.size()), now + 60'000);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes = {10'000, 100'000, 1'000'000};
  long sample = 20'000;
  int runs = 30;
  std::filesystem::path base = std::filesystem::temp_directory_path();
  std::filesystem::path content_dir = POSDRILL_BENCH_CONTENT_DIR, existing;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? argv[++i] : ""; };
    if (!std::strcmp(argv[i], "--events")) {
      sizes.clear();
      std::stringstream list(next());
      for (std::string n; std::getline(list, n, ',');) sizes.push_back(std::atol(n.c_str()));
    } else if (!std::strcmp(argv[i], "--sample")) {
      sample = std::atol(next());
    } else if (!std::strcmp(argv[i], "--runs")) {
      runs = std::atoi(next());
    } else if (!std::strcmp(argv[i], "--dir")) {
      base = next();
    } else if (!std::strcmp(argv[i], "--keep")) {
      keep = true;
    } else if (!std::strcmp(argv[i], "--db")) {
      existing = next();
    } else if (!std::strcmp(argv[i], "--content")) {
      content_dir = next();
    } else {
      std::fprintf(stderr,
                   "usage: bench_store [--events N[,N…]] [--sample N] [--runs N] [--dir DIR] [--keep] [--db FILE] "
                   "[--content DIR]\n");
      return 2;
    }
  }
  runs = std::max(30, runs);
  const ContentSet content = load_content(content_dir);
  if (content.scenarios.empty() || content.tracks.empty()) {
    std::fprintf(stderr, "bench_store: no scenarios or no track in %s\n", content_dir.c_str());
    return 1;
  }
  if (!existing.empty()) return run_existing(existing, runs, content) ? 0 : 1;
  std::printf("bench_store: databases under %s; %d CPUs online\n", base.c_str(), int(sysconf(_SC_NPROCESSORS_ONLN)));
  for (long events : sizes)
    if (!run_size(events, sample, runs, base, keep, content)) return 1;
  return 0;
}
