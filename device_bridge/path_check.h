// `posdrill lint`'s path simulation: every path of a scenario played on the emulated terminal and
// host, so that no text can tell the trainee something the terminal just contradicted.
//
// From the start, every choice of every decision and, at every terminal task, a repertoire of
// what a trainee can do there: each operation of the menu keyed right, the task's operation keyed
// wrong (a tenfold amount, the reference number keyed as the auth code, today's date as the
// original's date, a voucher number that is not in the list) and giving up. Each is played on a
// copy of the emulation (faults, history and all), judged with the runner's own functions
// (scenarios/outcome.h), and followed to its branch. Reported, with file:line:column:
// - a terminal task written with `outcomes:` that does not handle an outcome class it can meet;
// - a narrative or an ending whose `requires:` does not hold on some path;
// - a terminal task whose own operation, keyed right, sends nothing on some path (no card at the
//   counter), so only giving up could end it;
// - an outcome whose feedback names {keyed} reached with no amount keyed.
// Paths that reach the same step with the terminal and host in the same state are explored once.
#pragma once

#include <cstdint>
#include <vector>

#include "scenarios/loader.h"

namespace posdrill {

struct PathCheck {
  std::vector<Diagnostic> errors;  // sorted by line and column, each problem once
  int64_t paths = 0;               // paths from start to an end (choices x outcomes tried)
  int64_t states = 0;              // (step, emulator state) pairs played
};

PathCheck check_story_paths(const Scenario& scenario);

}  // namespace posdrill
