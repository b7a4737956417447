// DE55 (ICC system related data) of a chip or contactless request: the EMV / PBOC data objects a
// CUP terminal sends with an online request the card approved with an ARQC, as BER-TLV. The
// emulated terminal has no chip to ask, so the cryptogram and the card's counters are TEST values
// (derived from the amount, trace and date, so they change from request to request); the host
// checks that the data is there and consistent with the message, never the cryptogram itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace posdrill {

// One BER-TLV data object: tag as its bytes (e.g. "\x9F\x26"), value as bytes.
struct TlvItem {
  std::string tag;
  std::string value;
};
// Splits BER-TLV bytes into data objects (primitive only, as DE55 carries them): 1–3 byte tags,
// lengths in one byte (< 0x80) or 0x81 / 0x82 forms. nullopt when the bytes are not well formed.
std::optional<std::vector<TlvItem>> parse_tlv(std::string_view bytes);
// Tag bytes as upper-case hex ("9F26"), for messages.
std::string tag_hex(std::string_view tag);

// What the terminal knows when it builds DE55.
struct IccRequest {
  int64_t amount_minor = 0;         // 9F02; 0 for a balance inquiry
  std::string date_yymmdd;          // 9A, the terminal's local date
  uint8_t transaction_type = 0x00;  // 9C: 0x00 goods and services, 0x03 pre-auth, 0x31 balance inquiry
  uint32_t trace = 0;               // the request's STAN: 9F41, and the test ATC / unpredictable number
  bool pin_entered = false;         // 9F34 CVM results: online PIN, or no CVM
};
// The DE55 bytes: 9F26 9F27 9F10 9F37 9F36 95 9A 9C 9F02 5F2A 82 9F1A 9F03 9F33 9F34 9F35 9F1E 84
// 9F09 9F41, in that order (README.md, "DE55").
std::string icc_request_data(const IccRequest& r);

// The tags a DE55 with an ARQC must carry (the CUP online list), and their lengths in bytes.
struct IccTag {
  std::string_view tag_hex;
  std::size_t length;
  std::string_view name;
};
const std::vector<IccTag>& icc_required_tags();

// What is wrong with a request's DE55, in one sentence naming the tag; "" when nothing is. Checks:
// well-formed BER-TLV, every required tag present once with its length, 9F27 an ARQC (0x80),
// 9F02 equal to `amount_minor` (DE4; 0 when the request has none), 5F2A and 9F1A 0156 (China).
std::string icc_request_problem(std::string_view de55, int64_t amount_minor);

}  // namespace posdrill
