// Compiled by the base.time.* tests, once per case: each case below must be refused by the
// compiler, and the file without a case must compile (so a refusal is the types' doing).
#include "base/time.h"

using namespace posdrill;

int main() {
  const MonoTime mono{5};
  const WallTime wall{5};
  const TerminalTime terminal{5};
#if defined(STORE_MONO_AS_WALL)
  WallTime w = mono;  // a steady-clock moment kept as a record's time
  (void)w;
#elif defined(COMPARE_WALL_AND_TERMINAL)
  const bool earlier = wall < terminal;  // the kiosk's clock against the emulator's
  (void)earlier;
#elif defined(SUBTRACT_ACROSS_CLOCKS)
  const int64_t d = wall - mono;
  (void)d;
#elif defined(BARE_NUMBER)
  const WallTime w = 1'795'185'120'000;  // a bare number does not say which clock
  (void)w;
#elif defined(CALENDAR_OF_MONO)
  (void)day_number(mono);  // the steady clock has no date
#elif defined(IS_SET_OF_TERMINAL)
  (void)terminal.is_set();  // 0 means "never" only on the wall clock
#else
  const int64_t d = (wall + 10) - wall + (terminal - TerminalTime{1}) + (mono - MonoTime{});
  (void)d;
#endif
  return 0;
}
