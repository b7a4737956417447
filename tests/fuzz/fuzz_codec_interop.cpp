// libFuzzer target: arbitrary bytes decoded as an interop (npm iso_8583) message; see fuzz_codec.h.
#include "fuzz_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  return posdrill::fuzz::fuzz_codec_round_trip(posdrill::Dialect::interop, "fuzz_codec_interop", data, size);
}
