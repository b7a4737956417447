// The play screens (runner, feedback, debrief) driven through Dear ImGui with no renderer: a
// trainee's taps are injected with io.MousePos / io.MouseDown[] before ImGui::NewFrame (the 1.86
// API) at the centre of the widget with a given stable ID, the screens' actions go through
// update(), and the assertions are on the state. The default ImGui font stands in for the CJK
// font (missing glyphs draw as '?', which changes no layout rule tested here).

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>

#include <imgui.h>

#include <string>
#include <vector>

#include "kiosk/core/app_state.h"
#include "kiosk/ui/attract_screen.h"
#include "kiosk/ui/catalog_screen.h"
#include "kiosk/ui/debrief_screen.h"
#include "kiosk/ui/feedback_screen.h"
#include "kiosk/ui/runner_screen.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"
#include "scenarios/loader.h"
#include "screen_driver.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

class Kiosk : public test::ScreenDriver {
 public:
  explicit Kiosk(ImVec2 display) : ScreenDriver(display) {
    ContentSet c = load_content(content_dir);
    state.scenarios = std::move(c.scenarios);
    load_ui_strings(ui_strings_path(content_dir), state.strings);
    state.clock = &clock;
    refresh_catalog(state);
  }

  // update() alone: no records behind these screens.
  void act(const Action& a) override { record(update(state, a)); }

  void record(std::vector<Effect> fx) {
    for (Effect& e : fx) effects.push_back(std::move(e));
  }

  std::vector<Effect> effects;
};

void play_by_taps(Kiosk& k, AutoMode mode) {
  AutoPlayer player(k.state.attempt->scenario, mode);
  for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
    k.clock.advance_ms(4'000);
    for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
  }
}

}  // namespace

TEST_CASE("tapping a catalog card then the runner widgets plays a scenario to a passed debrief", "[play]") {
  Kiosk k(ImVec2(1920, 1080));
  k.tap("card.preauth_checkout_no_pan");
  REQUIRE(k.state.screen == ScreenId::runner);
  play_by_taps(k, AutoMode::best);
  REQUIRE(k.state.screen == ScreenId::debrief);
  CHECK(k.state.attempt->runner.result().passed);
  // The terminal twin printed the completion slip, with the card number masked.
  REQUIRE(k.state.attempt->receipts.size() > k.state.attempt->history_receipt_count);
  k.tap("back_catalog");
  CHECK(k.state.screen == ScreenId::catalog);
}

TEST_CASE("every shipped scenario's best path keyed by hand on the twin passes", "[play]") {
  for (const ImVec2 size : {ImVec2(1280, 800), ImVec2(1920, 1080)}) {
    Kiosk k(size);
    REQUIRE_FALSE(k.state.scenarios.empty());
    for (const Scenario& sc : k.state.scenarios) {
      INFO(sc.id << " at " << size.x << "x" << size.y);
      k.act(OpenScenario{sc.id});
      REQUIRE(k.state.screen == ScreenId::runner);
      int keys = 0;
      AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
      for (int n = 0; n < 200 && k.state.screen != ScreenId::debrief; ++n) {
        k.clock.advance_ms(4'000);
        for (const std::string& w : test::next_widgets(k.state, player)) {
          keys += w.rfind("twin.", 0) == 0 ? 1 : 0;
          k.tap(w);  // every key, the card and the PIN pad: on screen, enabled, a touch target
        }
      }
      REQUIRE(k.state.screen == ScreenId::debrief);
      const AttemptResult& r = k.state.attempt->runner.result();
      CHECK(r.passed);
      CHECK(r.critical_errors == 0);
      const bool has_task =
          std::any_of(sc.steps.begin(), sc.steps.end(), [](const Step& st) { return st.kind == StepKind::terminal; });
      CHECK((keys > 0) == has_task);
      // Every terminal task was done from the keypad: its record carries what was keyed.
      for (const StepRecord& step : r.steps)
        if (step.kind == StepKind::terminal && !step.gave_up) CHECK_FALSE(step.keyed.empty());
      k.tap("back_catalog");
    }
  }
}

TEST_CASE("the critical path by taps at 1280x800 fails and retry starts over", "[play]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.reversal_debit_sms");
  REQUIRE(k.state.screen == ScreenId::runner);
  play_by_taps(k, AutoMode::critical);
  REQUIRE(k.state.screen == ScreenId::debrief);
  CHECK_FALSE(k.state.attempt->runner.result().passed);
  k.tap("retry");
  CHECK(k.state.screen == ScreenId::runner);
  CHECK_FALSE(k.state.attempt->runner.finished());
  CHECK(k.state.attempt->runner.step().id == k.state.attempt->scenario.start);
}

