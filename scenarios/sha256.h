// SHA-256 of a byte string, as lowercase hex. Identifies the exact content file a trainee played
// (the same digest `sha256sum` prints), so an attempt can be tied to one version of a scenario.
#pragma once

#include <string>
#include <string_view>

namespace posdrill {

std::string sha256_hex(std::string_view bytes);

}  // namespace posdrill
