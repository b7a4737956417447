// Line breaking: Chinese breaks between ideographs but never before closing punctuation or after
// opening punctuation; Latin words and numbers stay whole; nothing loops or reads out of bounds.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "kiosk/core/glyphs.h"
#include "kiosk/core/line_break.h"

using namespace posdrill;

namespace {

// Width 2 for wide (CJK) characters, 1 for the rest: close to a real CJK font.
float advance(uint32_t cp) { return cp >= 0x1100 ? 2.0f : 1.0f; }

std::vector<std::string> lines_of(const std::string& text, float width) {
  std::vector<std::string> out;
  for (const LineSpan& l : break_lines(text, width, advance)) out.push_back(text.substr(l.begin, l.end - l.begin));
  return out;
}

float width_of(const std::string& s) {
  float w = 0;
  for (uint32_t cp : decode_utf8(s)) w += advance(cp);
  return w;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("Chinese breaks between ideographs", "[line_break]") {
  CHECK(lines_of("退房结账预授权", 8) == Lines{"退房结账", "预授权"});
}

TEST_CASE("closing punctuation never starts a line", "[line_break]") {
  // "，" would fall on the next line: the character before it moves down with it.
  CHECK(lines_of("客人自己输，您别碰", 10) == Lines{"客人自己", "输，您别碰"});
  CHECK(lines_of("卡号一栏都是空的。按凭证号", 16) == Lines{"卡号一栏都是空", "的。按凭证号"});
  for (const auto& l : lines_of("一位老年客人输错密码，终端提示“(55)密码错请重试”，他又想让您代输。", 12)) {
    INFO(l);
    const auto cps = decode_utf8(l);
    REQUIRE_FALSE(cps.empty());
    CHECK(cps.front() != 0xFF0C);  // ，
    CHECK(cps.front() != 0x3002);  // 。
    CHECK(cps.front() != 0x201D);  // ”
    CHECK(cps.back() != 0x201C);   // “ never ends a line
  }
}

TEST_CASE("numbers and Latin words are never split", "[line_break]") {
  CHECK(lines_of("终端回22账单", 9) == Lines{"终端回22", "账单"});
  CHECK(lines_of("the pre-auth record", 12) == Lines{"the pre-auth", "record"});
  CHECK(lines_of("约 8 分钟", 100) == Lines{"约 8 分钟"});
}

TEST_CASE("spaces at a break belong to no line", "[line_break]") {
  CHECK(lines_of("aaa bbb ccc", 7) == Lines{"aaa bbb", "ccc"});
  CHECK(lines_of("aaa     bbb", 4) == Lines{"aaa", "bbb"});
}

TEST_CASE("a word wider than the line is cut between characters", "[line_break]") {
  CHECK(lines_of("abcdefghij", 4) == Lines{"abcd", "efgh", "ij"});
  // Even a width smaller than one character makes progress, one character per line.
  CHECK(lines_of("abc", 0.5f) == Lines{"a", "b", "c"});
}

TEST_CASE("newline forces a break and empty text gives no line", "[line_break]") {
  CHECK(lines_of("ab\ncd", 100) == Lines{"ab", "cd"});
  CHECK(lines_of("ab\n\ncd", 100) == Lines{"ab", "", "cd"});
  CHECK(lines_of("", 10).empty());
}

TEST_CASE("every line fits unless it is one character", "[line_break]") {
  const std::string text =
      "客人退房，预授权签购单和终端记录里卡号一栏都是空的。按凭证号查出原交易，请客人出示卡片，"
      "用原预授权码和原日期完成预授权。A guest checks out and the pre-auth slip has no card number.";
  for (float w : {3.0f, 7.0f, 10.0f, 21.0f, 40.0f}) {
    for (const auto& l : lines_of(text, w)) {
      INFO(w << " " << l);
      CHECK((width_of(l) <= w || decode_utf8(l).size() == 1));
    }
  }
}

TEST_CASE("invalid bytes do not crash the breaker", "[line_break]") {
  std::string s = "ab\xFF\xC3 cd\x80\xE5\x86";
  for (float w : {0.0f, 1.0f, 2.0f, 100.0f}) {
    const auto spans = break_lines(s, w, advance);
    for (const LineSpan& l : spans) {
      CHECK(l.begin <= l.end);
      CHECK(l.end <= s.size());
    }
  }
}

TEST_CASE("can_break_between follows the punctuation rules", "[line_break]") {
  CHECK(can_break_between(0x4E00, 0x4E01));        // 一丁
  CHECK_FALSE(can_break_between(0x4E00, 0xFF0C));  // 一，
  CHECK_FALSE(can_break_between(0x201C, 0x4E00));  // “一
  CHECK_FALSE(can_break_between('a', 'b'));
  CHECK(can_break_between(' ', 'b'));
  CHECK_FALSE(can_break_between('a', ' '));
  CHECK_FALSE(can_break_between(0x2014, 0x2014));  // ——
}

TEST_CASE("clamp_lines keeps at most N lines and ends the last in an ellipsis that fits", "[line_break]") {
  // Fits in two lines: unchanged.
  CHECK(clamp_lines("王小明", 8, 2, advance) == Lines{"王小明"});
  CHECK(clamp_lines("Li Wei", 8, 2, advance) == Lines{"Li Wei"});
  // A 64-character name in a cell of 8 columns, two lines: the second is cut to fit with "…".
  const std::string long_name = "欧阳娜娜欧阳娜娜欧阳娜娜";
  const Lines two = clamp_lines(long_name, 8, 2, advance);
  REQUIRE(two.size() == 2);
  CHECK(two[0] == "欧阳娜娜");
  CHECK(two[1] == "欧阳娜…");
  for (const std::string& l : two) CHECK(width_of(l) <= 8);
  // Latin (the ellipsis is 2 wide here): trailing spaces before it are dropped.
  CHECK(clamp_lines("Wang Xiaoming Alexander", 8, 1, advance) == Lines{"Wang X…"});
  CHECK(clamp_lines("Wang Xiaoming", 7, 1, advance) == Lines{"Wang…"});
  const Lines mixed = clamp_lines("Anna 李娜娜娜娜", 6, 1, advance);
  REQUIRE(mixed.size() == 1);
  CHECK(mixed[0] == "Anna…");
  CHECK(width_of(mixed[0]) <= 6);
  // Zero lines asked means one; empty text stays empty.
  CHECK(clamp_lines("欧阳娜娜欧阳", 4, 0, advance).size() == 1);
  CHECK(clamp_lines("", 4, 2, advance).empty());
}
