// The emulated devices' own words (content/ui/terminal.yaml, built into the program): the
// terminal's screens, menus and slips, and the card bank's text messages. One home for them, so
// translators find them in one file and the kiosk takes its glyphs from data instead of replaying
// every scenario.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/loader.h"  // Diagnostic
#include "scenarios/text.h"

namespace posdrill {

struct TerminalMenu {
  Text title;
  std::vector<Text> items;
};

struct TerminalTexts {
  std::map<std::string, Text, std::less<>> operations;  // by transaction: "sale", "void_sale", …
  std::map<std::string, TerminalMenu, std::less<>> menus;
  std::map<std::string, Text, std::less<>> screens;
  std::map<std::string, std::string, std::less<>> slips;  // one line, both languages
  std::map<std::string, Text, std::less<>> sms;
};

// Parses a terminal texts file. Every problem names file:line:column (1-based) and what was
// expected; a text whose zh and en name different {placeholders} is one. `file` is for the
// diagnostics only.
std::vector<Diagnostic> load_terminal_texts_text(std::string_view text, const std::string& file, TerminalTexts& out);

// The built-in texts, parsed on first use (thread-safe). The tests check they load clean and
// hold every key the program asks for.
const TerminalTexts& terminal_texts();
const std::vector<Diagnostic>& terminal_texts_problems();
// The file as it was built in.
std::string_view terminal_texts_source();

// {name} → value, in one pass (a value is never scanned again). Unknown names stay as written.
using TextFill = std::initializer_list<std::pair<std::string_view, std::string_view>>;
std::string fill_placeholders(std::string_view pattern, TextFill fill);

// Look-ups. An unknown key gives a visible "⟦key⟧" in both languages, never a crash.
const Text& screen_text(std::string_view key);
Text screen_text(std::string_view key, TextFill fill);
const Text& operation_text(std::string_view key);
const TerminalMenu& terminal_menu(std::string_view key);
std::string slip_text(std::string_view key, TextFill fill = {});
const Text& sms_text(std::string_view key);
Text sms_text(std::string_view key, TextFill fill);

// Every text in the file, each language apart, placeholders left in: what the devices can show
// besides the figures filled into them (the glyph set adds those from the scenarios).
std::vector<std::string> all_terminal_texts();

}  // namespace posdrill
