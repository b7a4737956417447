// The play screens (runner, feedback, debrief) driven through Dear ImGui with no renderer: a
// trainee's taps are injected with io.MousePos / io.MouseDown[] before ImGui::NewFrame (the 1.86
// API) at the centre of the widget with a given stable ID, the screens' actions go through
// update(), and the assertions are on the state. The default ImGui font stands in for the CJK
// font (missing glyphs draw as '?', which changes no layout rule tested here).

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <optional>

#include <imgui.h>

#include <string>
#include <vector>

#include "kiosk/core/answer_view.h"
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
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

class Kiosk : public test::ScreenDriver {
 public:
  explicit Kiosk(ImVec2 display) : ScreenDriver(display) {
    ContentSet c = posdrill::test::shipped_set();
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

// From the drill just opened, taps the best answers up to its first terminal task.
void play_to_first_task(Kiosk& k) {
  AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
  for (int n = 0;
       n < 20 && !(k.state.screen == ScreenId::runner && k.state.attempt->runner.step().kind == StepKind::terminal);
       ++n) {
    k.clock.advance_ms(4'000);
    for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
  }
}

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

TEST_CASE("the feedback after a terminal task shows the terminal's last screen, the debrief the points",
          "[play][feedback]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.void_same_day");
  REQUIRE(k.state.screen == ScreenId::runner);
  AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
  bool seen_task_feedback = false;
  for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
    k.clock.advance_ms(4'000);
    for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
    if (k.state.screen != ScreenId::feedback) continue;
    const StepRecord* r = k.state.attempt->runner.last_answer();
    REQUIRE(r);
    // The box is there after a terminal task only: a decision has no terminal result to read.
    CHECK(k.on_screen("feedback.terminal_showed") == (r->kind == StepKind::terminal));
    if (r->kind == StepKind::terminal) {
      seen_task_feedback = true;
      const Screen& shown = k.state.attempt->task_screen;
      REQUIRE_FALSE(shown.lines.empty());
      CHECK(shown.lines.front().zh == "交易成功");
    }
  }
  CHECK(seen_task_feedback);
  REQUIRE(k.state.screen == ScreenId::debrief);
  CHECK(k.on_screen("debrief.points_of"));
}

TEST_CASE("the debrief shows the best answer under every decision not answered best", "[play][debrief]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.preauth_checkout_no_pan");
  REQUIRE(k.state.screen == ScreenId::runner);
  play_by_taps(k, AutoMode::critical);
  REQUIRE(k.state.screen == ScreenId::debrief);
  k.frame(ImVec2(-1, -1), false);
  int shown = 0;
  for (const StepRecord& r : k.state.attempt->runner.result().steps) {
    if (r.kind != StepKind::decision || r.points == r.max_points) continue;
    const AnswerView v = answer_view(k.state.attempt->scenario, r);
    REQUIRE(v.best);
    CHECK(v.best->points == r.max_points);
    CHECK(k.rects.count("debrief.best." + r.step_id + "." + v.best->id) == 1);
    ++shown;
  }
  CHECK(shown > 0);
}

TEST_CASE("at a void task the give-up button stays put when the supervisor button has been used",
          "[play][twin]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.void_same_day");
  play_to_first_task(k);
  REQUIRE(k.state.attempt->runner.step().task == TerminalOp::void_sale);
  REQUIRE(k.on_screen("give_up"));
  const ImVec2 before = k.rects.at("give_up").min;
  k.tap("twin.menu");
  k.tap("twin.2");
  REQUIRE(k.state.attempt->wants_supervisor);
  REQUIRE(k.on_screen("give_up"));
  CHECK(k.rects.at("give_up").min.y == before.y);
  k.tap("twin.supervisor");
  CHECK_FALSE(k.state.attempt->wants_supervisor);
  REQUIRE(k.on_screen("give_up"));
  CHECK(k.rects.at("give_up").min.y == before.y);  // the 主管 button kept its place, dimmed
}

