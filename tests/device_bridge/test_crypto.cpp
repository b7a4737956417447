// DES / 3DES known answers, the CUP ECB MAC and ISO 9564 format-0 PIN blocks. Every expected value
// below was computed outside this code: FIPS 46-3 / NBS SP 500-20 vectors, cross-checked with
// `openssl enc -des-ecb|-des-ede -nopad` (legacy provider), and the MAC with a separate script
// that runs the same algorithm on top of openssl.
#include <catch2/catch.hpp>

#include <string>

#include "device_bridge/crypto.h"

#include "hex.h"

using namespace posdrill;

namespace {

using test::hex;
using test::unhex;

}  // namespace

TEST_CASE("DES known answers from FIPS 46-3 and NBS SP 500-20", "[crypto]") {
  struct Vector {
    const char *key, *plain, *cipher;
  };
  const Vector vectors[] = {
      {"133457799BBCDFF1", "0123456789ABCDEF", "85E813540F0AB405"},  // the classic worked example
      {"0101010101010101", "8000000000000000", "95F8A5E5DD31D900"},  // variable plaintext
      {"0101010101010101", "4000000000000000", "DD7F121CA5015619"},
      {"0101010101010101", "2000000000000000", "2E8653104F3834EA"},
      {"8001010101010101", "0000000000000000", "95A8D72813DAA94D"},  // variable key
      {"4001010101010101", "0000000000000000", "0EEC1487DD8C26D5"},
      {"7CA110454A1A6E57", "01A1D6D039776742", "690F5B0D9A26939B"},  // S-box test
  };
  for (const auto& v : vectors) {
    INFO("key " << v.key << " plaintext " << v.plain);
    CHECK(hex(des_encrypt_block(unhex(v.plain), unhex(v.key))) == v.cipher);
    CHECK(hex(des_decrypt_block(unhex(v.cipher), unhex(v.key))) == v.plain);
  }
}

TEST_CASE("two-key 3DES is E K1 D K2 E K1 and single DES when K1 equals K2", "[crypto]") {
  std::string key = unhex("0123456789ABCDEF FEDCBA9876543210");
  CHECK(hex(des_encrypt_block(unhex("0123456789ABCDEF"), key)) == "1A4D672DCA6CB335");
  CHECK(hex(des_decrypt_block(unhex("1A4D672DCA6CB335"), key)) == "0123456789ABCDEF");
  std::string k1 = unhex("133457799BBCDFF1");
  CHECK(hex(des_encrypt_block(unhex("0123456789ABCDEF"), k1 + k1)) == "85E813540F0AB405");
}

TEST_CASE("DES rejects blocks and keys of the wrong size with an empty result", "[crypto]") {
  CHECK(des_encrypt_block("1234567", "12345678").empty());
  CHECK(des_encrypt_block("12345678", "1234567").empty());
  CHECK(des_decrypt_block("12345678", std::string(24, 'k')).empty());
  CHECK(compute_mac("data", "short").empty());
}

TEST_CASE("CUP ECB MAC matches an independent computation", "[crypto]") {
  // Script: XOR 8-byte blocks, hex, E(first 8) XOR last 8, E, first 8 hex chars; single DES under
  // the key's first 8 bytes ("TEST-MAC") via openssl.
  CHECK(compute_mac("hello world 12345", test_mac_key()) == "AB0C4097");
  std::string mab = unhex(
      "0200 702404C020C09811 16 6200000000000005 000000 000000032800 000123 2512 0210 00 12"
      "37 6200000000000005D251220100000000000000"
      "3130303030303031 313233343536373839303132333435 313536 0123456789ABCDEF 2600000000000000"
      "0011 220000010000");
  CHECK(compute_mac(mab, test_mac_key()) == "F0A44674");
  // Only the first 8 bytes count: the 8-byte MAK a CUP host hands out gives the same MAC.
  CHECK(compute_mac(mab, test_mac_key().substr(0, 8)) == "F0A44674");
  // Data that is a multiple of 8 bytes gets no extra padding block; the empty message XORs to zero.
  CHECK(compute_mac(std::string(8, '\0'), test_mac_key()) == compute_mac("", test_mac_key()));
  CHECK(compute_mac("12345678", test_mac_key()) != compute_mac("12345679", test_mac_key()));
}

