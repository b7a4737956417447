// The kiosk's records in one SQLite file: operators, attempts and their events, certification
// awards, settings. The only code that includes <sqlite3.h> (kiosk/store/*.cpp).
//
// Durability: WAL journal, synchronous=FULL, foreign keys on; every write is one transaction that
// is committed before the call returns, so a decision recorded is a decision kept through kill -9
// or a pulled plug. Opening the file to write migrates it (PRAGMA user_version), checks it
// (PRAGMA quick_check: a damaged file is refused, never written into) and marks attempts left open
// by a crash as abandoned. Opening it read-only does none of that and needs no write access.
//
// Failure shows: a read that SQLite cannot finish returns no rows and the error (StoreList,
// StoreFound), never a partial list. Once a call meets damage (SQLITE_CORRUPT, NOTADB) the store
// refuses every write for the rest of its life (damage()).
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

#include "base/time.h"
#include "kiosk/core/item_analysis.h"
#include "kiosk/core/records.h"
#include "kiosk/sync/statements.h"

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

// A list read from the store: every row, or (when SQLite failed part-way: a damaged page, an I/O
// error) no row at all and the error in `status`. It is a std::vector, so code that only reads the
// rows stays as it is; code that must not mistake damage for "nothing recorded" checks ok().
template <typename T>
struct StoreList : std::vector<T> {
  StoreStatus status;
  bool ok() const { return status.code == StoreError::none; }
};

// One row read by key: the row, none (not found; ok()), or none and the error.
template <typename T>
struct StoreFound : std::optional<T> {
  StoreStatus status;
  bool ok() const { return status.code == StoreError::none; }
};

enum class OutboxState { queued, sent, set_aside, voided };
const char* outbox_state_name(OutboxState s);  // "queued", "sent", "set_aside", "voided"

struct OutboxRow {
  int64_t seq = 0;
  OutboxStatement statement;
  OutboxState state = OutboxState::queued;
  int tries = 0;
  WallTime next_try_ms;
  std::string last_error;  // the last problem in English ("HTTP 503", "set aside: HTTP 400 …")
  WallTime done_ms;        // when sent, set aside or voided
};

struct OutboxCounts {
  int64_t queued = 0, sent = 0, set_aside = 0, voided = 0;
  WallTime oldest_queued_ms;     // created_ms of the oldest waiting statement (0: none)
  WallTime last_sent_ms;         // when the LRS last took a statement (0: never)
  StoreStatus status;            // not ok: the counts could not be read (they are 0 then)
};

// Everything the roster is built from (certification.h build_roster); only summaries, so the
// size of the history does not matter.
struct RosterRecords {
  StoreList<OperatorRecord> operators;   // by employee id, inactive ones included
  StoreList<ScenarioStat> stats;         // every operator's
  StoreList<AwardRow> awards;            // made on this kiosk
  StoreList<RemoteAward> remote_awards;  // cached from the LRS, every operator's
  StoreStatus status;                    // the first read that failed (then do not show any of it)
  bool ok() const { return status.code == StoreError::none; }
};

// The LRS's cached awards as the core counts them (certification.h).
std::vector<RemoteAwardRow> remote_award_rows(const std::vector<RemoteAward>& cached);
// Every award that counts in a roster built from `records`: those made on this kiosk and those
// the LRS reported from elsewhere, under `tracks`' validity rules (merge_remote_awards). The
// console's CSV export and `posdrill report` build their rosters from it, as the console does.
std::vector<AwardRow> awards_that_count(const RosterRecords& records, const std::vector<Track>& tracks);

// How a command opens the records.
enum class OpenMode {
  write,      // create if missing, migrate, quick_check (a damaged file is refused), crash recovery
  read_only,  // the file as it is, without write access (a read-only copy, a full disk): no
              // creation, migration, check or recovery; every write is refused
};

// How deep check() looks.
enum class CheckMode {
  quick,  // what a large file allows in about a second (db check): see check_report
  full,   // every page and every row, however long it takes (db check --full)
};

// What check_report() looked at and what it found.
struct CheckReport {
  std::vector<std::string> problems;  // empty: healthy, as far as it looked
  std::vector<std::string> checked;   // what it looked at, one line each (English)
  std::string not_checked;            // quick: what only the full check reads ("" for full)
};

