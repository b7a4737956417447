// The kiosk with its records for flow tests: the screen router driven by taps (screen_driver.h),
// the real effect runner (kiosk/app/services.h) and a real SQLite file in a temporary folder,
// with two people in it (trainee 1001 PIN 2580, manager 9001 PIN 7391) unless asked otherwise.
// A FakeSync stands in for the sync worker: it records what the effect runner asks of it.
#pragma once

#include <catch2/catch.hpp>

#include <imgui.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kiosk/app/services.h"
#include "kiosk/core/app_state.h"
#include "kiosk/store/store.h"
#include "scenarios/loader.h"
#include "screen_driver.h"
#include "tests/shipped_set.h"

namespace posdrill::test {

// What the effect runner asked of the sync worker.
struct FakeSync final : SyncControl {
  int kicks = 0;
  std::vector<std::string> remote_requests;
  void kick() override { ++kicks; }
  void request_remote_awards(const std::string& employee_id) override { remote_requests.push_back(employee_id); }
};

inline const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;
inline constexpr int64_t day_ms = 24LL * 60 * 60 * 1000;
inline constexpr WallTime t0{1'795'000'000'000};  // 2026-11-18, a fixed wall clock

struct TempDir {
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("posdrill-flow-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path path;
};

inline OperatorRecord person(const std::string& id, const std::string& name, Role role, Lang lang = Lang::zh) {
  OperatorRecord o;
  o.employee_id = id;
  o.name = name;
  o.role = role;
  o.lang = lang;
  o.created_ms = t0;
  return o;
}

class Kiosk : public ScreenDriver {
 public:
  explicit Kiosk(ImVec2 display, bool with_people = true) : ScreenDriver(display) {
    StoreStatus st;
    store = SqliteStore::open(dir.path / "posdrill.db", st, wall);
    REQUIRE(store);
    if (with_people) {
      REQUIRE(store->add_operator(person("1001", "王小明", Role::trainee, Lang::en), "2580"));
      REQUIRE(store->add_operator(person("9001", "李店长", Role::manager), "7391"));
    }
    ContentSet c = posdrill::test::shipped_set();
    state.scenarios = std::move(c.scenarios);
    state.tracks = std::move(c.tracks);
    load_ui_strings(ui_strings_path(content_dir), state.strings);
    state.clock = &clock;
    state.require_sign_in = true;
    state.has_manager = store->has_active_manager();
    state.screen = ScreenId::attract;
    refresh_catalog(state);
    services = std::make_unique<KioskServices>(
        *store, state, dir.path / "exports", [this] { return wall; },
        [this](const std::string& l) { log.push_back(l); });
  }

  // Through the real effect runner, as the kiosk's loop does.
  void act(const Action& a) override {
    for (Effect& e : apply(state, *services, a)) effects.push_back(std::move(e));
  }

  // Keys `digits` on the on-screen numpad, then OK.
  void key_in(const std::string& digits) {
    for (char d : digits) tap(std::string("key.") + d);
    tap("key.ok");
  }

  void sign_in(const std::string& id, const std::string& pin) {
    if (state.screen == ScreenId::attract) tap("attract.start");
    REQUIRE(state.screen == ScreenId::sign_in);
    key_in(id);
    key_in(pin);
  }

  // The hidden gesture's target is small on purpose: no touch-target size rule for it.
  void tap_corner() { tap("corner", false); }

  // Sync on, as the platform turns it on when an LRS is configured: the recorder queues
  // statements and the runner talks to `sync`. The address is never dialled here.
  void enable_sync(bool remote_certification = true) {
    StatementSite site;
    site.lrs.remote_certification = remote_certification;
    site.lrs.endpoint = "http://127.0.0.1:9/xapi/";
    site.lrs.key = "kiosk-test";
    site.lrs.secret = "not-a-secret";
    site.kiosk_id = "test-kiosk";
    site.store_id = "S-001";
    site.platform = "posdrill test";
    services->enable_sync(site, &sync);
    SyncView v;
    v.enabled = true;
    act(SyncStatusChanged{v});
  }

  TempDir dir;
  WallTime wall = t0;
  std::unique_ptr<SqliteStore> store;
  FakeSync sync;
  std::unique_ptr<KioskServices> services;
  std::vector<Effect> effects;
  std::vector<std::string> log;
};

}  // namespace posdrill::test
