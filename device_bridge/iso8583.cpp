// [SECTION] Field tables (CUP, interop)
// [SECTION] Envelope helpers
// [SECTION] Error text
// [SECTION] Low-level helpers: hex, BCD, character classes
// [SECTION] Field encode / decode
// [SECTION] encode()
// [SECTION] decode()
#include "device_bridge/iso8583.h"

#include <array>
#include <new>

#include "device_bridge/crypto.h"
#include "device_bridge/framing.h"

namespace posdrill {

namespace {

// [SECTION] Field tables (CUP, interop)

using F = FieldType;
using L = LengthForm;
using A = Align;

// CUP terminal values (UnionPay POS terminal message spec). Variable numerics are left-aligned
// (pad nibble last); DE22 is left-aligned and DE23 right-aligned as the CUP field notes say.
// DE70 and DE90 are not used by CUP terminals: they are here so the secondary bitmap path exists
// and matches the interop table.
constexpr std::array<FieldSpec, 33> cup_fields = {{
    {2, "Primary account number", F::n, L::llvar, 19, A::left},
    {3, "Processing code", F::n, L::fixed, 6, A::right},
    {4, "Amount, transaction", F::n, L::fixed, 12, A::right},
    {11, "System trace audit number", F::n, L::fixed, 6, A::right},
    {12, "Time, local transaction", F::n, L::fixed, 6, A::right},
    {13, "Date, local transaction", F::n, L::fixed, 4, A::right},
    {14, "Date, expiration", F::n, L::fixed, 4, A::right},
    {22, "Point of service entry mode", F::n, L::fixed, 3, A::left},
    {23, "Card sequence number", F::n, L::fixed, 3, A::right},
    {25, "Point of service condition code", F::n, L::fixed, 2, A::right},
    {26, "Point of service PIN capture code", F::n, L::fixed, 2, A::right},
    {32, "Acquiring institution identification code", F::n, L::llvar, 11, A::left},
    {35, "Track 2 data", F::z, L::llvar, 37, A::left},
    {36, "Track 3 data", F::z, L::lllvar, 104, A::left},
    {37, "Retrieval reference number", F::an, L::fixed, 12, A::left},
    {38, "Authorization identification response", F::an, L::fixed, 6, A::left},
    {39, "Response code", F::an, L::fixed, 2, A::left},
    {41, "Card acceptor terminal identification", F::ans, L::fixed, 8, A::left},
    {42, "Card acceptor identification code", F::ans, L::fixed, 15, A::left},
    {44, "Additional response data", F::an, L::llvar, 25, A::left},
    {48, "Additional data - private", F::n, L::lllvar, 322, A::left},
    {49, "Currency code, transaction", F::an, L::fixed, 3, A::left},
    {52, "PIN data", F::b, L::fixed, 8, A::left},
    {53, "Security related control information", F::n, L::fixed, 16, A::right},
    {54, "Additional amounts (balance)", F::an, L::lllvar, 20, A::left},
    {55, "ICC system related data", F::b, L::lllvar, 255, A::left},
    {60, "Reserved private (CUP 60: type, batch, network code)", F::n, L::lllvar, 17, A::left},
    {61, "Original message data (batch, trace, date)", F::n, L::lllvar, 29, A::left},
    {62, "Reserved private (CUP 62)", F::ans, L::lllvar, 512, A::left},
    {63, "Reserved private (CUP 63)", F::ans, L::lllvar, 163, A::left},
    {64, "Message authentication code", F::b, L::fixed, 8, A::left},
    {70, "Network management information code", F::n, L::fixed, 3, A::right},
    {90, "Original data elements", F::n, L::fixed, 42, A::right},
}};

// npm iso_8583 2.6.7 lib/formats.js defaults for the same elements. Its `anp` (DE37, DE38) is
// written as an here; its b MaxLen counts hex digits, so b 16 / 96 / 8 are 8 / 48 / 4 bytes. DE55
// (ans there) carries our binary value as lowercase hex text.
constexpr std::array<FieldSpec, 33> interop_fields = {{
    {2, "Primary account number", F::n, L::llvar, 19, A::left},
    {3, "Processing code", F::n, L::fixed, 6, A::left},
    {4, "Amount, transaction", F::n, L::fixed, 12, A::left},
    {11, "System trace audit number", F::n, L::fixed, 6, A::left},
    {12, "Time, local transaction", F::n, L::fixed, 6, A::left},
    {13, "Date, local transaction", F::n, L::fixed, 4, A::left},
    {14, "Date, expiration", F::n, L::fixed, 4, A::left},
    {22, "Point of service entry mode", F::n, L::fixed, 3, A::left},
    {23, "Card sequence number", F::n, L::fixed, 3, A::left},
    {25, "Point of service condition code", F::n, L::fixed, 2, A::left},
    {26, "Point of service PIN capture code", F::n, L::fixed, 2, A::left},
    {32, "Acquiring institution identification code", F::n, L::llvar, 11, A::left},
    {35, "Track 2 data", F::z, L::llvar, 37, A::left},
    {36, "Track 3 data", F::n, L::lllvar, 104, A::left},
    {37, "Retrieval reference number", F::an, L::fixed, 12, A::left},
    {38, "Authorization identification response", F::an, L::fixed, 6, A::left},
    {39, "Response code", F::an, L::fixed, 2, A::left},
    {41, "Card acceptor terminal identification", F::ans, L::fixed, 8, A::left},
    {42, "Card acceptor identification code", F::ans, L::fixed, 15, A::left},
    {44, "Additional response data", F::ans, L::llvar, 25, A::left},
    {48, "Additional data - private", F::ans, L::lllvar, 999, A::left},
    {49, "Currency code, transaction", F::n, L::fixed, 3, A::left},
    {52, "PIN data", F::b, L::fixed, 8, A::left},
    {53, "Security related control information", F::b, L::fixed, 48, A::left},
    {54, "Additional amounts", F::an, L::lllvar, 120, A::left},
    {55, "ICC system related data (hex text)", F::b, L::lllvar, 499, A::left},
    {60, "Reserved national", F::ans, L::lllvar, 999, A::left},
    {61, "Reserved private", F::ans, L::lllvar, 999, A::left},
    {62, "Reserved private", F::ans, L::lllvar, 999, A::left},
    {63, "Reserved private", F::ans, L::lllvar, 999, A::left},
    {64, "Message authentication code", F::b, L::fixed, 4, A::left},
    {70, "Network management information code", F::n, L::fixed, 3, A::left},
    {90, "Original data elements", F::n, L::fixed, 42, A::left},
}};

// Data element number -> position in its table (-1: undefined), so lookups cost one index.
template <std::size_t N>
constexpr std::array<int8_t, 129> make_index(const std::array<FieldSpec, N>& table) {
  std::array<int8_t, 129> index{};
  for (auto& i : index) i = -1;
  for (std::size_t i = 0; i < N; ++i) index[table[i].number] = int8_t(i);
  return index;
}
constexpr auto cup_index = make_index(cup_fields);
constexpr auto interop_index = make_index(interop_fields);

}  // namespace

const FieldSpec* field_spec(Dialect dialect, int de) {
  if (de < 0 || de > 128) return nullptr;
  int i = dialect == Dialect::cup ? cup_index[de] : interop_index[de];
  if (i < 0) return nullptr;
  return dialect == Dialect::cup ? &cup_fields[i] : &interop_fields[i];
}

std::span<const FieldSpec> field_specs(Dialect dialect) {
  if (dialect == Dialect::cup) return cup_fields;
  return interop_fields;
}

// [SECTION] Envelope helpers

bool asks_sign_on(const CupEnvelope& envelope) {
  return envelope.header.size() > cup_processing_requirement_digit &&
         envelope.header[cup_processing_requirement_digit] == '3';
}

void request_sign_on(CupEnvelope& envelope) {
  if (envelope.header.size() > cup_processing_requirement_digit)
    envelope.header[cup_processing_requirement_digit] = '3';
}

CupEnvelope reply_envelope(const CupEnvelope& request) {
  CupEnvelope reply = request;
  if (request.tpdu.size() == 10)
    reply.tpdu = request.tpdu.substr(0, 2) + request.tpdu.substr(6, 4) + request.tpdu.substr(2, 4);
  return reply;
}

// [SECTION] Error text

const char* codec_error_name(CodecError error) {
  switch (error) {
    case CodecError::none:
      return "none";
    case CodecError::truncated:
      return "truncated";
    case CodecError::bad_mti:
      return "bad_mti";
    case CodecError::bad_bitmap:
      return "bad_bitmap";
    case CodecError::unknown_field:
      return "unknown_field";
    case CodecError::bad_length:
      return "bad_length";
    case CodecError::bad_digit:
      return "bad_digit";
    case CodecError::bad_char:
      return "bad_char";
    case CodecError::too_long:
      return "too_long";
    case CodecError::missing_field:
      return "missing_field";
    case CodecError::bad_envelope:
      return "bad_envelope";
    case CodecError::trailing_bytes:
      return "trailing_bytes";
    case CodecError::bad_key:
      return "bad_key";
    case CodecError::internal:
      return "internal";
  }
  return "?";
}

const char* mac_status_name(MacStatus status) {
  switch (status) {
    case MacStatus::not_checked:
      return "not_checked";
    case MacStatus::mac_ok:
      return "mac_ok";
    case MacStatus::mac_bad:
      return "mac_bad";
    case MacStatus::no_mac:
      return "no_mac";
  }
  return "?";
}

namespace {

std::string where(int field) {
  if (field > 0) return "DE" + std::to_string(field);
  return "message";
}

CodecResult fail(CodecError error, int field, std::size_t offset, const std::string& what) {
  CodecResult r;
  r.error = error;
  r.field = field;
  r.offset = offset;
  r.message = where(field) + ": " + what;
  return r;
}

// [SECTION] Low-level helpers: hex, BCD, character classes

const char hex_lower[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_printable(char c) { return c >= 0x20 && c <= 0x7e; }

// Index of the first character not allowed in a value of `type` (npos when all are fine).
std::size_t first_bad_char(FieldType type, Dialect dialect, std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    bool ok = true;
    switch (type) {
      case FieldType::n:
        ok = is_digit(c);
        break;
      case FieldType::z:
        ok = is_digit(c) || c == '=';
        break;
      case FieldType::an:
        ok = is_printable(c);
        break;
      // CUP ans fields carry GBK text and, in DE62 of a sign-on answer, key bytes.
      case FieldType::ans:
        ok = dialect == Dialect::cup || is_printable(c);
        break;
      case FieldType::b:
        break;
    }
    if (!ok) return i;
  }
  return std::string_view::npos;
}

bool numeric_type(FieldType t) { return t == FieldType::n || t == FieldType::z; }

// Packs digits ('=' becomes nibble D) into BCD; an odd count gets a 0 pad nibble first (right
// align) or last (left align).
void put_bcd(std::string& out, std::string_view digits, Align align) {
  auto nibble = [](char c) { return c == '=' ? 0x0d : c - '0'; };
  const std::size_t n = digits.size();
  const std::size_t first = (n % 2 != 0 && align == Align::right) ? 1 : 0;  // nibble index of digits[0]
  auto at = [&](std::size_t k) { return k < first || k - first >= n ? 0 : nibble(digits[k - first]); };
  for (std::size_t k = 0; k < n + n % 2; k += 2) out += char((at(k) << 4) | at(k + 1));
}

// Unpacks `count` digits from `bytes` (exactly (count + 1) / 2 of them). The pad nibble of an odd
// count may be 0 or F; nibble D is '=' when `track`. Returns the index of the first bad byte, or
// npos.
std::size_t get_bcd(std::string_view bytes, std::size_t count, Align align, bool track, std::string& out) {
  out.clear();
  out.reserve(count);
  std::size_t nibbles = bytes.size() * 2;
  std::size_t skip = nibbles - count;  // 0 or 1
  for (std::size_t k = 0; k < nibbles; ++k) {
    uint8_t b = uint8_t(bytes[k / 2]);
    unsigned v = k % 2 == 0 ? b >> 4 : b & 0x0f;
    bool is_pad = skip != 0 && (align == Align::right ? k == 0 : k == nibbles - 1);
    if (is_pad) {
      if (v != 0 && v != 0x0f) return k / 2;
      continue;
    }
    if (v <= 9)
      out += char('0' + v);
    else if (track && v == 0x0d)
      out += '=';
    else
      return k / 2;
  }
  return std::string_view::npos;
}

// [SECTION] Field encode / decode

// Bytes a value of `count` units occupies on the wire (not counting its length prefix).
std::size_t wire_size(const FieldSpec& spec, Dialect dialect, std::size_t count) {
  if (dialect == Dialect::cup && numeric_type(spec.type)) return (count + 1) / 2;
  return count;
}

std::size_t prefix_digits(LengthForm form) {
  return form == LengthForm::llvar ? 2 : form == LengthForm::lllvar ? 3 : 0;
}

CodecResult encode_field(const FieldSpec& spec, Dialect dialect, std::string_view value, std::string& out) {
  const int de = spec.number;
  const std::size_t at = out.size();
  std::size_t bad = first_bad_char(spec.type, dialect, value);
  if (bad != std::string_view::npos) {
    CodecError e = numeric_type(spec.type) ? CodecError::bad_digit : CodecError::bad_char;
    return fail(e, de, at, "character " + std::to_string(bad) + " is not allowed in a field of this type");
  }
  std::size_t len = value.size();
  if (spec.form == LengthForm::fixed) {
    if (len != std::size_t(spec.max_length))
      return fail(CodecError::bad_length, de, at,
                  "length " + std::to_string(len) + " but the field is fixed at " + std::to_string(spec.max_length));
  } else if (len > std::size_t(spec.max_length)) {
    return fail(CodecError::too_long, de, at,
                "length " + std::to_string(len) + " over the maximum " + std::to_string(spec.max_length));
  }
  // Interop binary variable data travels as hex text, so its prefix counts hex digits.
  bool hex_text = dialect == Dialect::interop && spec.type == FieldType::b && spec.form != LengthForm::fixed;
  std::size_t count = hex_text ? 2 * len : len;
  if (std::size_t digits = prefix_digits(spec.form)) {
    if (dialect == Dialect::cup) {
      if (digits == 2) {
        out += char(((count / 10) << 4) | (count % 10));
      } else {
        out += char(count / 100);
        out += char((((count / 10) % 10) << 4) | (count % 10));
      }
    } else {
      if (digits == 3) out += char('0' + count / 100);
      out += char('0' + (count / 10) % 10);
      out += char('0' + count % 10);
    }
  }
  if (dialect == Dialect::cup && numeric_type(spec.type)) {
    put_bcd(out, value, spec.align);
  } else if (hex_text) {
    for (char c : value) {
      out += hex_lower[uint8_t(c) >> 4];
      out += hex_lower[uint8_t(c) & 0x0f];
    }
  } else {
    out += value;
  }
  return {};
}

struct Reader {
  std::string_view in;
  std::size_t pos = 0;
  std::size_t left() const { return in.size() - pos; }
};

CodecResult decode_field(const FieldSpec& spec, Dialect dialect, Reader& r, std::string& value) {
  const int de = spec.number;
  bool hex_text = dialect == Dialect::interop && spec.type == FieldType::b && spec.form != LengthForm::fixed;
  std::size_t count = std::size_t(spec.max_length);
  if (std::size_t digits = prefix_digits(spec.form)) {
    std::size_t prefix_bytes = dialect == Dialect::cup ? (digits + 1) / 2 : digits;
    if (r.left() < prefix_bytes)
      return fail(CodecError::truncated, de, r.pos, "the input ends inside the length prefix");
    count = 0;
    for (std::size_t i = 0; i < prefix_bytes; ++i) {
      uint8_t b = uint8_t(r.in[r.pos + i]);
      if (dialect == Dialect::cup) {
        if ((b >> 4) > 9 || (b & 0x0f) > 9)
          return fail(CodecError::bad_length, de, r.pos + i, "length prefix is not BCD");
        count = count * 100 + (b >> 4) * 10 + (b & 0x0f);
      } else {
        if (!is_digit(char(b))) return fail(CodecError::bad_length, de, r.pos + i, "length prefix is not decimal");
        count = count * 10 + (b - '0');
      }
    }
    std::size_t max_count = hex_text ? 2 * std::size_t(spec.max_length) : std::size_t(spec.max_length);
    if (count > max_count)
      return fail(CodecError::too_long, de, r.pos,
                  "length " + std::to_string(count) + " over the maximum " + std::to_string(max_count));
    if (hex_text && count % 2 != 0)
      return fail(CodecError::bad_length, de, r.pos, "hex text of odd length " + std::to_string(count));
    r.pos += prefix_bytes;
  }
  std::size_t size = wire_size(spec, dialect, count);
  if (r.left() < size)
    return fail(CodecError::truncated, de, r.pos,
                "the input ends inside the value (needs " + std::to_string(size) + " bytes, " +
                    std::to_string(r.left()) + " left)");
  std::string_view raw = r.in.substr(r.pos, size);
  if (dialect == Dialect::cup && numeric_type(spec.type)) {
    std::size_t bad = get_bcd(raw, count, spec.align, spec.type == FieldType::z, value);
    if (bad != std::string_view::npos) return fail(CodecError::bad_digit, de, r.pos + bad, "byte is not BCD");
  } else if (hex_text) {
    value.clear();
    value.reserve(count / 2);
    for (std::size_t i = 0; i < count; i += 2) {
      int hi = hex_value(raw[i]), lo = hex_value(raw[i + 1]);
      if (hi < 0 || lo < 0) return fail(CodecError::bad_digit, de, r.pos + i + (hi < 0 ? 0 : 1), "not a hex digit");
      value += char((hi << 4) | lo);
    }
  } else {
    std::size_t bad = first_bad_char(spec.type, dialect, raw);
    if (bad != std::string_view::npos) {
      CodecError e = numeric_type(spec.type) ? CodecError::bad_digit : CodecError::bad_char;
      return fail(e, de, r.pos + bad, "byte is not allowed in a field of this type");
    }
    value.assign(raw);
  }
  r.pos += size;
  return {};
}

bool is_mti(std::string_view mti) {
  if (mti.size() != 4) return false;
  for (char c : mti)
    if (!is_digit(c)) return false;
  return true;
}

// Constant-time comparison: a MAC check should not reveal how many leading bytes matched.
bool same_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= uint8_t(a[i]) ^ uint8_t(b[i]);
  return diff == 0;
}

// The DE64 value for MAC data `mab`: CUP carries the 8 hex characters, interop their 4 bytes.
std::string mac_value(std::string_view mab, std::string_view key, Dialect dialect) {
  std::string mac = compute_mac(mab, key);
  if (dialect == Dialect::cup) return mac;
  std::string raw;
  for (std::size_t i = 0; i + 1 < mac.size(); i += 2) raw += char((hex_value(mac[i]) << 4) | hex_value(mac[i + 1]));
  return raw;
}

// [SECTION] encode()

CodecResult encode_impl(const IsoMessage& message, Dialect dialect, std::string& out, const EncodeOptions& options) {
  out.clear();
  const bool with_mac = !options.mac_key.empty();
  if (with_mac && options.mac_key.size() != 8 && options.mac_key.size() != 16)
    return fail(CodecError::bad_key, 64, 0, "MAC key must be 8 or 16 bytes");

  if (dialect == Dialect::cup) {
    const std::string& tpdu = options.envelope.tpdu;
    const std::string& header = options.envelope.header;
    bool tpdu_ok = tpdu.size() == 2 * cup_tpdu_bytes;
    for (char c : tpdu) tpdu_ok = tpdu_ok && hex_value(c) >= 0;
    if (!tpdu_ok) return fail(CodecError::bad_envelope, 0, 0, "TPDU must be 10 hex digits");
    bool header_ok = header.size() == 2 * cup_header_bytes;
    for (char c : header) header_ok = header_ok && is_digit(c);
    if (!header_ok) return fail(CodecError::bad_envelope, 0, 0, "CUP header must be 12 digits");
    for (std::size_t i = 0; i < tpdu.size(); i += 2) out += char((hex_value(tpdu[i]) << 4) | hex_value(tpdu[i + 1]));
    put_bcd(out, header, Align::left);
  }

  const std::size_t mti_at = out.size();
  if (!is_mti(message.mti)) return fail(CodecError::bad_mti, 0, mti_at, "MTI must be 4 digits");
  if (dialect == Dialect::cup)
    put_bcd(out, message.mti, Align::left);
  else
    out += message.mti;

  // Bitmap from the present fields (+ DE64 when we compute the MAC).
  std::array<uint8_t, 16> bitmap{};
  bool secondary = dialect == Dialect::interop;  // npm iso_8583 always writes both halves
  bool any = false;
  auto mark = [&](int de) {
    bitmap[(de - 1) / 8] |= uint8_t(0x80 >> ((de - 1) % 8));
    if (de > 64) secondary = true;
    any = true;
  };
  for (const auto& [de, value] : message.fields) {
    if (!field_spec(dialect, de) || de < 2)
      return fail(CodecError::unknown_field, de, mti_at, "not defined in this dialect");
    mark(de);
  }
  if (with_mac) mark(64);
  if (!any) return fail(CodecError::missing_field, 0, mti_at, "a message needs at least one data element");
  if (secondary) bitmap[0] |= 0x80;
  out.append(reinterpret_cast<const char*>(bitmap.data()), secondary ? 16 : 8);

  auto it = message.fields.begin();
  for (int de = 2; de <= 128; ++de) {
    bool present = it != message.fields.end() && it->first == de;
    const std::string* value = present ? &it->second : nullptr;
    if (present) ++it;
    if (de == 64 && with_mac) {
      std::string mac = mac_value(std::string_view(out).substr(mti_at), options.mac_key, dialect);
      CodecResult r = encode_field(*field_spec(dialect, 64), dialect, mac, out);
      if (!r.ok()) return r;
      continue;
    }
    if (!value) continue;
    CodecResult r = encode_field(*field_spec(dialect, de), dialect, *value, out);
    if (!r.ok()) {
      out.clear();
      return r;
    }
  }
  if (out.size() > max_frame_bytes)
    return fail(
        CodecError::too_long, 0, out.size(),
        "encoded size " + std::to_string(out.size()) + " over the frame limit " + std::to_string(max_frame_bytes));
  return {};
}

// [SECTION] decode()

CodecResult decode_impl(std::string_view bytes, Dialect dialect, IsoMessage& out, const DecodeOptions& options,
                        DecodeInfo* info) {
  out = IsoMessage{};
  if (info) *info = DecodeInfo{};
  const bool with_mac = !options.mac_key.empty();
  if (with_mac && options.mac_key.size() != 8 && options.mac_key.size() != 16)
    return fail(CodecError::bad_key, 64, 0, "MAC key must be 8 or 16 bytes");
  if (bytes.size() > max_frame_bytes)
    return fail(
        CodecError::too_long, 0, 0,
        "input of " + std::to_string(bytes.size()) + " bytes over the frame limit " + std::to_string(max_frame_bytes));

  Reader r{bytes};
  IsoMessage msg;
  CupEnvelope envelope;
  if (dialect == Dialect::cup) {
    if (r.left() < cup_tpdu_bytes + cup_header_bytes)
      return fail(CodecError::truncated, 0, 0, "the input ends inside the TPDU and CUP header");
    envelope.tpdu.clear();
    for (std::size_t i = 0; i < cup_tpdu_bytes; ++i) {
      envelope.tpdu += "0123456789ABCDEF"[uint8_t(bytes[i]) >> 4];
      envelope.tpdu += "0123456789ABCDEF"[uint8_t(bytes[i]) & 0x0f];
    }
    std::size_t bad = get_bcd(bytes.substr(cup_tpdu_bytes, cup_header_bytes), 12, Align::left, false, envelope.header);
    if (bad != std::string_view::npos)
      return fail(CodecError::bad_envelope, 0, cup_tpdu_bytes + bad, "CUP header is not BCD");
    r.pos = cup_tpdu_bytes + cup_header_bytes;
  }

  const std::size_t mti_at = r.pos;
  std::size_t mti_bytes = dialect == Dialect::cup ? 2 : 4;
  if (r.left() < mti_bytes) return fail(CodecError::truncated, 0, r.pos, "the input ends inside the MTI");
  if (dialect == Dialect::cup) {
    if (get_bcd(bytes.substr(r.pos, 2), 4, Align::left, false, msg.mti) != std::string_view::npos)
      return fail(CodecError::bad_mti, 0, r.pos, "MTI is not BCD");
  } else {
    msg.mti.assign(bytes.substr(r.pos, 4));
    if (!is_mti(msg.mti)) return fail(CodecError::bad_mti, 0, r.pos, "MTI is not 4 ASCII digits");
  }
  r.pos += mti_bytes;

  const std::size_t bitmap_at = r.pos;
  if (r.left() < 8) return fail(CodecError::truncated, 0, r.pos, "the input ends inside the bitmap");
  std::array<uint8_t, 16> bitmap{};
  for (std::size_t i = 0; i < 8; ++i) bitmap[i] = uint8_t(bytes[r.pos + i]);
  r.pos += 8;
  bool secondary = (bitmap[0] & 0x80) != 0;
  if (secondary) {
    if (r.left() < 8) return fail(CodecError::truncated, 0, r.pos, "the input ends inside the secondary bitmap");
    bool empty = true;
    for (std::size_t i = 0; i < 8; ++i) {
      bitmap[8 + i] = uint8_t(bytes[r.pos + i]);
      empty = empty && bitmap[8 + i] == 0;
    }
    // CUP writes the secondary bitmap only when a field above 64 is present; npm iso_8583 always does.
    if (empty && dialect == Dialect::cup)
      return fail(CodecError::bad_bitmap, 0, r.pos, "secondary bitmap announced but empty");
    r.pos += 8;
  }

  std::size_t mac_at = 0;
  bool any = false;
  std::string value;
  for (int de = 2; de <= (secondary ? 128 : 64); ++de) {
    if (!(bitmap[(de - 1) / 8] & (0x80 >> ((de - 1) % 8)))) continue;
    any = true;
    const FieldSpec* spec = field_spec(dialect, de);
    if (!spec)
      return fail(CodecError::unknown_field, de, bitmap_at, "bitmap marks a field this dialect does not define");
    if (de == 64) mac_at = r.pos;
    CodecResult res = decode_field(*spec, dialect, r, value);
    if (!res.ok()) return res;
    msg.fields.emplace_hint(msg.fields.end(), de, std::move(value));
    value = std::string();
  }
  if (!any) return fail(CodecError::missing_field, 0, bitmap_at, "the bitmap marks no data element");
  if (r.left() != 0)
    return fail(CodecError::trailing_bytes, 0, r.pos, std::to_string(r.left()) + " bytes after the last data element");

  MacStatus mac = MacStatus::not_checked;
  if (with_mac) {
    if (!msg.has(64)) {
      mac = MacStatus::no_mac;
    } else {
      std::string expected = mac_value(bytes.substr(mti_at, mac_at - mti_at), options.mac_key, dialect);
      mac = same_bytes(expected, msg.get(64)) ? MacStatus::mac_ok : MacStatus::mac_bad;
    }
  }
  out = std::move(msg);
  if (info) {
    info->envelope = std::move(envelope);
    info->mac = mac;
  }
  return {};
}

}  // namespace

CodecResult encode(const IsoMessage& message, Dialect dialect, std::string& out, const EncodeOptions& options) {
  try {
    CodecResult r = encode_impl(message, dialect, out, options);
    if (!r.ok()) out.clear();
    return r;
  } catch (const std::bad_alloc&) {
    out.clear();
    CodecResult r;
    r.error = CodecError::internal;
    r.message = "message: out of memory";
    return r;
  }
}

CodecResult decode(std::string_view bytes, Dialect dialect, IsoMessage& out, const DecodeOptions& options,
                   DecodeInfo* info) {
  try {
    CodecResult r = decode_impl(bytes, dialect, out, options, info);
    if (!r.ok()) out = IsoMessage{};
    return r;
  } catch (const std::bad_alloc&) {
    out = IsoMessage{};
    CodecResult r;
    r.error = CodecError::internal;
    r.message = "message: out of memory";
    return r;
  }
}

}  // namespace posdrill
