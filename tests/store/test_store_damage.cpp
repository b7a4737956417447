// A damaged file fails loudly: reads return their error and no rows (never a partial list), a
// writing open refuses it before writing anything, and a store that met damage writes nothing
// more. Read-only opens work without write access and never write. Schema versions posdrill
// never writes (-1) are refused.

#include <sqlite3.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {

// A file with two operators and enough attempts that the attempts table spans many pages, closed
// (so the WAL is merged into it).
void fill(const std::filesystem::path& db) {
  auto store = open_ok(db);
  REQUIRE(store->add_operator(make_operator("4001"), "27183946"));
  REQUIRE(store->add_operator(make_operator("4002"), "27183946"));
  for (int i = 0; i < 300; ++i) {
    AttemptRow a = make_attempt(i % 2 ? "4001" : "4002", "preauth_checkout_no_pan", 1'000'000 + i * 1000);
    REQUIRE(store->add_closed_attempt(closed(a, a.started_ms + 500, 0.9, true), {}));
  }
}

// Overwrites page `page` (1-based) of the file with zeros, as a failing disk might.
void zero_page(const std::filesystem::path& db, int64_t page) {
  std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekp((page - 1) * 4096);
  const std::string zeros(4096, '\0');
  f.write(zeros.data(), std::streamsize(zeros.size()));
  REQUIRE(f.good());
}

// A leaf page in the middle of `table` (SQLite's dbstat table lists the pages): damage a
// whole-table read meets part-way, after rows it could already have returned.
int64_t a_leaf_of(const std::filesystem::path& db, const std::string& table, std::size_t at_least = 3) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "SELECT pageno FROM dbstat WHERE name = ?1 AND pagetype = 'leaf' ORDER BY path", -1,
                             &s, nullptr) == SQLITE_OK);
  sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<int64_t> leaves;
  while (sqlite3_step(s) == SQLITE_ROW) leaves.push_back(sqlite3_column_int64(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(raw);
  REQUIRE(leaves.size() >= at_least);
  return leaves[leaves.size() / 2];
}
int64_t an_attempts_leaf(const std::filesystem::path& db) { return a_leaf_of(db, "attempts"); }

bool has(const std::vector<std::string>& problems, const std::string& what) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(what) != std::string::npos; });
}

// Two operators, 40 closed attempts of 12 events each with a long payload, so that the events
// span several pages.
void fill_with_events(const std::filesystem::path& db) {
  auto store = open_ok(db);
  REQUIRE(store->add_operator(make_operator("4001"), "27183946"));
  REQUIRE(store->add_operator(make_operator("4002"), "27183946"));
  for (int i = 0; i < 40; ++i) {
    AttemptRow a = make_attempt(i % 2 ? "4001" : "4002", "preauth_checkout_no_pan", 1'000'000 + i * 1000);
    std::vector<AttemptEventRow> events;
    for (int seq = 1; seq <= 12; ++seq) {
      events.push_back(make_event(a.uuid, seq, a.started_ms + seq, "s" + std::to_string(seq), "c", seq % 4 == 0));
      events.back().payload = std::string(300, 'x');
    }
    REQUIRE(store->add_closed_attempt(closed(a, a.started_ms + 500, 0.9, true), events));
  }
}

}  // namespace

