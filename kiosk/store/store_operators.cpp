// SqliteStore's operators and PINs (store.h): argon2id hashes, the lock-out, account changes.
#include "kiosk/store/store.h"
#include "kiosk/store/store_sql.h"

#include <sodium.h>

namespace posdrill {

using namespace store_sql;

namespace {

// argon2id at OWASP's minimum (t=2, m=19 MiB): ~tens of ms per sign-in on the kiosk, and a stolen
// file costs an attacker the same per guess. Four-to-eight-digit PINs are few, so the lock-out,
// not the hash, is what protects a PIN at the till; the hash protects the file.
constexpr unsigned long long pin_opslimit = 2;
constexpr std::size_t pin_memlimit = 19u * 1024u * 1024u;

bool hash_pin(std::string_view pin, std::string& out) {
  ensure_sodium();
  char buf[crypto_pwhash_argon2id_STRBYTES];
  if (crypto_pwhash_argon2id_str(buf, pin.data(), pin.size(), pin_opslimit, pin_memlimit) != 0) return false;
  out = buf;
  return true;
}

bool pin_matches(const std::string& hash, std::string_view pin) {
  ensure_sodium();
  return crypto_pwhash_argon2id_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

// An unknown employee id costs the same argon2 verification as a known one, against a hash of a
// random secret made once: the time of the answer never tells which ids exist.
void spend_a_pin_check(std::string_view pin) {
  static const std::string dummy = [] {
    ensure_sodium();
    unsigned char secret[16];
    randombytes_buf(secret, sizeof secret);
    std::string hash;
    hash_pin(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret), hash);
    sodium_memzero(secret, sizeof secret);
    return hash;
  }();
  if (!dummy.empty()) (void)pin_matches(dummy, pin);
}

StoreStatus field_status(FieldError e) { return make_status(StoreError::invalid, std::string(field_error_en(e))); }

OperatorRecord read_operator(const Stmt& s) {
  // Columns: employee_id, name, role, store_id, lang, active, created_ms, locked_until_ms
  OperatorRecord op;
  op.employee_id = s.text(0);
  op.name = s.text(1);
  op.role = parse_role(s.text(2)).value_or(Role::trainee);
  op.store_id = s.text(3);
  op.lang = parse_lang_or_zh(s.text(4));
  op.active = s.flag(5);
  op.created_ms = s.wall(6);
  op.locked_until_ms = s.wall(7);
  return op;
}
constexpr const char* operator_columns = "employee_id, name, role, store_id, lang, active, created_ms, locked_until_ms";

}  // namespace

// ---- [SECTION] Operators and PINs ---------------------------------------------------------------

StoreStatus SqliteStore::add_operator(const OperatorRecord& op, std::string_view pin) {
  if (auto e = check_employee_id(op.employee_id); e != FieldError::none) return field_status(e);
  if (auto e = check_operator_name(op.name); e != FieldError::none) return field_status(e);
  if (auto e = check_pin(pin); e != FieldError::none) return field_status(e);
  // Hash before the write lock: argon2 takes tens of ms and other writers should not wait for it.
  std::string hash;
  if (!hash_pin(pin, hash)) return make_status(StoreError::io, "cannot hash the PIN (out of memory)");

  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  if (const int rc = operator_exists(db_, op.employee_id); rc == SQLITE_ROW)
    return make_status(StoreError::exists, "an operator with employee id " + op.employee_id + " already exists");
  else if (rc != SQLITE_DONE)
    return failed(rc, "cannot read the operators");
  Stmt s(db_,
         "INSERT INTO operators (employee_id, name, role, store_id, lang, active, created_ms, pin_hash) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.bind(1, op.employee_id).bind(2, op.name).bind(3, role_name(op.role)).bind(4, op.store_id);
  s.bind(5, lang_code(op.lang)).bind(6, op.active).bind(7, op.created_ms).bind(8, hash);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return failed(rc, "cannot add the operator");
  // Wrong tries counted while nobody had this id belong to no one: the account starts fresh.
  Stmt forget(db_, "DELETE FROM unknown_sign_ins WHERE employee_id = ?1");
  forget.bind(1, op.employee_id);
  if (int rc = exec_bound(forget); rc != SQLITE_OK) return failed(rc, "cannot add the operator");
  return tx.commit();
}

StoreFound<OperatorRecord> SqliteStore::find_operator(std::string_view employee_id) {
  std::string sql = std::string("SELECT ") + operator_columns + " FROM operators WHERE employee_id = ?1";
  Stmt s(db_, sql.c_str());
  s.bind(1, employee_id);
  StoreFound<OperatorRecord> out;
  if (int rc = read_one(s, out, read_operator); rc != SQLITE_OK) out.status = failed(rc, "cannot read the operator");
  return out;
}

StoreList<OperatorRecord> SqliteStore::operators(bool include_inactive) {
  std::string sql = std::string("SELECT ") + operator_columns + " FROM operators WHERE active = 1 OR ?1 = 1 " +
                    "ORDER BY employee_id";
  Stmt s(db_, sql.c_str());
  s.bind(1, include_inactive);
  StoreList<OperatorRecord> out;
  if (int rc = read_rows(s, out, read_operator); rc != SQLITE_OK) out.status = failed(rc, "cannot read the operators");
  return out;
}

bool SqliteStore::has_active_admin() {
  Stmt s(db_, "SELECT 1 FROM operators WHERE role = 'admin' AND active = 1 LIMIT 1");
  const int rc = s.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) failed(rc, "cannot read the operators");  // remembered as damage
  return rc == SQLITE_ROW;
}

bool SqliteStore::has_active_manager() {
  Stmt s(db_, "SELECT 1 FROM operators WHERE role IN ('manager', 'admin') AND active = 1 LIMIT 1");
  const int rc = s.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) failed(rc, "cannot read the operators");
  return rc == SQLITE_ROW;
}

