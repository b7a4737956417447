// Helpers for the store tests: a private temporary folder per test, and ready-made rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "kiosk/core/records.h"
#include "kiosk/store/store.h"

namespace posdrill::store_test {

// A fresh folder under the system's temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path db() const { return path_ / "records.db"; }

 private:
  std::filesystem::path path_;
};

// Opens `file` and fails the test (with the store's message) when it does not open.
std::unique_ptr<SqliteStore> open_ok(const std::filesystem::path& file, int64_t now_ms = 1000);

OperatorRecord make_operator(const std::string& id, Role role = Role::trainee);
AttemptRow make_attempt(const std::string& operator_id, const std::string& scenario_id, int64_t started_ms);
// Times are Unix ms: a literal, or a moment of another row (`a.started_ms + 10`).
AttemptEventRow make_event(const std::string& uuid, int seq, WallTime at, const std::string& step_id = "s",
                           const std::string& choice_id = "", bool mistake = false, bool critical = false);
inline AttemptEventRow make_event(const std::string& uuid, int seq, int64_t at_ms, const std::string& step_id = "s",
                                  const std::string& choice_id = "", bool mistake = false, bool critical = false) {
  return make_event(uuid, seq, WallTime{at_ms}, step_id, choice_id, mistake, critical);
}

// The abandoned statement the recorder drafts when `a` begins (sync on), with id "draft-<uuid>".
OutboxStatement abandoned_draft(const AttemptRow& a);

// A closed copy of `a`: ended at `ended_ms` with `score`, passed when `passed`.
AttemptRow closed(AttemptRow a, WallTime ended, double score, bool passed);
inline AttemptRow closed(AttemptRow a, int64_t ended_ms, double score, bool passed) {
  return closed(std::move(a), WallTime{ended_ms}, score, passed);
}

// The whole file, for byte comparisons and for searching it for a plain PIN.
std::string read_bytes(const std::filesystem::path& file);

// Runs raw SQL on `file` outside the store, to plant what the store itself would never write
// (a newer schema version, a gap in the events, a plain PIN). Fails the test on an error.
void exec_sql(const std::filesystem::path& file, const std::string& sql);
// The first column of the first row of `sql` run on `file` outside the store, as text ("" when
// no row). Fails the test on an error.
std::string query_one(const std::filesystem::path& file, const std::string& sql);

// Turns a current file back into what schema `version` (1..5) wrote, by undoing the later steps
// (their tables, indexes and triggers; the records of earlier steps stay): the older files a
// kiosk in the field may still have, for the migration tests.
void back_to_schema(const std::filesystem::path& file, int version);

}  // namespace posdrill::store_test
