// UI strings: the shipped file is complete and clean, and every kind of mistake in a strings
// file is reported at the right file:line:column while the valid entries still load.

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>

#include "kiosk/core/catalog.h"
#include "kiosk/core/strings.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

bool has_message(const std::vector<Diagnostic>& diags, int line, const std::string& part) {
  return std::any_of(diags.begin(), diags.end(),
                     [&](const Diagnostic& d) { return d.line == line && d.message.find(part) != std::string::npos; });
}

std::string dump(const std::vector<Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) s += d.to_string() + "\n";
  return s;
}

}  // namespace

TEST_CASE("shipped strings.yaml loads without diagnostics and every key has zh and en", "[strings]") {
  UiStrings strings;
  const auto diags = load_ui_strings(ui_strings_path(content_dir), strings);
  INFO(dump(diags));
  REQUIRE(diags.empty());
  REQUIRE(strings.entries().size() >= catalog_string_keys.size());
  for (const auto& [key, text] : strings.entries()) {
    INFO(key);
    CHECK_FALSE(text.zh.empty());
    CHECK_FALSE(text.en.empty());
  }
}

TEST_CASE("shipped strings.yaml has every key the catalog uses", "[strings]") {
  UiStrings strings;
  load_ui_strings(ui_strings_path(content_dir), strings);
  for (std::string_view key : catalog_string_keys) {
    INFO(key);
    CHECK(strings.contains(key));
  }
  for (Topic t : all_topics) CHECK(strings.contains(topic_string_key(t)));
}

TEST_CASE("shipped training mark is bilingual in both languages", "[strings]") {
  UiStrings strings;
  load_ui_strings(ui_strings_path(content_dir), strings);
  CHECK(strings.tr("app.training_mark", Lang::zh) == "培训 TRAINING");
  CHECK(strings.tr("app.training_mark", Lang::en) == "培训 TRAINING");
}

TEST_CASE("tr gives the text of the asked language", "[strings]") {
  UiStrings s;
  s.set("a.b", Text{"你好", "Hello"});
  CHECK(s.tr("a.b", Lang::zh) == "你好");
  CHECK(s.tr("a.b", Lang::en) == "Hello");
}

TEST_CASE("tr shows a visible placeholder for an unknown key", "[strings]") {
  UiStrings s;
  CHECK(s.tr("no.such_key", Lang::zh) == "⟦no.such_key⟧");
  CHECK(s.tr("", Lang::en) == "⟦⟧");
  CHECK_FALSE(s.contains("no.such_key"));
}

TEST_CASE("fill_fields fills each named field once and leaves the rest as written", "[strings]") {
  CHECK(fill_fields("得 {a} 分，满分 {b} 分", {{"a", "20"}, {"b", "65"}}) == "得 20 分，满分 65 分");
  CHECK(fill_fields("{a} {x} {", {{"a", "{x}"}}) == "{x} {x} {");  // a value is not filled again
}

TEST_CASE("fill_count and tr_count substitute the number and pick the plural form", "[strings]") {
  CHECK(fill_count("约 {n} 分钟", 6) == "约 6 分钟");
  CHECK(fill_count("{n}/{n} {x} {", 12) == "12/12 {x} {");
  CHECK(fill_count("no slot", 3) == "no slot");
  UiStrings s;
  s.set("k_one", Text{"{n} 个", "{n} drill"});
  s.set("k_other", Text{"{n} 个", "{n} drills"});
  CHECK(tr_count(s, "k", 1, Lang::en) == "1 drill");
  CHECK(tr_count(s, "k", 0, Lang::en) == "0 drills");
  CHECK(tr_count(s, "k", 5, Lang::zh) == "5 个");
}

TEST_CASE("missing translation is reported at the text with file line and column", "[strings]") {
  UiStrings s;
  const auto diags = load_ui_strings_text("a.one: {zh: 一, en: One}\nb.two: {zh: 二}\n", "ui/strings.yaml", s);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() == "ui/strings.yaml:2:8: missing 'en' translation of 'b.two'");
  // The valid entry loads, and the half-translated one falls back to the language it has.
  CHECK(s.tr("a.one", Lang::en) == "One");
  CHECK(s.tr("b.two", Lang::en) == "二");
}

TEST_CASE("unknown language and empty translation are reported", "[strings]") {
  UiStrings s;
  const auto diags = load_ui_strings_text("k.a: {zh: 一, en: One, fr: Un}\nk.b: {zh: '', en: Two}\n", "s.yaml", s);
  INFO(dump(diags));
  CHECK(has_message(diags, 1, "unexpected 'fr' in text 'k.a': a text has only zh and en"));
  CHECK(has_message(diags, 2, "empty 'zh' translation of 'k.b'"));
  CHECK(diags.size() == 2);
  CHECK(s.tr("k.a", Lang::zh) == "一");
}

TEST_CASE("duplicate keys and badly formed keys are reported", "[strings]") {
  UiStrings s;
  const auto diags = load_ui_strings_text(
      "k.a: {zh: 一, en: One}\nk.a: {zh: 二, en: Two}\nBad Key: {zh: 三, en: Three}\nk..b: {zh: 四, en: Four}\n",
      "s.yaml", s);
  INFO(dump(diags));
  CHECK(has_message(diags, 2, "duplicate key 'k.a' in the UI strings (first given at line 1)"));
  CHECK(has_message(diags, 3, "lowercase words joined by dots"));
  CHECK(has_message(diags, 4, "lowercase words joined by dots"));
  CHECK(s.tr("k.a", Lang::en) == "One");  // the first definition wins
}

