// Line breaking (a reduced UAX #14 with the Chinese "no line-start / no line-end" punctuation rules).

#include "kiosk/core/line_break.h"

#include <algorithm>
#include <string_view>

#include "kiosk/core/glyphs.h"

namespace posdrill {

namespace {

bool is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == 0x3000; }

// Scripts written without spaces, where a line may break between any two characters.
bool is_ideographic(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x2FFF) ||  // radicals
         (cp >= 0x3000 && cp <= 0x303F) ||  // CJK symbols and punctuation
         (cp >= 0x3040 && cp <= 0x30FF) ||  // kana
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // unified ideographs
         (cp >= 0xAC00 && cp <= 0xD7AF) ||  // hangul
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // compatibility ideographs
         (cp >= 0xFE30 && cp <= 0xFE4F) ||  // compatibility forms
         (cp >= 0xFF00 && cp <= 0xFFEF) ||  // full-width forms
         (cp >= 0x20000 && cp <= 0x3FFFF);  // supplementary ideographs
}

// Closing punctuation and marks that must not begin a line (GB/T 15834 and JIS X 4051 practice).
bool no_line_start(uint32_t cp) {
  static constexpr std::u32string_view set =
      U"!),.:;?]}%"
      U"、。，．：；？！）］｝〕〉》」』】〙〗〟’”｠»"
      U"…‥·・ー々〻～〜％℃"
      U"ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ";
  return set.find(static_cast<char32_t>(cp)) != std::u32string_view::npos;
}

// Opening punctuation and prefixes that must not end a line.
bool no_line_end(uint32_t cp) {
  static constexpr std::u32string_view set = U"([{（［｛〔〈《「『【〘〖〝‘“｟«￥$¥";
  return set.find(static_cast<char32_t>(cp)) != std::u32string_view::npos;
}

}  // namespace

bool can_break_between(uint32_t before, uint32_t after) {
  if (is_space(after)) return false;  // spaces hang at the end of the line they follow
  if (no_line_start(after) || no_line_end(before)) return false;
  if (before == 0x2014 && after == 0x2014) return false;  // "——" is one dash
  if (is_space(before)) return true;
  return is_ideographic(before) || is_ideographic(after);
}

std::vector<LineSpan> break_lines(std::string_view text, float max_width,
                                  const std::function<float(uint32_t)>& advance) {
  std::vector<LineSpan> lines;
  auto emit = [&](std::size_t b, std::size_t e) {
    // Spaces before a break belong to no line.
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
    lines.push_back({b, e});
  };

  std::size_t line_start = 0;
  float width = 0.0f;           // width of [line_start, p)
  std::size_t last_break = 0;   // 0 or <= line_start: no break opportunity on this line yet
  float width_at_break = 0.0f;  // width of [line_start, last_break)
  uint32_t prev = 0;
  bool have_prev = false;

  std::size_t p = 0;
  while (p < text.size()) {
    uint32_t cp = 0;
    std::size_t len = decode_utf8_at(text, p, cp);
    if (len == 0) {  // an invalid byte: keep it in the line, give it no width
      ++p;
      continue;
    }
    if (cp == '\n') {
      emit(line_start, p);
      p += len;
      line_start = p;
      width = 0.0f;
      last_break = 0;
      have_prev = false;
      continue;
    }
    if (have_prev && p > line_start && can_break_between(prev, cp)) {
      last_break = p;
      width_at_break = width;
    }
    const float w = advance(cp);
    // A space never forces a break: it hangs past the edge and is trimmed.
    while (!is_space(cp) && width + w > max_width && p > line_start) {
      if (last_break > line_start) {
        emit(line_start, last_break);
        width -= width_at_break;
        line_start = last_break;
        // Leading spaces of the new line were dropped by the break rule (breaks sit before a
        // non-space), so nothing to skip here.
      } else {
        emit(line_start, p);  // no opportunity: cut between characters
        line_start = p;
        width = 0.0f;
      }
      last_break = 0;
    }
    width += w;
    prev = cp;
    have_prev = true;
    p += len;
  }
  if (line_start < text.size()) emit(line_start, text.size());
  return lines;
}

std::vector<std::string> clamp_lines(std::string_view text, float max_width, std::size_t max_lines,
                                     const std::function<float(uint32_t)>& advance) {
  const std::vector<LineSpan> spans = break_lines(text, max_width, advance);
  const std::size_t keep = std::min(spans.size(), std::max<std::size_t>(1, max_lines));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < keep; ++i)
    out.emplace_back(text.substr(spans[i].begin, spans[i].end - spans[i].begin));
  if (keep == spans.size()) return out;
  // The rest of the text from the last kept line on, measured code point by code point.
  constexpr uint32_t ellipsis_cp = 0x2026;
  const float room = max_width - advance(ellipsis_cp);
  const std::string_view rest = text.substr(spans[keep - 1].begin);
  std::size_t end = 0;
  float width = 0;
  for (std::size_t p = 0; p < rest.size();) {
    uint32_t cp = 0;
    const std::size_t len = decode_utf8_at(rest, p, cp);
    if (cp == '\n' || width + advance(cp) > room) break;
    width += advance(cp);
    p += len;
    end = p;
  }
  std::string last(rest.substr(0, end));
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.pop_back();
  last += "\u2026";
  out.back() = std::move(last);
  return out;
}

}  // namespace posdrill
