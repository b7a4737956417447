#include "device_bridge/icc.h"

#include <algorithm>

#include "device_bridge/crypto.h"
#include "device_bridge/hex.h"

namespace posdrill {

namespace {

// n digits as packed BCD bytes (the value must fit; leading zeros fill).
std::string bcd(uint64_t value, std::size_t bytes) {
  std::string out(bytes, '\0');
  for (std::size_t i = bytes; i-- > 0;) {
    uint8_t lo = uint8_t(value % 10);
    value /= 10;
    uint8_t hi = uint8_t(value % 10);
    value /= 10;
    out[i] = char((hi << 4) | lo);
  }
  return out;
}

std::optional<uint64_t> from_bcd(std::string_view b) {
  uint64_t v = 0;
  for (unsigned char c : b) {
    if ((c >> 4) > 9 || (c & 0x0f) > 9) return std::nullopt;
    v = v * 100 + (c >> 4) * 10 + (c & 0x0f);
  }
  return v;
}

std::string big_endian(uint64_t value, std::size_t bytes) {
  std::string out(bytes, '\0');
  for (std::size_t i = bytes; i-- > 0; value >>= 8) out[i] = char(value & 0xff);
  return out;
}

// Hex constants of this file (always valid).
std::string bytes_of(std::string_view hex) { return from_hex(hex).value_or(std::string()); }

void put(std::string& out, std::string_view tag_hex_text, const std::string& value) {
  out += bytes_of(tag_hex_text);
  out += char(value.size());  // every value here is shorter than 0x80
  out += value;
}

// The test cryptogram: one DES block over the amount, ATC, unpredictable number and date under a
// fixed TEST key. It only has to look like an ARQC and change with the transaction.
constexpr std::string_view test_icc_key = "TEST-ICC";

}  // namespace

std::optional<std::vector<TlvItem>> parse_tlv(std::string_view bytes) {
  std::vector<TlvItem> items;
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t start = i;
    unsigned char first = static_cast<unsigned char>(bytes[i++]);
    if (first == 0x00 || first == 0xff) return std::nullopt;  // padding bytes are not data objects here
    if ((first & 0x1f) == 0x1f) {
      // Subsequent tag bytes while bit 8 is set; at most 3 tag bytes.
      do {
        if (i >= bytes.size() || i - start >= 3) return std::nullopt;
      } while (static_cast<unsigned char>(bytes[i++]) & 0x80);
    }
    std::string tag(bytes.substr(start, i - start));
    if (i >= bytes.size()) return std::nullopt;
    std::size_t len = static_cast<unsigned char>(bytes[i++]);
    if (len == 0x81 || len == 0x82) {
      std::size_t n = len - 0x80;
      if (i + n > bytes.size()) return std::nullopt;
      len = 0;
      for (std::size_t k = 0; k < n; ++k) len = (len << 8) | static_cast<unsigned char>(bytes[i++]);
    } else if (len > 0x80) {
      return std::nullopt;
    }
    if (i + len > bytes.size()) return std::nullopt;
    items.push_back({std::move(tag), std::string(bytes.substr(i, len))});
    i += len;
  }
  return items;
}

std::string tag_hex(std::string_view tag) { return to_hex(tag, true); }