TEST_CASE("a value that is not a zh en map is reported", "[strings]") {
  UiStrings s;
  const auto diags = load_ui_strings_text("k.a: just text\nk.b: [1, 2]\nk.c: {zh: [x], en: ok}\n", "s.yaml", s);
  INFO(dump(diags));
  CHECK(has_message(diags, 1, "expected 'k.a' to be a text in both languages, like {zh: …, en: …}"));
  CHECK(has_message(diags, 2, "expected 'k.b' to be a text in both languages"));
  CHECK(has_message(diags, 3, "expected 'zh' to be a single value, not a list or map"));
  CHECK(diags.size() == 3);
  CHECK(s.tr("k.c", Lang::zh) == "ok");  // the language that can be read stands in
}

TEST_CASE("a key with no text is reported at the key, not at the next line", "[strings]") {
  UiStrings s;
  const auto diags = load_ui_strings_text("k.a:\nk.b: {zh: 二, en: Two}\n", "s.yaml", s);
  INFO(dump(diags));
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() == "s.yaml:1:1: 'k.a' has no text; expected {zh: …, en: …}");
  CHECK(s.tr("k.b", Lang::en) == "Two");
}

TEST_CASE("YAML syntax errors and a non-map file are reported and never throw", "[strings]") {
  UiStrings s;
  auto diags = load_ui_strings_text("k.a: {zh: 一, en: One\n", "s.yaml", s);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].line >= 1);
  CHECK(diags[0].message.find("YAML syntax error") == 0);

  diags = load_ui_strings_text("- a\n- b\n", "s.yaml", s);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message.find("expected a map") == 0);

  diags = load_ui_strings_text("", "s.yaml", s);
  REQUIRE(diags.size() == 1);
}

TEST_CASE("invalid UTF-8 in a translation is reported where it is, and the other language stands in", "[strings]") {
  UiStrings s;
  // "\xD6\xD0\xCE\xC4" is 中文 in the legacy GBK code page: a file saved so.
  const std::string text = "k.a: {zh: \"\xD6\xD0\xCE\xC4\", en: Chinese}\nk.b: {zh: 好, en: Good}\n";
  const auto diags = load_ui_strings_text(text, "s.yaml", s);
  INFO(dump(diags));
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() == "s.yaml:1:11: 'zh' is not UTF-8 text: save the file as UTF-8 (not GBK or GB2312)");
  CHECK(s.tr("k.a", Lang::zh) == "Chinese");
  CHECK(s.tr("k.b", Lang::zh) == "好");
}

TEST_CASE("a translation that fills in other {placeholders} than its pair is reported", "[strings]") {
  UiStrings s;
  const auto diags = load_ui_strings_text(
      "k.a: {zh: \"约 {n} 分钟\", en: \"about {minutes} min\"}\nk.b: {zh: \"{n} 个\", en: \"{n} drills\"}\n", "s.yaml",
      s);
  INFO(dump(diags));
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() == "s.yaml:1:6: the zh and en of 'k.a' fill in different {placeholders}");
}

TEST_CASE("a text keeps the space it ends with and loses only a block's line break", "[strings]") {
  UiStrings s;
  const auto diags = load_ui_strings_text(
      "home.greeting: {zh: \"您好，\", en: \"Hello, \"}\nk.b:\n  zh: |\n    二\n  en: >\n    Two\n", "s.yaml", s);
  INFO(dump(diags));
  REQUIRE(diags.empty());
  CHECK(s.tr("home.greeting", Lang::en) == "Hello, ");  // the name follows it on screen
  CHECK(s.tr("k.b", Lang::zh) == "二");
  CHECK(s.tr("k.b", Lang::en) == "Two");
}

TEST_CASE("a sentence a comma split is one message, and the text keeps what it has", "[strings]") {
  UiStrings s;
  const auto diags =
      load_ui_strings_text("k.a: {zh: 好, eng: Good}\nk.b: {zh: 是, en: Yes, sir, thanks}\n", "s.yaml", s);
  INFO(dump(diags));
  REQUIRE(diags.size() == 2);
  CHECK(has_message(diags, 1, "unexpected 'eng' in text 'k.a'"));
  CHECK(has_message(diags, 2, "unexpected 'sir' in text 'k.b'"));
  CHECK(s.tr("k.a", Lang::en) == "好");
}

TEST_CASE("a strings file larger than the bound is refused", "[strings]") {
  const auto dir = std::filesystem::temp_directory_path() / "posdrill_strings_bound";
  std::filesystem::create_directories(dir);
  const auto file = dir / "strings.yaml";
  {
    std::ofstream out(file, std::ios::binary);
    std::string line = "# " + std::string(1000, 'x') + "\n";
    for (std::size_t n = 0; n <= max_ui_strings_bytes / line.size(); ++n) out << line;
  }
  UiStrings s;
  const auto diags = load_ui_strings(file, s);
  std::filesystem::remove_all(dir);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message.find("at most") != std::string::npos);
}

TEST_CASE("a missing strings file is one diagnostic naming the file", "[strings]") {
  UiStrings s;
  const auto diags = load_ui_strings("/nonexistent/posdrill/strings.yaml", s);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].file == "/nonexistent/posdrill/strings.yaml");
  CHECK(s.entries().empty());
}
