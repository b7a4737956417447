// Time as a port: the runner never reads the system clock itself, so tests and golden
// transcripts run on a fake clock and come out the same byte for byte.
#pragma once

#include <chrono>
#include <cstdint>

namespace posdrill {

// Whole units of time in milliseconds, the unit every clock here counts in.
inline constexpr int64_t ms_per_second = 1000;
inline constexpr int64_t ms_per_minute = 60 * ms_per_second;
inline constexpr int64_t ms_per_day = 24 * 60 * ms_per_minute;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;  // monotonic milliseconds
};

class SteadyClock final : public Clock {
 public:
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 0) : now_(start_ms) {}
  int64_t now_ms() const override { return now_; }
  void advance_ms(int64_t ms) { now_ += ms; }

 private:
  int64_t now_;
};

}  // namespace posdrill
