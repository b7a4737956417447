// The local cache behind `posdrill report --from-lrs`: what the LRS said about every person of the
// chain (people with their store, attempts begun and passed, certifications), in its own SQLite
// file (<data>/lrs-roster.db, not posdrill.db), so a refresh asks the LRS only for what was stored
// since the last one.
//
// Every fact is applied idempotently (the same statement read twice changes nothing), so a
// refresh may re-read an overlap freely; a page's facts and its stream's cursor are committed in
// one transaction, so a refresh cut off anywhere resumes where its last page ended.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/records.h"
#include "kiosk/store/store.h"
#include "kiosk/sync/lrs_roster.h"

struct sqlite3;

namespace posdrill {

class RosterCache {
 public:
  static constexpr int schema_version = 1;

  // Opens `file` (created with its folder, mode 0600, when missing). nullptr with `status`.
  static std::unique_ptr<RosterCache> open(const std::filesystem::path& file, StoreStatus& status);
  ~RosterCache();
  RosterCache(const RosterCache&) = delete;
  RosterCache& operator=(const RosterCache&) = delete;

  const std::filesystem::path& file() const { return file_; }

  // The facts of one page, and `stream`'s cursor moved to `cursor_ms` (never back), at once.
  StoreStatus apply(const std::vector<RosterFact>& facts, const std::string& stream, int64_t cursor_ms);
  // The newest `stored` time a stream has read up to (0: never read).
  StoreFound<int64_t> cursor(const std::string& stream);
  // When the last refresh ended whole (0: never), kept for "as of" in the output.
  StoreStatus set_refreshed_ms(int64_t ms);
  StoreFound<int64_t> refreshed_ms();
  // Forgets everything (a full rebuild).
  StoreStatus clear();

  // The roster's inputs. People as operators (trainees, active) with the store and name their
  // latest statement gave; attempts with the scenario, start and, once passed, end and score;
  // certifications as the LRS reported them.
  StoreList<OperatorRecord> people();
  StoreList<AttemptRow> attempts();
  StoreList<RemoteAwardRow> certifications();

 private:
  RosterCache(sqlite3* db, std::filesystem::path file);
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

}  // namespace posdrill
