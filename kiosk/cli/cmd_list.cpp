#include <iostream>

#include "cli/commands.h"
#include "scenarios/result_json.h"

namespace posdrill {

int cmd_list(const Settings& settings, bool json) {
  ContentSet set = load_content(settings.content_dir);
  for (const auto& d : set.errors) std::cerr << d.to_string() << '\n';
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : set.scenarios) j.push_back(catalog_entry_json(s));
    std::cout << j.dump(2) << '\n';
  } else {
    const Lang l = settings.lang;
    std::optional<Topic> topic;
    for (const auto& s : set.scenarios) {
      if (topic != s.topic) {
        topic = s.topic;
        std::cout << "\n" << topic_title(s.topic).get(l) << " (" << topic_id(s.topic) << ")\n";
      }
      std::cout << "  " << s.id << "  " << s.title.get(l) << "  [" << s.difficulty << "/3, " << s.minutes
                << (l == Lang::zh ? " 分钟, " : " min, ") << s.decision_count()
                << (l == Lang::zh ? " 个决策]" : " decisions]") << '\n';
    }
    if (!set.errors.empty()) std::cerr << set.errors.size() << " content errors: run posdrill lint for details\n";
  }
  return exit_ok;
}

}  // namespace posdrill
