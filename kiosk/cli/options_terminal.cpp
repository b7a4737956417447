// The config's `terminal:` section: how to reach a spare real terminal.

#include "cli/options.h"

namespace posdrill {

bool load_terminal_section(const YAML::Node& node, const std::filesystem::path& file, Settings& settings,
                           std::vector<Diagnostic>& errors) {
  auto err = [&](const YAML::Mark& m, std::string msg) {
    errors.push_back({file.string(), m.line + 1, m.column + 1, std::move(msg)});
  };
  if (!node.IsMap()) {
    err(node.Mark(), "expected 'terminal' to be a map (nexo: http://ADDR:PORT/nexo)");
    return false;
  }
  bool ok = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.as<std::string>("");
    const YAML::Node v = it->second;
    if (key == "nexo" && v.IsScalar() && !v.Scalar().empty()) {
      settings.terminal.nexo_address = v.Scalar();
    } else {
      err(it->first.Mark(), "unknown or empty key '" + key + "' in 'terminal'; expected: nexo");
      ok = false;
    }
  }
  return ok;
}

}  // namespace posdrill