class SqliteStore {
 public:
  static constexpr int schema_version = 6;
  static constexpr int busy_timeout_ms = 5000;

  // OpenMode::write: opens `file` (created with its folder if missing, mode 0600), migrates it,
  // refuses it when PRAGMA quick_check finds damage, and closes attempts a crash left open
  // (abandoned, ended at their last event), queueing in the same transaction the abandoned
  // statement drafted when each began (created at `now_ms`). Only a store that finds no other SqliteStore (in any
  // process) open on the file does that recovery: another live store's open attempt is in
  // progress, not crashed. Liveness is a shared flock on the side file FILE-lock, held for the
  // store's lifetime.
  // OpenMode::read_only: opens an existing file without writing anything to it or beside it
  // (a WAL file whose -shm cannot be made is opened as immutable when no -wal is waiting).
  // Both refuse a schema version below 0 or above schema_version. nullptr with `status`.
  // A writing open reads every page of a file up to `whole_check_bytes` (PRAGMA quick_check: about
  // a tenth of a second at this size); of a larger one, the pages of the small tables and of
  // attempts (one row per attempt), so that a kiosk with years of records still starts at once
  // (the whole file took 4-8 s at a million events). Damage in the other pages (the events, the
  // delivered statements) is met by the read or write that reaches it, which then refuses every
  // later write (damage()), and by db check --full. open_check() says which was done.
  static constexpr int64_t whole_check_bytes = int64_t{64} << 20;
  static std::unique_ptr<SqliteStore> open(const std::filesystem::path& file, StoreStatus& status, WallTime now_ms,
                                           OpenMode mode = OpenMode::write,
                                           int64_t whole_check_up_to = whole_check_bytes);
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::filesystem::path& file() const { return file_; }
  bool read_only() const { return read_only_; }
  // Damage met by any call so far (ok when none): every write is refused once it is set.
  const StoreStatus& damage() const { return damage_; }
  int user_version();  // -1 when it cannot be read
  // How many attempts open() found left open and marked abandoned.
  int recovered_attempts() const { return recovered_; }
  // What a writing open checked before writing: "every page" or "the small tables and attempts"
  // ("" for a read-only open).
  const std::string& open_check() const { return open_check_; }

  // ---- Operators ----
  StoreStatus add_operator(const OperatorRecord& op, std::string_view pin);
  StoreFound<OperatorRecord> find_operator(std::string_view employee_id);
  StoreList<OperatorRecord> operators(bool include_inactive = true);  // by employee id
  // false too when the operators cannot be read (damage() then says why).
  bool has_active_admin();
  // Any active manager or administrator: without one the kiosk starts with the first run.
  bool has_active_manager();
  // Counts a wrong PIN towards the lock-out (pin_max_failures in a row locks for pin_lockout_ms);
  // a right one clears the count. While locked the PIN is not even checked. An id nobody has is
  // counted and locked the same way and answers `wrong` / `locked` (op empty), never
  // `unknown_operator` unless the count could not be written.
  PinCheck verify_pin(std::string_view employee_id, std::string_view pin, WallTime now_ms);
  StoreStatus reset_pin(std::string_view employee_id, std::string_view new_pin);  // also lifts a lock
  StoreStatus set_active(std::string_view employee_id, bool active);
  StoreStatus set_language(std::string_view employee_id, Lang lang);
  StoreStatus set_role(std::string_view employee_id, Role role);

