// [SECTION] DES tables (FIPS 46-3)
// [SECTION] DES core: key schedule, Feistel rounds
// [SECTION] Block API: DES and two-key 3DES
// [SECTION] CUP ECB MAC
// [SECTION] ISO 9564 format-0 PIN blocks
// [SECTION] TEST keys
//
// Written from the FIPS 46-3 text: tables are numbered the way the standard prints them (bit 1 is
// the most significant bit of the 64-bit block), so each table here can be read against the spec
// line by line. Speed is not a goal: a terminal MACs a few hundred bytes per transaction.
#include "device_bridge/crypto.h"

#include <array>
#include <cstdint>

#include "base/digits.h"

namespace posdrill {

namespace {

// [SECTION] DES tables (FIPS 46-3)

constexpr std::array<uint8_t, 64> initial_permutation = {
    58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,  //
    62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,  //
    57, 49, 41, 33, 25, 17, 9,  1, 59, 51, 43, 35, 27, 19, 11, 3,  //
    61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7};

constexpr std::array<uint8_t, 64> final_permutation = {40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,  //
                                                       38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,  //
                                                       36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,  //
                                                       34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9,  49, 17, 57, 25};

// E: expands the 32-bit right half to 48 bits.
constexpr std::array<uint8_t, 48> expansion = {32, 1,  2,  3,  4,  5,  4,  5,  6,  7,  8,  9,  8,  9,  10, 11,  //
                                               12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21,  //
                                               22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1};

// P: permutes the 32 S-box output bits.
constexpr std::array<uint8_t, 32> p_box = {16, 7, 20, 21, 29, 12, 28, 17, 1,  15, 23, 26, 5,  18, 31, 10,
                                           2,  8, 24, 14, 32, 27, 3,  9,  19, 13, 30, 6,  22, 11, 4,  25};

// PC-1: selects the 56 key bits (the parity bits 8, 16, ... 64 are dropped).
constexpr std::array<uint8_t, 56> permuted_choice_1 = {57, 49, 41, 33, 25, 17, 9,  1,  58, 50, 42, 34, 26, 18,  //
                                                       10, 2,  59, 51, 43, 35, 27, 19, 11, 3,  60, 52, 44, 36,  //
                                                       63, 55, 47, 39, 31, 23, 15, 7,  62, 54, 46, 38, 30, 22,  //
                                                       14, 6,  61, 53, 45, 37, 29, 21, 13, 5,  28, 20, 12, 4};

// PC-2: selects the 48-bit round key from C and D (56 bits).
constexpr std::array<uint8_t, 48> permuted_choice_2 = {
    14, 17, 11, 24, 1,  5,  3,  28, 15, 6,  21, 10, 23, 19, 12, 4,   //
    26, 8,  16, 7,  27, 20, 13, 2,  41, 52, 31, 37, 47, 55, 30, 40,  //
    51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32};

constexpr std::array<uint8_t, 16> key_shifts = {1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1};

// S1..S8, each 4 rows of 16 as printed in the standard.
constexpr uint8_t s_boxes[8][64] = {
    {14, 4,  13, 1, 2,  15, 11, 8, 3, 10, 6, 12, 5,  9,  0,  7,  0,  15, 7,  4,  14, 2,
     13, 1,  10, 6, 12, 11, 9,  5, 3, 8,  4, 1,  14, 8,  13, 6,  2,  11, 15, 12, 9,  7,
     3,  10, 5,  0, 15, 12, 8,  2, 4, 9,  1, 7,  5,  11, 3,  14, 10, 0,  6,  13},
    {15, 1,  8, 14, 6,  11, 3,  4, 9, 7, 2,  13, 12, 0, 5, 10, 3,  13, 4,  7, 15, 2,  8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
     0,  14, 7, 11, 10, 4,  13, 1, 5, 8, 12, 6,  9,  3, 2, 15, 13, 8,  10, 1, 3,  15, 4, 2,  11, 6, 7, 12, 0, 5, 14, 9},
    {10, 0,  9,  14, 6, 3,  15, 5,  1,  13, 12, 7, 11, 4,  2,  8,  13, 7, 0,  9, 3, 4,
     6,  10, 2,  8,  5, 14, 12, 11, 15, 1,  13, 6, 4,  9,  8,  15, 3,  0, 11, 1, 2, 12,
     5,  10, 14, 7,  1, 10, 13, 0,  6,  9,  8,  7, 4,  15, 14, 3,  11, 5, 2,  12},
    {7, 13, 14, 3, 0, 6,  9, 10, 1,  2, 8,  5, 11, 12, 4,  15, 13, 8,  11, 5, 6, 15,
     0, 3,  4,  7, 2, 12, 1, 10, 14, 9, 10, 6, 9,  0,  12, 11, 7,  13, 15, 1, 3, 14,
     5, 2,  8,  4, 3, 15, 0, 6,  10, 1, 13, 8, 9,  4,  5,  11, 12, 7,  2,  14},
    {2,  12, 4, 1,  7,  10, 11, 6, 8, 5,  3, 15, 13, 0,  14, 9,  14, 11, 2,  12, 4,  7,
     13, 1,  5, 0,  15, 10, 3,  9, 8, 6,  4, 2,  1,  11, 10, 13, 7,  8,  15, 9,  12, 5,
     6,  3,  0, 14, 11, 8,  12, 7, 1, 14, 2, 13, 6,  15, 0,  9,  10, 4,  5,  3},
    {12, 1,  10, 15, 9,  2,  6, 8,  0, 13, 3,  4,  14, 7,  5, 11, 10, 15, 4, 2, 7, 12,
     9,  5,  6,  1,  13, 14, 0, 11, 3, 8,  9,  14, 15, 5,  2, 8,  12, 3,  7, 0, 4, 10,
     1,  13, 11, 6,  4,  3,  2, 12, 9, 5,  15, 10, 11, 14, 1, 7,  6,  0,  8, 13},
    {4, 11, 2,  14, 15, 0, 8, 13, 3,  12, 9, 7, 5, 10, 6, 1, 13, 0,  11, 7, 4, 9, 1,  10, 14, 3, 5, 12, 2,  15, 8, 6,
     1, 4,  11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5,  9, 2, 6,  11, 13, 8, 1, 4, 10, 7,  9,  5, 0, 15, 14, 2,  3, 12},
    {13, 2, 8, 4, 6,  15, 11, 1, 10, 9,  3,  14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7,  4,  12, 5, 6, 11, 0, 14, 9, 2, 7,
     11, 4, 1, 9, 12, 14, 2,  0, 6,  10, 13, 15, 3, 5, 8,  2, 1, 14, 7,  4, 10, 8, 13, 15, 12, 9, 0, 3,  5, 6,  11}};

// [SECTION] DES core: key schedule, Feistel rounds

// Applies a FIPS-style table: output bit i (1-based, MSB first) is input bit table[i-1] of an
// `in_bits`-wide value.
template <std::size_t N>
uint64_t permute(uint64_t in, int in_bits, const std::array<uint8_t, N>& table) {
  uint64_t out = 0;
  for (uint8_t src : table) out = (out << 1) | ((in >> (in_bits - src)) & 1u);
  return out;
}

using RoundKeys = std::array<uint64_t, 16>;

RoundKeys key_schedule(uint64_t key) {
  RoundKeys keys{};
  uint64_t cd = permute(key, 64, permuted_choice_1);
  uint32_t c = uint32_t(cd >> 28) & 0x0fffffffu;
  uint32_t d = uint32_t(cd) & 0x0fffffffu;
  for (int round = 0; round < 16; ++round) {
    for (int s = 0; s < key_shifts[round]; ++s) {
      c = ((c << 1) | (c >> 27)) & 0x0fffffffu;
      d = ((d << 1) | (d >> 27)) & 0x0fffffffu;
    }
    keys[round] = permute((uint64_t(c) << 28) | d, 56, permuted_choice_2);
  }
  return keys;
}

uint32_t feistel(uint32_t right, uint64_t round_key) {
  uint64_t x = permute(right, 32, expansion) ^ round_key;
  uint32_t out = 0;
  for (int box = 0; box < 8; ++box) {
    unsigned six = unsigned(x >> (42 - 6 * box)) & 0x3fu;
    // Row from the outer bits, column from the inner four (FIPS 46-3, "The Primitive Functions").
    unsigned row = ((six >> 4) & 2u) | (six & 1u);
    unsigned col = (six >> 1) & 0x0fu;
    out = (out << 4) | s_boxes[box][row * 16 + col];
  }
  return uint32_t(permute(out, 32, p_box));
}

uint64_t des_block(uint64_t block, const RoundKeys& keys, bool decrypt) {
  uint64_t x = permute(block, 64, initial_permutation);
  uint32_t left = uint32_t(x >> 32), right = uint32_t(x);
  for (int round = 0; round < 16; ++round) {
    uint32_t next = left ^ feistel(right, keys[decrypt ? 15 - round : round]);
    left = right;
    right = next;
  }
  // The last round does not swap: R16 L16 goes into the final permutation.
  return permute((uint64_t(right) << 32) | left, 64, final_permutation);
}

uint64_t load64(std::string_view bytes) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | uint8_t(bytes[i]);
  return v;
}

std::string store64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = char(v & 0xff);
  return out;
}

