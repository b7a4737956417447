// Certification over a fake timeline: days are multiples of ms_per_day from the epoch, attempts
// and awards are plain rows, so every rule in certification.h is checked without a store or a
// clock. Scenarios and the track are the shipped content: the L1 track over its five topics, each
// with at least two scenarios; other topics' scenarios are loaded too and must never count for L1.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "kiosk/core/certification.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

namespace fs = std::filesystem;

const fs::path content_dir = POSDRILL_TEST_CONTENT_DIR;

struct Content {
  std::vector<Scenario> scenarios;
  Track track;
  Content() {
    ContentSet c = posdrill::test::shipped_set();
    REQUIRE(c.errors.empty());
    auto it = std::find_if(c.tracks.begin(), c.tracks.end(), [](const Track& t) { return t.id == "card_payments_l1"; });
    REQUIRE(it != c.tracks.end());
    track = *it;
    REQUIRE(track.topics.size() == 5);
    REQUIRE(track.validity_days == 180);
    REQUIRE(track.expiring_soon_days == 30);
    // The tests below pass "the other scenario in a topic": every topic needs two.
    for (Topic t : track.topics)
      REQUIRE(std::count_if(c.scenarios.begin(), c.scenarios.end(), [t](const Scenario& s) { return s.topic == t; }) >=
              2);
    // And some scenario outside the track, so that "it does not count" is tested.
    REQUIRE(std::any_of(c.scenarios.begin(), c.scenarios.end(), [&](const Scenario& s) { return !in_track(s); }));
    scenarios = std::move(c.scenarios);
  }
  // The scenario's topic is one of the L1 track's.
  bool in_track(const Scenario& s) const {
    return std::find(track.topics.begin(), track.topics.end(), s.topic) != track.topics.end();
  }
  // How many loaded scenarios the track's recommendations can draw on.
  std::size_t in_track_count() const {
    return static_cast<std::size_t>(
        std::count_if(scenarios.begin(), scenarios.end(), [this](const Scenario& s) { return in_track(s); }));
  }
};

const Content& content() {
  static const Content c;
  return c;
}

WallTime day(double d) { return WallTime{static_cast<int64_t>(d * ms_per_day)}; }

// One attempt by `op` at `scenario` that ended on `end_day` (started 5 minutes before).
AttemptRow attempt(const std::string& uuid, const std::string& scenario, double end_day, bool passed,
                   double score = 0.9, const std::string& op = "E1") {
  AttemptRow a;
  a.uuid = uuid;
  a.operator_id = op;
  a.scenario_id = scenario;
  a.ended_ms = day(end_day);
  a.started_ms = a.ended_ms - 5 * 60 * 1000;
  a.finished = true;
  a.passed = passed;
  a.score = score;
  a.max_points = 100;
  a.points = static_cast<int>(score * 100);
  return a;
}

// One pass in each of the five topics on days d, d+1 … d+4, uuids prefix-1 … prefix-5.
std::vector<AttemptRow> five_passes(double d, const std::string& prefix, const std::string& op = "E1") {
  const char* ids[] = {"preauth_checkout_no_pan", "wrong_pin_retry_privacy", "reversal_debit_sms",
                       "frequent_swipe_lock", "user_exception_identity"};
  std::vector<AttemptRow> out;
  for (int i = 0; i < 5; ++i)
    out.push_back(attempt(prefix + "-" + std::to_string(i + 1), ids[i], d + i, true, 0.9, op));
  return out;
}

std::vector<AttemptRow> join(std::vector<AttemptRow> a, const std::vector<AttemptRow>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TrackProgress progress(const std::vector<AttemptRow>& at, const std::vector<AwardRow>& aw, double now,
                       const Track* track = nullptr) {
  return track_progress(track ? *track : content().track, content().scenarios, at, aw, day(now));
}

std::optional<AwardRow> due(const std::vector<AttemptRow>& at, const std::vector<AwardRow>& aw, double now,
                            const Track* track = nullptr) {
  return award_due(track ? *track : content().track, content().scenarios, "E1", at, aw, day(now));
}

}  // namespace