  // ---- Attempts ----
  // Each write that records an event also queues its xAPI `statements` in the same transaction:
  // a recorded event always has its statements waiting, and a statement never exists for an
  // event that was rolled back.
  // `closing_draft` (sync on): the abandoned statement as of the start, kept until the attempt is
  // closed (finish_attempt drops it) or a crash cut it off (open() stamps it with the end and
  // queues it). ended_ms must be 0.
  StoreStatus begin_attempt(const AttemptRow& row, const std::vector<OutboxStatement>& statements = {},
                            const std::optional<OutboxStatement>& closing_draft = std::nullopt);
  // The attempt must be open.
  StoreStatus add_event(const AttemptEventRow& event, const std::vector<OutboxStatement>& statements = {});
  // Closes the attempt with its final figures and, in the same transaction, stores `award`.
  StoreStatus finish_attempt(const AttemptRow& row, const std::optional<AwardRow>& award = std::nullopt,
                             const std::vector<OutboxStatement>& statements = {});
  // Stores an attempt that is already closed (ended_ms set) with all its events (numbered 1..n) in
  // one transaction: for imports and for filling test and benchmark databases quickly.
  StoreStatus add_closed_attempt(const AttemptRow& row, const std::vector<AttemptEventRow>& events);
  StoreFound<AttemptRow> attempt(std::string_view uuid);
  // Newest first; all operators when `operator_id` is empty; limit < 0 = no limit. `offset`
  // skips that many first: one page of a history.
  StoreList<AttemptRow> attempts(std::string_view operator_id = {}, int limit = -1, int offset = 0);
  StoreList<AttemptEventRow> events(std::string_view attempt_uuid);  // by seq
  // From the summaries (kept with every write): by operator, then scenario; all operators when
  // empty.
  StoreList<ScenarioStat> scenario_stats(std::string_view operator_id = {});
  // From the summaries. Most frequent first; all scenarios when empty; at most `limit` rows per
  // scenario (limit < 0: all).
  StoreList<MistakeCount> mistake_counts(std::string_view scenario_id = {}, int limit = 10);
  // What the roster needs (console, CSV export, `posdrill report`), read as one snapshot:
  // a drill committing in between cannot make the figures disagree.
  RosterRecords roster_records();
  // Every answer to a step of a finished attempt (abandoned ones are left out: their score is not
  // a total), with the attempt's score, time to answer and hints taken; all scenarios when empty.
  // For item analysis (kiosk/core/item_analysis.h). In store_items.cpp.
  StoreList<ItemAnswer> item_answers(std::string_view scenario_id = {});
  // Every decision `operator_id` answered, in any attempt (abandoned ones too) and in practice at
  // a re-drill's branch, oldest first: the re-drill schedule's input (kiosk/core/redrill.h). In
  // store_items.cpp.
  StoreList<DecisionAnswer> decision_answers(std::string_view operator_id);
  // Keeps an answer given in practice at a re-drill's branch (records.h). `row.operator_id` must
  // exist. In store_items.cpp.
  StoreStatus add_practice_answer(const PracticeAnswerRow& row);

  // ---- Certification ----
  StoreList<AwardRow> awards(std::string_view operator_id = {});  // oldest first

  // ---- Settings (plain text values; never secrets) ----
  StoreFound<std::string> setting(std::string_view key);
  StoreStatus set_setting(std::string_view key, std::string_view value);

  // ---- xAPI outbox (statements waiting for the LRS; see kiosk/net/sync_worker.h) ----
  // Queued statements whose next try is due, oldest first, at most `limit`.
  StoreList<OutboxRow> outbox_due(int limit, WallTime now_ms);
  // The earliest next try among queued statements (nullopt: the queue is empty).
  std::optional<WallTime> outbox_next_try_ms();
  StoreStatus outbox_mark_sent(const std::vector<std::string>& ids, WallTime now_ms);
  // Keeps them queued until `next_try_ms`, counting a try and noting the error.
  StoreStatus outbox_defer(const std::vector<std::string>& ids, WallTime next_try_ms, std::string_view error);
  // Out of the queue with the reason, for a person to retry or void.
  StoreStatus outbox_set_aside(std::string_view id, std::string_view reason, WallTime now_ms);
  // Set-aside statements back into the queue (one by id, or all when `id` is empty), due now;
  // queued statements become due now too. Returns how many changed.
  int outbox_retry(std::string_view id, WallTime now_ms);
  // Every queued statement becomes due at `now_ms` ("send now": a person asked, so the backoff
  // waits no longer). Set-aside statements stay aside. Returns how many changed.
  int outbox_make_due(WallTime now_ms);
  // A set-aside statement will never be sent (kept for the record with the reason).
  StoreStatus outbox_void(std::string_view id, std::string_view reason, WallTime now_ms);
  // Cheap enough for the frame loop's footer when `count_delivered` is false (sent stays 0):
  // the delivered rows are the many, so only their count costs a scan.
  OutboxCounts outbox_counts(bool count_delivered = true);
  StoreList<OutboxRow> outbox_list(OutboxState state, int limit);  // oldest first
  StoreFound<OutboxRow> outbox_find(std::string_view id);
  // Deletes statements delivered before `before_ms` (the LRS holds them); returns how many. The
  // newest such limit is kept (setting sync.pruned_before_ms) so that check() knows which
  // statements may be missing because they were delivered and pruned.
  int outbox_prune_sent(WallTime before_ms);

