// Pinyin input through the packaged Google Pinyin library (Debian: libgooglepinyin0, its
// dictionary in the same package). The kiosk's InputMethod (kiosk/core/input_method.h).
//
// Why this library: it works with no display, no daemon and no GLib, reads one read-only
// dictionary file, and answers a name's pinyin in microseconds. Nothing typed is learned or
// written anywhere: employee names are personal data, and a kiosk keeps none outside its records.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/input_method.h"

namespace posdrill {

class GooglePinyin final : public InputMethod {
 public:
  // The library keeps one decoder per process: a second open() while one is alive fails.
  // Null with `error` set when the dictionary cannot be opened.
  static std::unique_ptr<GooglePinyin> open(const std::filesystem::path& dictionary, std::string& error);
  // The dictionary the package installs (found when the kiosk was built).
  static std::filesystem::path default_dictionary();
  ~GooglePinyin() override;
  GooglePinyin(const GooglePinyin&) = delete;
  GooglePinyin& operator=(const GooglePinyin&) = delete;

  void search(std::string_view letters) override;
  std::size_t candidate_count() const override;
  std::string candidate(std::size_t i) const override;
  bool choose(std::size_t i) override;
  std::string chosen() const override { return chosen_; }

 private:
  GooglePinyin() = default;
  std::size_t count_ = 0;   // the library's candidate count
  std::size_t offset_ = 0;  // after a partial choice, the library's candidate 0 is the whole sentence
  std::string chosen_;
};

}  // namespace posdrill
