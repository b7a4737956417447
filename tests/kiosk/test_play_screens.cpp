// The play screens (runner, feedback, debrief) driven through Dear ImGui with no renderer: a
// trainee's taps are injected with io.MousePos / io.MouseDown[] before ImGui::NewFrame (the 1.86
// API) at the centre of the widget with a given stable ID, the screens' actions go through
// update(), and the assertions are on the state. The default ImGui font stands in for the CJK
// font (missing glyphs draw as '?', which changes no layout rule tested here).

#include <catch2/catch.hpp>

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

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

class Kiosk {
 public:
  explicit Kiosk(ImVec2 display) {
    ctx_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = display;
    io.DeltaTime = 1.0f / 60.0f;
    theme.metrics = theme_metrics(display.y);
    apply_theme_style(theme.metrics, ImGui::GetStyle());
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    set_widget_rects(&rects);

    ContentSet c = load_content(content_dir);
    state.scenarios = std::move(c.scenarios);
    load_ui_strings(ui_strings_path(content_dir), state.strings);
    state.clock = &clock;
    refresh_catalog(state);
  }
  ~Kiosk() {
    set_widget_rects(nullptr);
    ImGui::DestroyContext(ctx_);
  }
  Kiosk(const Kiosk&) = delete;
  Kiosk& operator=(const Kiosk&) = delete;

  void frame(ImVec2 pos, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = pos;
    io.MouseDown[0] = down;
    rects.clear();
    std::vector<Action> actions;
    const Dispatch dispatch = [&actions](const Action& a) { actions.push_back(a); };
    if (down) record(update(state, UserInput{}));  // as the platform does for every press
    ImGui::NewFrame();
    draw_screens(state, theme, screens_ui, dispatch);
    ImGui::Render();
    for (const Action& a : actions) {
      ++dispatched;
      record(update(state, a));
    }
  }

  void record(std::vector<Effect> fx) {
    for (Effect& e : fx) effects.push_back(std::move(e));
  }

  // Taps the widget `id` as a finger would; fails the test when it is not on screen or disabled.
  void tap(const std::string& id) {
    frame(ImVec2(-1, -1), false);  // a frame with the current screen to learn where things are
    const auto it = rects.find(id);
    INFO("widget " << id);
    REQUIRE(it != rects.end());
    REQUIRE(it->second.enabled);
    const ImVec2 c = it->second.center();
    // Every target is at least a touch target high and visible inside the display.
    CHECK(it->second.max.y - it->second.min.y >= theme.metrics.touch_px - 0.5f);
    CHECK(c.y < ImGui::GetIO().DisplaySize.y);
    frame(c, false);
    frame(c, true);
    frame(c, false);
  }

  FakeClock clock{0};
  AppState state;
  Theme theme;
  WidgetRects rects;
  ScreensUiState screens_ui;
  int dispatched = 0;
  std::vector<Effect> effects;

 private:
  ImGuiContext* ctx_ = nullptr;
};

// The widget a trainee following `mode` taps next.
std::string next_widget(const Kiosk& k, const AutoPlayer& player) {
  if (k.state.screen == ScreenId::feedback) return "feedback.continue";
  const Attempt& a = *k.state.attempt;
  const AutoAction act = player.next(a.runner, a.last_lookup ? &*a.last_lookup : nullptr);
  switch (act.kind) {
    case AutoAction::advance:
      return "continue";
    case AutoAction::choose:
      return "choice." + act.choice_id;
    case AutoAction::terminal:
      return "op." + std::string(terminal_op_name(act.request.op));
  }
  return {};
}

void play_by_taps(Kiosk& k, AutoMode mode) {
  AutoPlayer player(k.state.attempt->scenario, mode);
  for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
    k.clock.advance_ms(4'000);
    k.tap(next_widget(k, player));
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
  REQUIRE(k.rects.count("op.sale") == 1);
  CHECK_FALSE(k.rects.at("op.sale").enabled);
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