TEST_CASE("track progress goes from not started to certified expiring and expired") {
  std::vector<AttemptRow> at;
  std::vector<AwardRow> aw;
  CHECK(progress(at, aw, 0).status == CertStatus::not_started);
  CHECK(progress(at, aw, 0).required_count == 5);

  at.push_back(attempt("f1", "preauth_checkout_no_pan", 1, false, 0.4));
  TrackProgress p = progress(at, aw, 1);
  CHECK(p.status == CertStatus::in_progress);
  CHECK(p.passed_count == 0);
  REQUIRE(p.topics.size() == 5);
  CHECK(p.topics[0].topic == Topic::preauth);
  CHECK(p.topics[0].attempts == 1);
  CHECK(p.topics[0].best_score == Approx(0.4));
  CHECK_FALSE(p.topics[0].passed);
  // An attempt that has not happened yet on the timeline is not seen.
  CHECK(progress(at, aw, 0).status == CertStatus::not_started);

  at = join(at, five_passes(2, "a"));
  p = progress(at, aw, 6);
  CHECK(p.status == CertStatus::in_progress);  // all met, but no award stored yet
  CHECK(p.passed_count == 5);

  auto award = due(at, aw, 6);
  REQUIRE(award);
  CHECK(award->operator_id == "E1");
  CHECK(award->track_id == "card_payments_l1");
  CHECK(award->track_version == content().track.version);
  CHECK(award->awarded_ms == day(6));
  CHECK(award->expires_ms == day(186));
  aw.push_back(*award);

  p = progress(at, aw, 10);
  CHECK(p.status == CertStatus::certified);
  CHECK(p.passed_count == 5);
  REQUIRE(p.award);
  CHECK(p.award->expires_ms == day(186));
  for (const auto& t : p.topics) CHECK(t.passed);

  // The expiring window is the last 30 days: from day 156 on.
  CHECK(progress(at, aw, 155.9).status == CertStatus::certified);
  p = progress(at, aw, 156);
  CHECK(p.status == CertStatus::expiring);
  CHECK(p.passed_count == 0);  // the old passes do not count towards the renewal
  CHECK(progress(at, aw, 185.99).status == CertStatus::expiring);
  CHECK(progress(at, aw, 186).status == CertStatus::expired);
  CHECK(progress(at, aw, 400).status == CertStatus::expired);
}

TEST_CASE("an award is due only when every topic has a pass") {
  auto at = five_passes(1, "a");
  for (std::size_t missing = 0; missing < at.size(); ++missing) {
    auto some = at;
    some.erase(some.begin() + static_cast<std::ptrdiff_t>(missing));
    INFO("without " << at[missing].scenario_id);
    CHECK_FALSE(due(some, {}, 10));
  }
  // Failed, abandoned or critical attempts are not passes.
  auto bad = at;
  bad[2].passed = false;
  CHECK_FALSE(due(bad, {}, 10));
  bad = at;
  bad[2].abandoned = true;
  bad[2].finished = false;
  CHECK_FALSE(due(bad, {}, 10));
  bad = at;
  bad[2].critical_errors = 1;
  CHECK_FALSE(due(bad, {}, 10));
  // Another operator's passes do not help.
  auto theirs = five_passes(1, "b", "E2");
  CHECK_FALSE(due(theirs, {}, 10));
  CHECK(due(at, {}, 10));
  // A pass of the other scenario in a topic counts as well.
  auto other = at;
  other[0].scenario_id = "preauth_expired_over_limit";
  CHECK(due(other, {}, 10));
  // A pass in a topic outside the track does not stand in for one of its topics.
  for (const Scenario& s : content().scenarios) {
    if (content().in_track(s)) continue;
    INFO(s.id);
    auto outside = at;
    outside[0].scenario_id = s.id;
    CHECK_FALSE(due(outside, {}, 10));
  }
}

TEST_CASE("the basis is the newest pass per requirement and is not used twice") {
  auto at = five_passes(1, "a");
  at.push_back(attempt("newer-preauth", "preauth_expired_over_limit", 7, true));
  at.push_back(attempt("older-swipe", "frequent_swipe_busy_hour", 0.5, true));
  at.push_back(attempt("failed-later", "reversal_failed_contact", 8, false, 0.3));
  auto award = due(at, {}, 9);
  REQUIRE(award);
  CHECK(award->basis == std::vector<std::string>{"newer-preauth", "a-2", "a-3", "a-4", "a-5"});

  std::vector<AwardRow> aw{*award};
  CHECK_FALSE(due(at, aw, 9));
  CHECK_FALSE(due(at, aw, 100));
  // More passes while certified (before the window) do not renew either.
  auto more = join(at, five_passes(20, "c"));
  CHECK_FALSE(due(more, aw, 30));
}

