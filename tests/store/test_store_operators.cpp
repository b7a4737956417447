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

  auto b = make_operator("B-2", Role::manager);
  b.name = "李雷 Li Lei";
  b.lang = Lang::en;
  b.created_ms = 1700000000123;
  REQUIRE(store->add_operator(b, pin));
  // A manager is enough to skip the first run; an administrator is another question.
  CHECK(store->has_active_manager());
  CHECK_FALSE(store->has_active_admin());
  REQUIRE(store->add_operator(make_operator("A.1", Role::admin), pin));
  auto c = make_operator("C_3");
  c.active = false;
  REQUIRE(store->add_operator(c, pin));

  auto found = store->find_operator("B-2");
  REQUIRE(found);
  CHECK(found->name == "李雷 Li Lei");
  CHECK(found->role == Role::manager);
  CHECK(found->store_id == "S01");
  CHECK(found->lang == Lang::en);
  CHECK(found->active);
  CHECK(found->created_ms == 1700000000123);
  CHECK_FALSE(store->find_operator("nobody"));

  auto all = store->operators();
  REQUIRE(all.size() == 3);
  CHECK(all[0].employee_id == "A.1");
  CHECK(all[1].employee_id == "B-2");
  CHECK(all[2].employee_id == "C_3");
  CHECK_FALSE(all[2].active);
  CHECK(store->operators(false).size() == 2);
  CHECK(store->has_active_admin());
  REQUIRE(store->set_active("A.1", false));
  CHECK_FALSE(store->has_active_admin());
}

TEST_CASE("Adding an operator refuses duplicates and bad fields", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("E1"), pin));

  auto dup = make_operator("E1");
  dup.name = "Someone else";
  auto st = store->add_operator(dup, other_pin);
  CHECK(st.code == StoreError::exists);
  CHECK(store->find_operator("E1")->name == "Operator E1");

  CHECK(store->add_operator(make_operator(""), pin).code == StoreError::invalid);
  CHECK(store->add_operator(make_operator("has space"), pin).code == StoreError::invalid);
  auto unnamed = make_operator("E2");
  unnamed.name = "";
  st = store->add_operator(unnamed, pin);
  CHECK(st.code == StoreError::invalid);
  CHECK(st.message == field_error_en(FieldError::name_empty));

  st = store->add_operator(make_operator("E3"), "765432");  // a straight run down
  CHECK(st.code == StoreError::invalid);
  CHECK(st.message == field_error_en(FieldError::pin_weak));
  CHECK(st.message.find("765432") == std::string::npos);
  CHECK(store->add_operator(make_operator("E4"), "12a4").code == StoreError::invalid);
  CHECK(store->add_operator(make_operator("E5"), "123").code == StoreError::invalid);
  CHECK(store->operators().size() == 1);
}

