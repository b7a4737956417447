// A pinyin input method for tests: a few syllables and phrases, no dictionary file. A candidate
// covers a number of the letters; choosing one that leaves letters offers candidates for the rest.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/input_method.h"

namespace posdrill::test {

class FakeInputMethod final : public InputMethod {
 public:
  // letters -> (candidate, letters it covers), best first
  std::map<std::string, std::vector<std::pair<std::string, std::size_t>>, std::less<>> table = {
      {"lina", {{"李娜", 4}, {"里那", 4}, {"李", 2}, {"里", 2}, {"力", 2}}},
      {"lin", {{"林", 3}, {"临", 3}, {"李", 2}}},
      {"li",
       {{"李", 2},
        {"里", 2},
        {"力", 2},
        {"立", 2},
        {"理", 2},
        {"利", 2},
        {"丽", 2},
        {"例", 2},
        {"历", 2},
        {"粒", 2},
        {"莉", 2},
        {"梨", 2},
        {"礼", 2},
        {"黎", 2},
        {"哩", 2},
        {"厉", 2}}},
      {"l", {{"了", 1}, {"来", 1}}},
      {"na", {{"娜", 2}, {"那", 2}, {"拿", 2}}},
  };
  int searches = 0;

  void search(std::string_view letters) override {
    ++searches;
    rest_ = std::string(letters);
    chosen_.clear();
  }
  std::size_t candidate_count() const override { return current().size(); }
  std::string candidate(std::size_t i) const override { return current().at(i).first; }
  bool choose(std::size_t i) override {
    const auto c = current().at(i);
    chosen_ += c.first;
    rest_ = rest_.substr(c.second);
    return rest_.empty();
  }
  std::string chosen() const override { return chosen_; }

 private:
  const std::vector<std::pair<std::string, std::size_t>>& current() const {
    static const std::vector<std::pair<std::string, std::size_t>> none;
    const auto it = table.find(rest_);
    return it == table.end() ? none : it->second;
  }
  std::string rest_;
  std::string chosen_;
};

}  // namespace posdrill::test
