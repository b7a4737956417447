#include <iostream>
#include <map>

#include "cli/commands.h"
#include "kiosk/core/strings.h"
#include "scenarios/result_json.h"

namespace posdrill {

int cmd_lint(const Settings& settings, const std::string& path, bool json) {
  std::filesystem::path target = path.empty() ? settings.content_dir : std::filesystem::path(path);
  std::error_code ec;
  if (!std::filesystem::exists(target, ec)) {
    std::cerr << "posdrill lint: " << target.string() << ": no such file or folder\n";
    return exit_usage;
  }
  ContentSet set = load_content(target);
  // A content folder also holds the kiosk's UI strings: check them in the same pass.
  if (auto strings = ui_strings_path(target); std::filesystem::is_regular_file(strings, ec)) {
    UiStrings ui;
    auto diags = load_ui_strings(strings, ui);
    set.errors.insert(set.errors.end(), diags.begin(), diags.end());
    ++set.files_read;
  }

  std::map<std::string, int> topics;
  for (Topic t : all_topics) topics[std::string(topic_id(t))] = 0;
  for (const auto& s : set.scenarios) ++topics[std::string(topic_id(s.topic))];

  if (json) {
    nlohmann::json j = {{"scenarios", set.scenarios.size()},
                        {"tracks", set.tracks.size()},
                        {"files", set.files_read},
                        {"topics", topics},
                        {"errors", nlohmann::json::array()}};
    for (const auto& d : set.errors) j["errors"].push_back(diagnostic_json(d));
    std::cout << j.dump(2) << '\n';
  } else {
    for (const auto& d : set.errors) std::cout << d.to_string() << '\n';
    std::cout << set.scenarios.size() << " scenarios, " << set.tracks.size() << " tracks, " << set.errors.size()
              << " errors in " << set.files_read << " files\n";
  }
  return set.errors.empty() ? exit_ok : exit_failed;
}

}  // namespace posdrill