TEST_CASE("ISO 9564 format-0 PIN blocks match the standard clear-block examples", "[crypto]") {
  // PIN 1234, PAN 43219876543210987: PIN field 041234FFFFFFFFFF XOR 0000987654321098.
  auto block = make_pin_block("1234", "43219876543210987", test_pin_key());
  REQUIRE(block);
  CHECK(hex(*block) == "0F34FF5BC103A15D");
  CHECK(hex(des_decrypt_block(*block, test_pin_key())) == "0412AC89ABCDEF67");

  auto visa = make_pin_block("1234", "4111111111111111", test_pin_key());
  REQUIRE(visa);
  CHECK(hex(*visa) == "2A0BC4234CC86F0E");
  CHECK(hex(des_decrypt_block(*visa, test_pin_key())) == "041225EEEEEEEEEE");

  auto twelve = make_pin_block("123456789012", "6205500000000000004", test_pin_key());
  REQUIRE(twelve);
  // 19-digit PAN: the 12 digits left of the check digit are all zero here.
  CHECK(hex(des_decrypt_block(*twelve, test_pin_key())) == "0C123456789012FF");
}

TEST_CASE("PIN blocks verify the right PIN and reject the wrong one", "[crypto]") {
  std::string pan = "6200000000000005";
  auto block = make_pin_block("147258", pan, test_pin_key());
  REQUIRE(block);
  CHECK(pin_block_matches(*block, "147258", pan, test_pin_key()) == std::optional<bool>(true));
  CHECK(pin_block_matches(*block, "147259", pan, test_pin_key()) == std::optional<bool>(false));
  CHECK(pin_block_matches(*block, "1472", pan, test_pin_key()) == std::optional<bool>(false));
  // Another card: the PAN field differs, so the decrypted block is malformed or a different PIN.
  auto other = pin_block_matches(*block, "147258", "6200000000000047", test_pin_key());
  CHECK(other != std::optional<bool>(true));
}

TEST_CASE("malformed PINs PANs keys and blocks give nullopt", "[crypto]") {
  std::string pan = "6200000000000005";
  CHECK_FALSE(make_pin_block("123", pan, test_pin_key()));
  CHECK_FALSE(make_pin_block("1234567890123", pan, test_pin_key()));
  CHECK_FALSE(make_pin_block("12a4", pan, test_pin_key()));
  CHECK_FALSE(make_pin_block("1234", "62000000000000x5", test_pin_key()));
  CHECK_FALSE(make_pin_block("1234", "1234567", test_pin_key()));
  CHECK_FALSE(make_pin_block("1234", pan, "short"));
  CHECK_FALSE(pin_block_matches("1234567", "1234", pan, test_pin_key()));
  CHECK_FALSE(pin_block_matches(std::string(8, '\0'), "12", pan, test_pin_key()));
  // A block that decrypts to something that is not format 0.
  std::string garbage = des_encrypt_block(unhex("FFFFFFFFFFFFFFFF"), test_pin_key());
  CHECK_FALSE(pin_block_matches(garbage, "1234", pan, test_pin_key()));
}

TEST_CASE("test keys are fixed 16-byte two-key 3DES keys named TEST", "[crypto]") {
  CHECK(test_mac_key().size() == 16);
  CHECK(test_pin_key().size() == 16);
  CHECK(test_mac_key().substr(0, 4) == "TEST");
  CHECK(test_pin_key().substr(0, 4) == "TEST");
  CHECK(test_mac_key() != test_pin_key());
}
