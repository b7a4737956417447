// Records an attempt as it is played: opens it, commits each step as the trainee answers it,
// closes it with the final figures and awards the certification it completes, all through the
// store. Shared by the kiosk and `posdrill play --operator`, so both keep the same evidence.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "kiosk/core/records.h"
#include "kiosk/store/store.h"
#include "scenarios/model.h"
#include "scenarios/runner.h"

namespace posdrill {

class AttemptRecorder {
 public:
  // `scenarios` and `tracks` are the loaded content; they must outlive the recorder.
  AttemptRecorder(SqliteStore& store, const std::vector<Scenario>& scenarios, const std::vector<Track>& tracks);

  // With a site (sync configured), every write also queues its xAPI statements in the same
  // transaction: attempted at begin (and the abandoned statement drafted for crash recovery),
  // answered per decision and terminal task, passed / failed / abandoned at the end and a
  // certification `passed` with an award. Without one, nothing is queued (a kiosk that never
  // syncs keeps no outbox).
  void set_sync(std::optional<StatementSite> site) { site_ = std::move(site); }

  // Opens an attempt row for `operator_id` (who must exist) and returns its new uuid in `uuid`.
  StoreStatus begin(const std::string& operator_id, const Scenario& scenario, uint64_t seed, Lang lang,
                    TerminalKind terminal, WallTime now_ms, std::string& uuid);
  // Commits every step of `result` not yet recorded for `uuid`, one event each (call after every
  // answer; calling again with nothing new does nothing).
  StoreStatus record_steps(const std::string& uuid, const AttemptResult& result, WallTime now_ms);
  // Records any steps left, then closes the attempt: finished, or abandoned when `abandoned`.
  // A passed attempt that completes a track's requirements stores the award in the same
  // transaction and returns it in `award` (when not null).
  StoreStatus finish(const std::string& uuid, const AttemptResult& result, bool abandoned, WallTime now_ms,
                     std::optional<AwardRow>* award = nullptr);

 private:
  SqliteStore& store_;
  const std::vector<Scenario>& scenarios_;
  const std::vector<Track>& tracks_;
  // What the recorder keeps of an attempt between calls, so an answer costs no reads.
  struct OpenAttempt {
    AttemptRow row;            // as opened
    OperatorRecord op;         // who plays it (for the statements' actor)
    const Scenario* scenario;  // nullptr when the content no longer has it (no statements then)
    std::size_t recorded = 0;  // steps already committed
  };
  // The attempt `uuid`, loaded from the store when another recorder (or a run before a restart)
  // opened it; nullptr when the store has no such attempt or operator (`status` ok) or could not
  // read them (`status` says why).
  OpenAttempt* open_attempt(const std::string& uuid, StoreStatus& status);
  std::map<std::string, OpenAttempt> open_;
  std::optional<StatementSite> site_;
};

}  // namespace posdrill
