// The xAPI outbox in the store: statements ride in the transaction of the event they report,
// keep their exact bytes, and move queued -> sent / set aside -> queued again / voided; the
// certifications read from the LRS are cached per operator; a version 1 file migrates to 2.
#include <catch2/catch.hpp>

#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {

OutboxStatement statement(const std::string& id, const std::string& attempt, const std::string& verb = "answered") {
  OutboxStatement s;
  s.id = id;
  s.attempt_uuid = attempt;
  s.verb = verb;
  // Bytes a JSON library would never write this way: they must come back exactly.
  s.body = R"({"id":")" + id + R"(",  "verb" :{"id":"x"},"note":"空格 and \u00e9"})";
  s.created_ms = WallTime{5'000};
  return s;
}

std::unique_ptr<SqliteStore> store_with_operator(const TempDir& dir) {
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), "27183946"));
  return store;
}

}  // namespace

TEST_CASE("Statements are queued in the same transaction as their event", "[store][outbox]") {
  TempDir dir;
  auto store = store_with_operator(dir);
  auto a = make_attempt("101", "reversal", 10'000);
  REQUIRE(store->begin_attempt(a, {statement("s-1", a.uuid, "attempted")}));
  REQUIRE(store->add_event(make_event(a.uuid, 1, 11'000), {statement("s-2", a.uuid)}));
  // An event that is refused (out of order) takes its statement with it.
  CHECK_FALSE(store->add_event(make_event(a.uuid, 5, 12'000), {statement("s-3", a.uuid)}));
  CHECK_FALSE(store->outbox_find("s-3"));
  // So does a finish that fails (already closed the second time).
  REQUIRE(store->finish_attempt(closed(a, 13'000, 1.0, true), std::nullopt, {statement("s-4", a.uuid, "passed")}));
  CHECK_FALSE(store->finish_attempt(closed(a, 14'000, 1.0, true), std::nullopt, {statement("s-5", a.uuid)}));
  CHECK_FALSE(store->outbox_find("s-5"));

  const auto due = store->outbox_due(10, WallTime{20'000});
  REQUIRE(due.size() == 3);
  CHECK(due[0].statement.id == "s-1");
  CHECK(due[0].statement.verb == "attempted");
  CHECK(due[1].statement.id == "s-2");
  CHECK(due[2].statement.id == "s-4");
  CHECK(due[1].statement.body == statement("s-2", a.uuid).body);
  CHECK(due[1].statement.attempt_uuid == a.uuid);
  CHECK(store->outbox_counts().queued == 3);
  CHECK(store->outbox_counts().oldest_queued_ms == WallTime{5'000});
}

TEST_CASE("A statement id is queued only once", "[store][outbox]") {
  TempDir dir;
  auto store = store_with_operator(dir);
  auto a = make_attempt("101", "reversal", 10'000);
  REQUIRE(store->begin_attempt(a, {statement("dup", a.uuid)}));
  // The event and its duplicate statement are refused together.
  CHECK_FALSE(store->add_event(make_event(a.uuid, 1, 11'000), {statement("dup", a.uuid)}));
  CHECK(store->events(a.uuid).empty());
}

TEST_CASE("The outbox moves statements through sent set aside retry and void", "[store][outbox]") {
  TempDir dir;
  auto store = store_with_operator(dir);
  auto a = make_attempt("101", "reversal", 10'000);
  REQUIRE(store->begin_attempt(
      a, {statement("a", a.uuid), statement("b", a.uuid), statement("c", a.uuid), statement("d", a.uuid)}));
  REQUIRE(store->outbox_mark_sent({"a"}, WallTime{30'000}));
  REQUIRE(store->outbox_defer({"b", "c"}, WallTime{60'000}, "HTTP 503 from the LRS"));
  // Deferred statements are not due before their time; the others are.
  auto due = store->outbox_due(10, WallTime{40'000});
  REQUIRE(due.size() == 1);
  CHECK(due[0].statement.id == "d");
  CHECK(store->outbox_next_try_ms() == WallTime{});  // d is due now
  REQUIRE(store->outbox_set_aside("d", "set aside: HTTP 400 from the LRS", WallTime{41'000}));
  CHECK(store->outbox_next_try_ms() == WallTime{60'000});
  due = store->outbox_due(10, WallTime{60'000});
  REQUIRE(due.size() == 2);
  CHECK(due[0].tries == 1);
  CHECK(due[0].last_error == "HTTP 503 from the LRS");

  OutboxCounts c = store->outbox_counts();
  CHECK(c.queued == 2);
  CHECK(c.sent == 1);
  CHECK(c.set_aside == 1);
  CHECK(c.last_sent_ms == WallTime{30'000});
  // The frame loop's cheap read: the same except the delivered total.
  const OutboxCounts cheap = store->outbox_counts(false);
  CHECK(cheap.queued == 2);
  CHECK(cheap.set_aside == 1);
  CHECK(cheap.last_sent_ms == WallTime{30'000});
  CHECK(cheap.sent == 0);
  auto aside = store->outbox_list(OutboxState::set_aside, 10);
  REQUIRE(aside.size() == 1);
  CHECK(aside[0].last_error == "set aside: HTTP 400 from the LRS");
  CHECK(aside[0].done_ms == WallTime{41'000});

  // Only queued statements can be set aside; only set-aside ones voided.
  CHECK(store->outbox_set_aside("a", "x", WallTime{1}).code == StoreError::not_found);
  CHECK(store->outbox_void("b", "x", WallTime{1}).code == StoreError::not_found);

  // Retry one: back in the queue and due now; a retry of all also makes deferred ones due.
  CHECK(store->outbox_retry("d", WallTime{42'000}) == 1);
  CHECK(store->outbox_find("d")->state == OutboxState::queued);
  CHECK(store->outbox_due(10, WallTime{42'000}).size() == 1);
  CHECK(store->outbox_retry("", WallTime{43'000}) == 3);
  CHECK(store->outbox_due(10, WallTime{43'000}).size() == 3);

  // "Send now" makes deferred statements due without touching set-aside ones.
  REQUIRE(store->outbox_defer({"b"}, WallTime{90'000}, "HTTP 503"));
  CHECK(store->outbox_due(10, WallTime{44'000}).size() == 2);
  CHECK(store->outbox_make_due(WallTime{44'000}) == 1);
  CHECK(store->outbox_due(10, WallTime{44'000}).size() == 3);

  REQUIRE(store->outbox_set_aside("d", "conflict", WallTime{44'000}));
  REQUIRE(store->outbox_void("d", "duplicate of a statement sent by hand", WallTime{45'000}));
  const auto voided = store->outbox_find("d");
  REQUIRE(voided);
  CHECK(voided->state == OutboxState::voided);
  CHECK(voided->last_error == "duplicate of a statement sent by hand");
  CHECK(store->outbox_retry("d", WallTime{46'000}) == 0);  // a voided statement stays voided
  CHECK(store->outbox_counts().voided == 1);
}

TEST_CASE("Pruning delivered statements keeps the last delivery time", "[store][outbox]") {
  TempDir dir;
  auto store = store_with_operator(dir);
  auto a = make_attempt("101", "reversal", 10'000);
  REQUIRE(store->begin_attempt(a, {statement("old", a.uuid), statement("new", a.uuid), statement("wait", a.uuid)}));
  REQUIRE(store->outbox_mark_sent({"old"}, WallTime{20'000}));
  REQUIRE(store->outbox_mark_sent({"new"}, WallTime{90'000}));
  CHECK(store->outbox_prune_sent(WallTime{50'000}) == 1);
  CHECK_FALSE(store->outbox_find("old"));
  CHECK(store->outbox_find("new"));
  CHECK(store->outbox_find("wait"));  // never a waiting statement
  CHECK(store->outbox_prune_sent(WallTime{100'000}) == 1);
  const OutboxCounts c = store->outbox_counts();
  CHECK(c.sent == 0);
  CHECK(c.queued == 1);
  CHECK(c.last_sent_ms == WallTime{90'000});
}

TEST_CASE("Certifications from the LRS are cached per operator", "[store][outbox]") {
  TempDir dir;
  auto store = store_with_operator(dir);
  RemoteAward r;
  r.statement_id = "st-1";
  r.operator_id = "101";
  r.track_id = "card_payments_l1";
  r.awarded_ms = WallTime{1'000};
  r.kiosk_id = "kiosk-7";
  r.store_id = "S09";
  RemoteAward other = r;
  other.statement_id = "st-2";
  other.operator_id = "102";  // not 101's: ignored
  REQUIRE(store->replace_remote_awards("101", {r, other}, WallTime{5'000}));
  auto got = store->remote_awards("101");
  REQUIRE(got.size() == 1);
  CHECK(got[0].track_id == "card_payments_l1");
  CHECK(got[0].kiosk_id == "kiosk-7");
  CHECK(got[0].store_id == "S09");
  CHECK(store->remote_awards("102").empty());
  // A fresh answer replaces the cache (a voided certification disappears).
  REQUIRE(store->replace_remote_awards("101", {}, WallTime{6'000}));
  CHECK(store->remote_awards("101").empty());
}

TEST_CASE("A version 1 database migrates to the outbox schema keeping its records", "[store][outbox][migration]") {
  // (and on to the latest schema)
  TempDir dir;
  {
    auto store = store_with_operator(dir);
    auto a = make_attempt("101", "reversal", 10'000);
    REQUIRE(store->begin_attempt(a));
    REQUIRE(store->finish_attempt(closed(a, 11'000, 1.0, true)));
  }
  // Turn the file back into what version 1 wrote.
  back_to_schema(dir.db(), 1);
  auto store = open_ok(dir.db());
  CHECK(store->user_version() == SqliteStore::schema_version);
  CHECK(store->attempts("101").size() == 1);
  CHECK(store->outbox_counts().queued == 0);
  auto a = make_attempt("101", "wrong_pin", 20'000);
  REQUIRE(store->begin_attempt(a, {statement("after-migration", a.uuid)}));
  CHECK(store->outbox_counts().queued == 1);
  CHECK(store->check().empty());
}