TEST_CASE("recertification counts only passes from the expiring window on") {
  auto at = five_passes(1, "a");
  auto first = due(at, {}, 5);
  REQUIRE(first);
  REQUIRE(first->expires_ms == day(185));
  std::vector<AwardRow> aw{*first};
  // The window opens on day 155.

  SECTION("a renewal before expiry runs from the old expiry") {
    auto renew = join(at, five_passes(160, "r"));
    CHECK_FALSE(due(renew, aw, 163));  // four of five so far
    auto award = due(renew, aw, 164);
    REQUIRE(award);
    CHECK(award->awarded_ms == day(164));
    CHECK(award->expires_ms == day(185 + 180));
    CHECK(award->basis == std::vector<std::string>{"r-1", "r-2", "r-3", "r-4", "r-5"});
    aw.push_back(*award);
    TrackProgress p = progress(renew, aw, 170);
    CHECK(p.status == CertStatus::certified);
    CHECK(p.passed_count == 5);
    REQUIRE(p.award);
    CHECK(p.award->expires_ms == day(365));
    CHECK(progress(renew, aw, 335).status == CertStatus::expiring);
    CHECK_FALSE(due(renew, aw, 200));
  }
  SECTION("a pass made before the window does not count for the renewal") {
    auto renew = join(at, five_passes(160, "r"));
    renew[5].ended_ms = day(150);  // r-1, the preauth pass, came too early
    renew[5].started_ms = day(150) - 1000;
    CHECK_FALSE(due(renew, aw, 170));
    CHECK(progress(renew, aw, 170).passed_count == 4);
    CHECK_FALSE(progress(renew, aw, 170).topics[0].passed);
    renew.push_back(attempt("r-late", "preauth_checkout_no_pan", 171, true));
    auto award = due(renew, aw, 171);
    REQUIRE(award);
    CHECK(award->basis.front() == "r-late");
    CHECK(award->expires_ms == day(185 + 180));
  }
  SECTION("a renewal after expiry runs from the day it is made") {
    auto renew = join(at, five_passes(200, "x"));
    CHECK(progress(renew, aw, 200).status == CertStatus::expired);
    auto award = due(renew, aw, 204);
    REQUIRE(award);
    CHECK(award->expires_ms == day(204 + 180));
    aw.push_back(*award);
    CHECK(progress(renew, aw, 205).status == CertStatus::certified);
  }
}

TEST_CASE("a track pass mark raises the bar for a pass") {
  Track t = content().track;
  t.pass_mark = 95;
  auto at = five_passes(1, "a");  // every score 0.9
  CHECK_FALSE(due(at, {}, 10, &t));
  CHECK(progress(at, {}, 10, &t).passed_count == 0);
  at[0].score = 0.95;  // exactly the mark counts
  CHECK(progress(at, {}, 10, &t).passed_count == 1);
  for (auto& a : at) a.score = 1.0;
  CHECK(due(at, {}, 10, &t));
  // A score over the mark is still no pass when the scenario itself was failed.
  at[3].passed = false;
  CHECK_FALSE(due(at, {}, 10, &t));
  // Without a pass mark the scenario's own pass is enough.
  CHECK(due(five_passes(1, "a"), {}, 10));
}

TEST_CASE("an older pass over the mark still counts after newer passes under it") {
  Track t = content().track;
  t.pass_mark = 95;
  auto high = five_passes(1, "h");
  for (auto& a : high) a.score = 1.0;
  const auto at = join(high, five_passes(10, "l"));  // newer passes, every score 0.9
  // The summaries keep both: the newer pass (it is the newest) and the older, higher one.
  const std::vector<ScenarioStat> stats = scenario_stats_of(at, day(20));
  REQUIRE(stats.size() == 5);
  for (const ScenarioStat& s : stats) {
    REQUIRE(s.frontier.size() == 2);
    CHECK(s.frontier[0].score == Approx(0.9));
    CHECK(s.frontier[1].score == Approx(1.0));
  }
  auto award = due(at, {}, 20, &t);
  REQUIRE(award);
  CHECK(award->basis == std::vector<std::string>{"h-1", "h-2", "h-3", "h-4", "h-5"});
  // Without the mark the newest passes are the basis.
  award = due(at, {}, 20);
  REQUIRE(award);
  CHECK(award->basis == std::vector<std::string>{"l-1", "l-2", "l-3", "l-4", "l-5"});
  // What happened after `now` is not in the figures as of now.
  const auto frontier_of = [&](const std::string& scenario, double now) {
    for (const ScenarioStat& s : scenario_stats_of(at, day(now)))
      if (s.scenario_id == scenario) return s.frontier.size();
    return std::size_t(0);
  };
  CHECK(frontier_of("preauth_checkout_no_pan", 12) == 2);  // h-1 (day 1) and l-1 (day 10)
  CHECK(frontier_of("frequent_swipe_lock", 12) == 1);      // l-4 ends on day 13
  CHECK(frontier_of("preauth_checkout_no_pan", 5) == 1);
}

TEST_CASE("required scenarios must each be passed as well") {
  Track t = content().track;
  t.required = {"reversal_failed_contact"};
  auto at = five_passes(1, "a");  // reversal_debit_sms covers the reversal topic only
  TrackProgress p = progress(at, {}, 10, &t);
  CHECK(p.required_count == 6);
  CHECK(p.passed_count == 5);
  CHECK_FALSE(due(at, {}, 10, &t));
  at.push_back(attempt("req", "reversal_failed_contact", 8, true));
  auto award = due(at, {}, 10, &t);
  REQUIRE(award);
  // reversal: the newest topic pass is "req" itself, which is also the required one: listed once.
  CHECK(award->basis == std::vector<std::string>{"a-1", "a-2", "req", "a-4", "a-5"});
  CHECK(progress(at, {}, 10, &t).passed_count == 6);
}

