// Reading roster facts from LRS statement pages (kiosk/sync/lrs_roster.h): our people and content
// only, each kind of fact, and the stored times paging depends on.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kiosk/sync/lrs_roster.h"
#include "kiosk/sync/statements.h"

using namespace posdrill;
using Json = nlohmann::json;

namespace {

Json statement(const std::string& id, const char* verb, const std::string& object, const std::string& stored,
               const std::string& who = "101", const std::string& home = LrsConfig().home_page) {
  return {{"id", id},
          {"actor", {{"objectType", "Agent"}, {"name", "王小明"}, {"account", {{"homePage", home}, {"name", who}}}}},
          {"verb", {{"id", verb}}},
          {"object", {{"objectType", "Activity"}, {"id", object}}},
          {"context",
           {{"registration", "reg-" + id}, {"extensions", {{LrsConfig().base_iri + "extensions/store-id", "S-042"}}}}},
          {"result", {{"score", {{"scaled", 0.85}}}, {"duration", "PT4M12.5S"}}},
          {"timestamp", "2026-11-21T10:00:00.000Z"},
          {"stored", stored}};
}

}  // namespace

TEST_CASE("xAPI timestamps are read to milliseconds, with their offset", "[sync][roster]") {
  WallTime ms;
  CHECK(parse_xapi_timestamp("2023-11-14T22:13:20.123Z", ms));
  CHECK(ms == WallTime{1'700'000'000'123});
  CHECK(parse_xapi_timestamp(xapi_timestamp(WallTime{1'795'185'120'456}), ms));
  CHECK(ms == WallTime{1'795'185'120'456});
  CHECK(parse_xapi_timestamp("2023-11-15T06:13:20.123+08:00", ms));  // the same instant in Beijing
  CHECK(ms == WallTime{1'700'000'000'123});
  for (const char* bad : {"", "2023-11-14", "2023-13-14T22:13:20Z", "2023-11-00T22:13:20Z", "2023-11-14T24:13:20Z",
                          "2023-11-14T22:60:20Z", "2023-11-14T22:13:-1Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_xapi_timestamp(bad, ms));
  }
}

TEST_CASE("xAPI durations are read to milliseconds", "[sync][roster]") {
  int64_t ms = 0;
  CHECK(parse_xapi_duration("PT4M12.5S", ms));
  CHECK(ms == 252'500);
  CHECK(parse_xapi_duration("PT1H", ms));
  CHECK(ms == 3'600'000);
  CHECK(parse_xapi_duration("P1DT2H", ms));
  CHECK(ms == 93'600'000);
  CHECK(parse_xapi_duration("PT0S", ms));
  CHECK(ms == 0);
  CHECK(parse_xapi_duration(xapi_duration(61'230), ms));
  CHECK(ms == 61'230);
  for (const char* bad : {"", "P", "PT", "4M", "P1M", "PTxS", "PT1"}) {
    INFO(bad);
    CHECK_FALSE(parse_xapi_duration(bad, ms));
  }
}

TEST_CASE("A page gives the facts about our people and content and nothing else", "[sync][roster]") {
  const LrsConfig c;
  const std::string sc = c.base_iri + "scenarios/reversal_debit_sms", tr = c.base_iri + "tracks/card_payments_l1";
  const Json page = {
      {"statements",
       {statement("a1", xapi::verb_attempted, sc, "2026-11-21T10:00:01.000Z"),
        statement("p1", xapi::verb_passed, sc, "2026-11-21T10:00:03.000Z"),
        statement("c1", xapi::verb_passed, tr, "2026-11-21T10:00:02.000Z"),
        statement("x1", xapi::verb_answered, sc + "/steps/d1", "2026-11-21T10:00:04.000Z"),  // not a roster verb
        statement("x2", xapi::verb_passed, "https://other.example/course/1", "2026-11-21T10:00:05.000Z"),
        statement("x3", xapi::verb_passed, sc, "2026-11-21T10:00:06.000Z", "109", "https://other.example/staff")}},
      {"more", "/xAPI/statements?page=2"}};
  RosterPage out;
  std::string error;
  REQUIRE(parse_roster_page(c, page.dump(), out, error));
  CHECK(out.statements == 6);
  CHECK(out.more == "/xAPI/statements?page=2");
  WallTime oldest, newest;
  REQUIRE(parse_xapi_timestamp("2026-11-21T10:00:01.000Z", oldest));
  REQUIRE(parse_xapi_timestamp("2026-11-21T10:00:06.000Z", newest));
  CHECK(out.oldest_stored_ms == oldest);  // every statement counts for paging, ours or not
  CHECK(out.newest_stored_ms == newest);
  REQUIRE(out.facts.size() == 3);
  CHECK(out.facts[0].kind == RosterFact::Kind::attempted);
  CHECK(out.facts[0].scenario_id == "reversal_debit_sms");
  CHECK(out.facts[0].registration == "reg-a1");
  CHECK(out.facts[0].employee_id == "101");
  CHECK(out.facts[0].name == "王小明");
  CHECK(out.facts[0].store_id == "S-042");
  CHECK(out.facts[1].kind == RosterFact::Kind::scenario_passed);
  CHECK(out.facts[1].score == Approx(0.85));
  CHECK(out.facts[1].duration_ms == 252'500);
  CHECK(out.facts[2].kind == RosterFact::Kind::certified);
  CHECK(out.facts[2].track_id == "card_payments_l1");
  CHECK(out.facts[2].statement_id == "c1");
}

TEST_CASE("A page that is not a statement result or lacks stored times is refused", "[sync][roster]") {
  const LrsConfig c;
  RosterPage out;
  std::string error;
  CHECK_FALSE(parse_roster_page(c, "<html/>", out, error));
  CHECK_FALSE(error.empty());
  Json page = {{"statements", {statement("a1", xapi::verb_attempted, c.base_iri + "scenarios/x", "")}}};
  error.clear();
  CHECK_FALSE(parse_roster_page(c, page.dump(), out, error));
  CHECK(error.find("stored") != std::string::npos);
}
