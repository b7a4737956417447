// The kiosk with its records: sign-in on the numpad, home, play by touch to the debrief, the
// hidden manager gesture and PIN gate, the console, idle sign-out and the first run, driven
// through Dear ImGui with no renderer (taps at widgets' stable IDs) and the real effect runner on
// a real SQLite file in a temporary folder. Assertions are on AppState and on what the store
// holds afterwards.

#include <catch2/catch.hpp>

#include <imgui.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "kiosk/app/removable_media.h"
#include "kiosk/app/services.h"
#include "kiosk/core/app_state.h"
#include "kiosk/core/item_analysis.h"
#include "kiosk/store/roster_cache.h"
#include "kiosk/store/store.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"
#include "kiosk_fixture.h"
#include "scenarios/loader.h"
#include "screen_driver.h"

using namespace posdrill;

namespace {

using test::day_ms;
using test::Kiosk;
using test::person;
using test::t0;

}  // namespace

TEST_CASE("a trainee signs in on the numpad and plays by touch to the debrief with every step recorded", "[records]") {
  for (const ImVec2 size : {ImVec2(1920, 1080), ImVec2(1280, 800)}) {
    Kiosk k(size);
    k.sign_in("1001", "2580");
    REQUIRE(k.state.screen == ScreenId::home);
    REQUIRE(k.state.session);
    CHECK(k.state.session->op.name == "王小明");
    CHECK(k.state.lang == Lang::en);  // the trainee's own language
    REQUIRE(k.state.session->loaded);
    CHECK(k.state.session->progress.front().status == CertStatus::not_started);
    REQUIRE_FALSE(k.state.session->recommended.empty());
    CHECK(k.state.pin_entry.pin.empty());  // no PIN stays in the state

    const std::string first = k.state.session->recommended.front();
    k.tap("rec." + first);
    REQUIRE(k.state.screen == ScreenId::runner);
    AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
    bool checked_mid_way = false;
    for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
      // A decision is committed when it is made, not at the end.
      if (!checked_mid_way && k.state.screen == ScreenId::feedback) {
        const auto open = k.store->attempts("1001");
        REQUIRE(open.size() == 1);
        CHECK_FALSE(open.front().ended_ms.is_set());
        CHECK(k.store->events(open.front().uuid).size() == k.state.attempt->runner.result().steps.size());
        checked_mid_way = true;
      }
    }
    REQUIRE(checked_mid_way);
    REQUIRE(k.state.screen == ScreenId::debrief);
    const auto rows = k.store->attempts("1001");
    REQUIRE(rows.size() == 1);
    CHECK(rows.front().scenario_id == first);
    CHECK(rows.front().passed);
    CHECK(rows.front().finished);
    CHECK_FALSE(rows.front().abandoned);
    CHECK(k.store->events(rows.front().uuid).size() == k.state.attempt->runner.result().steps.size());
    CHECK(k.store->check().empty());

    // Home again: the topic now counts as passed.
    k.tap("back_catalog");
    REQUIRE(k.state.screen == ScreenId::catalog);
    k.tap("home");
    REQUIRE(k.state.screen == ScreenId::home);
    CHECK(k.state.session->progress.front().passed_count == 1);
    CHECK(k.state.session->progress.front().status == CertStatus::in_progress);
  }
}

TEST_CASE("passing one drill per topic on the kiosk certifies the trainee and the debrief says so", "[records]") {
  Kiosk k(ImVec2(1920, 1080));
  k.sign_in("1001", "2580");
  REQUIRE(k.state.screen == ScreenId::home);
  for (int topic = 0; topic < 5; ++topic) {
    REQUIRE_FALSE(k.state.session->recommended.empty());
    k.tap("rec." + k.state.session->recommended.front());
    AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
    for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
    }
    REQUIRE(k.state.screen == ScreenId::debrief);
    if (topic < 4) CHECK_FALSE(k.state.session->new_award);
    k.wall += day_ms;
    k.act(GoHome{});
  }
  // The fifth pass made the award.
  REQUIRE(k.store->awards("1001").size() == 1);
  CHECK(k.state.session->progress.front().status == CertStatus::certified);
  CHECK(k.state.session->progress.front().award);
}

TEST_CASE("wrong PINs count down then lock and the screen never tells which ids exist", "[records][pin]") {
  Kiosk k(ImVec2(1280, 800));
  k.sign_in("4242", "2580");  // no such employee
  CHECK(k.state.screen == ScreenId::sign_in);
  CHECK(k.state.pin_entry.message_key == "sign_in.wrong_tries");
  CHECK(k.state.pin_entry.tries_left == pin_max_failures - 1);
  CHECK(k.state.pin_entry.pin.empty());

  k.tap("key.clear");  // the PIN field has the focus: clear it, then fix the id
  k.tap("field.id");
  for (int i = 0; i < 4; ++i) k.tap("key.back");
  CHECK(k.state.pin_entry.employee_id.empty());
  k.key_in("1001");
  for (int i = 1; i <= pin_max_failures; ++i) {
    k.key_in("1357");
    CHECK(k.state.screen == ScreenId::sign_in);
    if (i < pin_max_failures) {
      CHECK(k.state.pin_entry.message_key == "sign_in.wrong_tries");
      CHECK(k.state.pin_entry.tries_left == pin_max_failures - i);
    }
  }
  CHECK(k.state.pin_entry.message_key == "sign_in.locked");
  CHECK(k.state.pin_entry.locked_minutes == 15);
  // The right PIN does not open a locked account…
  k.key_in("2580");
  CHECK(k.state.screen == ScreenId::sign_in);
  CHECK(k.state.pin_entry.message_key == "sign_in.locked");
  // …until the lock has run out.
  k.wall += pin_lockout_ms + 1000;
  k.key_in("2580");
  CHECK(k.state.screen == ScreenId::home);
  // The log says what happened and never the PIN.
  for (const std::string& line : k.log) {
    CHECK(line.find("2580") == std::string::npos);
    CHECK(line.find("1357") == std::string::npos);
  }
}

