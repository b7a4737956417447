// The kiosk's records in one SQLite file: operators, attempts and their events, certification
// awards, settings. The only code that includes <sqlite3.h> (kiosk/store/*.cpp).
//
// Durability: WAL journal, synchronous=FULL, foreign keys on; every write is one transaction that
// is committed before the call returns, so a decision recorded is a decision kept through kill -9
// or a pulled plug. Opening the file migrates it (PRAGMA user_version) and marks attempts left
// open by a crash as abandoned.
//
// Threads: one SqliteStore per thread (each owns a connection). Several may write the same file at
// once; a writer waits up to busy_timeout_ms for another's transaction (BEGIN IMMEDIATE).
//
// Secrets: PINs are hashed with libsodium argon2id before they touch the database and are never
// logged; no call takes or stores a card number.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/records.h"

struct sqlite3;

namespace posdrill {

enum class StoreError {
  none,
  invalid,    // a field failed its check (message says which)
  exists,     // an operator with that id already exists
  not_found,  // no such operator / attempt
  busy,       // another writer held the database longer than busy_timeout_ms
  io,         // the disk said no (full, read-only, gone)
  corrupt,    // the file is not a posdrill database or is damaged
  too_new,    // written by a newer posdrill (user_version above schema_version)
};

struct StoreStatus {
  StoreError code = StoreError::none;
  std::string message;  // English, for logs and the command line; never holds a PIN
  explicit operator bool() const { return code == StoreError::none; }
};

class SqliteStore {
 public:
  static constexpr int schema_version = 1;
  static constexpr int busy_timeout_ms = 5000;

  // Opens `file` (created with its folder if missing, mode 0600), migrates it and closes attempts
  // a crash left open (abandoned, ended at their last event). nullptr with `status` on failure.
  // Only a store that finds no other SqliteStore (in any process) open on the file does that
  // recovery: another live store's open attempt is in progress, not crashed. Liveness is a
  // shared flock on the side file FILE-lock, held for the store's lifetime.
  static std::unique_ptr<SqliteStore> open(const std::filesystem::path& file, StoreStatus& status, int64_t now_ms);
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::filesystem::path& file() const { return file_; }
  int user_version();
  // How many attempts open() found left open and marked abandoned.
  int recovered_attempts() const { return recovered_; }

  // ---- Operators ----
  StoreStatus add_operator(const OperatorRecord& op, std::string_view pin);
  std::optional<OperatorRecord> find_operator(std::string_view employee_id);
  std::vector<OperatorRecord> operators(bool include_inactive = true);  // by employee id
  bool has_active_admin();
  // Any active manager or administrator: without one the kiosk starts with the first run.
  bool has_active_manager();
  // Counts a wrong PIN towards the lock-out (pin_max_failures in a row locks for pin_lockout_ms);
  // a right one clears the count. While locked the PIN is not even checked.
  PinCheck verify_pin(std::string_view employee_id, std::string_view pin, int64_t now_ms);
  StoreStatus reset_pin(std::string_view employee_id, std::string_view new_pin);  // also lifts a lock
  StoreStatus set_active(std::string_view employee_id, bool active);
  StoreStatus set_language(std::string_view employee_id, Lang lang);
  StoreStatus set_role(std::string_view employee_id, Role role);

  // ---- Attempts ----
  StoreStatus begin_attempt(const AttemptRow& row);     // ended_ms 0
  StoreStatus add_event(const AttemptEventRow& event);  // the attempt must be open
  // Closes the attempt with its final figures and, in the same transaction, stores `award`.
  StoreStatus finish_attempt(const AttemptRow& row, const std::optional<AwardRow>& award = std::nullopt);
  // Stores an attempt that is already closed (ended_ms set) with all its events (numbered 1..n) in
  // one transaction: for imports and for filling test and benchmark databases quickly.
  StoreStatus add_closed_attempt(const AttemptRow& row, const std::vector<AttemptEventRow>& events);
  std::optional<AttemptRow> attempt(std::string_view uuid);
  // Newest first; all operators when `operator_id` is empty; limit < 0 = no limit.
  std::vector<AttemptRow> attempts(std::string_view operator_id = {}, int limit = -1);
  std::vector<AttemptEventRow> events(std::string_view attempt_uuid);  // by seq
  std::vector<ScenarioStat> scenario_stats(std::string_view operator_id = {});
  // Most frequent first; all scenarios when empty; at most `limit` rows per scenario.
  std::vector<MistakeCount> mistake_counts(std::string_view scenario_id = {}, int limit = 10);

  // ---- Certification ----
  std::vector<AwardRow> awards(std::string_view operator_id = {});  // oldest first

  // ---- Settings (plain text values; never secrets) ----
  std::optional<std::string> setting(std::string_view key);
  StoreStatus set_setting(std::string_view key, std::string_view value);

  // PRAGMA integrity_check and foreign_key_check plus posdrill's own rules (events numbered
  // 1..n without gaps, closed attempts have an end, no plain PIN-like hashes). Empty = healthy.
  std::vector<std::string> check();

 private:
  SqliteStore(sqlite3* db, std::filesystem::path file);
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
  int recovered_ = 0;
  int live_fd_ = -1;  // FILE-lock, flock()ed shared while this store is open
};

// A random RFC 4122 version 4 uuid (libsodium's randombytes).
std::string new_uuid();

}  // namespace posdrill