// [SECTION] Block API: DES and two-key 3DES

// Single DES for 8-byte keys, E(K1) D(K2) E(K1) for 16-byte keys (decryption mirrored).
std::string crypt_block(std::string_view block8, std::string_view key, bool decrypt) {
  if (block8.size() != 8 || (key.size() != 8 && key.size() != 16)) return {};
  uint64_t block = load64(block8);
  RoundKeys k1 = key_schedule(load64(key.substr(0, 8)));
  if (key.size() == 8) return store64(des_block(block, k1, decrypt));
  RoundKeys k2 = key_schedule(load64(key.substr(8, 8)));
  uint64_t x = des_block(block, k1, decrypt);
  x = des_block(x, k2, !decrypt);
  return store64(des_block(x, k1, decrypt));
}

// Overwrites memory that held PIN digits so it does not linger in freed heap or stack. The
// volatile access keeps the compiler from dropping stores to memory that is about to die.
void wipe(void* p, std::size_t n) {
  volatile unsigned char* v = static_cast<volatile unsigned char*>(p);
  while (n--) *v++ = 0;
}
void wipe(std::string& s) {
  wipe(s.data(), s.size());
  s.clear();
}

const char hex_upper[] = "0123456789ABCDEF";

}  // namespace

std::string des_encrypt_block(std::string_view block8, std::string_view key) { return crypt_block(block8, key, false); }
std::string des_decrypt_block(std::string_view block8, std::string_view key) { return crypt_block(block8, key, true); }

