// The chain roster's refresh over real sockets (kiosk/net/roster_refresh.h) against an LRS peer
// that pages by `since` the way the spec says (stored strictly after it, oldest first, `limit` per
// page): every statement is read although hundreds share one stored instant, a statement the LRS
// made visible late is found within the overlap, a refresh cut off resumes where its last page
// ended, and reading again changes nothing.

#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http_peer.h"
#include "kiosk/net/roster_refresh.h"
#include "kiosk/net/sync_worker.h"
#include "kiosk/sync/statements.h"
#include "net_test_util.h"

using namespace posdrill;
using namespace posdrill::test;
using posdrill::store_test::TempDir;
using Json = nlohmann::json;

namespace {

std::string url_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> query_of(const std::string& target) {
  std::map<std::string, std::string> q;
  const auto at = target.find('?');
  if (at == std::string::npos) return q;
  std::string rest = target.substr(at + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq != std::string::npos) q[pair.substr(0, eq)] = url_decode(pair.substr(eq + 1));
    rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
  }
  return q;
}

// An LRS holding statements in memory, answering GET /statements?verb&since&ascending&limit.
struct FakeLrs {
  struct Held {
    Json statement;
    WallTime stored_ms;
  };
  std::mutex m;
  std::vector<Held> held;
  int requests = 0;
  int fail_request = 0;  // answer this request (1-based) with 503; 0: never

  void add(Json st, WallTime stored_ms) {
    std::lock_guard<std::mutex> lock(m);
    st["stored"] = xapi_timestamp(stored_ms);
    held.push_back({std::move(st), stored_ms});
  }

  PeerAnswer answer(const PeerRequest& r) {
    std::lock_guard<std::mutex> lock(m);
    ++requests;
    if (requests == fail_request) return PeerAnswer{503, {}, R"({"error":"busy"})"};
    const auto q = query_of(r.target);
    WallTime since = WallTime::earliest();
    if (q.count("since")) REQUIRE(parse_xapi_timestamp(q.at("since"), since));
    const std::size_t limit = std::stoul(q.at("limit"));
    CHECK(q.at("ascending") == "true");
    std::vector<const Held*> match;
    for (const Held& h : held)
      if (h.statement["verb"]["id"] == q.at("verb") && h.stored_ms > since) match.push_back(&h);
    std::stable_sort(match.begin(), match.end(),
                     [](const Held* a, const Held* b) { return a->stored_ms < b->stored_ms; });
    Json page = {{"statements", Json::array()}, {"more", match.size() > limit ? "/xAPI/statements?more=x" : ""}};
    for (std::size_t i = 0; i < match.size() && i < limit; ++i) page["statements"].push_back(match[i]->statement);
    return PeerAnswer{200, {}, page.dump()};
  }
};

Json roster_statement(const std::string& id, const char* verb, const std::string& object, const std::string& who,
                      const std::string& store, const std::string& registration, WallTime at_ms) {
  const LrsConfig c;
  return {{"id", id},
          {"actor",
           {{"objectType", "Agent"}, {"name", "员工" + who}, {"account", {{"homePage", c.home_page}, {"name", who}}}}},
          {"verb", {{"id", verb}}},
          {"object", {{"objectType", "Activity"}, {"id", c.base_iri + object}}},
          {"context", {{"registration", registration}, {"extensions", {{c.base_iri + "extensions/store-id", store}}}}},
          {"result", {{"score", {{"scaled", 1.0}}}, {"duration", "PT1M"}}},
          {"timestamp", xapi_timestamp(at_ms)}};
}

