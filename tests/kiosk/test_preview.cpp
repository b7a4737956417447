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
  Text note = open_preview(p.state, sc.file, "no_such_step");
  CHECK(note.en == "no step 'no_such_step' in 'wrong_pin_retry_privacy': opened at the start");
  CHECK(note.zh.find("no_such_step") != std::string::npos);
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
  CHECK(note.en == "step '" + off_path + "' is not on the best path of 'wrong_pin_retry_privacy': opened at the start");
  CHECK(preview_step(p.state) == sc.steps.front().id);
  // A file no scenario came from.
  CHECK(open_preview(p.state, "content/scenarios/nothing_here.yaml", "").en.find("no scenario was loaded") !=
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
  CHECK(l.text.find("x.yaml") != std::string::npos);
  bar.reloads = 2;
  bar.note = {"步骤 z 不在", "no step 'z' in 'x': opened at the start"};
  l = preview_footer_line(bar, p.state.strings, Lang::en);
  CHECK(l.tone == SyncTone::problem);
  CHECK(l.text.find("2") != std::string::npos);
  CHECK(l.text.find(bar.note.en) != std::string::npos);
  CHECK(l.text.find("content/scenarios") == std::string::npos);  // the file's name, not its folder
  CHECK(preview_footer_line(bar, p.state.strings, Lang::zh).text.find(bar.note.zh) != std::string::npos);
  bar.problems = {"content/scenarios/x.yaml:12:7: expected 'kind' to be one of …", "second"};
  p.state.preview = bar;
  l = footer_line(p.state);
  CHECK(l.tone == SyncTone::alarm);
  CHECK(l.text.find("content/scenarios/x.yaml:12:7") != std::string::npos);
  // Nothing has loaded yet: it does not claim to show a last good version.
  CHECK(preview_footer_line(bar, p.state.strings, Lang::en).text.find("no version has loaded yet") !=
        std::string::npos);
  bar.shown = true;
  CHECK(preview_footer_line(bar, p.state.strings, Lang::en).text.find("showing the last version that loaded") !=
        std::string::npos);
}

TEST_CASE("a reload keeps the step and the figures; a failed one keeps the last good version", "[preview]") {
  Preview p;
  // Copies: a reload replaces the scenarios.
  const Scenario& sc = p.scenario("user_exception_identity");
  REQUIRE(sc.variants.size() > 1);
  const std::string file = sc.file, first_step = sc.steps.front().id;
  p.state.seed = 2;  // a set of figures other than the first
  start_preview(p.state, file, "t_sale", {});
  REQUIRE(p.state.preview);
  REQUIRE(p.state.attempt);
  CHECK(preview_step(p.state) == "t_sale");
  CHECK_FALSE(p.state.require_sign_in);
  const std::string card = p.state.attempt->scenario.setup.card;
  const std::string intro = p.state.attempt->scenario.steps.front().text.zh;

  // A save that does not load: the attempt stays, the problems are listed, no reload counted.
  reload_preview(p.state, {}, {}, p.state.strings, {"x.yaml:3:1: expected a map"});
  REQUIRE(p.state.attempt);
  CHECK(preview_step(p.state) == "t_sale");
  CHECK(p.state.preview->problems.size() == 1);
  CHECK(p.state.preview->reloads == 0);
  CHECK(footer_line(p.state).tone == SyncTone::alarm);

  // A save that loads: the same step, the same figures, the problems gone.
  reload_preview(p.state, posdrill::test::shipped_set().scenarios, {}, p.state.strings, {});
  REQUIRE(p.state.attempt);
  CHECK(preview_step(p.state) == "t_sale");
  CHECK(p.state.preview->problems.empty());
  CHECK(p.state.preview->reloads == 1);
  CHECK(p.state.attempt->scenario.setup.card == card);
  CHECK(p.state.attempt->scenario.steps.front().text.zh == intro);

  // Leaving the drill asks nothing (nothing is kept) and the preview starts it again.
  update(p.state, AskToConfirm{ConfirmKind::leave_drill});
  CHECK_FALSE(p.state.confirming);
  CHECK_FALSE(p.state.attempt);
  keep_preview_open(p.state);
  REQUIRE(p.state.attempt);
  CHECK(preview_step(p.state) == first_step);
  CHECK(p.state.attempt->scenario.setup.card == card);
}
