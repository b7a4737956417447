// `posdrill preview FILE`: the file watch that reloads the preview when the author saves.
//
// inotify watches the file's folder rather than the file: editors save by writing a new file and
// renaming it over the old one, which a watch on the file itself would lose after the first save.
// A thread waits on the watch and, when the file is written, created or renamed into place, raises
// a flag and wakes the frame loop, so the preview reloads within a frame or two of the save.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace posdrill {

// The content folder FILE belongs to: FILE must be a scenario file in <content>/scenarios/, next
// to <content>/ui/strings.yaml. nullopt with `error` in plain words otherwise.
std::optional<std::filesystem::path> preview_content_dir(const std::filesystem::path& file, std::string& error);

// A private folder for a preview's records, removed with everything in it when it goes.
struct ThrowAwayFolder {
  std::filesystem::path path;
  bool make(std::string& error);
  ThrowAwayFolder() = default;
  ThrowAwayFolder(const ThrowAwayFolder&) = delete;
  ThrowAwayFolder& operator=(const ThrowAwayFolder&) = delete;
  ~ThrowAwayFolder();
};

class PreviewWatch {
 public:
  // `wake` is called from the watch's thread after a change (it must be thread-safe).
  PreviewWatch(std::filesystem::path file, std::function<void()> wake);
  PreviewWatch(const PreviewWatch&) = delete;
  PreviewWatch& operator=(const PreviewWatch&) = delete;
  ~PreviewWatch();

  // Starts watching; false with `error` when inotify cannot watch the folder.
  bool start(std::string& error);
  // Whether the file changed since the last call (a burst of changes counts once).
  bool take_change() { return changed_.exchange(false); }

 private:
  void run();

  std::filesystem::path file_;
  std::function<void()> wake_;
  int inotify_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::atomic<bool> changed_{false};
  std::thread thread_;
};

}  // namespace posdrill
