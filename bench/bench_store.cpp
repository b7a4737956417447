// SQLite store figures: how fast attempts and events go in, and how long the manager console's
// queries take on a large file. Prints figures; it asserts nothing.
//
// Usage: bench_store [--events N] [--sample N] [--runs N] [--dir DIR]
//   --events  events in the filled database (default 1,000,000; attempts of 10 events)
//   --sample  of those, how many are written one commit per event as the kiosk does (20,000)
//   --runs    repetitions of each query (default 30, at least 30)
//   --dir     where the temporary database goes (default: the system temp dir). Every commit
//             waits for fsync (synchronous=FULL), so the disk under DIR sets the write figures.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench_stats.h"

#include "kiosk/store/store.h"

using namespace posdrill;
using WallClock = std::chrono::steady_clock;

namespace {

double ms_since(WallClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(WallClock::now() - t0).count();
}

// bench::print plus the 99th percentile, which the latency figures here are about.
void print_latency(const char* what, std::vector<double> v) {
  bench::Stats s = bench::stats(v);
  std::sort(v.begin(), v.end());
  double p99 = v[std::min(v.size() - 1, std::size_t(0.99 * double(v.size() - 1) + 0.5))];
  std::printf("%-44s median %10.3f ms   p99 %10.3f   min %10.3f   max %10.3f   (%zu runs)\n", what, s.median, p99,
              s.min, s.max, v.size());
}

const char* const scenarios[] = {"preauth", "reversal", "wrong_pin", "frequent_swipe", "user_exception"};
constexpr int events_per_attempt = 10;

struct Filler {
  SqliteStore& store;
  std::mt19937_64 rng{42};
  int64_t now = 1'700'000'000'000;
  int n_operators;

  AttemptRow attempt() {
    AttemptRow a;
    a.uuid = new_uuid();
    a.operator_id = "op" + std::to_string(rng() % uint64_t(n_operators));
    a.scenario_id = scenarios[rng() % 5];
    a.scenario_version = 1;
    a.content_hash = "5f1c0a7e0d2b4c6a8e9f00112233445566778899aabbccddeeff001122334455";
    a.seed = rng();
    a.started_ms = now += 60'000;
    return a;
  }
  AttemptEventRow event(const AttemptRow& a, int seq, int& mistakes) {
    AttemptEventRow e;
    e.attempt_uuid = a.uuid;
    e.seq = seq;
    e.at_ms = now += 8'000;
    e.kind = "step";
    e.step_id = "step" + std::to_string(seq);
    e.mistake = rng() % 5 == 0;
    e.critical = e.mistake && rng() % 4 == 0;
    e.choice_id = e.mistake ? "wrong" + std::to_string(rng() % 3) : "right";
    e.points = e.mistake ? 0 : 10;
    e.max_points = 10;
    mistakes += e.mistake;
    // About the size of a real step_record_json: what was shown, chosen and the feedback.
    e.payload = R"({"step":")" + e.step_id + R"(","shown":"terminal says 交易失败, customer got a debit SMS",)" +
                R"("choice":")" + e.choice_id + R"(","hints":0,"points":)" + std::to_string(e.points) +
                R"(,"feedback":"check the transaction status before anything else; a reversal may be pending"})";
    return e;
  }
  AttemptRow close(AttemptRow a, int mistakes) {
    a.ended_ms = now += 5'000;
    a.max_points = 10 * events_per_attempt;
    a.points = a.max_points - 10 * mistakes;
    a.score = double(a.points) / a.max_points;
    a.passed = a.score >= 0.8;
    a.finished = true;
    return a;
  }
};

bool fail(const char* what, const StoreStatus& st) {
  std::fprintf(stderr, "bench_store: %s: %s\n", what, st.message.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  long events = 1'000'000, sample = 20'000;
  int runs = 30;
  std::filesystem::path base = std::filesystem::temp_directory_path();
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? argv[++i] : ""; };
    if (!std::strcmp(argv[i], "--events")) {
      events = std::atol(next());
    } else if (!std::strcmp(argv[i], "--sample")) {
      sample = std::atol(next());
    } else if (!std::strcmp(argv[i], "--runs")) {
      runs = std::atoi(next());
    } else if (!std::strcmp(argv[i], "--dir")) {
      base = next();
    } else {
      std::fprintf(stderr, "usage: bench_store [--events N] [--sample N] [--runs N] [--dir DIR]\n");
      return 2;
    }
  }
  events = std::max(long(events_per_attempt), events);
  sample = std::clamp(sample, 0L, events);
  runs = std::max(30, runs);
  // 200 operators for a million events, fewer for a small run: each costs one argon2 hash.
  const int n_operators = int(std::clamp(events / 5000, 2L, 200L));

