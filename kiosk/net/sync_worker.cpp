// SyncSender and SyncWorker (sync_worker.h).

#include "kiosk/net/sync_worker.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "base/percent.h"

namespace posdrill {

namespace {

std::string body_excerpt(const std::string& body) {
  std::string out;
  for (char c : body.substr(0, 160)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return out;
}

// The one-sender-per-database lock: an exclusive flock on FILE-send for the length of a pass. The
// kernel drops it when its holder dies, so a killed sender never blocks the next one. Two senders
// (the kiosk's worker and `posdrill sync now`) take turns; neither posts a batch the other posts.
struct SenderLock {
  explicit SenderLock(const std::filesystem::path& database) {
    const std::string path = database.string() + "-send";
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      error = "cannot open the sending lock " + path + ": " + std::strerror(errno);
      return;
    }
    held = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (!held && errno != EWOULDBLOCK) error = "cannot lock " + path + ": " + std::strerror(errno);
  }
  ~SenderLock() {
    if (fd >= 0) ::close(fd);  // closing releases the lock
  }
  SenderLock(const SenderLock&) = delete;
  SenderLock& operator=(const SenderLock&) = delete;
  int fd = -1;
  bool held = false;
  std::string error;
};

}  // namespace

std::string url_encode(const std::string& s) { return percent_encode(s, is_unreserved); }

std::string lrs_url(const LrsConfig& config, const std::string& rest) {
  std::string base = config.endpoint;
  if (base.empty() || base.back() != '/') base += '/';
  return base + rest;
}

HttpRequest lrs_request(const LrsConfig& config, const std::string& method, const std::string& url) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  r.headers = {{"X-Experience-API-Version", config.version},
               {"Accept", "application/json"},
               {"Content-Type", "application/json"}};
  r.basic_user = config.key;
  r.basic_password = config.secret;
  r.ca_file = config.ca_file;
  r.timeout_s = config.timeout_s;
  r.connect_timeout_s = config.effective_connect_timeout_s();
  return r;
}

std::string describe_outcome(const HttpResponse& r) {
  if (r.error != HttpError::none) return std::string(http_error_text(r.error)) + " (" + r.error_detail + ")";
  std::string out = "HTTP " + std::to_string(r.status) + " from the LRS";
  if (r.status >= 400 && !r.body.empty()) out += ": " + body_excerpt(r.body);
  return out;
}

SyncSender::SyncSender(SqliteStore& store, HttpClient& http, LrsConfig config, Clock clock, Jitter jitter, Log log)
    : store_(store),
      http_(http),
      config_(std::move(config)),
      clock_(std::move(clock)),
      jitter_(std::move(jitter)),
      log_(std::move(log)) {
  // The same check the config loader ran: a sender built from any other path (a test, a future
  // caller) still never sends to an endpoint `sync now` would refuse.
  if (const auto problems = check_lrs_config(config_); config_.enabled() && !problems.empty()) {
    refused_ = problems.front().message;
    alarm_ = true;
    hold_until_ms_ = WallTime::latest();
    problem_ = SyncProblem::endpoint;
    problem_detail_ = refused_;
  }
}

void SyncSender::clear_hold() {
  if (!refused_.empty()) return;  // no person's "send now" makes a refused endpoint acceptable
  hold_until_ms_ = WallTime{};
  alarm_ = false;
  store_.outbox_make_due(clock_());
}

HttpRequest SyncSender::request(const std::string& method, const std::string& url) const {
  HttpRequest r = lrs_request(config_, method, url);
  // Within drain(): no request outlives the caller's deadline.
  if (deadline_ms_ != WallTime::latest()) r.timeout_ms = std::max<int64_t>(1, deadline_ms_ - clock_());
  return r;
}

void SyncSender::note(SyncProblem p, std::string detail) {
  problem_ = p;
  problem_detail_ = std::move(detail);
  if (log_ && p != SyncProblem::none) log_("posdrill sync: " + problem_detail_);
}

void SyncSender::raise_alarm(SyncProblem p, std::string detail) {
  alarm_ = true;
  hold_until_ms_ = WallTime::latest();
  note(p, std::move(detail));
}

int64_t SyncSender::hold(const std::optional<int64_t>& retry_after) {
  ++failures_;
  BackoffPolicy policy;
  policy.base_ms = config_.retry_initial_ms;
  policy.cap_ms = config_.retry_max_ms;
  const int64_t wait = backoff_ms(policy, failures_, jitter_(), retry_after);
  hold_until_ms_ = clock_() + wait;
  return wait;
}

