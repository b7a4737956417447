// Stream framing for terminal <-> host links: every message travels as a 2-byte big-endian length
// followed by that many bytes (the CUP and the interop dialects both use it). FrameReader splits
// a byte stream that arrives in arbitrary pieces back into whole frames, with a hard size bound so
// a peer sending garbage cannot make it allocate without limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace posdrill {

// Largest frame body accepted. ISO 8583 terminal messages are a few hundred bytes.
inline constexpr std::size_t max_frame_bytes = 4096;

// Prefixes `body` with its 2-byte length. Returns "" when body is empty or too long.
std::string frame(std::string_view body);

class FrameReader {
 public:
  enum class Error { none, empty_frame, frame_too_long };

  // Adds received bytes; appends every completed frame body to `out`. After an error the reader
  // stays failed (the connection should be dropped): framing cannot resynchronise by itself.
  Error feed(std::string_view bytes, std::vector<std::string>& out);
  Error error() const { return error_; }
  std::size_t buffered() const { return buffer_.size(); }

 private:
  std::string buffer_;
  Error error_ = Error::none;
};

const char* frame_error_text(FrameReader::Error e);

}  // namespace posdrill
