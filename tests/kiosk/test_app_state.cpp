// The kiosk's core played through update() alone: every shipped scenario's best path reaches a
// passed debrief and its critical path a failed one, with choices and terminal operations sent
// as the actions the screens would send. Time is a FakeClock, so every run is the same.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "kiosk/core/app_state.h"
#include "kiosk/core/glyphs.h"
#include "scenarios/loader.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

struct Loaded {
  FakeClock clock{1'000'000};
  AppState state;
  Loaded() {
    ContentSet c = load_content(content_dir);
    REQUIRE(c.errors.empty());
    state.scenarios = std::move(c.scenarios);
    load_ui_strings(ui_strings_path(content_dir), state.strings);
    state.clock = &clock;
    refresh_catalog(state);
  }
};

// Plays the open attempt to the debrief as `mode` would, through actions only. Returns the
// number of actions sent.
int play(AppState& st, FakeClock& clock, AutoMode mode) {
  AutoPlayer player(st.attempt->scenario, mode);
  int n = 0;
  while (st.screen != ScreenId::debrief && n < 200) {
    ++n;
    clock.advance_ms(5'000);
    std::vector<Effect> fx;
    if (st.screen == ScreenId::feedback) {
      fx = update(st, Continue{});
    } else {
      REQUIRE(st.screen == ScreenId::runner);
      const Attempt& a = *st.attempt;
      const AutoAction act = player.next(a.runner, a.last_lookup ? &*a.last_lookup : nullptr);
      if (act.kind == AutoAction::advance)
        fx = update(st, Continue{});
      else if (act.kind == AutoAction::choose)
        fx = update(st, Choose{act.choice_id});
      else
        fx = update(st, DoTerminalOp{act.request.op});
    }
    for (const Effect& e : fx) CHECK_FALSE(std::holds_alternative<Ignored>(e));
  }
  return n;
}

}  // namespace

TEST_CASE("every shipped scenario played by its best path passes", "[app_state]") {
  Loaded l;
  REQUIRE(!l.state.scenarios.empty());
  for (const Scenario& sc : l.state.scenarios) {
    INFO(sc.id);
    update(l.state, OpenScenario{sc.id});
    REQUIRE(l.state.screen == ScreenId::runner);
    play(l.state, l.clock, AutoMode::best);
    REQUIRE(l.state.screen == ScreenId::debrief);
    const AttemptResult& r = l.state.attempt->runner.result();
    CHECK(r.finished);
    CHECK(r.passed);
    CHECK(r.critical_errors == 0);
    update(l.state, BackToCatalog{});
    CHECK(l.state.screen == ScreenId::catalog);
    CHECK_FALSE(l.state.attempt);
  }
}

TEST_CASE("every shipped scenario played by its critical path fails", "[app_state]") {
  Loaded l;
  for (const Scenario& sc : l.state.scenarios) {
    INFO(sc.id);
    update(l.state, OpenScenario{sc.id});
    play(l.state, l.clock, AutoMode::critical);
    REQUIRE(l.state.screen == ScreenId::debrief);
    const AttemptResult& r = l.state.attempt->runner.result();
    CHECK_FALSE(r.passed);
    CHECK(r.critical_errors > 0);
    CHECK_FALSE(mistakes(r).empty());
    update(l.state, BackToCatalog{});
  }
}

TEST_CASE("retry starts the same scenario again with a new seed", "[app_state]") {
  Loaded l;
  const std::string id = l.state.scenarios.front().id;
  update(l.state, OpenScenario{id});
  play(l.state, l.clock, AutoMode::critical);
  const uint64_t seed = l.state.seed;
  update(l.state, Retry{});
  CHECK(l.state.screen == ScreenId::runner);
  REQUIRE(l.state.attempt);
  CHECK(l.state.attempt->scenario.id == id);
  CHECK_FALSE(l.state.attempt->runner.finished());
  CHECK(l.state.attempt->runner.step().id == l.state.attempt->scenario.start);
  CHECK(l.state.seed == seed + 1);
}

