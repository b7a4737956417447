// Sends the outbox to the company's Learning Record Store (xAPI 1.0.3 / 2.0.0) over libcurl.
//
// SyncSender is the engine: one pass takes the due statements in order, POSTs them in batches of
// LrsConfig::batch_size over one kept-alive connection and applies the policy of
// kiosk/sync/policy.h to every answer, writing the outcome to the store before the next request.
// The bytes sent are the bytes stored when the event happened (less a context activity's
// definition the batch already gave, batch_body); nothing is rebuilt on a retry, so a resend
// after a crash or a lost answer is harmless (the LRS keeps one copy of an id).
//
// SyncWorker runs a SyncSender on its own thread with its own SqliteStore connection, so the
// kiosk's frame loop never waits for the network. The UI reads snapshot() (a copy under a mutex)
// and may kick() it; `posdrill sync now` drives a SyncSender directly on its own thread.
//
// Secrets: the key and secret go to curl only; no log line, status text or stored error holds them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "kiosk/net/http_client.h"
#include "kiosk/store/store.h"
#include "kiosk/sync/config.h"
#include "kiosk/sync/policy.h"
#include "kiosk/sync/statements.h"

namespace posdrill {

// What the footer, the console and `posdrill sync status` show.
struct SyncSnapshot {
  bool enabled = false;
  int64_t queued = 0, set_aside = 0, sent = 0, voided = 0;
  WallTime oldest_queued_ms;
  WallTime last_sent_ms;                    // the LRS last took a statement (0: never)
  WallTime last_try_ms;                     // the last request (0: none yet)
  SyncProblem problem = SyncProblem::none;  // the last try's problem; none after a success
  std::string problem_detail;               // English, e.g. "HTTP 503 from the LRS" (never a secret)
  bool alarm = false;                       // credentials or address refused: a person must act
  WallTime next_try_ms;                     // when the sender tries again (0: as soon as something is due)
};

class SyncSender {
 public:
  using Clock = std::function<WallTime()>;
  using Jitter = std::function<double()>;  // uniform [0, 1)
  using Log = std::function<void(const std::string&)>;

  // A config that check_lrs_config refuses makes a sender that sends nothing: every pass reports
  // the alarm with the problem, and clear_hold() does not lift it.
  SyncSender(SqliteStore& store, HttpClient& http, LrsConfig config, Clock clock, Jitter jitter, Log log = {});

  struct PassResult {
    int sent = 0;         // statements the LRS confirmed this pass
    int set_aside = 0;    // statements taken out of the queue this pass
    int requests = 0;     // POSTs made
    bool failed = false;  // a batch could not be delivered, or the kiosk's own records failed; it
                          // waits for next_try_ms
    bool busy = false;    // another sender holds this database's sending lock: nothing was sent
    bool alarm = false;
  };
  // Sends what is due now, batch after batch, until the queue has nothing due or a batch fails.
  // Does nothing while an earlier failure's backoff (or an alarm) holds, or while another sender
  // holds the database's sending lock (FILE-send, one sender at a time, released by a crash). A
  // failure of the kiosk's own records (the delivery cannot be written: a full disk) ends the pass
  // with a backoff too, so nothing is re-sent in a loop.
  PassResult flush_pass();
  // Passes until nothing is due, sleeping through each backoff, and returns at `deadline_ms`
  // whatever happens: no request outlives it (its time-out is cut to the time left), and a next
  // try that would come later is not waited for; also when the LRS raises the alarm. For
  // `posdrill sync now` and the benchmark; the worker never blocks like this. The totals.
  PassResult drain(WallTime deadline_ms);
  // Lifts the backoff and the alarm: the next pass tries at once (the console's "send now",
  // `posdrill sync retry`, a changed config).
  // Waiting statements become due now too.
  void clear_hold();
  WallTime hold_until_ms() const { return hold_until_ms_; }