TEST_CASE("the twin's card is inserted, tapped or swiped, and the terminal answers each", "[play][twin]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.chip_read_failure");
  play_to_first_task(k);
  REQUIRE(k.state.attempt->runner.step().task == TerminalOp::sale);
  const Attempt& a = *k.state.attempt;
  k.tap("twin.menu");
  k.tap("twin.1");
  for (char c : std::to_string(a.scenario.setup.amount_minor))
    k.tap("twin." + std::string(1, c));  // this attempt's figures
  k.tap("twin.enter");
  REQUIRE(a.wants_card);
  // The worn chip: 读卡失败, and the terminal still asks for the card.
  k.tap("twin.card");
  CHECK(a.terminal_screen.headline().zh == "读卡失败");
  CHECK(a.wants_card);
  // A chip card swiped: asked to insert it, nothing sent.
  k.tap("twin.swipe");
  CHECK(a.terminal_screen.headline().zh == "IC卡请插卡");
  CHECK(a.wants_card);
  // Tapped: read; within CNY 1000 (every set of figures) no PIN is asked, and the sale is approved.
  k.tap("twin.tap");
  CHECK_FALSE(a.wants_card);
  CHECK_FALSE(a.wants_pin);
  CHECK(a.terminal_screen.headline().zh == "交易成功");
  const StepRecord* task = a.runner.last_answer();
  REQUIRE(task);
  CHECK(task->kind == StepKind::terminal);
  CHECK(task->points == 15);
  CHECK(std::any_of(task->keyed.begin(), task->keyed.end(), [](const KeyedInput& in) { return in.input == "tap"; }));
}

TEST_CASE("the feedback after a task names the screens the exchange flashed by, 自动冲正 among them",
          "[play][twin][feedback]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.reversal_debit_sms");
  REQUIRE(k.state.screen == ScreenId::runner);
  AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
  bool seen = false;
  for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief && !seen; ++n) {
    k.clock.advance_ms(4'000);
    for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
    if (k.state.screen != ScreenId::feedback) continue;
    const Attempt& a = *k.state.attempt;
    const bool reversed = std::any_of(a.passing.begin(), a.passing.end(), [](const Screen& s) {
      return std::any_of(s.lines.begin(), s.lines.end(), [](const Text& l) { return l.zh == "自动冲正…"; });
    });
    if (!reversed) continue;
    // The story's task said to watch for it; the task ended on the balance, so the feedback says
    // it flashed by.
    seen = true;
    CHECK(k.on_screen("feedback.terminal_passed"));
    CHECK(k.on_screen("feedback.terminal_showed"));
    // They belong to this task: the next one, given up without a key, shows none of them.
    k.tap("feedback.continue");
    CHECK(a.passing.empty());
  }
  CHECK(seen);
}