TEST_CASE("an unknown id and a real id with a wrong PIN look and lock the same try by try", "[records][pin]") {
  // What the sign-in screen shows after each of six wrong tries (one kiosk at a time: each owns
  // the ImGui context while it lives).
  struct Seen {
    std::string message;
    int tries_left;
    int64_t locked_minutes;
    bool on_pin;
    std::string words;
  };
  const auto tries = [](const std::string& id) {
    Kiosk k(ImVec2(1280, 800));
    std::vector<Seen> seen;
    k.sign_in(id, "1357");
    for (int i = 0; i <= pin_max_failures; ++i) {
      const PinEntry& e = k.state.pin_entry;
      CHECK(k.state.screen == ScreenId::sign_in);
      seen.push_back(
          {e.message_key, e.tries_left, e.locked_minutes, e.on_pin, k.state.strings.tr(e.message_key, Lang::zh)});
      k.key_in("1357");
    }
    return seen;
  };
  const std::vector<Seen> real = tries("1001");
  const std::vector<Seen> unknown = tries("4243");
  REQUIRE(real.size() == unknown.size());
  for (std::size_t i = 0; i < real.size(); ++i) {
    INFO("try " << i + 1);
    CHECK(real[i].message == unknown[i].message);
    CHECK(real[i].tries_left == unknown[i].tries_left);
    CHECK(real[i].locked_minutes == unknown[i].locked_minutes);
    CHECK(real[i].on_pin == unknown[i].on_pin);
    CHECK(real[i].words == unknown[i].words);
  }
  CHECK(unknown[pin_max_failures - 1].message == "sign_in.locked");
}

TEST_CASE("a keyboard types only digits into the employee id as the numpad does", "[records][pin]") {
  Kiosk k(ImVec2(1280, 800));
  k.tap("attract.start");
  for (char c : std::string("E1a0.0-1")) k.act(KeypadKey{KeypadKey::Kind::character, c});
  CHECK(k.state.pin_entry.employee_id == "1001");
}

TEST_CASE("the first run's employee id field keeps only the digits typed into it", "[records][first_run]") {
  Kiosk k(ImVec2(1280, 800), false);
  k.tap("attract.start");
  REQUIRE(k.state.screen == ScreenId::first_run);
  k.tap("first_run.id", true);
  ImGui::GetIO().AddInputCharactersUTF8("E1a0.0-1工");
  k.frame(ImVec2(0, 0), false);
  k.frame(ImVec2(0, 0), false);
  CHECK(std::string(k.screens_ui.first_run.form.id.data()) == "1001");
}

TEST_CASE("the hidden corner gesture opens the manager gate which refuses a trainee and admits a manager",
          "[records][gate]") {
  Kiosk k(ImVec2(1920, 1080));
  k.sign_in("1001", "2580");
  REQUIRE(k.state.screen == ScreenId::home);
  CHECK_FALSE(k.on_screen("home.console"));  // a trainee has no console button
  for (int i = 0; i < corner_taps_needed - 1; ++i) k.tap_corner();
  CHECK(k.state.screen == ScreenId::home);  // not yet
  k.tap_corner();
  REQUIRE(k.state.screen == ScreenId::manager_gate);
  k.key_in("1001");
  k.key_in("2580");
  CHECK(k.state.screen == ScreenId::manager_gate);
  CHECK(k.state.pin_entry.message_key == "gate.not_manager");
  k.tap("sign_in.cancel");
  CHECK(k.state.screen == ScreenId::home);  // back where the gesture was made

  // Taps spread out over more than the window do not add up.
  for (int i = 0; i < corner_taps_needed; ++i) {
    k.clock.advance_ms(corner_tap_window_ms / 2);
    k.tap_corner();
  }
  CHECK(k.state.screen == ScreenId::home);

  for (int i = 0; i < corner_taps_needed; ++i) k.tap_corner();
  REQUIRE(k.state.screen == ScreenId::manager_gate);
  k.key_in("9001");
  k.key_in("7391");
  REQUIRE(k.state.screen == ScreenId::console);
  CHECK(k.state.console.manager.employee_id == "9001");
  REQUIRE(k.state.console.roster.size() == 2);
  k.tap("row.1001");
  CHECK(k.state.console.selected_operator == "1001");
  k.tap("tab.mistakes");
  CHECK(k.state.console.tab == ConsoleTab::mistakes);
  k.tap("tab.settings");
  k.tap("tab.operators");
  CHECK(k.on_screen("reset.1001"));
  k.tap("console.export");
  CHECK(k.state.console.notice_key == "console.exported");
  CHECK(std::filesystem::exists(k.state.console.notice_detail));
  k.tap("console.close");
  CHECK(k.state.screen == ScreenId::home);
  CHECK(k.state.console.roster.empty());  // nothing of the roster stays behind
  CHECK_FALSE(k.services->quit_requested());

  // Leaving the kiosk is a console action only.
  k.act(ExitKiosk{});
  CHECK_FALSE(k.services->quit_requested());
  for (int i = 0; i < corner_taps_needed; ++i) k.tap_corner();
  k.key_in("9001");
  k.key_in("7391");
  // Closing asks first: "cancel" keeps the kiosk open.
  k.tap("console.exit");
  CHECK_FALSE(k.services->quit_requested());
  CHECK(k.state.confirming == ConfirmKind::exit_kiosk);
  k.tap("confirm.no");
  CHECK_FALSE(k.services->quit_requested());
  CHECK(k.state.screen == ScreenId::console);
  k.tap("console.exit");
  k.tap("confirm.yes");
  CHECK(k.services->quit_requested());
}

