// Figures that vary (content/README.md): a scenario's `figures:` sets, the placeholders they
// fill, the checks on both, and the seed that picks one set per attempt.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "device_bridge/emulation.h"
#include "fixtures.h"
#include "scenarios/runner.h"
#include "scenarios/transcript.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

// `from` with the first `what` replaced by `with` (which must be there).
std::string replaced(std::string from, const std::string& what, const std::string& with) {
  const auto at = from.find(what);
  REQUIRE(at != std::string::npos);
  return from.replace(at, what.size(), with);
}

const std::string figures_block =
    "figures:\n"
    "  - {amount: \"328.00\", guest: {zh: 王先生, en: Mr Wang}}\n"
    "  - {amount: \"516.00\", guest: {zh: 李女士, en: Ms Li}}\n"
    "  - {amount: \"74.50\", guest: {zh: 张先生, en: Mr Zhang}}\n";

// The small scenario with its amount and its text message's figures drawn from `block` (lines
// 9-12): the setup's amount is line 15, the text message line 26.
std::string with_figures(const std::string& block = figures_block) {
  std::string t = test::small_scenario;
  t = replaced(t, "summary: {zh: 测试用, en: For tests}\n", "summary: {zh: 测试用, en: For tests}\n" + block);
  t = replaced(t, "  amount: \"328.00\"\n", "  amount: \"{amount}\"\n");
  t = replaced(t, "sms: {zh: 扣款328.00元, en: Debited 328.00}",
               "sms: {zh: \"{guest}的卡扣款{amount}元\", en: \"{guest}'s card debited {amount}\"}");
  return t;
}

std::vector<Diagnostic> load(const std::string& text, Scenario& s) { return load_scenario_text(text, "f.yaml", s); }

std::string messages(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += d.to_string() + "\n";
  return out;
}

// The one diagnostic of `text`, as "line:column: message".
std::string only_error(const std::string& text) {
  Scenario s;
  const auto diags = load(text, s);
  INFO(messages(diags));
  REQUIRE(diags.size() == 1);
  return std::to_string(diags[0].line) + ":" + std::to_string(diags[0].column) + ": " + diags[0].message;
}

AttemptResult play_best(const Scenario& s, uint64_t seed) {
  FakeClock clock;
  EmulatedTerminalPort terminal(&clock);
  return play_auto(s, AutoMode::best, seed, terminal, clock);
}

}  // namespace

TEST_CASE("each set of figures is the whole scenario with its placeholders filled in", "[loader][figures]") {
  Scenario s;
  const auto diags = load(with_figures(), s);
  INFO(messages(diags));
  REQUIRE(diags.empty());
  REQUIRE(s.variants.size() == 3);
  CHECK(s.variant == 1);  // the scenario itself carries the first set
  CHECK(s.setup.amount_minor == 32800);
  CHECK(s.find("intro")->sms.zh == "王先生的卡扣款328.00元");

  const Scenario& second = s.variants[1];
  CHECK(second.variant == 2);
  CHECK(second.setup.amount_minor == 51600);
  CHECK(second.setup.history.at(0).amount_minor == 51600);  // the history's default follows
  CHECK(second.find("intro")->sms.zh == "李女士的卡扣款516.00元");
  CHECK(second.find("intro")->sms.en == "Ms Li's card debited 516.00");
  CHECK(s.variants[2].setup.amount_minor == 7450);
  CHECK(s.variants[2].find("intro")->sms.en == "Mr Zhang's card debited 74.50");

  // What the records compare is the same in every set; the diagnostics' positions are the file's.
  for (const Scenario& v : s.variants) {
    CHECK(v.id == s.id);
    CHECK(v.version == s.version);
    CHECK(v.content_hash == s.content_hash);
    CHECK(v.max_points == s.max_points);
    REQUIRE(v.steps.size() == s.steps.size());
    for (std::size_t i = 0; i < v.steps.size(); ++i) {
      CHECK(v.steps[i].id == s.steps[i].id);
      CHECK(v.steps[i].pos.line == s.steps[i].pos.line);
      REQUIRE(v.steps[i].choices.size() == s.steps[i].choices.size());
      for (std::size_t c = 0; c < v.steps[i].choices.size(); ++c)
        CHECK(v.steps[i].choices[c].id == s.steps[i].choices[c].id);
    }
    CHECK(v.variants.empty());
  }
}

TEST_CASE("the seed picks the set: 1 the first, 2 the second, and round again", "[figures]") {
  Scenario s;
  REQUIRE(load(with_figures(), s).empty());
  CHECK(scenario_for_seed(s, 1).variant == 1);
  CHECK(scenario_for_seed(s, 2).variant == 2);
  CHECK(scenario_for_seed(s, 3).variant == 3);
  CHECK(scenario_for_seed(s, 4).variant == 1);
  CHECK(scenario_for_seed(s, 0).variant == 3);
  CHECK(scenario_for_seed(s, UINT64_MAX).variant == int((UINT64_MAX - 1) % 3) + 1);
  // A variant is its own answer; a scenario without figures is too.
  CHECK(&scenario_for_seed(s.variants[1], 7) == &s.variants[1]);
  const Scenario plain = test::load_small();
  CHECK(plain.variants.empty());
  CHECK(plain.variant == 0);
  CHECK(&scenario_for_seed(plain, 5) == &plain);
}