TEST_CASE("stale or misplaced actions change nothing and say why", "[app_state]") {
  Loaded l;
  auto ignored = [](const std::vector<Effect>& fx) {
    return fx.size() == 1 && std::holds_alternative<Ignored>(fx.front());
  };
  CHECK(ignored(update(l.state, Choose{"x"})));
  CHECK(ignored(update(l.state, Continue{})));
  CHECK(ignored(update(l.state, OpenScenario{"no_such_scenario"})));
  CHECK(l.state.screen == ScreenId::catalog);
  update(l.state, OpenScenario{"preauth_checkout_no_pan"});
  REQUIRE(l.state.screen == ScreenId::runner);
  // The intro is a narrative: no choice, no terminal operation, no give-up fits it.
  CHECK(ignored(update(l.state, Choose{"find_in_list"})));
  CHECK(ignored(update(l.state, DoTerminalOp{TerminalOp::sale})));
  CHECK(ignored(update(l.state, GiveUp{})));
  CHECK(ignored(update(l.state, Retry{})));
  CHECK(l.state.attempt->runner.step().id == "intro");
}

TEST_CASE("a hint is recorded with its cost and the language switch rebuilds the catalog", "[app_state]") {
  Loaded l;
  update(l.state, OpenScenario{"preauth_checkout_no_pan"});
  update(l.state, Continue{});
  REQUIRE(l.state.attempt->runner.step().kind == StepKind::decision);
  CHECK(update(l.state, TakeHint{}).empty());
  CHECK(l.state.attempt->hints.size() == 1);
  const std::vector<Effect> fx = update(l.state, SetLang{Lang::en});
  REQUIRE(fx.size() == 1);
  CHECK(std::holds_alternative<LanguageChanged>(fx.front()));
  CHECK(l.state.catalog.lang == Lang::en);
  CHECK(l.state.screen == ScreenId::runner);  // switching language never loses the attempt
}

