#include "kiosk/platform/preview_watch.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace posdrill {

std::optional<std::filesystem::path> preview_content_dir(const std::filesystem::path& file, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    error = file.string() + ": no such scenario file";
    return std::nullopt;
  }
  const std::filesystem::path abs = std::filesystem::absolute(file, ec).lexically_normal();
  const std::filesystem::path folder = abs.parent_path();
  const std::filesystem::path content = folder.parent_path();
  if (folder.filename() != "scenarios" || !std::filesystem::is_regular_file(content / "ui" / "strings.yaml", ec)) {
    error = file.string() +
            ": expected a scenario file in a content folder's scenarios/ (next to ui/strings.yaml), as "
            "content/scenarios/ID.yaml";
    return std::nullopt;
  }
  return content;
}

bool ThrowAwayFolder::make(std::string& error) {
  std::string pattern = (std::filesystem::temp_directory_path() / "posdrill-preview-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    error = "cannot make a folder for the preview's records: " + std::string(std::strerror(errno));
    return false;
  }
  path = pattern;
  return true;
}

ThrowAwayFolder::~ThrowAwayFolder() {
  std::error_code ec;
  if (!path.empty()) std::filesystem::remove_all(path, ec);
}

PreviewWatch::PreviewWatch(std::filesystem::path file, std::function<void()> wake)
    : file_(std::move(file)), wake_(std::move(wake)) {}

PreviewWatch::~PreviewWatch() {
  if (stop_pipe_[1] >= 0) {
    const char b = 1;
    (void)!::write(stop_pipe_[1], &b, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : {inotify_fd_, stop_pipe_[0], stop_pipe_[1]})
    if (fd >= 0) ::close(fd);
}

bool PreviewWatch::start(std::string& error) {
  inotify_fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (inotify_fd_ < 0 || ::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    error = std::string("cannot watch the file: ") + std::strerror(errno);
    return false;
  }
  const std::string folder = std::filesystem::absolute(file_).parent_path().string();
  if (::inotify_add_watch(inotify_fd_, folder.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
    error = "cannot watch " + folder + ": " + std::strerror(errno);
    return false;
  }
  thread_ = std::thread([this] { run(); });
  return true;
}

void PreviewWatch::run() {
  const std::string name = file_.filename().string();
  alignas(inotify_event) char buf[8192];
  for (;;) {
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    bool ours = false;
    for (;;) {
      const ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf + at);
        if (ev->len > 0 && name == ev->name) ours = true;
        at += ssize_t(sizeof(inotify_event) + ev->len);
      }
    }
    if (!ours) continue;
    changed_ = true;
    if (wake_) wake_();
  }
}

}  // namespace posdrill
