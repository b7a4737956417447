// The store under a failing disk: a countdown VFS (fault_vfs.h) fails the n-th read or write of
// a workload the kiosk does (open, record an attempt with its statements, read the console's
// lists), for every n the workload reaches, once or from then on. Every fault must surface as an
// error from the call that met it; a list read is whole or empty with its error; and after the
// disk works again, the file is healthy, everything recorded before is there, every write that
// reported success is there, and every write that reported failure left nothing behind.

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "fault_vfs.h"
#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {

OutboxStatement queued(const std::string& id, const std::string& attempt, const std::string& verb) {
  return OutboxStatement{id, attempt, verb, R"({"id":")" + id + R"(","verb":")" + verb + R"("})", WallTime{5'000}};
}

constexpr int baseline_attempts = 12;

// Records made before the faults: they must all survive whatever happens after.
void make_baseline(const std::filesystem::path& db) {
  auto store = open_ok(db);
  REQUIRE(store->add_operator(make_operator("6001"), "27183946"));
  for (int i = 0; i < baseline_attempts; ++i) {
    AttemptRow a = make_attempt("6001", "reversal", 1'000 + i * 100);
    REQUIRE(
        store->begin_attempt(a, {queued("base-att-" + std::to_string(i), a.uuid, "attempted")}, abandoned_draft(a)));
    REQUIRE(store->add_event(make_event(a.uuid, 1, a.started_ms + 10)));
    REQUIRE(store->finish_attempt(closed(a, a.started_ms + 50, 1.0, true), std::nullopt,
                                  {queued("base-end-" + std::to_string(i), a.uuid, "passed")}));
  }
}

// What the workload was told.
struct WorkloadOutcome {
  bool opened = false;
  bool begun = false;
  int events = 0;  // committed events of the new attempt
  bool finished = false;
  int errors = 0;             // calls that returned an error
  int faults_while_open = 0;  // faults injected before the store was closed
  int partial_lists = 0;
  std::vector<std::string> messages;
};

// The kiosk's work on a file: open it, record one attempt (statements and draft included), read
// what the console reads.
WorkloadOutcome workload(const std::filesystem::path& db, AttemptRow& a, const FaultVfs& vfs) {
  WorkloadOutcome o;
  StoreStatus st;
  auto store = SqliteStore::open(db, st, WallTime{50'000});
  auto fail = [&](const StoreStatus& s) {
    ++o.errors;
    o.messages.push_back(s.message);
  };
  if (!store) {
    fail(st);
    o.faults_while_open = vfs.faults();
    return o;
  }
  o.opened = true;
  if ((st = store->begin_attempt(a, {queued("new-att", a.uuid, "attempted")}, abandoned_draft(a)))) {
    o.begun = true;
    for (int seq = 1; seq <= 2; ++seq) {
      if (!(st = store->add_event(make_event(a.uuid, seq, a.started_ms + seq * 1000)))) {
        fail(st);
        break;
      }
      ++o.events;
    }
    if (o.events == 2) {
      if ((st = store->finish_attempt(closed(a, a.started_ms + 5'000, 1.0, true), std::nullopt,
                                      {queued("new-end", a.uuid, "passed")})))
        o.finished = true;
      else
        fail(st);
    }
  } else {
    fail(st);
  }
  const auto check_list = [&](const auto& list, std::size_t whole) {
    if (!list.ok()) {
      fail(list.status);
      if (!list.empty()) ++o.partial_lists;
    } else if (list.size() < whole) {
      ++o.partial_lists;  // ok but short: the silent partial list this must never be
    }
  };
  check_list(store->attempts(), baseline_attempts);
  check_list(store->operators(), 1);
  check_list(store->outbox_list(OutboxState::queued, 1000), 2 * baseline_attempts);
  const OutboxCounts c = store->outbox_counts();
  if (!c.status) fail(c.status);
  // Closing checkpoints the WAL into the file; a fault there has no caller to tell, and loses
  // nothing (the WAL keeps the commits): it is not counted as one that had to surface.
  o.faults_while_open = vfs.faults();
  return o;
}

}  // namespace

TEST_CASE("Injected read and write faults surface as errors and lose nothing", "[store][faults]") {
  TempDir dir;
  const auto baseline = dir.path() / "baseline.db";
  make_baseline(baseline);
  const auto db = dir.path() / "run.db";

  FaultVfs vfs;
  // How many reads and writes the workload makes when nothing fails: the countdowns cover them.
  int total_reads = 0, total_writes = 0;
  {
    std::filesystem::copy_file(baseline, db, std::filesystem::copy_options::overwrite_existing);
    vfs.arm(FaultVfs::Op::read, 1 << 30, false);
    AttemptRow a = make_attempt("6001", "wrong_pin", 90'000);
    const WorkloadOutcome clean = workload(db, a, vfs);
    REQUIRE(clean.finished);
    REQUIRE(clean.errors == 0);
    total_reads = vfs.reads();
    total_writes = vfs.writes();
    vfs.disarm();
  }
  INFO("the workload makes " << total_reads << " reads and " << total_writes << " writes");
  REQUIRE(total_reads > 5);
  REQUIRE(total_writes > 5);

  int runs = 0, runs_with_faults = 0;
  for (const FaultVfs::Op op : {FaultVfs::Op::read, FaultVfs::Op::write}) {
    const int total = op == FaultVfs::Op::read ? total_reads : total_writes;
    const int stride = std::max(1, total / 40);  // about 40 fault points per kind and mode
    for (const bool persistent : {false, true}) {
      for (int n = 0; n < total; n += stride) {
        INFO((op == FaultVfs::Op::read ? "read" : "write")
             << " fault after " << n << (persistent ? ", persistent" : ""));
        std::filesystem::remove(db.string() + "-wal");
        std::filesystem::remove(db.string() + "-shm");
        std::filesystem::copy_file(baseline, db, std::filesystem::copy_options::overwrite_existing);
        AttemptRow a = make_attempt("6001", "wrong_pin", 90'000);
        vfs.arm(op, n, persistent);
        const WorkloadOutcome o = workload(db, a, vfs);
        vfs.disarm();
        ++runs;
        for (const auto& m : o.messages) UNSCOPED_INFO(m);
        // Every fault met while the store was open surfaced as an error. A list is never partial.
        if (o.faults_while_open > 0) {
          ++runs_with_faults;
          CHECK(o.errors > 0);
        }
        CHECK(o.partial_lists == 0);
        for (const auto& m : o.messages) CHECK(m.find(db.string()) != std::string::npos);  // names the file

        // The disk works again: nothing was lost, nothing half-written.
        auto store = open_ok(db, 60'000);
        CHECK(store->check().empty());
        for (const auto& p : store->check()) UNSCOPED_INFO(p);
        const StoreList<AttemptRow> all = store->attempts();
        REQUIRE(all.ok());
        std::set<std::string> uuids;
        for (const auto& row : all) uuids.insert(row.uuid);
        CHECK(all.size() == std::size_t(baseline_attempts) + (uuids.count(a.uuid) ? 1 : 0));
        const auto after = store->attempt(a.uuid);
        if (o.begun) REQUIRE(after);  // reported done: kept
        // Whole or not at all: the attempt and its statement were one transaction. (A commit
        // whose fsync failed reports failure and may still be found complete after a restart, as
        // with any database: what is never found is half of it.)
        CHECK(bool(after) == bool(store->outbox_find("new-att")));
        if (after) {
          CHECK(store->events(a.uuid).size() >= std::size_t(o.events));
          CHECK(after->ended_ms != WallTime{});  // finished, or cut off and recovered
          if (o.finished) CHECK(after->finished);
          if (!after->finished) CHECK(store->outbox_find(abandoned_draft(a).id));  // its abandoned statement
          if (after->finished) CHECK(store->outbox_find("new-end"));
        }
        CHECK(store->outbox_counts().queued >= 2 * baseline_attempts);
      }
    }
  }
  INFO(runs << " runs, " << runs_with_faults << " with a fault injected");
  CHECK(runs_with_faults > runs / 2);
}

TEST_CASE("A read-only open writes nothing, even to the journal", "[store][faults][readonly]") {
  TempDir dir;
  make_baseline(dir.db());
  FaultVfs vfs;
  vfs.arm(FaultVfs::Op::write, 0, true);  // the first write would fail, and every one after
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
  REQUIRE(store);
  CHECK(store->attempts().size() == std::size_t(baseline_attempts));
  CHECK(store->outbox_counts().queued == 2 * baseline_attempts);
  CHECK(store->check().empty());
  store.reset();
  CHECK(vfs.writes() == 0);
  CHECK(vfs.faults() == 0);
}

TEST_CASE("Read faults in a read-only session surface and never give part of a list", "[store][faults][readonly]") {
  TempDir dir;
  constexpr int many = 300;  // the attempts table spans many pages, read from the disk (no quick_check first)
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("6001"), "27183946"));
    for (int i = 0; i < many; ++i) {
      AttemptRow a = make_attempt("6001", "reversal", 1'000 + i);
      REQUIRE(
          store->add_closed_attempt(closed(a, a.started_ms + 50, 1.0, true), {make_event(a.uuid, 1, a.started_ms)}));
    }
  }
  FaultVfs vfs;
  int total = 0;
  {
    vfs.arm(FaultVfs::Op::read, 1 << 30, false);
    StoreStatus st;
    auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
    REQUIRE(store);
    REQUIRE(store->attempts().size() == std::size_t(many));
    REQUIRE(store->scenario_stats().ok());
    total = vfs.reads();
    vfs.disarm();
  }
  REQUIRE(total > 10);
  int surfaced = 0;
  for (int n = 0; n < total; ++n) {
    INFO("read fault after " << n);
    vfs.arm(FaultVfs::Op::read, n, false);
    StoreStatus st;
    auto store = SqliteStore::open(dir.db(), st, WallTime{1000}, OpenMode::read_only);
    if (!store) {
      CHECK(vfs.faults() == 1);
      CHECK(st.message.find(dir.db().string()) != std::string::npos);
      ++surfaced;
      continue;
    }
    const StoreList<AttemptRow> all = store->attempts();
    const StoreList<ScenarioStat> stats = store->scenario_stats();
    vfs.disarm();
    // Whole, or nothing and the error: never the rows before the page that failed.
    CHECK((all.ok() ? all.size() == std::size_t(many) : all.empty()));
    CHECK((stats.ok() ? (stats.size() == 1 && stats.front().attempts == many) : stats.empty()));
    if (vfs.faults() > 0) {
      CHECK((!all.ok() || !stats.ok()));
      ++surfaced;
    }
  }
  CHECK(surfaced > total / 2);
}
