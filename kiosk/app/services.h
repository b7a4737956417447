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
#include <string>
#include <vector>

#include "kiosk/core/app_state.h"
#include "kiosk/store/recorder.h"
#include "kiosk/store/store.h"

namespace posdrill {

class KioskServices {
 public:
  using WallClock = std::function<int64_t()>;  // Unix ms
  using Log = std::function<void(const std::string&)>;

  // `state` must hold its content (scenarios, tracks) already; the runner keeps references to it.
  // `exports_dir` receives roster CSV files.
  KioskServices(SqliteStore& store, const AppState& state, std::filesystem::path exports_dir, WallClock wall, Log log);

  // Performs one effect and returns the actions that answer it, in order.
  std::vector<Action> perform(const Effect& effect);

  bool quit_requested() const { return quit_; }
  int64_t wall_now() const { return wall_(); }
  const std::string& current_attempt() const { return attempt_uuid_; }

 private:
  std::vector<Action> console_data();
  SqliteStore& store_;
  const AppState& state_;
  AttemptRecorder recorder_;
  std::filesystem::path exports_dir_;
  WallClock wall_;
  Log log_;
  std::string attempt_uuid_;
  bool quit_ = false;
};

// Applies `action`, performs every effect it leads to and applies the answers, until nothing is
// left. Returns every effect, in order, for the caller's own (window title, quit). Sets
// state.wall_ms from the services' clock first.
std::vector<Effect> apply(AppState& state, KioskServices& services, const Action& action);

}  // namespace posdrill
