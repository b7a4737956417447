// The xAPI statements an attempt produces (kiosk/sync/statements.h), built from the shipped
// content: shapes, IRIs, formats and that the same inputs give the same bytes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kiosk/sync/policy.h"
#include "kiosk/sync/statements.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;
using Json = nlohmann::json;

namespace {

const ContentSet& content() { return posdrill::test::shipped_set(); }

StatementSite site() {
  StatementSite s;
  s.lrs.endpoint = "https://lrs.example.com/xapi/";
  s.lrs.base_iri = "https://training.example.com/xapi";  // no trailing slash on purpose
  s.lrs.home_page = "https://example.com/staff";
  s.kiosk_id = "kiosk-7";
  s.store_id = "S09";
  s.platform = "posdrill test";
  return s;
}

OperatorRecord op() {
  OperatorRecord o;
  o.employee_id = "1001";
  o.name = "王小明";
  return o;
}

AttemptRow attempt_of(const Scenario& s) {
  AttemptRow a;
  a.uuid = "6f1c2b3a-1111-4222-8333-444455556666";
  a.operator_id = "1001";
  a.scenario_id = s.id;
  a.scenario_version = s.version;
  a.content_hash = s.content_hash;
  a.lang = Lang::en;
  a.started_ms = WallTime{1'700'000'000'000};
  a.max_points = s.max_points;
  return a;
}

}  // namespace