std::string icc_request_data(const IccRequest& r) {
  const uint64_t amount = r.amount_minor > 0 ? uint64_t(r.amount_minor) : 0;
  const std::string date = r.date_yymmdd.size() == 6 ? bcd(std::stoull(r.date_yymmdd), 3) : bcd(0, 3);
  const std::string atc = big_endian(r.trace & 0xffff, 2);
  const std::string unpredictable = big_endian((uint64_t(r.trace) * 2654435761u) & 0xffffffffu, 4);
  std::string block = bcd(amount, 6).substr(0, 2) + atc + unpredictable;
  std::string arqc = des_encrypt_block(block, test_icc_key);
  // Fold the rest of the amount and the date in, then encrypt again: every input moves the value.
  std::string second = bcd(amount, 6).substr(2) + date + char(r.transaction_type);
  for (std::size_t k = 0; k < 8; ++k) arqc[k] = char(arqc[k] ^ second[k]);
  arqc = des_encrypt_block(arqc, test_icc_key);

  std::string out;
  put(out, "9F26", arqc);                                           // application cryptogram (ARQC)
  put(out, "9F27", std::string(1, '\x80'));                         // cryptogram information: ARQC
  put(out, "9F10", bytes_of("07010103A00000"));                     // issuer application data
  put(out, "9F37", unpredictable);                                  // unpredictable number
  put(out, "9F36", atc);                                            // application transaction counter
  put(out, "95", std::string(5, '\0'));                             // terminal verification results
  put(out, "9A", date);                                             // transaction date YYMMDD
  put(out, "9C", std::string(1, char(r.transaction_type)));         // transaction type
  put(out, "9F02", bcd(amount, 6));                                 // amount, authorised
  put(out, "5F2A", bytes_of("0156"));                               // transaction currency: CNY
  put(out, "82", bytes_of("7C00"));                                 // application interchange profile
  put(out, "9F1A", bytes_of("0156"));                               // terminal country: China
  put(out, "9F03", bcd(0, 6));                                      // amount, other
  put(out, "9F33", bytes_of("E0F1C8"));                             // terminal capabilities
  put(out, "9F34", bytes_of(r.pin_entered ? "420300" : "1F0302"));  // CVM results: online PIN / none
  put(out, "9F35", bytes_of("22"));                                 // terminal type: attended, online
  put(out, "9F1E", std::string("TRAINING"));                        // interface device serial number
  put(out, "84", bytes_of("A000000333010101"));                     // dedicated file name: the UnionPay AID
  put(out, "9F09", bytes_of("0030"));                               // application version number
  put(out, "9F41", bcd(r.trace % 100000000, 4));                    // transaction sequence counter
  return out;
}

const std::vector<IccTag>& icc_required_tags() {
  static const std::vector<IccTag> tags = {
      {"9F26", 8, "application cryptogram"},
      {"9F27", 1, "cryptogram information data"},
      {"9F10", 0, "issuer application data"},  // 0: any length up to 32
      {"9F37", 4, "unpredictable number"},
      {"9F36", 2, "application transaction counter"},
      {"95", 5, "terminal verification results"},
      {"9A", 3, "transaction date"},
      {"9C", 1, "transaction type"},
      {"9F02", 6, "amount, authorised"},
      {"5F2A", 2, "transaction currency code"},
      {"82", 2, "application interchange profile"},
      {"9F1A", 2, "terminal country code"},
      {"9F03", 6, "amount, other"},
      {"9F33", 3, "terminal capabilities"},
  };
  return tags;
}

std::string icc_request_problem(std::string_view de55, int64_t amount_minor) {
  auto items = parse_tlv(de55);
  if (!items) return "DE55 is not well-formed BER-TLV";
  auto find = [&](std::string_view hex_tag) -> const TlvItem* {
    const TlvItem* found = nullptr;
    for (const auto& it : *items)
      if (tag_hex(it.tag) == hex_tag) {
        if (found) return nullptr;  // twice: treated as missing, with its own message below
        found = &it;
      }
    return found;
  };
  for (const IccTag& t : icc_required_tags()) {
    const TlvItem* it = find(t.tag_hex);
    if (!it) return "DE55 lacks tag " + std::string(t.tag_hex) + " (" + std::string(t.name) + "), or has it twice";
    bool length_ok = t.length ? it->value.size() == t.length : !it->value.empty() && it->value.size() <= 32;
    if (!length_ok)
      return "DE55 tag " + std::string(t.tag_hex) + " has " + std::to_string(it->value.size()) + " bytes, expected " +
             (t.length ? std::to_string(t.length) : std::string("1 to 32"));
  }
  if (find("9F27")->value != std::string(1, '\x80')) return "DE55 tag 9F27 is not 80 (an ARQC: go online)";
  auto amount = from_bcd(find("9F02")->value);
  if (!amount) return "DE55 tag 9F02 is not BCD";
  if (int64_t(*amount) != std::max<int64_t>(0, amount_minor))
    return "DE55 tag 9F02 (" + std::to_string(*amount) + " fen) differs from DE4 (" + std::to_string(amount_minor) +
           " fen)";
  if (find("5F2A")->value != bytes_of("0156") || find("9F1A")->value != bytes_of("0156"))
    return "DE55 tags 5F2A and 9F1A must be 0156 (CNY, China)";
  return "";
}

}  // namespace posdrill
