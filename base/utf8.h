// UTF-8: reading one character, and whether a text is well-formed. Every text posdrill shows
// or reads from a file is UTF-8. Header-only, standard library only: every layer may use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace posdrill {

// Decodes the one sequence starting at byte `i`: returns its length in bytes and sets `cp`, or
// returns 0 when the bytes at `i` are not a well-formed sequence (or i is past the end).
inline std::size_t decode_utf8_at(std::string_view s, std::size_t i, uint32_t& cp) {
  if (i >= s.size()) return 0;
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  std::size_t len = 0;
  uint32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    len = 2;
    cp = lead & 0x1Fu;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3;
    cp = lead & 0x0Fu;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4;
    cp = lead & 0x07u;
    min = 0x10000;
  } else {
    return 0;  // a continuation byte where a lead was expected, or 0xF8-0xFF
  }
  if (s.size() - i < len) return 0;  // truncated at the end of the text
  for (std::size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3Fu);
  }
  // Overlong forms would let one character hide behind several spellings; surrogates and values
  // past U+10FFFF are not characters at all.
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// True when `s` is well-formed UTF-8: no stray or missing continuation byte, no overlong form,
// no surrogate, nothing past U+10FFFF.
inline bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = 0;
    const std::size_t len = decode_utf8_at(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace posdrill
