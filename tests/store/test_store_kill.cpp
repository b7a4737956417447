// kill -9 in the middle of writing: a writer process reports every committed call on a pipe;
// the test kills it at a random moment, reopens the file and finds everything it was promised,
// a healthy file, and the attempt it was in the middle of closed as abandoned with its abandoned
// statement queued (stamped with its end), so the LRS learns how every attempt ended.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "store_test_util.h"

extern char** environ;

using namespace posdrill;
using namespace posdrill::store_test;

namespace {

struct Reported {
  std::vector<std::string> begun;     // in order
  std::map<std::string, int> events;  // uuid -> highest seq reported
  std::set<std::string> finished;
  int lines = 0;
};

void parse_line(const std::string& line, Reported& r) {
  std::istringstream in(line);
  std::string kind, uuid;
  in >> kind >> uuid;
  if (kind == "B") {
    r.begun.push_back(uuid);
  } else if (kind == "E") {
    int seq = 0;
    in >> seq;
    r.events[uuid] = std::max(r.events[uuid], seq);
  } else if (kind == "F") {
    r.finished.insert(uuid);
  } else {
    FAIL("unexpected line from the writer: " << line);
  }
  ++r.lines;
}

// Runs the writer until it has reported `kill_after` lines, kills it with SIGKILL, then reads
// whatever it had already written to the pipe (those writes were committed too).
Reported run_and_kill(const std::filesystem::path& db, int kill_after) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::string exe = POSDRILL_STORE_WRITER, path = db.string(), op = "3001";
  char* argv[] = {exe.data(), path.data(), op.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  REQUIRE(rc == 0);

  Reported r;
  std::string pending;
  char buf[4096];
  bool killed = false;
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the writer is gone
    pending.append(buf, std::size_t(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      parse_line(pending.substr(0, nl), r);
      pending.erase(0, nl + 1);
      if (!killed && r.lines >= kill_after) {
        ::kill(pid, SIGKILL);
        killed = true;
      }
    }
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  INFO("the writer must die by our SIGKILL, not exit on its own (see its stderr)");
  REQUIRE(killed);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  return r;
}

}  // namespace

TEST_CASE("Committed writes survive kill -9 of the writer", "[store][kill]") {
  TempDir dir;
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("3001"), "27183946"));  // once: argon2 is slow
  }
  std::mt19937 rng(20261121);
  std::uniform_int_distribution<int> lines(1, 300);
  constexpr int rounds = 50;
  std::size_t total_attempts = 0;
  int total_recovered = 0;
  for (int round = 0; round < rounds; ++round) {
    const int kill_after = lines(rng);
    INFO("round " << round << ", kill after " << kill_after << " lines");
    Reported r = run_and_kill(dir.db(), kill_after);
    REQUIRE(r.lines >= kill_after);

    auto store = open_ok(dir.db());
    CHECK(store->check().empty());
    for (const auto& p : store->check()) UNSCOPED_INFO(p);
    for (const auto& uuid : r.begun) {
      auto a = store->attempt(uuid);
      REQUIRE(a);
      CHECK(a->ended_ms != WallTime{});  // nothing is left open after open()
      if (r.finished.count(uuid)) {
        CHECK(a->finished);
        CHECK_FALSE(a->abandoned);
      }
    }
    // At most the one attempt in flight was cut off. (Its "B" line may never have been printed:
    // the kill can land between the commit and the printf.)
    CHECK(store->recovered_attempts() <= 1);
    total_recovered += store->recovered_attempts();
    // The writer never abandons an attempt itself, so every abandoned one is open()'s recovery.
    int abandoned = 0;
    for (const auto& a : store->attempts("3001")) abandoned += a.abandoned ? 1 : 0;
    CHECK(abandoned == total_recovered);
    // Every attempt's statements: attempted, and exactly one closing statement that says how it
    // ended; a recovered one's abandoned statement carries the end recovery found.
    int abandoned_statements = 0;
    const StoreList<OutboxRow> rows = store->outbox_list(OutboxState::queued, 1'000'000);
    REQUIRE(rows.ok());
    std::map<std::string, std::map<std::string, int>> verbs;  // attempt -> verb -> count
    std::map<std::string, const OutboxRow*> closing;
    for (const auto& row : rows) {
      ++verbs[row.statement.attempt_uuid][row.statement.verb];
      if (row.statement.verb != "attempted" && row.statement.verb != "answered")
        closing[row.statement.attempt_uuid] = &row;
    }
    for (const auto& a : store->attempts("3001")) {
      INFO("attempt " << a.uuid);
      CHECK(verbs[a.uuid]["attempted"] == 1);
      REQUIRE(closing.count(a.uuid));
      const OutboxRow& end = *closing[a.uuid];
      CHECK(verbs[a.uuid][end.statement.verb] == 1);
      if (a.abandoned) {
        CHECK(end.statement.verb == "abandoned");
        const auto body = nlohmann::json::parse(end.statement.body);
        CHECK(body["timestamp"] == xapi_timestamp(a.ended_ms));
        CHECK(body["result"]["duration"] == xapi_duration(a.ended_ms - a.started_ms));
        CHECK(body["context"]["registration"] == a.uuid);
        ++abandoned_statements;
      } else {
        CHECK(end.statement.verb == (a.passed ? "passed" : "failed"));
      }
    }
    CHECK(abandoned_statements == total_recovered);
    for (const auto& [uuid, seq] : r.events) {
      auto ev = store->events(uuid);
      REQUIRE(ev.size() >= std::size_t(seq));
      CHECK(ev[std::size_t(seq) - 1].seq == seq);
    }
    total_attempts += r.begun.size();
    CHECK(store->attempts("3001").size() >= total_attempts);
  }
  // Killed at random lines, most rounds stop inside an attempt: recovery really ran.
  CHECK(total_recovered > rounds / 2);
}