void SyncSender::fail(const std::vector<OutboxRow>& batch, SyncProblem problem, const HttpResponse& r) {
  std::optional<int64_t> retry_after;
  if (auto h = r.header("retry-after")) retry_after = parse_retry_after(*h, clock_());
  const int64_t wait = hold(retry_after);
  std::vector<std::string> ids;
  for (const auto& row : batch) ids.push_back(row.statement.id);
  std::string detail = describe_outcome(r);
  if (r.error == HttpError::none && r.status >= 200 && r.status < 300)
    detail += " (the answer did not list the ids sent)";
  // The hold above is what stops the next try; the stored time only survives a restart, so a
  // store that cannot write it (a full disk) changes nothing here.
  (void)store_.outbox_defer(ids, hold_until_ms_, detail);
  note(problem, detail + "; next try in " + std::to_string((wait + 999) / 1000) + " s");
}

void SyncSender::fail_locally(const std::string& what) {
  const int64_t wait = hold(std::nullopt);
  note(SyncProblem::local, what + "; next try in " + std::to_string((wait + 999) / 1000) + " s");
}

SyncSender::BatchResult SyncSender::resolve_conflict(const OutboxRow& row, PassResult& pass) {
  // 409 for one statement: the LRS already has that id. Same content = it arrived earlier (our
  // answer was lost); different content = a real conflict that a person must look at.
  HttpResponse r =
      http_.perform(request("GET", lrs_url(config_, "statements?statementId=" + url_encode(row.statement.id))));
  last_try_ms_ = clock_();
  if (r.error == HttpError::none && r.status == 200) {
    if (same_statement(row.statement.body, r.body)) {
      if (StoreStatus st = store_.outbox_mark_sent({row.statement.id}, clock_()); !st) {
        fail_locally("could not record statement " + row.statement.id + " as delivered: " + st.message);
        return BatchResult::failed;
      }
      ++pass.sent;
      failures_ = 0;
      return BatchResult::ok;
    }
    if (StoreStatus st = store_.outbox_set_aside(
            row.statement.id, "conflict: the LRS holds a different statement with this id (HTTP 409)", clock_());
        !st) {
      fail_locally("could not set statement " + row.statement.id + " aside: " + st.message);
      return BatchResult::failed;
    }
    ++pass.set_aside;
    note(SyncProblem::conflict, "statement " + row.statement.id + " conflicts with a different one at the LRS");
    return BatchResult::ok;
  }
  if (r.error == HttpError::none && (r.status == 401 || r.status == 403)) {
    raise_alarm(SyncProblem::credentials, describe_outcome(r));
    return BatchResult::alarm;
  }
  // No answer, a 5xx, or a 404 right after the 409: ask again later.
  fail({row}, r.error == HttpError::none ? SyncProblem::server_error : SyncProblem::offline, r);
  return BatchResult::failed;
}

SyncSender::BatchResult SyncSender::send(const std::vector<OutboxRow>& batch, PassResult& pass) {
  // The stored bytes of each statement, never rebuilt, with a context activity's definition left
  // out where an earlier statement of this batch already gave it (batch_body).
  std::vector<std::string_view> bodies;
  std::vector<std::string> ids;
  for (const OutboxRow& row : batch) {
    bodies.push_back(row.statement.body);
    ids.push_back(row.statement.id);
  }
  HttpRequest req = request("POST", lrs_url(config_, "statements"));
  req.body = batch_body(bodies);
  HttpResponse r = http_.perform(req);
  last_try_ms_ = clock_();
  ++pass.requests;

  SendOutcome o;
  o.answered = r.error == HttpError::none;
  o.status = r.status;
  o.batch_size = batch.size();
  if (o.answered && r.status >= 200 && r.status < 300) o.ids_match = answer_lists_ids(r.body, ids);
  switch (decide(o)) {
    case SendAction::delivered:
      if (StoreStatus st = store_.outbox_mark_sent(ids, clock_()); !st) {
        // The LRS has them and the next try resends the same bytes, which it ignores; but not at
        // once and not in a loop: the pass ends and waits out a backoff.
        fail_locally("could not record " + std::to_string(ids.size()) + " statement(s) as delivered: " + st.message);
        return BatchResult::failed;
      }
      pass.sent += static_cast<int>(ids.size());
      failures_ = 0;
      note(SyncProblem::none, "");
      return BatchResult::ok;
    case SendAction::retry_later:
      fail(batch, problem_of(o), r);
      return BatchResult::failed;
    case SendAction::split: {
      // One bad statement must not hold back the others: halve until it stands alone.
      const auto mid = batch.begin() + static_cast<std::ptrdiff_t>(batch.size() / 2);
      const std::vector<OutboxRow> first(batch.begin(), mid), second(mid, batch.end());
      if (BatchResult b = send(first, pass); b != BatchResult::ok) return b;
      if (past_deadline()) return BatchResult::failed;
      return send(second, pass);
    }
    case SendAction::set_aside: {
      const std::string why = "set aside: " + describe_outcome(r);
      if (StoreStatus st = store_.outbox_set_aside(ids.front(), why, clock_()); !st) {
        fail_locally("could not set statement " + ids.front() + " aside: " + st.message);
        return BatchResult::failed;
      }
      ++pass.set_aside;
      note(problem_of(o), "statement " + ids.front() + " " + why);
      return BatchResult::ok;
    }
    case SendAction::check_conflict:
      return resolve_conflict(batch.front(), pass);
    case SendAction::alarm:
      raise_alarm(problem_of(o), describe_outcome(r));
      return BatchResult::alarm;
  }
  return BatchResult::failed;
}

