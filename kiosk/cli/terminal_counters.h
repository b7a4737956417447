// The console terminal's trace (凭证号 / STAN) and batch numbers, kept in the data folder between
// runs of `posdrill terminal --host`. A real terminal never reuses a trace: a host that outlives
// one run of the console terminal would answer its first sale 94 (duplicate) and could take its
// automatic reversal for the previous run's transaction.
//
// File: <data>/terminal/<terminal id>.counters, text, one `key=value` a line, `#` comments:
//   trace=000124     the STAN the next request gets (000001-999999)
//   batch=000001     the open batch (000001-999999)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scenarios/loader.h"

namespace posdrill {

struct TerminalCounters {
  int trace = 1;
  int batch = 1;
};

// Where a terminal's counters live in `data_dir` (characters outside A-Z a-z 0-9 . _ - in the
// terminal id become '_').
std::filesystem::path terminal_counters_path(const std::filesystem::path& data_dir, const std::string& terminal_id);
// Reads the file into `out`. A missing file is not an error (`out` keeps its defaults). A
// malformed one adds file:line:column errors and returns false.
bool load_terminal_counters(const std::filesystem::path& file, TerminalCounters& out, std::vector<Diagnostic>& errors);
// Writes the file (its folder created when missing) through a temporary file and a rename, so a
// crash leaves the old or the new counters, never half of them. False with `error` set.
bool save_terminal_counters(const std::filesystem::path& file, const TerminalCounters& counters, std::string& error);

}  // namespace posdrill