TEST_CASE("going over a question's time limit is told on its feedback, with the cost", "[play][feedback]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.wrong_pin_tries_exceeded");
  REQUIRE(k.state.screen == ScreenId::runner);
  REQUIRE(k.state.attempt->scenario.overtime_penalty > 0);
  AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
  const auto at_timed_question = [&] {
    const Step& s = k.state.attempt->runner.step();
    return k.state.screen == ScreenId::runner && s.kind == StepKind::decision && s.time_limit_s > 0;
  };
  for (int n = 0; n < 30 && !at_timed_question(); ++n) {
    k.clock.advance_ms(1'000);
    for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
  }
  REQUIRE(at_timed_question());
  k.clock.advance_ms(int64_t(k.state.attempt->runner.step().time_limit_s) * 1000 + 1'000);
  for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
  REQUIRE(k.state.screen == ScreenId::feedback);
  REQUIRE(k.state.attempt->runner.last_answer()->overtime);
  CHECK(k.on_screen("feedback.overtime"));
}

TEST_CASE("the feedback shows what the trainee's keying left on the terminal, not the story's next act",
          "[play][twin][feedback]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.chip_read_failure");
  play_to_first_task(k);
  const Attempt& a = *k.state.attempt;
  // Ten times the amount: over CNY 1000, so the tap asks for the PIN; approved, wrongly.
  k.tap("twin.menu");
  k.tap("twin.1");
  for (char c : std::to_string(a.scenario.setup.amount_minor * 10)) k.tap("twin." + std::string(1, c));
  k.tap("twin.enter");
  k.tap("twin.tap");
  REQUIRE(a.wants_pin);
  k.tap("twin.pin");
  REQUIRE(k.state.screen == ScreenId::feedback);
  // The story's manager has voided it since (the terminal shows the void); the feedback still
  // shows the trainee's own sale.
  CHECK(a.terminal_screen.title.zh == "消费撤销");
  CHECK(a.task_screen.title.zh == "消费");
  CHECK(a.task_screen.headline().zh == "交易成功");
  const std::string ten_times = format_amount(a.scenario.setup.amount_minor * 10);
  CHECK(std::any_of(a.task_screen.lines.begin(), a.task_screen.lines.end(),
                    [&](const Text& l) { return l.zh.find(ten_times) != std::string::npos; }));
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
          // What the terminal asks the customer for is wholly in view when it asks, not cut at
          // the bottom of the story column (a scroll asked for in one frame lands in the next).
          if (w == "twin.card" || w == "twin.tap" || w == "twin.swipe" || w == "twin.pin") {
            k.frame(ImVec2(-1, -1), false);
            INFO(w);
            REQUIRE(k.rects.count(w) == 1);
            CHECK(k.rects.at(w).fully_visible());
          }
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

TEST_CASE("a new debrief opens at its top, whatever the last one was scrolled to", "[play][debrief]") {
  Kiosk k(ImVec2(1280, 800));
  auto to_debrief = [&](const char* card) {
    k.tap(card);
    REQUIRE(k.state.screen == ScreenId::runner);
    play_by_taps(k, AutoMode::critical);
    REQUIRE(k.state.screen == ScreenId::debrief);
    k.frame(ImVec2(-1, -1), false);
    k.frame(ImVec2(-1, -1), false);  // a scroll set in one frame shows in the next
  };
  to_debrief("card.reversal_debit_sms");
  REQUIRE(k.rects.count("debrief.points_of") == 1);
  REQUIRE(k.rects.at("debrief.points_of").any_visible());
  // A finger drags the debrief up until its score is out of sight.
  const ImVec2 from(640.0f, 600.0f);
  k.frame(from, true);
  for (int y = 600; y >= 100; y -= 50) k.frame(ImVec2(640.0f, float(y)), true);
  k.frame(ImVec2(640.0f, 100.0f), false);
  k.frame(ImVec2(-1, -1), false);
  REQUIRE_FALSE(k.rects.at("debrief.points_of").any_visible());
  k.tap("back_catalog");
  to_debrief("card.sign_on_again");
  REQUIRE(k.rects.count("debrief.points_of") == 1);
  CHECK(k.rects.at("debrief.points_of").any_visible());
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
  // Leaving half-way asks first; "keep playing" changes nothing.
  k.tap("back");
  CHECK(k.state.screen == ScreenId::runner);
  REQUIRE(k.state.confirming == ConfirmKind::leave_drill);
  REQUIRE(k.on_screen("confirm.yes"));
  k.tap("confirm.no");
  CHECK_FALSE(k.state.confirming);
  CHECK(k.state.screen == ScreenId::runner);
  CHECK(k.state.attempt);
  k.tap("back");
  k.tap("confirm.yes");
  CHECK(k.state.screen == ScreenId::catalog);
}

TEST_CASE("the confirmation panel's buttons are touch targets a finger can tell apart", "[play][touch]") {
  for (ImVec2 size : {ImVec2(1280, 800), ImVec2(1920, 1080)}) {
    Kiosk k(size);
    k.tap("card.preauth_checkout_no_pan");
    k.tap("back");
    k.frame(ImVec2(-1, -1), false);
    REQUIRE(k.rects.count("confirm.yes") == 1);
    const WidgetRect yes = k.rects.at("confirm.yes");
    const WidgetRect no = k.rects.at("confirm.no");
    for (const WidgetRect& r : {yes, no}) {
      CHECK(r.max.x - r.min.x >= k.theme.metrics.touch_px - 0.5f);
      CHECK(r.max.y - r.min.y >= k.theme.metrics.touch_px - 0.5f);
    }
    CHECK(no.min.x - yes.max.x >= 12.0f);
    // The panel takes every tap: the header's back button under it does nothing.
    k.tap("back", true);
    CHECK(k.state.confirming == ConfirmKind::leave_drill);
    CHECK(k.state.screen == ScreenId::runner);
  }
}

TEST_CASE("skipping a terminal task asks first, and a second tap does not skip it", "[play][touch]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.preauth_checkout_no_pan");
  // The best path, tapped, up to the first terminal task.
  AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
  for (int n = 0; n < 20 && (k.state.screen != ScreenId::runner ||
                             k.state.attempt->runner.step().kind != StepKind::terminal);
       ++n)
    for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
  REQUIRE(k.state.screen == ScreenId::runner);
  REQUIRE(k.state.attempt->runner.step().kind == StepKind::terminal);
  const std::string task = k.state.attempt->runner.step().id;
  k.tap("give_up");
  REQUIRE(k.state.confirming == ConfirmKind::give_up);
  // A hurried second tap where the button was lands on the panel, which takes it: nothing skipped.
  k.tap("give_up", true);
  CHECK(k.state.confirming == ConfirmKind::give_up);
  CHECK(k.state.attempt->runner.step().id == task);
  k.tap("confirm.no");
  CHECK_FALSE(k.state.confirming);
  CHECK(k.state.attempt->runner.step().id == task);
  const auto record_of_task = [&]() -> const StepRecord* {
    for (const StepRecord& r : k.state.attempt->runner.result().steps)
      if (r.step_id == task) return &r;
    return nullptr;
  };
  CHECK_FALSE(record_of_task());  // nothing recorded for it
  k.tap("give_up");
  k.tap("confirm.yes");
  CHECK_FALSE(k.state.confirming);
  CHECK(k.state.attempt->runner.step().id != task);
  const StepRecord* rec = record_of_task();
  REQUIRE(rec);
  CHECK(rec->gave_up);
  CHECK(rec->points == 0);
}