namespace {
// The lock-out arithmetic, one code path for an account and for an id nobody has, so both answer
// alike. True (with `result` filled) while the lock holds; a lock that has passed starts a fresh
// set of tries.
bool lock_holds(int& wrong_tries, WallTime& locked_until, WallTime now_ms, PinCheck& result) {
  if (locked_until.is_set() && now_ms < locked_until) {
    result.outcome = PinOutcome::locked;
    result.locked_until_ms = locked_until;
    return true;
  }
  if (locked_until.is_set()) wrong_tries = 0;
  return false;
}

// One wrong PIN after `wrong_tries` others: counts it, and the try that reaches the limit already
// reports the lock, so the screen can say until when.
void count_wrong_pin(int& wrong_tries, WallTime& locked_until, WallTime now_ms, PinCheck& result) {
  ++wrong_tries;
  if (wrong_tries >= pin_max_failures) {
    locked_until = now_ms + pin_lockout_ms;
    result.outcome = PinOutcome::locked;
    result.locked_until_ms = locked_until;
    result.tries_left = 0;
  } else {
    locked_until = WallTime{};
    result.outcome = PinOutcome::wrong;
    result.tries_left = pin_max_failures - wrong_tries;
  }
}

// verify_pin for an id nobody has, inside its transaction.
PinCheck verify_unknown(sqlite3* db, std::string_view employee_id, std::string_view pin, WallTime now_ms, WriteTx& tx) {
  PinCheck result;
  spend_a_pin_check(pin);  // the time of the answer never tells either
  int wrong_tries = 0;
  WallTime locked_until;
  {
    Stmt s(db, "SELECT failed_pins, locked_until_ms FROM unknown_sign_ins WHERE employee_id = ?1");
    s.bind(1, employee_id);
    if (s.step() == SQLITE_ROW) {
      wrong_tries = s.i32(0);
      locked_until = s.wall(1);
    }
  }
  if (lock_holds(wrong_tries, locked_until, now_ms, result)) return result;
  count_wrong_pin(wrong_tries, locked_until, now_ms, result);
  // Rows whose lock has passed count for nothing any more: the table stays as small as the
  // guessing going on right now.
  Stmt prune(db, "DELETE FROM unknown_sign_ins WHERE locked_until_ms != 0 AND locked_until_ms <= ?1");
  prune.bind(1, now_ms);
  Stmt u(db,
         "INSERT INTO unknown_sign_ins (employee_id, failed_pins, locked_until_ms) VALUES (?1, ?2, ?3) "
         "ON CONFLICT (employee_id) DO UPDATE SET failed_pins = ?2, locked_until_ms = ?3");
  u.bind(1, employee_id).bind(2, wrong_tries).bind(3, locked_until);
  if (exec_bound(prune) != SQLITE_OK || exec_bound(u) != SQLITE_OK || !tx.commit())
    result.outcome = PinOutcome::unknown_operator;  // not counted: still "wrong" on screen
  return result;
}
}  // namespace