TEST_CASE("the loader reads required and pass_mark") {
  Track t;
  auto diags = load_track_text(
      "id: t_req\nversion: 2\ntitle: {zh: 认证, en: Cert}\ntopics: [preauth]\nvalidity_days: 90\n"
      "expiring_soon_days: 10\nrequired: [preauth_checkout_no_pan]\npass_mark: 85\n",
      "t.yaml", t);
  INFO(diags.size());
  REQUIRE(diags.empty());
  CHECK(t.required == std::vector<std::string>{"preauth_checkout_no_pan"});
  REQUIRE(t.required_pos.size() == 1);
  CHECK(t.required_pos[0].line == 7);
  CHECK(t.required_pos[0].column == 12);
  CHECK(t.pass_mark == 85);
  // Both are optional.
  CHECK_FALSE(content().track.pass_mark);
  CHECK(content().track.required.empty());
  // A repeated id is reported where it is written again.
  diags = load_track_text(
      "id: t_req\nversion: 1\ntitle: {zh: 认证, en: Cert}\ntopics: [preauth]\nvalidity_days: 90\n"
      "required: [a_b_c, a_b_c]\n",
      "t.yaml", t);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].line == 6);
  CHECK(diags[0].column == 19);
  CHECK(diags[0].message == "scenario 'a_b_c' is listed twice in required");
}

// tests/content/broken_tracks/*.yaml: broken track files with the corpus convention (first line
// "# expect: LINE:COLUMN: MESSAGE"). Each is loaded beside the shipped scenarios, since whether a
// required scenario exists is a cross-file question.
TEST_CASE("every broken track file gives exactly its expected diagnostic") {
  const fs::path dir = content_dir.parent_path() / "tests" / "content" / "broken_tracks";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 2);

  std::random_device rd;
  const fs::path tmp = fs::temp_directory_path() / ("posdrill_tracks_" + std::to_string(rd()));
  fs::create_directories(tmp / "scenarios");
  std::size_t copied = 0;
  for (const auto& e : fs::directory_iterator(content_dir / "scenarios")) {
    fs::copy_file(e.path(), tmp / "scenarios" / e.path().filename());
    copied += e.path().extension() == ".yaml" ? 1 : 0;
  }
  REQUIRE(copied >= 2);
  for (const auto& f : files) {
    INFO(f.string());
    std::ifstream in(f);
    std::string first;
    REQUIRE(std::getline(in, first));
    const std::string prefix = "# expect: ";
    REQUIRE(first.rfind(prefix, 0) == 0);
    const std::string want = first.substr(prefix.size());

    fs::remove_all(tmp / "tracks");
    fs::create_directories(tmp / "tracks");
    fs::copy_file(f, tmp / "tracks" / f.filename());
    const ContentSet set = load_content(tmp);
    CHECK(set.scenarios.size() == copied);  // a broken track loses no scenario
    CHECK(set.tracks.empty());
    REQUIRE(set.errors.size() == 1);
    const Diagnostic& d = set.errors.front();
    CHECK(fs::path(d.file).filename() == f.filename());
    CHECK(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message == want);
  }
  fs::remove_all(tmp);
}

TEST_CASE("recommend puts the weakest topics first") {
  const Track& t = content().track;
  // Nothing tried: one drill per topic in the track's order (the easier first), then the second
  // drill of each, so three suggestions span three topics.
  // Every drill of the track's topics once, and none of another topic's.
  const std::size_t all = content().in_track_count();
  const auto only_track_drills = [&](const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
      INFO(id);
      const Scenario* s = find_scenario(content().scenarios, id);
      REQUIRE(s);
      CHECK(content().in_track(*s));
      CHECK(std::count(ids.begin(), ids.end(), id) == 1);
    }
  };
  auto r = recommend(t, content().scenarios, std::vector<AttemptRow>{}, day(1), 100);
  REQUIRE(r.size() == all);
  only_track_drills(r);
  CHECK(r[0] == "preauth_checkout_no_pan");
  CHECK(r[1] == "wrong_pin_retry_privacy");
  CHECK(r[5] == "preauth_expired_over_limit");
  CHECK(r[6] == "wrong_pin_tries_exceeded");

  std::vector<AttemptRow> at{
      attempt("p", "preauth_checkout_no_pan", 1, false, 0.5),
      attempt("w", "wrong_pin_retry_privacy", 1, true, 0.9),
      attempt("r", "reversal_debit_sms", 1, false, 0.2),
  };
  r = recommend(t, content().scenarios, at, day(2), 100);
  REQUIRE(r.size() == all);
  only_track_drills(r);
  // Topics not passed first — untried (frequent_swipe, user_exception), then reversal (0.2),
  // preauth (0.5) — one drill each per round; wrong_pin, passed, last (its two drills end the
  // list, however many rounds the other topics need): its unpassed drill first.
  CHECK(r[0] == "frequent_swipe_lock");
  CHECK(r[1] == "user_exception_identity");
  // Reversal's round-one drill is its easiest (the lowest difficulty, then the id), whichever that
  // is in the loaded content: none of its drills is passed.
  const Scenario* first_reversal = nullptr;
  for (const Scenario& s : content().scenarios)
    if (s.topic == Topic::reversal &&
        (!first_reversal ||
         std::make_pair(s.difficulty, s.id) < std::make_pair(first_reversal->difficulty, first_reversal->id)))
      first_reversal = &s;
  REQUIRE(first_reversal);
  CHECK(r[2] == first_reversal->id);
  CHECK(r[3] == "preauth_checkout_no_pan");
  CHECK(r[4] == "frequent_swipe_busy_hour");
  CHECK(r[7] == "preauth_expired_over_limit");
  CHECK(r[all - 2] == "wrong_pin_tries_exceeded");
  CHECK(r[all - 1] == "wrong_pin_retry_privacy");

  CHECK(recommend(t, content().scenarios, at, day(2), 3).size() == 3);
  CHECK(recommend(t, content().scenarios, at, day(2), 0).empty());
}

