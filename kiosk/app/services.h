// The kiosk's effect runner: performs the Effects update() returns on the real adapters (the
// SQLite store, the file system) and answers with Actions. No ImGui, no SDL: the frame loop, the
// UI tests and any headless driver use the same runner, so what the tests sign in and record is
// what the kiosk does.
//
// Everything here runs on the thread that owns AppState, between frames. The store's calls are
// short transactions; the one slow call is the PIN hash check at sign-in (argon2id, tens of ms),
// taken once per sign-in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "kiosk/core/app_state.h"
#include "kiosk/store/recorder.h"
#include "kiosk/store/store.h"

namespace posdrill {

// What the effect runner asks of the sync worker (kiosk/net/sync_worker.h). An interface, so the
// runner and its tests need neither the network nor a thread; the platform adapts the worker.
// Both calls only leave a note for the worker's thread and return at once.
class SyncControl {
 public:
  virtual ~SyncControl() = default;
  virtual void kick() = 0;  // send now: lifts the backoff and the alarm
  virtual void request_remote_awards(const std::string& employee_id) = 0;
};

// What the effect runner asks of the spare terminal's link thread (kiosk/nexo/
// spare_terminal_link.h). Each call only leaves a job for the thread and returns at once; the
// answers come back through the platform as SpareTerminalAnswered / SpareTerminalStatus.
class SpareTerminalControl {
 public:
  virtual ~SpareTerminalControl() = default;
  virtual void begin(uint64_t serial, const Scenario& scenario) = 0;
  virtual void send(uint64_t serial, const TerminalRequest& request) = 0;
  virtual void end(uint64_t serial) = 0;
};

class KioskServices {
 public:
  using WallClock = std::function<WallTime()>;
  using Log = std::function<void(const std::string&)>;

  // `state` must hold its content (scenarios, tracks) already; the runner keeps references to it.
  // `exports_dir` receives roster CSV files.
  KioskServices(SqliteStore& store, const AppState& state, std::filesystem::path exports_dir, WallClock wall, Log log);

  // Sync on: every recorded answer queues its xAPI statements for `site` (in the same
  // transaction as the record), and `control` (may be null: statements wait for a later start)
  // is woken on "send now" and asked for remote certifications at sign-in (unless
  // site.lrs.remote_certification is off). `control` must outlive the services.
  void enable_sync(const StatementSite& site, SyncControl* control);
  // The spare terminal's link (may stay unset: spare-terminal effects are then logged and
  // answered with "unreachable", so an attempt never waits for a terminal nobody drives).
  // `control` must outlive the services.
  void enable_spare_terminal(SpareTerminalControl* control) { spare_ = control; }
  // The console's chain panel reads the per-store summary `posdrill report --from-lrs` keeps in
  // `cache_file` (kiosk/store/roster_cache.h), when that file exists: a kiosk where head office
  // runs the chain report shows it to its managers. Unset: no chain panel.
  void show_chain_from(std::filesystem::path cache_file) { chain_file_ = std::move(cache_file); }
  // The roster CSV also goes to a removable drive when one is mounted under `roots`
  // (removable_media.h); `mountinfo` returns the text of /proc/self/mountinfo at export time.
  void export_to_removable(std::vector<std::filesystem::path> roots, std::function<std::string()> mountinfo) {
    media_roots_ = std::move(roots);
    mountinfo_ = std::move(mountinfo);
  }

  // Performs one effect and returns the actions that answer it, in order.
  std::vector<Action> perform(const Effect& effect);

  bool quit_requested() const { return quit_; }
  void log(const std::string& line) const {
    if (log_) log_(line);
  }
  WallTime wall_now() const { return wall_(); }
  const std::string& current_attempt() const { return attempt_uuid_; }

 private:
  std::vector<Action> console_data();
  // `status` gets the error when the cache cannot be read (and is left as it was otherwise).
  std::vector<RemoteAwardRow> remote_awards_of(const std::string& operator_id, StoreStatus& status);
  Action set_aside_list();
  SqliteStore& store_;
  const AppState& state_;
  AttemptRecorder recorder_;
  std::filesystem::path exports_dir_;
  std::filesystem::path chain_file_;
  std::vector<std::filesystem::path> media_roots_;
  std::function<std::string()> mountinfo_;
  WallClock wall_;
  Log log_;
  std::string attempt_uuid_;
  bool step_failed_ = false;  // a step of the current attempt was not written
  bool quit_ = false;
  std::optional<StatementSite> site_;
  SyncControl* sync_ = nullptr;
  SpareTerminalControl* spare_ = nullptr;
};

// Applies `action`, performs every effect it leads to and applies the answers, until nothing is
// left. Returns every effect, in order, for the caller's own (window title, quit). Sets
// state.wall_ms from the services' clock first.
std::vector<Effect> apply(AppState& state, KioskServices& services, const Action& action);

}  // namespace posdrill