TEST_CASE("the roster's tiles count each state and a tap shows only that state's people", "[records][gate]") {
  Kiosk k(ImVec2(1280, 800));
  REQUIRE(k.store->add_operator(person("1002", "张伟", Role::trainee), "2580"));
  // 1001 failed a reversal drill (a topic tried and never passed); 1002 and 9001 never drilled.
  AttemptRow a;
  a.uuid = new_uuid();
  a.operator_id = "1001";
  a.scenario_id = "reversal_debit_sms";
  a.started_ms = t0 - 60'000;
  a.ended_ms = t0 - 30'000;
  a.finished = true;
  a.passed = false;
  a.score = 0.4;
  a.points = 40;
  a.max_points = 100;
  REQUIRE(k.store->add_closed_attempt(a, {}));
  k.sign_in("9001", "7391");
  k.tap("home.console");
  REQUIRE(k.state.screen == ScreenId::console);
  k.frame(ImVec2(-1, -1), false);
  for (const char* id : {"tile.all", "tile.certified", "tile.expiring", "tile.expired", "tile.in_progress",
                         "tile.not_started", "tile.failing_topic", "row.1001", "row.1002", "row.9001"})
    CHECK(k.rects.count(id) == 1);
  const ChainStoreRow n = summarize_roster(k.state.console.roster);
  CHECK(n.people == 3);
  CHECK(n.in_progress == 1);
  CHECK(n.not_started == 2);
  REQUIRE(k.state.console.roster.front().op.employee_id == "1001");
  REQUIRE(k.state.console.roster.front().weakest_topic);
  CHECK(*k.state.console.roster.front().weakest_topic == Topic::reversal);

  k.tap("tile.failing_topic");
  CHECK(k.state.console.roster_filter == RosterFilter::failing_topic);
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("row.1001") == 1);
  CHECK(k.rects.count("row.1002") == 0);
  CHECK(k.rects.count("row.9001") == 0);
  k.tap("tile.not_started");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("row.1001") == 0);
  CHECK(k.rects.count("row.1002") == 1);
  CHECK(k.rects.count("row.9001") == 1);
  // The lit tile tapped again, or "everyone", shows everyone.
  k.tap("tile.not_started");
  CHECK(k.state.console.roster_filter == RosterFilter::all);
  k.tap("tile.certified");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("row.1001") + k.rects.count("row.1002") + k.rects.count("row.9001") == 0);
  CHECK(k.rects.count("roster.none") == 1);  // says nobody is there
  k.tap("tile.all");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("row.1001") + k.rects.count("row.1002") + k.rects.count("row.9001") == 3);
}

TEST_CASE("an account locked by wrong PINs has its tile, and a PIN reset opens it", "[records][gate]") {
  Kiosk k(ImVec2(1280, 800));
  REQUIRE(k.store->add_operator(person("1002", "张伟", Role::trainee), "2580"));
  for (int i = 0; i < pin_max_failures; ++i) k.store->verify_pin("1002", "9999", t0);
  REQUIRE(k.store->verify_pin("1002", "2580", t0).outcome == PinOutcome::locked);
  k.sign_in("9001", "7391");
  k.tap("home.console");
  REQUIRE(k.state.screen == ScreenId::console);
  k.frame(ImVec2(-1, -1), false);
  REQUIRE(k.rects.count("tile.locked") == 1);
  CHECK(count_locked(k.state.console.roster) == 1);
  k.tap("tile.locked");
  CHECK(k.state.console.roster_filter == RosterFilter::locked);
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("row.1002") == 1);
  CHECK(k.rects.count("row.1001") + k.rects.count("row.9001") == 0);

  // The reset reloads the accounts: the lock is gone from the roster and the tile.
  k.act(ResetOperatorPin{"1002", "4826", "4826"});
  CHECK(count_locked(k.state.console.roster) == 0);
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("row.1002") == 0);
  CHECK(k.store->verify_pin("1002", "4826", t0).outcome == PinOutcome::ok);
}

TEST_CASE("a mounted USB stick is found in mountinfo: mount points directly under a media root", "[records][export]") {
  const std::string mountinfo =
      "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/vda2 rw\n"
      "98 22 8:17 / /media/kiosk/KINGSTON rw,nosuid,nodev shared:50 - vfat /dev/sdb1 rw,uid=1000\n"
      "99 22 8:33 / /media/kiosk/My\\040Stick rw,nosuid,nodev shared:51 - exfat /dev/sdc1 rw\n"
      "100 22 8:49 / /media/usb0 rw - vfat /dev/sdd1 rw\n"
      "101 22 0:50 / /media/kiosk/KINGSTON/nested rw - tmpfs tmpfs rw\n"
      "102 22 0:51 / /run/user/1000 rw - tmpfs tmpfs rw\n"
      "garbage line\n"
      "\n";
  const auto drives = removable_drives(mountinfo, default_media_roots("kiosk"));
  REQUIRE(drives.size() == 3);
  CHECK(drives[0] == "/media/kiosk/KINGSTON");
  CHECK(drives[1] == "/media/kiosk/My Stick");  // the kernel's \040 is a space
  CHECK(drives[2] == "/media/usb0");
  CHECK(removable_drives(mountinfo, {}).empty());
  CHECK(removable_drives("", default_media_roots("kiosk")).empty());
  // A user name is one path segment or nothing.
  CHECK(default_media_roots("../etc").size() == 1);
}

TEST_CASE("the roster export goes to a mounted USB stick too, and says so; a stick that refuses it is reported",
          "[records][export]") {
  Kiosk k(ImVec2(1280, 800));
  const std::filesystem::path media = k.dir.path / "media";
  const std::filesystem::path stick = media / "STICK";
  std::filesystem::create_directories(stick);
  std::string mountinfo = "98 22 8:17 / " + stick.string() + " rw,nosuid - vfat /dev/sdb1 rw\n";
  k.services->export_to_removable({media}, [&] { return mountinfo; });
  k.sign_in("9001", "7391");
  k.tap("home.console");
  k.tap("console.export");
  CHECK(k.state.console.notice_key == "console.exported_drive");
  CHECK_FALSE(k.state.console.notice_error);
  const std::filesystem::path copy = k.state.console.notice_detail;
  CHECK(copy.parent_path() == stick);
  REQUIRE(std::filesystem::exists(copy));
  // The same file as the one kept in the data folder.
  const std::filesystem::path local = k.dir.path / "exports" / copy.filename();
  REQUIRE(std::filesystem::exists(local));
  const auto read = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  CHECK(read(copy) == read(local));
  CHECK(read(copy).find("1001") != std::string::npos);
  // A stick mounted where nothing can be written: the kiosk's copy is made and the notice says the
  // stick did not take it, as an error.
  mountinfo = "98 22 8:17 / " + (media / "GONE").string() + " rw - vfat /dev/sdb1 rw\n";
  k.wall += 2'000;  // a new file name
  k.tap("console.export");
  CHECK(k.state.console.notice_key == "console.exported_no_drive");
  CHECK(k.state.console.notice_error);
  CHECK(std::filesystem::exists(k.state.console.notice_detail));
  // No stick: as before.
  mountinfo.clear();
  k.wall += 2'000;
  k.tap("console.export");
  CHECK(k.state.console.notice_key == "console.exported");
}

