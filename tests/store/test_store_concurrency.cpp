// Two writers on one file at once, each with its own connection, as the kiosk and a
// `posdrill play --operator` run would be: every write lands, nothing is lost or damaged.
#include <catch2/catch.hpp>
#include <thread>

#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

TEST_CASE("Two threads with their own stores write the same file at once", "[store][concurrency][threads]") {
  TempDir dir;
  {
    auto setup = open_ok(dir.db());
    REQUIRE(setup->add_operator(make_operator("2000"), "27183946"));
    REQUIRE(setup->add_operator(make_operator("2001"), "27183946"));
  }
  constexpr int attempts_per_thread = 200, events_per_attempt = 5;
  std::unique_ptr<SqliteStore> stores[2] = {open_ok(dir.db()), open_ok(dir.db())};
  std::vector<std::string> failures[2];

  auto writer = [&](int t) {
    SqliteStore& store = *stores[t];
    const std::string op = "200" + std::to_string(t);
    auto fail = [&](const char* what, const StoreStatus& st) {
      failures[t].push_back(std::string(what) + ": " + st.message);
    };
    for (int i = 0; i < attempts_per_thread; ++i) {
      auto a = make_attempt(op, i % 2 ? "preauth" : "reversal", 1'000 + i);
      if (auto st = store.begin_attempt(a); !st) fail("begin", st);
      for (int seq = 1; seq <= events_per_attempt; ++seq)
        if (auto st = store.add_event(make_event(a.uuid, seq, 1'000 + i, "s" + std::to_string(seq), "c", seq == 3));
            !st)
          fail("event", st);
      if (auto st = store.finish_attempt(closed(a, 2'000 + i, 0.8, true)); !st) fail("finish", st);
    }
  };
  std::thread t0(writer, 0), t1(writer, 1);
  t0.join();
  t1.join();
  for (const auto& f : failures) {
    for (const auto& line : f) UNSCOPED_INFO(line);
    CHECK(f.empty());
  }

  stores[0].reset();
  stores[1].reset();
  auto store = open_ok(dir.db());
  CHECK(store->recovered_attempts() == 0);
  auto all = store->attempts();
  REQUIRE(all.size() == 2 * attempts_per_thread);
  std::size_t events = 0;
  for (const auto& a : all) {
    CHECK(a.finished);
    events += store->events(a.uuid).size();
  }
  CHECK(events == 2 * attempts_per_thread * events_per_attempt);
  auto mistakes = store->mistake_counts();
  REQUIRE(mistakes.size() == 2);  // s3/c in each scenario
  CHECK(mistakes[0].count + mistakes[1].count == 2 * attempts_per_thread);
  CHECK(store->check().empty());
}
