// The kiosk's side of the sync with the company's learning record store, through the screens and
// the real effect runner on a real SQLite file: the footer on every screen, the console's Sync
// tab acting on the outbox, certifications earned elsewhere at sign-in, and statements queued for
// every recorded answer. A FakeSync stands in for the worker thread (no network here); the
// worker's reports arrive as the actions the platform would send.

#include <catch2/catch.hpp>

#include <imgui.h>
#include <imgui_internal.h>  // the windows drawn this frame

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/certification.h"
#include "kiosk_fixture.h"
#include "screen_driver.h"

using namespace posdrill;
using test::day_ms;
using test::Kiosk;
using test::t0;

namespace {

// Draws the current screen twice (the footer's strip applies from the frame after it appears),
// then checks that the footer lies on the bottom edge and is small, and that every other window
// drawn (screens, their scrolling panes, overlays) ends where the footer begins. ImGui clips
// what a window draws to the window, so no touch target can reach under the footer, scrolled
// or not. Returns whether the footer was drawn.
bool footer_clear_of_widgets(Kiosk& k) {
  k.frame(ImVec2(-1, -1), false);
  k.frame(ImVec2(-1, -1), false);
  const auto it = k.rects.find("sync.footer");
  if (it == k.rects.end()) return false;
  const WidgetRect footer = it->second;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  CHECK(footer.max.y == Approx(display.y));
  CHECK(footer.min.x == Approx(0.0f));
  CHECK(footer.max.y - footer.min.y < k.theme.metrics.touch_px);  // a line, not a bar of buttons
  int windows = 0;
  for (const ImGuiWindow* w : GImGui->Windows) {
    if (!w->Active || w->Hidden || std::string_view(w->Name).find("sync_footer") != std::string_view::npos) continue;
    ++windows;
    INFO("window " << w->Name << " ends at " << w->Rect().Max.y << ", the footer starts at " << footer.min.y);
    CHECK(w->Rect().Max.y <= footer.min.y + 0.5f);
  }
  CHECK(windows >= 2);  // the screen and the corner target at least
  return true;
}

// An open attempt for `operator_id` with three statements queued in the same transaction, as the
// recorder queues them; the first two are then set aside as the worker does on a refusal.
void seed_outbox(Kiosk& k, const std::string& operator_id) {
  AttemptRow a;
  a.uuid = "0b7e2c1a-5d4f-4e8a-9c3b-2a1f0e9d8c7b";
  a.operator_id = operator_id;
  a.scenario_id = "preauth_checkout_no_pan";
  a.scenario_version = 1;
  a.started_ms = t0 - 3'600'000;
  std::vector<OutboxStatement> sts;
  for (const char* id : {"s-a", "s-b", "s-c"})
    sts.push_back(OutboxStatement{id, a.uuid, id[2] == 'a' ? "attempted" : "answered", "{}", a.started_ms});
  REQUIRE(k.store->begin_attempt(a, sts));
  REQUIRE(k.store->outbox_set_aside("s-a", "HTTP 400 from the LRS: statement refused", t0 - 60'000));
  REQUIRE(k.store->outbox_set_aside("s-b", "HTTP 400 from the LRS: bad object id", t0 - 30'000));
}

RemoteAward remote_award(const std::string& op, WallTime awarded_ms, const std::string& store_id) {
  RemoteAward r;
  r.statement_id = "remote-" + op;
  r.operator_id = op;
  r.track_id = "card_payments_l1";
  r.awarded_ms = awarded_ms;
  r.kiosk_id = "kiosk-far-away";
  r.store_id = store_id;
  return r;
}

}  // namespace

TEST_CASE("the sync footer sits on the bottom edge of every screen and covers no touch target", "[sync][footer]") {
  for (const ImVec2 size : {ImVec2(1920, 1080), ImVec2(1280, 800)}) {
    INFO("display " << size.x << "x" << size.y);
    Kiosk k(size);
    k.enable_sync();
    SyncView v = k.state.sync;
    v.queued = 12;
    v.problem = "offline";
    k.act(SyncStatusChanged{v});
    CHECK(footer_clear_of_widgets(k));  // attract
    k.tap("attract.start");
    CHECK(footer_clear_of_widgets(k));  // sign-in numpad
    k.key_in("9001");
    k.key_in("7391");
    REQUIRE(k.state.screen == ScreenId::home);
    CHECK(footer_clear_of_widgets(k));
    k.tap("home.catalog");
    REQUIRE(k.state.screen == ScreenId::catalog);
    CHECK(footer_clear_of_widgets(k));
    k.tap("card.preauth_checkout_no_pan");
    REQUIRE(k.state.screen == ScreenId::runner);
    CHECK(footer_clear_of_widgets(k));
    // Every bottom button stays tappable with the footer there: play on by touch to the debrief.
    AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
    for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
      if (k.state.screen == ScreenId::feedback) CHECK(footer_clear_of_widgets(k));
    }
    REQUIRE(k.state.screen == ScreenId::debrief);
    CHECK(footer_clear_of_widgets(k));
    k.act(GoHome{});
    k.tap("home.console");
    REQUIRE(k.state.screen == ScreenId::console);
    for (const char* tab : {"tab.roster", "tab.mistakes", "tab.operators", "tab.settings", "tab.sync"}) {
      INFO(tab);
      k.tap(tab);
      CHECK(footer_clear_of_widgets(k));
    }
    k.tap("console.exit");  // the console's bottom bar is still reachable
    k.tap("confirm.yes");
    CHECK(k.services->quit_requested());
  }
}

TEST_CASE("without sync the footer stays off the trainee's screens and the console says sync off", "[sync][footer]") {
  Kiosk k(ImVec2(1280, 800));
  CHECK_FALSE(footer_clear_of_widgets(k));
  k.sign_in("9001", "7391");
  CHECK_FALSE(footer_clear_of_widgets(k));
  k.tap("home.console");
  CHECK(footer_clear_of_widgets(k));
  k.tap("tab.sync");
  CHECK_FALSE(k.on_screen("sync.now"));  // nothing to wake
  CHECK(k.state.console.set_aside_loaded);
  // With sync on (a worker reporting), the same console offers "send now".
  k.enable_sync();
  CHECK(k.on_screen("sync.now"));
}

TEST_CASE("the console's Sync tab retries and voids set-aside statements in the store", "[sync][console]") {
  Kiosk k(ImVec2(1920, 1080));
  k.enable_sync();
  seed_outbox(k, "1001");
  SyncView v = k.state.sync;
  v.queued = 1;
  v.set_aside = 2;
  v.problem = "rejected";
  k.act(SyncStatusChanged{v});

  k.sign_in("9001", "7391");
  k.tap("home.console");
  REQUIRE(k.state.screen == ScreenId::console);
  CHECK_FALSE(k.state.console.set_aside_loaded);  // loaded when the tab opens, not before
  k.tap("tab.sync");
  REQUIRE(k.state.console.set_aside_loaded);
  REQUIRE(k.state.console.set_aside.size() == 2);
  CHECK(k.state.console.set_aside[0].id == "s-a");
  CHECK(k.state.console.set_aside[0].verb == "attempted");
  CHECK(k.state.console.set_aside[0].reason == "HTTP 400 from the LRS: statement refused");
  CHECK(k.on_screen("sync.void.s-b"));

  // Retry: back in the queue, due now, and the worker is woken.
  k.tap("sync.retry.s-a");
  CHECK(k.store->outbox_find("s-a")->state == OutboxState::queued);
  CHECK(k.sync.kicks == 1);
  CHECK(k.state.console.notice_key == "console.sync_retried");
  REQUIRE(k.state.console.set_aside.size() == 1);
  CHECK_FALSE(k.on_screen("sync.retry.s-a"));

  // Void takes two taps: the first only arms the button.
  k.tap("sync.void.s-b");
  CHECK(k.store->outbox_find("s-b")->state == OutboxState::set_aside);
  k.tap("sync.void.s-b");
  const auto voided = k.store->outbox_find("s-b");
  REQUIRE(voided);
  CHECK(voided->state == OutboxState::voided);
  CHECK(voided->last_error.find("9001") != std::string::npos);  // who voided it is on record
  CHECK(k.state.console.notice_key == "console.sync_voided");
  CHECK(k.state.console.set_aside.empty());
  CHECK(k.store->outbox_counts().set_aside == 0);
  CHECK(k.store->outbox_find("s-c")->state == OutboxState::queued);  // the queue itself untouched

  // A statement that is not there (voided meanwhile from the command line): said, nothing woken.
  k.act(RetryStatement{"s-gone"});
  CHECK(k.state.console.notice_key == "console.failed_save");
  CHECK(k.state.console.notice_error);
  CHECK(k.sync.kicks == 1);

  // Send now wakes the worker; the worker's next report reaches the tab.
  k.tap("sync.now");
  CHECK(k.sync.kicks == 2);
  v.set_aside = 0;
  v.queued = 0;
  v.problem = "";
  v.sent = 2;
  k.act(SyncStatusChanged{v});
  CHECK(k.state.sync.sent == 2);
}

TEST_CASE("a trainee certified in another store is certified here at sign-in and the roster agrees", "[sync][remote]") {
  Kiosk k(ImVec2(1920, 1080));
  k.enable_sync();
  // The cache from an earlier sign-in: shown even when the LRS cannot be reached now.
  REQUIRE(k.store->replace_remote_awards("1001", {remote_award("1001", t0 - 10 * day_ms, "S-042")}, t0 - day_ms));
  k.sign_in("1001", "2580");
  REQUIRE(k.state.screen == ScreenId::home);
  REQUIRE(k.state.session->loaded);
  CHECK(k.sync.remote_requests == std::vector<std::string>{"1001"});  // and a fresh answer was asked for
  CHECK(k.state.session->progress.front().status == CertStatus::certified);
  REQUIRE(k.state.session->progress.front().award);
  CHECK(k.state.session->progress.front().award->expires_ms == t0 + 170 * day_ms);
  const RemoteAwardRow* origin = remote_origin(*k.state.session->progress.front().award, k.state.session->remote_awards);
  REQUIRE(origin);
  CHECK(earned_at(*origin) == "S-042");
  CHECK(k.on_screen("home.catalog"));
  k.tap("home.sign_out");

  k.sign_in("9001", "7391");
  k.tap("home.console");
  bool found = false;
  for (const RosterRow& r : k.state.console.roster)
    if (r.op.employee_id == "1001") {
      found = true;
      CHECK(r.status == CertStatus::certified);
    }
  CHECK(found);
  // The exported roster says the same.
  k.tap("console.export");
  REQUIRE(k.state.console.notice_key == "console.exported");
  std::ifstream csv(k.state.console.notice_detail, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(csv)), std::istreambuf_iterator<char>());
  CHECK(text.find("\r\n1001,") != std::string::npos);
  CHECK(text.find(",trainee,,certified,") != std::string::npos);
}

TEST_CASE("the LRS's answer after sign-in reloads the trainee's certification", "[sync][remote]") {
  Kiosk k(ImVec2(1280, 800));
  k.enable_sync();
  k.sign_in("1001", "2580");
  REQUIRE(k.state.session->loaded);
  CHECK(k.state.session->progress.front().status == CertStatus::not_started);
  // The worker stored the answer on its own connection, then reported the operator.
  REQUIRE(k.store->replace_remote_awards("1001", {remote_award("1001", t0 - day_ms, "")}, t0));
  k.act(RemoteAwardsUpdated{"1001"});
  CHECK(k.state.session->progress.front().status == CertStatus::certified);
  REQUIRE(k.state.session->progress.front().award);
  const RemoteAwardRow* origin = remote_origin(*k.state.session->progress.front().award, k.state.session->remote_awards);
  REQUIRE(origin);
  CHECK(earned_at(*origin) == "kiosk-far-away");
}

TEST_CASE("with sync on every recorded answer queues its statements and without it nothing is queued",
          "[sync][records]") {
  for (const bool sync_on : {true, false}) {
    INFO("sync " << (sync_on ? "on" : "off"));
    Kiosk k(ImVec2(1920, 1080));
    if (sync_on) k.enable_sync();
    k.sign_in("1001", "2580");
    CHECK(k.sync.remote_requests.size() == (sync_on ? 1u : 0u));
    k.tap("home.catalog");
    k.tap("card.preauth_checkout_no_pan");
    AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
    for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
    }
    REQUIRE(k.state.screen == ScreenId::debrief);
    const auto rows = k.store->attempts("1001");
    REQUIRE(rows.size() == 1);
    const OutboxCounts c = k.store->outbox_counts();
    if (!sync_on) {
      CHECK(c.queued == 0);
      continue;
    }
    // attempted + one answered per decision or task + passed: at least three, all for this attempt.
    CHECK(c.queued >= 3);
    const auto queued = k.store->outbox_list(OutboxState::queued, 500);
    REQUIRE_FALSE(queued.empty());
    CHECK(queued.front().statement.verb == "attempted");
    CHECK(queued.back().statement.verb == "passed");
    for (const OutboxRow& r : queued) CHECK(r.statement.attempt_uuid == rows.front().uuid);
  }
}

TEST_CASE("with remote certification switched off sign-in asks the LRS nothing", "[sync][remote]") {
  Kiosk k(ImVec2(1280, 800));
  k.enable_sync(false);
  k.sign_in("1001", "2580");
  REQUIRE(k.state.screen == ScreenId::home);
  CHECK(k.state.session->loaded);
  CHECK(k.sync.remote_requests.empty());
}