TEST_CASE("build_roster has one row per operator by employee id") {
  OperatorRecord a{"E2", "王小明", Role::trainee, "S01", Lang::zh, true};
  OperatorRecord b{"E1", "Li Wei", Role::manager, "S01", Lang::en, true};
  OperatorRecord c{"E3", "Gone", Role::trainee, "", Lang::zh, false};
  auto at = five_passes(1, "a", "E2");
  at.push_back(attempt("b1", "reversal_debit_sms", 3, false, 0.4, "E1"));
  auto award = award_due(content().track, content().scenarios, "E2", at, {}, day(6));
  REQUIRE(award);
  auto rows = build_roster(content().track, content().scenarios, {a, b, c}, at, {*award}, day(10));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].op.employee_id == "E1");
  CHECK(rows[0].status == CertStatus::in_progress);
  CHECK(rows[0].attempts == 1);
  CHECK(rows[0].passed_count == 0);
  CHECK(rows[0].awarded_ms == WallTime{});
  CHECK(rows[1].op.employee_id == "E2");
  CHECK(rows[1].status == CertStatus::certified);
  CHECK(rows[1].passed_count == 5);
  CHECK(rows[1].required_count == 5);
  CHECK(rows[1].awarded_ms == day(6));
  CHECK(rows[1].expires_ms == day(186));
  CHECK(rows[1].attempts == 5);
  CHECK(rows[1].last_attempt_ms == day(5) - 5 * 60 * 1000);
  CHECK(rows[2].op.employee_id == "E3");
  CHECK_FALSE(rows[2].op.active);
  CHECK(rows[2].status == CertStatus::not_started);
  CHECK(rows[2].attempts == 0);
}

TEST_CASE("build_roster names each person's weakest topic: tried, never passed, lowest best score") {
  OperatorRecord a{"E1", "王小明", Role::trainee, "S01", Lang::zh, true};
  OperatorRecord b{"E2", "Li Wei", Role::trainee, "S01", Lang::en, true};
  OperatorRecord c{"E3", "New", Role::trainee, "S01", Lang::zh, true};
  std::vector<AttemptRow> at{
      // E1: reversal failed at 0.6 then 0.7, user exception failed at 0.4, wrong PIN passed after a
      // 0.1 fail: user exception is the weakest (a passed topic never is, however low it began).
      attempt("1", "reversal_debit_sms", 1, false, 0.6, "E1"),
      attempt("2", "reversal_debit_sms", 2, false, 0.7, "E1"),
      attempt("3", "user_exception_identity", 2, false, 0.4, "E1"),
      attempt("4", "wrong_pin_retry_privacy", 3, false, 0.1, "E1"),
      attempt("5", "wrong_pin_retry_privacy", 4, true, 0.9, "E1"),
      // E2: one failure and one attempt left half-way; the abandoned one is not a try.
      attempt("6", "frequent_swipe_lock", 1, false, 0.5, "E2"),
      // A drill outside the track's topics says nothing about the track.
      attempt("7", "void_same_day", 1, false, 0.0, "E2"),
  };
  AttemptRow left = attempt("8", "preauth_checkout_no_pan", 1, false, 0.0, "E2");
  left.finished = false;
  left.abandoned = true;
  at.push_back(left);
  const auto rows = build_roster(content().track, content().scenarios, {a, b, c}, at, {}, day(10));
  REQUIRE(rows.size() == 3);
  REQUIRE(rows[0].weakest_topic);
  CHECK(*rows[0].weakest_topic == Topic::user_exception);
  REQUIRE(rows[1].weakest_topic);
  CHECK(*rows[1].weakest_topic == Topic::frequent_swipe);
  CHECK_FALSE(rows[2].weakest_topic);  // nothing tried
  CHECK(count_failing_topic(rows) == 2);
  // Passing the weakest moves it to the next one; passing everything tried clears it.
  at.push_back(attempt("9", "user_exception_identity", 5, true, 0.95, "E1"));
  auto again = build_roster(content().track, content().scenarios, {a}, at, {}, day(10));
  REQUIRE(again[0].weakest_topic);
  CHECK(*again[0].weakest_topic == Topic::reversal);
  at.push_back(attempt("10", "reversal_debit_sms", 6, true, 0.95, "E1"));
  again = build_roster(content().track, content().scenarios, {a}, at, {}, day(10));
  CHECK_FALSE(again[0].weakest_topic);
}

