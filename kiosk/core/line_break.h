// Line breaking for mixed Chinese and English text. PURE.
//
// Why not ImGui's own wrapping: it breaks only at spaces and cuts a run of Chinese anywhere,
// so a line may start with "，" or "。" and "35" may split into "3" / "5". Chinese typesetting
// (and Unicode's line-breaking algorithm, UAX #14, which this follows in a reduced form) allows a
// break between any two ideographs, but never before closing punctuation (，。、）」” …) or
// after opening punctuation (（「“ …), and never inside a Latin word or a number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace posdrill {

// One line: the bytes [begin, end) of the text. Spaces where the line was broken and the '\n'
// that ended it belong to no line.
struct LineSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Whether a line may break between code points `before` and `after`.
bool can_break_between(uint32_t before, uint32_t after);

// Breaks `text` (UTF-8) into lines no wider than `max_width`, where `advance(cp)` is the width of
// one code point (ImGui sums advances, without kerning, so this matches its measurement). A
// run with no break opportunity that is wider than a line is cut between characters; a line
// always holds at least one character, so a tiny width cannot loop forever. '\n' forces a break.
// Invalid UTF-8 bytes are kept in the spans with zero width. Empty text gives no line.
std::vector<LineSpan> break_lines(std::string_view text, float max_width,
                                  const std::function<float(uint32_t)>& advance);

// Breaks `text` as break_lines does but keeps at most `max_lines` lines; when it needs more, the
// last line kept holds the rest of the text cut at a code point so that it and "…" fit in
// `max_width`, with trailing spaces dropped. Returns the lines as strings (a table cell keeps its
// height and still shows most of a long name).
std::vector<std::string> clamp_lines(std::string_view text, float max_width, std::size_t max_lines,
                                     const std::function<float(uint32_t)>& advance);

}  // namespace posdrill