  // ---- Certifications earned elsewhere (read from the LRS at sign-in, kept for offline use) ----
  StoreStatus replace_remote_awards(std::string_view operator_id, const std::vector<RemoteAward>& awards,
                                    WallTime fetched_ms);
  // Oldest first; every operator's (by employee id) when `operator_id` is empty. Only awards of
  // operators this kiosk has.
  StoreList<RemoteAward> remote_awards(std::string_view operator_id);

  // The file's health (store_check.cpp). Both modes: the file's header and length against its
  // page count, the schema against the one the migrations make (every table, index and trigger),
  // closed attempts have an end, PIN hashes, no draft left for a closed attempt, queued
  // statements not marked done and of recorded attempts, the outbox's sequence.
  // full: PRAGMA integrity_check and foreign_key_check, every attempt's events numbered 1..n,
  // every closing statement (an attempt whose `attempted` statement was queued has its passed,
  // failed or abandoned one, unless it could have been delivered and pruned), every statement,
  // every summary row recomputed from the records and compared.
  // quick: reads what does not grow with the history, the attempts' rows (a tenth of the events)
  // and a bounded slice of the rest, well under a second on a million events: PRAGMA
  // quick_check of each small table (operators, settings, awards, summaries, drafts, …); every
  // attempt's row (ends, the summaries' totals of attempts and passes); the newest
  // check_recent_attempts attempts' events (numbering, mistakes counted in the summaries),
  // operators and closing statements (every mistake summary recomputed when those are all the
  // attempts there are); every summary row of the most recently active operators recomputed, up
  // to check_summary_attempts attempts; the first check_outbox_rows statements not delivered. It
  // does not read the pages of attempt_events (beyond the newest attempts') or of the delivered
  // statements, nor the big tables' indexes: damage there shows only in the full check.
  CheckReport check_report(CheckMode mode = CheckMode::full);
  // check_report(mode).problems: empty = healthy.
  std::vector<std::string> check(CheckMode mode = CheckMode::full);
  static constexpr int check_recent_attempts = 1000;
  static constexpr int check_summary_attempts = 2000;
  static constexpr int check_outbox_rows = 10000;

 private:
  SqliteStore(sqlite3* db, std::filesystem::path file);
  static std::unique_ptr<SqliteStore> open_read_only(const std::filesystem::path& file, StoreStatus& status);
  StoreStatus insert_statements(const std::vector<OutboxStatement>& statements);  // inside a WriteTx
  // Inside open()'s recovery transaction (recovered_ counts them).
  StoreStatus recover_open_attempts(WallTime now_ms);
  // Inside a WriteTx: the operator exists and the attempt does not yet.
  StoreStatus new_attempt_allowed(const AttemptRow& row);
  // The status for SQLite's `rc` while doing `what` ("FILE: what: SQLite's words"); damage is
  // remembered in damage_.
  StoreStatus failed(int rc, std::string_view what);
  // Why a write may not start (damage, read-only); ok when it may.
  const StoreStatus& write_refusal() const;
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
  int recovered_ = 0;
  std::string open_check_;
  int live_fd_ = -1;           // FILE-lock, flock()ed shared while this store is open
  int64_t busy_since_ns_ = 0;  // when the current wait for another connection's lock began
  bool read_only_ = false;
  StoreStatus damage_;
  StoreStatus read_only_refusal_;
};

// A random RFC 4122 version 4 uuid (libsodium's randombytes).
// Creates the missing folders of `dir` with mode 0700 (the records name people and their
// scores); false with `error` naming the folder when one cannot be made.
bool make_private_dirs(const std::filesystem::path& dir, std::string& error);

std::string new_uuid();

}  // namespace posdrill
