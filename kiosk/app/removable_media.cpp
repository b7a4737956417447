// Removable drives from /proc/self/mountinfo.

#include "kiosk/app/removable_media.h"

#include <algorithm>

namespace posdrill {

namespace {

// mountinfo writes a space, tab, newline and backslash in a path as \040, \011, \012, \134.
std::string unescape_octal(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto oct = [](char c) { return c >= '0' && c <= '7'; };
    if (s[i] == '\\' && i + 3 < s.size() && oct(s[i + 1]) && oct(s[i + 2]) && oct(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
      continue;
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::vector<std::filesystem::path> removable_drives(std::string_view mountinfo,
                                                    const std::vector<std::filesystem::path>& roots) {
  std::vector<std::filesystem::path> out;
  std::size_t pos = 0;
  while (pos < mountinfo.size()) {
    std::size_t end = mountinfo.find('\n', pos);
    if (end == std::string_view::npos) end = mountinfo.size();
    const std::string_view line = mountinfo.substr(pos, end - pos);
    pos = end + 1;
    // Fields: id, parent id, major:minor, root, mount point, …
    std::size_t at = 0;
    std::string_view field;
    for (int n = 0; n < 5; ++n) {
      while (at < line.size() && line[at] == ' ') ++at;
      const std::size_t stop = std::min(line.find(' ', at), line.size());
      field = line.substr(at, stop - at);
      at = stop;
    }
    if (field.empty() || field[0] != '/') continue;
    const std::filesystem::path mount(unescape_octal(field));
    for (const auto& root : roots)
      if (mount.parent_path() == root && std::find(out.begin(), out.end(), mount) == out.end()) out.push_back(mount);
  }
  return out;
}

std::vector<std::filesystem::path> default_media_roots(const std::string& user) {
  std::vector<std::filesystem::path> roots;
  if (!user.empty() && user.find('/') == std::string::npos) {
    roots.push_back(std::filesystem::path("/media") / user);
    roots.push_back(std::filesystem::path("/run/media") / user);
  }
  roots.emplace_back("/media");
  return roots;
}

}  // namespace posdrill
