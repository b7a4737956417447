#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "fixtures.h"
#include "scenarios/sha256.h"

using namespace posdrill;

TEST_CASE("a valid scenario loads with its derived points", "[loader]") {
  Scenario s = test::load_small();
  CHECK(s.id == "small_reversal");
  CHECK(s.version == 3);
  CHECK(s.topic == Topic::reversal);
  CHECK(s.pass_mark == 70);
  CHECK(s.setup.amount_minor == 32800);
  REQUIRE(s.setup.history.size() == 1);
  CHECK(s.setup.history[0].fault->kind == FaultKind::answer_lost);
  CHECK(s.setup.history[0].amount_minor == 32800);  // defaults to the story's amount
  CHECK(s.max_points == 25);                        // 10 + 10 + 5
  CHECK(s.best_safe_points == 25);
  CHECK(s.decision_count() == 2);
  CHECK(s.critical_count() == 2);  // one critical choice + one critical terminal operation
  CHECK(s.content_hash == sha256_hex(test::small_scenario));
  CHECK(s.find("inquiry")->expect.reversal_sent == true);
  CHECK(s.find("first")->pos.line == 24);
}

TEST_CASE("texts keep both languages and lose trailing newlines", "[loader]") {
  Scenario s = test::load_small();
  CHECK(s.title.zh == "小场景");
  CHECK(s.title.en == "Small scenario");
}

TEST_CASE("the same scenario id in two files keeps the first and names both", "[loader]") {
  auto dir = std::filesystem::temp_directory_path() / "posdrill_dup_ids";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* name : {"a.yaml", "b.yaml"}) std::ofstream(dir / name) << test::small_scenario;
  ContentSet set = load_content(dir);
  REQUIRE(set.scenarios.size() == 1);
  CHECK(set.scenarios[0].file == (dir / "a.yaml").string());
  REQUIRE(set.errors.size() == 1);
  CHECK(set.errors[0].file == (dir / "b.yaml").string());
  CHECK(set.errors[0].message == "scenario id 'small_reversal' is already used by " + (dir / "a.yaml").string());
  std::filesystem::remove_all(dir);
}

TEST_CASE("oversized and missing content is refused with a clear error", "[loader]") {
  auto dir = std::filesystem::temp_directory_path() / "posdrill_big";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "big.yaml") << std::string(max_content_file_bytes + 1, '#');
  ContentSet set = load_content(dir);
  REQUIRE(set.errors.size() == 1);
  CHECK(set.errors[0].message.find("at most 1048576 are read") != std::string::npos);
  ContentSet none = load_content(dir / "nope");
  REQUIRE(none.errors.size() == 1);
  CHECK(none.errors[0].message == "no such file or folder");
  std::filesystem::remove_all(dir);
}

TEST_CASE("tracks name topics that exist and a validity longer than the warning", "[loader][track]") {
  Track t;
  auto d = load_track_text(
      "id: cert_l1\nversion: 1\ntitle: {zh: 认证, en: Cert}\ntopics: [preauth, reversal]\nvalidity_days: 180\n",
      "t.yaml", t);
  CHECK(d.empty());
  CHECK(t.topics.size() == 2);
  CHECK(t.expiring_soon_days == 30);

  d = load_track_text(
      "id: cert_l1\nversion: 1\ntitle: {zh: 认证, en: Cert}\ntopics: [preauth, revesal]\nvalidity_days: 180\n",
      "t.yaml", t);
  REQUIRE(d.size() == 1);
  CHECK(d[0].line == 4);
  CHECK(d[0].column == 19);
  CHECK(d[0].message.rfind("unknown topic 'revesal' (did you mean 'reversal'?)", 0) == 0);

  d = load_track_text(
      "id: cert_l1\nversion: 1\ntitle: {zh: 认证, en: Cert}\ntopics: [preauth]\nvalidity_days: 20\nexpiring_soon_days: "
      "30\n",
      "t.yaml", t);
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "expiring_soon_days must be shorter than validity_days");
}

TEST_CASE("arbitrary bytes never crash the loader", "[loader][robustness]") {
  // A cheap in-test fuzz: mutate the fixture byte by byte; every result must be a scenario or
  // diagnostics with positions inside the text.
  std::string base = test::small_scenario;
  uint64_t state = 12345;
  for (int round = 0; round < 300; ++round) {
    std::string text = base;
    for (int k = 0; k < 4; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      std::size_t at = (state >> 33) % text.size();
      text[at] = static_cast<char>(state >> 56);
    }
    Scenario s;
    auto diags = load_scenario_text(text, "fuzz.yaml", s);
    for (const auto& d : diags) {
      CHECK(d.line >= 0);
      CHECK(!d.message.empty());
    }
  }
}
