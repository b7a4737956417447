#include "cli/terminal_counters.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "base/file.h"

namespace posdrill {

namespace {

std::string six_digits(int v) {
  std::string s = std::to_string(v);
  return std::string(s.size() < 6 ? 6 - s.size() : 0, '0') + s;
}

}  // namespace

std::filesystem::path terminal_counters_path(const std::filesystem::path& data_dir, const std::string& terminal_id) {
  std::string name = terminal_id.empty() ? std::string("terminal") : terminal_id;
  for (char& c : name) {
    bool plain =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!plain) c = '_';
  }
  return data_dir / "terminal" / (name + ".counters");
}

bool load_terminal_counters(const std::filesystem::path& file, TerminalCounters& out, std::vector<Diagnostic>& errors) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return true;
  std::string text, why;
  if (!read_bounded_file(file, 4096, text, why)) {
    errors.push_back({file.string(), 0, 0, why});
    return false;
  }
  std::istringstream in(text);
  std::string line;
  int number = 0;
  bool ok = true;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    auto err = [&](int column, std::string message) {
      errors.push_back({file.string(), number, column, std::move(message)});
      ok = false;
    };
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) {
      err(1, "expected key=value (trace=000001 or batch=000001), got '" + line.substr(0, 40) + "'");
      continue;
    }
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key != "trace" && key != "batch") {
      err(1, "unknown key '" + key.substr(0, 40) + "'; expected trace or batch");
      continue;
    }
    bool digits = value.size() == 6 && value.find_first_not_of("0123456789") == std::string::npos;
    int v = digits ? std::stoi(value) : 0;
    if (v < 1) {
      err(int(eq) + 2,
          "expected '" + key + "' to be 6 digits from 000001 to 999999, got '" + value.substr(0, 40) + "'");
      continue;
    }
    (key == "trace" ? out.trace : out.batch) = v;
  }
  return ok;
}

bool save_terminal_counters(const std::filesystem::path& file, const TerminalCounters& counters, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) {
    error = "cannot create " + file.parent_path().string() + ": " + ec.message();
    return false;
  }
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# posdrill terminal --host: the emulated terminal's counters. Delete this file to start again at\n"
           "# trace 000001, batch 000001 (a long-running host may then answer 94, duplicate, at first).\n"
        << "trace=" << six_digits(counters.trace) << "\nbatch=" << six_digits(counters.batch) << "\n";
    out.flush();
    if (!out) {
      error = "cannot write " + tmp.string();
      return false;
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    error = "cannot replace " + file.string() + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace posdrill