namespace {

// 1001 finished a frequent_swipe_lock drill just now, choosing `choice` at `step` for each pair
// (each a mistake), all answers recorded at the same moment (as a command-line play does).
void mistakes_just_now(Kiosk& k, const std::vector<std::pair<std::string, std::string>>& answers) {
  AttemptRow a;
  a.uuid = new_uuid();
  a.operator_id = "1001";
  a.scenario_id = "frequent_swipe_lock";
  a.started_ms = k.wall - 60'000;
  a.ended_ms = k.wall - 30'000;
  a.finished = true;
  std::vector<AttemptEventRow> events;
  for (const auto& [step, choice] : answers) {
    AttemptEventRow e;
    e.attempt_uuid = a.uuid;
    e.seq = static_cast<int>(events.size()) + 1;
    e.at_ms = k.wall - 50'000;
    e.kind = "step";
    e.step_id = step;
    e.choice_id = choice;
    e.mistake = true;
    events.push_back(e);
  }
  REQUIRE(k.store->add_closed_attempt(a, events));
}

// 1001 chose to swipe again at the "swiped too frequently" lock (a mistake) in a drill just now.
void swiped_again_just_now(Kiosk& k) { mistakes_just_now(k, {{"d_react", "swipe_again"}}); }

}  // namespace

TEST_CASE("a decision got wrong comes back on the home screen a day later, saying what was chosen", "[records][redrill]") {
  Kiosk k(ImVec2(1280, 800));
  swiped_again_just_now(k);
  k.sign_in("1001", "2580");
  REQUIRE(k.state.screen == ScreenId::home);
  REQUIRE(k.state.session->answers.size() == 1);
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.state.session->redrills.empty());  // not due yet: the same day
  CHECK(k.rects.count("redrill.frequent_swipe_lock") == 0);
  k.tap("home.sign_out");

  k.wall += day_ms + 1'000;
  k.sign_in("1001", "2580");
  REQUIRE(k.state.session->redrills.size() == 1);
  CHECK(k.state.session->redrills[0].missed_choice_id == "swipe_again");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("redrill.frequent_swipe_lock") == 1);
  CHECK(k.rects.count("redrill_reason.frequent_swipe_lock") == 1);
  // The drill is offered there, not a second time among the suggestions; each suggestion says why.
  CHECK(k.rects.count("rec.frequent_swipe_lock") == 0);
  REQUIRE_FALSE(k.state.session->recommended.empty());
  for (const std::string& id : k.state.session->recommended) CHECK(k.rects.count("rec_reason." + id) == 1);
  k.tap("redrill.frequent_swipe_lock");
  REQUIRE(k.state.screen == ScreenId::runner);
  CHECK(k.state.attempt->scenario.id == "frequent_swipe_lock");
}

namespace {

std::string best_choice(const Scenario& sc, const std::string& step_id) {
  const Step* step = sc.find(step_id);
  REQUIRE(step);
  const Choice* best = nullptr;
  for (const Choice& c : step->choices)
    if (!best || c.points > best->points) best = &c;
  REQUIRE(best);
  return best->id;
}

}  // namespace

TEST_CASE("a re-drill opens at the decision got wrong, after a recap, and keeps only that answer",
          "[records][redrill]") {
  Kiosk k(ImVec2(1280, 800));
  swiped_again_just_now(k);
  const auto attempts_in_file = [&] { return k.store->attempts("1001").size(); };
  const auto answers_in_file = [&] { return k.store->decision_answers("1001").size(); };
  REQUIRE(attempts_in_file() == 1);

  k.wall += day_ms + 1'000;
  k.sign_in("1001", "2580");
  k.frame(ImVec2(-1, -1), false);
  k.tap("redrill.frequent_swipe_lock");
  REQUIRE(k.state.screen == ScreenId::runner);
  REQUIRE(k.state.attempt);
  REQUIRE(k.state.attempt->practice);
  const Attempt& at = *k.state.attempt;
  // At the branch, the twin where the best path left it, with the story so far as a recap.
  CHECK(at.runner.step().id == "d_react");
  CHECK(at.practice->recap_open);
  CHECK(at.practice->due);
  REQUIRE_FALSE(at.practice->recap.empty());
  const Step& first = at.scenario.steps.front();
  CHECK(at.practice->recap.front().what.get(Lang::zh) == first.text.get(Lang::zh));
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("practice.recap") == 1);
  CHECK(k.rects.count("choice." + best_choice(at.scenario, "d_react")) == 0);  // not before the start
  // Nothing recorded on the way: no attempt was begun.
  CHECK(attempts_in_file() == 1);
  k.tap("practice.start");
  CHECK_FALSE(at.practice->recap_open);
  k.tap("choice." + best_choice(at.scenario, "d_react"));
  REQUIRE(k.state.screen == ScreenId::feedback);
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("answer.right") == 1);
  CHECK(k.rects.count("practice.next") == 1);  // right at its first review: back in 3 days
  k.tap("feedback.continue");
  CHECK(k.state.screen == ScreenId::home);
  CHECK_FALSE(k.state.attempt);
  // The answer is kept for the schedule, and no attempt, statement or chart row came of it.
  CHECK(attempts_in_file() == 1);
  CHECK(answers_in_file() == 2);
  CHECK(k.store->mistake_counts("frequent_swipe_lock", -1).size() == 1);
  REQUIRE(k.state.session->loaded);
  CHECK(k.state.session->redrills.empty());  // the right review moved it 3 days on

  // Three days later it is due again; wrong this time, it starts over: back in a day.
  k.tap("home.sign_out");
  k.wall += 3 * day_ms + 1'000;
  k.sign_in("1001", "2580");
  REQUIRE(k.state.session->redrills.size() == 1);
  CHECK(k.state.session->redrills[0].right_reviews == 1);
  k.frame(ImVec2(-1, -1), false);
  k.tap("redrill.frequent_swipe_lock");
  REQUIRE(k.state.attempt);
  k.tap("practice.start");
  k.tap("choice.swipe_again");
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("practice.again") == 1);
  k.tap("feedback.continue");
  CHECK(attempts_in_file() == 1);
  CHECK(answers_in_file() == 3);
  k.tap("home.sign_out");
  k.wall += day_ms + 1'000;
  k.sign_in("1001", "2580");
  REQUIRE(k.state.session->redrills.size() == 1);
  CHECK(k.state.session->redrills[0].right_reviews == 0);
  CHECK(k.state.session->redrills[0].missed_choice_id == "swipe_again");
}

