// Counters that a server thread writes and any other thread reads. Every change happens under a
// mutex, and a reader that expects a change can wait for it (a condition variable) instead of
// guessing how long the server takes: a test on a loaded machine then waits for the event, never
// for time. The servers count an event before anything a peer can see of it (an answer, a reset).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace posdrill {

template <class C>
class SharedCounters {
 public:
  // Adds `n` to one counter and wakes every waiter.
  void add(uint64_t C::*member, uint64_t n = 1) {
    {
      std::lock_guard lock(mutex_);
      counters_.*member += n;
    }
    changed_.notify_all();
  }
  // A consistent copy of every counter.
  C get() const {
    std::lock_guard lock(mutex_);
    return counters_;
  }
  // Waits until `until(counters)` holds, at most `timeout_ms`; returns the counters then (the
  // caller checks them: a time-out is a failure to report, not a result to assume).
  C wait_until(const std::function<bool(const C&)>& until, int timeout_ms) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return until(counters_); });
    return counters_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  C counters_;
};

}  // namespace posdrill