TEST_CASE("PINs are stored only as argon2id hashes", "[store][operators]") {
  TempDir dir;
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("E1"), pin));
    REQUIRE(store->reset_pin("E1", other_pin));
    REQUIRE(store->add_operator(make_operator("E2"), pin));
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
  REQUIRE(store->add_operator(make_operator("E1"), pin));

  auto r = store->verify_pin("E1", pin, 10'000);
  CHECK(r.outcome == PinOutcome::ok);
  CHECK(r.op.employee_id == "E1");
  CHECK(r.op.name == "Operator E1");

  for (int left = pin_max_failures - 1; left >= 1; --left) {
    r = store->verify_pin("E1", other_pin, 10'000);
    CHECK(r.outcome == PinOutcome::wrong);
    CHECK(r.tries_left == left);
  }
  // A right PIN before the limit clears the count: four more wrong ones do not lock.
  CHECK(store->verify_pin("E1", pin, 10'000).outcome == PinOutcome::ok);
  r = store->verify_pin("E1", other_pin, 10'000);
  CHECK(r.outcome == PinOutcome::wrong);
  CHECK(r.tries_left == pin_max_failures - 1);

  r = store->verify_pin("nobody", pin, 10'000);
  CHECK(r.outcome == PinOutcome::unknown_operator);
}

TEST_CASE("Five wrong PINs lock the operator for fifteen minutes", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("E1"), pin));
  int64_t t = 1'000'000;
  for (int i = 1; i < pin_max_failures; ++i)
    CHECK(store->verify_pin("E1", other_pin, t += 1000).outcome == PinOutcome::wrong);
  auto r = store->verify_pin("E1", other_pin, t += 1000);
  CHECK(r.outcome == PinOutcome::locked);
  CHECK(r.tries_left == 0);
  CHECK(r.locked_until_ms == t + pin_lockout_ms);
  const int64_t until = r.locked_until_ms;

  // While locked even the right PIN is refused, and the lock does not move.
  r = store->verify_pin("E1", pin, t + 1);
  CHECK(r.outcome == PinOutcome::locked);
  CHECK(r.locked_until_ms == until);
  r = store->verify_pin("E1", pin, until - 1);
  CHECK(r.outcome == PinOutcome::locked);

  // The lock survives a restart.
  store.reset();
  store = open_ok(dir.db());
  CHECK(store->verify_pin("E1", pin, until - 1).outcome == PinOutcome::locked);

  // When it has passed the count starts again: one wrong PIN leaves four tries.
  r = store->verify_pin("E1", other_pin, until);
  CHECK(r.outcome == PinOutcome::wrong);
  CHECK(r.tries_left == pin_max_failures - 1);
  CHECK(store->verify_pin("E1", pin, until + 1).outcome == PinOutcome::ok);
}

TEST_CASE("reset_pin lifts a lock and replaces the PIN", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("E1"), pin));
  const int64_t t = 5'000'000;
  for (int i = 0; i < pin_max_failures; ++i) store->verify_pin("E1", other_pin, t);
  REQUIRE(store->verify_pin("E1", pin, t + 1).outcome == PinOutcome::locked);

  REQUIRE(store->reset_pin("E1", other_pin));
  CHECK(store->verify_pin("E1", pin, t + 2).outcome == PinOutcome::wrong);  // the old PIN is gone
  auto r = store->verify_pin("E1", other_pin, t + 3);
  CHECK(r.outcome == PinOutcome::ok);

  CHECK(store->reset_pin("nobody", other_pin).code == StoreError::not_found);
  CHECK(store->reset_pin("E1", "1111").code == StoreError::invalid);
}

TEST_CASE("An inactive operator cannot sign in", "[store][operators]") {
  TempDir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->add_operator(make_operator("E1"), pin));
  REQUIRE(store->set_active("E1", false));
  auto r = store->verify_pin("E1", pin, 1000);
  CHECK(r.outcome == PinOutcome::inactive);
  CHECK(r.op.employee_id == "E1");
  // Wrong PINs on an inactive operator are not even counted: reactivated, all tries remain.
  for (int i = 0; i < pin_max_failures + 2; ++i)
    CHECK(store->verify_pin("E1", other_pin, 1000).outcome == PinOutcome::inactive);
  REQUIRE(store->set_active("E1", true));
  r = store->verify_pin("E1", other_pin, 1000);
  CHECK(r.outcome == PinOutcome::wrong);
  CHECK(r.tries_left == pin_max_failures - 1);
  CHECK(store->set_active("nobody", true).code == StoreError::not_found);
}

TEST_CASE("Language and role changes persist across reopen", "[store][operators]") {
  TempDir dir;
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("E1"), pin));
    REQUIRE(store->set_language("E1", Lang::en));
    REQUIRE(store->set_role("E1", Role::manager));
    CHECK(store->set_language("nobody", Lang::en).code == StoreError::not_found);
    CHECK(store->set_role("nobody", Role::admin).code == StoreError::not_found);
  }
  auto store = open_ok(dir.db());
  auto op = store->find_operator("E1");
  REQUIRE(op);
  CHECK(op->lang == Lang::en);
  CHECK(op->role == Role::manager);
  REQUIRE(store->set_language("E1", Lang::zh));
  CHECK(store->find_operator("E1")->lang == Lang::zh);
}