TEST_CASE("one drill's mistakes come back in story order, and the home screen says how many wait",
          "[records][redrill]") {
  Kiosk k(ImVec2(1280, 800));
  // One attempt, two mistakes recorded at the same moment: the later question's id sorts first,
  // the story has it second.
  mistakes_just_now(k, {{"d_split", "split_now"}, {"d_words", "rules_only"}});
  k.wall += day_ms + 1'000;
  k.sign_in("1001", "2580");
  REQUIRE(k.state.session->redrills.size() == 2);
  CHECK(k.state.session->redrills[0].step_id == "d_words");
  CHECK(k.state.session->redrills[1].step_id == "d_split");
  k.frame(ImVec2(-1, -1), false);
  k.tap("redrill.frequent_swipe_lock");
  REQUIRE(k.state.attempt);
  CHECK(k.state.attempt->runner.step().id == "d_words");
  // The story's terminal task on the way is recapped with what it came to on the terminal.
  const auto& recap = k.state.attempt->practice->recap;
  CHECK(std::any_of(recap.begin(), recap.end(), [](const PracticeRun::RecapLine& l) { return l.terminal; }));
}

TEST_CASE("a run of abandoned attempts is one history row until the manager opens it", "[records][gate]") {
  Kiosk k(ImVec2(1280, 800));
  // Oldest first: a failed drill, three left unfinished, a pass; then one more left unfinished
  // alone (a run of one is not folded).
  const auto add = [&](int minutes_ago, bool abandoned, bool passed) {
    AttemptRow a;
    a.uuid = new_uuid();
    a.operator_id = "1001";
    a.scenario_id = "reversal_debit_sms";
    a.started_ms = t0 - minutes_ago * 60'000;
    a.ended_ms = a.started_ms + 30'000;
    a.finished = !abandoned;
    a.abandoned = abandoned;
    a.passed = passed;
    REQUIRE(k.store->add_closed_attempt(a, {}));
    return a.uuid;
  };
  const std::string failed = add(60, false, false);
  const std::string a1 = add(50, true, false), a2 = add(40, true, false), a3 = add(30, true, false);
  const std::string passed = add(20, false, true);
  const std::string lone = add(10, true, false);
  k.sign_in("9001", "7391");
  k.tap("home.console");
  k.tap("row.1001");
  REQUIRE(k.state.console.history.size() == 6);
  k.frame(ImVec2(-1, -1), false);
  for (const std::string& u : {failed, passed, lone}) CHECK(k.rects.count("attempt." + u) == 1);
  for (const std::string& u : {a1, a2, a3}) CHECK(k.rects.count("attempt." + u) == 0);
  // The run is named by its newest attempt.
  REQUIRE(k.rects.count("fold." + a3) == 1);
  CHECK(k.rects.count("fold." + lone) == 0);
  k.tap("fold." + a3);
  k.frame(ImVec2(-1, -1), false);
  for (const std::string& u : {a1, a2, a3}) CHECK(k.rects.count("attempt." + u) == 1);
  // Replaying one keeps its run open even after the fold row is tapped again.
  k.tap("attempt." + a2);
  CHECK(k.state.console.selected_attempt == a2);
  k.frame(ImVec2(-1, -1), false);
  CHECK(k.rects.count("fold." + a3) == 0);
  CHECK(k.rects.count("attempt." + a1) == 1);
  k.tap("attempt." + a2);  // closes the replay
  k.frame(ImVec2(-1, -1), false);
  k.tap("fold." + a3);
  k.frame(ImVec2(-1, -1), false);
  for (const std::string& u : {a1, a2, a3}) CHECK(k.rects.count("attempt." + u) == 0);
}

TEST_CASE("a manager reads a long history one page at a time and replays an attempt from any page", "[records][gate]") {
  Kiosk k(ImVec2(1920, 1080));
  // 45 drills: three pages of 20, 20 and 5, newest first.
  std::vector<std::string> newest_first;
  for (int i = 0; i < 45; ++i) {
    AttemptRow a;
    a.uuid = new_uuid();
    a.operator_id = "1001";
    a.scenario_id = k.state.scenarios[std::size_t(i) % k.state.scenarios.size()].id;
    a.started_ms = t0 - (45 - i) * 60'000;
    a.ended_ms = a.started_ms + 30'000;
    a.finished = true;
    AttemptEventRow e;
    e.attempt_uuid = a.uuid;
    e.seq = 1;
    e.at_ms = a.started_ms + 1'000;
    e.kind = "step";
    e.step_id = "s" + std::to_string(i);
    REQUIRE(k.store->add_closed_attempt(a, {e}));
    newest_first.insert(newest_first.begin(), a.uuid);
  }
  k.sign_in("9001", "7391");
  k.tap("home.console");
  REQUIRE(k.state.screen == ScreenId::console);
  k.tap("row.1001");
  const ConsoleState& c = k.state.console;
  REQUIRE(c.history_loaded);
  REQUIRE(c.history.size() == 20);
  CHECK(c.history.front().uuid == newest_first[0]);
  CHECK(c.history_more);
  k.tap("history.older");
  REQUIRE(c.history_page == 1);
  CHECK(c.history.front().uuid == newest_first[20]);
  k.tap("history.older");
  REQUIRE(c.history_page == 2);
  REQUIRE(c.history.size() == 5);
  CHECK(c.history.back().uuid == newest_first[44]);
  CHECK_FALSE(c.history_more);
  // The oldest attempt replays from the last page.
  k.tap("attempt." + newest_first[44]);
  CHECK(c.selected_attempt == newest_first[44]);
  REQUIRE(c.replay.size() == 1);
  CHECK(c.replay[0].step_id == "s0");
  // Back to the newest page: the replay of an attempt not on it goes.
  k.tap("history.newer");
  k.tap("history.newer");
  CHECK(c.history_page == 0);
  CHECK(c.selected_attempt.empty());
  CHECK(c.replay.empty());
  // Another person: their own (empty) history, from its first page.
  k.tap("row.9001");
  CHECK(c.selected_operator == "9001");
  CHECK(c.history_loaded);
  CHECK(c.history.empty());
  CHECK_FALSE(c.history_more);
}

