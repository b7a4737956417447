// Time as a port: the runner never reads the system clock itself, so tests and golden
// transcripts run on a fake clock and come out the same byte for byte.
#pragma once

#include <cstdint>

#include "base/calendar.h"  // ms_per_second, ms_per_minute, ms_per_day
#include "base/time.h"

namespace posdrill {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual MonoTime now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  MonoTime now() const override { return steady_now(); }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 0) : now_(start_ms) {}
  MonoTime now() const override { return now_; }
  void advance_ms(int64_t ms) { now_ += ms; }

 private:
  MonoTime now_;
};

}  // namespace posdrill
