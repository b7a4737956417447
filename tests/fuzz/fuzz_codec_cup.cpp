// libFuzzer target: arbitrary bytes decoded as a CUP message (TPDU + header + body); see fuzz_codec.h.
#include "fuzz_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  return posdrill::fuzz::fuzz_codec_round_trip(posdrill::Dialect::cup, "fuzz_codec_cup", data, size);
}
