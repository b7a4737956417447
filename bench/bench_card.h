// The card and merchant the loopback benches play with: a debit test card with its PIN and so
// much money that a 51 (insufficient funds) can only mean a bug.
#pragma once

#include "scenarios/model.h"

namespace posdrill::bench {

inline constexpr const char* card_pan = "6200000000000047";
inline constexpr const char* card_pin = "147258";

inline Setup card_setup() {
  Setup s;
  s.card = card_pan;
  s.pin = card_pin;
  s.balance_minor = 1'000'000'000'000;
  s.terminal_id = "10000001";
  s.merchant_id = "898310048161234";
  return s;
}

}  // namespace posdrill::bench