TEST_CASE("the roster's tiles count everyone in each state and filter the rows") {
  const auto row = [](CertStatus status, bool failing) {
    RosterRow r;
    r.status = status;
    if (failing) r.weakest_topic = Topic::reversal;
    return r;
  };
  const std::vector<RosterRow> rows{row(CertStatus::certified, false), row(CertStatus::expiring, true),
                                    row(CertStatus::in_progress, true), row(CertStatus::in_progress, false),
                                    row(CertStatus::not_started, false), row(CertStatus::expired, false)};
  const ChainStoreRow n = summarize_roster(rows);
  CHECK(n.store_id.empty());
  CHECK(n.people == 6);
  CHECK(n.certified == 1);
  CHECK(n.expiring == 1);
  CHECK(n.expired == 1);
  CHECK(n.in_progress == 2);
  CHECK(n.not_started == 1);
  CHECK(count_failing_topic(rows) == 2);
  const auto shown = [&](RosterFilter f) {
    return std::count_if(rows.begin(), rows.end(), [&](const RosterRow& r) { return roster_row_shown(r, f); });
  };
  CHECK(shown(RosterFilter::all) == 6);
  CHECK(shown(RosterFilter::certified) == n.certified);
  CHECK(shown(RosterFilter::expiring) == n.expiring);
  CHECK(shown(RosterFilter::expired) == n.expired);
  CHECK(shown(RosterFilter::in_progress) == n.in_progress);
  CHECK(shown(RosterFilter::not_started) == n.not_started);
  CHECK(shown(RosterFilter::failing_topic) == 2);
  CHECK(shown(RosterFilter::locked) == 0);
  CHECK(summarize_roster({}).people == 0);
}

TEST_CASE("a roster row is locked while its wrong-PIN lock lasts, at the roster's time") {
  OperatorRecord op{"E1", "王小明", Role::trainee, "S01", Lang::zh, true};
  op.locked_until_ms = day(10) + 60'000;
  CHECK(build_roster(content().track, content().scenarios, {op}, std::vector<AttemptRow>{}, {}, day(10))[0].locked);
  const std::vector<RosterRow> later =
      build_roster(content().track, content().scenarios, {op}, std::vector<AttemptRow>{}, {}, day(10) + 60'000);
  CHECK_FALSE(later[0].locked);
  CHECK(count_locked(later) == 0);
  CHECK_FALSE(roster_row_shown(later[0], RosterFilter::locked));
}

TEST_CASE("summarize_by_store counts each store's people in each state, by store id") {
  const auto row = [](const std::string& id, const std::string& store, CertStatus status) {
    RosterRow r;
    r.op.employee_id = id;
    r.op.store_id = store;
    r.status = status;
    return r;
  };
  const auto s = summarize_by_store({row("E1", "S2", CertStatus::certified), row("E2", "S1", CertStatus::expired),
                                     row("E3", "S2", CertStatus::expiring), row("E4", "", CertStatus::not_started),
                                     row("E5", "S2", CertStatus::in_progress), row("E6", "S2", CertStatus::certified)});
  REQUIRE(s.size() == 3);
  CHECK(s[0].store_id.empty());  // people whose statements named no store
  CHECK(s[0].people == 1);
  CHECK(s[0].not_started == 1);
  CHECK(s[1].store_id == "S1");
  CHECK(s[1].people == 1);
  CHECK(s[1].expired == 1);
  CHECK(s[2].store_id == "S2");
  CHECK(s[2].people == 4);
  CHECK(s[2].certified == 2);
  CHECK(s[2].expiring == 1);
  CHECK(s[2].in_progress == 1);
  CHECK(s[2].expired + s[2].not_started == 0);
  CHECK(summarize_by_store({}).empty());
}

TEST_CASE("csv fields are quoted and guarded") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\rhere") == "\"cr\rhere\"");
  CHECK(csv_field("王小明") == "王小明");
  CHECK(csv_field("=SUM(A1:A9)") == "'=SUM(A1:A9)");
  CHECK(csv_field("+86 138") == "'+86 138");
  CHECK(csv_field("-1") == "'-1");
  CHECK(csv_field("@cmd") == "'@cmd");
  CHECK(csv_field("=1,2") == "\"'=1,2\"");
  CHECK(csv_field("a=b") == "a=b");
}

TEST_CASE("format_date_utc gives the UTC calendar date") {
  CHECK(format_date_utc(WallTime{}) == "");
  CHECK(format_date_utc(WallTime{1795219200000}) == "2026-11-21");
  CHECK(format_date_utc(WallTime{1795219200000 - 1}) == "2026-11-20");
  CHECK(format_date_utc(WallTime{951868799000}) == "2000-02-29");
  CHECK(format_date_utc(WallTime{1}) == "1970-01-01");
  CHECK(format_date_utc(WallTime{-1}) == "1969-12-31");
}