TEST_CASE("a manager adds an account resets a PIN and switches an account off from the console", "[records][gate]") {
  Kiosk k(ImVec2(1920, 1080));
  k.sign_in("9001", "7391");
  REQUIRE(k.state.screen == ScreenId::home);
  k.tap("home.console");
  REQUIRE(k.state.screen == ScreenId::console);

  AddOperator add{person("1002", "陈, \"小\" 红", Role::trainee), "4826", "4862"};
  k.act(add);
  CHECK(k.state.console.notice_key == "field.pin_mismatch");
  add.pin_again = "4826";
  k.act(add);
  CHECK(k.state.console.notice_key == "console.added");
  CHECK(k.state.console.notice_detail == "陈, \"小\" 红 (1002)");
  REQUIRE(k.store->find_operator("1002"));
  CHECK(k.state.console.roster.size() == 3);
  // A manager cannot make an administrator.
  k.act(AddOperator{person("1003", "赵管理", Role::admin), "4826", "4826"});
  CHECK(k.state.console.notice_key == "console.need_admin");
  CHECK_FALSE(k.store->find_operator("1003"));

  k.act(ResetOperatorPin{"1001", "9173", "9173"});
  CHECK(k.state.console.notice_key == "console.pin_saved");
  CHECK(k.state.console.notice_detail == "王小明 (1001)");
  k.act(SetOperatorActive{"9001", false});
  CHECK(k.state.console.notice_key == "console.not_yourself");
  // On the Accounts tab the manager's own switch-off button is dimmed; the others' are live.
  k.tap("tab.operators");
  k.frame(ImVec2(-1, -1), false);
  REQUIRE(k.rects.count("active.9001") == 1);
  CHECK_FALSE(k.rects.at("active.9001").enabled);
  REQUIRE(k.rects.count("active.1001") == 1);
  CHECK(k.rects.at("active.1001").enabled);
  k.act(SetOperatorActive{"1002", false});
  CHECK_FALSE(k.store->find_operator("1002")->active);
  CHECK(k.state.console.notice_key == "console.deactivated");
  k.act(SetOperatorActive{"1002", true});
  CHECK(k.store->find_operator("1002")->active);
  CHECK(k.state.console.notice_key == "console.reactivated");
  k.act(SetOperatorActive{"1002", false});

  k.tap("console.close");
  k.tap("home.sign_out");
  REQUIRE(k.state.screen == ScreenId::attract);
  k.sign_in("1001", "9173");  // the new PIN works
  CHECK(k.state.screen == ScreenId::home);
  k.tap("home.sign_out");
  k.sign_in("1002", "4826");
  CHECK(k.state.pin_entry.message_key == "sign_in.inactive");
}

TEST_CASE("each catalog card shows the signed-in person's own record of it, and nobody's once signed out",
          "[records][catalog]") {
  Kiosk k(ImVec2(1280, 800));
  k.sign_in("9001", "7391");  // reads Chinese, as the kiosk does: sign-out changes no language
  REQUIRE(k.state.screen == ScreenId::home);
  const auto card = [&](const std::string& id) -> const CatalogCard& {
    for (const CatalogGroup& g : k.state.catalog.groups)
      for (const CatalogCard& c : g.cards)
        if (c.scenario_id == id) return c;
    FAIL("no card " << id);
    return k.state.catalog.groups.front().cards.front();
  };
  CHECK(card("void_same_day").record_label.empty());  // never tried
  const auto play_by_taps = [&k](AutoMode mode) {
    AutoPlayer player(k.state.attempt->scenario, mode);
    for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
    }
  };
  k.act(OpenScenario{"void_same_day"});
  play_by_taps(AutoMode::critical);
  REQUIRE(k.state.screen == ScreenId::debrief);
  REQUIRE_FALSE(k.state.attempt->runner.result().passed);
  k.tap("back_catalog");
  CHECK(card("void_same_day").record_label.find("未通过") != std::string::npos);
  CHECK_FALSE(card("void_same_day").record_passed);
  k.act(OpenScenario{"void_same_day"});
  play_by_taps(AutoMode::best);
  REQUIRE(k.state.attempt->runner.result().passed);
  k.tap("back_catalog");
  CHECK(card("void_same_day").record_label == "已通过");
  CHECK(card("void_same_day").record_passed);
  CHECK(card("refund_next_day").record_label.empty());
  // Signed out, the list is nobody's.
  k.act(SignOut{});
  CHECK(card("void_same_day").record_label.empty());
}

TEST_CASE("idle sign-out returns to the attract screen and records the unfinished attempt as abandoned",
          "[records][idle]") {
  Kiosk k(ImVec2(1280, 800));
  k.sign_in("1001", "2580");
  k.tap("home.catalog");
  k.tap("card.preauth_checkout_no_pan");
  k.tap("continue");
  REQUIRE(k.state.screen == ScreenId::runner);
  k.clock.advance_ms(k.state.idle_timeout_ms);
  k.act(Tick{});
  REQUIRE(k.state.still_there);
  k.clock.advance_ms(k.state.still_there_ms);
  k.act(Tick{});
  CHECK(k.state.screen == ScreenId::attract);
  CHECK_FALSE(k.state.session);
  const auto rows = k.store->attempts("1001");
  REQUIRE(rows.size() == 1);
  CHECK(rows.front().abandoned);
  CHECK_FALSE(rows.front().passed);
  CHECK(rows.front().ended_ms.is_set());
  CHECK(k.store->check().empty());
}

TEST_CASE("the language a trainee picks is theirs at the next sign-in", "[records]") {
  Kiosk k(ImVec2(1920, 1080));
  k.sign_in("1001", "2580");
  REQUIRE(k.state.lang == Lang::en);
  k.tap("lang");
  CHECK(k.state.lang == Lang::zh);
  k.tap("home.sign_out");
  CHECK(k.store->find_operator("1001")->lang == Lang::zh);
  k.sign_in("9001", "7391");
  CHECK(k.state.lang == Lang::zh);
}

