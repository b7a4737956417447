// Attempts and their events: the round trip, the numbering rules, awards stored with the finish,
// the roster figures and the mistake chart, and crash recovery at open().
#include <catch2/catch.hpp>

#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {
std::unique_ptr<SqliteStore> store_with_operators(const TempDir& dir) {
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), "27183946"));
  REQUIRE(store->add_operator(make_operator("102"), "27183946"));
  return store;
}
}  // namespace

TEST_CASE("An attempt round trips through begin add_event and finish", "[store][attempts]") {
  TempDir dir;
  auto store = store_with_operators(dir);
  auto a = make_attempt("101", "reversal", 10'000);
  a.terminal = TerminalKind::real;
  REQUIRE(store->begin_attempt(a));

  auto open = store->attempt(a.uuid);
  REQUIRE(open);
  CHECK(open->ended_ms == WallTime{});
  CHECK_FALSE(open->finished);
  CHECK(open->seed == 0xfedcba9876543210ull);
  CHECK(open->terminal == TerminalKind::real);
  CHECK(open->lang == Lang::en);
  CHECK(open->content_hash == "ab12");
  CHECK(open->scenario_version == 3);

  REQUIRE(store->add_event(make_event(a.uuid, 1, 11'000, "check_status", "ask_customer")));
  auto wrong = make_event(a.uuid, 2, 12'000, "refund", "refund_cash", true, true);
  wrong.payload = R"({"chosen":"refund_cash","feedback":"never refund in cash"})";
  REQUIRE(store->add_event(wrong));

  auto done = closed(a, 13'000, 0.45, false);
  done.critical_errors = 1;
  REQUIRE(store->finish_attempt(done));

  auto back = store->attempt(a.uuid);
  REQUIRE(back);
  CHECK(back->ended_ms == WallTime{13'000});
  CHECK(back->score == Approx(0.45));
  CHECK(back->points == 45);
  CHECK(back->max_points == 100);
  CHECK(back->critical_errors == 1);
  CHECK(back->finished);
  CHECK_FALSE(back->passed);
  CHECK_FALSE(back->abandoned);

  auto ev = store->events(a.uuid);
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].seq == 1);
  CHECK(ev[0].step_id == "check_status");
  CHECK(ev[0].choice_id == "ask_customer");
  CHECK_FALSE(ev[0].mistake);
  CHECK(ev[1].seq == 2);
  CHECK(ev[1].at_ms == WallTime{12'000});
  CHECK(ev[1].kind == "step");
  CHECK(ev[1].mistake);
  CHECK(ev[1].critical);
  CHECK(ev[1].points == 0);
  CHECK(ev[1].max_points == 10);
  CHECK(ev[1].payload == wrong.payload);
  CHECK(store->check().empty());
  CHECK_FALSE(store->attempt("no-such-uuid"));
}

TEST_CASE("Events must be numbered in order on an open attempt", "[store][attempts]") {
  TempDir dir;
  auto store = store_with_operators(dir);
  auto a = make_attempt("101", "preauth", 10'000);
  REQUIRE(store->begin_attempt(a));

  CHECK(store->add_event(make_event(a.uuid, 2, 11'000)).code == StoreError::invalid);  // 1 comes first
  CHECK(store->add_event(make_event(a.uuid, 0, 11'000)).code == StoreError::invalid);
  REQUIRE(store->add_event(make_event(a.uuid, 1, 11'000)));
  CHECK(store->add_event(make_event(a.uuid, 1, 11'500)).code == StoreError::invalid);  // again
  CHECK(store->add_event(make_event(a.uuid, 3, 11'500)).code == StoreError::invalid);  // a gap
  REQUIRE(store->add_event(make_event(a.uuid, 2, 12'000)));
  CHECK(store->add_event(make_event("no-such-uuid", 1, 12'000)).code == StoreError::not_found);

  REQUIRE(store->finish_attempt(closed(a, 13'000, 1.0, true)));
  CHECK(store->add_event(make_event(a.uuid, 3, 14'000)).code == StoreError::invalid);  // closed
  CHECK(store->finish_attempt(closed(a, 15'000, 0.0, false)).code == StoreError::invalid);
  CHECK(store->attempt(a.uuid)->ended_ms == WallTime{13'000});  // the refused finish changed nothing
  CHECK(store->finish_attempt(closed(make_attempt("101", "x", 1), 2, 0, false)).code == StoreError::not_found);
  CHECK(store->events(a.uuid).size() == 2);

  // Starting: the operator must exist, the uuid must be new, the attempt must be open.
  CHECK(store->begin_attempt(make_attempt("nobody", "preauth", 1)).code == StoreError::not_found);
  CHECK(store->begin_attempt(a).code == StoreError::invalid);
  CHECK(store->begin_attempt(closed(make_attempt("101", "preauth", 1), 2, 0, false)).code == StoreError::invalid);
  // Finishing needs an end not before the start.
  auto b = make_attempt("101", "preauth", 20'000);
  REQUIRE(store->begin_attempt(b));
  CHECK(store->finish_attempt(closed(b, 19'999, 1.0, true)).code == StoreError::invalid);
  CHECK(store->finish_attempt(closed(b, 0, 1.0, true)).code == StoreError::invalid);
  CHECK(store->check().empty());
}

TEST_CASE("Finishing with an award stores both in one transaction", "[store][attempts]") {
  TempDir dir;
  auto store = store_with_operators(dir);
  auto first = make_attempt("101", "preauth", 1'000);
  REQUIRE(store->begin_attempt(first));
  REQUIRE(store->finish_attempt(closed(first, 2'000, 0.9, true)));
  auto a = make_attempt("101", "reversal", 3'000);
  REQUIRE(store->begin_attempt(a));

  AwardRow award;
  award.operator_id = "101";
  award.track_id = "cashier_basics";
  award.track_version = 2;
  award.awarded_ms = WallTime{4'000};
  award.expires_ms = WallTime{4'000 + 365LL * 24 * 3600 * 1000};
  award.basis = {first.uuid, a.uuid};
  REQUIRE(store->finish_attempt(closed(a, 4'000, 0.95, true), award));

  auto got = store->awards("101");
  REQUIRE(got.size() == 1);
  CHECK(got[0].track_id == "cashier_basics");
  CHECK(got[0].track_version == 2);
  CHECK(got[0].awarded_ms == WallTime{4'000});
  CHECK(got[0].expires_ms == award.expires_ms);
  CHECK(got[0].basis == award.basis);
  CHECK(store->awards().size() == 1);
  CHECK(store->awards("102").empty());

  // An award that cannot be stored (its operator does not exist) takes the finish down with it.
  auto b = make_attempt("102", "reversal", 5'000);
  REQUIRE(store->begin_attempt(b));
  AwardRow bad = award;
  bad.operator_id = "nobody";
  auto st = store->finish_attempt(closed(b, 6'000, 1.0, true), bad);
  CHECK_FALSE(st);
  CHECK(st.message.find(dir.db().string()) != std::string::npos);
  CHECK(store->attempt(b.uuid)->ended_ms == WallTime{});
  CHECK(store->awards().size() == 1);
  REQUIRE(store->finish_attempt(closed(b, 6'000, 1.0, true)));
}

TEST_CASE("attempts lists newest first and filters by operator", "[store][attempts]") {
  TempDir dir;
  auto store = store_with_operators(dir);
  std::vector<std::string> e1;
  for (int i = 0; i < 4; ++i) {
    auto a = make_attempt("101", "preauth", 1'000 * (i + 1));
    REQUIRE(store->begin_attempt(a));
    e1.push_back(a.uuid);
  }
  auto other = make_attempt("102", "preauth", 2'500);
  REQUIRE(store->begin_attempt(other));

  auto all = store->attempts();
  REQUIRE(all.size() == 5);
  CHECK(all[0].uuid == e1[3]);
  CHECK(all[1].uuid == e1[2]);
  CHECK(all[2].uuid == other.uuid);
  auto mine = store->attempts("101");
  REQUIRE(mine.size() == 4);
  CHECK(mine[0].uuid == e1[3]);
  CHECK(mine[3].uuid == e1[0]);
  auto two = store->attempts("101", 2);
  REQUIRE(two.size() == 2);
  CHECK(two[1].uuid == e1[2]);
  CHECK(store->attempts("102").size() == 1);
  CHECK(store->attempts("nobody").empty());
  CHECK(store->attempts("", 0).empty());
}

TEST_CASE("scenario_stats and mistake_counts on a small data set", "[store][attempts]") {
  TempDir dir;
  auto store = store_with_operators(dir);
  // 101 preauth: a pass (0.8, ended 2000), a fail (0.5), a pass (0.9, ended 8000), an abandon.
  // 101 reversal: one fail. 102 preauth: one pass (1.0).
  struct Plan {
    const char* op;
    const char* scenario;
    int64_t start;
    double score;
    bool passed;
    bool abandoned;
    std::vector<std::pair<std::string, std::string>> mistakes;  // (step, choice); "crit:" = critical
  };
  std::vector<Plan> plan = {
      {"101", "preauth", 1'000, 0.8, true, false, {{"ask", "skip_id"}}},
      {"101", "preauth", 3'000, 0.5, false, false, {{"ask", "skip_id"}, {"crit:void", "void_all"}}},
      {"101", "preauth", 7'000, 0.9, true, false, {}},
      {"101", "preauth", 9'000, 0.0, false, true, {{"ask", "skip_id"}, {"hold", ""}}},
      {"101", "reversal", 4'000, 0.3, false, false, {{"refund", "cash"}, {"crit:refund", "cash"}}},
      {"102", "preauth", 5'000, 1.0, true, false, {{"hold", ""}}},
  };
  for (const auto& p : plan) {
    auto a = make_attempt(p.op, p.scenario, p.start);
    REQUIRE(store->begin_attempt(a));
    int seq = 0;
    REQUIRE(store->add_event(make_event(a.uuid, ++seq, p.start + 10, "greet", "hello")));  // right answer
    for (const auto& [step, choice] : p.mistakes) {
      bool crit = step.rfind("crit:", 0) == 0;
      std::string id = crit ? step.substr(5) : step;
      ++seq;
      REQUIRE(store->add_event(make_event(a.uuid, seq, p.start + 10 + seq, id, choice, true, crit)));
    }
    auto done = closed(a, p.start + 1'000, p.score, p.passed);
    done.abandoned = p.abandoned;
    done.finished = !p.abandoned;
    REQUIRE(store->finish_attempt(done));
  }

  auto stats = store->scenario_stats();
  REQUIRE(stats.size() == 3);
  const auto& s0 = stats[0];
  CHECK(s0.operator_id == "101");
  CHECK(s0.scenario_id == "preauth");
  CHECK(s0.attempts == 4);
  CHECK(s0.passes == 2);
  CHECK(s0.abandoned == 1);
  CHECK(s0.best_score == Approx(0.9));
  // The later pass scored higher: the earlier one adds nothing any pass mark could ask.
  REQUIRE(s0.frontier.size() == 1);
  CHECK(s0.frontier[0].ended_ms == WallTime{8'000});
  CHECK(s0.frontier[0].score == Approx(0.9));
  CHECK(s0.last_attempt_ms == WallTime{9'000});
  CHECK(stats[1].scenario_id == "reversal");
  CHECK(stats[1].attempts == 1);
  CHECK(stats[1].passes == 0);
  CHECK(stats[1].frontier.empty());
  CHECK(stats[1].best_score == Approx(0.3));
  CHECK(stats[2].operator_id == "102");
  REQUIRE(stats[2].frontier.size() == 1);
  CHECK(stats[2].frontier[0].ended_ms == WallTime{6'000});
  auto e2 = store->scenario_stats("102");
  REQUIRE(e2.size() == 1);
  CHECK(e2[0].best_score == Approx(1.0));

  // preauth mistakes: ask/skip_id ×3, hold/"" ×2, void/void_all ×1 (critical).
  auto m = store->mistake_counts("preauth");
  REQUIRE(m.size() == 3);
  CHECK(m[0].step_id == "ask");
  CHECK(m[0].choice_id == "skip_id");
  CHECK(m[0].count == 3);
  CHECK_FALSE(m[0].critical);
  CHECK(m[1].step_id == "hold");
  CHECK(m[1].choice_id == "");
  CHECK(m[1].count == 2);
  CHECK(m[2].step_id == "void");
  CHECK(m[2].count == 1);
  CHECK(m[2].critical);
  CHECK(store->mistake_counts("preauth", 2).size() == 2);

  // All scenarios: reversal's refund/cash ×2, critical because one of the two was.
  auto all = store->mistake_counts();
  REQUIRE(all.size() == 4);
  CHECK(all[3].scenario_id == "reversal");
  CHECK(all[3].step_id == "refund");
  CHECK(all[3].count == 2);
  CHECK(all[3].critical);
  auto top1 = store->mistake_counts("", 1);
  REQUIRE(top1.size() == 2);  // at most one per scenario
  CHECK(top1[0].scenario_id == "preauth");
  CHECK(top1[0].count == 3);
  CHECK(top1[1].scenario_id == "reversal");
  CHECK(store->mistake_counts("frequent_swipe").empty());
}

TEST_CASE("An attempt left open is closed as abandoned at the next open", "[store][attempts]") {
  TempDir dir;
  std::string open_uuid, bare_uuid, done_uuid;
  {
    auto store = store_with_operators(dir);
    auto done = make_attempt("101", "preauth", 1'000);
    REQUIRE(store->begin_attempt(done));
    REQUIRE(store->finish_attempt(closed(done, 2'000, 1.0, true)));
    done_uuid = done.uuid;
    auto a = make_attempt("101", "preauth", 10'000);
    REQUIRE(store->begin_attempt(a));
    REQUIRE(store->add_event(make_event(a.uuid, 1, 11'000)));
    REQUIRE(store->add_event(make_event(a.uuid, 2, 12'500)));
    open_uuid = a.uuid;
    // The store goes away with the attempt open, as a crash would leave it.
  }
  {
    auto store = open_ok(dir.db(), 99'000);
    CHECK(store->recovered_attempts() == 1);
    auto a = store->attempt(open_uuid);
    REQUIRE(a);
    CHECK(a->abandoned);
    CHECK_FALSE(a->finished);
    CHECK(a->ended_ms == WallTime{12'500});  // its last event, not the time of the reopen
    CHECK(store->events(open_uuid).size() == 2);
    CHECK(store->add_event(make_event(open_uuid, 3, 13'000)).code == StoreError::invalid);
    auto done = store->attempt(done_uuid);
    CHECK(done->finished);
    CHECK_FALSE(done->abandoned);
    CHECK(done->ended_ms == WallTime{2'000});

    auto bare = make_attempt("102", "reversal", 20'000);  // no events at all
    REQUIRE(store->begin_attempt(bare));
    bare_uuid = bare.uuid;
  }
  auto store = open_ok(dir.db(), 99'000);
  CHECK(store->recovered_attempts() == 1);
  CHECK(store->attempt(bare_uuid)->ended_ms == WallTime{20'000});  // ended where it started
  CHECK(store->attempt(bare_uuid)->abandoned);
  CHECK(store->check().empty());
  store.reset();
  CHECK(open_ok(dir.db())->recovered_attempts() == 0);
}

TEST_CASE("open leaves alone the open attempts of a store still running", "[store][attempts]") {
  TempDir dir;
  auto kiosk = store_with_operators(dir);
  auto a = make_attempt("101", "preauth", 10'000);
  REQUIRE(kiosk->begin_attempt(a));
  REQUIRE(kiosk->add_event(make_event(a.uuid, 1, 11'000)));
  {
    // Say `posdrill report` opens the file mid-drill: the drill is live, not crashed.
    auto report = open_ok(dir.db());
    CHECK(report->recovered_attempts() == 0);
    CHECK(report->attempt(a.uuid)->ended_ms == WallTime{});
  }
  REQUIRE(kiosk->add_event(make_event(a.uuid, 2, 12'000)));
  kiosk.reset();  // gone with the attempt open: now it is a crash
  auto next = open_ok(dir.db());
  CHECK(next->recovered_attempts() == 1);
  CHECK(next->attempt(a.uuid)->ended_ms == WallTime{12'000});
  CHECK(next->attempt(a.uuid)->abandoned);
}
