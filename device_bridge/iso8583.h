// ISO 8583 codec: IsoMessage (iso_message.h) <-> the bytes inside one frame (framing.h), in two
// wire dialects. README.md ("CUP wire format", "Interop dialect") documents every field.
//
//   Dialect::cup      [TPDU 5][CUP header 6 BCD][MTI 2 BCD][bitmap 8 (+8)][fields]: numerics packed
//                     BCD, LL/LLL lengths BCD, an/ans ASCII, b raw, z BCD with '=' as nibble D.
//   Dialect::interop  [MTI 4 ASCII][bitmap 16][fields]: what npm iso_8583 2.6.x packs and unpacks
//                     with its default formats (ASCII numerics, ASCII decimal LL/LLL lengths).
//
// Contracts: pure functions, no I/O, no global state, nothing throws. Decoding is bounded: it never
// reads past `bytes`, never allocates more than `bytes.size()` implies, rejects inputs over
// max_frame_bytes and any length over the field's maximum, and answers every malformed input with a
// CodecError naming the data element and the byte offset.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "device_bridge/iso_message.h"

namespace posdrill {

enum class Dialect { cup, interop };

// ---------------------------------------------------------------------------------------------
// Field specification
// ---------------------------------------------------------------------------------------------

// n: digits; an: printable ASCII; ans: CUP any byte, interop printable ASCII; b: bytes;
// z: track digits with '=' as the separator.
enum class FieldType { n, an, ans, b, z };
enum class LengthForm { fixed, llvar, lllvar };
// Where a numeric value with an odd digit count sits in its BCD bytes (CUP only): left = digits
// first, pad nibble 0 at the end; right = pad nibble 0 first.
enum class Align { left, right };

struct FieldSpec {
  int number;        // data element, 2..128
  const char* name;  // English name, for messages and docs
  FieldType type;
  LengthForm form;
  int max_length;  // n/z: digits; an/ans/b: bytes. For fixed fields the exact length.
  Align align;     // CUP BCD padding of odd digit counts (README lists it per field)
};

// The spec of data element `de` in `dialect`, or nullptr when the dialect does not define it.
const FieldSpec* field_spec(Dialect dialect, int de);
// Every defined data element of `dialect`, ascending by number.
std::span<const FieldSpec> field_specs(Dialect dialect);

// ---------------------------------------------------------------------------------------------
// CUP envelope: TPDU and the 6-byte CUP header in front of the MTI
// ---------------------------------------------------------------------------------------------

struct CupEnvelope {
  std::string tpdu = "6000030000";      // 10 hex digits: ID 60, destination 0003, source 0000
  std::string header = "603100000000";  // 12 digits: 应用类别 60, 软件总版本 31, 终端状态 0,
                                        // 处理要求 0, 软件分版本 000000
};

inline constexpr std::size_t cup_tpdu_bytes = 5;
inline constexpr std::size_t cup_header_bytes = 6;
// Index of the 处理要求 (processing requirement) digit in CupEnvelope::header.
inline constexpr std::size_t cup_processing_requirement_digit = 5;

// True when the host's header asks the terminal to sign on again (处理要求 = 3).
bool asks_sign_on(const CupEnvelope& envelope);
// Sets 处理要求 to 3: the host's way to make the terminal sign on again.
void request_sign_on(CupEnvelope& envelope);
// The envelope a reply carries: the request's TPDU with destination and source swapped, same header.
CupEnvelope reply_envelope(const CupEnvelope& request);

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

enum class CodecError {
  none,
  truncated,       // the input ends inside the envelope, MTI, bitmap, a length prefix or a value
  bad_mti,         // MTI is not 4 decimal digits
  bad_bitmap,      // CUP: secondary bitmap announced but empty
  unknown_field,   // a data element the dialect does not define (bitmap bit or message key)
  bad_length,      // a length prefix that is not decimal, or a value of the wrong length
  bad_digit,       // a non-digit in n/z data, a non-BCD nibble, or a non-hex digit in hex text
  bad_char,        // a byte outside printable ASCII where the field type forbids it
  too_long,        // a length over the field maximum, or a message over max_frame_bytes
  missing_field,   // a message with no data element at all
  bad_envelope,    // CUP: TPDU not 10 hex digits or header not 12 digits (encode), header not BCD
  trailing_bytes,  // bytes left after the last data element
  bad_key,         // MAC key is not 8 or 16 bytes
  internal,        // out of memory; never expected
};

// "truncated", "bad_mti", ... (the enumerator's name).
const char* codec_error_name(CodecError error);

struct CodecResult {
  CodecError error = CodecError::none;
  int field = 0;           // data element where it happened; 0 = envelope, MTI or bitmap
  std::size_t offset = 0;  // byte offset in the input (decode) or output (encode)
  std::string message;     // one short English sentence, e.g. "DE35: length 40 over the maximum 37"

  bool ok() const { return error == CodecError::none; }
};

// ---------------------------------------------------------------------------------------------
// Encode / decode
// ---------------------------------------------------------------------------------------------

// MAC outcome of a decode (README.md "MAC"). The host answers A0 to mac_bad; the terminal
// reverses on it.
enum class MacStatus { not_checked, mac_ok, mac_bad, no_mac };
const char* mac_status_name(MacStatus status);

struct EncodeOptions {
  CupEnvelope envelope;  // CUP: written before the MTI. Ignored by interop.
  // Non-empty (8 or 16 bytes): DE64 is set and computed over the bytes from the first MTI byte up
  // to the byte before DE64; any DE64 value in the message is ignored.
  std::string_view mac_key;
};

struct DecodeOptions {
  std::string_view mac_key;  // non-empty (8 or 16 bytes): DE64 is checked, see DecodeInfo::mac
};

struct DecodeInfo {
  CupEnvelope envelope;  // CUP: TPDU and header as received
  MacStatus mac = MacStatus::not_checked;
};

// Encodes `message` into `out` (replaced; empty on error). The bitmap is derived from the present
// fields; fixed fields must have exactly their length (nothing is padded for you).
CodecResult encode(const IsoMessage& message, Dialect dialect, std::string& out, const EncodeOptions& options = {});

// Decodes one whole message (the bytes inside a frame) into `out` (replaced; cleared on error).
// With a MAC key, a decodable message with a bad or missing MAC still decodes: see info->mac.
CodecResult decode(std::string_view bytes, Dialect dialect, IsoMessage& out, const DecodeOptions& options = {},
                   DecodeInfo* info = nullptr);

}  // namespace posdrill