TEST_CASE("the step timer follows the injected clock", "[app_state]") {
  Loaded l;
  update(l.state, OpenScenario{"preauth_checkout_no_pan"});
  CHECK(step_elapsed_ms(l.state) == 0);
  l.clock.advance_ms(61'500);
  CHECK(step_elapsed_ms(l.state) == 61'500);
  CHECK(format_mm_ss(step_elapsed_ms(l.state)) == "01:01");
  update(l.state, Continue{});
  CHECK(step_elapsed_ms(l.state) == 0);
}

TEST_CASE("the glyph set covers the terminal twin and every play screen string", "[app_state][glyphs]") {
  Loaded l;
  // Extra texts (operator names from the records) join the set: 龘 is in no shipped text.
  const std::vector<uint32_t> glyphs = collect_kiosk_glyphs(l.state.strings, l.state.scenarios, {"龘"});
  CHECK(std::binary_search(glyphs.begin(), glyphs.end(), 0x9F98u));
  for (const std::string& key : play_string_keys()) {
    INFO(key);
    CHECK(l.state.strings.contains(key));
  }
  // The sign-in, home, first-run and console screens, and every field error the core can name.
  for (const std::string& key : records_string_keys()) {
    INFO(key);
    CHECK(l.state.strings.contains(key));
  }
  for (FieldError e : {FieldError::id_empty, FieldError::id_too_long, FieldError::id_bad_chars, FieldError::name_empty,
                       FieldError::name_too_long, FieldError::name_control, FieldError::pin_length,
                       FieldError::pin_digits, FieldError::pin_weak}) {
    INFO(field_error_key(e));
    CHECK(l.state.strings.contains(field_error_key(e)));
  }
  std::size_t texts = 0;
  for (const Scenario& sc : l.state.scenarios) {
    const std::vector<std::string> t = terminal_visible_texts(sc);
    CHECK(t.size() > 10);
    for (const std::string& s : t) {
      ++texts;
      for (uint32_t cp : decode_utf8(s)) {
        if (cp < 0x20) continue;
        INFO(sc.id << ": " << s);
        CHECK(std::binary_search(glyphs.begin(), glyphs.end(), cp));
      }
    }
  }
  CHECK(texts > 100);
}

TEST_CASE("idle sign-out asks first then keeps the unfinished attempt as abandoned", "[app_state][idle]") {
  Loaded l;
  AppState& st = l.state;
  st.screen = ScreenId::attract;
  st.last_input_ms = l.clock.now_ms();
  // The attract screen never times out.
  l.clock.advance_ms(10 * st.idle_timeout_ms);
  CHECK(update(st, Tick{}).empty());
  CHECK_FALSE(st.still_there);
  update(st, StartFromAttract{});
  REQUIRE(st.screen == ScreenId::catalog);
  update(st, OpenScenario{"preauth_checkout_no_pan"});
  update(st, Continue{});
  REQUIRE(st.screen == ScreenId::runner);

  // Input keeps it alive; a second short of the limit asks nothing.
  l.clock.advance_ms(st.idle_timeout_ms - 1'000);
  update(st, UserInput{});
  l.clock.advance_ms(st.idle_timeout_ms - 1'000);
  CHECK(update(st, Tick{}).empty());
  CHECK_FALSE(st.still_there);
  l.clock.advance_ms(1'000);
  update(st, Tick{});
  REQUIRE(st.still_there);
  CHECK(still_there_seconds_left(st) == st.still_there_ms / 1000);
  // Input alone does not answer the prompt (the tap that lands on it must not reach the screen
  // below), and the screen's own actions are refused under it.
  update(st, UserInput{});
  CHECK(st.still_there);
  const std::vector<Effect> refused = update(st, Choose{"anything"});
  REQUIRE(refused.size() == 1);
  CHECK(std::holds_alternative<Ignored>(refused[0]));

  l.clock.advance_ms(st.still_there_ms - 1);
  CHECK(update(st, Tick{}).empty());
  CHECK(still_there_seconds_left(st) == 1);
  l.clock.advance_ms(1);
  const std::vector<Effect> fx = update(st, Tick{});
  CHECK(st.screen == ScreenId::attract);
  CHECK_FALSE(st.attempt);
  CHECK_FALSE(st.still_there);
  REQUIRE(fx.size() == 1);
  const auto* ab = std::get_if<AttemptAbandoned>(&fx[0]);
  REQUIRE(ab);
  CHECK(ab->result.scenario_id == "preauth_checkout_no_pan");
  CHECK_FALSE(ab->result.finished);
  CHECK_FALSE(ab->result.passed);
  CHECK(ab->result.ended_ms == l.clock.now_ms());
}

TEST_CASE("idle sign-out from the catalog or after a debrief records nothing", "[app_state][idle]") {
  Loaded l;
  AppState& st = l.state;
  st.last_input_ms = l.clock.now_ms();
  update(st, OpenScenario{"reversal_debit_sms"});
  play(st, l.clock, AutoMode::best);
  REQUIRE(st.screen == ScreenId::debrief);
  update(st, UserInput{});
  l.clock.advance_ms(st.idle_timeout_ms);
  update(st, Tick{});
  l.clock.advance_ms(st.still_there_ms);
  const std::vector<Effect> fx = update(st, Tick{});
  CHECK(fx.empty());  // AttemptFinished went out when the debrief opened
  CHECK(st.screen == ScreenId::attract);
  CHECK(update(st, StillHere{}).size() == 1);  // no prompt: ignored
}

TEST_CASE("leaving a drill half-way keeps the attempt as abandoned", "[app_state]") {
  Loaded l;
  AppState& st = l.state;
  update(st, OpenScenario{"reversal_debit_sms"});
  REQUIRE(st.attempt);
  update(st, Continue{});  // past the opening narrative, if any
  l.clock.advance_ms(5'000);
  const std::vector<Effect> fx = update(st, BackToCatalog{});
  REQUIRE(fx.size() == 1);
  const auto* ab = std::get_if<AttemptAbandoned>(&fx[0]);
  REQUIRE(ab);
  CHECK(ab->result.scenario_id == "reversal_debit_sms");
  CHECK_FALSE(ab->result.finished);
  CHECK_FALSE(ab->result.passed);
  CHECK(st.screen == ScreenId::catalog);
  CHECK_FALSE(st.attempt);
  // From the catalog there is nothing left to report.
  CHECK(update(st, BackToCatalog{}).empty());
}