TEST_CASE("A damaged page: reads fail whole, nothing writes into the file", "[store][damage]") {
  TempDir dir;
  fill(dir.db());
  zero_page(dir.db(), an_attempts_leaf(dir.db()));
  const std::string before = read_bytes(dir.db());

  // Writing opens refuse it and name the file and the problem.
  StoreStatus st;
  CHECK_FALSE(SqliteStore::open(dir.db(), st, WallTime{1000}));
  CHECK(st.code == StoreError::corrupt);
  CHECK(st.message.find(dir.db().string()) != std::string::npos);
  CHECK(st.message.find("damaged") != std::string::npos);
  CHECK(read_bytes(dir.db()) == before);

  // Read-only: what can be read is read, what cannot says so.
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
  REQUIRE(store);
  const StoreList<OperatorRecord> ops = store->operators();
  CHECK(ops.ok());
  CHECK(ops.size() == 2);
  CHECK(store->damage());
  const StoreList<AttemptRow> attempts = store->attempts();
  CHECK_FALSE(attempts.ok());
  CHECK(attempts.empty());  // never the rows before the damaged page
  CHECK(attempts.status.code == StoreError::corrupt);
  CHECK(attempts.status.message.find(dir.db().string()) != std::string::npos);
  CHECK_FALSE(store->attempts("4001").ok());
  // The roster's summaries are pages of their own: they still read whole, and the quick check
  // still finds the damage.
  CHECK(store->scenario_stats().ok());
  CHECK_FALSE(store->check(CheckMode::quick).empty());
  // Once met, the damage refuses every write with its own words (not "read-only").
  CHECK_FALSE(store->damage());
  const StoreStatus w = store->add_operator(make_operator("4003"), "27183946");
  CHECK(w.code == StoreError::corrupt);
  CHECK_FALSE(store->check().empty());
  store.reset();
  CHECK(read_bytes(dir.db()) == before);
}

TEST_CASE("A writing open of a large file checks the small tables and attempts, not every page",
          "[store][damage]") {
  // whole_check_up_to 0: every file is "large" here, as a year of records is in a store.
  TempDir dir;
  StoreStatus st;
  SECTION("damage among the events is left to the read that meets it and to db check --full") {
    fill_with_events(dir.db());
    {
      auto small = SqliteStore::open(dir.db(), st, WallTime{1000});
      REQUIRE(small);
      CHECK(small->open_check() == "every page");
    }
    zero_page(dir.db(), a_leaf_of(dir.db(), "attempt_events"));
    CHECK_FALSE(SqliteStore::open(dir.db(), st, WallTime{1000}));  // a file this small is read whole
    CHECK(st.code == StoreError::corrupt);
    auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::write, 0);
    REQUIRE(store);
    CHECK(store->open_check() == "the small tables and attempts");
    const std::vector<std::string> problems = store->check(CheckMode::full);
    INFO((problems.empty() ? std::string() : problems.front()));
    CHECK_FALSE(problems.empty());
  }
  SECTION("damage in attempts is refused as before") {
    fill(dir.db());
    zero_page(dir.db(), an_attempts_leaf(dir.db()));
    const std::string before = read_bytes(dir.db());
    CHECK_FALSE(SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::write, 0));
    CHECK(st.code == StoreError::corrupt);
    CHECK(st.message.find("damaged") != std::string::npos);
    CHECK(read_bytes(dir.db()) == before);
  }
}

TEST_CASE("A read-only open writes nothing and refuses writes", "[store][readonly]") {
  TempDir dir;
  fill(dir.db());
  std::filesystem::remove(dir.db().string() + "-lock");
  const std::string before = read_bytes(dir.db());
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
  REQUIRE(store);
  CHECK(store->read_only());
  CHECK(store->attempts().size() == 300);
  CHECK(store->attempts().ok());
  const StoreStatus w = store->set_setting("x", "y");
  CHECK_FALSE(w);
  CHECK(w.message.find("read-only") != std::string::npos);
  CHECK(store->damage());  // a refused write is not damage
  store.reset();
  CHECK(read_bytes(dir.db()) == before);
  CHECK_FALSE(std::filesystem::exists(dir.db().string() + "-lock"));  // not even the liveness lock

  // A file that is not there is not created.
  CHECK_FALSE(SqliteStore::open(dir.path() / "none.db", st, WallTime{1000}, OpenMode::read_only));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "none.db"));
}