TEST_CASE("the terminal menu is disabled outside a terminal task and the hint shows its cost", "[play]") {
  Kiosk k(ImVec2(1920, 1080));
  k.tap("card.preauth_checkout_no_pan");
  k.frame(ImVec2(-1, -1), false);
  REQUIRE(k.rects.count("twin.menu") == 1);
  CHECK_FALSE(k.rects.at("twin.menu").enabled);
  k.tap("continue");
  REQUIRE(k.state.attempt->runner.step().kind == StepKind::decision);
  k.tap("hint");
  CHECK(k.state.attempt->hints.size() == 1);
  k.tap("lang");
  CHECK(k.state.lang == Lang::en);
  CHECK(k.state.screen == ScreenId::runner);
  k.tap("back");
  CHECK(k.state.screen == ScreenId::catalog);
}

TEST_CASE("the attract screen starts on a tap and idle brings it back keeping the attempt as abandoned",
          "[play][idle]") {
  Kiosk k(ImVec2(1280, 800));
  k.state.screen = ScreenId::attract;
  k.state.last_input_ms = k.clock.now_ms();
  k.tap("attract.start");
  REQUIRE(k.state.screen == ScreenId::catalog);
  k.tap("card.preauth_checkout_no_pan");
  k.tap("continue");
  REQUIRE(k.state.screen == ScreenId::runner);
  const std::size_t answered = k.state.attempt->runner.result().steps.size();

  // Idle long enough: the prompt covers the screen, and a tap on a widget under it does nothing.
  k.clock.advance_ms(k.state.idle_timeout_ms);
  k.record(update(k.state, Tick{}));
  REQUIRE(k.state.still_there);
  k.frame(ImVec2(-1, -1), false);
  REQUIRE(k.rects.count("still_there.continue") == 1);
  const std::string step = k.state.attempt->runner.step().id;
  // Copy the point first: every frame rebuilds k.rects.
  std::optional<ImVec2> under;
  for (const auto& [id, r] : k.rects)
    if (id.rfind("choice.", 0) == 0) {
      under = r.center();
      break;
    }
  REQUIRE(under);
  k.frame(*under, false);
  k.frame(*under, true);
  k.frame(*under, false);
  CHECK(k.state.attempt->runner.step().id == step);
  CHECK(k.state.still_there);

  // "I'm here" keeps the attempt.
  k.tap("still_there.continue");
  CHECK_FALSE(k.state.still_there);
  CHECK(k.state.screen == ScreenId::runner);

  // Idle again, and no answer to the prompt: signed out, the attempt kept as abandoned.
  k.effects.clear();
  k.clock.advance_ms(k.state.idle_timeout_ms);
  k.record(update(k.state, Tick{}));
  REQUIRE(k.state.still_there);
  k.clock.advance_ms(k.state.still_there_ms);
  k.record(update(k.state, Tick{}));
  CHECK(k.state.screen == ScreenId::attract);
  CHECK_FALSE(k.state.attempt);
  CHECK_FALSE(k.state.still_there);
  std::size_t abandoned = 0;
  for (const Effect& e : k.effects) {
    if (const auto* ab = std::get_if<AttemptAbandoned>(&e)) {
      ++abandoned;
      CHECK(ab->result.scenario_id == "preauth_checkout_no_pan");
      CHECK_FALSE(ab->result.finished);
      CHECK(ab->result.steps.size() == answered);
    }
  }
  CHECK(abandoned == 1);
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("attract.start") == 1);
}

TEST_CASE("the attract screen and the prompt use only shipped strings", "[play][idle]") {
  Kiosk k(ImVec2(1920, 1080));
  for (const std::string& key : attract_string_keys()) {
    INFO(key);
    CHECK(k.state.strings.contains(key));
  }
}
