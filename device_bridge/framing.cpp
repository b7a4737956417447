#include "device_bridge/framing.h"

namespace posdrill {

std::string frame(std::string_view body) {
  if (body.empty() || body.size() > max_frame_bytes) return {};
  std::string out;
  out.reserve(body.size() + 2);
  out += static_cast<char>((body.size() >> 8) & 0xff);
  out += static_cast<char>(body.size() & 0xff);
  out += body;
  return out;
}

FrameReader::Error FrameReader::feed(std::string_view bytes, std::vector<std::string>& out) {
  if (error_ != Error::none) return error_;
  buffer_.append(bytes);
  std::size_t pos = 0;
  while (buffer_.size() - pos >= 2) {
    std::size_t len = (std::size_t(uint8_t(buffer_[pos])) << 8) | uint8_t(buffer_[pos + 1]);
    if (len == 0) {
      error_ = Error::empty_frame;
      break;
    }
    if (len > max_frame_bytes) {
      error_ = Error::frame_too_long;
      break;
    }
    if (buffer_.size() - pos - 2 < len) break;
    out.emplace_back(buffer_, pos + 2, len);
    pos += 2 + len;
  }
  buffer_.erase(0, pos);
  if (error_ != Error::none) buffer_.clear();
  return error_;
}

const char* frame_error_text(FrameReader::Error e) {
  switch (e) {
    case FrameReader::Error::none: return "no error";
    case FrameReader::Error::empty_frame: return "a frame of length 0";
    case FrameReader::Error::frame_too_long: return "a frame longer than 4096 bytes";
  }
  return "?";
}

}  // namespace posdrill