TEST_CASE("after a sign-out the attract screen speaks the store's language, not the last trainee's", "[records]") {
  for (const Lang store : {Lang::zh, Lang::en}) {
    Kiosk k(ImVec2(1280, 800));
    k.state.lang = store;
    k.state.store_lang = store;
    REQUIRE(k.store->add_operator(person("1003", "Anna", Role::trainee, store == Lang::zh ? Lang::en : Lang::zh), "2580"));
    k.sign_in("1003", "2580");
    REQUIRE(k.state.screen == ScreenId::home);
    CHECK(k.state.lang != store);  // her own language while she is signed in
    k.effects.clear();
    k.tap("home.sign_out");
    REQUIRE(k.state.screen == ScreenId::attract);
    CHECK(k.state.lang == store);
    bool told = false;  // the platform retitles the window from this effect
    for (const Effect& e : k.effects)
      if (const auto* lc = std::get_if<LanguageChanged>(&e)) told = lc->lang == store;
    CHECK(told);
    // Her choice is still hers at the next sign-in.
    CHECK(k.store->find_operator("1003")->lang != store);
    // An idle sign-out does the same.
    k.sign_in("1003", "2580");
    CHECK(k.state.lang != store);
    k.clock.advance_ms(k.state.idle_timeout_ms + 1'000);
    k.act(Tick{});
    REQUIRE(k.state.still_there);
    k.clock.advance_ms(k.state.still_there_ms + 1'000);
    k.act(Tick{});
    REQUIRE(k.state.screen == ScreenId::attract);
    CHECK(k.state.lang == store);
  }
}

TEST_CASE("the first run creates the administrator and signs them in with no default account", "[records][first_run]") {
  Kiosk k(ImVec2(1280, 800), false);
  REQUIRE_FALSE(k.state.has_manager);
  k.tap("attract.start");
  REQUIRE(k.state.screen == ScreenId::first_run);
  REQUIRE(k.on_screen("first_run.create"));
  k.act(AddOperator{person("admin1", "张主管", Role::trainee), "86420", "86420"});
  CHECK(k.state.first_run_message == "field.id_bad_chars");  // the numpad could never key it
  CHECK_FALSE(k.store->has_active_admin());
  k.act(AddOperator{person("80001", "张主管", Role::trainee), "1234", "1234"});
  CHECK(k.state.first_run_message == "field.pin_weak");
  k.act(AddOperator{person("80001", "张主管", Role::trainee), "86420", "86421"});
  CHECK(k.state.first_run_message == "field.pin_mismatch");
  k.act(AddOperator{person("80001", "张主管", Role::trainee), "86420", "86420"});
  REQUIRE(k.state.screen == ScreenId::home);
  CHECK(k.state.has_manager);
  CHECK(k.state.session->op.role == Role::admin);  // whatever the form said: the first is an admin
  CHECK(k.store->has_active_admin());
  CHECK(k.on_screen("home.console"));
}

TEST_CASE("a manager on head office's kiosk sees the chain per store, the neediest first, and elsewhere none",
          "[records][chain]") {
  Kiosk k(ImVec2(1920, 1080));
  const std::filesystem::path cache_file = RosterCache::default_file(k.dir.path);
  k.services->show_chain_from(cache_file);

  // No cache (a store's kiosk): the console has no chain panel.
  k.sign_in("9001", "7391");
  k.tap("home.console");
  REQUIRE(k.state.screen == ScreenId::console);
  CHECK(k.state.console.chain.empty());
  CHECK_FALSE(k.on_screen("console.chain"));
  k.tap("console.close");

  // What `posdrill report --from-lrs` keeps: 60 stores, store S060 with the fewest certified.
  {
    StoreStatus st;
    auto cache = RosterCache::open(cache_file, st);
    REQUIRE(cache);
    std::vector<ChainStoreRow> stores;
    for (int i = 1; i <= 60; ++i) {
      char id[8];
      std::snprintf(id, sizeof id, "S%03d", i);
      ChainStoreRow r;
      r.store_id = id;
      r.people = 20;
      r.certified = 20 - i / 3;
      r.in_progress = 20 - r.certified;
      stores.push_back(r);
    }
    REQUIRE(cache->replace_store_summary(stores, t0 - day_ms));
  }
  k.tap("home.console");
  REQUIRE(k.state.screen == ScreenId::console);
  REQUIRE(k.state.console.chain.size() == 60);
  CHECK(k.state.console.chain_as_of_ms == t0 - day_ms);
  CHECK(k.state.console.chain.front().store_id == "S060");
  CHECK(k.on_screen("console.chain"));
  CHECK(k.on_screen("chain.total"));
  // The neediest stores first, on screen; past the first 50 the report lists the rest.
  REQUIRE(k.on_screen("chain.store.S060"));
  REQUIRE(k.on_screen("chain.store.S057"));
  CHECK(k.rects.at("chain.store.S060").min.y < k.rects.at("chain.store.S057").min.y);
  CHECK_FALSE(k.on_screen("chain.store.S001"));
  // The store's own roster is still there above it.
  CHECK(k.on_screen("row.1001"));
  CHECK(k.rects.at("row.1001").min.y < k.rects.at("console.chain").min.y);
  k.tap("console.close");
  CHECK(k.state.console.chain.empty());  // nothing of the chain stays behind either

  // A cache that cannot be read: logged, the store's console as before.
  std::filesystem::remove(cache_file);
  { std::ofstream(cache_file) << "not a database"; }
  k.log.clear();
  k.tap("home.console");
  REQUIRE(k.state.screen == ScreenId::console);
  CHECK(k.state.console.roster.size() == 2);
  CHECK(k.state.console.chain.empty());
  CHECK(k.state.console.notice_key.empty());
  bool logged = false;
  for (const std::string& l : k.log) logged = logged || l.find("cannot read the chain's roster") != std::string::npos;
  CHECK(logged);
}

TEST_CASE("each retry plays the next set of figures and every attempt counts for the same drill",
          "[records][figures]") {
  Kiosk k(ImVec2(1280, 800));
  k.sign_in("1001", "2580");
  REQUIRE(k.state.screen == ScreenId::home);
  REQUIRE(k.state.seed == 1);
  k.act(OpenScenario{"void_same_day"});
  const Scenario* base = find_scenario(k.state.scenarios, "void_same_day");
  REQUIRE(base);
  REQUIRE(base->variants.size() >= 3);
  std::vector<int64_t> amounts;
  for (int round = 1; round <= 3; ++round) {
    REQUIRE(k.state.screen == ScreenId::runner);
    const Scenario& played = k.state.attempt->scenario;
    CHECK(played.variant == round);  // the first attempt the first set, each retry the next
    amounts.push_back(played.setup.amount_minor);
    // The terminal's history carries this set's figures too: its earlier slips are this sale's.
    CHECK(played.setup.history.back().amount_minor == played.setup.amount_minor);
    AutoPlayer player(played, AutoMode::best);
    for (int n = 0; n < 200 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
    }
    REQUIRE(k.state.screen == ScreenId::debrief);
    CHECK(k.state.attempt->runner.result().figures == round);
    if (round < 3) k.act(Retry{});
  }
  CHECK(amounts[0] != amounts[1]);
  CHECK(amounts[1] != amounts[2]);
  CHECK(amounts[0] != amounts[2]);

  // The records do not split by figures: one scenario, one version, one hash, three attempts.
  const auto rows = k.store->attempts("1001");
  REQUIRE(rows.size() == 3);
  for (const AttemptRow& r : rows) {
    CHECK(r.scenario_id == "void_same_day");
    CHECK(r.content_hash == base->content_hash);
    CHECK(r.passed);
  }
  const auto stats = k.store->scenario_stats("1001");
  REQUIRE(stats.ok());
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].scenario_id == "void_same_day");
  CHECK(stats[0].attempts == 3);
  CHECK(stats[0].passes == 3);
  // Item analysis counts the three answers to each decision together.
  const auto answers = k.store->item_answers("void_same_day");
  REQUIRE(answers.ok());
  const std::vector<ItemStats> items = analyze_items(k.state.scenarios, answers, "void_same_day");
  bool saw_first = false;
  for (const ItemStats& it : items) {
    if (it.step_id != "d_how") continue;
    saw_first = true;
    CHECK(it.answered == 3);
    for (const ItemChoice& c : it.choices)
      if (c.id == "void_it") CHECK(c.chosen == 3);
  }
  CHECK(saw_first);
}