// Order of the checks: unknown, locked, the PIN, then whether the account is switched off. Only
// the PIN costs an argon2 verification, and it is the only one that can change the failure count.
// A switched-off account is said to be so only to someone who knows its PIN: a wrong PIN on it
// is counted and locks exactly as on any account, so the screen never tells which ids exist. An unknown id costs
// the same verification and is counted and locked in unknown_sign_ins: the caller sees `wrong`
// or `locked` as for an account (op left empty). The whole check runs under the write lock so
// two kiosks typing at once cannot both spend the last try.
PinCheck SqliteStore::verify_pin(std::string_view employee_id, std::string_view pin, WallTime now_ms) {
  PinCheck result;
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return result;  // unknown_operator: the screens say "wrong" and nothing is counted

  // operator_columns end with locked_until_ms (column 7).
  std::string sql = std::string("SELECT ") + operator_columns + ", pin_hash, failed_pins FROM operators WHERE employee_id = ?1";
  Stmt s(db_, sql.c_str());
  s.bind(1, employee_id);
  if (s.step() != SQLITE_ROW) {
    s.reset();
    return verify_unknown(db_, employee_id, pin, now_ms, tx);
  }
  result.op = read_operator(s);
  WallTime locked_until = s.wall(7);
  std::string hash = s.text(8);
  int wrong_tries = s.i32(9);
  s.reset();  // done reading; the UPDATE below runs on the same connection

  if (lock_holds(wrong_tries, locked_until, now_ms, result)) return result;

  if (pin_matches(hash, pin)) {
    wrong_tries = 0;
    locked_until = WallTime{};
    result.outcome = result.op.active ? PinOutcome::ok : PinOutcome::inactive;
    result.tries_left = pin_max_failures;
  } else {
    count_wrong_pin(wrong_tries, locked_until, now_ms, result);
  }
  Stmt u(db_, "UPDATE operators SET failed_pins = ?2, locked_until_ms = ?3 WHERE employee_id = ?1");
  u.bind(1, employee_id).bind(2, wrong_tries).bind(3, locked_until);
  if (exec_bound(u) != SQLITE_OK || !tx.commit()) {
    // The count could not be kept; refuse rather than let an unrecorded wrong try through.
    if (result.outcome == PinOutcome::ok) result.outcome = PinOutcome::wrong;
  }
  return result;
}

StoreStatus SqliteStore::reset_pin(std::string_view employee_id, std::string_view new_pin) {
  if (auto e = check_pin(new_pin); e != FieldError::none) return field_status(e);
  std::string hash;
  if (!hash_pin(new_pin, hash)) return make_status(StoreError::io, "cannot hash the PIN (out of memory)");
  WriteTx tx(db_, file_, write_refusal());
  if (!tx.status()) return tx.status();
  Stmt s(db_, "UPDATE operators SET pin_hash = ?2, failed_pins = 0, locked_until_ms = 0 WHERE employee_id = ?1");
  s.bind(1, employee_id).bind(2, hash);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return failed(rc, "cannot reset the PIN");
  if (sqlite3_changes(db_) == 0)
    return make_status(StoreError::not_found, "no operator with employee id " + std::string(employee_id));
  return tx.commit();
}

namespace {
// One-column operator updates: `sql` has ?1 = employee id, ?2 = the value.
template <typename V>
StoreStatus update_operator(sqlite3* db, const std::filesystem::path& file, const StoreStatus& refusal, const char* sql,
                            std::string_view id, const V& value, const char* what) {
  WriteTx tx(db, file, refusal);
  if (!tx.status()) return tx.status();
  Stmt s(db, sql);
  s.bind(1, id).bind(2, value);
  if (int rc = exec_bound(s); rc != SQLITE_OK) return sql_status(db, file, rc, what);
  if (sqlite3_changes(db) == 0)
    return make_status(StoreError::not_found, "no operator with employee id " + std::string(id));
  return tx.commit();
}
}  // namespace

StoreStatus SqliteStore::set_active(std::string_view employee_id, bool active) {
  // Switching an account back on starts it with every try: what was typed while it was off
  // (by its owner or anyone) is not held against it.
  return update_operator(db_, file_, write_refusal(),
                         "UPDATE operators SET active = ?2, failed_pins = CASE WHEN ?2 THEN 0 ELSE failed_pins END, "
                         "locked_until_ms = CASE WHEN ?2 THEN 0 ELSE locked_until_ms END WHERE employee_id = ?1",
                         employee_id, active, "cannot change whether the operator is active");
}

StoreStatus SqliteStore::set_language(std::string_view employee_id, Lang lang) {
  return update_operator(db_, file_, write_refusal(), "UPDATE operators SET lang = ?2 WHERE employee_id = ?1",
                         employee_id, lang_code(lang), "cannot change the operator's language");
}

StoreStatus SqliteStore::set_role(std::string_view employee_id, Role role) {
  return update_operator(db_, file_, write_refusal(), "UPDATE operators SET role = ?2 WHERE employee_id = ?1",
                         employee_id, role_name(role), "cannot change the operator's role");
}

}  // namespace posdrill
