// Reading a whole file with a bound: content, config, scripts and caches are read with the most
// they may hold, so a wrong path (a disk image, a device) fails with a clear error instead of
// filling memory. Header-only, standard library only: every layer may use it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace posdrill {

// The bytes of `path` in `out` (an empty file gives an empty string). False with `error` (what
// went wrong, without the path: the caller names the file) when it cannot be read or holds more
// than `max_bytes`.
inline bool read_bounded_file(const std::filesystem::path& path, std::size_t max_bytes, std::string& out,
                              std::string& error) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    error = "cannot read the file: " + ec.message();
    return false;
  }
  if (size > max_bytes) {
    error = "the file is " + std::to_string(size) + " bytes; at most " + std::to_string(max_bytes) + " are read";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open the file";
    return false;
  }
  // One read of the size asked, then whatever the file grew by since (up to the bound).
  out.resize(static_cast<std::size_t>(size));
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) {
    error = "cannot read the file";
    return false;
  }
  if (in) {
    char more[4096];
    while (in.read(more, sizeof more) || in.gcount() > 0) {
      out.append(more, static_cast<std::size_t>(in.gcount()));
      if (out.size() > max_bytes) {
        error = "the file grew past " + std::to_string(max_bytes) + " bytes";
        return false;
      }
    }
    if (in.bad()) {
      error = "cannot read the file";
      return false;
    }
  }
  return true;
}

}  // namespace posdrill
