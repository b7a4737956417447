// The devices' words (content/ui/terminal.yaml): the built-in file loads clean, holds every key
// the code asks for and nothing it never asks for, and a broken file is reported where it breaks.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "device_bridge/terminal.h"
#include "device_bridge/terminal_texts.h"

using namespace posdrill;

namespace {

std::string read_whole(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every key the device model's sources look up, by section: screen_text("x") → "screens.x".
std::set<std::string> keys_in_sources() {
  std::set<std::string> out;
  const std::regex call(
      R"re((screen_text|slip_text|sms_text|terminal_menu|show_menu|operation_text)\(\s*"([a-z_0-9]+)")re");
  const std::regex ternary(R"re((screen_text|slip_text|sms_text)\([^;]*\?\s*"([a-z_0-9]+)"\s*:\s*"([a-z_0-9]+)")re");
  const std::regex chain(
      R"re((screen_text)\(query_by_ == QueryBy::voucher \? "([a-z_]+)"\s*: query_by_ == QueryBy::rrn\s*\? "([a-z_]+)"\s*: "([a-z_]+)")re");
  const std::regex table(R"re(\{TxnType::[a-z_]+,\s*"([a-z_]+)")re");
  const std::regex notify(R"re(notify\([^;]*?"([a-z_]+)")re");
  const auto section = [](const std::string& fn) -> std::string {
    if (fn == "screen_text") return "screens.";
    if (fn == "slip_text") return "slips.";
    if (fn == "sms_text") return "sms.";
    if (fn == "terminal_menu" || fn == "show_menu") return "menus.";
    return "operations.";
  };
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(POSDRILL_TEST_SOURCE_DIR) / "device_bridge")) {
    if (entry.path().extension() != ".cpp" || entry.path().filename() == "terminal_texts.cpp") continue;
    const std::string text = read_whole(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it)
      out.insert(section((*it)[1]) + std::string((*it)[2]));
    for (std::sregex_iterator it(text.begin(), text.end(), ternary), end; it != end; ++it) {
      out.insert(section((*it)[1]) + std::string((*it)[2]));
      out.insert(section((*it)[1]) + std::string((*it)[3]));
    }
    for (std::sregex_iterator it(text.begin(), text.end(), chain), end; it != end; ++it)
      for (int g = 2; g <= 4; ++g) out.insert("screens." + std::string((*it)[g]));
    for (std::sregex_iterator it(text.begin(), text.end(), table), end; it != end; ++it)
      out.insert("operations." + std::string((*it)[1]));
    for (std::sregex_iterator it(text.begin(), text.end(), notify), end; it != end; ++it)
      out.insert("sms." + std::string((*it)[1]));
  }
  return out;
}

std::set<std::string> keys_in_file(const TerminalTexts& t) {
  std::set<std::string> out;
  for (const auto& [k, v] : t.operations) out.insert("operations." + k);
  for (const auto& [k, v] : t.menus) out.insert("menus." + k);
  for (const auto& [k, v] : t.screens) out.insert("screens." + k);
  for (const auto& [k, v] : t.slips) out.insert("slips." + k);
  for (const auto& [k, v] : t.sms) out.insert("sms." + k);
  return out;
}

}  // namespace

TEST_CASE("the built-in terminal texts are content/ui/terminal.yaml and load without a problem", "[terminal][texts]") {
  for (const Diagnostic& d : terminal_texts_problems())
    FAIL(d.file << ":" << d.line << ":" << d.column << ": " << d.message);
  CHECK(terminal_texts_source() ==
        read_whole(std::filesystem::path(POSDRILL_TEST_CONTENT_DIR) / "ui" / "terminal.yaml"));
  CHECK(terminal_texts().operations.size() == 12);
  CHECK(terminal_menu("main").items.size() == 9);
  CHECK(screen_text("home") == Text{"中国银联", "UnionPay POS"});
}

TEST_CASE("every terminal text the code asks for is in the file, and the file holds nothing unused",
          "[terminal][texts]") {
  const std::set<std::string> used = keys_in_sources();
  const std::set<std::string> held = keys_in_file(terminal_texts());
  REQUIRE(used.size() > 100);  // the scan itself works
  for (const std::string& k : used) {
    INFO("asked for in device_bridge/: " << k);
    CHECK(held.count(k) == 1);
  }
  for (const std::string& k : held) {
    INFO("in content/ui/terminal.yaml but never asked for: " << k);
    CHECK(used.count(k) == 1);
  }
}

TEST_CASE("an unknown terminal text key shows itself instead of crashing", "[terminal][texts]") {
  CHECK(screen_text("no_such_text").zh == "⟦no_such_text⟧");
  CHECK(slip_text("no_such_line") == "⟦no_such_line⟧");
  CHECK(terminal_menu("no_such_menu").items.empty());
}

TEST_CASE("placeholders are filled in one pass", "[terminal][texts]") {
  CHECK(fill_placeholders("卡号 {card} 金额 {amount}", {{"card", "620000******0005"}, {"amount", "1.00"}}) ==
        "卡号 620000******0005 金额 1.00");
  CHECK(fill_placeholders("{a}{b}", {{"a", "{b}"}, {"b", "x"}}) == "{b}x");  // a value is not scanned again
  CHECK(fill_placeholders("{unknown} stays", {}) == "{unknown} stays");
  CHECK(fill_placeholders("open { never closed", {{"x", "y"}}) == "open { never closed");
  CHECK(screen_text("reversal_try", {{"n", "2"}, {"of", "3"}}) == Text{"第2次 共3次", "Try 2 of 3"});
}

TEST_CASE("a broken terminal texts file is reported at the line and column that break it", "[terminal][texts]") {
  const auto problems = [](const std::string& yaml) {
    TerminalTexts t;
    std::vector<std::string> out;
    for (const Diagnostic& d : load_terminal_texts_text(yaml, "terminal.yaml", t))
      out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
    return out;
  };
  const std::string sections = "operations: {}\nmenus: {}\nslips: {}\nsms: {}\n";
  auto p = problems(sections + "screens:\n  amount: {zh: \"金额 {amount}\", en: \"Amount {sum}\"}\n");
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "6:11: the zh and en of 'amount' fill in different {placeholders}");
  p = problems(sections + "screens:\n  home: {zh: 中国银联}\n");
  REQUIRE(p.size() == 1);
  CHECK(p[0].find("6:9: missing 'en' translation of 'home'") == 0);
  p = problems("operations: {}\nmenus: {}\nslips: {}\nsms: {}\n");
  REQUIRE(p.size() == 1);
  CHECK(p[0].find("missing") != std::string::npos);
  CHECK(p[0].find("screens") != std::string::npos);
  p = problems(sections + "screens: {}\nbuttons: {}\n");
  REQUIRE(p.size() == 1);
  INFO(p[0]);
  CHECK(p[0].find("6:1:") == 0);
  CHECK(p[0].find("buttons") != std::string::npos);
}

TEST_CASE("the terminal's screens and slips are the file's texts", "[terminal][texts]") {
  EmulatedTerminal t(TerminalConfig{}, TerminalTime{});
  CHECK(t.screen().title == screen_text("home"));
  CHECK(t.screen().status.zh.find(screen_text("training_mark").zh) == 0);
}
