// Moments in time, typed by the clock that gave them. The kiosk reads three clocks, all counting
// milliseconds:
//   MonoTime      the steady clock (Clock, scenarios/clock.h): for time-outs, the step clock and
//                 how long something took; its zero means nothing, only differences do.
//   WallTime      Unix milliseconds, UTC: what the records, the certificates and the statements
//                 keep.
//   TerminalTime  the emulated terminal's and host's China-local civil clock
//                 (device_bridge/host.h "Emulator time"): the story's "now", DE7/DE12/DE13.
// A moment of one clock cannot be stored as, compared with or subtracted from a moment of
// another: the compiler refuses. Crossing is spelt out (`WallTime{mono.ms()}` would be a bug
// anyone can see in review).
//
// Durations stay plain int64_t milliseconds: a moment plus or minus a duration is a moment of the
// same clock, and a moment minus a moment is a duration. Names ending in _ms count milliseconds,
// of a duration or of a moment: the type says which. A default WallTime is 0, which the records
// read as "never" / "not yet" (`is_set()`); on the other clocks 0 is just a time.
// Header-only, standard library only: every layer may use it.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "calendar.h"  // same folder: base/ names no other folder

namespace posdrill {

template <class Source>
class Moment {
 public:
  constexpr Moment() = default;
  constexpr explicit Moment(int64_t ms) : ms_(ms) {}

  constexpr int64_t ms() const { return ms_; }
  constexpr bool is_set() const requires std::is_same_v<Source, struct UnixUtcSource> { return ms_ != 0; }

  static constexpr Moment latest() { return Moment(std::numeric_limits<int64_t>::max()); }
  static constexpr Moment earliest() { return Moment(std::numeric_limits<int64_t>::min()); }

  friend constexpr bool operator==(Moment, Moment) = default;
  friend constexpr auto operator<=>(Moment, Moment) = default;

  constexpr Moment& operator+=(int64_t d) {
    ms_ += d;
    return *this;
  }
  constexpr Moment& operator-=(int64_t d) {
    ms_ -= d;
    return *this;
  }
  friend constexpr Moment operator+(Moment t, int64_t d) { return Moment(t.ms_ + d); }
  friend constexpr Moment operator-(Moment t, int64_t d) { return Moment(t.ms_ - d); }
  friend constexpr int64_t operator-(Moment a, Moment b) { return a.ms_ - b.ms_; }

 private:
  int64_t ms_ = 0;
};

struct SteadyClockSource;
struct UnixUtcSource;
struct TerminalClockSource;

using MonoTime = Moment<SteadyClockSource>;
using WallTime = Moment<UnixUtcSource>;
using TerminalTime = Moment<TerminalClockSource>;

// The calendar of a moment: a WallTime gives the UTC date, a TerminalTime the emulator's local one
// (base/calendar.h does no time-zone arithmetic). A MonoTime has no calendar.
inline int64_t day_number(WallTime t) { return day_number(t.ms()); }
inline int64_t day_number(TerminalTime t) { return day_number(t.ms()); }
inline CivilTime civil_time(WallTime t) { return civil_time(t.ms()); }
inline CivilTime civil_time(TerminalTime t) { return civil_time(t.ms()); }

// The steady clock now, for SteadyClock and the socket loops' time-outs. (A few timers measure a
// duration with std::chrono themselves: start-up figures, the command line's waits, SQLite's busy
// handler in nanoseconds, condition-variable waits. None keeps a moment.)
inline MonoTime steady_now() {
  return MonoTime{
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count()};
}

// The system's wall clock now: every moment the kiosk keeps or compares is read here. The pure layers never call it;
// they take the time as a parameter (or the Clock port), so tests run on fake timelines.
inline WallTime wall_now() {
  return WallTime{
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count()};
}

}  // namespace posdrill
