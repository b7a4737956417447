// The kiosk's start-up work that is not SDL: the content and the strings, the glyph set the screens
// need and the font that covers it, with the warm start's cache (atlas_cache.h). run_kiosk runs it
// on worker threads while its own thread opens the window.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/strings.h"
#include "kiosk/platform/fonts.h"
#include "scenarios/loader.h"

namespace posdrill {

// Milliseconds since `t0` on the steady clock (start-up timings for the log).
double ms_since(std::chrono::steady_clock::time_point t0);

struct LoadedStrings {
  UiStrings strings;
  std::vector<Diagnostic> errors;
};

struct LoadedContent {
  ContentSet content;
  UiStrings strings;
  std::size_t error_count = 0;        // content + strings diagnostics
  std::vector<std::string> problems;  // the same as file:line:column lines (AppState::problems)
};

LoadedStrings load_strings(const std::filesystem::path& content_dir);

// The content with the strings: every diagnostic of both on stderr as file:line:column and in
// `problems`, which also says when there is no scenario at all. Never fails: a kiosk that starts
// out of service (the problems listed for managers) is better than one that does not.
LoadedContent combine(const std::filesystem::path& content_dir, ContentSet content, LoadedStrings strings);
LoadedContent load_everything(const std::filesystem::path& content_dir);

// The scenarios, parsed on a worker thread of their own.
struct ContentLoad {
  ContentSet content;
  double ms = 0;
};

// What the first frame needs: the strings, the glyph set and the font.
struct Prepared {
  LoadedStrings strings;
  std::vector<uint32_t> code_points;  // empty until collected (cold) or read from the cache (warm)
  std::optional<uint64_t> glyph_key;  // set when the glyph set has a cache key (atlas_cache.h)
  std::filesystem::path glyph_file;   // where the collected glyph set is kept ("" nowhere)
  bool glyphs_from_cache = false;
  std::string cache_note;  // why the cache was not used or written ("" when it was)
  std::optional<ChosenFont> font;
  double strings_ms = 0;
  double glyphs_ms = 0;
  double font_ms = 0;
};

using StartupLog = void (*)(const std::string& line);

// The strings and, on a warm start, the glyph set a previous start kept in `cache_dir` ("" none)
// and the font that covers it: all the first frame waits for. Without a kept glyph set, `font` and
// `code_points` stay empty and collect_glyph_set does the rest once the content is in.
// `extra_texts`: what the records hold that the screens show (operator names), so their glyphs are
// in the atlas too. `spare`: a spare terminal is configured (its texts join the glyph set). Both
// are part of the glyph set's cache key.
Prepared prepare(const std::filesystem::path& content_dir, const std::vector<std::string>& extra_texts, bool spare,
                 const std::filesystem::path& cache_dir, StartupLog log);

// A cold start: the glyph set from the strings and every scenario (which plays each one's best and
// critical path through the emulation to collect the terminal's screens and slips), kept for the
// next start unless the content is broken (the kiosk is out of service then, and the next start
// loads it again); then the font that covers it.
void collect_glyph_set(Prepared& p, const LoadedContent& loaded, std::vector<std::string> extra_texts, bool spare,
                       StartupLog log);

}  // namespace posdrill