  // GET the employee's certification statements (verb passed, objects under our tracks/ IRIs),
  // following `more` for at most `max_pages` pages, and only on the endpoint's own scheme, host
  // and port (resolve_more_link). False with `error` when the LRS could not be asked, answered
  // nonsense or pointed elsewhere (the caller keeps its cache then).
  bool fetch_remote_awards(const std::string& employee_id, std::vector<RemoteAward>& out, std::string& error,
                           int max_pages = 5);

  SyncSnapshot snapshot();  // counts read from the store now

 private:
  enum class BatchResult { ok, failed, alarm };
  BatchResult send(const std::vector<OutboxRow>& batch, PassResult& pass);
  BatchResult resolve_conflict(const OutboxRow& row, PassResult& pass);
  HttpRequest request(const std::string& method, const std::string& url) const;
  // Counts a failure and holds the next try for the backoff (a Retry-After may lengthen it);
  // returns the wait in ms.
  int64_t hold(const std::optional<int64_t>& retry_after);
  // The batch waits out a backoff; `problem` is what the footer says meanwhile.
  void fail(const std::vector<OutboxRow>& batch, SyncProblem problem, const HttpResponse& r);
  // The kiosk's own records failed (`what` says how): the pass ends and waits out a backoff.
  void fail_locally(const std::string& what);
  bool past_deadline() const;
  // Credentials or address refused: no more sending until clear_hold().
  void raise_alarm(SyncProblem p, std::string detail);
  void note(SyncProblem p, std::string detail);

  SqliteStore& store_;
  HttpClient& http_;
  LrsConfig config_;
  Clock clock_;
  Jitter jitter_;
  Log log_;
  int failures_ = 0;  // consecutive failed batches (the backoff's exponent)
  WallTime hold_until_ms_;
  WallTime deadline_ms_ = WallTime::latest();  // drain()'s deadline while it runs
  bool alarm_ = false;
  std::string refused_;  // check_lrs_config's first problem: this sender sends nothing, ever
  WallTime last_try_ms_;
  SyncProblem problem_ = SyncProblem::none;
  std::string problem_detail_;
};

// A short English description of an HTTP outcome for logs and stored errors.
std::string describe_outcome(const HttpResponse& r);
// The request every call to the LRS makes: its xAPI version and JSON headers, Basic credentials,
// CA file and time-outs from `config`. `url` must be on the endpoint (check_lrs_config).
HttpRequest lrs_request(const LrsConfig& config, const std::string& method, const std::string& url);
// <endpoint>rest, with exactly one '/' between them.
std::string lrs_url(const LrsConfig& config, const std::string& rest);
// RFC 3986: unreserved characters stay, everything else becomes %XX (for query values).
std::string url_encode(const std::string& s);

class SyncWorker {
 public:
  struct Options {
    std::filesystem::path database;
    LrsConfig config;
    int idle_poll_ms = 2000;                         // how often the queue is looked at when nothing is due
    int64_t keep_sent_ms = 30LL * 24 * 3600 * 1000;  // delivered statements are pruned after this
    SyncSender::Log log;
  };
  explicit SyncWorker(Options options);
  ~SyncWorker();  // stops and joins; a request in flight is cancelled (within about a second)
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  // Opens its own connection to the database and starts the thread. False with `error` set, also
  // when check_lrs_config refuses the config (nothing is ever sent then).
  bool start(std::string& error);
  void stop();
  void kick();  // try now: lifts the backoff and the alarm
  // Ask the LRS for the employee's certifications; the answer is stored (remote_awards) and the
  // employee id shows up in take_remote_updates().
  void request_remote_awards(const std::string& employee_id);
  std::vector<std::string> take_remote_updates();
  SyncSnapshot snapshot() const;

 private:
  void run();

  Options options_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  // Raised by stop() before the join: the worker's HttpClient cancels the request in flight, so
  // closing the kiosk never waits out the LRS time-out. What it carried stays queued.
  std::atomic<bool> cancel_{false};
  bool kicked_ = false;
  std::vector<std::string> remote_requests_;
  std::vector<std::string> remote_updates_;
  SyncSnapshot snapshot_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace posdrill
