#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "device_bridge/fault_plan.h"
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

namespace {

// The small scenario with `block` inserted before its scoring (and `faults` added to its setup).
std::vector<Diagnostic> load_with_real_terminal(const std::string& block, Scenario& s, const std::string& faults = "") {
  std::string text = test::small_scenario;
  if (!faults.empty()) text.replace(text.find("scoring:"), 0, faults);
  text.replace(text.find("scoring:"), 0, block);
  return load_scenario_text(text, "real.yaml", s);
}

std::string messages(const std::vector<Diagnostic>& diags) {
  std::string all;
  for (const auto& d : diags) all += d.to_string() + "\n";
  return all;
}

}  // namespace

TEST_CASE("real_terminal - amounts with outcomes and proxy faults", "[loader][real_terminal]") {
  Scenario s;
  auto diags = load_with_real_terminal(
      "real_terminal:\n  mode: amounts\n  faults: proxy\n  outcomes:\n    - {request: 1, response: \"61\"}\n", s,
      "  faults:\n    - {request: 1, fault: respond, code: \"61\"}\n    - {request: 2, fault: delay, seconds: 5}\n");
  INFO(messages(diags));
  REQUIRE(diags.empty());
  REQUIRE(s.real_terminal);
  CHECK(s.real_terminal->mode == RealTerminalMode::amounts);
  CHECK(s.real_terminal->proxy_faults);
  REQUIRE(s.real_terminal->outcomes.size() == 1);
  CHECK(s.real_terminal->outcomes[0].request == 1);
  CHECK(s.real_terminal->outcomes[0].response == "61");
}

TEST_CASE("real_terminal - absent block and emulator_only with its reason", "[loader][real_terminal]") {
  CHECK_FALSE(test::load_small().real_terminal);
  Scenario s;
  auto diags = load_with_real_terminal(
      "real_terminal:\n  mode: emulator_only\n  reason: {zh: 需要35天前的预授权, en: It needs a 35-day-old pre-auth}\n",
      s);
  INFO(messages(diags));
  REQUIRE(diags.empty());
  CHECK(s.real_terminal->mode == RealTerminalMode::emulator_only);
  CHECK(s.real_terminal->reason.en == "It needs a 35-day-old pre-auth");
}

TEST_CASE("real_terminal - faults a real line cannot carry are named", "[loader][real_terminal]") {
  Scenario s;
  // The history's answer_lost needs the proxy.
  auto diags = load_with_real_terminal("real_terminal:\n  mode: amounts\n", s);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message.find("add faults: proxy") != std::string::npos);
  // A chosen response code needs an outcome for the same request.
  diags = load_with_real_terminal("real_terminal:\n  mode: amounts\n  faults: proxy\n", s,
                                  "  faults:\n    - {request: 2, fault: respond, code: \"55\"}\n");
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message.find("(- request: 2, response: \"55\")") != std::string::npos);
  // omit_pan cannot be produced at all.
  diags = load_with_real_terminal("real_terminal:\n  mode: amounts\n  faults: proxy\n", s,
                                  "  faults:\n    - {request: 1, fault: omit_pan}\n");
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message.find("use mode emulator_only") != std::string::npos);
  // Keys that belong to the other mode, and an outcome given twice.
  diags = load_with_real_terminal(
      "real_terminal:\n  mode: emulator_only\n  faults: proxy\n  reason: {zh: 原因, en: Why}\n", s);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message.find("'faults' has no use with mode emulator_only") != std::string::npos);
  diags = load_with_real_terminal(
      "real_terminal:\n  mode: amounts\n  faults: proxy\n  outcomes:\n    - {request: 1, response: \"61\"}\n"
      "    - {request: 1, response: \"62\"}\n",
      s);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message == "request 1 already has an outcome");
}

