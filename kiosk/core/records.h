// What the kiosk keeps about people and attempts: plain data shared by the store (the SQLite
// adapter in kiosk/store), the screens, the command line and certification. PURE.
//
// Times are WallTime (base/time.h: Unix milliseconds, UTC), passed in by the caller, never read
// here: certification expiry is a calendar matter, and tests drive it with fake times.
//
// Never stored: card numbers, PINs of cards, track data. Operator PINs are kept only as argon2id
// hashes (kiosk/store), and only the store ever sees the plain PIN, for the length of one call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "scenarios/model.h"

namespace posdrill {

// ---- Operators -------------------------------------------------------------------------------

// trainee: plays scenarios. manager: also the manager console and settings. admin: also manages
// managers and admins (the first run creates one admin; there is no default account).
enum class Role { trainee, manager, admin };
std::string_view role_name(Role role);  // "trainee" / "manager" / "admin"
std::optional<Role> parse_role(std::string_view name);
bool is_manager(Role role);  // manager or admin

struct OperatorRecord {
  std::string employee_id;
  std::string name;
  Role role = Role::trainee;
  std::string store_id;  // free text, e.g. the store number; may be empty
  Lang lang = Lang::zh;  // the language the kiosk switches to at sign-in
  bool active = true;    // deactivated operators cannot sign in; their records stay
  WallTime created_ms{};
  // Too many wrong PINs: sign-in is refused until then (0 or past: not locked). Read from the
  // store; a PIN reset clears it.
  WallTime locked_until_ms{};
};

// Why an operator field was refused. Keys for the kiosk's strings are "field.<name>".
enum class FieldError {
  none,
  id_empty,
  id_too_long,   // more than 32 characters
  id_bad_chars,  // only 0-9
  name_empty,
  name_too_long,  // more than 64 characters
  name_control,   // control characters or invalid UTF-8
  pin_length,     // 4 to 8 digits
  pin_digits,     // digits only
  pin_weak,       // one repeated digit, or a straight run up or down (1234, 987654)
};
FieldError check_employee_id(std::string_view id);
FieldError check_operator_name(std::string_view name);
FieldError check_pin(std::string_view pin);
std::string_view field_error_key(FieldError e);  // "field.pin_weak"
std::string_view field_error_en(FieldError e);   // English sentence for the command line

// ---- PIN checks and lock-out -----------------------------------------------------------------

inline constexpr int pin_max_failures = 5;                 // wrong PINs in a row before the lock
inline constexpr int64_t pin_lockout_ms = 15 * 60 * 1000;  // how long the lock lasts

enum class PinOutcome {
  ok,
  wrong,             // wrong PIN; tries_left says how many remain before the lock
  locked,            // too many wrong PINs; locked_until_ms says when it opens (PIN not checked)
  unknown_operator,  // the store could not check (or count) the try; screens say the same as for `wrong`
  inactive,          // deactivated
};
struct PinCheck {
  PinOutcome outcome = PinOutcome::unknown_operator;
  int tries_left = 0;
  WallTime locked_until_ms;
  OperatorRecord op;  // filled when the operator exists
};

// ---- Attempts ----------------------------------------------------------------------------------

enum class TerminalKind { emulated, real };

// One attempt at one scenario. Opened when the scenario starts (ended_ms 0), closed when it ends
// or is abandoned (idle sign-out, leaving half-way, or found open after a crash).
struct AttemptRow {
  std::string uuid;  // RFC 4122 version 4, lower case
  std::string operator_id;
  std::string scenario_id;
  int scenario_version = 0;
  std::string content_hash;  // SHA-256 of the scenario file, hex
  Lang lang = Lang::zh;
  TerminalKind terminal = TerminalKind::emulated;
  uint64_t seed = 0;
  WallTime started_ms;
  WallTime ended_ms;  // 0 while open
  int points = 0;
  int max_points = 0;
  double score = 0;  // 0..1
  bool passed = false;
  int critical_errors = 0;
  bool finished = false;   // reached an end step
  bool abandoned = false;  // closed without reaching an end
};

// One thing that happened in an attempt, committed when it happened. kind "step": one step as
// the trainee met it (payload = step_record_json, which is enough to replay it: what was shown,
// the hints taken, what was chosen or done on the terminal, the points and the feedback).
// The plain columns let the store count mistakes without parsing JSON.
struct AttemptEventRow {
  std::string attempt_uuid;
  int seq = 0;  // 1, 2, 3 … within the attempt
  WallTime at_ms;
  std::string kind;  // "step"
  std::string step_id;
  std::string choice_id;  // the decision's choice, "" otherwise
  int points = 0;
  int max_points = 0;
  bool critical = false;
  bool mistake = false;  // what the debrief lists as a mistake
  std::string payload;   // JSON
};

// One decision a person answered (in any attempt, abandoned ones too), for the re-drill
// schedule (redrill.h).
struct DecisionAnswer {
  std::string scenario_id;
  std::string step_id;
  std::string choice_id;
  WallTime at_ms;
  bool mistake = false;  // what the debrief lists as a mistake
  uint64_t seed = 0;     // the attempt's (or practice's) seed: which set of figures it showed
};

// One answer given in practice at the branch (a re-drill from the home screen opens the scenario
// at the decision got wrong before and ends after it): kept for the re-drill schedule only. It is
// not an attempt: it counts for no certification, no item analysis, no chart and is not sent to
// the LRS.
struct PracticeAnswerRow {
  std::string operator_id;
  std::string scenario_id;
  int scenario_version = 0;
  uint64_t seed = 0;  // the set of figures played
  std::string step_id;
  std::string choice_id;
  WallTime at_ms;
  bool mistake = false;  // what the debrief would list as a mistake
  int64_t elapsed_ms = 0;
  int hints = 0;
};

// How often a step went wrong in a scenario, for the manager's chart: one row per
// (step, choice), most frequent first. choice_id "" groups terminal tasks not done.
struct MistakeCount {
  std::string scenario_id;
  std::string step_id;
  std::string choice_id;
  int count = 0;
  bool critical = false;
};

// A clean pass (closed, passed, finished, not abandoned, no critical error) that no later clean
// pass of the same operator and scenario matches in score; "later" orders by (ended_ms, uuid).
struct FrontierPass {
  WallTime ended_ms;
  double score = 0;
  std::string attempt_uuid;
  bool operator==(const FrontierPass&) const = default;
};

// Per operator and scenario: the figures the roster and certification need, without reading
// every attempt (the store keeps them as summaries; certification.h computes them from a list).
struct ScenarioStat {
  std::string operator_id;
  std::string scenario_id;
  int attempts = 0;  // begun, open ones included
  int passes = 0;    // closed with `passed`
  int abandoned = 0;
  double best_score = 0;        // over closed attempts
  WallTime last_attempt_ms;     // start of the newest attempt
  // Newest first, scores rising: each scores higher than every clean pass that ended after it. "A
  // clean pass ended at or
  // after T scoring at least S" exists exactly when one of these has ended_ms >= T and score >= S,
  // and the newest such pass is among them. Short: one entry per better score.
  std::vector<FrontierPass> frontier;
  bool operator==(const ScenarioStat&) const = default;
};

// ---- Certification -------------------------------------------------------------------------------

struct AwardRow {
  std::string operator_id;
  std::string track_id;
  int track_version = 0;
  WallTime awarded_ms;
  WallTime expires_ms;
  std::vector<std::string> basis;  // the attempt uuids that earned it, one per requirement
};

// A certification earned on another kiosk or in another store, as the company's learning record
// store reported it (kiosk/sync reads it, kiosk/store caches it so an offline sign-in still shows
// it). Only the award time travels: the expiry is this kiosk's rule (certification.h).
struct RemoteAwardRow {
  std::string statement_id;  // the LRS statement that reported it
  std::string operator_id;
  std::string track_id;
  WallTime awarded_ms;
  std::string kiosk_id;  // where it was earned, when the statement said ("" otherwise)
  std::string store_id;
};

enum class CertStatus { not_started, in_progress, certified, expiring, expired };
std::string_view cert_status_name(CertStatus s);  // "not_started" … "expired"

}  // namespace posdrill
