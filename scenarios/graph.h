// Graph checks and path analysis over a scenario's steps. Used by the loader (validation), by the
// runner (auto play) and by the catalog (counts).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scenarios/loader.h"

namespace posdrill {

// Validates ids, links, reachability, loops, scoring and feedback; fills max_points and
// best_safe_points. Appends diagnostics; assumes the schema pass found no errors.
void check_graph(Scenario& s, std::vector<Diagnostic>& out);

// For every step id: the most points still earnable from that step to an end.
// `safe_only`: never through a critical choice or critical terminal operation.
std::unordered_map<std::string, int> best_remaining(const Scenario& s, bool safe_only);

// For every step id: whether some path from that step makes a critical error.
std::unordered_map<std::string, bool> reaches_critical(const Scenario& s);

// " (did you mean 'x'?)" when one candidate is within two edits, else "".
std::string suggest(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace posdrill
