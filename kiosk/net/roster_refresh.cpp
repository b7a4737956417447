// RosterRefresher (roster_refresh.h).

#include "kiosk/net/roster_refresh.h"

#include <algorithm>

#include "kiosk/net/sync_worker.h"
#include "kiosk/sync/statements.h"

namespace posdrill {

RosterRefresher::RosterRefresher(RosterCache& cache, HttpClient& http, LrsConfig config, Clock clock,
                                 RosterRefreshOptions options)
    : cache_(cache), http_(http), config_(std::move(config)), clock_(std::move(clock)), options_(options) {}

bool RosterRefresher::refresh(RosterRefreshStats& stats, std::string& error) {
  // The same endpoint check as every sender: the credentials never go anywhere it refuses.
  if (const auto problems = check_lrs_config(config_); !config_.enabled() || !problems.empty()) {
    error = config_.enabled() ? problems.front().message : "no LRS is configured (lrs.endpoint)";
    return false;
  }
  if (options_.full) {
    if (StoreStatus st = cache_.clear(); !st) {
      error = st.message;
      return false;
    }
  }
  const WallTime started = clock_();
  if (!refresh_stream("attempted", xapi::verb_attempted, stats, error)) return false;
  if (!refresh_stream("passed", xapi::verb_passed, stats, error)) return false;
  if (StoreStatus st = cache_.set_refreshed_ms(started); !st) {
    error = st.message;
    return false;
  }
  return true;
}

bool RosterRefresher::refresh_stream(const char* stream, const char* verb_iri, RosterRefreshStats& stats,
                                     std::string& error) {
  const StoreFound<WallTime> cursor = cache_.cursor(stream);
  if (!cursor.ok()) {
    error = cursor.status.message;
    return false;
  }
  // Exclusive `since`; none: from the beginning.
  std::optional<WallTime> since;
  if (cursor && cursor->ms() > 0) since = std::max(WallTime{}, *cursor - options_.overlap_ms);
  WallTime reached = cursor ? *cursor : WallTime{};
  WallTime consistent = WallTime::latest();
  int limit = std::max(1, options_.page_size);
  for (;;) {
    std::string query = "statements?verb=" + url_encode(verb_iri) + "&ascending=true&limit=" + std::to_string(limit);
    if (since) query += "&since=" + url_encode(xapi_timestamp(*since));
    const HttpResponse r = http_.perform(lrs_request(config_, "GET", lrs_url(config_, query)));
    ++stats.requests;
    stats.bytes += int64_t(r.body.size());
    if (r.error != HttpError::none || r.status != 200) {
      error = "reading the " + std::string(stream) + " statements: " + describe_outcome(r);
      return false;
    }
    WallTime through;
    if (const auto h = r.header("x-experience-api-consistent-through"); h && parse_xapi_timestamp(*h, through))
      consistent = std::min(consistent, through);
    RosterPage page;
    if (!parse_roster_page(config_, r.body, page, error)) return false;
    stats.statements += page.statements;
    stats.facts += int64_t(page.facts.size());
    reached = std::max(reached, page.newest_stored_ms);
    // The cursor goes as far as what was read, and never past what the LRS says is complete.
    if (StoreStatus st = cache_.apply(page.facts, stream, std::min(reached, consistent)); !st) {
      error = st.message;
      return false;
    }
    if (page.statements < limit) return true;  // the present reached
    if (page.oldest_stored_ms == page.newest_stored_ms && since && page.newest_stored_ms - 1 == *since) {
      // A whole page at one instant: a bigger page, or it would be asked for forever.
      if (limit >= options_.max_page_size) {
        error = "more than " + std::to_string(limit) + " statements share the stored time " +
                xapi_timestamp(page.newest_stored_ms) + ": the roster cannot page past them";
        return false;
      }
      limit = std::min(limit * 2, options_.max_page_size);
      continue;
    }
    // From just before the newest instant read: its statements that did not fit come next.
    since = page.newest_stored_ms - 1;
  }
}

}  // namespace posdrill
