// What a chain-wide roster needs from the LRS's statements (`posdrill report --from-lrs`): who
// (account, name, store), which attempts began and which passed, and which certifications were
// earned, read from pages of GET /statements. PURE: the HTTP side is kiosk/net/roster_refresh.h,
// the local cache kiosk/store/roster_cache.h.
//
// Only statements about our own people and content count: the actor's account on lrs.home_page,
// the object under lrs.base_iri (scenarios/<id>, tracks/<id>). Everything else in a page is read
// past (and counted), so a shared LRS with other courses in it works.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "kiosk/sync/config.h"

namespace posdrill {

struct RosterFact {
  enum class Kind {
    attempted,        // an attempt at a scenario began (at_ms = its start)
    scenario_passed,  // an attempt passed its scenario (at_ms = its end, score, duration)
    certified,        // a certification earned (at_ms = the award's time)
  };
  Kind kind = Kind::attempted;
  std::string statement_id;
  std::string employee_id, name;   // the actor's account name and display name
  std::string store_id, kiosk_id;  // where, when the statement says
  std::string registration;        // the attempt (statement id when a foreign statement has none)
  std::string scenario_id, track_id;
  WallTime at_ms;
  int64_t duration_ms = 0;  // scenario_passed: result.duration (0 when absent)
  double score = 0;         // scenario_passed: result.score.scaled
};

// One page of GET /statements, read.
struct RosterPage {
  std::vector<RosterFact> facts;
  int statements = 0;            // in the page, ours or not: a full page means there may be more
  WallTime oldest_stored_ms;     // of every statement in the page (0 when the page is empty)
  WallTime newest_stored_ms;
  std::string more;  // the LRS's `more` ("" when none)
};

// Reads a statement result body. False with `error` when it is not one ({"statements": [...]}) or
// a statement in it has no readable `stored` (paging depends on it).
bool parse_roster_page(const LrsConfig& config, std::string_view body, RosterPage& page, std::string& error);

// An ISO 8601 duration as xAPI writes it ("PT4M12.5S", "P1DT2H") -> ms; false when unreadable.
bool parse_xapi_duration(std::string_view text, int64_t& ms);

}  // namespace posdrill
