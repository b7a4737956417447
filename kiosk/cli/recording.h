// `posdrill play --operator`: the attempt's record in the database, shared by the emulated runs
// (cmd_play.cpp) and the hand-keyed terminal's (play_wire.cpp).
#pragma once

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "kiosk/core/certification.h"
#include "kiosk/store/recorder.h"

namespace posdrill {

// The attempt's record in the database, when --operator was given; every call does nothing
// otherwise. The recorder's times are wall-clock times (certificates expire on calendar dates),
// while the runner keeps its own clock for the scoring.
class Recording {
 public:
  Recording() = default;
  Recording(SqliteStore& store, const ContentSet& content, std::optional<StatementSite> site)
      : recorder_(std::make_unique<AttemptRecorder>(store, content.scenarios, content.tracks)) {
    recorder_->set_sync(std::move(site));
  }

  bool begin(const std::string& operator_id, const Scenario& s, uint64_t seed, Lang lang, TerminalKind terminal) {
    if (!recorder_) return true;
    StoreStatus st = recorder_->begin(operator_id, s, seed, lang, terminal, wall_now(), uuid_);
    return report(st);
  }
  // After every answer: the new steps are committed before the next question is shown.
  bool steps(const AttemptResult& res) {
    if (!recorder_ || uuid_.empty()) return true;
    return report(recorder_->record_steps(uuid_, res, wall_now()));
  }
  bool finish(const AttemptResult& res, bool abandoned) {
    if (!recorder_ || uuid_.empty()) return true;
    bool ok = report(recorder_->finish(uuid_, res, abandoned, wall_now(), &award_));
    closed_ = ok;
    return ok;
  }
  // Adds "attempt" and "award" to the --json result.
  void annotate(nlohmann::json& j) const {
    if (!closed_) return;
    j["attempt"] = uuid_;
    if (award_)
      j["award"] = {{"track", award_->track_id},
                    {"expires", format_date_utc(award_->expires_ms)},
                    {"expires_ms", award_->expires_ms.ms()}};
  }
  // The same facts on stderr for a person reading the transcript.
  void tell(const std::string& operator_id) const {
    if (!closed_) return;
    std::cerr << "recorded attempt " << uuid_ << " for " << operator_id << '\n';
    if (award_)
      std::cerr << "certified: " << award_->track_id << ", valid until " << format_date_utc(award_->expires_ms) << '\n';
  }

 private:
  bool report(const StoreStatus& st) {
    if (!st) std::cerr << "posdrill play: could not record the attempt: " << st.message << '\n';
    return bool(st);
  }
  std::unique_ptr<AttemptRecorder> recorder_;  // a pointer: the recorder holds references
  std::string uuid_;
  std::optional<AwardRow> award_;
  bool closed_ = false;
};

}  // namespace posdrill
