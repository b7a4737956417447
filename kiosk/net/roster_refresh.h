// Brings a RosterCache up to date from the LRS (`posdrill report --from-lrs`): for each verb the
// roster needs (attempted, passed) it asks for the statements stored since its cursor, oldest
// first, page after page, and commits each page with the cursor it reached.
//
// Paging is by `since` (exclusive) on `stored`, not by the LRS's `more` links (one LRS in common
// use builds them wrongly), and `stored` is not trusted to be strictly increasing:
//   - each page asks from 1 ms before the newest `stored` of the page before, so statements that
//     share that instant and did not fit are read too (facts are idempotent: the ones already read
//     change nothing); a page whose every statement shares one instant doubles the page size;
//   - each refresh starts `overlap_ms` before the stream's cursor, so a statement the LRS made
//     visible after later ones (stored earlier than what was already read, as concurrent writes
//     can do) is still found when it is no older than the overlap; the cursor never passes the
//     LRS's X-Experience-API-Consistent-Through.
// Credentials only go to the endpoint (kiosk/sync/config.h checks it); requests carry the same
// headers and time-outs as the sync sender's.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/time.h"
#include "kiosk/net/http_client.h"
#include "kiosk/store/roster_cache.h"
#include "kiosk/sync/config.h"

namespace posdrill {

struct RosterRefreshOptions {
  int page_size = 2000;
  int max_page_size = 64'000;
  int64_t overlap_ms = 5 * 60'000;
  bool full = false;  // forget the cache and read everything again
};

struct RosterRefreshStats {
  int requests = 0;
  int64_t statements = 0;  // read, ours or not, overlaps included
  int64_t facts = 0;       // roster facts applied
  int64_t bytes = 0;       // answer bodies
};

class RosterRefresher {
 public:
  using Clock = std::function<WallTime()>;
  RosterRefresher(RosterCache& cache, HttpClient& http, LrsConfig config, Clock clock,
                  RosterRefreshOptions options = {});
  // True when every stream reached the LRS's present; false with `error` (the cache keeps every
  // page committed so far, and the next refresh goes on from there).
  bool refresh(RosterRefreshStats& stats, std::string& error);

 private:
  bool refresh_stream(const char* stream, const char* verb_iri, RosterRefreshStats& stats, std::string& error);

  RosterCache& cache_;
  HttpClient& http_;
  LrsConfig config_;
  Clock clock_;
  RosterRefreshOptions options_;
};

}  // namespace posdrill