TEST_CASE("roster_csv writes RFC 4180 with CRLF and an optional BOM") {
  RosterRow r1;
  r1.op = {"E1", "王, \"小明\"", Role::trainee, "=S01", Lang::zh, true};
  r1.status = CertStatus::certified;
  r1.passed_count = 5;
  r1.required_count = 5;
  r1.awarded_ms = WallTime{1795219200000};
  r1.expires_ms = WallTime{1795219200000 + 180 * ms_per_day};
  r1.attempts = 7;
  r1.last_attempt_ms = WallTime{1795219200000 - 1};
  RosterRow r2;
  r2.op = {"E2", "Line\r\nBreak", Role::admin, "", Lang::en, false};
  const std::string header =
      "employee_id,name,role,store,status,passed,required,awarded,expires,attempts,last_attempt\r\n";
  const std::string body =
      "E1,\"王, \"\"小明\"\"\",trainee,'=S01,certified,5,5,2026-11-21,2027-05-20,7,2026-11-20\r\n"
      "E2,\"Line\r\nBreak\",admin,,not_started,0,0,,,0,\r\n";
  CHECK(roster_csv({r1, r2}, false) == header + body);
  CHECK(roster_csv({r1, r2}, true) == "\xEF\xBB\xBF" + header + body);
  CHECK(roster_csv({}, false) == header);
}

namespace {

RemoteAwardRow remote(const std::string& statement_id, double awarded_day, const std::string& store = "S-042",
                      const std::string& kiosk = "kiosk-7", const std::string& op = "E1",
                      const std::string& track = "card_payments_l1") {
  return RemoteAwardRow{statement_id, op, track, day(awarded_day), kiosk, store};
}

std::vector<AwardRow> merged(const std::vector<AwardRow>& local, const std::vector<RemoteAwardRow>& rs) {
  return merge_remote_awards({content().track}, local, rs);
}

}  // namespace

TEST_CASE("a certification earned on another kiosk counts here with this kiosk's validity", "[remote]") {
  const std::vector<RemoteAwardRow> rs = {remote("st-1", 10)};
  const std::vector<AwardRow> aw = merged({}, rs);
  REQUIRE(aw.size() == 1);
  CHECK(aw[0].operator_id == "E1");
  CHECK(aw[0].track_version == content().track.version);
  CHECK(aw[0].awarded_ms == day(10));
  CHECK(aw[0].expires_ms == day(190));  // awarded + validity_days (180)
  CHECK(aw[0].basis.empty());

  // No attempt here at all, and still certified, then expiring and expired like a local award.
  TrackProgress p = progress({}, aw, 20);
  CHECK(p.status == CertStatus::certified);
  REQUIRE(p.award);
  CHECK(p.award->expires_ms == day(190));
  CHECK(progress({}, aw, 160).status == CertStatus::expiring);
  CHECK(progress({}, aw, 190).status == CertStatus::expired);
  // Not yet awarded on the timeline: not seen.
  CHECK(progress({}, aw, 9).status == CertStatus::not_started);

  const RemoteAwardRow* origin = remote_origin(*p.award, rs);
  REQUIRE(origin);
  CHECK(origin->statement_id == "st-1");
  CHECK(earned_at(*origin) == "S-042");
  CHECK(earned_at(remote("st-2", 1, "", "kiosk-7")) == "kiosk-7");
  CHECK(earned_at(remote("st-3", 1, "", "")).empty());
}

TEST_CASE("a local award is never taken for a remote one", "[remote]") {
  std::vector<AttemptRow> at = five_passes(2, "a");
  auto award = due(at, {}, 6);
  REQUIRE(award);
  CHECK_FALSE(remote_origin(*award, {remote("st-1", 6)}));  // same time, but it names its attempts
  const TrackProgress p = progress(at, merged({*award}, {remote("st-9", 50)}), 60);
  REQUIRE(p.award);
  CHECK(p.award->awarded_ms == day(50));  // the newer remote award is the current one
  CHECK(remote_origin(*p.award, {remote("st-9", 50)}));
}

TEST_CASE("this kiosk's own award read back from the LRS and repeated statements count once", "[remote]") {
  AwardRow local;
  local.operator_id = "E1";
  local.track_id = "card_payments_l1";
  local.awarded_ms = day(6);
  local.expires_ms = day(186);
  local.basis = {"a-1", "a-2", "a-3", "a-4", "a-5"};
  RemoteAwardRow echo = remote("st-own", 6, "", "this-kiosk");
  echo.awarded_ms += 999;  // the statement's time went through a round trip
  CHECK(merged({local}, {echo}).size() == 1);
  // Past the window it is another award (earned again elsewhere the same day).
  RemoteAwardRow later = remote("st-other", 6);
  later.awarded_ms += same_award_window_ms + 1;
  CHECK(merged({local}, {later}).size() == 2);
  // The same statement twice, or the same award under two statement ids: once.
  CHECK(merged({}, {remote("st-1", 10), remote("st-1", 10)}).size() == 1);
  CHECK(merged({}, {remote("st-1", 10), remote("st-2", 10)}).size() == 1);
  // A track this kiosk does not teach, or no operator: left out.
  CHECK(merged({}, {remote("st-x", 10, "S-1", "k", "E1", "unknown_track")}).empty());
  CHECK(merged({}, {remote("st-y", 10, "S-1", "k", "")}).empty());
}

