// The headless `posdrill` sub-commands. Each returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/options.h"

namespace posdrill {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;  // lint found errors / the attempt did not pass
inline constexpr int exit_usage = 2;   // bad arguments, unknown scenario, unreadable content

int cmd_lint(const Settings& settings, const std::string& path, bool json);
int cmd_list(const Settings& settings, bool json);

struct PlayOptions {
  std::string scenario_id;
  std::optional<Lang> lang;
  std::string inputs_file;  // "-" or empty with a non-TTY stdin: read answers from stdin
  std::string auto_mode;    // "", "best", "critical"
  std::optional<uint64_t> seed;
  bool json = false;
  std::string operator_id;
};
int cmd_play(const Settings& settings, const PlayOptions& options);

// The emulated acquirer as a CUP-dialect service on ADDR:PORT (port 0: any free port, printed).
int cmd_host(const Settings& settings, const std::string& listen, const std::string& scenario_id);
// The emulated terminal on the console (keys as keypad), talking to a host at ADDR:PORT.
int cmd_terminal(const Settings& settings, const std::string& host, const std::string& scenario_id);

}  // namespace posdrill
