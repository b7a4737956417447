#include <catch2/catch.hpp>

#include "device_bridge/framing.h"

using namespace posdrill;

TEST_CASE("frames survive arbitrary splits of the stream", "[framing]") {
  std::string stream = frame("hello") + frame(std::string(300, 'x')) + frame("z");
  for (std::size_t chunk = 1; chunk <= stream.size(); chunk += 7) {
    FrameReader r;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < stream.size(); i += chunk)
      REQUIRE(r.feed(std::string_view(stream).substr(i, chunk), out) == FrameReader::Error::none);
    REQUIRE(out.size() == 3);
    CHECK(out[0] == "hello");
    CHECK(out[1].size() == 300);
    CHECK(out[2] == "z");
    CHECK(r.buffered() == 0);
  }
}

TEST_CASE("oversized and empty frames fail the reader for good", "[framing]") {
  FrameReader r;
  std::vector<std::string> out;
  CHECK(r.feed(std::string("\x10\x01", 2), out) == FrameReader::Error::frame_too_long);
  CHECK(r.feed(frame("ok"), out) == FrameReader::Error::frame_too_long);
  CHECK(out.empty());
  FrameReader e;
  CHECK(e.feed(std::string("\x00\x00", 2), out) == FrameReader::Error::empty_frame);
  CHECK(frame("").empty());
  CHECK(frame(std::string(max_frame_bytes + 1, 'a')).empty());
}
