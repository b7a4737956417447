// Test helper for the kill -9 test: writes attempts into the database named by argv[1] for the
// operator argv[2], forever, and after every call that committed prints one line and flushes:
//   B <uuid>        begin_attempt committed
//   E <uuid> <seq>  add_event committed
//   F <uuid>        finish_attempt committed
// A line on stdout is therefore a promise that the write is on disk. Exits 2 on any failure.
// Like the kiosk with sync on, every write queues its statements and each attempt begins with its
// abandoned statement drafted, which is what a recovery after kill -9 must queue.
#include <cstdio>
#include <string>

#include "kiosk/store/store.h"
#include "kiosk/sync/statements.h"

using namespace posdrill;

namespace {
[[noreturn]] void die(const char* what, const StoreStatus& st) {
  std::fprintf(stderr, "store_writer: %s: %s\n", what, st.message.c_str());
  std::exit(2);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: store_writer DB OPERATOR_ID\n");
    return 2;
  }
  StoreStatus st;
  auto store = SqliteStore::open(argv[1], st, WallTime{1});
  if (!store) die("open", st);
  WallTime now{1'000'000};
  StatementSite site;
  site.kiosk_id = "kill-test";
  site.platform = "posdrill store_writer";
  OperatorRecord op;
  op.employee_id = argv[2];
  op.name = "王小明";
  Scenario preauth, reversal;
  preauth.id = "preauth";
  preauth.title = {"预授权", "Pre-authorization"};
  reversal.id = "reversal";
  reversal.title = {"冲正", "Reversal"};
  for (long i = 0;; ++i) {
    AttemptRow a;
    a.uuid = new_uuid();
    a.operator_id = argv[2];
    a.scenario_id = i % 3 ? "preauth" : "reversal";
    a.scenario_version = 1;
    a.content_hash = "0f";
    a.seed = uint64_t(i);
    a.started_ms = (now += 1);
    const Scenario& sc = i % 3 ? preauth : reversal;
    AttemptRow cut = a;
    cut.abandoned = true;
    cut.ended_ms = a.started_ms;
    if (!(st = store->begin_attempt(a, {attempted_statement(site, new_uuid(), op, a, sc, {}, now)},
                                    result_statement(site, new_uuid(), op, cut, sc, {}, now))))
      die("begin", st);
    std::printf("B %s\n", a.uuid.c_str());
    std::fflush(stdout);
    const int events = 1 + int(i % 7);
    for (int seq = 1; seq <= events; ++seq) {
      AttemptEventRow e;
      e.attempt_uuid = a.uuid;
      e.seq = seq;
      e.at_ms = (now += 1);
      e.kind = "step";
      e.step_id = "step" + std::to_string(seq);
      e.choice_id = seq % 2 ? "right" : "wrong";
      e.mistake = seq % 2 == 0;
      e.payload = R"({"filler":")" + std::string(200, 'x') + R"("})";
      // A small answered statement: what recovery must queue is the abandoned one.
      const std::string id = new_uuid();
      if (!(st = store->add_event(e, {OutboxStatement{id, a.uuid, "answered", R"({"id":")" + id + R"("})", now}})))
        die("event", st);
      std::printf("E %s %d\n", a.uuid.c_str(), seq);
      std::fflush(stdout);
    }
    a.ended_ms = (now += 1);
    a.finished = true;
    a.passed = i % 2 == 0;
    a.score = a.passed ? 0.9 : 0.4;
    if (!(st = store->finish_attempt(a, std::nullopt, {result_statement(site, new_uuid(), op, a, sc, {}, now)})))
      die("finish", st);
    std::printf("F %s\n", a.uuid.c_str());
    std::fflush(stdout);
  }
}
