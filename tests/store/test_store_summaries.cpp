// The summaries of schema step 5 (scenario_summaries, pass_frontier, mistake_summaries): kept by
// every kind of write, equal to what the records say, built by the migration from older files
// exactly as a fresh file builds them, in one transaction; db check's quick and full modes;
// the paged history.
#include <catch2/catch.hpp>

#include <limits>
#include <map>
#include <random>
#include <tuple>

#include "kiosk/core/certification.h"
#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {

constexpr WallTime forever = WallTime::latest();

// Records of every kind: attempts begun, answered and finished one commit at a time (passes at
// several scores, fails, critical errors, abandons), imported closed attempts, and attempts left
// open for the next open's crash recovery. Deterministic (fixed seed).
void fill(SqliteStore& store, int attempts, unsigned seed) {
  std::mt19937 rng(seed);
  const char* const ops[] = {"101", "102", "103"};
  const char* const scenarios[] = {"preauth", "reversal", "wrong_pin"};
  int64_t t = 10'000;
  for (int i = 0; i < attempts; ++i) {
    AttemptRow a = make_attempt(ops[rng() % 3], scenarios[rng() % 3], t += 1'000);
    std::vector<AttemptEventRow> events;
    const int steps = 1 + int(rng() % 4);
    for (int s = 1; s <= steps; ++s) {
      const bool mistake = rng() % 3 == 0;
      events.push_back(make_event(a.uuid, s, t += 10, "step" + std::to_string(rng() % 3),
                                  mistake ? "wrong" + std::to_string(rng() % 2) : "", mistake,
                                  mistake && rng() % 4 == 0));
    }
    // Scores in tenths, so equal scores (and the frontier's ties) happen.
    AttemptRow done = closed(a, t += 100, double(rng() % 11) / 10.0, false);
    done.passed = done.score >= 0.5;
    done.critical_errors = rng() % 5 == 0 ? 1 : 0;
    if (rng() % 7 == 0) {
      done.abandoned = true;
      done.finished = false;
      done.passed = false;
    }
    switch (i % 5) {
      case 0:  // imported closed, one transaction
        REQUIRE(store.add_closed_attempt(done, events));
        break;
      case 1:  // left open: the next open closes it as abandoned
        if (i % 10 == 1) {
          REQUIRE(store.begin_attempt(a));
          for (const auto& e : events) REQUIRE(store.add_event(e));
          break;
        }
        [[fallthrough]];
      default:  // as the kiosk records: begin, one commit per answer, finish
        REQUIRE(store.begin_attempt(a));
        for (const auto& e : events) REQUIRE(store.add_event(e));
        REQUIRE(store.finish_attempt(done));
    }
  }
}

std::unique_ptr<SqliteStore> store_with_operators(const std::filesystem::path& file) {
  auto store = open_ok(file);
  for (const char* id : {"101", "102", "103"}) REQUIRE(store->add_operator(make_operator(id), "27183946"));
  return store;
}

// The mistakes chart as the events say it, in mistake_counts' order (no limit).
std::vector<MistakeCount> mistakes_from_events(SqliteStore& store) {
  std::map<std::tuple<std::string, std::string, std::string>, MistakeCount> by_key;
  for (const AttemptRow& a : store.attempts())
    for (const AttemptEventRow& e : store.events(a.uuid)) {
      if (!e.mistake) continue;
      MistakeCount& m = by_key[{a.scenario_id, e.step_id, e.choice_id}];
      m.scenario_id = a.scenario_id;
      m.step_id = e.step_id;
      m.choice_id = e.choice_id;
      ++m.count;
      m.critical = m.critical || e.critical;
    }
  std::vector<MistakeCount> out;
  for (auto& [key, m] : by_key) out.push_back(m);
  std::stable_sort(out.begin(), out.end(), [](const MistakeCount& x, const MistakeCount& y) {
    return std::make_tuple(x.scenario_id, -x.count, x.step_id, x.choice_id) <
           std::make_tuple(y.scenario_id, -y.count, y.step_id, y.choice_id);
  });
  return out;
}

void same_mistakes(const std::vector<MistakeCount>& a, const std::vector<MistakeCount>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("row " << i);
    CHECK(a[i].scenario_id == b[i].scenario_id);
    CHECK(a[i].step_id == b[i].step_id);
    CHECK(a[i].choice_id == b[i].choice_id);
    CHECK(a[i].count == b[i].count);
    CHECK(a[i].critical == b[i].critical);
  }
}