TEST_CASE("Timestamps and durations use the formats the xAPI spec asks for", "[sync][statements]") {
  CHECK(xapi_timestamp(WallTime{}) == "1970-01-01T00:00:00.000Z");
  CHECK(xapi_timestamp(WallTime{1'700'000'000'123}) == "2023-11-14T22:13:20.123Z");
  CHECK(xapi_duration(252'500) == "PT4M12.5S");
  CHECK(xapi_duration(0) == "PT0S");
  CHECK(xapi_duration(10) == "PT0.01S");
  CHECK(xapi_duration(4) == "PT0S");  // below 0.01 s precision
  CHECK(xapi_duration(3'723'004) == "PT1H2M3S");
  CHECK(xapi_duration(3'600'000) == "PT1H");
  CHECK(xapi_duration(61'230) == "PT1M1.23S");
  CHECK(xapi_duration(-5) == "PT0S");
}

TEST_CASE("IRIs are stable and escaped under the configured base", "[sync][statements]") {
  const LrsConfig c = site().lrs;
  CHECK(scenario_iri(c, "wrong_pin_tries_exceeded") ==
        "https://training.example.com/xapi/scenarios/wrong_pin_tries_exceeded");
  CHECK(track_iri(c, "card_payments_l1") == "https://training.example.com/xapi/tracks/card_payments_l1");
  CHECK(step_iri(c, "s", "d 1") == "https://training.example.com/xapi/scenarios/s/steps/d%201");
  CHECK(extension_iri(c, "kiosk-id") == "https://training.example.com/xapi/extensions/kiosk-id");
}

TEST_CASE("attempted names the actor by account and the scenario by IRI", "[sync][statements]") {
  REQUIRE(!content().scenarios.empty());
  const Scenario& s = content().scenarios.front();
  const AttemptRow a = attempt_of(s);
  const OutboxStatement st =
      attempted_statement(site(), "0a0b0c0d-0000-4000-8000-000000000001", op(), a, s, content().tracks, a.started_ms);
  CHECK(st.verb == "attempted");
  CHECK(st.attempt_uuid == a.uuid);
  const Json j = Json::parse(st.body);
  CHECK(j["id"] == "0a0b0c0d-0000-4000-8000-000000000001");
  CHECK(j["actor"]["account"]["homePage"] == "https://example.com/staff");
  CHECK(j["actor"]["account"]["name"] == "1001");
  CHECK_FALSE(j["actor"].contains("mbox"));
  CHECK(j["verb"]["id"] == xapi::verb_attempted);
  CHECK(j["object"]["id"] == scenario_iri(site().lrs, s.id));
  CHECK(j["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/simulation");
  CHECK(j["object"]["definition"]["name"]["zh-CN"] == s.title.zh);
  CHECK(j["object"]["definition"]["name"]["en-US"] == s.title.en);
  CHECK(j["context"]["registration"] == a.uuid);
  CHECK(j["context"]["language"] == "en-US");
  CHECK(j["context"]["contextActivities"]["grouping"][0]["id"] == track_iri(site().lrs, content().tracks.front().id));
  const auto& ext = j["context"]["extensions"];
  CHECK(ext[extension_iri(site().lrs, "kiosk-id")] == "kiosk-7");
  CHECK(ext[extension_iri(site().lrs, "store-id")] == "S09");
  CHECK(ext[extension_iri(site().lrs, "content-hash")] == s.content_hash);
  CHECK(j["timestamp"] == xapi_timestamp(a.started_ms));
  // Built twice from the same inputs: the same bytes.
  CHECK(attempted_statement(site(), st.id, op(), a, s, content().tracks, a.started_ms).body == st.body);
}

TEST_CASE("answered carries the choice, the points and whether it was right", "[sync][statements]") {
  const Scenario& s = content().scenarios.front();
  const Step* decision = nullptr;
  for (const auto& step : s.steps)
    if (step.kind == StepKind::decision && !decision) decision = &step;
  REQUIRE(decision);
  AttemptEventRow e;
  e.attempt_uuid = attempt_of(s).uuid;
  e.seq = 2;
  e.step_id = decision->id;
  e.choice_id = decision->choices.front().id;
  e.points = 3;
  e.max_points = 10;
  e.mistake = true;
  e.critical = true;
  const Json j = Json::parse(answered_statement(site(), "id-2", op(), attempt_of(s), s, content().tracks, e,
                                                AnswerFacts{12'340, 2, 5, true}, WallTime{1'700'000'001'000})
                                 .body);
  CHECK(j["verb"]["id"] == xapi::verb_answered);
  CHECK(j["object"]["id"] == step_iri(site().lrs, s.id, decision->id));
  CHECK(j["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction");
  CHECK(j["object"]["definition"]["interactionType"] == "choice");
  CHECK(j["object"]["definition"]["choices"].size() == decision->choices.size());
  CHECK(j["result"]["response"] == e.choice_id);
  CHECK(j["result"]["success"] == false);
  CHECK(j["result"]["score"]["raw"] == 3);
  CHECK(j["result"]["score"]["max"] == 10);
  CHECK(j["result"]["score"]["scaled"] == Approx(0.3));
  CHECK(j["result"]["extensions"][extension_iri(site().lrs, "critical")] == true);
  CHECK(j["context"]["contextActivities"]["parent"][0]["id"] == scenario_iri(site().lrs, s.id));
  // What an analyst needs: how long, with how much help, in time or not, and what was right.
  CHECK(j["result"]["duration"] == "PT12.34S");
  CHECK(j["result"]["extensions"][extension_iri(site().lrs, "hints-used")] == 2);
  CHECK(j["result"]["extensions"][extension_iri(site().lrs, "hint-cost")] == 5);
  CHECK(j["result"]["extensions"][extension_iri(site().lrs, "overtime")] == true);
  Json right = Json::array();
  for (const auto& ch : decision->choices)
    if (ch.points == decision->max_points()) right.push_back(ch.id);
  REQUIRE_FALSE(right.empty());
  CHECK(j["object"]["definition"]["correctResponsesPattern"] == right);
}

TEST_CASE("The end of an attempt is passed failed or abandoned with score and duration", "[sync][statements]") {
  const Scenario& s = content().scenarios.front();
  AttemptRow a = attempt_of(s);
  a.ended_ms = a.started_ms + 252'500;
  a.finished = true;
  a.passed = true;
  a.points = 45;
  a.max_points = 50;
  a.score = 0.9;
  Json j = Json::parse(result_statement(site(), "id-3", op(), a, s, content().tracks, a.ended_ms).body);
  CHECK(j["verb"]["id"] == xapi::verb_passed);
  CHECK(j["result"]["success"] == true);
  CHECK(j["result"]["completion"] == true);
  CHECK(j["result"]["duration"] == "PT4M12.5S");
  CHECK(j["result"]["score"]["scaled"] == Approx(0.9));
  CHECK(j["result"]["score"]["raw"] == 45);
  CHECK(j["result"]["score"]["min"] == 0);
  CHECK(j["result"]["score"]["max"] == 50);
  CHECK(j["timestamp"] == xapi_timestamp(a.ended_ms));
  const OutboxStatement done = completed_statement(site(), "id-c", op(), a, s, content().tracks, a.ended_ms);
  CHECK(done.verb == "completed");
  j = Json::parse(done.body);
  CHECK(j["verb"]["id"] == xapi::verb_completed);
  CHECK(j["result"]["completion"] == true);
  CHECK(j["result"]["duration"] == "PT4M12.5S");
  CHECK_FALSE(j["result"].contains("success"));
  CHECK(j["context"]["registration"] == a.uuid);

  a.passed = false;
  a.score = 0.4;
  j = Json::parse(result_statement(site(), "id-4", op(), a, s, content().tracks, a.ended_ms).body);
  CHECK(j["verb"]["id"] == xapi::verb_failed);
  CHECK(j["result"]["success"] == false);

  a.finished = false;
  a.abandoned = true;
  const OutboxStatement ab = result_statement(site(), "id-5", op(), a, s, content().tracks, a.ended_ms);
  CHECK(ab.verb == "abandoned");
  j = Json::parse(ab.body);
  CHECK(j["verb"]["id"] == xapi::verb_abandoned);
  CHECK(j["result"]["completion"] == false);
  CHECK_FALSE(j["result"].contains("score"));
}

TEST_CASE("A certification is passed with the track as the object", "[sync][statements]") {
  const Track& t = content().tracks.front();
  AwardRow award;
  award.operator_id = "1001";
  award.track_id = t.id;
  award.track_version = t.version;
  award.awarded_ms = WallTime{1'700'000'000'000};
  award.expires_ms = award.awarded_ms + 180LL * 86'400'000;
  award.basis = {"u1", "u2"};
  AttemptRow earning = attempt_of(content().scenarios.front());
  earning.lang = Lang::zh;
  const OutboxStatement st = certification_statement(site(), "id-6", op(), award, t, &earning, award.awarded_ms);
  CHECK(st.verb == "certified");
  CHECK(st.attempt_uuid == earning.uuid);
  const Json j = Json::parse(st.body);
  CHECK(j["verb"]["id"] == xapi::verb_passed);
  CHECK(j["object"]["id"] == track_iri(site().lrs, t.id));
  CHECK(j["result"]["extensions"][extension_iri(site().lrs, "basis")] == Json::array({"u1", "u2"}));
  CHECK(j["context"]["extensions"][extension_iri(site().lrs, "kiosk-id")] == "kiosk-7");
  CHECK(j["context"]["registration"] == earning.uuid);
  CHECK(j["context"]["language"] == "zh-CN");
}

TEST_CASE("Certifications are read back from an LRS answer", "[sync][statements]") {
  const LrsConfig c = site().lrs;
  const Track& t = content().tracks.front();
  AwardRow award;
  award.operator_id = "1001";
  award.track_id = t.id;
  award.awarded_ms = WallTime{1'700'000'000'000};
  const Json mine = Json::parse(certification_statement(site(), "id-7", op(), award, t, nullptr, WallTime{}).body);
  Json not_mine = mine;
  not_mine["id"] = "id-8";
  not_mine["actor"]["account"]["name"] = "2002";
  Json scenario_pass = mine;
  scenario_pass["id"] = "id-9";
  scenario_pass["object"]["id"] = scenario_iri(c, "x");
  Json other_home = mine;
  other_home["id"] = "id-10";
  other_home["actor"]["account"]["homePage"] = "https://elsewhere.example/";
  const Json page = {{"statements", {mine, not_mine, scenario_pass, other_home, 42}}, {"more", "/xapi/statements?x=1"}};
  std::vector<RemoteAward> out;
  std::string more, error;
  REQUIRE(parse_remote_awards(c, "1001", page.dump(), out, more, error));
  REQUIRE(out.size() == 1);
  CHECK(out[0].statement_id == "id-7");
  CHECK(out[0].track_id == t.id);
  CHECK(out[0].awarded_ms == award.awarded_ms);
  CHECK(out[0].kiosk_id == "kiosk-7");
  CHECK(out[0].store_id == "S09");
  CHECK(more == "/xapi/statements?x=1");
  CHECK_FALSE(parse_remote_awards(c, "1001", "<html/>", out, more, error));
  CHECK_FALSE(error.empty());
  CHECK_FALSE(parse_remote_awards(c, "1001", R"({"statements":{}})", out, more, error));
}

TEST_CASE("A batch gives each context activity's definition once", "[sync][statements][batch]") {
  const Scenario& s = content().scenarios.front();
  const AttemptRow a = attempt_of(s);
  const Step* decision = nullptr;
  for (const auto& step : s.steps)
    if (step.kind == StepKind::decision && !decision) decision = &step;
  REQUIRE(decision);
  AttemptEventRow e;
  e.attempt_uuid = a.uuid;
  e.seq = 1;
  e.step_id = decision->id;
  e.choice_id = decision->choices.front().id;
  const std::vector<OutboxStatement> sts = {
      attempted_statement(site(), "b-1", op(), a, s, content().tracks, a.started_ms),
      answered_statement(site(), "b-2", op(), a, s, content().tracks, e, AnswerFacts{}, a.started_ms + 1),
      answered_statement(site(), "b-3", op(), a, s, content().tracks, e, AnswerFacts{}, a.started_ms + 2)};
  std::vector<std::string_view> bodies;
  for (const auto& st : sts) bodies.push_back(st.body);
  std::size_t saved = 0;
  const Json batch = Json::parse(batch_body(bodies, &saved));
  REQUIRE(batch.size() == 3);
  CHECK(saved > 0);
  // The first keeps everything (its bytes as stored); the others name the track and the parent
  // scenario without repeating their definitions, and lose nothing else.
  CHECK(batch[0].dump() == Json::parse(sts[0].body).dump());
  CHECK(batch[0]["context"]["contextActivities"]["grouping"][0].contains("definition"));
  for (int i : {1, 2}) {
    const Json& lean = batch[std::size_t(i)];
    CHECK(lean["context"]["contextActivities"]["grouping"][0]["id"] ==
          track_iri(site().lrs, content().tracks.front().id));
    CHECK_FALSE(lean["context"]["contextActivities"]["grouping"][0].contains("definition"));
    CHECK_FALSE(lean["context"]["contextActivities"]["parent"][0].contains("definition"));
    CHECK(lean["object"].contains("definition"));                  // the statement's own object keeps it
    CHECK(same_statement(sts[std::size_t(i)].body, lean.dump()));  // the same statement to the LRS
  }
  // One statement alone is sent as stored.
  CHECK(batch_body({sts[1].body}) == "[" + sts[1].body + "]");
}
