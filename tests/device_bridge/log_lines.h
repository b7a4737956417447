// Log lines a server writes on its own thread, kept for the test to read under a lock. A server
// logs before the peer can see what it logged about, so a test that has seen the effect (an
// answer, a closed connection) finds the line.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace posdrill::test {

class LogLines {
 public:
  // The callback to hand the server.
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& line) {
      std::lock_guard lock(mutex_);
      lines_.push_back(line);
    };
  }
  // Every line so far, each ending in '\n'.
  std::string all() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out;
  }
  std::string last() const {
    std::lock_guard lock(mutex_);
    return lines_.empty() ? std::string() : lines_.back();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace posdrill::test
