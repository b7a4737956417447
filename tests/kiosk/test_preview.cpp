// `posdrill preview FILE` in the PURE core: opening the file's scenario at a step by playing the
// best path to it, what happens when the step is missing or off the best path, and the footer's
// line (the window, the file watch and the reload are tested with the real binary in
// tests/kiosk/preview_test.sh).
#include <catch2/catch.hpp>

#include <algorithm>

#include "kiosk/core/preview.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

struct Preview {
  FakeClock clock{1'000'000};
  AppState state;
  Preview() {
    state.scenarios = posdrill::test::shipped_set().scenarios;
    load_ui_strings(ui_strings_path(content_dir), state.strings);
    state.clock = &clock;
    refresh_catalog(state);
  }
  const Scenario& scenario(const std::string& id) {
    const Scenario* s = find_scenario(state.scenarios, id);
    REQUIRE(s);
    return *s;
  }
};

}  // namespace

TEST_CASE("the preview opens a scenario file at its start, or at a step the best path reaches", "[preview]") {
  Preview p;
  const Scenario& sc = p.scenario("wrong_pin_retry_privacy");
  CHECK(open_preview(p.state, sc.file, "").empty());
  REQUIRE(p.state.attempt);
  CHECK(p.state.screen == ScreenId::runner);
  CHECK(preview_step(p.state) == sc.steps.front().id);

  // A terminal task past two decisions: the best path is played to it, the twin keyed on the way.
  CHECK(open_preview(p.state, sc.file, "t_retry").empty());
  REQUIRE(p.state.attempt);
  CHECK(preview_step(p.state) == "t_retry");
  CHECK(p.state.screen == ScreenId::runner);
  CHECK(p.state.attempt->runner.result().steps.size() >= 2);
  // Nothing is recorded: nobody is signed in.
  CHECK_FALSE(p.state.session);
}

TEST_CASE("the preview says where it opened when the step cannot be reached", "[preview]") {
  Preview p;
  const Scenario& sc = p.scenario("wrong_pin_retry_privacy");
  std::string note = open_preview(p.state, sc.file, "no_such_step");
  CHECK(note == "no step 'no_such_step' in 'wrong_pin_retry_privacy': opened at the start");
  CHECK(preview_step(p.state) == sc.steps.front().id);
  // A step only a wrong answer leads to: not on the best path, so the start again.
  FakeClock clock;
  EmulatedTerminalPort port(&clock);
  const AttemptResult best = play_auto(sc, AutoMode::best, 1, port, clock);
  std::string off_path;
  for (const Step& s : sc.steps) {
    const bool visited = std::any_of(best.steps.begin(), best.steps.end(),
                                     [&s](const StepRecord& r) { return r.step_id == s.id; });
    if (!visited && off_path.empty()) off_path = s.id;
  }
  REQUIRE_FALSE(off_path.empty());
  note = open_preview(p.state, sc.file, off_path);
  CHECK(note == "step '" + off_path + "' is not on the best path of 'wrong_pin_retry_privacy': opened at the start");
  CHECK(preview_step(p.state) == sc.steps.front().id);
  // A file no scenario came from.
  CHECK(open_preview(p.state, "content/scenarios/nothing_here.yaml", "").find("no scenario was loaded") !=
        std::string::npos);
}

TEST_CASE("the preview's footer names the file, the reloads, the note or the problems", "[preview]") {
  Preview p;
  for (const std::string& key : preview_string_keys()) {
    INFO(key);
    CHECK(p.state.strings.contains(key));
  }
  PreviewBar bar;
  bar.file = "content/scenarios/x.yaml";
  SyncLine l = preview_footer_line(bar, p.state.strings, Lang::en);
  CHECK(l.tone == SyncTone::ok);
  CHECK(l.text.find("content/scenarios/x.yaml") != std::string::npos);
  bar.reloads = 2;
  bar.note = "no step 'z' in 'x': opened at the start";
  l = preview_footer_line(bar, p.state.strings, Lang::en);
  CHECK(l.tone == SyncTone::problem);
  CHECK(l.text.find("2") != std::string::npos);
  CHECK(l.text.find(bar.note) != std::string::npos);
  bar.problems = {"content/scenarios/x.yaml:12:7: expected 'kind' to be one of …", "second"};
  p.state.preview = bar;
  l = footer_line(p.state);
  CHECK(l.tone == SyncTone::alarm);
  CHECK(l.text.find("content/scenarios/x.yaml:12:7") != std::string::npos);
}
