// The glyph set: every Unicode code point the kiosk can show. PURE.
//
// Why: a CJK font has ~30 000 glyphs; rasterizing all of them into the atlas costs 0.35-0.86 s and
// ~270 MB, while the common-Chinese preset misses everyday characters (咖啡 became ??). The kiosk
// starts with the texts it knows in advance (UI strings + content + names on record), so the
// platform builds the atlas from exactly those code points, and a test checks that every text is
// covered and that the font file really has the glyphs. Text that arrives later (a name typed on
// the kiosk, a store name from the LRS) goes through a GlyphSet: when it brings new code points
// the platform rebuilds the atlas between two frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/utf8.h"  // decode_utf8_at, is_valid_utf8: the kiosk decodes with them
#include "scenarios/model.h"

namespace posdrill {

class UiStrings;

// Decodes UTF-8 into code points. Robust on hostile input: a stray continuation byte, a truncated
// or overlong sequence, a surrogate (U+D800-DFFF) or a value above U+10FFFF is skipped one byte at
// a time, and decoding resumes at the next byte; it never reads past the end of `s`.
std::vector<uint32_t> decode_utf8(std::string_view s);

// Every text of one scenario a trainee can see, both languages: title, summary, merchant name,
// the host's decline text, step texts (narrative, customer, terminal screen, SMS, prompts, hints,
// choices, feedback) and the debrief. Views into `scenario`: keep it alive while using them.
std::vector<std::string_view> scenario_visible_texts(const Scenario& scenario);

// Every UI string (both languages), the topic titles and the terminal operation labels. Views
// into `strings` and into static tables.
std::vector<std::string_view> fixed_visible_texts(const UiStrings& strings);

// The code points the kiosk can show: printable ASCII (numbers, amounts, ids, ImGui's own '?'
// fallback) and every code point of the texts above. Not the "⟦⟧" of a missing key: neither CJK
// font has them, and they still show, as '?', around the key. Control
// characters (below U+0020, U+007F-U+009F) are left out: they are never drawn. Sorted, unique.
std::vector<uint32_t> collect_glyphs(const UiStrings& strings, const std::vector<Scenario>& scenarios);

// The code points the atlas holds, growing as texts arrive. Sorted and unique.
class GlyphSet {
 public:
  GlyphSet() = default;
  // Starts from a sorted, unique list (collect_glyphs, collect_kiosk_glyphs).
  explicit GlyphSet(std::vector<uint32_t> code_points);

  // Adds the drawable code points of `text` (as collect_glyphs counts them); returns how many
  // were not in the set before, so the caller knows when the atlas must grow.
  std::size_t add(std::string_view text);
  // Whether `cp` is in the set.
  // Adds code points from a sorted, unique list; returns how many are new.
  std::size_t add(const std::vector<uint32_t>& code_points);
  bool contains(uint32_t cp) const;
  // Whether every drawable code point of `text` is in the set.
  bool covers(std::string_view text) const;
  const std::vector<uint32_t>& code_points() const { return sorted_; }

 private:
  std::vector<uint32_t> sorted_;
};

// Whether `cp` is ever drawn (not a control character).
bool drawable_code_point(uint32_t cp);

}  // namespace posdrill
