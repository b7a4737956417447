// Median and spread of repeated measurements, printed one line per figure. Benchmarks report;
// they never assert on time.
#pragma once

#include <algorithm>
#include <cstdio>
#include <vector>

namespace posdrill::bench {

struct Stats {
  double median, min, max, p90;
};

inline Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, std::size_t(q * double(v.size() - 1) + 0.5))]; };
  return {at(0.5), v.front(), v.back(), at(0.9)};
}

// "what   median 123.456 unit   min …   p90 …   max …", with `decimals` after the point.
inline void print(const char* what, const char* unit, const Stats& s, int decimals = 0) {
  std::printf("%-44s median %12.*f %-5s  min %12.*f   p90 %12.*f   max %12.*f\n", what, decimals, s.median, unit,
              decimals, s.min, decimals, s.p90, decimals, s.max);
}

}  // namespace posdrill::bench
