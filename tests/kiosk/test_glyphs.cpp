// The UTF-8 decoder (robust on hostile bytes) and the glyph set (covers every text the kiosk
// can show: UI strings and every scenario of the shipped content).

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "kiosk/core/glyphs.h"
#include "kiosk/core/strings.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

using Cps = std::vector<uint32_t>;

}  // namespace

TEST_CASE("decode_utf8 decodes ASCII and multi-byte sequences", "[utf8]") {
  CHECK(decode_utf8("A") == Cps{0x41});
  CHECK(decode_utf8("é") == Cps{0xE9});
  CHECK(decode_utf8("冲正") == Cps{0x51B2, 0x6B63});
  CHECK(decode_utf8("😀") == Cps{0x1F600});
  CHECK(decode_utf8("") == Cps{});
  CHECK(is_valid_utf8("培训 TRAINING"));
}

TEST_CASE("decode_utf8 skips invalid bytes and resynchronizes", "[utf8]") {
  // A lone continuation byte, then valid text.
  CHECK(decode_utf8("\x80"
                    "A") == Cps{0x41});
  // A lead byte whose continuation is missing: the lead is skipped, the next byte decoded.
  CHECK(decode_utf8("\xC3"
                    "A") == Cps{0x41});
  // 0xF8-0xFF never start a sequence.
  CHECK(decode_utf8("\xFF\xFE"
                    "B") == Cps{0x42});
  // Truncated at the end of the text: nothing read past the end.
  CHECK(decode_utf8("A\xE5\x86") == Cps{0x41});
  CHECK(decode_utf8("A\xF0\x9F\x98") == Cps{0x41});
  CHECK_FALSE(is_valid_utf8("A\xE5\x86"));
}

TEST_CASE("decode_utf8 rejects overlong forms surrogates and values past U+10FFFF", "[utf8]") {
  CHECK(decode_utf8("\xC0\xAF") == Cps{});          // overlong '/'
  CHECK(decode_utf8("\xE0\x80\xAF") == Cps{});      // overlong '/' in 3 bytes
  CHECK(decode_utf8("\xED\xA0\x80") == Cps{});      // U+D800, a surrogate
  CHECK(decode_utf8("\xF4\x90\x80\x80") == Cps{});  // U+110000
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));
}

TEST_CASE("decode_utf8 survives every byte value and random garbage", "[utf8]") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const Cps cps = decode_utf8(all);
  CHECK(cps.size() == 128);  // exactly the ASCII bytes survive
  // A simple deterministic generator: the decoder must never crash or emit a non-character.
  uint32_t x = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    for (int i = 0; i < 64; ++i) {
      x = x * 1103515245u + 12345u;
      s.push_back(static_cast<char>((x >> 16) & 0xFF));
    }
    for (uint32_t cp : decode_utf8(s)) {
      REQUIRE(cp <= 0x10FFFF);
      REQUIRE_FALSE((cp >= 0xD800 && cp <= 0xDFFF));
    }
  }
}

TEST_CASE("decode_utf8_at never reads past the end", "[utf8]") {
  uint32_t cp = 0;
  CHECK(decode_utf8_at("", 0, cp) == 0);
  CHECK(decode_utf8_at("A", 1, cp) == 0);
  CHECK(decode_utf8_at("\xE5\x86\xB2", 0, cp) == 3);
  CHECK(cp == 0x51B2);
}

TEST_CASE("collect_glyphs is sorted unique and includes printable ASCII", "[glyphs]") {
  UiStrings s;
  s.set("a.b", Text{"冲正冲正", "Reversal"});
  const Cps g = collect_glyphs(s, {});
  CHECK(std::is_sorted(g.begin(), g.end()));
  CHECK(std::adjacent_find(g.begin(), g.end()) == g.end());
  for (uint32_t c = 0x20; c < 0x7F; ++c) CHECK(std::binary_search(g.begin(), g.end(), c));
  CHECK(std::binary_search(g.begin(), g.end(), 0x51B2u));
  CHECK_FALSE(std::binary_search(g.begin(), g.end(), uint32_t{'\n'}));
}

TEST_CASE("collect_glyphs covers scenario texts in both languages", "[glyphs]") {
  Scenario sc;
  sc.title = Text{"预授权", "Pre-auth"};
  Step st;
  st.kind = StepKind::decision;
  Choice c;
  c.text = Text{"咖啡", "Coffee"};
  c.feedback = Text{"凭证号", "Voucher"};
  st.choices.push_back(c);
  Hint h;
  h.text = Text{"提示", "Hint"};
  st.hints.push_back(h);
  sc.steps.push_back(st);
  sc.debrief.rules.push_back(Text{"结算", "Settle"});
  const Cps g = collect_glyphs(UiStrings{}, {sc});
  for (const char* t : {"预授权", "咖啡", "凭证号", "提示", "结算"})
    for (uint32_t cp : decode_utf8(t)) {
      INFO(t);
      CHECK(std::binary_search(g.begin(), g.end(), cp));
    }
}

TEST_CASE("every text of the shipped content and UI has its glyphs in the glyph set", "[glyphs][content]") {
  UiStrings strings;
  load_ui_strings(ui_strings_path(content_dir), strings);
  const ContentSet content = posdrill::test::shipped_set();
  const Cps g = collect_glyphs(strings, content.scenarios);
  std::vector<std::string_view> texts = fixed_visible_texts(strings);
  // Every set of figures, not only the first: an attempt may draw any of them.
  std::size_t variants = 0;
  for (const Scenario& sc : content.scenarios) {
    auto more = scenario_visible_texts(sc);
    texts.insert(texts.end(), more.begin(), more.end());
    for (const Scenario& v : sc.variants) {
      ++variants;
      more = scenario_visible_texts(v);
      texts.insert(texts.end(), more.begin(), more.end());
    }
  }
  CHECK(variants > content.scenarios.size());
  REQUIRE_FALSE(texts.empty());
  for (std::string_view t : texts) {
    INFO(std::string(t));
    CHECK(is_valid_utf8(t));
    for (uint32_t cp : decode_utf8(t))
      if (cp >= 0x20) CHECK(std::binary_search(g.begin(), g.end(), cp));
  }
}

TEST_CASE("a glyph set grows by exactly the new characters of a text", "[glyphs]") {
  GlyphSet set(std::vector<uint32_t>{'L', 'i', ' ', 'N', 'a'});
  CHECK(set.covers("Li Na"));
  CHECK_FALSE(set.covers("Li Na 李娜"));
  CHECK(set.add("Li Na 李娜") == 2);  // 李 and 娜; the ASCII was there
  CHECK(set.contains(0x674E));
  CHECK(set.contains(0x5A1C));
  CHECK(set.covers("Li Na 李娜"));
  CHECK(set.add("娜李\t\x7f") == 0);  // nothing new: control characters are never drawn
  CHECK_FALSE(set.contains('\t'));
  const std::vector<uint32_t>& cps = set.code_points();
  CHECK(std::is_sorted(cps.begin(), cps.end()));
  CHECK(std::adjacent_find(cps.begin(), cps.end()) == cps.end());
}
