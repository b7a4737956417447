// The chain roster's cache (kiosk/store/roster_cache.h) on real files: the per-store summary the
// kiosk's console shows is replaced whole, read back with the neediest stores first and kept
// through a full rebuild; a reader never writes; a cache of the first schema is brought up to
// date by the next refresh and explained to a reader until then.

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/store/roster_cache.h"
#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {

ChainStoreRow store_row(const std::string& id, int people, int certified, int expiring = 0) {
  ChainStoreRow r;
  r.store_id = id;
  r.people = people;
  r.certified = certified;
  r.expiring = expiring;
  r.not_started = people - certified - expiring;
  return r;
}

std::vector<std::string> ids_of(const std::vector<ChainStoreRow>& rows) {
  std::vector<std::string> out;
  for (const ChainStoreRow& r : rows) out.push_back(r.store_id);
  return out;
}

RosterFact attempted(const std::string& who, const std::string& store) {
  RosterFact f;
  f.kind = RosterFact::Kind::attempted;
  f.statement_id = "st-" + who;
  f.employee_id = who;
  f.name = who;
  f.store_id = store;
  f.registration = "reg-" + who;
  f.scenario_id = "reversal_debit_sms";
  f.at_ms = WallTime{5000};
  return f;
}

std::unique_ptr<RosterCache> open_cache(const std::filesystem::path& file, bool read_only = false) {
  StoreStatus st;
  auto cache = RosterCache::open(file, st, read_only);
  INFO(st.message);
  REQUIRE(cache);
  return cache;
}

}  // namespace

TEST_CASE("The chain's summary is replaced whole, read neediest first and kept through a full rebuild",
          "[roster_cache]") {
  TempDir dir;
  const auto file = RosterCache::default_file(dir.path());
  auto cache = open_cache(file);
  REQUIRE(cache->apply({attempted("101", "S1")}, "attempted", WallTime{6000}));
  WallTime as_of{-1};
  StoreList<ChainStoreRow> none = cache->store_summary(as_of);
  REQUIRE(none.ok());
  CHECK(none.empty());
  CHECK(as_of == WallTime{});

  // S3 has nobody certified, S1 a half (expiring counts), S2 nine in ten; S4 as S1 but bigger.
  REQUIRE(cache->replace_store_summary(
      {store_row("S2", 10, 9), store_row("S1", 4, 1, 1), store_row("S3", 5, 0), store_row("S4", 8, 4)},
      WallTime{7000}));
  StoreList<ChainStoreRow> rows = cache->store_summary(as_of);
  REQUIRE(rows.ok());
  CHECK(as_of == WallTime{7000});
  CHECK(ids_of(rows) == std::vector<std::string>{"S3", "S4", "S1", "S2"});
  CHECK(rows[2].people == 4);
  CHECK(rows[2].certified == 1);
  CHECK(rows[2].expiring == 1);
  CHECK(rows[2].not_started == 2);

  // The next report's summary replaces the whole of it.
  REQUIRE(cache->replace_store_summary({store_row("S9", 3, 3)}, WallTime{8000}));
  rows = cache->store_summary(as_of);
  CHECK(ids_of(rows) == std::vector<std::string>{"S9"});
  CHECK(as_of == WallTime{8000});

  // A full rebuild forgets the facts, not what the console last showed and when.
  REQUIRE(cache->clear());
  CHECK(cache->people().empty());
  rows = cache->store_summary(as_of);
  CHECK(ids_of(rows) == std::vector<std::string>{"S9"});
  CHECK(as_of == WallTime{8000});
}

TEST_CASE("A reader of the roster cache never creates, migrates or writes it", "[roster_cache]") {
  TempDir dir;
  const auto file = RosterCache::default_file(dir.path());
  StoreStatus st;
  CHECK_FALSE(RosterCache::open(file, st, true));
  CHECK(st.code == StoreError::not_found);
  CHECK_FALSE(std::filesystem::exists(file));

  {
    auto writer = open_cache(file);
    REQUIRE(writer->replace_store_summary({store_row("S1", 2, 1)}, WallTime{7000}));
  }
  // The writer closed: the reader opens the file as the kiosk finds it after a report.
  auto reader = open_cache(file, true);
  WallTime as_of;
  CHECK(ids_of(reader->store_summary(as_of)) == std::vector<std::string>{"S1"});
  const StoreStatus refused = reader->replace_store_summary({store_row("S2", 1, 1)}, WallTime{9000});
  CHECK_FALSE(refused);
  CHECK(ids_of(reader->store_summary(as_of)) == std::vector<std::string>{"S1"});
  CHECK(as_of == WallTime{7000});

  // While a refresh writes (a writer open at the same time), the reader still reads.
  auto writer = open_cache(file);
  REQUIRE(writer->apply({attempted("102", "S2")}, "attempted", WallTime{9000}));
  CHECK(reader->store_summary(as_of).ok());
}

TEST_CASE("A roster cache of the first schema is brought up to date with its facts, and a reader is told",
          "[roster_cache]") {
  TempDir dir;
  const auto file = dir.path() / "old-roster.db";
  {
    auto cache = open_cache(file);
    REQUIRE(cache->apply({attempted("101", "S1")}, "attempted", WallTime{6000}));
  }
  // What the first posdrill with --from-lrs left: no summary table, schema 1.
  exec_sql(file, "DROP TABLE store_summary; PRAGMA user_version = 1;");
  StoreStatus st;
  CHECK_FALSE(RosterCache::open(file, st, true));
  CHECK(st.message.find("schema 1") != std::string::npos);
  CHECK(st.message.find("report --from-lrs") != std::string::npos);

  auto cache = open_cache(file);
  const StoreList<OperatorRecord> people = cache->people();
  REQUIRE(people.size() == 1);
  CHECK(people[0].employee_id == "101");
  WallTime as_of;
  CHECK(cache->store_summary(as_of).ok());
  REQUIRE(cache->replace_store_summary({store_row("S1", 1, 0)}, WallTime{7000}));
  cache.reset();
  CHECK(open_cache(file, true));

  // Newer than this posdrill: refused, nothing changed.
  exec_sql(file, "PRAGMA user_version = 99;");
  CHECK_FALSE(RosterCache::open(file, st, true));
  CHECK(st.code == StoreError::too_new);
  CHECK_FALSE(RosterCache::open(file, st));
  CHECK(st.code == StoreError::too_new);
}
