// The codec fuzz property, shared by fuzz_codec_cup.cpp and fuzz_codec_interop.cpp: decoding
// arbitrary bytes must never crash, hang or read out of bounds; an accepted message must
// re-encode, decode back to the same message, and re-encode to the same bytes (the encoding is
// canonical). Built by run_fuzz.sh.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "device_bridge/crypto.h"
#include "device_bridge/framing.h"
#include "device_bridge/iso8583.h"

namespace posdrill::fuzz {

[[noreturn]] inline void fail(const char* target, const char* what, const CodecResult& r) {
  std::fprintf(stderr, "%s: %s: %s (%s, DE%d, offset %zu)\n", target, what, r.message.c_str(),
               codec_error_name(r.error), r.field, r.offset);
  std::abort();
}

// The whole property check, shared by the per-dialect targets.
inline int fuzz_codec_round_trip(Dialect dialect, const char* target, const uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  DecodeOptions check;
  check.mac_key = test_mac_key();  // exercise the MAC path on every accepted message
  IsoMessage message;
  DecodeInfo info;
  CodecResult r = decode(input, dialect, message, check, &info);
  if (!r.ok()) {
    if (!message.mti.empty() || !message.fields.empty()) fail(target, "a failed decode left data behind", r);
    if (r.offset > size) fail(target, "error offset past the input", r);
    return 0;
  }
  // Bounded: what was decoded cannot be bigger than what came in.
  std::size_t decoded = message.mti.size();
  for (const auto& [de, value] : message.fields) decoded += value.size();
  if (decoded > 2 * size) fail(target, "decoded more than the input holds", r);

  EncodeOptions options;
  options.envelope = info.envelope;
  std::string again;
  r = encode(message, dialect, again, options);
  if (!r.ok()) {
    // An 8-byte interop bitmap re-encodes as 16 bytes: only that may push a message over the limit.
    if (r.error == CodecError::too_long && size + 8 > max_frame_bytes) return 0;
    fail(target, "re-encode of a decoded message failed", r);
  }
  IsoMessage back;
  DecodeInfo back_info;
  r = decode(again, dialect, back, check, &back_info);
  if (!r.ok()) fail(target, "decode of the re-encoded message failed", r);
  if (back.mti != message.mti || back.fields != message.fields) fail(target, "round trip changed the message", r);
  if (back_info.envelope.tpdu != info.envelope.tpdu || back_info.envelope.header != info.envelope.header)
    fail(target, "round trip changed the envelope", r);
  std::string third;
  r = encode(back, dialect, third, options);
  if (!r.ok() || third != again) fail(target, "encoding is not canonical", r);
  return 0;
}

}  // namespace posdrill::fuzz
