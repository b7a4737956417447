// host.h, the parts that are not the host itself:
// [SECTION] Emulator time
// [SECTION] Field conventions (DE54, DE63, DE62, DE48)
// [SECTION] Configuration from a scenario
#include <algorithm>

#include "device_bridge/crypto.h"
#include "base/digits.h"
#include "device_bridge/host.h"

namespace posdrill {

namespace {

constexpr int64_t other_cards_balance_minor = 1'000'000;

// A UTF-8 string cut to at most `max` bytes without splitting a character.
std::string utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

std::string check_value(std::string_view key) { return des_encrypt_block(std::string(8, '\0'), key).substr(0, 4); }

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) h = (h ^ uint8_t(c)) * 1099511628211ull;
  return h;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Emulator time
// ---------------------------------------------------------------------------------------------

std::string format_mmdd(TerminalTime at) {
  CivilTime t = civil_time(at);
  return zero_pad(t.month, 2) + zero_pad(t.day, 2);
}

std::string format_hhmmss(TerminalTime at) {
  CivilTime t = civil_time(at);
  return zero_pad(t.hour, 2) + zero_pad(t.minute, 2) + zero_pad(t.second, 2);
}

TerminalTime default_training_start_ms() { return TerminalTime{civil_ms({2026, 11, 20, 14, 32, 0})}; }

// ---------------------------------------------------------------------------------------------
// [SECTION] Field conventions (DE54, DE63, DE62, DE48)
// ---------------------------------------------------------------------------------------------

std::string encode_balance(int64_t minor) {
  return std::string("1002156") + (minor < 0 ? 'D' : 'C') + zero_pad(minor, 12);
}

std::optional<int64_t> decode_balance(std::string_view de54) {
  if (de54.size() < 20 || (de54[7] != 'C' && de54[7] != 'D')) return std::nullopt;
  auto v = parse_digits(de54.substr(8, 12));
  if (!v) return std::nullopt;
  return de54[7] == 'D' ? -*v : *v;
}

std::string encode_display_text(const Text& text) {
  constexpr std::size_t max_bytes = 63 - 3;
  std::string body = text.zh + "|" + text.en;
  if (body.size() > max_bytes) body = utf8_prefix(text.zh, max_bytes);
  return "CUP" + body;
}

std::optional<Text> decode_display_text(std::string_view de63) {
  if (de63.size() <= 3) return std::nullopt;
  std::string_view body = de63.substr(3);
  std::size_t bar = body.find('|');
  Text t;
  t.zh = std::string(body.substr(0, bar));
  if (bar != std::string_view::npos) t.en = std::string(body.substr(bar + 1));
  if (t.zh.empty()) return std::nullopt;
  return t;
}

std::string_view test_master_key() { return "TEST-TMK-KEY-001"; }
std::string_view test_track_key() { return "TEST-TDK-KEY-001"; }

namespace {

// One key block of DE62: the key encrypted 8 bytes at a time under the TMK, zero bytes up to
// `width`, then the key's check value.
std::string key_block(std::string_view key, std::size_t width, std::string_view master_key) {
  std::string out;
  for (std::size_t i = 0; i + 8 <= key.size(); i += 8) out += des_encrypt_block(key.substr(i, 8), master_key);
  out.resize(width, '\0');
  return out + check_value(key);
}

// The key of one block: 8 bytes, or 16 when the second half is not all zero; nullopt on a
// check value that does not match.
std::optional<std::string> key_from_block(std::string_view block, std::string_view master_key) {
  const std::size_t width = block.size() - 4;
  std::string key = des_decrypt_block(block.substr(0, 8), master_key);
  if (width == 16 && block.substr(8, 8) != std::string(8, '\0'))
    key += des_decrypt_block(block.substr(8, 8), master_key);
  if (key.size() != 8 && key.size() != 16) return std::nullopt;
  if (check_value(key) != block.substr(width, 4)) return std::nullopt;
  return key;
}

}  // namespace

std::string encode_working_keys(const WorkingKeys& keys, std::string_view master_key, std::string_view network_code) {
  const std::string_view mak = std::string_view(keys.mac_key).substr(0, 8);
  if (network_code == "001")
    return key_block(std::string_view(keys.pin_key).substr(0, 8), 8, master_key) + key_block(mak, 8, master_key);
  if (network_code != "003" && network_code != "004") return {};
  std::string out = key_block(keys.pin_key, 16, master_key) + key_block(mak, 16, master_key);
  if (network_code == "004") out += key_block(keys.track_key, 16, master_key);
  return out;
}

std::optional<WorkingKeys> decode_working_keys(std::string_view de62, std::string_view master_key) {
  const std::size_t block = de62.size() == 24 ? 12 : 20;
  if (de62.size() != 24 && de62.size() != 40 && de62.size() != 60) return std::nullopt;
  auto pin = key_from_block(de62.substr(0, block), master_key);
  auto mac = key_from_block(de62.substr(block, block), master_key);
  if (!pin || !mac || pin->size() != block - 4) return std::nullopt;
  WorkingKeys keys{*pin, *mac, ""};
  if (de62.size() == 60) {
    auto track = key_from_block(de62.substr(40, 20), master_key);
    if (!track || track->size() != 16) return std::nullopt;
    keys.track_key = *track;
  }
  return keys;
}

std::string encode_totals(const BatchTotals& t, char flag) {
  return zero_pad(t.debit_minor, 12) + zero_pad(t.debit_count, 3) + zero_pad(t.credit_minor, 12) +
         zero_pad(t.credit_count, 3) + flag + std::string(30, '0') + '0';
}

std::optional<DecodedTotals> decode_totals(std::string_view de48) {
  if (de48.size() < 31 || !all_digits(de48.substr(0, 31))) return std::nullopt;
  DecodedTotals d;
  d.totals.debit_minor = *parse_digits(de48.substr(0, 12));
  d.totals.debit_count = int(*parse_digits(de48.substr(12, 3)));
  d.totals.credit_minor = *parse_digits(de48.substr(15, 12));
  d.totals.credit_count = int(*parse_digits(de48.substr(27, 3)));
  d.flag = de48[30];
  return d;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Configuration from a scenario
// ---------------------------------------------------------------------------------------------

bool is_test_debit_card(std::string_view pan) {
  for (const TestCard& c : test_cards())
    if (c.pan == pan) return c.debit;
  return false;
}

HostConfig host_config_from(const Setup& setup) {
  HostConfig c;
  CardAccount main;
  main.pan = setup.card;
  main.pin = setup.pin.empty() ? std::string(default_test_pin) : setup.pin;
  main.balance_minor = setup.balance_minor;
  main.pin_tries = std::max(1, setup.host.pin_tries);
  main.lock_code = setup.host.lock_code.empty() ? "75" : setup.host.lock_code;
  if (setup.host.decline_code) main.decline = AcquirerDecline{*setup.host.decline_code, setup.host.decline_text};
  main.debit = is_test_debit_card(setup.card);
  c.accounts.push_back(main);
  for (const TestCard& card : test_cards()) {
    if (card.pan == setup.card) continue;
    CardAccount other;
    other.pan = std::string(card.pan);
    other.pin = std::string(default_test_pin);
    other.balance_minor = other_cards_balance_minor;
    other.debit = card.debit;
    c.accounts.push_back(other);
  }
  c.velocity.max_sales = setup.host.velocity_max;
  c.velocity.window_minutes = setup.host.velocity_window_minutes;
  if (!setup.host.velocity_code.empty()) c.velocity.code = setup.host.velocity_code;
  c.preauth_days = setup.host.preauth_days;
  c.completion_limit_percent = setup.host.completion_limit_percent;
  c.seed = fnv1a(setup.terminal_id + "|" + setup.merchant_id);
  return c;
}

}  // namespace posdrill