TEST_CASE("real_terminal - a fault on one operation's request", "[loader][real_terminal]") {
  Scenario s;
  // A chosen code for the first sale pairs with an outcome for the first sale.
  auto diags = load_with_real_terminal(
      "real_terminal:\n  mode: amounts\n  faults: proxy\n  outcomes:\n    - {request: 1, op: sale, response: \"65\"}\n",
      s, "  faults:\n    - {request: 1, op: sale, fault: respond, code: \"65\"}\n");
  INFO(messages(diags));
  REQUIRE(diags.empty());
  REQUIRE(s.setup.faults.size() == 1);
  CHECK(s.setup.faults[0].op == TerminalOp::sale);
  CHECK(s.real_terminal->outcomes[0].op == TerminalOp::sale);
  // The outcome without the operation does not cover it.
  diags = load_with_real_terminal(
      "real_terminal:\n  mode: amounts\n  faults: proxy\n  outcomes:\n    - {request: 1, response: \"65\"}\n", s,
      "  faults:\n    - {request: 1, op: sale, fault: respond, code: \"65\"}\n");
  CHECK(diags.size() == 1);
  // A link fault on "the first sale" cannot be placed by the proxy, which counts every request.
  diags = load_with_real_terminal("real_terminal:\n  mode: amounts\n  faults: proxy\n", s,
                                  "  faults:\n    - {request: 1, op: sale, fault: answer_lost}\n");
  REQUIRE(diags.size() >= 1);
  CHECK(messages(diags).find("needs the emulator") != std::string::npos);
}

TEST_CASE("request 0 means the whole story for a failing reversal only", "[loader][faults]") {
  Scenario s;
  auto diags = load_with_real_terminal("", s, "  faults:\n    - {request: 0, fault: reversal_fails}\n");
  INFO(messages(diags));
  CHECK(messages(diags).find("request") == std::string::npos);
  diags = load_with_real_terminal("", s, "  faults:\n    - {request: 0, fault: answer_lost}\n");
  CHECK(messages(diags).find("request") != std::string::npos);
}

TEST_CASE("a bare fault file loads like setup.faults", "[loader][real_terminal]") {
  std::vector<Fault> faults;
  auto diags = load_faults_text("faults:\n  - {request: 2, fault: delay, seconds: 3}\n", "f.yaml", faults);
  REQUIRE(diags.empty());
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].request == 2);
  CHECK(faults[0].seconds == 3);
  diags = load_faults_text("faults:\n  - {request: 1, fault: answer_lots}\n", "f.yaml", faults);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].line == 2);
}

TEST_CASE("a test host's amount table loads and is checked", "[loader][real_terminal]") {
  TestHostProfile p;
  auto diags = load_test_host_text(
      "id: acq_uat\nversion: 2\ntitle: {zh: 测试主机, en: Test host}\namounts:\n  \"00\": \"1.00\"\n  \"61\": "
      "\"10.61\"\n",
      "h.yaml", p);
  INFO(messages(diags));
  REQUIRE(diags.empty());
  CHECK(p.id == "acq_uat");
  CHECK(p.amount_for("61") == 1061);
  CHECK_FALSE(p.amount_for("62"));

  diags = load_test_host_text(
      "id: acq_uat\nversion: 1\ntitle: {zh: 测试主机, en: Test host}\namounts:\n  \"61\": \"10.61\"\n  \"62\": "
      "\"10.61\"\n"
      "  \"6\": \"1.00\"\n",
      "h.yaml", p);
  REQUIRE(diags.size() == 2);
  CHECK(diags[0].message == "amount 10.61 is already given for another response code");
  CHECK(diags[1].line == 7);
}

