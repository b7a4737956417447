// Decimal-digit helpers: ISO 8583 numeric fields, merchant and terminal ids, auth codes, IPv4
// labels and ports are digit strings. Header-only, standard library only: every layer may use it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace posdrill {

// Every character is 0-9 (true for ""; callers that need one digit at least say so).
inline bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 1 to 18 digits as a number; nullopt for anything else (no sign, no spaces).
inline std::optional<int64_t> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 18 || !all_digits(s)) return std::nullopt;
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// |v| in decimal, left-padded with zeros to `width`: zero_pad(42, 6) is "000042".
inline std::string zero_pad(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (int(s.size()) < width) s.insert(0, std::size_t(width) - s.size(), '0');
  return s;
}

}  // namespace posdrill
