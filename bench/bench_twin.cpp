// The terminal twin's keypress-to-screen time in the kiosk's core: from a TwinKey / TwinCard /
// TwinPinPad action to the AppState the next frame draws (the emulated terminal, the host when the
// key sends a request, the runner's judgement, the screen snapshot). Every terminal task of every
// scenario on the best path is keyed as a trainee keys it. Drawing the frame is the kiosk's own
// figure (bench/kiosk_startup.sh). Prints median and spread; asserts nothing.
// Usage: bench_twin [CONTENT_DIR] [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_stats.h"
#include "kiosk/core/app_state.h"
#include "scenarios/loader.h"

using namespace posdrill;
using WallClock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : POSDRILL_BENCH_CONTENT_DIR;
  const int runs = argc > 2 ? std::max(3, std::atoi(argv[2])) : 20;
  ContentSet set = load_content(dir);
  if (set.scenarios.empty()) return 1;
  FakeClock clock;
  AppState st;
  st.scenarios = std::move(set.scenarios);
  st.clock = &clock;

  std::vector<double> key_us, online_us;  // every input; inputs that went to the host
  std::size_t inputs = 0;
  for (int run = 0; run < runs; ++run) {
    for (const Scenario& sc : st.scenarios) {
      update(st, OpenScenario{sc.id});
      AutoPlayer player(st.attempt->scenario, AutoMode::best);
      for (int n = 0; n < 400 && st.screen != ScreenId::debrief && st.attempt; ++n) {
        clock.advance_ms(5'000);
        if (st.screen == ScreenId::feedback) {
          update(st, Continue{});
          continue;
        }
        const Attempt& a = *st.attempt;
        const AutoAction act = player.next(a.runner, a.last_lookup ? &*a.last_lookup : nullptr);
        if (act.kind == AutoAction::advance) {
          update(st, Continue{});
        } else if (act.kind == AutoAction::choose) {
          update(st, Choose{act.choice_id});
        } else if (act.kind == AutoAction::give_up) {
          update(st, GiveUp{});
        } else {
          for (const Action& key : twin_actions(st, act.request)) {
            const auto requests = st.attempt->port.facts().host_requests;
            const auto t0 = WallClock::now();
            update(st, key);
            const double us = std::chrono::duration<double, std::micro>(WallClock::now() - t0).count();
            key_us.push_back(us);
            if (st.attempt && st.attempt->port.facts().host_requests != requests) online_us.push_back(us);
            ++inputs;
          }
        }
      }
      update(st, BackToCatalog{});
    }
  }
  std::printf("twin: %zu inputs over %d runs of every scenario's best path\n", inputs, runs);
  bench::print("keypress to screen (any key)", "us", bench::stats(key_us), 1);
  if (!online_us.empty()) bench::print("keypress to screen (key that went online)", "us", bench::stats(online_us), 1);
  return 0;
}
