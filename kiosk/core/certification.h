// Certification rules, computed from records: which topics an operator has passed, whether a
// track is certified, expiring, expired or in progress, what to practise next, and the store
// roster a manager reads. PURE.
//
// Rules (tracks in content/tracks/*.yaml):
// - A track requires one passed attempt in each of its topics and, when it names them, each of its
//   required scenarios. A pass is an attempt that ended with `passed` (its own pass mark, no
//   critical error) and, when the track sets `pass_mark`, a score at least that high.
// - The award is made when the last requirement is met and lasts validity_days. It is "expiring"
//   in the last expiring_soon_days and "expired" after.
// - Recertification: passes count towards a new award only when they end after the current
//   award's expiring-soon window opened (or after it expired); a renewal made before expiry runs
//   from the old expiry, so renewing early loses no days.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "kiosk/core/records.h"
#include "scenarios/clock.h"  // ms_per_day
#include "scenarios/model.h"

namespace posdrill {

struct TopicProgress {
  Topic topic;
  bool passed = false;  // a pass counting towards the next (or current) award
  int attempts = 0;
  double best_score = 0;
};

struct TrackProgress {
  CertStatus status = CertStatus::not_started;
  std::vector<TopicProgress> topics;  // in the track's order
  int passed_count = 0;               // requirements met (topics + required scenarios)
  int required_count = 0;
  std::optional<AwardRow> award;  // the newest award, if any
};

// Every rule below reads an operator's records as per-scenario figures (ScenarioStat): the store
// keeps them as summaries, so the roster never reads every attempt. Each has a form taking the
// attempts themselves, which computes the figures with scenario_stats_of first: one rule either
// way. The store's summaries count every record; the figures from a list count only what had
// happened at `now_ms`, so that the tests' fake timelines hold.

// Per operator and scenario, sorted by (operator, scenario): what the store's summaries keep
// (records.h), from `attempts` (any operators, any order) as of `now_ms`: attempts started by
// then; passes ended by then on the frontier.
std::vector<ScenarioStat> scenario_stats_of(const std::vector<AttemptRow>& attempts, WallTime now_ms);

// `attempts` / `stats` and `awards` are one operator's (any order).
TrackProgress track_progress(const Track& track, const std::vector<Scenario>& scenarios,
                             const std::vector<AttemptRow>& attempts, const std::vector<AwardRow>& awards,
                             WallTime now_ms);
TrackProgress track_progress(const Track& track, const std::vector<Scenario>& scenarios,
                             const std::vector<ScenarioStat>& stats, const std::vector<AwardRow>& awards,
                             WallTime now_ms);

// The award the records complete at `now_ms`, if one is due and not yet made. basis = the newest
// counting pass per requirement. Only `operator_id`'s attempts / stats are looked at.
std::optional<AwardRow> award_due(const Track& track, const std::vector<Scenario>& scenarios,
                                  const std::string& operator_id, const std::vector<AttemptRow>& attempts,
                                  const std::vector<AwardRow>& awards, WallTime now_ms);
std::optional<AwardRow> award_due(const Track& track, const std::vector<Scenario>& scenarios,
                                  const std::string& operator_id, const std::vector<ScenarioStat>& stats,
                                  const std::vector<AwardRow>& awards, WallTime now_ms);

// Scenario ids to practise next, weakest topic first: topics not yet passed (lowest best score
// first, untried before tried), then the rest; within a topic scenarios not yet passed first.
std::vector<std::string> recommend(const Track& track, const std::vector<Scenario>& scenarios,
                                   const std::vector<AttemptRow>& attempts, WallTime now_ms, std::size_t limit);
std::vector<std::string> recommend(const Track& track, const std::vector<Scenario>& scenarios,
                                   const std::vector<ScenarioStat>& stats, WallTime now_ms, std::size_t limit);

// Why the home screen suggests a drill, from the person's own attempts at it, said under its
// button: never tried; started but never finished; finished and not passed (best score so far);
// or passed already (suggested once every topic has a pass, weakest first).
struct SuggestionWhy {
  enum class Kind { never_tried, unfinished, not_passed, passed } kind = Kind::never_tried;
  int best_percent = 0;  // not_passed: the best finished score, rounded
};
SuggestionWhy suggestion_why(const std::vector<AttemptRow>& attempts, const std::string& scenario_id);

struct RosterRow {
  OperatorRecord op;
  CertStatus status = CertStatus::not_started;
  int passed_count = 0;
  int required_count = 0;
  WallTime awarded_ms;  // 0 when never certified
  WallTime expires_ms;
  int attempts = 0;
  WallTime last_attempt_ms;
  // Where this person struggles: of the track's topics tried and not yet passed, the one with the
  // lowest best score (the first in the track's order on a tie). Unset when every topic tried is
  // passed or nothing was tried.
  std::optional<Topic> weakest_topic;
  bool locked = false;  // sign-in refused for too many wrong PINs, at the roster's now_ms
};

// One row per operator (inactive ones included, by employee id). `stats`: every operator's.
std::vector<RosterRow> build_roster(const Track& track, const std::vector<Scenario>& scenarios,
                                    const std::vector<OperatorRecord>& operators,
                                    const std::vector<AttemptRow>& attempts, const std::vector<AwardRow>& awards,
                                    WallTime now_ms);
std::vector<RosterRow> build_roster(const Track& track, const std::vector<Scenario>& scenarios,
                                    const std::vector<OperatorRecord>& operators,
                                    const std::vector<ScenarioStat>& stats, const std::vector<AwardRow>& awards,
                                    WallTime now_ms);

// The manager console's roster filters: everyone, one certification state, or the people who
// tried a topic and have not passed it (weakest_topic set).
enum class RosterFilter { all, certified, expiring, expired, in_progress, not_started, failing_topic, locked };
bool roster_row_shown(const RosterRow& row, RosterFilter filter);

// One store's line of the chain roster (`posdrill report --from-lrs`, the console's chain panel):
// how many of its people are in each state.
struct ChainStoreRow {
  std::string store_id;  // "" for people whose statements named no store
  int people = 0, certified = 0, expiring = 0, expired = 0, in_progress = 0, not_started = 0;
};
// Per store of `rows` (any order), by store id.
std::vector<ChainStoreRow> summarize_by_store(const std::vector<RosterRow>& rows);
// The stores' lines added up (store_id ""): the chain's total.
ChainStoreRow sum_stores(const std::vector<ChainStoreRow>& stores);
// All of `rows` in one line (store_id ""): the console's summary tiles.
ChainStoreRow summarize_roster(const std::vector<RosterRow>& rows);
// How many of `rows` have a weakest topic (the "failing a topic" tile).
int count_failing_topic(const std::vector<RosterRow>& rows);
// How many of `rows` are locked out by wrong PINs now.
int count_locked(const std::vector<RosterRow>& rows);

// RFC 4180 CSV, UTF-8, CRLF line ends, header row first: employee_id, name, role, store, status,
// passed, required, awarded (YYYY-MM-DD, UTC), expires, attempts, last_attempt. Fields with a
// comma, quote, CR or LF are quoted; a field starting with = + - @ gets a leading ' so a
// spreadsheet never runs it as a formula. `bom` puts a UTF-8 byte order mark first (Excel needs
// it to read Chinese names).
std::string roster_csv(const std::vector<RosterRow>& rows, bool bom);
std::string csv_field(std::string_view value);  // one field, quoted and guarded as above
std::string format_date_utc(WallTime t);        // "2026-11-21"; "" for 0
std::string format_time_utc(WallTime t);        // "2026-11-21 14:32" (UTC); "" for 0

// ---- Certifications earned elsewhere ------------------------------------------------------------
//
// A trainee certified on another kiosk (or in another store) is certified here too: the LRS
// reports the award's time, and the award counts like a local one, with this kiosk's rule for its
// validity (expires = awarded + the track's validity_days) and the same expiring / expired windows.

// How close a remote award's time must be to a local award of the same operator and track to be
// that local award coming back: the certification statement carries the award's own time, so this
// kiosk's own awards return from the LRS unchanged; a minute absorbs rounding on the way.
inline constexpr int64_t same_award_window_ms = 60'000;

// `local` plus one AwardRow per remote award that counts: awarded_ms as reported, expires_ms =
// awarded_ms + validity_days of its track, track_version the loaded track's, empty basis (no local
// attempt earned it). Left out: awards for tracks not in `tracks`, repeats (same statement, or
// same operator, track and time), and this kiosk's own awards coming back (within
// same_award_window_ms of a local award of the same operator and track).
std::vector<AwardRow> merge_remote_awards(const std::vector<Track>& tracks, const std::vector<AwardRow>& local,
                                          const std::vector<RemoteAwardRow>& remote);

// The remote award `award` was made from by merge_remote_awards, or null when it was earned here.
const RemoteAwardRow* remote_origin(const AwardRow& award, const std::vector<RemoteAwardRow>& remote);

// Where a remote award was earned, for people: its store when the statement named one, else its
// kiosk, else "".
std::string earned_at(const RemoteAwardRow& award);

// The seed for a person's next attempt at `scenario`: `next_seed` (the kiosk's turn) moved on to
// the set of figures this person has played least, so a pass that counts for a track is earned
// on figures not yet practised while any are left; ties go to the set `next_seed` would draw.
// A scenario without figures keeps `next_seed`. `attempts` is the person's own record.
uint64_t least_practised_seed(const Scenario& scenario, const std::vector<AttemptRow>& attempts, uint64_t next_seed);
// The first seed from `next_seed` on, other than `figures_seed` itself, that draws the same set of
// figures as `figures_seed`: the story a re-drill recaps is the one the trainee met, with the
// choices in another order.
uint64_t seed_with_figures_of(const Scenario& scenario, uint64_t figures_seed, uint64_t next_seed);

}  // namespace posdrill
