// The on-screen keyboard's model (kiosk/core/keyboard.h) with a fake input method: what each key
// does to a field's text, pinyin compositions, and candidate pages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "fake_input_method.h"
#include "kiosk/core/keyboard.h"

namespace posdrill {

namespace {
constexpr FieldRules name_rules{64, false};
constexpr FieldRules digit_rules{8, true};

void spell(OnScreenKeyboard& kb, std::string& text, const FieldRules& rules, std::string_view letters) {
  for (char c : letters) kb.letter(text, rules, c);
}
}  // namespace

TEST_CASE("in English mode letters, shift, space and backspace edit the field", "[keyboard]") {
  test::FakeInputMethod ime;
  OnScreenKeyboard kb(&ime);
  kb.focus("name", false);
  std::string text;
  kb.toggle_shift();
  spell(kb, text, name_rules, "li");  // shift holds for one letter
  kb.space(text, name_rules);
  kb.toggle_shift();
  spell(kb, text, name_rules, "na");
  CHECK(text == "Li Na");
  CHECK(ime.searches == 0);
  kb.backspace(text);
  CHECK(text == "Li N");
  CHECK(kb.confirm(text, name_rules));  // nothing composed: the field is done
}

TEST_CASE("a digits field takes digits only and no more than its length", "[keyboard]") {
  OnScreenKeyboard kb;
  kb.focus("pin", true);
  std::string text;
  kb.type(text, digit_rules, "12a3工4");
  kb.letter(text, digit_rules, 'x');
  CHECK(text == "1234");
  kb.type(text, digit_rules, "567890");
  CHECK(text == "12345678");
  kb.backspace(text);
  CHECK(text == "1234567");
}

TEST_CASE("pinyin offers candidates and a whole phrase types the name", "[keyboard]") {
  test::FakeInputMethod ime;
  OnScreenKeyboard kb(&ime);
  kb.focus("name", true);
  REQUIRE(kb.chinese());
  std::string text = "Li Na ";
  spell(kb, text, name_rules, "lina");
  CHECK(text == "Li Na ");  // nothing typed while composing
  CHECK(kb.composition() == "lina");
  const std::vector<std::string> page = kb.page();
  REQUIRE_FALSE(page.empty());
  CHECK(page.front() == "李娜");
  kb.pick(text, name_rules, 0);
  CHECK(text == "Li Na 李娜");
  CHECK_FALSE(kb.composing());
}

TEST_CASE("a candidate for the first syllable leaves the rest to choose", "[keyboard]") {
  test::FakeInputMethod ime;
  OnScreenKeyboard kb(&ime);
  kb.focus("name", true);
  std::string text;
  spell(kb, text, name_rules, "lina");
  kb.pick(text, name_rules, 2);  // 李
  CHECK(text.empty());
  CHECK(kb.composition() == "李 lina");
  CHECK(kb.page().front() == "娜");
  // Backspace drops the choice, not a letter.
  kb.backspace(text);
  CHECK(kb.composition() == "lina");
  kb.pick(text, name_rules, 2);
  kb.pick(text, name_rules, 0);  // 娜
  CHECK(text == "李娜");
}

TEST_CASE("backspace, space, confirm and the 中/英 key inside a composition", "[keyboard]") {
  test::FakeInputMethod ime;
  OnScreenKeyboard kb(&ime);
  kb.focus("name", true);
  std::string text;
  spell(kb, text, name_rules, "lin");
  kb.backspace(text);
  CHECK(kb.letters() == "li");
  kb.space(text, name_rules);  // the first candidate
  CHECK(text == "李");
  spell(kb, text, name_rules, "na");
  CHECK_FALSE(kb.confirm(text, name_rules));  // commits the letters as typed
  CHECK(text == "李na");
  spell(kb, text, name_rules, "li");
  kb.toggle_chinese(text, name_rules);
  CHECK_FALSE(kb.chinese());
  CHECK(text == "李nali");
  kb.backspace(text);
  kb.backspace(text);
  kb.backspace(text);
  kb.backspace(text);
  kb.backspace(text);
  CHECK(text.empty());
  kb.backspace(text);  // nothing left: nothing happens
  CHECK(text.empty());
}

TEST_CASE("candidate pages fit the row and together show every candidate once", "[keyboard]") {
  test::FakeInputMethod ime;
  OnScreenKeyboard kb(&ime);
  // 56 px minimum, 22 px per character plus 16 px padding each side, 12 px apart, 300 px row:
  // four one-character candidates a page.
  kb.set_row(CandidateRow{300.0f, 22.0f, 16.0f, 56.0f, 12.0f});
  kb.focus("name", true);
  std::string text;
  spell(kb, text, name_rules, "li");
  std::vector<std::string> seen;
  CHECK_FALSE(kb.has_prev_page());
  for (int n = 0; n < 10; ++n) {
    const std::vector<std::string> page = kb.page();
    CHECK(page.size() == (n < 3 ? 4u : 16u - 12u));
    float w = 0;
    for (const std::string& c : page) w += candidate_width(CandidateRow{300.0f, 22.0f, 16.0f, 56.0f, 12.0f}, c) + 12;
    CHECK(w - 12 <= 300.0f);
    seen.insert(seen.end(), page.begin(), page.end());
    if (!kb.has_next_page()) break;
    kb.next_page();
  }
  CHECK(seen.size() == 16);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 16);
  kb.prev_page();
  kb.prev_page();
  CHECK(kb.page().front() == "理");
  // A pick on a later page is that page's candidate.
  kb.pick(text, name_rules, 0);
  CHECK(text == "理");
  // What the next frame shows is what the platform puts in the glyph set.
  spell(kb, text, name_rules, "lina");
  const std::vector<std::string> shown = kb.shown_texts();
  CHECK(std::find(shown.begin(), shown.end(), "李娜") != shown.end());
  CHECK(std::find(shown.begin(), shown.end(), "lina") != shown.end());
}

TEST_CASE("without an input method 中 types the letters as they are", "[keyboard]") {
  OnScreenKeyboard kb;
  kb.focus("name", true);
  std::string text;
  spell(kb, text, name_rules, "wang");
  CHECK(text == "wang");
  CHECK_FALSE(kb.composing());
}

TEST_CASE("a field never takes more characters than its rules allow", "[keyboard]") {
  test::FakeInputMethod ime;
  OnScreenKeyboard kb(&ime);
  kb.focus("name", true);
  const FieldRules two{2, false};
  std::string text = "王";
  spell(kb, text, two, "lina");
  kb.pick(text, two, 0);
  CHECK(text == "王李");  // 娜 did not fit
  CHECK(char_count(text) == 2);
}

}  // namespace posdrill