bool SyncSender::past_deadline() const { return clock_() >= deadline_ms_; }

SyncSender::PassResult SyncSender::flush_pass() {
  PassResult pass;
  if (!config_.enabled()) return pass;
  if (alarm_) {
    pass.alarm = true;
    return pass;
  }
  if (clock_() < hold_until_ms_) {
    pass.failed = true;
    return pass;
  }
  // One sender per database: another process's (or thread's) pass is sending these very rows.
  SenderLock lock(store_.file());
  if (!lock.error.empty()) {
    fail_locally(lock.error);
    pass.failed = true;
    return pass;
  }
  if (!lock.held) {
    pass.busy = true;
    return pass;
  }
  const int size = std::clamp(config_.batch_size, 1, 500);
  while (!past_deadline()) {
    const StoreList<OutboxRow> batch = store_.outbox_due(size, clock_());
    if (!batch.ok()) {
      fail_locally("could not read the statements waiting: " + batch.status.message);
      pass.failed = true;
      break;
    }
    if (batch.empty()) break;
    const BatchResult b = send(batch, pass);
    if (b == BatchResult::alarm) {
      pass.alarm = true;
      break;
    }
    if (b == BatchResult::failed) {
      pass.failed = true;
      break;
    }
  }
  if (log_ && (pass.sent || pass.set_aside))
    log_("posdrill sync: " + std::to_string(pass.sent) + " statement(s) delivered, " + std::to_string(pass.set_aside) +
         " set aside");
  return pass;
}

SyncSender::PassResult SyncSender::drain(WallTime deadline_ms) {
  PassResult total;
  deadline_ms_ = deadline_ms;
  for (;;) {
    const PassResult pass = flush_pass();
    total.sent += pass.sent;
    total.set_aside += pass.set_aside;
    total.requests += pass.requests;
    total.failed = pass.failed;
    total.busy = pass.busy;
    total.alarm = pass.alarm;
    const WallTime now = clock_();
    // Refused, nothing due any more, or out of time: whatever happened, the deadline ends it.
    if (pass.alarm || (!pass.failed && !pass.busy) || now >= deadline_ms) break;
    // Every failure set a hold in the future, so this loop always waits before it tries again;
    // another sender's pass is waited out in short steps.
    const WallTime until = pass.busy ? now + 100 : hold_until_ms_;
    if (until > deadline_ms) break;
    if (until > now) std::this_thread::sleep_for(std::chrono::milliseconds(until - now));
  }
  deadline_ms_ = WallTime::latest();
  return total;
}

bool SyncSender::fetch_remote_awards(const std::string& employee_id, std::vector<RemoteAward>& out, std::string& error,
                                     int max_pages) {
  if (!refused_.empty()) {
    error = refused_;
    return false;
  }
  std::string url = lrs_url(config_, "statements?agent=" + url_encode(actor_json(config_, employee_id)) +
                                         "&verb=" + url_encode(xapi::verb_passed) + "&limit=200");
  for (int page = 0; page < max_pages && !url.empty(); ++page) {
    HttpResponse r = http_.perform(request("GET", url));
    if (r.error != HttpError::none || r.status != 200) {
      error = describe_outcome(r);
      return false;
    }
    std::string more;
    if (!parse_remote_awards(config_, employee_id, r.body, out, more, error)) return false;
    if (more.empty()) break;
    // Only ever on the endpoint's own server: the credentials go with every request.
    const std::optional<std::string> next = resolve_more_link(config_.endpoint, more, error);
    if (!next) return false;
    url = *next;
  }
  return true;
}

