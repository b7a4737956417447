// Percent-encoding (RFC 3986 §2.1): every byte a caller's rule does not keep becomes %XX (upper-case
// hex). One function for the LRS query strings, the xAPI IRIs' path segments and SQLite's file URIs,
// which differ only in what they keep. Header-only, standard library only.
#pragma once

#include <string>
#include <string_view>

namespace posdrill {

template <typename Keep>
std::string percent_encode(std::string_view s, Keep keep) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (keep(c)) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// RFC 3986's unreserved characters: letters, digits and - _ . ~
inline bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

}  // namespace posdrill
