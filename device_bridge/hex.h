// Hex text <-> bytes, for logs, tools and test vectors (the codec has its own inner loop).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace posdrill {

// Bytes as hex text, lowercase unless `upper`.
std::string to_hex(std::string_view bytes, bool upper = false);
// Hex text (either case, even length, nothing else) as bytes; nullopt otherwise.
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace posdrill
