// The C++ half of bench/sync_bench.sh: fills a fresh outbox with N statements (built by the same
// builders the kiosk uses, from the shipped content) and times SyncSender draining it to an LRS.
//   bench_sync --db FILE --endpoint URL --key K --secret S [--count 10000] [--batch 50]
//              [--retry-initial-ms 2000] [--dump FILE.json]
// Prints one JSON line: {"client":"posdrill","statements":…,"seconds":…,"per_second":…,
// "requests_failed":…}. --dump writes the statements as a JSON array (for bench_sync_js.mjs).
// The secret comes from the command line here because this is a benchmark against a throwaway
// loopback LRS; it is never printed.
//   bench_sync --sizes --db FILE [--batch 50]
// Reads the statements waiting in FILE's outbox (recorded by `posdrill play --operator` with sync
// on: real attempts) and prints one JSON line with the bytes per attempt as stored and as sent in
// batches (batch_body leaves out definitions a batch already gave): {"attempts":…,
// "statements":…,"stored_bytes_per_attempt":…,"sent_bytes_per_attempt":…,"saved_percent":…}.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "kiosk/net/sync_worker.h"
#include "scenarios/loader.h"

using namespace posdrill;

namespace {

int print_sizes(const std::string& db, int batch) {
  StoreStatus st;
  auto store = SqliteStore::open(db, st, wall_now(), OpenMode::read_only);
  if (!store) {
    std::cerr << "bench_sync: " << st.message << '\n';
    return 2;
  }
  const StoreList<OutboxRow> rows = store->outbox_list(OutboxState::queued, 10'000'000);
  if (!rows.ok()) {
    std::cerr << "bench_sync: " << rows.status.message << '\n';
    return 2;
  }
  std::size_t stored = 0, sent = 0, attempts = 0;
  for (std::size_t i = 0; i < rows.size(); i += std::size_t(batch)) {
    std::vector<std::string_view> bodies;
    for (std::size_t j = i; j < std::min(rows.size(), i + std::size_t(batch)); ++j) {
      bodies.push_back(rows[j].statement.body);
      stored += rows[j].statement.body.size() + 1;  // the comma or bracket around it
      attempts += rows[j].statement.verb == "attempted" ? 1 : 0;
    }
    sent += batch_body(bodies).size();
  }
  if (attempts == 0) {
    std::cerr << "bench_sync: no attempt in " << db << '\n';
    return 2;
  }
  std::printf(
      "{\"attempts\":%zu,\"statements\":%zu,\"batch\":%d,\"stored_bytes_per_attempt\":%.0f,"
      "\"sent_bytes_per_attempt\":%.0f,\"saved_percent\":%.1f}\n",
      attempts, rows.size(), batch, double(stored) / double(attempts), double(sent) / double(attempts),
      100.0 * (1.0 - double(sent) / double(stored)));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, dump;
  LrsConfig cfg;
  int count = 10'000;
  bool sizes = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--sizes") {
      sizes = true;
      continue;
    }
    if (i + 1 >= argc) break;
    const std::string k = argv[i], v = argv[++i];
    if (k == "--db")
      db = v;
    else if (k == "--endpoint")
      cfg.endpoint = v;
    else if (k == "--key")
      cfg.key = v;
    else if (k == "--secret")
      cfg.secret = v;
    else if (k == "--count")
      count = std::atoi(v.c_str());
    else if (k == "--batch")
      cfg.batch_size = std::atoi(v.c_str());
    else if (k == "--retry-initial-ms")
      cfg.retry_initial_ms = std::atoi(v.c_str());
    else if (k == "--dump")
      dump = v;
    else {
      std::cerr << "bench_sync: unknown option " << k << '\n';
      return 2;
    }
  }
  if (sizes && !db.empty()) return print_sizes(db, cfg.batch_size);
  if (db.empty() || cfg.endpoint.empty() || count < 1) {
    std::cerr << "usage: bench_sync --db FILE --endpoint URL --key K --secret S [--count N] [--batch B]\n";
    return 2;
  }
  if (cfg.endpoint.back() != '/') cfg.endpoint += '/';
  const ContentSet content = load_content(POSDRILL_BENCH_CONTENT_DIR);
  if (content.scenarios.empty()) return 2;

  const auto now_ms = wall_now;
  StoreStatus st;
  auto store = SqliteStore::open(db, st, now_ms());
  if (!store) {
    std::cerr << "bench_sync: " << st.message << '\n';
    return 2;
  }
  OperatorRecord op;
  op.employee_id = "B1";
  op.name = "Bench";
  op.created_ms = now_ms();
  store->add_operator(op, "27183946");
  StatementSite site;
  site.lrs = cfg;
  site.kiosk_id = "bench";
  site.platform = "posdrill bench";

  // Attempts of 1,000 answered statements each (one transaction per attempt).
  std::ofstream out;
  if (!dump.empty()) out.open(dump);
  if (out) out << '[';
  int made = 0;
  while (made < count) {
    const Scenario& s = content.scenarios[static_cast<std::size_t>(made / 1000) % content.scenarios.size()];
    AttemptRow a;
    a.uuid = new_uuid();
    a.operator_id = op.employee_id;
    a.scenario_id = s.id;
    a.scenario_version = s.version;
    a.content_hash = s.content_hash;
    a.started_ms = now_ms();
    std::vector<OutboxStatement> batch;
    for (int i = 0; i < 1000 && made < count; ++i, ++made) {
      AttemptEventRow e;
      e.attempt_uuid = a.uuid;
      e.seq = i + 1;
      const Step& step = s.steps[static_cast<std::size_t>(i) % s.steps.size()];
      e.step_id = step.id;
      e.choice_id = step.choices.empty() ? "" : step.choices.front().id;
      e.points = 5;
      e.max_points = 10;
      batch.push_back(
          answered_statement(site, new_uuid(), op, a, s, content.tracks, e, AnswerFacts{}, a.started_ms + i));
      if (out) out << (made ? "," : "") << batch.back().body;
    }
    if (StoreStatus w = store->begin_attempt(a, batch); !w) {
      std::cerr << "bench_sync: " << w.message << '\n';
      return 2;
    }
  }
  if (out) out << "]\n";

  HttpClient http;
  uint64_t seed = 42;
  int failed = 0;
  SyncSender sender(
      *store, http, cfg, now_ms,
      [&] {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(seed >> 11) / static_cast<double>(1ULL << 53);
      },
      [&](const std::string& line) {
        if (line.find("next try") != std::string::npos) ++failed;
      });
  const auto t0 = std::chrono::steady_clock::now();
  if (sender.drain(WallTime::latest()).alarm) {
    std::cerr << "bench_sync: the LRS refused the credentials\n";
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto left = store->outbox_counts();
  std::printf(
      "{\"client\":\"posdrill\",\"statements\":%d,\"batch\":%d,\"seconds\":%.3f,\"per_second\":%.1f,"
      "\"requests_failed\":%d,\"left_queued\":%lld,\"set_aside\":%lld}\n",
      count, cfg.batch_size, secs, count / secs, failed, static_cast<long long>(left.queued),
      static_cast<long long>(left.set_aside));
  return left.queued == 0 && left.set_aside == 0 ? 0 : 1;
}
