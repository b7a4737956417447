// Operators and their PINs: fields checked, PINs only as argon2id hashes, the lock-out.
#include <catch2/catch.hpp>

#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

namespace {
const char* const pin = "27183946";  // passes check_pin; easy to search the file for
const char* const other_pin = "31415926";
}  // namespace

TEST_CASE("Operators are added found and listed by employee id", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  CHECK(store->operators().empty());
  CHECK_FALSE(store->has_active_admin());
  CHECK_FALSE(store->has_active_manager());

  auto b = make_operator("22", Role::manager);
  b.name = "李雷 Li Lei";
  b.lang = Lang::en;
  b.created_ms = WallTime{1700000000123};
  REQUIRE(store->add_operator(b, pin));
  // A manager is enough to skip the first run; an administrator is another question.
  CHECK(store->has_active_manager());
  CHECK_FALSE(store->has_active_admin());
  REQUIRE(store->add_operator(make_operator("11", Role::admin), pin));
  auto c = make_operator("33");
  c.active = false;
  REQUIRE(store->add_operator(c, pin));

  auto found = store->find_operator("22");
  REQUIRE(found);
  CHECK(found->name == "李雷 Li Lei");
  CHECK(found->role == Role::manager);
  CHECK(found->store_id == "S01");
  CHECK(found->lang == Lang::en);
  CHECK(found->active);
  CHECK(found->created_ms == WallTime{1700000000123});
  CHECK_FALSE(store->find_operator("nobody"));

  auto all = store->operators();
  REQUIRE(all.size() == 3);
  CHECK(all[0].employee_id == "11");
  CHECK(all[1].employee_id == "22");
  CHECK(all[2].employee_id == "33");
  CHECK_FALSE(all[2].active);
  CHECK(store->operators(false).size() == 2);
  CHECK(store->has_active_admin());
  REQUIRE(store->set_active("11", false));
  CHECK_FALSE(store->has_active_admin());
}

TEST_CASE("Adding an operator refuses duplicates and bad fields", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), pin));

  auto dup = make_operator("101");
  dup.name = "Someone else";
  auto st = store->add_operator(dup, other_pin);
  CHECK(st.code == StoreError::exists);
  CHECK(store->find_operator("101")->name == "Operator 101");

  CHECK(store->add_operator(make_operator(""), pin).code == StoreError::invalid);
  CHECK(store->add_operator(make_operator("has space"), pin).code == StoreError::invalid);
  auto unnamed = make_operator("102");
  unnamed.name = "";
  st = store->add_operator(unnamed, pin);
  CHECK(st.code == StoreError::invalid);
  CHECK(st.message == field_error_en(FieldError::name_empty));

  st = store->add_operator(make_operator("103"), "765432");  // a straight run down
  CHECK(st.code == StoreError::invalid);
  CHECK(st.message == field_error_en(FieldError::pin_weak));
  CHECK(st.message.find("765432") == std::string::npos);
  CHECK(store->add_operator(make_operator("104"), "12a4").code == StoreError::invalid);
  CHECK(store->add_operator(make_operator("105"), "123").code == StoreError::invalid);
  CHECK(store->operators().size() == 1);
}

TEST_CASE("PINs are stored only as argon2id hashes", "[store][operators]") {
  TempDir dir;
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("101"), pin));
    REQUIRE(store->reset_pin("101", other_pin));
    REQUIRE(store->add_operator(make_operator("102"), pin));
    CHECK(store->check().empty());  // check() verifies every hash starts with $argon2id$
    // Look at the raw bytes while the store is open, so the WAL still holds the recent pages.
    std::string bytes = read_bytes(dir.db()) + read_bytes(dir.db().string() + "-wal");
    CHECK(bytes.find("$argon2id$") != std::string::npos);
    CHECK(bytes.find(pin) == std::string::npos);
    CHECK(bytes.find(other_pin) == std::string::npos);
  }
  std::string bytes = read_bytes(dir.db()) + read_bytes(dir.db().string() + "-wal");
  CHECK(bytes.find("$argon2id$v=19$m=19456,t=2,p=1$") != std::string::npos);
  CHECK(bytes.find(pin) == std::string::npos);
  CHECK(bytes.find(other_pin) == std::string::npos);
}

