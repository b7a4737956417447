// An attempt cut off by a crash still tells the LRS how it ended: the abandoned statement drafted
// when it began is stamped with its end and queued by open()'s recovery, in the same transaction
// that closes it. db check reports attempts whose closing statement is missing. Schema 2 files
// migrate to 3 keeping everything.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {

OutboxStatement queued(const std::string& id, const std::string& attempt, const std::string& verb) {
  return OutboxStatement{id, attempt, verb, R"({"id":")" + id + R"("})", WallTime{5'000}};
}

std::unique_ptr<SqliteStore> with_operator(const TempDir& dir) {
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), "27183946"));
  return store;
}

}  // namespace

TEST_CASE("A crash-recovered attempt queues its abandoned statement", "[store][recovery]") {
  TempDir dir;
  AttemptRow a = make_attempt("101", "preauth_checkout_no_pan", 10'000);
  const OutboxStatement draft = abandoned_draft(a);
  {
    auto store = with_operator(dir);
    REQUIRE(store->begin_attempt(a, {queued("att", a.uuid, "attempted")}, draft));
    REQUIRE(store->add_event(make_event(a.uuid, 1, 14'000)));
    REQUIRE(store->add_event(make_event(a.uuid, 2, 19'500)));
    // The kiosk dies here: the store is closed without the attempt being finished.
  }
  auto store = open_ok(dir.db(), 60'000);
  CHECK(store->recovered_attempts() == 1);
  const auto closed_row = store->attempt(a.uuid);
  REQUIRE(closed_row);
  CHECK(closed_row->abandoned);
  CHECK(closed_row->ended_ms == WallTime{19'500});  // its last event
  const auto st = store->outbox_find(draft.id);
  REQUIRE(st);
  CHECK(st->statement.verb == "abandoned");
  CHECK(st->statement.attempt_uuid == a.uuid);
  CHECK(st->statement.created_ms == WallTime{60'000});
  CHECK(st->state == OutboxState::queued);
  const auto body = nlohmann::json::parse(st->statement.body);
  CHECK(body["verb"]["id"] == xapi::verb_abandoned);
  CHECK(body["timestamp"] == xapi_timestamp(WallTime{19'500}));
  CHECK(body["result"]["duration"] == "PT9.5S");
  CHECK(body["result"]["completion"] == false);
  CHECK(body["context"]["registration"] == a.uuid);
  CHECK(store->check().empty());
  // Recovered once: a second open finds nothing left to do.
  store.reset();
  store = open_ok(dir.db(), 70'000);
  CHECK(store->recovered_attempts() == 0);
  CHECK(store->outbox_counts().queued == 2);
}

TEST_CASE("A finished attempt drops its draft", "[store][recovery]") {
  TempDir dir;
  auto store = with_operator(dir);
  AttemptRow a = make_attempt("101", "reversal", 10'000);
  const OutboxStatement draft = abandoned_draft(a);
  REQUIRE(store->begin_attempt(a, {queued("att", a.uuid, "attempted")}, draft));
  REQUIRE(store->finish_attempt(closed(a, 30'000, 1.0, true), std::nullopt, {queued("end", a.uuid, "passed")}));
  store.reset();
  store = open_ok(dir.db(), 60'000);
  CHECK(store->recovered_attempts() == 0);
  CHECK_FALSE(store->outbox_find(draft.id));
  CHECK(store->check().empty());
}

TEST_CASE("An attempt still played on another store is not recovered", "[store][recovery]") {
  TempDir dir;
  auto kiosk = with_operator(dir);
  AttemptRow a = make_attempt("101", "reversal", 10'000);
  REQUIRE(kiosk->begin_attempt(a, {queued("att", a.uuid, "attempted")}, abandoned_draft(a)));
  auto reader = open_ok(dir.db(), 60'000);  // `posdrill sync now` while the kiosk plays
  CHECK(reader->recovered_attempts() == 0);
  CHECK(reader->outbox_counts().queued == 1);
  REQUIRE(kiosk->finish_attempt(closed(a, 30'000, 1.0, true), std::nullopt, {queued("end", a.uuid, "passed")}));
  CHECK(reader->check().empty());
}

TEST_CASE("db check reports attempts whose closing statement is missing", "[store][recovery][check]") {
  TempDir dir;
  auto store = with_operator(dir);
  // Recorded while sync was on, closed without its closing statement (as crash recovery did before
  // it queued one).
  AttemptRow lost = make_attempt("101", "reversal", 10'000);
  REQUIRE(store->begin_attempt(lost, {queued("att-lost", lost.uuid, "attempted")}));
  AttemptRow cut = closed(lost, 20'000, 0, false);
  cut.finished = false;
  cut.abandoned = true;
  REQUIRE(store->finish_attempt(cut));
  // Recorded with sync off: nothing was ever queued, nothing is missing.
  AttemptRow offline = make_attempt("101", "reversal", 40'000);
  REQUIRE(store->begin_attempt(offline));
  REQUIRE(store->finish_attempt(closed(offline, 45'000, 1.0, true)));
  // Complete, then delivered and pruned: its closing statement is gone for a good reason.
  AttemptRow old = make_attempt("101", "wrong_pin", 1'000);
  REQUIRE(store->begin_attempt(old, {queued("att-old", old.uuid, "attempted")}));
  REQUIRE(store->finish_attempt(closed(old, 2'000, 1.0, true), std::nullopt, {queued("end-old", old.uuid, "passed")}));
  REQUIRE(store->outbox_mark_sent({"end-old"}, WallTime{3'000}));
  CHECK(store->outbox_prune_sent(WallTime{5'000}) == 1);

  const auto problems = store->check();
  REQUIRE(problems.size() == 1);
  CHECK(problems.front().find(lost.uuid) != std::string::npos);
  CHECK(problems.front().find("closing statement") != std::string::npos);
  CHECK(problems.front().find(dir.db().string()) == 0);
}

TEST_CASE("A schema 2 file migrates to 3 and keeps its records and outbox", "[store][migrations][recovery]") {
  TempDir dir;
  AttemptRow open_one = make_attempt("101", "reversal", 10'000);
  {
    auto store = with_operator(dir);
    AttemptRow done = make_attempt("101", "wrong_pin", 1'000);
    REQUIRE(store->begin_attempt(done, {queued("att-done", done.uuid, "attempted")}));
    REQUIRE(
        store->finish_attempt(closed(done, 2'000, 1.0, true), std::nullopt, {queued("end-done", done.uuid, "passed")}));
    REQUIRE(store->begin_attempt(open_one, {queued("att-open", open_one.uuid, "attempted")}));
  }
  // What schema 2 wrote: no drafts table.
  back_to_schema(dir.db(), 2);
  auto store = open_ok(dir.db(), 50'000);
  CHECK(store->user_version() == SqliteStore::schema_version);
  CHECK(store->attempts().size() == 2);
  CHECK(store->outbox_counts().queued == 3);
  // The attempt left open under schema 2 had no draft: recovery closes it, and db check says what
  // the LRS will never learn.
  CHECK(store->recovered_attempts() == 1);
  const auto problems = store->check();
  REQUIRE(problems.size() == 1);
  CHECK(problems.front().find(open_one.uuid) != std::string::npos);
  // New attempts get drafts.
  AttemptRow next = make_attempt("101", "reversal", 60'000);
  REQUIRE(store->begin_attempt(next, {queued("att-next", next.uuid, "attempted")}, abandoned_draft(next)));
}