// Closes the store and copies its file (the last connection merged the WAL into it).
void copy_closed(std::unique_ptr<SqliteStore>& store, const std::filesystem::path& to) {
  const std::filesystem::path from = store->file();
  store.reset();
  REQUIRE_FALSE(std::filesystem::exists(from.string() + "-wal"));
  std::filesystem::copy_file(from, to);
}

}  // namespace

TEST_CASE("The summaries follow every kind of write and equal the records", "[store][summaries]") {
  TempDir dir;
  {
    auto store = store_with_operators(dir.db());
    fill(*store, 90, 7);
  }
  auto store = open_ok(dir.db(), 5'000'000);  // closes the attempts left open
  REQUIRE(store->recovered_attempts() > 0);
  const StoreList<ScenarioStat> kept = store->scenario_stats();
  REQUIRE(kept.ok());
  const std::vector<ScenarioStat> recomputed = scenario_stats_of(store->attempts(), forever);
  CHECK(kept.size() == 9);
  CHECK(std::vector<ScenarioStat>(kept) == recomputed);
  // Some frontier holds more than one pass (a newer pass with a lower score), or the test proves
  // less than it says.
  CHECK(std::any_of(kept.begin(), kept.end(), [](const ScenarioStat& s) { return s.frontier.size() > 1; }));
  same_mistakes(store->mistake_counts({}, -1), mistakes_from_events(*store));
  CHECK(store->check(CheckMode::quick).empty());
  CHECK(store->check(CheckMode::full).empty());

  // One operator's own summaries are the same rows.
  const StoreList<ScenarioStat> mine = store->scenario_stats("102");
  std::vector<ScenarioStat> expected;
  for (const ScenarioStat& s : recomputed)
    if (s.operator_id == "102") expected.push_back(s);
  CHECK(std::vector<ScenarioStat>(mine) == expected);
}

