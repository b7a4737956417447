// The kiosk's UI strings (content/ui/strings.yaml): every text on the screens, keyed, in zh and en.
// PURE: standard library + yaml-cpp. The code names keys only; the texts live in the file so a
// trainer can reword a screen without a programmer, and so the glyph set (glyphs.h) can be built
// from exactly what the kiosk will show.
#pragma once

#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/loader.h"
#include "scenarios/text.h"

namespace posdrill {

// Where the strings file sits inside a content folder.
std::filesystem::path ui_strings_path(const std::filesystem::path& content_dir);

// A strings file larger than this is refused (the real one is a few KiB).
inline constexpr std::size_t max_ui_strings_bytes = 256 * 1024;
// More entries than this are refused, whatever the file size.
inline constexpr std::size_t max_ui_strings_entries = 4096;

class UiStrings {
 public:
  // The text for `key` in `lang`. An unknown key gives "⟦key⟧": visible on screen, so a missing
  // string is noticed in review, and never a crash or an empty button. A key loaded with only one
  // language gives that language (the loader has already reported the gap).
  std::string tr(std::string_view key, Lang lang) const;
  bool contains(std::string_view key) const;

  // Adds or replaces one entry (the loader and tests use it).
  void set(std::string key, Text text);
  const std::map<std::string, Text, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, Text, std::less<>> entries_;
};

// The visible stand-in for an unknown key: "⟦key⟧".
std::string missing_key_placeholder(std::string_view key);

// Replaces every "{n}" in `pattern` with `value`. Other braces are left alone.
std::string fill_count(std::string_view pattern, long long value);

// Replaces each "{name}" in `pattern` with its value, in one pass (the devices' texts fill theirs
// the same way: fill_placeholders). Names not given are left as written.
std::string fill_fields(std::string_view pattern,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

// Picks `base + "_one"` when count == 1, else `base + "_other"`, and fills "{n}" with the count.
// English needs the two forms; Chinese simply repeats the text in both.
std::string tr_count(const UiStrings& strings, std::string_view base, long long count, Lang lang);

// Parses a strings file's text. Every problem becomes a Diagnostic naming file:line:column
// (1-based) and what was expected. Valid entries are kept even when others are broken, so the
// kiosk still shows every text it can. `file` is used in diagnostics only.
std::vector<Diagnostic> load_ui_strings_text(std::string_view text, const std::string& file, UiStrings& out);

// Reads and parses a strings file, at most max_ui_strings_bytes.
std::vector<Diagnostic> load_ui_strings(const std::filesystem::path& path, UiStrings& out);

}  // namespace posdrill