TEST_CASE("two seeds give two sets of figures and the same seed the same transcript", "[runner][figures]") {
  Scenario s;
  REQUIRE(load(with_figures(), s).empty());
  const AttemptResult one = play_best(s, 1);
  const AttemptResult two = play_best(s, 2);
  const AttemptResult two_again = play_best(s, 2);
  REQUIRE(one.finished);
  REQUIRE(two.finished);
  CHECK(one.figures == 1);
  CHECK(two.figures == 2);
  const std::string t1 = render_transcript(scenario_for_seed(s, 1), one, Lang::zh);
  const std::string t2 = render_transcript(scenario_for_seed(s, 2), two, Lang::zh);
  CHECK(t2 == render_transcript(scenario_for_seed(s, 2), two_again, Lang::zh));
  CHECK(t1 != t2);
  CHECK(t1.find("王先生的卡扣款328.00元") != std::string::npos);
  CHECK(t2.find("李女士的卡扣款516.00元") != std::string::npos);
  CHECK(t2.find("328.00") == std::string::npos);
  // The runner played the seed's set even when handed the scenario itself.
  CHECK(two.steps.front().sms.zh == "李女士的卡扣款516.00元");
  // Same steps, same score: what certification and item analysis count does not depend on the set.
  REQUIRE(one.steps.size() == two.steps.size());
  for (std::size_t i = 0; i < one.steps.size(); ++i) {
    CHECK(one.steps[i].step_id == two.steps[i].step_id);
    CHECK(one.steps[i].choice_id == two.steps[i].choice_id);
  }
  CHECK(one.score == two.score);
  CHECK(one.content_hash == two.content_hash);
}

TEST_CASE("figures - an unknown placeholder is named at its place with the closest name", "[loader][figures]") {
  std::string t = with_figures();
  t = replaced(t, "的卡扣款{amount}元", "的卡扣款{amout}元");
  CHECK(only_error(t) ==
        "26:27: unknown figure '{amout}' (did you mean 'amount'?); the figures block names: amount, guest");
}

TEST_CASE("figures - a placeholder with no figures block is named at its place", "[loader][figures]") {
  std::string t = test::small_scenario;
  t = replaced(t, "  amount: \"328.00\"\n", "  amount: \"{amount}\"\n");
  CHECK(only_error(t) ==
        "11:12: '{amount}' is a figure that varies, but the scenario has no 'figures' block to fill it in "
        "(content/README.md, \"Figures that vary\")");
}

TEST_CASE("figures - a set missing a name is named at the set", "[loader][figures]") {
  const std::string block =
      replaced(figures_block, "{amount: \"74.50\", guest: {zh: 张先生, en: Mr Zhang}}", "{amount: \"74.50\"}");
  CHECK(only_error(with_figures(block)) ==
        "12:5: figures variant 3 has no 'guest': every variant names the same figures (amount, guest)");
}

TEST_CASE("figures - a name no placeholder uses is named in the first set", "[loader][figures]") {
  std::string block = figures_block;
  block = replaced(block, "en: Mr Wang}}", "en: Mr Wang}, room: \"1208\"}");
  block = replaced(block, "en: Ms Li}}", "en: Ms Li}, room: \"0716\"}");
  block = replaced(block, "en: Mr Zhang}}", "en: Mr Zhang}, room: \"2301\"}");
  CHECK(only_error(with_figures(block)) ==
        "10:55: figure 'room' is never used: write {room} where it belongs, or remove it from every variant");
}

TEST_CASE("figures - a per-language figure outside a text is refused", "[loader][figures]") {
  const std::string t = replaced(with_figures(), "  card: \"6200000000000047\"\n",
                                 "  card: \"6200000000000047\"\n  terminal_id: \"{guest}\"\n");
  CHECK(only_error(t) ==
        "15:17: figure '{guest}' is written per language ({zh, en}), so only a text's zh or en can use it");
}

TEST_CASE("figures - a value that breaks a rule names the set it is in", "[loader][figures]") {
  const std::string block = replaced(figures_block, "{amount: \"516.00\"", "{amount: \"516.000\"");
  CHECK(only_error(with_figures(block)) ==
        "15:11: expected 'amount' to be an amount in CNY like \"328.00\" (at most 2 decimals), got '516.000' "
        "(with figures variant 2)");
}

TEST_CASE("figures - every set names the same figures and a name is a name", "[loader][figures]") {
  const std::string extra = replaced(figures_block, "{amount: \"516.00\",", "{amount: \"516.00\", tip: \"5.00\",");
  CHECK(only_error(with_figures(extra)) ==
        "11:24: figure 'tip' in figures variant 2 is not in figures variant 1: every variant names the same "
        "figures (amount, guest)");
  const std::string one = "figures:\n  - {amount: \"328.00\", guest: {zh: 王先生, en: Mr Wang}}\n";
  CHECK(only_error(with_figures(one)) ==
        "10:3: expected 'figures' to be a list of at least 2 sets of figures, like - {amount: \"328.00\"}");
}

TEST_CASE("every shipped scenario has at least 3 sets of figures that differ", "[content][figures]") {
  // A scenario told with one set of figures can be passed by remembering its numbers.
  const ContentSet& set = posdrill::test::shipped_set();
  REQUIRE(set.scenarios.size() >= 20);
  for (const Scenario& s : set.scenarios) {
    INFO(s.id);
    REQUIRE(s.variants.size() >= 3);
    for (std::size_t i = 1; i < s.variants.size(); ++i) {
      CHECK(s.variants[i].setup.amount_minor != s.variants[0].setup.amount_minor);
      CHECK(s.variants[i].find(s.start)->text.zh != s.variants[0].find(s.start)->text.zh);
    }
  }
}