TEST_CASE("giving up is asked about only at a terminal task", "[play]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("card.preauth_checkout_no_pan");
  const auto fx = update(k.state, AskToConfirm{ConfirmKind::give_up});  // the intro is a narrative
  REQUIRE(fx.size() == 1);
  CHECK(std::holds_alternative<Ignored>(fx.front()));
  CHECK_FALSE(k.state.confirming);
}

TEST_CASE("leaving asks only while the attempt is unfinished", "[play]") {
  Kiosk k(ImVec2(1280, 800));
  update(k.state, OpenScenario{"preauth_checkout_no_pan"});
  REQUIRE(k.state.attempt);
  CHECK(update(k.state, AskToConfirm{ConfirmKind::leave_drill}).empty());
  CHECK(k.state.confirming == ConfirmKind::leave_drill);  // unfinished: asks
  update(k.state, ConfirmAnswer{true});
  CHECK(k.state.screen == ScreenId::catalog);
  update(k.state, AskToConfirm{ConfirmKind::leave_drill});  // no attempt: leaves at once
  CHECK_FALSE(k.state.confirming);
}

TEST_CASE("the attract screen starts on a tap and idle brings it back keeping the attempt as abandoned",
          "[play][idle]") {
  Kiosk k(ImVec2(1280, 800));
  k.state.screen = ScreenId::attract;
  k.state.last_input_ms = k.clock.now();
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

namespace {

// The first decision (in play order along the best path) that offers a non-critical choice worth
// less than the best one; plays up to it by taps. Returns that choice's id, "" when none exists.
std::string play_to_a_lesser_choice(Kiosk& k, const std::string& scenario_id) {
  k.tap("card." + scenario_id);
  AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
  for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
    k.clock.advance_ms(4'000);
    if (k.state.screen == ScreenId::runner && k.state.attempt->runner.step().kind == StepKind::decision) {
      const Step& step = k.state.attempt->runner.step();
      int best = 0;
      for (const Choice& c : step.choices) best = std::max(best, c.points);
      for (const Choice* c : k.state.attempt->runner.shown_choices())
        if (!c->critical && c->points < best) return c->id;
    }
    for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
  }
  return "";
}

}  // namespace

TEST_CASE("a lesser answer is told apart at a glance and the right choice is shown", "[play][feedback]") {
  // The first scenario (content order) with such a choice; each try gets a fresh kiosk.
  std::unique_ptr<Kiosk> kiosk;
  std::string lesser;
  for (std::size_t i = 0; lesser.empty(); ++i) {
    kiosk = std::make_unique<Kiosk>(ImVec2(1280, 800));
    REQUIRE(i < kiosk->state.scenarios.size());
    lesser = play_to_a_lesser_choice(*kiosk, kiosk->state.scenarios[i].id);
  }
  Kiosk& k = *kiosk;
  // The progress line stands beside the timer on a decision.
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("runner.progress") == 1);
  const PlayProgress before = play_progress(*k.state.attempt);
  CHECK(before.at >= 1);
  CHECK(before.total >= before.at);
  const bool hint = k.on_screen("hint") && k.rects.at("hint").enabled;
  if (hint) {
    k.tap("hint");
    INFO("hint at y " << k.rects.at("hint").min.y << ".." << k.rects.at("hint").max.y);
    CHECK(k.state.attempt->hints.size() == 1);
  }
  k.tap("choice." + lesser);
  REQUIRE(k.state.screen == ScreenId::feedback);
  k.frame(ImVec2(-1, -1), false);
  const StepRecord& r = *k.state.attempt->runner.last_answer();
  const AnswerView v = answer_view(k.state.attempt->scenario, r);
  CHECK(v.verdict != Verdict::right);
  CHECK(k.rects.count(verdict_key(v.verdict)) == 1);
  CHECK(k.rects.count("answer.right") == 0);
  REQUIRE(v.best);
  CHECK(v.best->points > r.points);
  CHECK(k.rects.count("answer.best." + v.best->id) == 1);
  CHECK(v.net == std::max(0, r.points - r.hint_cost));
  CHECK(v.hint_cost == r.hint_cost);
  if (hint) CHECK(r.hints_taken.size() == 1);
  // Right and wrong never share a colour.
  CHECK(verdict_colour(Verdict::right) != verdict_colour(v.verdict));
}