SyncSnapshot SyncSender::snapshot() {
  SyncSnapshot s;
  s.enabled = config_.enabled();
  const OutboxCounts c = store_.outbox_counts();
  s.queued = c.queued;
  s.set_aside = c.set_aside;
  s.sent = c.sent;
  s.voided = c.voided;
  s.oldest_queued_ms = c.oldest_queued_ms;
  s.last_sent_ms = c.last_sent_ms;
  s.last_try_ms = last_try_ms_;
  s.problem = problem_;
  s.problem_detail = problem_detail_;
  s.alarm = alarm_;
  s.next_try_ms = alarm_ ? WallTime{} : hold_until_ms_;
  return s;
}

// ---- SyncWorker ----------------------------------------------------------------------------------

SyncWorker::SyncWorker(Options options) : options_(std::move(options)) {
  snapshot_.enabled = options_.config.enabled();
}

SyncWorker::~SyncWorker() { stop(); }

bool SyncWorker::start(std::string& error) {
  if (thread_.joinable()) return true;
  if (const auto problems = check_lrs_config(options_.config); !problems.empty()) {
    error = problems.front().message;
    return false;
  }
  StoreStatus st;
  store_ = SqliteStore::open(options_.database, st, wall_now());
  if (!store_) {
    error = st.message;
    return false;
  }
  thread_ = std::thread([this] { run(); });
  return true;
}

void SyncWorker::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  store_.reset();
}

void SyncWorker::kick() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    kicked_ = true;
  }
  wake_.notify_all();
}

void SyncWorker::request_remote_awards(const std::string& employee_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (std::find(remote_requests_.begin(), remote_requests_.end(), employee_id) == remote_requests_.end())
      remote_requests_.push_back(employee_id);
  }
  wake_.notify_all();
}

std::vector<std::string> SyncWorker::take_remote_updates() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(remote_updates_, {});
}

SyncSnapshot SyncWorker::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return snapshot_;
}

void SyncWorker::run() {
  const auto now_ms = wall_now;
  HttpClient http(&cancel_);
  // Jitter only needs to spread kiosks apart, not to be unpredictable.
  uint64_t seed = static_cast<uint64_t>(now_ms().ms()) ^ reinterpret_cast<uintptr_t>(this);
  auto jitter = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return static_cast<double>(seed >> 11) / static_cast<double>(1ULL << 53);
  };
  SyncSender sender(*store_, http, options_.config, now_ms, jitter, options_.log);
  store_->outbox_prune_sent(now_ms() - options_.keep_sent_ms);

  for (;;) {
    std::vector<std::string> remote;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) break;
      if (kicked_) {
        kicked_ = false;
        sender.clear_hold();
      }
      remote.swap(remote_requests_);
    }
    for (const auto& id : remote) {
      std::vector<RemoteAward> got;
      std::string error;
      if (options_.config.remote_certification && sender.fetch_remote_awards(id, got, error)) {
        store_->replace_remote_awards(id, got, now_ms());
        std::lock_guard<std::mutex> lock(mutex_);
        remote_updates_.push_back(id);
      } else if (!error.empty() && options_.log) {
        options_.log("posdrill sync: could not read " + id + "'s certifications from the LRS (" + error +
                     "); using the cached ones");
      }
    }
    sender.flush_pass();
    const SyncSnapshot snap = sender.snapshot();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      snapshot_ = snap;
    }
    // Sleep until the backoff ends, the next statement is due, or the idle poll (new statements
    // are written by the kiosk's own connection and found here).
    int64_t wait = options_.idle_poll_ms;
    if (snap.next_try_ms.is_set()) wait = std::clamp<int64_t>(snap.next_try_ms - now_ms(), 10, options_.idle_poll_ms);
    if (snap.alarm) wait = options_.idle_poll_ms;
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(wait),
                   [this] { return stop_ || kicked_ || !remote_requests_.empty(); });
  }
}

}  // namespace posdrill