// [SECTION] CUP ECB MAC
// The UnionPay POS "ECB" MAC (README.md, "MAC"): XOR the data in 8-byte blocks (last block
// zero-padded), write the result as 16 uppercase hex characters, encrypt the first 8, XOR with
// the last 8, encrypt again, and keep the first 8 hex characters of that block as ASCII. Both
// encryptions are single DES under the MAK's first 8 bytes, as public CUP terminal code does: a
// CUP host hands out a single-length MAK even in double-length mode (60.3 = 003, 004).

std::string compute_mac(std::string_view data, std::string_view mac_key) {
  if (mac_key.size() != 8 && mac_key.size() != 16) return {};
  mac_key = mac_key.substr(0, 8);
  std::array<uint8_t, 8> x{};
  for (std::size_t i = 0; i < data.size(); ++i) x[i % 8] ^= uint8_t(data[i]);
  std::string hex(16, '0');
  for (int i = 0; i < 8; ++i) {
    hex[2 * i] = hex_upper[x[i] >> 4];
    hex[2 * i + 1] = hex_upper[x[i] & 0x0f];
  }
  std::string first = des_encrypt_block(std::string_view(hex).substr(0, 8), mac_key);
  for (int i = 0; i < 8; ++i) first[i] = char(uint8_t(first[i]) ^ uint8_t(hex[8 + i]));
  std::string second = des_encrypt_block(first, mac_key);
  std::string mac(8, '0');
  for (int i = 0; i < 4; ++i) {
    mac[2 * i] = hex_upper[uint8_t(second[i]) >> 4];
    mac[2 * i + 1] = hex_upper[uint8_t(second[i]) & 0x0f];
  }
  return mac;
}

