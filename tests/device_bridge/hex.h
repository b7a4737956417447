// Hex helpers for the device-bridge tests: test vectors are written as hex text with spaces.
#pragma once

#include <string>
#include <string_view>

#include "device_bridge/hex.h"

namespace posdrill::test {

// Hex digits to bytes; spaces between groups are skipped. A malformed vector is a bug in the
// test itself, so it comes back empty and the assertion using it fails.
inline std::string unhex(std::string_view text) {
  std::string digits;
  for (char c : text)
    if (c != ' ') digits += c;
  return from_hex(digits).value_or(std::string());
}

// Bytes to uppercase hex.
inline std::string hex(std::string_view bytes) { return to_hex(bytes, true); }

}  // namespace posdrill::test
