// One whole line to stderr in a single write. Commands that run the host-line proxy log from its
// session threads while the command's own thread reports too; a line written with several << is
// several writes, and two such lines interleave ("cannot score this terminal: posdrill proxy: …").
#pragma once

#include <iostream>
#include <string>

namespace posdrill {

inline void say(const std::string& prefix, const std::string& line) {
  const std::string whole = prefix + line + "\n";
  std::cerr.write(whole.data(), static_cast<std::streamsize>(whole.size()));
  std::cerr.flush();
}

}  // namespace posdrill
