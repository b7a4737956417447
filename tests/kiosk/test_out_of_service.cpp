// Errors in the user's language: a broken content folder puts the kiosk out of service (trainees
// see who to call, managers the problems), the duplicate-ID message and the settings in Chinese,
// error lines styled as errors and cleared by the next request.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kiosk_fixture.h"

namespace posdrill::test {

namespace {

// A copy of the shipped content with one scenario file broken at a known line.
std::filesystem::path broken_content(const std::filesystem::path& dir) {
  const std::filesystem::path out = dir / "content";
  std::filesystem::copy(content_dir, out, std::filesystem::copy_options::recursive);
  std::ofstream(out / "scenarios" / "wrong_pin_retry_privacy.yaml") << "id: wrong_pin_retry_privacy\nversion: [\n";
  return out;
}

// Loads `dir` into the kiosk as the platform does: what is valid, and every problem listed.
void load_as_platform(Kiosk& k, const std::filesystem::path& dir) {
  ContentSet c = load_content(dir);
  k.state.scenarios = std::move(c.scenarios);
  k.state.tracks = std::move(c.tracks);
  k.state.problems.clear();
  for (const Diagnostic& d : c.errors) k.state.problems.push_back(d.to_string());
  refresh_catalog(k.state);
}

bool ignored_any(const std::vector<Effect>& fx) {
  for (const Effect& e : fx)
    if (std::holds_alternative<Ignored>(e)) return true;
  return false;
}

}  // namespace

TEST_CASE("broken content puts the kiosk out of service: trainees see who to call, managers see why",
          "[out_of_service]") {
  for (const ImVec2 size : {ImVec2(1280, 800), ImVec2(1920, 1080)}) {
    INFO("display " << size.x << "x" << size.y);
    Kiosk k(size);
    load_as_platform(k, broken_content(k.dir.path));
    REQUIRE(out_of_service(k.state));
    REQUIRE_FALSE(k.state.problems.empty());
    CHECK(k.state.problems.front().find("wrong_pin_retry_privacy.yaml:") != std::string::npos);
    // The rest of the content loaded: without the rule, trainees would play a track short of one
    // scenario and be certified on what is left.
    CHECK_FALSE(k.state.scenarios.empty());

    // Trainees: the out-of-service card, nothing to tap, no way to a drill.
    k.frame(ImVec2(-1, -1), false);
    CHECK(k.on_screen("out_of_service"));
    CHECK_FALSE(k.on_screen("attract.start"));
    CHECK(k.state.strings.tr("oos.title", Lang::zh).find("暂停使用") != std::string::npos);
    const std::size_t effects_before = k.effects.size();
    k.act(StartFromAttract{});
    CHECK(k.state.screen == ScreenId::attract);
    CHECK(ignored_any({k.effects.begin() + static_cast<std::ptrdiff_t>(effects_before), k.effects.end()}));

    // Managers: the hidden gesture and a manager PIN open the console on the problems.
    for (int i = 0; i < corner_taps_needed; ++i) k.tap_corner();
    REQUIRE(k.state.screen == ScreenId::manager_gate);
    k.key_in("9001");
    k.key_in("7391");
    REQUIRE(k.state.screen == ScreenId::console);
    CHECK(k.state.console.tab == ConsoleTab::settings);
    k.frame(ImVec2(-1, -1), false);
    CHECK(k.on_screen("console.exit"));
  }
}

TEST_CASE("while the content is broken no attempt starts, so no pass count changes", "[out_of_service]") {
  Kiosk k(ImVec2(1280, 800));
  // A trainee signed in before the problem was known (the session survives; content is loaded
  // only at start, so this is the worst case).
  k.sign_in("1001", "2580");
  REQUIRE(k.state.screen == ScreenId::home);
  const std::size_t attempts_before = k.store->attempts("1001").size();
  load_as_platform(k, broken_content(k.dir.path));
  REQUIRE(out_of_service(k.state));
  k.effects.clear();
  k.act(OpenCatalog{});
  CHECK(k.state.screen == ScreenId::home);
  k.act(OpenScenario{k.state.scenarios.front().id});
  CHECK_FALSE(k.state.attempt);
  for (const Effect& e : k.effects) CHECK_FALSE(std::holds_alternative<AttemptStarted>(e));
  CHECK(k.store->attempts("1001").size() == attempts_before);
}

TEST_CASE("the duplicate-ID message is in the manager's language, styled as an error, and goes at the next request",
          "[console][strings]") {
  Kiosk k(ImVec2(1280, 800));
  k.sign_in("9001", "7391");
  REQUIRE(k.state.screen == ScreenId::home);
  k.tap("home.console");
  REQUIRE(k.state.console.manager.employee_id == "9001");
  k.tap("tab.operators");
  k.act(AddOperator{person("1001", "又一个", Role::trainee), "86420", "86420"});
  CHECK(k.state.console.notice_key == "console.id_exists");
  CHECK(k.state.console.notice_error);
  CHECK(k.state.console.notice_detail == "1001");
  const std::string zh = k.state.strings.tr(k.state.console.notice_key, Lang::zh);
  CHECK(zh.find("工号") != std::string::npos);
  for (const char* key : {"console.id_exists", "console.no_such_operator", "console.records_busy", "console.records_io",
                          "console.records_too_new"})
    CHECK(k.state.strings.tr(key, Lang::zh) != k.state.strings.tr(key, Lang::en));
  // The next request makes the line stale: it goes at once.
  k.tap("tab.settings");
  CHECK(k.state.console.notice_key.empty());
}

TEST_CASE("the console's settings are labelled in the language of the screen", "[console][strings]") {
  Kiosk k(ImVec2(1280, 800));
  k.state.kiosk_facts = {{"settings.terminal", "settings.terminal_emulated", ""},
                         {"settings.sync", "settings.sync_off", ""},
                         {"settings.records", "", "/srv/posdrill/posdrill.db"}};
  for (const KioskFact& f : k.state.kiosk_facts) {
    CHECK(k.state.strings.contains(f.label_key));
    CHECK(k.state.strings.tr(f.label_key, Lang::zh) != k.state.strings.tr(f.label_key, Lang::en));
    if (!f.value_key.empty()) CHECK(k.state.strings.contains(f.value_key));
  }
  CHECK(k.state.strings.tr("settings.sync_off", Lang::zh) == "未开启");
  k.sign_in("9001", "7391");
  k.tap("home.console");
  k.tap("tab.settings");
  CHECK(k.on_screen("console.exit"));
}

}  // namespace posdrill::test