  std::string tmpl = (base / "posdrill-bench-store-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::filesystem::path dir = tmpl, file = dir / "records.db";
  int rc = 1;
  {
    StoreStatus st;
    auto store = SqliteStore::open(file, st, 0);
    if (!store) return fail("open", st), 1;
    std::printf("database: %s — %ld events (%ld one commit each), %d operators, %d runs per query\n", file.c_str(),
                events, sample, n_operators, runs);

    std::vector<double> add_op_ms, verify_ms;
    for (int i = 0; i < n_operators; ++i) {
      OperatorRecord op;
      op.employee_id = "op" + std::to_string(i);
      op.name = "Operator " + std::to_string(i);
      op.role = i == 0 ? Role::admin : Role::trainee;
      auto t0 = WallClock::now();
      if (!(st = store->add_operator(op, "27183946"))) return fail("add_operator", st), 1;
      add_op_ms.push_back(ms_since(t0));
    }
    for (int i = 0; i < runs; ++i) {
      auto t0 = WallClock::now();
      store->verify_pin("op" + std::to_string(i % n_operators), "27183946", 1);
      verify_ms.push_back(ms_since(t0));
    }

    Filler fill{*store, {}, {}, n_operators};
    fill.rng.seed(42);
    long written = 0;
    std::vector<std::string> uuids;

    // The kiosk's pattern: begin, one commit per answered step, finish (every 10th with an award).
    double event_ms = 0;
    for (long n = 0; written < sample; ++n) {
      AttemptRow a = fill.attempt();
      if (!(st = store->begin_attempt(a))) return fail("begin_attempt", st), 1;
      int mistakes = 0;
      for (int seq = 1; seq <= events_per_attempt; ++seq) {
        AttemptEventRow e = fill.event(a, seq, mistakes);
        auto t0 = WallClock::now();
        if (!(st = store->add_event(e))) return fail("add_event", st), 1;
        event_ms += ms_since(t0);
      }
      written += events_per_attempt;
      std::optional<AwardRow> award;
      if (n % 10 == 0) award = AwardRow{a.operator_id, "cashier_basics", 1, a.started_ms, a.started_ms + 1, {a.uuid}};
      if (!(st = store->finish_attempt(fill.close(a, mistakes), award))) return fail("finish_attempt", st), 1;
      uuids.push_back(a.uuid);
    }
    const long per_event_count = written;

    // The bulk fill: one transaction per whole attempt (add_closed_attempt), as an import would.
    auto t_fill = WallClock::now();
    while (written < events) {
      AttemptRow a = fill.attempt();
      std::vector<AttemptEventRow> evs;
      int mistakes = 0;
      for (int seq = 1; seq <= events_per_attempt; ++seq) evs.push_back(fill.event(a, seq, mistakes));
      if (!(st = store->add_closed_attempt(fill.close(a, mistakes), evs))) return fail("add_closed_attempt", st), 1;
      written += events_per_attempt;
      uuids.push_back(a.uuid);
    }
    const double fill_ms = ms_since(t_fill);
    const long bulk_count = written - per_event_count;

    bench::print("add_operator (argon2id hash)", "ms", bench::stats(add_op_ms), 3);
    bench::print("verify_pin (argon2id verify)", "ms", bench::stats(verify_ms), 3);
    if (per_event_count > 0)
      std::printf("%-44s %12.0f events/s   (%ld events, %.3f ms per commit)\n", "insert, one commit per event",
                  per_event_count / (event_ms / 1000.0), per_event_count, event_ms / double(per_event_count));
    if (bulk_count > 0)
      std::printf("%-44s %12.0f events/s   (%ld events in %.1f s)\n", "insert, one commit per attempt of 10",
                  bulk_count / (fill_ms / 1000.0), bulk_count, fill_ms / 1000.0);

    // The manager console's roster: everyone, their per-scenario figures, awards, all attempts.
    std::vector<double> roster_ms, history_ms, mistakes_ms, part_ms[4];
    std::size_t checksum = 0;
    for (int i = 0; i < runs; ++i) {
      auto t0 = WallClock::now(), t = t0;
      auto lap = [&](int k, std::size_t n) {
        checksum += n;
        part_ms[k].push_back(ms_since(t));
        t = WallClock::now();
      };
      lap(0, store->operators().size());
      lap(1, store->scenario_stats().size());
      lap(2, store->awards().size());
      lap(3, store->attempts().size());
      roster_ms.push_back(ms_since(t0));
    }
    // One operator's history page: their last 50 attempts and the steps of the newest.
    for (int i = 0; i < runs; ++i) {
      std::string op = "op" + std::to_string((i * 7) % n_operators);
      auto t0 = WallClock::now();
      auto mine = store->attempts(op, 50);
      if (!mine.empty()) checksum += store->events(mine.front().uuid).size();
      history_ms.push_back(ms_since(t0));
    }
    for (int i = 0; i < runs; ++i) {
      auto t0 = WallClock::now();
      checksum += store->mistake_counts(i % 2 ? "" : scenarios[i % 5]).size();
      mistakes_ms.push_back(ms_since(t0));
    }
    print_latency("roster (operators+stats+awards+attempts)", roster_ms);
    const char* parts[] = {"  of which operators()", "  of which scenario_stats()", "  of which awards()",
                           "  of which attempts() (all)"};
    for (int k = 0; k < 4; ++k) print_latency(parts[k], part_ms[k]);
    print_latency("one operator's history (50 + events)", history_ms);
    print_latency("mistake_counts (one scenario / all)", mistakes_ms);

    auto t0 = WallClock::now();
    auto problems = store->check();
    std::printf("%-44s %12.1f ms   (%zu problems)\n", "check()", ms_since(t0), problems.size());
    std::error_code ec;
    std::printf("file size: %.1f MB   (checksum %zu)\n", double(std::filesystem::file_size(file, ec)) / 1e6, checksum);
    rc = 0;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return rc;
}
