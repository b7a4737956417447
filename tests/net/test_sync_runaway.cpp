// The sender cannot run away, over real sockets: a failed pass always leaves a backoff before the
// next try (a server's Retry-After: 0 or a past date included, and a failure of the kiosk's own
// records such as a full disk), drain() returns at its deadline whatever the server does, and only
// one sender at a time sends from a database (a lock that a killed holder releases).

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "fault_vfs.h"
#include "http_peer.h"
#include "kiosk/net/sync_worker.h"
#include "net_test_util.h"

using namespace posdrill;
using namespace posdrill::test;
using posdrill::store_test::TempDir;

namespace {

int posts(const HttpPeer& peer) {
  int n = 0;
  for (const auto& r : peer.requests()) n += r.method == "POST" ? 1 : 0;
  return n;
}

// A latch the test opens: a peer's handler waits on it (never on time).
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false, reached = false;
  void wait_here() {
    std::unique_lock<std::mutex> lock(m);
    reached = true;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
  }
  void wait_reached() {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return reached; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(m);
    open = true;
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("A busy server's Retry-After cannot turn the backoff off", "[net][runaway][threads]") {
  for (const char* retry_after : {"0", "Wed, 21 Oct 2015 07:28:00 GMT", "garbage"}) {
    INFO("Retry-After: " << retry_after);
    TempDir dir;
    auto store = store_with_statements(dir.db(), 5);
    HttpPeer lrs("127.0.0.1", [&](const PeerRequest&) {
      return PeerAnswer{429, {{"Retry-After", retry_after}}, R"({"message":"busy"})"};
    });
    LrsConfig c = lrs_config(lrs.url());
    c.retry_initial_ms = 60'000;  // so the hold is unmistakable
    c.retry_max_ms = 600'000;
    HttpClient http;
    SyncSender sender(*store, http, c, wall_now, [] { return 0.0; });
    const auto first = sender.flush_pass();
    CHECK(first.failed);
    CHECK(first.requests == 1);
    // Half the initial backoff at the least, whatever the server said.
    CHECK(sender.hold_until_ms() - wall_now() > 25'000);
    const auto second = sender.flush_pass();
    CHECK(second.failed);
    CHECK(second.requests == 0);
    CHECK(posts(lrs) == 1);
    CHECK(store->outbox_counts().queued == 5);
  }
}

TEST_CASE("A failure of the kiosk's own records ends the pass with a backoff", "[net][runaway][threads]") {
  TempDir dir;
  auto store = store_with_statements(dir.db(), 4);
  // The disk refuses the delivery's write: the LRS has the batch, the records cannot say so.
  store_test::exec_sql(dir.db(),
                       "CREATE TRIGGER full_disk BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'sent' "
                       "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
  HttpPeer lrs("127.0.0.1", ok_lrs());
  LrsConfig c = lrs_config(lrs.url(), 2);
  c.retry_initial_ms = 60'000;
  c.retry_max_ms = 600'000;
  HttpClient http;
  SyncSender sender(*store, http, c, wall_now, [] { return 0.0; });
  const auto pass = sender.flush_pass();
  CHECK(pass.failed);
  CHECK(pass.requests == 1);  // the first batch only: the pass ended at the local failure
  CHECK(sender.snapshot().problem == SyncProblem::local);
  CHECK(sender.snapshot().problem_detail.find("disk is full") != std::string::npos);
  CHECK(sender.flush_pass().requests == 0);  // held, not re-sent at once
  // drain() with a deadline well inside the backoff returns without another request.
  const auto drained = sender.drain(wall_now() + 2'000);
  CHECK(drained.requests == 0);
  CHECK(posts(lrs) == 1);
  CHECK(store->outbox_counts().queued == 4);  // nothing lost

  // The disk has room again: "send now" delivers, the LRS ignoring the batch it already has.
  store_test::exec_sql(dir.db(), "DROP TRIGGER full_disk");
  sender.clear_hold();
  CHECK(sender.drain(wall_now() + 30'000).sent == 4);
  CHECK(store->outbox_counts().queued == 0);
}

TEST_CASE("drain returns at its deadline while the server never answers", "[net][runaway][threads]") {
  TempDir dir;
  auto store = store_with_statements(dir.db(), 3);
  Gate gate;
  HttpPeer lrs("127.0.0.1", [&](const PeerRequest&) {
    gate.wait_here();  // a frozen LRS: holds the request until the test is over
    return PeerAnswer{503, {}, ""};
  });
  LrsConfig c = lrs_config(lrs.url());
  c.timeout_s = 600;  // far beyond the test's own time-out: only the deadline can end the request
  HttpClient http;
  SyncSender sender(*store, http, c, wall_now, [] { return 0.0; });
  const auto drained = sender.drain(wall_now() + 500);  // the test hangs (and fails) if this ignores it
  CHECK(drained.sent == 0);
  CHECK(drained.failed);
  CHECK(sender.snapshot().problem == SyncProblem::offline);
  CHECK(store->outbox_counts().queued == 3);
  gate.release();
}

TEST_CASE("One sender at a time per database", "[net][runaway][lock][threads]") {
  TempDir dir;
  auto store_a = store_with_statements(dir.db(), 40);
  Gate gate;
  std::mutex m;
  std::map<std::string, int> posted;  // id -> times the LRS received it
  bool first = true;
  HttpPeer lrs("127.0.0.1", [&](const PeerRequest& r) {
    bool hold = false;
    {
      std::lock_guard<std::mutex> lock(m);
      for (const auto& id : posted_ids(r.body)) ++posted[id];
      hold = std::exchange(first, false);
    }
    if (hold) gate.wait_here();  // the first batch stays in flight until the other sender has tried
    return PeerAnswer{200, {}, ids_answer(r.body)};
  });
  const LrsConfig c = lrs_config(lrs.url(), 10);

  SyncSender::PassResult a_result;
  std::thread a([&] {
    HttpClient http;
    SyncSender sender(*store_a, http, c, wall_now, [] { return 0.0; });
    a_result = sender.drain(wall_now() + 60'000);
  });
  gate.wait_reached();
  // A second sender on its own connection (as `posdrill sync now` beside the kiosk) while the
  // first one's batch is in flight: it sends nothing.
  auto store_b = store_test::open_ok(dir.db());
  HttpClient http_b;
  SyncSender b(*store_b, http_b, c, wall_now, [] { return 0.0; });
  const auto b_pass = b.flush_pass();
  CHECK(b_pass.busy);
  CHECK(b_pass.requests == 0);
  gate.release();
  a.join();
  CHECK(a_result.sent == 40);
  CHECK(b.flush_pass().requests == 0);  // nothing left to send
  std::lock_guard<std::mutex> lock(m);
  CHECK(posted.size() == 40);
  for (const auto& [id, n] : posted) {
    INFO(id);
    CHECK(n == 1);
  }
}

TEST_CASE("A killed sender's lock is released by its death", "[net][runaway][lock][threads]") {
  TempDir dir;
  auto store = store_with_statements(dir.db(), 2);
  HttpPeer lrs("127.0.0.1", ok_lrs());
  const LrsConfig c = lrs_config(lrs.url());
  // Another process holds the sending lock (as a `sync now` in the middle of a pass would).
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const std::string lock_file = dir.db().string() + "-send";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) ::_exit(3);
    const char byte = 'L';
    if (::write(ready[1], &byte, 1) != 1) ::_exit(4);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  HttpClient http;
  SyncSender sender(*store, http, c, wall_now, [] { return 0.0; });
  CHECK(sender.flush_pass().busy);
  CHECK(posts(lrs) == 0);
  ::kill(child, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  const auto pass = sender.flush_pass();
  CHECK_FALSE(pass.busy);
  CHECK(pass.sent == 2);
}

TEST_CASE("A full disk while recording the delivery means one POST and then a backoff",
          "[net][runaway][faults][threads]") {
  TempDir dir;
  store_test::FaultVfs vfs;  // SQLite's disk, from the store's open on
  auto store = store_with_statements(dir.db(), 6);
  HttpPeer lrs("127.0.0.1", ok_lrs());
  LrsConfig c = lrs_config(lrs.url(), 3);
  c.retry_initial_ms = 60'000;
  c.retry_max_ms = 600'000;
  HttpClient http;
  SyncSender sender(*store, http, c, wall_now, [] { return 0.0; });
  vfs.arm(store_test::FaultVfs::Op::write, 0, true);  // the disk is full
  const auto pass = sender.flush_pass();
  CHECK(pass.failed);
  CHECK(pass.requests == 1);
  CHECK(vfs.faults() > 0);
  CHECK(sender.snapshot().problem == SyncProblem::local);
  CHECK(sender.snapshot().problem_detail.find("full") != std::string::npos);
  CHECK(sender.drain(wall_now() + 1'000).requests == 0);  // the backoff holds, the deadline ends it
  CHECK(posts(lrs) == 1);
  vfs.disarm();  // room again
  sender.clear_hold();
  CHECK(sender.drain(wall_now() + 30'000).sent == 6);
  CHECK(store->outbox_counts().queued == 0);
}