TEST_CASE("a step the store cannot write raises the footer alarm until an attempt is recorded whole",
          "[records][alarm]") {
  Kiosk k(ImVec2(1280, 800));
  // Sync is off: the footer is hidden, and the alarm must show anyway.
  CHECK(footer_line(k.state).text.empty());
  // A second connection makes every step's write fail, as a full or broken disk would.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((k.dir.path / "posdrill.db").c_str(), &db) == SQLITE_OK);
  const auto exec = [&](const char* sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
  };
  exec("CREATE TRIGGER refuse_steps BEFORE INSERT ON attempt_events BEGIN SELECT RAISE(ABORT, 'disk full'); END;");

  k.sign_in("1001", "2580");
  const auto play = [&] {
    REQUIRE(k.state.screen == ScreenId::home);
    REQUIRE_FALSE(k.state.session->recommended.empty());
    k.tap("rec." + k.state.session->recommended.front());
    REQUIRE(k.state.screen == ScreenId::runner);
    AutoPlayer player(k.state.attempt->scenario, AutoMode::best);
    for (int n = 0; n < 100 && k.state.screen != ScreenId::debrief; ++n) {
      k.clock.advance_ms(4'000);
      for (const std::string& w : test::next_widgets(k.state, player)) k.tap(w);
    }
    REQUIRE(k.state.screen == ScreenId::debrief);
  };
  play();
  CHECK_FALSE(k.state.recording_problem.empty());
  CHECK(k.state.recording_problem.find("disk full") != std::string::npos);
  const SyncLine line = footer_line(k.state);
  CHECK(line.tone == SyncTone::alarm);
  CHECK(line.text == k.state.strings.tr("records.save_failed", k.state.lang));
  CHECK(k.on_screen("sync.footer"));
  CHECK(std::any_of(k.log.begin(), k.log.end(),
                    [](const std::string& l) { return l.find("cannot record a step") != std::string::npos; }));

  // The disk recovers: the next attempt is recorded whole and the alarm goes.
  exec("DROP TRIGGER refuse_steps;");
  sqlite3_close(db);
  k.tap("back_catalog");
  k.tap("home");
  REQUIRE(k.state.screen == ScreenId::home);
  play();
  CHECK(k.state.recording_problem.empty());
  CHECK(footer_line(k.state).text.empty());
}

TEST_CASE("the effects that write the outbox say so themselves", "[records]") {
  CHECK(writes_outbox(Effect{AttemptStarted{}}));
  CHECK(writes_outbox(Effect{AttemptFinished{}}));
  CHECK(writes_outbox(Effect{DropStatement{}}));
  CHECK_FALSE(writes_outbox(Effect{LoadConsole{}}));
  CHECK_FALSE(writes_outbox(Effect{CheckPin{}}));
}

TEST_CASE("a trainee's next attempt draws figures not yet practised, read from the records", "[records][figures]") {
  Kiosk k(ImVec2(1280, 800));
  const Scenario* sc = find_scenario(k.state.scenarios, "sign_on_again");
  REQUIRE(sc);
  const std::size_t sets = sc->variants.size();
  REQUIRE(sets == 4);
  // 1001 has played sets 1, 2 and 3 on this kiosk before (a kiosk restarted since: its own seed
  // starts again at 1, which would draw set 1 once more).
  for (uint64_t seed : {1, 2, 3}) {
    AttemptRow a;
    a.uuid = new_uuid();
    a.operator_id = "1001";
    a.scenario_id = "sign_on_again";
    a.seed = seed;
    a.started_ms = t0 - 600'000 + int64_t(seed) * 60'000;
    a.ended_ms = a.started_ms + 30'000;
    a.finished = true;
    a.max_points = 100;
    REQUIRE(k.store->add_closed_attempt(a, {}));
  }
  k.state.seed = 1;
  k.sign_in("1001", "2580");
  REQUIRE(k.state.session);
  REQUIRE(k.state.session->loaded);
  k.act(OpenScenario{"sign_on_again"});
  REQUIRE(k.state.screen == ScreenId::runner);
  REQUIRE(k.state.attempt);
  // The story shows set 4's figures, and the record keeps the seed that drew them.
  CHECK(k.state.attempt->scenario.variant == 4);
  const auto rows = k.store->attempts("1001");
  REQUIRE(rows.size() == 4);
  CHECK(std::count_if(rows.begin(), rows.end(), [&](const AttemptRow& r) {
          return !r.ended_ms.is_set() && variant_index(sets, r.seed) == 3;
        }) == 1);
}
