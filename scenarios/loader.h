// Loading and validating content. Every problem becomes a Diagnostic that names the file, the
// 1-based line and column, and what was expected. One broken file never stops the others.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/model.h"

namespace posdrill {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem is about the file as a whole
  int column = 0;  // 1-based
  std::string message;

  std::string to_string() const;  // "file:line:column: message"
};

struct ContentSet {
  std::vector<Scenario> scenarios;          // only those without errors, sorted by topic then id
  std::vector<Track> tracks;                // only those without errors
  std::vector<TestHostProfile> test_hosts;  // test_hosts/*.yaml without errors, sorted by id
  std::vector<Diagnostic> errors;           // sorted by file, line, column
  int files_read = 0;

  const Scenario* find(std::string_view id) const;
};

// Parses and validates one scenario from text. `file` is used in diagnostics only.
// Returns the diagnostics; on success `out` holds the scenario.
std::vector<Diagnostic> load_scenario_text(std::string_view text, const std::string& file, Scenario& out);
std::vector<Diagnostic> load_track_text(std::string_view text, const std::string& file, Track& out);
// One acquirer test host's amount table (content/test_hosts/*.yaml).
std::vector<Diagnostic> load_test_host_text(std::string_view text, const std::string& file, TestHostProfile& out);
// A fault script on its own (`posdrill proxy --faults FILE`): a map with one key, `faults:`, a
// list in the shape of a scenario's setup.faults.
std::vector<Diagnostic> load_faults_text(std::string_view text, const std::string& file, std::vector<Fault>& out);

// Loads a content folder (scenarios/*.yaml, tracks/*.yaml and test_hosts/*.yaml below it), a folder of scenario
// files, or a single scenario file. Cross-file checks (duplicate ids, tracks naming topics that
// no scenario covers) happen here. Files larger than max_content_file_bytes are refused.
ContentSet load_content(const std::filesystem::path& path);
inline constexpr std::size_t max_content_file_bytes = 1 << 20;

}  // namespace posdrill