TEST_CASE("verify_pin accepts the right PIN and counts wrong ones", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), pin));

  auto r = store->verify_pin("101", pin, WallTime{10'000});
  CHECK(r.outcome == PinOutcome::ok);
  CHECK(r.op.employee_id == "101");
  CHECK(r.op.name == "Operator 101");

  for (int left = pin_max_failures - 1; left >= 1; --left) {
    r = store->verify_pin("101", other_pin, WallTime{10'000});
    CHECK(r.outcome == PinOutcome::wrong);
    CHECK(r.tries_left == left);
  }
  // A right PIN before the limit clears the count: four more wrong ones do not lock.
  CHECK(store->verify_pin("101", pin, WallTime{10'000}).outcome == PinOutcome::ok);
  r = store->verify_pin("101", other_pin, WallTime{10'000});
  CHECK(r.outcome == PinOutcome::wrong);
  CHECK(r.tries_left == pin_max_failures - 1);
}

TEST_CASE("an id nobody has answers like a wrong PIN and is counted then locked for as long", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), pin));
  WallTime t{10'000};
  for (int left = pin_max_failures - 1; left >= 1; --left) {
    const PinCheck known = store->verify_pin("101", other_pin, t += 1000);
    const PinCheck unknown = store->verify_pin("555", pin, t += 1000);
    CHECK(known.outcome == PinOutcome::wrong);
    CHECK(unknown.outcome == PinOutcome::wrong);
    CHECK(unknown.tries_left == left);
    CHECK(known.tries_left == unknown.tries_left);
    CHECK(unknown.op.employee_id.empty());
  }
  const PinCheck known = store->verify_pin("101", other_pin, t += 1000);
  const PinCheck unknown = store->verify_pin("555", pin, t);
  CHECK(known.outcome == PinOutcome::locked);
  CHECK(unknown.outcome == PinOutcome::locked);
  CHECK(unknown.locked_until_ms == known.locked_until_ms);
  CHECK(store->verify_pin("555", pin, unknown.locked_until_ms - 1).outcome == PinOutcome::locked);
  // The lock passes as an account's does: a fresh set of tries.
  const PinCheck after = store->verify_pin("555", pin, unknown.locked_until_ms);
  CHECK(after.outcome == PinOutcome::wrong);
  CHECK(after.tries_left == pin_max_failures - 1);
  // Another unknown id has its own count.
  CHECK(store->verify_pin("556", pin, t).tries_left == pin_max_failures - 1);
}

TEST_CASE("a version 3 database migrates and counts unknown ids from then on", "[store][operators][migration]") {
  TempDir dir;
  { auto store = open_ok(dir.db()); }
  back_to_schema(dir.db(), 3);
  auto store = open_ok(dir.db());
  CHECK(store->user_version() == SqliteStore::schema_version);
  CHECK(store->verify_pin("555", pin, WallTime{10'000}).tries_left == pin_max_failures - 1);
  CHECK(store->check().empty());
}

TEST_CASE("an account made for an id that was guessed at starts with a fresh count", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  for (int i = 0; i < pin_max_failures; ++i) store->verify_pin("777", other_pin, WallTime{10'000});
  REQUIRE(store->verify_pin("777", other_pin, WallTime{10'001}).outcome == PinOutcome::locked);
  REQUIRE(store->add_operator(make_operator("777"), pin));
  CHECK(store->verify_pin("777", pin, WallTime{10'002}).outcome == PinOutcome::ok);
}

TEST_CASE("Five wrong PINs lock the operator for fifteen minutes", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), pin));
  WallTime t{1'000'000};
  for (int i = 1; i < pin_max_failures; ++i)
    CHECK(store->verify_pin("101", other_pin, t += 1000).outcome == PinOutcome::wrong);
  auto r = store->verify_pin("101", other_pin, t += 1000);
  CHECK(r.outcome == PinOutcome::locked);
  CHECK(r.tries_left == 0);
  CHECK(r.locked_until_ms == t + pin_lockout_ms);
  const WallTime until = r.locked_until_ms;

  // While locked even the right PIN is refused, and the lock does not move.
  r = store->verify_pin("101", pin, t + 1);
  CHECK(r.outcome == PinOutcome::locked);
  CHECK(r.locked_until_ms == until);
  r = store->verify_pin("101", pin, until - 1);
  CHECK(r.outcome == PinOutcome::locked);

  // The lock survives a restart.
  store.reset();
  store = open_ok(dir.db());
  CHECK(store->verify_pin("101", pin, until - 1).outcome == PinOutcome::locked);

  // When it has passed the count starts again: one wrong PIN leaves four tries.
  r = store->verify_pin("101", other_pin, until);
  CHECK(r.outcome == PinOutcome::wrong);
  CHECK(r.tries_left == pin_max_failures - 1);
  CHECK(store->verify_pin("101", pin, until + 1).outcome == PinOutcome::ok);
}

TEST_CASE("reset_pin lifts a lock and replaces the PIN", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), pin));
  const WallTime t{5'000'000};
  for (int i = 0; i < pin_max_failures; ++i) store->verify_pin("101", other_pin, t);
  REQUIRE(store->verify_pin("101", pin, t + 1).outcome == PinOutcome::locked);

  REQUIRE(store->reset_pin("101", other_pin));
  CHECK(store->verify_pin("101", pin, t + 2).outcome == PinOutcome::wrong);  // the old PIN is gone
  auto r = store->verify_pin("101", other_pin, t + 3);
  CHECK(r.outcome == PinOutcome::ok);

  CHECK(store->reset_pin("nobody", other_pin).code == StoreError::not_found);
  CHECK(store->reset_pin("101", "1111").code == StoreError::invalid);
}

TEST_CASE("An inactive operator cannot sign in", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("101"), pin));
  REQUIRE(store->set_active("101", false));
  // The right PIN learns that the account is switched off.
  auto r = store->verify_pin("101", pin, WallTime{1000});
  CHECK(r.outcome == PinOutcome::inactive);
  CHECK(r.op.employee_id == "101");
  // A wrong PIN learns nothing more than on an active account or an unknown id: counted, then
  // locked; not even the right PIN gets through the lock.
  for (int i = 0; i < pin_max_failures - 1; ++i) {
    r = store->verify_pin("101", other_pin, WallTime{1000});
    CHECK(r.outcome == PinOutcome::wrong);
    CHECK(r.tries_left == pin_max_failures - 1 - i);
  }
  CHECK(store->verify_pin("101", other_pin, WallTime{1000}).outcome == PinOutcome::locked);
  CHECK(store->verify_pin("101", pin, WallTime{1001}).outcome == PinOutcome::locked);
  // Switched back on, every try is there again.
  REQUIRE(store->set_active("101", true));
  r = store->verify_pin("101", other_pin, WallTime{1002});
  CHECK(r.outcome == PinOutcome::wrong);
  CHECK(r.tries_left == pin_max_failures - 1);
  CHECK(store->verify_pin("101", pin, WallTime{1003}).outcome == PinOutcome::ok);
  // Switching off keeps the count as it is.
  store->verify_pin("101", other_pin, WallTime{1004});
  REQUIRE(store->set_active("101", false));
  r = store->verify_pin("101", other_pin, WallTime{1005});
  CHECK(r.outcome == PinOutcome::wrong);
  CHECK(r.tries_left == pin_max_failures - 2);
  CHECK(store->set_active("nobody", true).code == StoreError::not_found);
}

TEST_CASE("Language and role changes persist across reopen", "[store][operators]") {
  TempDir dir;
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("101"), pin));
    REQUIRE(store->set_language("101", Lang::en));
    REQUIRE(store->set_role("101", Role::manager));
    CHECK(store->set_language("nobody", Lang::en).code == StoreError::not_found);
    CHECK(store->set_role("nobody", Role::admin).code == StoreError::not_found);
  }
  auto store = open_ok(dir.db());
  auto op = store->find_operator("101");
  REQUIRE(op);
  CHECK(op->lang == Lang::en);
  CHECK(op->role == Role::manager);
  REQUIRE(store->set_language("101", Lang::zh));
  CHECK(store->find_operator("101")->lang == Lang::zh);
}