TEST_CASE("An attempt left open by a crash reads as open from a read-only copy", "[store][readonly]") {
  TempDir dir;
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("5001"), "27183946"));
    REQUIRE(store->begin_attempt(make_attempt("5001", "preauth_checkout_no_pan", 5'000)));
  }
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{9'000}, OpenMode::read_only);
  REQUIRE(store);
  CHECK(store->recovered_attempts() == 0);  // recovery is a write: not here
  const auto attempts = store->attempts("5001");
  REQUIRE(attempts.size() == 1);
  CHECK(attempts.front().ended_ms == WallTime{});
}

TEST_CASE("Schema versions posdrill never writes are refused", "[store][migrations]") {
  TempDir dir;
  { open_ok(dir.db()); }
  exec_sql(dir.db(), "PRAGMA user_version = -1");
  const std::string before = read_bytes(dir.db());
  for (OpenMode mode : {OpenMode::write, OpenMode::read_only}) {
    StoreStatus st;
    CHECK_FALSE(SqliteStore::open(dir.db(), st, WallTime{1000}, mode));
    CHECK(st.code == StoreError::corrupt);
    CHECK(st.message.find("schema version -1") != std::string::npos);
  }
  CHECK(read_bytes(dir.db()) == before);
}

TEST_CASE("db check's quick mode says what it read and what only the full one reads", "[store][damage][check]") {
  TempDir dir;
  fill_with_events(dir.db());
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
  REQUIRE(store);
  const CheckReport quick = store->check_report(CheckMode::quick);
  CHECK(quick.problems.empty());
  CHECK(has(quick.checked, "the file"));
  CHECK(has(quick.checked, "the schema: version " + std::to_string(SqliteStore::schema_version)));
  CHECK(has(quick.checked, "every page of sqlite_schema, operators"));
  CHECK(has(quick.checked, "the newest 40 attempts"));
  CHECK(has(quick.checked, "every mistake summary recomputed"));  // all 40 attempts are the newest
  CHECK(quick.not_checked.find("attempt_events") != std::string::npos);
  const CheckReport full = store->check_report(CheckMode::full);
  CHECK(full.problems.empty());
  CHECK(has(full.checked, "integrity_check"));
  CHECK(full.not_checked.empty());
}

TEST_CASE("A damaged page of the events: the quick check finds it among the newest attempts, the full one too",
          "[store][damage][check]") {
  TempDir dir;
  fill_with_events(dir.db());
  zero_page(dir.db(), a_leaf_of(dir.db(), "attempt_events"));
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
  REQUIRE(store);
  // The roster reads only summaries: it cannot see this damage.
  CHECK(store->scenario_stats().ok());
  CHECK(has(store->check(CheckMode::quick), "malformed"));
  CHECK(has(store->check(CheckMode::full), dir.db().string()));
  CHECK(store->check(CheckMode::full).size() >= 1);
}

TEST_CASE("db check compares the schema with the one posdrill makes", "[store][damage][check]") {
  TempDir dir;
  fill(dir.db());
  exec_sql(dir.db(), "DROP INDEX attempts_by_scenario; DROP TRIGGER summary_mistake; CREATE TABLE notes (x)");
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
  REQUIRE(store);
  for (CheckMode mode : {CheckMode::quick, CheckMode::full}) {
    const auto problems = store->check(mode);
    CHECK(has(problems, "schema: the index attempts_by_scenario is missing"));
    CHECK(has(problems, "schema: the trigger summary_mistake is missing"));
    CHECK(has(problems, "schema: the table notes is not posdrill's"));
  }
}

TEST_CASE("db check finds a file longer than its pages", "[store][damage][check]") {
  TempDir dir;
  fill(dir.db());
  REQUIRE_FALSE(std::filesystem::exists(dir.db().string() + "-wal"));  // merged and gone at close
  {
    std::ofstream f(dir.db(), std::ios::binary | std::ios::app);
    const std::string junk(4096, 'j');
    f.write(junk.data(), std::streamsize(junk.size()));
  }
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
  REQUIRE(store);
  CHECK(has(store->check(CheckMode::quick), "longer than SQLite wrote it"));
  CHECK(has(store->check(CheckMode::full), "longer than SQLite wrote it"));
}
