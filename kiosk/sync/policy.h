// The outbox's send policy: what to do with a batch after the LRS answered (or did not).
// PURE and deterministic (jitter comes in as a number), so every branch has a unit test.
//
// The xAPI spec defines no retry algorithm; this one is docs/domain.md §12:
//   2xx                      delivered (the answer must list the ids we sent, else retry: a resend
//                            of the same bytes is harmless)
//   connection error, time-out, 408, 429, 5xx
//                            retry the same batch unchanged after a backoff with jitter
//                            (a Retry-After may lengthen the wait, never shorten it)
//   413, or 400/409 for several statements
//                            split the batch in two and send each half
//   413 / 400 for a single statement
//                            set it aside with the reason; the rest goes on
//   409 for a single statement
//                            GET it back and compare: same -> delivered, different -> set aside
//   401, 403                 stop and raise the configuration alarm (nothing is lost)
//   other 4xx (404, 405 …)   the endpoint is wrong: configuration alarm
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace posdrill {

enum class SendAction {
  delivered,       // mark the batch sent
  retry_later,     // keep it queued; wait backoff
  split,           // send each half separately (only for batches of 2 or more)
  set_aside,       // only for a single statement: keep it out of the queue with the reason
  check_conflict,  // single statement 409: GET ?statementId= and compare
  alarm,           // credentials or endpoint wrong: stop sending until the config changes or a retry
};
const char* send_action_name(SendAction a);

struct SendOutcome {
  bool answered = false;  // an HTTP answer arrived (false: connection error or time-out)
  long status = 0;
  std::size_t batch_size = 1;
  bool ids_match = true;  // 2xx: the body listed exactly the ids sent
};

SendAction decide(const SendOutcome& o);

// What the user reads about a failure (English; the kiosk maps `kind` to its own words).
// `local`: the kiosk itself failed (its records could not be read or written, e.g. a full disk);
// the pass ends and waits out a backoff like a server failure, so nothing is re-sent in a loop.
enum class SyncProblem { none, offline, server_busy, server_error, rejected, credentials, endpoint, conflict, local };
const char* sync_problem_name(SyncProblem p);  // "offline", …
SyncProblem problem_of(const SendOutcome& o);

struct BackoffPolicy {
  int64_t base_ms = 2'000;
  int64_t cap_ms = 300'000;  // 5 minutes
  int64_t retry_after_cap_ms = 3'600'000;
};
// Delay before the next try after `failures` consecutive failures (1, 2, …): full-jitter style
// between half and all of min(cap, base * 2^(failures-1)); `jitter01` in [0, 1). A Retry-After
// the server gave lengthens it (up to retry_after_cap_ms) but never shortens it: "Retry-After: 0"
// or a date in the past cannot turn the backoff off.
int64_t backoff_ms(const BackoffPolicy& p, int failures, double jitter01, std::optional<int64_t> retry_after_ms);

// Retry-After: delta-seconds ("120") or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT");
// milliseconds from `now_ms`, never negative; nullopt when unreadable.
std::optional<int64_t> parse_retry_after(std::string_view value, WallTime now_ms);

// True when the 2xx answer body of a POST is a JSON array of exactly these ids, in order.
bool answer_lists_ids(std::string_view body, const std::vector<std::string>& ids);

// True when `stored` (the LRS's copy, from GET ?statementId=) carries everything `sent` said:
// every property we sent equal, ignoring what the LRS adds (stored, authority, version, and a
// timestamp it filled in) and activity definitions (not part of a statement in xAPI; a batch may
// have left a repeated one out). Timestamps are compared as instants.
bool same_statement(std::string_view sent, std::string_view stored);

}  // namespace posdrill