TEST_CASE("an outcome no test host can give is named at its place", "[loader][real_terminal]") {
  auto dir = std::filesystem::temp_directory_path() / "posdrill_test_hosts";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "scenarios");
  std::filesystem::create_directories(dir / "test_hosts");
  std::string text = test::small_scenario;
  text.replace(text.find("scoring:"), 0,
               "real_terminal:\n  mode: amounts\n  faults: proxy\n  outcomes:\n    - {request: 1, response: \"62\"}\n");
  std::ofstream(dir / "scenarios" / "small.yaml") << text;
  std::ofstream(dir / "test_hosts" / "acq.yaml")
      << "id: acq_uat\nversion: 1\ntitle: {zh: 测试主机, en: Test host}\namounts: {\"61\": \"10.61\"}\n";
  ContentSet set = load_content(dir);
  REQUIRE(set.errors.size() == 1);
  CHECK(set.errors[0].message.find("no test host in test_hosts/ answers 62") != std::string::npos);
  CHECK(set.errors[0].column == 7);
  CHECK(set.scenarios.empty());
  CHECK(set.test_hosts.size() == 1);

  std::ofstream(dir / "test_hosts" / "acq.yaml", std::ios::trunc)
      << "id: acq_uat\nversion: 1\ntitle: {zh: 测试主机, en: Test host}\namounts: {\"62\": \"10.62\"}\n";
  set = load_content(dir);
  CHECK(set.errors.empty());
  CHECK(set.scenarios.size() == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("every shipped scenario says how it runs on a real terminal", "[content][real_terminal]") {
  ContentSet set = load_content(POSDRILL_TEST_CONTENT_DIR);
  REQUIRE(set.errors.empty());
  REQUIRE_FALSE(set.test_hosts.empty());
  for (const auto& s : set.scenarios) {
    INFO(s.id);
    REQUIRE(s.real_terminal);
    if (s.real_terminal->mode == RealTerminalMode::emulator_only) {
      CHECK_FALSE(s.real_terminal->reason.zh.empty());
      continue;
    }
    // What the proxy cannot do must be exactly what the outcomes choose by amount.
    std::vector<std::string> skipped;
    ProxyFaultPlan plan = ProxyFaultPlan::from_setup(s.setup, &skipped);
    std::size_t responds = 0;
    for (const auto& f : s.setup.faults) responds += f.kind == FaultKind::respond ? 1 : 0;
    CHECK(skipped.size() == responds);
    CHECK(plan.rules().empty() != s.real_terminal->proxy_faults);
  }
}

TEST_CASE("nightly_settlement is true by default, false when the setup says so, and must be a boolean", "[loader]") {
  CHECK(test::load_small().setup.nightly_settlement);
  const std::string base = test::small_scenario;
  const std::string anchor = "  amount: \"328.00\"\n";
  REQUIRE(base.find(anchor) != std::string::npos);
  auto with = [&](const std::string& line) {
    std::string text = base;
    text.insert(text.find(anchor) + anchor.size(), line);
    return text;
  };
  Scenario off;
  CHECK(load_scenario_text(with("  nightly_settlement: false\n"), "off.yaml", off).empty());
  CHECK(!off.setup.nightly_settlement);
  Scenario bad;
  auto diags = load_scenario_text(with("  nightly_settlement: sometimes\n"), "bad.yaml", bad);
  REQUIRE(!diags.empty());
  CHECK(diags.front().file == "bad.yaml");
  CHECK(diags.front().line == 12);
  CHECK(diags.front().message.find("'nightly_settlement' to be true or false") != std::string::npos);
}

TEST_CASE("content parsed on several threads comes out as if one thread had read it file by file",
          "[loader][threads]") {
  // The shipped content and the broken corpus (51 files, each with its own errors): the same
  // scenarios in the same order, the same diagnostics in the same order, every time.
  for (const char* dir : {POSDRILL_TEST_CONTENT_DIR, POSDRILL_TEST_BROKEN_DIR}) {
    INFO(dir);
    const ContentSet first = load_content(dir);
    REQUIRE(first.files_read > 4);  // enough files for the parse to go on more than one thread
    for (int run = 0; run < 3; ++run) {
      const ContentSet again = load_content(dir);
      CHECK(again.files_read == first.files_read);
      REQUIRE(again.scenarios.size() == first.scenarios.size());
      for (std::size_t i = 0; i < first.scenarios.size(); ++i) {
        CHECK(again.scenarios[i].id == first.scenarios[i].id);
        CHECK(again.scenarios[i].content_hash == first.scenarios[i].content_hash);
      }
      REQUIRE(again.errors.size() == first.errors.size());
      for (std::size_t i = 0; i < first.errors.size(); ++i) {
        CHECK(again.errors[i].file == first.errors[i].file);
        CHECK(again.errors[i].line == first.errors[i].line);
        CHECK(again.errors[i].message == first.errors[i].message);
      }
    }
  }
  // The corpus's diagnostics stay sorted by file, line and column.
  const ContentSet broken = load_content(POSDRILL_TEST_BROKEN_DIR);
  CHECK(std::is_sorted(broken.errors.begin(), broken.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  }));
}