TEST_CASE("a renewal earned elsewhere extends an expiring local certification", "[remote]") {
  std::vector<AttemptRow> at = five_passes(2, "a");
  auto award = due(at, {}, 6);
  REQUIRE(award);
  CHECK(progress(at, {*award}, 170).status == CertStatus::expiring);
  const TrackProgress p = progress(at, merged({*award}, {remote("st-r", 165)}), 170);
  CHECK(p.status == CertStatus::certified);
  REQUIRE(p.award);
  CHECK(p.award->expires_ms == day(345));
}

TEST_CASE("format_time_utc gives the UTC date and minute") {
  CHECK(format_time_utc(WallTime{}) == "");
  CHECK(format_time_utc(WallTime{1795219200000}) == "2026-11-21 00:00");
  CHECK(format_time_utc(WallTime{1795219200000 + 14 * 3'600'000 + 32 * 60'000 + 59'999}) == "2026-11-21 14:32");
  CHECK(format_time_utc(WallTime{-60'000}) == "1969-12-31 23:59");
}

TEST_CASE("a person's next attempt draws the set of figures they have played least") {
  const Scenario* sc = find_scenario(content().scenarios, "sign_on_again");
  REQUIRE(sc);
  REQUIRE(sc->variants.size() == 4);
  auto row = [&](const std::string& scenario_id, uint64_t seed) {
    AttemptRow a;
    a.operator_id = "1001";
    a.scenario_id = scenario_id;
    a.seed = seed;
    return a;
  };
  // Nothing played: the kiosk's own turn stands.
  CHECK(least_practised_seed(*sc, {}, 7) == 7);
  // Sets 1 and 2 played (seeds 1 and 6 are sets 1 and 2 of 4): seed 1 would draw set 1 again;
  // set 3 (seed 3) is the first not yet practised from there.
  const std::vector<AttemptRow> two{row("sign_on_again", 1), row("sign_on_again", 6)};
  CHECK(variant_index(4, least_practised_seed(*sc, two, 1)) == 2);
  CHECK(least_practised_seed(*sc, two, 1) == 3);
  // Another scenario's attempts do not count.
  CHECK(least_practised_seed(*sc, {row("void_same_day", 1), row("void_same_day", 2)}, 1) == 1);
  // Every set played once, set 4 twice: any of 1-3 will do, and the kiosk's turn (set 1) is one.
  std::vector<AttemptRow> all{row("sign_on_again", 1), row("sign_on_again", 2), row("sign_on_again", 3),
                              row("sign_on_again", 4), row("sign_on_again", 8)};
  CHECK(least_practised_seed(*sc, all, 5) == 5);
  // ... but the kiosk's turn on set 4 moves on to set 1.
  CHECK(least_practised_seed(*sc, all, 4) == 5);
  // A scenario without figures keeps the kiosk's seed.
  Scenario plain = *sc;
  plain.variants.clear();
  CHECK(least_practised_seed(plain, two, 1) == 1);
}

TEST_CASE("a suggestion says why it is there from the person's own attempts at it") {
  using K = SuggestionWhy::Kind;
  std::vector<AttemptRow> rows;
  CHECK(suggestion_why(rows, "frequent_swipe_lock").kind == K::never_tried);
  AttemptRow left = attempt("u1", "frequent_swipe_lock", 1, false, 0.2);
  left.finished = false;
  left.abandoned = true;
  rows.push_back(left);
  AttemptRow open = attempt("u2", "frequent_swipe_lock", 2, false, 0.0);
  open.ended_ms = WallTime{};
  open.finished = false;
  rows.push_back(open);
  CHECK(suggestion_why(rows, "frequent_swipe_lock").kind == K::unfinished);
  rows.push_back(attempt("u3", "frequent_swipe_lock", 3, false, 0.456));
  rows.push_back(attempt("u4", "frequent_swipe_lock", 4, false, 0.614));
  rows.push_back(attempt("u5", "reversal_debit_sms", 5, true, 0.95));  // another drill's pass
  SuggestionWhy why = suggestion_why(rows, "frequent_swipe_lock");
  CHECK(why.kind == K::not_passed);
  CHECK(why.best_percent == 61);  // the best finished score; the abandoned one's is not a total
  rows.push_back(attempt("u6", "frequent_swipe_lock", 6, true, 0.85));
  CHECK(suggestion_why(rows, "frequent_swipe_lock").kind == K::passed);
  CHECK(suggestion_why(rows, "user_exception_identity").kind == K::never_tried);
}
