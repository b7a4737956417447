// Test-key cryptography of the emulated terminal and host: DES / two-key triple DES (FIPS 46-3),
// the CUP-style MAC over a message, and ISO 9564 format-0 PIN blocks. Keys here are TEST keys
// for training only; nothing protects real card data with them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace posdrill {

// One 8-byte block. `key` is 8 bytes (DES) or 16 bytes (two-key 3DES: K1 K2 K1).
std::string des_encrypt_block(std::string_view block8, std::string_view key);
std::string des_decrypt_block(std::string_view block8, std::string_view key);

// The 8-byte MAC of `data` under `mac_key` (8 or 16 bytes: only the first 8 are used, single
// DES, as CUP terminals do), as DE64 carries it.
std::string compute_mac(std::string_view data, std::string_view mac_key);

// ISO 9564-1 format 0: PIN (4–12 digits) XOR the PAN's 12 rightmost digits excluding the check
// digit, encrypted under `pin_key` (16 bytes). nullopt on a malformed PIN or PAN.
std::optional<std::string> make_pin_block(std::string_view pin, std::string_view pan, std::string_view pin_key);
// Decrypts and checks a PIN block against `pin` without keeping the clear PIN anywhere but the
// caller's argument. nullopt when the block is malformed.
std::optional<bool> pin_block_matches(std::string_view block, std::string_view pin, std::string_view pan,
                                      std::string_view pin_key);

// The training keys every emulated terminal and host share (TEST ONLY).
std::string_view test_mac_key();
std::string_view test_pin_key();

}  // namespace posdrill