// [SECTION] ISO 9564 format-0 PIN blocks

namespace {

// The PAN block: 0000 then the 12 rightmost PAN digits excluding the check digit (left-padded
// with zeros for short PANs). nullopt unless the PAN is 8..19 digits.
std::optional<std::array<uint8_t, 8>> pan_block(std::string_view pan) {
  if (pan.size() < 8 || pan.size() > 19 || !all_digits(pan)) return std::nullopt;
  std::string_view body = pan.substr(0, pan.size() - 1);
  if (body.size() > 12) body = body.substr(body.size() - 12);
  std::array<uint8_t, 16> nibbles{};
  for (std::size_t i = 0; i < body.size(); ++i) nibbles[16 - body.size() + i] = uint8_t(body[i] - '0');
  std::array<uint8_t, 8> out{};
  for (int i = 0; i < 8; ++i) out[i] = uint8_t((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
  return out;
}

}  // namespace

std::optional<std::string> make_pin_block(std::string_view pin, std::string_view pan, std::string_view pin_key) {
  if (pin.size() < 4 || pin.size() > 12 || !all_digits(pin)) return std::nullopt;
  if (pin_key.size() != 8 && pin_key.size() != 16) return std::nullopt;
  auto pan_field = pan_block(pan);
  if (!pan_field) return std::nullopt;
  // PIN field: 0, length, digits, F-filled; XORed with the PAN field into the clear block.
  std::array<uint8_t, 16> nibbles;
  nibbles.fill(0x0f);
  nibbles[0] = 0;
  nibbles[1] = uint8_t(pin.size());
  for (std::size_t i = 0; i < pin.size(); ++i) nibbles[2 + i] = uint8_t(pin[i] - '0');
  std::string clear(8, '\0');
  for (int i = 0; i < 8; ++i) clear[i] = char(((nibbles[2 * i] << 4) | nibbles[2 * i + 1]) ^ (*pan_field)[i]);
  std::string block = des_encrypt_block(clear, pin_key);
  wipe(nibbles.data(), nibbles.size());
  wipe(clear);
  return block;
}

std::optional<bool> pin_block_matches(std::string_view block, std::string_view pin, std::string_view pan,
                                      std::string_view pin_key) {
  if (block.size() != 8 || (pin_key.size() != 8 && pin_key.size() != 16)) return std::nullopt;
  if (pin.size() < 4 || pin.size() > 12 || !all_digits(pin)) return std::nullopt;
  auto pan_field = pan_block(pan);
  if (!pan_field) return std::nullopt;
  std::string clear = des_decrypt_block(block, pin_key);
  std::array<uint8_t, 16> nibbles{};
  for (int i = 0; i < 8; ++i) {
    uint8_t b = uint8_t(clear[i]) ^ (*pan_field)[i];
    nibbles[2 * i] = b >> 4;
    nibbles[2 * i + 1] = b & 0x0f;
  }
  wipe(clear);
  std::size_t len = nibbles[1];
  bool well_formed = nibbles[0] == 0 && len >= 4 && len <= 12;
  for (std::size_t i = 2; well_formed && i < 16; ++i) well_formed = i < 2 + len ? nibbles[i] <= 9 : nibbles[i] == 0x0f;
  std::optional<bool> result;
  if (well_formed) {
    // Compare every digit so the time taken does not say where the first mismatch is.
    unsigned diff = len == pin.size() ? 0u : 1u;
    for (std::size_t i = 0; i < len; ++i) diff |= nibbles[2 + i] ^ unsigned(i < pin.size() ? pin[i] - '0' : 0x0f);
    result = diff == 0;
  }
  wipe(nibbles.data(), nibbles.size());
  return result;
}

// [SECTION] TEST keys
// Fixed ASCII bytes so a hex dump says what they are. Two-key 3DES (16 bytes) each. TEST ONLY.

std::string_view test_mac_key() { return "TEST-MAC-KEY-001"; }
std::string_view test_pin_key() { return "TEST-PIN-KEY-001"; }

}  // namespace posdrill
