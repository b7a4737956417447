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

#include "base/time.h"
#include "kiosk/core/certification.h"
#include "kiosk/core/records.h"
#include "kiosk/store/store.h"
#include "kiosk/sync/lrs_roster.h"

struct sqlite3;

namespace posdrill {

class RosterCache {
 public:
  static constexpr int schema_version = 2;

  // Where `posdrill report --from-lrs` keeps the cache unless told (--cache), and where the kiosk's
  // console looks for the chain's summary: beside the records in `data_dir`.
  static std::filesystem::path default_file(const std::filesystem::path& data_dir);

  // Opens `file` (created with its folder, mode 0600, when missing). `read_only`: an existing cache
  // only, nothing written, waiting at most 200 ms for a refresh writing it (the kiosk's console
  // reads the summary on the frame thread). nullptr with `status`.
  static std::unique_ptr<RosterCache> open(const std::filesystem::path& file, StoreStatus& status,
                                           bool read_only = false);
  ~RosterCache();
  RosterCache(const RosterCache&) = delete;
  RosterCache& operator=(const RosterCache&) = delete;

  const std::filesystem::path& file() const { return file_; }

  // The facts of one page, and `stream`'s cursor moved to `cursor_ms` (never back), at once.
  StoreStatus apply(const std::vector<RosterFact>& facts, const std::string& stream, WallTime cursor_ms);
  // The newest `stored` time a stream has read up to (0: never read).
  StoreFound<WallTime> cursor(const std::string& stream);
  // When the last refresh ended whole (0: never), kept for "as of" in the output.
  StoreStatus set_refreshed_ms(WallTime t);
  StoreFound<WallTime> refreshed_ms();
  // Forgets every fact and cursor (a full rebuild); the store summary and its time stay.
  StoreStatus clear();

  // Keeps `rows` (the roster per store as `posdrill report --from-lrs` computed it from the facts
  // read up to `as_of_ms`) in place of the previous summary, in one transaction.
  StoreStatus replace_store_summary(const std::vector<ChainStoreRow>& rows, WallTime as_of_ms);
  // The kept summary, the stores with the lowest share certified (expiring included) first, and
  // its `as_of_ms` (0 and no rows: never kept).
  StoreList<ChainStoreRow> store_summary(WallTime& as_of_ms);

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
