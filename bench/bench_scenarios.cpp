// Scenario engine figures: how long loading + validating all content takes, how long lint's path
// simulation of all content takes (every path played on the emulated terminal and host), and how
// long playing every scenario (best and critical path, on the emulated terminal) takes. Prints the median and
// spread over several runs; it asserts nothing. Usage: bench_scenarios [CONTENT_DIR] [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_stats.h"

#include "device_bridge/emulation.h"
#include "device_bridge/path_check.h"
#include "scenarios/loader.h"
#include "scenarios/runner.h"

using namespace posdrill;
using WallClock = std::chrono::steady_clock;

namespace {

using bench::print;
using bench::stats;

int play(const Scenario& s, AutoMode mode) {
  FakeClock clock;
  EmulatedTerminalPort terminal(&clock);
  return play_auto(s, mode, 1, terminal, clock).points;
}

double ms_since(WallClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(WallClock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : POSDRILL_BENCH_CONTENT_DIR;
  int runs = argc > 2 ? std::max(3, std::atoi(argv[2])) : 15;
  const int plays_per_run = 100;

  ContentSet set = load_content(dir);
  std::printf("content: %s — %zu scenarios, %zu tracks, %zu errors; %d runs\n", dir.c_str(), set.scenarios.size(),
              set.tracks.size(), set.errors.size(), runs);
  if (set.scenarios.empty()) return 1;

  std::vector<double> load_ms, play_us, paths_ms;
  int64_t paths = 0;
  long checksum = 0;
  for (int i = 0; i < runs; ++i) {
    auto t0 = WallClock::now();
    ContentSet again = load_content(dir);
    load_ms.push_back(ms_since(t0));
    checksum += long(again.scenarios.size());

    t0 = WallClock::now();
    paths = 0;
    for (const auto& s : set.scenarios) paths += check_story_paths(s).paths;
    paths_ms.push_back(ms_since(t0));

    t0 = WallClock::now();
    for (int k = 0; k < plays_per_run; ++k)
      for (const auto& s : set.scenarios) checksum += play(s, AutoMode::best) + play(s, AutoMode::critical);
    // Per attempt: one scenario played once.
    play_us.push_back(ms_since(t0) * 1000.0 / (plays_per_run * 2.0 * double(set.scenarios.size())));
  }
  print("load + validate all content", "ms", stats(load_ms), 3);
  print("lint path simulation, all content", "ms", stats(paths_ms), 3);
  std::printf("  (%lld paths played per run)\n", static_cast<long long>(paths));
  print("play one scenario (auto, per attempt)", "us", stats(play_us), 3);
  std::printf("(checksum %ld)\n", checksum);
  return 0;
}