TEST_CASE("A write that is refused changes no summary", "[store][summaries]") {
  TempDir dir;
  auto store = store_with_operators(dir.db());
  fill(*store, 10, 3);
  const auto before = store->scenario_stats();
  const auto mistakes_before = store->mistake_counts({}, -1);
  AttemptRow a = make_attempt("101", "preauth", 900'000);
  REQUIRE(store->begin_attempt(a));
  // Out of order: refused inside the transaction, after nothing was written.
  CHECK(store->add_event(make_event(a.uuid, 2, 900'100, "s", "x", true)).code == StoreError::invalid);
  // A second finish of the same attempt is refused; the first one counts once.
  REQUIRE(store->finish_attempt(closed(a, 901'000, 1.0, true)));
  CHECK_FALSE(store->finish_attempt(closed(a, 902'000, 1.0, true)));
  CHECK(std::vector<ScenarioStat>(store->scenario_stats()) == scenario_stats_of(store->attempts(), forever));
  same_mistakes(store->mistake_counts({}, -1), mistakes_before);
  CHECK(store->scenario_stats() != before);  // the finished attempt itself did count
}

TEST_CASE("Older files migrate to summaries equal to those a fresh file keeps", "[store][summaries][migration]") {
  const int from_version = GENERATE(1, 4);
  INFO("from schema " << from_version);
  TempDir dir;
  const std::filesystem::path fresh_file = dir.path() / "fresh.db", old_file = dir.path() / "old.db";
  auto fresh = store_with_operators(fresh_file);
  fill(*fresh, 80, 11);
  copy_closed(fresh, old_file);
  back_to_schema(old_file, from_version);

  fresh = open_ok(fresh_file);
  auto migrated = open_ok(old_file);
  CHECK(migrated->user_version() == SqliteStore::schema_version);
  CHECK(migrated->scenario_stats() == fresh->scenario_stats());
  same_mistakes(migrated->mistake_counts({}, -1), fresh->mistake_counts({}, -1));
  CHECK(migrated->check(CheckMode::full).empty());

  // And the migrated file keeps them from then on, like the fresh one.
  for (SqliteStore* s : {fresh.get(), migrated.get()}) {
    AttemptRow a = make_attempt("103", "reversal", 9'000'000);
    a.uuid = "ffffffff-0000-4000-8000-000000000001";
    REQUIRE(s->begin_attempt(a));
    REQUIRE(s->add_event(make_event(a.uuid, 1, 9'000'100, "step9", "wrong9", true, true)));
    REQUIRE(s->finish_attempt(closed(a, 9'001'000, 1.0, true)));
  }
  CHECK(migrated->scenario_stats() == fresh->scenario_stats());
  same_mistakes(migrated->mistake_counts({}, -1), fresh->mistake_counts({}, -1));
  CHECK(migrated->check(CheckMode::full).empty());
}

TEST_CASE("A migration that fails part-way leaves the file at its old schema", "[store][summaries][migration]") {
  TempDir dir;
  {
    auto store = store_with_operators(dir.db());
    fill(*store, 20, 5);
  }
  back_to_schema(dir.db(), 4);
  // Planted under a name step 5 creates, after it has created the other two: the step fails
  // half-way through.
  exec_sql(dir.db(), "CREATE TABLE mistake_summaries (planted INTEGER)");
  {
    StoreStatus st;
    auto store = SqliteStore::open(dir.db(), st, WallTime{1000});
    CHECK(store == nullptr);
    CHECK(st.message.find("migration to schema 5 failed") != std::string::npos);
  }
  // Nothing of step 5 stayed: the version, and no table or trigger the step made before it failed.
  CHECK(query_one(dir.db(), "PRAGMA user_version") == "4");
  CHECK(query_one(dir.db(),
                  "SELECT count(*) FROM sqlite_schema WHERE name IN ('scenario_summaries', "
                  "'pass_frontier') OR type = 'trigger'") == "0");
  exec_sql(dir.db(), "DROP TABLE mistake_summaries");
  // With the planted table gone the same file migrates, and its summaries are right.
  auto store = open_ok(dir.db());
  CHECK(store->user_version() == SqliteStore::schema_version);
  CHECK(store->check(CheckMode::full).empty());
}

TEST_CASE("db check's quick mode compares the summaries' totals and recent rows, the full one every row",
          "[store][summaries]") {
  TempDir dir;
  {
    auto store = store_with_operators(dir.db());
    fill(*store, 30, 9);
    REQUIRE(store->check(CheckMode::quick).empty());
  }
  const auto has = [](const std::vector<std::string>& problems, const std::string& what) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(what) != std::string::npos; });
  };
  SECTION("a count off by one") {
    exec_sql(dir.db(),
             "UPDATE scenario_summaries SET attempts = attempts + 1 "
             "WHERE operator_id = '101' AND scenario_id = 'preauth'");
    auto store = open_ok(dir.db());
    CHECK(has(store->check(CheckMode::quick), "total summary attempts differs"));
    CHECK(has(store->check(CheckMode::full), "scenario summary 101/preauth differs"));
  }
  SECTION("a mistake count off by one") {
    exec_sql(dir.db(),
             "UPDATE mistake_summaries SET mistakes = mistakes + 1 WHERE (scenario_id, step_id, choice_id) = "
             "(SELECT scenario_id, step_id, choice_id FROM mistake_summaries LIMIT 1)");
    auto store = open_ok(dir.db());
    // Quick recomputes every mistake row while the newest attempts it reads are all there are.
    CHECK(has(store->check(CheckMode::quick), "mistake summary"));
    CHECK(has(store->check(CheckMode::full), "mistake summary"));
  }
  SECTION("a best score or a pass the totals cannot show") {
    exec_sql(dir.db(),
             "UPDATE scenario_summaries SET best_score = 0.05 WHERE operator_id = '102'; "
             "DELETE FROM pass_frontier WHERE operator_id = '103'");
    auto store = open_ok(dir.db());
    const auto problems = store->check(CheckMode::full);
    CHECK(has(problems, "scenario summary 102/"));
    CHECK(has(problems, "pass summary 103/"));
    // Quick recomputes every row of the operators most recently active, here all of them (far
    // fewer attempts than check_summary_attempts).
    const auto quick = store->check(CheckMode::quick);
    CHECK(has(quick, "scenario summary 102/"));
    CHECK(has(quick, "pass summary 103/"));
  }
}

TEST_CASE("An operator's history reads one page at a time", "[store][summaries]") {
  TempDir dir;
  auto store = store_with_operators(dir.db());
  fill(*store, 40, 13);
  const StoreList<AttemptRow> all = store->attempts("101");
  REQUIRE(all.size() > 7);
  std::vector<std::string> paged;
  for (int offset = 0;; offset += 3) {
    const StoreList<AttemptRow> page = store->attempts("101", 3, offset);
    REQUIRE(page.ok());
    CHECK(page.size() <= 3);
    for (const AttemptRow& a : page) paged.push_back(a.uuid);
    if (page.size() < 3) break;
  }
  std::vector<std::string> whole;
  for (const AttemptRow& a : all) whole.push_back(a.uuid);
  CHECK(paged == whole);
  CHECK(store->attempts("101", 3, int(all.size())).empty());
}