TEST_CASE("answer views give the verdict and the net points and the best shown choice", "[play][feedback]") {
  Scenario sc;
  Step step;
  step.id = "ask";
  step.kind = StepKind::decision;
  const auto choice = [](const char* id, int points, bool critical) {
    Choice c;
    c.id = id;
    c.points = points;
    c.critical = critical;
    return c;
  };
  const Choice best = choice("best", 10, false), half = choice("half", 5, false), none = choice("none", 0, false),
               bad = choice("bad", 10, true);
  step.choices = {none, half, bad, best};
  sc.steps = {step};
  StepRecord r;
  r.step_id = "ask";
  r.kind = StepKind::decision;
  r.max_points = 10;
  r.shown_choices = {"best", "half", "none", "bad"};

  r.choice_id = "best";
  r.points = 10;
  r.hint_cost = 2;
  AnswerView v = answer_view(sc, r);
  CHECK(v.verdict == Verdict::right);
  CHECK(v.net == 8);
  CHECK(v.best == nullptr);

  r.choice_id = "half";
  r.points = 5;
  r.hint_cost = 0;
  v = answer_view(sc, r);
  CHECK(v.verdict == Verdict::partly);
  REQUIRE(v.best);
  CHECK(v.best->id == "best");  // the critical one is worth 10 too, but never "right"

  // Some points, but less than half: not right, even in part.
  r.points = 4;
  v = answer_view(sc, r);
  CHECK(v.verdict == Verdict::wrong);
  CHECK(v.net == 4);

  r.choice_id = "none";
  r.points = 0;
  r.hint_cost = 3;
  v = answer_view(sc, r);
  CHECK(v.verdict == Verdict::wrong);
  CHECK(v.net == 0);  // never below zero

  r.choice_id = "bad";
  r.points = 10;
  r.critical = true;
  v = answer_view(sc, r);
  CHECK(v.verdict == Verdict::critical);
  REQUIRE(v.best);
  CHECK(v.best->id == "best");
}

TEST_CASE("the twin shows the screens an exchange passes through one after another, then where it ended",
          "[play][twin]") {
  Kiosk k(ImVec2(1280, 800));
  int animated = 0;
  for (const Scenario& sc : k.state.scenarios) {
    INFO(sc.id);
    k.act(OpenScenario{sc.id});
    AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
    for (int n = 0; n < 200 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      for (const std::string& w : test::next_widgets(k.state, player)) {
        k.tap(w);
        if (!k.state.attempt || k.state.attempt->passing.empty()) continue;
        const Attempt& a = *k.state.attempt;
        const MonoTime from = a.passing_from_ms;
        ++animated;
        // Each passed-through screen for its time, in order, then the screen the terminal is on.
        for (std::size_t i = 0; i < a.passing.size(); ++i) {
          const MonoTime at = from + static_cast<int64_t>(i) * passing_screen_ms;
          CHECK(shown_terminal_screen(a, at).title.zh == a.passing[i].title.zh);
          CHECK(shown_terminal_screen(a, at + passing_screen_ms - 1).title.zh == a.passing[i].title.zh);
          CHECK(terminal_screen_change_in_ms(a, at) == passing_screen_ms);
        }
        const MonoTime end = from + static_cast<int64_t>(a.passing.size()) * passing_screen_ms;
        CHECK(&shown_terminal_screen(a, end) == &a.terminal_screen);
        CHECK(terminal_screen_change_in_ms(a, end) == -1);
        // What the twin animates is what the record says the exchange passed through.
        const std::vector<KeyedInput>* keyed = &a.runner.pending_inputs();
        // The task just ended: its record holds them (later records may follow it).
        for (auto r = a.runner.result().steps.rbegin(); keyed->empty() && r != a.runner.result().steps.rend(); ++r)
          if (r->kind == StepKind::terminal) keyed = &r->keyed;
        REQUIRE_FALSE(keyed->empty());
        REQUIRE(keyed->back().passed.size() == a.passing.size());
        for (std::size_t i = 0; i < a.passing.size(); ++i)
          CHECK(keyed->back().passed[i].zh.rfind(a.passing[i].title.zh, 0) == 0);
      }
    }
    k.tap("back_catalog");
  }
  CHECK(animated > 0);  // online exchanges in the shipped scenarios pass through 处理中…
}