// `people` people with one attempt each (attempted, then passed) and every third certified. The
// first `same_instant` statements share one stored time, the rest come a millisecond apart in pairs.
void fill(FakeLrs& lrs, int people, int same_instant, WallTime t0) {
  int n = 0;
  auto stored = [&] {
    const WallTime s = n < same_instant ? t0 : t0 + 1 + (n - same_instant) / 2;
    ++n;
    return s;
  };
  for (int i = 0; i < people; ++i) {
    const std::string who = std::to_string(100 + i), reg = "reg-" + std::to_string(i);
    const std::string store = "S" + std::to_string(i % 7);
    lrs.add(roster_statement("a-" + who, xapi::verb_attempted, "scenarios/reversal_debit_sms", who, store, reg,
                             t0 - 60'000),
            stored());
    lrs.add(
        roster_statement("p-" + who, xapi::verb_passed, "scenarios/reversal_debit_sms", who, store, reg, t0 - 1'000),
        stored());
    if (i % 3 == 0)
      lrs.add(roster_statement("c-" + who, xapi::verb_passed, "tracks/card_payments_l1", who, store, reg, t0 - 500),
              stored());
  }
}

struct Snapshot {
  std::size_t people = 0, attempts = 0, passed = 0, certs = 0;
  std::map<std::string, std::string> store_of;
  bool operator==(const Snapshot& o) const {
    return people == o.people && attempts == o.attempts && passed == o.passed && certs == o.certs &&
           store_of == o.store_of;
  }
};
Snapshot snapshot(RosterCache& cache) {
  Snapshot s;
  const auto people = cache.people();
  const auto attempts = cache.attempts();
  const auto certs = cache.certifications();
  REQUIRE((people.ok() && attempts.ok() && certs.ok()));
  s.people = people.size();
  for (const auto& p : people) s.store_of[p.employee_id] = p.store_id;
  s.attempts = attempts.size();
  for (const auto& a : attempts) s.passed += a.passed ? 1 : 0;
  s.certs = certs.size();
  return s;
}

}  // namespace

TEST_CASE("A roster refresh reads every statement though hundreds share one stored instant", "[net][roster][threads]") {
  TempDir dir;
  FakeLrs fake;
  const WallTime t0{1'790'000'000'000};
  fill(fake, 300, 450, t0);  // 300 attempted + 300 passed + 100 certified; 450 share t0
  HttpPeer lrs("127.0.0.1", [&](const PeerRequest& r) { return fake.answer(r); });
  StoreStatus st;
  auto cache = RosterCache::open(dir.path() / "roster.db", st);
  REQUIRE(cache);
  HttpClient http;
  RosterRefreshOptions o;
  o.page_size = 100;
  RosterRefresher refresher(*cache, http, lrs_config(lrs.url()), wall_now, o);
  RosterRefreshStats stats;
  std::string error;
  REQUIRE(refresher.refresh(stats, error));
  const Snapshot s = snapshot(*cache);
  CHECK(s.people == 300);
  CHECK(s.attempts == 300);
  CHECK(s.passed == 300);
  CHECK(s.certs == 100);
  CHECK(s.store_of.at("108") == "S1");
  INFO(stats.requests << " requests, " << stats.statements << " statements read");
  CHECK(stats.statements >= 700);
  // Again: only the overlap is read, and nothing changes.
  RosterRefreshStats again;
  REQUIRE(refresher.refresh(again, error));
  CHECK(snapshot(*cache) == s);
}

TEST_CASE("A statement the LRS makes visible late is found within the overlap", "[net][roster][threads]") {
  TempDir dir;
  FakeLrs fake;
  const WallTime t0{1'790'000'000'000};
  fill(fake, 20, 0, t0);
  HttpPeer lrs("127.0.0.1", [&](const PeerRequest& r) { return fake.answer(r); });
  StoreStatus st;
  auto cache = RosterCache::open(dir.path() / "roster.db", st);
  REQUIRE(cache);
  HttpClient http;
  RosterRefreshOptions o;
  o.overlap_ms = 60'000;
  RosterRefresher refresher(*cache, http, lrs_config(lrs.url()), wall_now, o);
  RosterRefreshStats stats;
  std::string error;
  REQUIRE(refresher.refresh(stats, error));
  const auto cursor = cache->cursor("passed");
  REQUIRE(cursor);
  // Committed by a slower writer: stored before what was already read, visible only now.
  fake.add(roster_statement("p-late", xapi::verb_passed, "scenarios/wrong_pin_tries_exceeded", "E-late", "S9",
                            "reg-late", t0),
           *cursor - 30'000);
  // Older than the overlap: outside what a refresh re-reads (the documented limit).
  fake.add(roster_statement("p-lost", xapi::verb_passed, "scenarios/wrong_pin_tries_exceeded", "E-lost", "S9",
                            "reg-lost", t0),
           *cursor - 120'000);
  REQUIRE(refresher.refresh(stats, error));
  const Snapshot s = snapshot(*cache);
  CHECK(s.store_of.count("E-late") == 1);
  CHECK(s.store_of.count("E-lost") == 0);
  // A full rebuild reads everything.
  RosterRefreshOptions full = o;
  full.full = true;
  RosterRefresher rebuild(*cache, http, lrs_config(lrs.url()), wall_now, full);
  REQUIRE(rebuild.refresh(stats, error));
  CHECK(snapshot(*cache).store_of.count("E-lost") == 1);
}

TEST_CASE("A roster refresh cut off resumes where its last page ended", "[net][roster][threads]") {
  TempDir dir;
  FakeLrs fake;
  const WallTime t0{1'790'000'000'000};
  fill(fake, 200, 0, t0);
  HttpPeer lrs("127.0.0.1", [&](const PeerRequest& r) { return fake.answer(r); });
  StoreStatus st;
  HttpClient http;
  RosterRefreshOptions o;
  o.page_size = 50;
  o.overlap_ms = 0;

  auto whole = RosterCache::open(dir.path() / "whole.db", st);
  REQUIRE(whole);
  RosterRefreshStats stats;
  std::string error;
  REQUIRE(RosterRefresher(*whole, http, lrs_config(lrs.url()), wall_now, o).refresh(stats, error));
  const int whole_requests = stats.requests;

  auto cut = RosterCache::open(dir.path() / "cut.db", st);
  REQUIRE(cut);
  fake.requests = 0;
  fake.fail_request = 4;  // the LRS fails in the middle of the first stream
  RosterRefreshStats first;
  CHECK_FALSE(RosterRefresher(*cut, http, lrs_config(lrs.url()), wall_now, o).refresh(first, error));
  CHECK(error.find("503") != std::string::npos);
  const auto kept = cut->cursor("attempted");
  REQUIRE(kept);
  CHECK(*kept > WallTime{});  // the pages before the failure are kept, with their cursor
  CHECK_FALSE(cut->refreshed_ms());
  fake.fail_request = 0;
  RosterRefreshStats second;
  REQUIRE(RosterRefresher(*cut, http, lrs_config(lrs.url()), wall_now, o).refresh(second, error));
  CHECK(snapshot(*cut) == snapshot(*whole));
  // The second refresh went on from the kept cursor, not from the beginning.
  CHECK(second.requests < whole_requests);
  CHECK(cut->refreshed_ms());
}
