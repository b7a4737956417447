// The kiosk's core played through update() alone: every shipped scenario's best path reaches a
// passed debrief and its critical path a failed one, with choices and terminal operations sent
// as the actions the screens would send. Time is a FakeClock, so every run is the same.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "kiosk/core/app_state.h"
#include "kiosk/core/glyphs.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

struct Loaded {
  FakeClock clock{1'000'000};
  AppState state;
  Loaded() {
    ContentSet c = posdrill::test::shipped_set();
    REQUIRE(c.errors.empty());
    state.scenarios = std::move(c.scenarios);
    load_ui_strings(ui_strings_path(content_dir), state.strings);
    state.clock = &clock;
    refresh_catalog(state);
  }
};

// Plays the open attempt to the debrief as `mode` would, through actions only. Returns the
// number of actions sent.
int play(AppState& st, FakeClock& clock, AutoMode mode) {
  AutoPlayer player(st.attempt->scenario, mode);
  int n = 0;
  while (st.screen != ScreenId::debrief && n < 200) {
    ++n;
    clock.advance_ms(5'000);
    std::vector<Effect> fx;
    if (st.screen == ScreenId::feedback) {
      fx = update(st, Continue{});
    } else {
      REQUIRE(st.screen == ScreenId::runner);
      const Attempt& a = *st.attempt;
      const AutoAction act = player.next(a.runner, a.last_lookup ? &*a.last_lookup : nullptr);
      if (act.kind == AutoAction::advance)
        fx = update(st, Continue{});
      else if (act.kind == AutoAction::choose)
        fx = update(st, Choose{act.choice_id});
      else if (act.kind == AutoAction::give_up)
        fx = update(st, GiveUp{});
      else
        // The twin keyed key by key, as a trainee does it: menu, digits, the customer's card and PIN.
        for (const Action& key : twin_actions(st, act.request)) {
          for (const Effect& e : update(st, key)) CHECK_FALSE(std::holds_alternative<Ignored>(e));
        }
    }
    for (const Effect& e : fx) CHECK_FALSE(std::holds_alternative<Ignored>(e));
  }
  return n;
}

}  // namespace

TEST_CASE("every shipped scenario played by its best path passes", "[app_state]") {
  Loaded l;
  REQUIRE(!l.state.scenarios.empty());
  for (const Scenario& sc : l.state.scenarios) {
    INFO(sc.id);
    update(l.state, OpenScenario{sc.id});
    REQUIRE(l.state.screen == ScreenId::runner);
    play(l.state, l.clock, AutoMode::best);
    REQUIRE(l.state.screen == ScreenId::debrief);
    const AttemptResult& r = l.state.attempt->runner.result();
    CHECK(r.finished);
    CHECK(r.passed);
    CHECK(r.critical_errors == 0);
    update(l.state, BackToCatalog{});
    CHECK(l.state.screen == ScreenId::catalog);
    CHECK_FALSE(l.state.attempt);
  }
}

TEST_CASE("every shipped scenario played by its critical path fails", "[app_state]") {
  Loaded l;
  for (const Scenario& sc : l.state.scenarios) {
    INFO(sc.id);
    update(l.state, OpenScenario{sc.id});
    play(l.state, l.clock, AutoMode::critical);
    REQUIRE(l.state.screen == ScreenId::debrief);
    const AttemptResult& r = l.state.attempt->runner.result();
    CHECK_FALSE(r.passed);
    CHECK(r.critical_errors > 0);
    CHECK_FALSE(mistakes(r).empty());
    update(l.state, BackToCatalog{});
  }
}

TEST_CASE("retry starts the same scenario again with a new seed", "[app_state]") {
  Loaded l;
  const std::string id = l.state.scenarios.front().id;
  update(l.state, OpenScenario{id});
  play(l.state, l.clock, AutoMode::critical);
  const uint64_t seed = l.state.seed;
  update(l.state, Retry{});
  CHECK(l.state.screen == ScreenId::runner);
  REQUIRE(l.state.attempt);
  CHECK(l.state.attempt->scenario.id == id);
  CHECK_FALSE(l.state.attempt->runner.finished());
  CHECK(l.state.attempt->runner.step().id == l.state.attempt->scenario.start);
  CHECK(l.state.seed == seed + 1);
}

TEST_CASE("stale or misplaced actions change nothing and say why", "[app_state]") {
  Loaded l;
  auto ignored = [](const std::vector<Effect>& fx) {
    return fx.size() == 1 && std::holds_alternative<Ignored>(fx.front());
  };
  CHECK(ignored(update(l.state, Choose{"x"})));
  CHECK(ignored(update(l.state, Continue{})));
  CHECK(ignored(update(l.state, OpenScenario{"no_such_scenario"})));
  CHECK(l.state.screen == ScreenId::catalog);
  update(l.state, OpenScenario{"preauth_checkout_no_pan"});
  REQUIRE(l.state.screen == ScreenId::runner);
  // The intro is a narrative: no choice, no terminal operation, no give-up fits it.
  CHECK(ignored(update(l.state, Choose{"find_in_list"})));
  CHECK(ignored(update(l.state, DoTerminalOp{TerminalOp::sale})));
  CHECK(ignored(update(l.state, GiveUp{})));
  CHECK(ignored(update(l.state, Retry{})));
  CHECK(l.state.attempt->runner.step().id == "intro");
}

TEST_CASE("a hint is recorded with its cost and the language switch rebuilds the catalog", "[app_state]") {
  Loaded l;
  update(l.state, OpenScenario{"preauth_checkout_no_pan"});
  update(l.state, Continue{});
  REQUIRE(l.state.attempt->runner.step().kind == StepKind::decision);
  CHECK(update(l.state, TakeHint{}).empty());
  CHECK(l.state.attempt->hints.size() == 1);
  const std::vector<Effect> fx = update(l.state, SetLang{Lang::en});
  REQUIRE(fx.size() == 1);
  CHECK(std::holds_alternative<LanguageChanged>(fx.front()));
  CHECK(l.state.catalog.lang == Lang::en);
  CHECK(l.state.screen == ScreenId::runner);  // switching language never loses the attempt
}

TEST_CASE("the step timer follows the injected clock", "[app_state]") {
  Loaded l;
  update(l.state, OpenScenario{"preauth_checkout_no_pan"});
  CHECK(step_elapsed_ms(l.state) == 0);
  l.clock.advance_ms(61'500);
  CHECK(step_elapsed_ms(l.state) == 61'500);
  CHECK(format_mm_ss(step_elapsed_ms(l.state)) == "01:01");
  update(l.state, Continue{});
  CHECK(step_elapsed_ms(l.state) == 0);
}

TEST_CASE("the glyph set covers the terminal twin and every play screen string", "[app_state][glyphs]") {
  Loaded l;
  // Extra texts (operator names from the records) join the set: 龘 is in no shipped text.
  const std::vector<uint32_t> glyphs = collect_kiosk_glyphs(l.state.strings, l.state.scenarios, {"龘"});
  CHECK(std::binary_search(glyphs.begin(), glyphs.end(), 0x9F98u));
  for (const std::string& key : play_string_keys()) {
    INFO(key);
    CHECK(l.state.strings.contains(key));
  }
  // The sign-in, home, first-run and console screens, and every field error the core can name.
  for (const std::string& key : records_string_keys()) {
    INFO(key);
    CHECK(l.state.strings.contains(key));
  }
  for (FieldError e : {FieldError::id_empty, FieldError::id_too_long, FieldError::id_bad_chars, FieldError::name_empty,
                       FieldError::name_too_long, FieldError::name_control, FieldError::pin_length,
                       FieldError::pin_digits, FieldError::pin_weak}) {
    INFO(field_error_key(e));
    CHECK(l.state.strings.contains(field_error_key(e)));
  }
  std::size_t texts = 0;
  for (const Scenario& sc : l.state.scenarios) {
    const std::vector<std::string> t = terminal_visible_texts(sc);
    CHECK(t.size() > 10);
    for (const std::string& s : t) {
      ++texts;
      for (uint32_t cp : decode_utf8(s)) {
        if (cp < 0x20) continue;
        INFO(sc.id << ": " << s);
        CHECK(std::binary_search(glyphs.begin(), glyphs.end(), cp));
      }
    }
  }
  CHECK(texts > 100);
}

TEST_CASE("idle sign-out asks first then keeps the unfinished attempt as abandoned", "[app_state][idle]") {
  Loaded l;
  AppState& st = l.state;
  st.screen = ScreenId::attract;
  st.last_input_ms = l.clock.now();
  // The attract screen never times out.
  l.clock.advance_ms(10 * st.idle_timeout_ms);
  CHECK(update(st, Tick{}).empty());
  CHECK_FALSE(st.still_there);
  update(st, StartFromAttract{});
  REQUIRE(st.screen == ScreenId::catalog);
  update(st, OpenScenario{"preauth_checkout_no_pan"});
  update(st, Continue{});
  REQUIRE(st.screen == ScreenId::runner);

  // Input keeps it alive; a second short of the limit asks nothing.
  l.clock.advance_ms(st.idle_timeout_ms - 1'000);
  update(st, UserInput{});
  l.clock.advance_ms(st.idle_timeout_ms - 1'000);
  CHECK(update(st, Tick{}).empty());
  CHECK_FALSE(st.still_there);
  l.clock.advance_ms(1'000);
  update(st, Tick{});
  REQUIRE(st.still_there);
  CHECK(still_there_seconds_left(st) == st.still_there_ms / 1000);
  // Input alone does not answer the prompt (the tap that lands on it must not reach the screen
  // below), and the screen's own actions are refused under it.
  update(st, UserInput{});
  CHECK(st.still_there);
  const std::vector<Effect> refused = update(st, Choose{"anything"});
  REQUIRE(refused.size() == 1);
  CHECK(std::holds_alternative<Ignored>(refused[0]));

  l.clock.advance_ms(st.still_there_ms - 1);
  CHECK(update(st, Tick{}).empty());
  CHECK(still_there_seconds_left(st) == 1);
  l.clock.advance_ms(1);
  const std::vector<Effect> fx = update(st, Tick{});
  CHECK(st.screen == ScreenId::attract);
  CHECK_FALSE(st.attempt);
  CHECK_FALSE(st.still_there);
  REQUIRE(fx.size() == 1);
  const auto* ab = std::get_if<AttemptAbandoned>(&fx[0]);
  REQUIRE(ab);
  CHECK(ab->result.scenario_id == "preauth_checkout_no_pan");
  CHECK_FALSE(ab->result.finished);
  CHECK_FALSE(ab->result.passed);
  CHECK(ab->result.ended_ms == l.clock.now());
}

TEST_CASE("idle sign-out from the catalog or after a debrief records nothing", "[app_state][idle]") {
  Loaded l;
  AppState& st = l.state;
  st.last_input_ms = l.clock.now();
  update(st, OpenScenario{"reversal_debit_sms"});
  play(st, l.clock, AutoMode::best);
  REQUIRE(st.screen == ScreenId::debrief);
  update(st, UserInput{});
  l.clock.advance_ms(st.idle_timeout_ms);
  update(st, Tick{});
  l.clock.advance_ms(st.still_there_ms);
  const std::vector<Effect> fx = update(st, Tick{});
  CHECK(fx.empty());  // AttemptFinished went out when the debrief opened
  CHECK(st.screen == ScreenId::attract);
  CHECK(update(st, StillHere{}).size() == 1);  // no prompt: ignored
}

TEST_CASE("leaving a drill half-way keeps the attempt as abandoned", "[app_state]") {
  Loaded l;
  AppState& st = l.state;
  update(st, OpenScenario{"reversal_debit_sms"});
  REQUIRE(st.attempt);
  update(st, Continue{});  // past the opening narrative, if any
  l.clock.advance_ms(5'000);
  const std::vector<Effect> fx = update(st, BackToCatalog{});
  REQUIRE(fx.size() == 1);
  const auto* ab = std::get_if<AttemptAbandoned>(&fx[0]);
  REQUIRE(ab);
  CHECK(ab->result.scenario_id == "reversal_debit_sms");
  CHECK_FALSE(ab->result.finished);
  CHECK_FALSE(ab->result.passed);
  CHECK(st.screen == ScreenId::catalog);
  CHECK_FALSE(st.attempt);
  // From the catalog there is nothing left to report.
  CHECK(update(st, BackToCatalog{}).empty());
}

// ---- Sync: the footer line and the actions around the sync worker -----------------------------

namespace {

template <typename T>
bool has_effect(const std::vector<Effect>& fx) {
  return std::any_of(fx.begin(), fx.end(), [](const Effect& e) { return std::holds_alternative<T>(e); });
}

OperatorRecord op_of(const std::string& id, Role role) {
  OperatorRecord o;
  o.employee_id = id;
  o.name = "N" + id;
  o.role = role;
  return o;
}

PinChecked signed_in(const std::string& id, Role role) {
  PinCheck c;
  c.outcome = PinOutcome::ok;
  c.op = op_of(id, role);
  return PinChecked{c};
}

}  // namespace

TEST_CASE("the sync footer says synced waiting or the problem in plain words and hides without sync", "[sync]") {
  Loaded l;
  const UiStrings& s = l.state.strings;
  SyncView v;
  CHECK(sync_footer_line(v, s, Lang::zh, false).text.empty());  // no LRS: nothing on the trainee's screens
  CHECK(sync_footer_line(v, s, Lang::zh, true).text == "同步未开启");
  CHECK(sync_footer_line(v, s, Lang::en, true).text == "Sync off");

  v.enabled = true;
  SyncLine line = sync_footer_line(v, s, Lang::zh, false);
  CHECK(line.text == "已同步");
  CHECK(line.tone == SyncTone::ok);
  v.queued = 3;
  line = sync_footer_line(v, s, Lang::en, false);
  CHECK(line.text == "3 waiting");
  CHECK(line.tone == SyncTone::waiting);
  CHECK(sync_footer_line(v, s, Lang::zh, false).text == "3 条待发送");

  v.problem = "offline";
  line = sync_footer_line(v, s, Lang::zh, false);
  CHECK(line.text == "网络不通，稍后自动重发 (3 条待发送)");
  CHECK(line.tone == SyncTone::problem);
  v.queued = 0;
  CHECK(sync_footer_line(v, s, Lang::en, false).text == "Offline — will resend automatically");

  v.problem = "credentials";
  v.alarm = true;
  line = sync_footer_line(v, s, Lang::zh, false);
  CHECK(line.text == "同步账号被拒绝，请联系管理员");
  CHECK(line.tone == SyncTone::alarm);
  CHECK(sync_footer_line(v, s, Lang::en, false).text == "Sync key refused — tell a manager");

  // Every kind the worker names has its own words, in both languages; a new kind still reads.
  for (const char* kind :
       {"offline", "server_busy", "server_error", "rejected", "credentials", "endpoint", "conflict"}) {
    INFO(kind);
    const std::string key = sync_problem_key(kind, s);
    CHECK(key == std::string("sync.problem.") + kind);
    CHECK(s.contains(key));
  }
  CHECK(sync_problem_key("gremlins", s) == "sync.problem.unknown");
  CHECK(sync_problem_key("none", s).empty());
  CHECK(sync_problem_key("", s).empty());

  // Set-aside statements need a manager: they outrank the plain queue.
  SyncView aside;
  aside.enabled = true;
  aside.queued = 2;
  aside.set_aside = 1;
  line = sync_footer_line(aside, s, Lang::en, false);
  CHECK(line.text == "1 refused — a manager must look at them");
  CHECK(line.tone == SyncTone::problem);
}

TEST_CASE("every sync string exists in both languages and its glyphs are in the set", "[sync][glyphs]") {
  Loaded l;
  const std::vector<uint32_t> glyphs = collect_kiosk_glyphs(l.state.strings, l.state.scenarios);
  for (const std::string& key : sync_string_keys()) {
    INFO(key);
    REQUIRE(l.state.strings.contains(key));
    for (Lang lang : {Lang::zh, Lang::en}) {
      const std::string text = l.state.strings.tr(key, lang);
      CHECK_FALSE(text.empty());
      for (uint32_t cp : decode_utf8(text))
        if (cp >= 0x20) CHECK(std::binary_search(glyphs.begin(), glyphs.end(), cp));
    }
  }
}

namespace {

// Every drill the session recommends belongs to one of `track`'s topics.
void check_recommended_from(const AppState& st, const Track& track) {
  for (const std::string& id : st.session->recommended) {
    INFO(id);
    const Scenario* s = find_scenario(st.scenarios, id);
    REQUIRE(s);
    CHECK(std::count(track.topics.begin(), track.topics.end(), s->topic) == 1);
  }
}

}  // namespace

TEST_CASE("sign-in asks for certifications from elsewhere and their arrival reloads the records", "[sync]") {
  Loaded l;
  AppState& st = l.state;
  st.require_sign_in = true;
  st.screen = ScreenId::sign_in;
  st.pin_entry.checking = true;
  std::vector<Effect> fx = update(st, signed_in("1001", Role::trainee));
  REQUIRE(st.screen == ScreenId::home);
  bool asked = false;
  for (const Effect& e : fx)
    if (const auto* f = std::get_if<FetchRemoteAwards>(&e)) asked = f->operator_id == "1001";
  CHECK(asked);

  fx = update(st, RemoteAwardsUpdated{"1001"});
  REQUIRE(fx.size() == 1);
  REQUIRE(std::holds_alternative<LoadRecords>(fx[0]));
  CHECK(std::get<LoadRecords>(fx[0]).operator_id == "1001");
  // Someone else's answer (they signed out meanwhile) loads nothing.
  fx = update(st, RemoteAwardsUpdated{"2002"});
  CHECK_FALSE(has_effect<LoadRecords>(fx));
  CHECK(has_effect<Ignored>(fx));

  // The records bring the cached remote award: certified with no attempt on this kiosk.
  RecordsLoaded r;
  r.operator_id = "1001";
  r.remote_awards = {RemoteAwardRow{"st-1", "1001", "card_payments_l1", WallTime{1'000}, "kiosk-7", "S-042"}};
  ContentSet c = posdrill::test::shipped_set();
  st.tracks = c.tracks;
  st.wall_ms = WallTime{2'000};
  update(st, r);
  REQUIRE(st.session->loaded);
  CHECK(st.session->progress.front().status == CertStatus::certified);
  REQUIRE(st.session->progress.front().award);
  CHECK(remote_origin(*st.session->progress.front().award, st.session->remote_awards));
  // Every track has its progress, and with L1 certified the drills to practise are the next
  // track's.
  REQUIRE(st.session->progress.size() == st.tracks.size());
  REQUIRE(st.tracks.size() >= 2);
  CHECK(st.session->progress[1].status == CertStatus::not_started);
  CHECK(st.session->progress[1].required_count == static_cast<int>(st.tracks[1].topics.size()));
  REQUIRE_FALSE(st.session->recommended.empty());
  check_recommended_from(st, st.tracks[1]);
}

TEST_CASE("a trainee not yet certified is recommended the first track's drills", "[records]") {
  Loaded l;
  AppState& st = l.state;
  ContentSet c = posdrill::test::shipped_set();
  st.tracks = c.tracks;
  REQUIRE(st.tracks.size() >= 2);
  st.require_sign_in = true;
  st.screen = ScreenId::sign_in;
  st.pin_entry.checking = true;
  update(st, signed_in("1001", Role::trainee));
  RecordsLoaded r;
  r.operator_id = "1001";
  update(st, r);
  REQUIRE(st.session->progress.size() == st.tracks.size());
  for (const TrackProgress& p : st.session->progress) CHECK(p.status == CertStatus::not_started);
  REQUIRE(st.session->recommended.size() == 3);
  check_recommended_from(st, st.tracks[0]);
}

TEST_CASE("the console's roster counts the track the manager picks", "[records][gate]") {
  Loaded l;
  AppState& st = l.state;
  ContentSet c = posdrill::test::shipped_set();
  st.tracks = c.tracks;
  REQUIRE(st.tracks.size() >= 2);
  // Outside the console a track cannot be picked.
  CHECK(has_effect<Ignored>(update(st, SelectRosterTrack{st.tracks[1].id})));
  st.require_sign_in = true;
  st.screen = ScreenId::sign_in;
  st.pin_entry.checking = true;
  update(st, signed_in("9001", Role::manager));
  REQUIRE(has_effect<LoadConsole>(update(st, OpenConsole{})));
  ConsoleLoaded data;
  OperatorRecord trainee;
  trainee.employee_id = "1001";
  trainee.name = "王小明";
  trainee.role = Role::trainee;
  data.operators = {trainee};
  update(st, data);
  REQUIRE(st.console.roster.size() == 1);
  CHECK(st.console.roster[0].required_count == static_cast<int>(st.tracks[0].topics.size()));
  CHECK(roster_track(st) == &st.tracks[0]);

  update(st, SelectRosterTrack{st.tracks[1].id});
  CHECK(roster_track(st) == &st.tracks[1]);
  REQUIRE(st.console.roster.size() == 1);
  CHECK(st.console.roster[0].required_count == static_cast<int>(st.tracks[1].topics.size()));
  // Fresh data keeps the pick; an unknown track changes nothing.
  update(st, data);
  CHECK(st.console.roster[0].required_count == static_cast<int>(st.tracks[1].topics.size()));
  CHECK(has_effect<Ignored>(update(st, SelectRosterTrack{"no_such_track"})));
  CHECK(roster_track(st) == &st.tracks[1]);
  // A tile filters the rows; a history stays open only under a row still shown.
  update(st, SelectOperator{"1001"});
  CHECK(st.console.selected_operator == "1001");
  update(st, FilterRoster{RosterFilter::not_started});
  CHECK(st.console.roster_filter == RosterFilter::not_started);
  CHECK(st.console.selected_operator == "1001");  // 1001 has not started
  update(st, FilterRoster{RosterFilter::certified});
  CHECK(st.console.roster_filter == RosterFilter::certified);
  CHECK(st.console.selected_operator.empty());
  // Closing the console forgets it.
  update(st, CloseConsole{});
  CHECK(st.console.roster_track.empty());
  CHECK(st.console.roster_filter == RosterFilter::all);
  CHECK(has_effect<Ignored>(update(st, FilterRoster{RosterFilter::expired})));
}

TEST_CASE("the question analysis loads the scenario picked and drops an answer for another", "[records][items]") {
  Loaded l;
  AppState& st = l.state;
  REQUIRE(st.scenarios.size() >= 2);
  const std::string first = st.scenarios[0].id, second = st.scenarios[1].id;
  CHECK(has_effect<Ignored>(update(st, SelectItemScenario{first})));  // not in the console
  st.require_sign_in = true;
  st.screen = ScreenId::sign_in;
  st.pin_entry.checking = true;
  update(st, signed_in("9001", Role::manager));
  REQUIRE(has_effect<LoadConsole>(update(st, OpenConsole{})));
  // The roster's summaries say the second scenario was drilled most: the tab opens on it.
  ConsoleLoaded loaded;
  ScenarioStat a, b;
  a.operator_id = b.operator_id = "1001";
  a.scenario_id = first;
  a.attempts = 2;
  b.scenario_id = second;
  b.attempts = 5;
  loaded.stats = {a, b};
  update(st, loaded);
  std::vector<Effect> fx = update(st, SetConsoleTab{ConsoleTab::items});
  REQUIRE(fx.size() == 1);
  const auto* load = std::get_if<LoadItems>(&fx[0]);
  REQUIRE(load);
  CHECK(load->scenario_id == second);
  CHECK(st.console.items_scenario == second);
  CHECK_FALSE(st.console.items_loaded);
  // Back on the tab later: the pick stays, nothing is read again.
  update(st, SetConsoleTab{ConsoleTab::roster});
  CHECK(update(st, SetConsoleTab{ConsoleTab::items}).empty());

  // The manager picks the first one; the answer for the second arrives late and is dropped.
  fx = update(st, SelectItemScenario{first});
  REQUIRE(has_effect<LoadItems>(fx));
  ItemStats late;
  late.scenario_id = second;
  late.step_id = "late";
  CHECK(has_effect<Ignored>(update(st, ItemsLoaded{second, {late}})));
  CHECK(st.console.items.empty());
  CHECK_FALSE(st.console.items_loaded);
  ItemStats mine;
  mine.scenario_id = first;
  mine.step_id = "d";
  mine.answered = 3;
  CHECK(update(st, ItemsLoaded{first, {mine}}).empty());
  REQUIRE(st.console.items.size() == 1);
  CHECK(st.console.items[0].answered == 3);
  CHECK(st.console.items_loaded);
  CHECK(has_effect<Ignored>(update(st, SelectItemScenario{"no_such_scenario"})));
  CHECK(st.console.items_scenario == first);
}

TEST_CASE("sync status changes land in the state and the console's sync actions need the console", "[sync]") {
  Loaded l;
  AppState& st = l.state;
  SyncView v;
  v.enabled = true;
  v.queued = 4;
  v.problem = "server_busy";
  CHECK(update(st, SyncStatusChanged{v}).empty());
  CHECK(st.sync == v);

  // Outside the console: ignored, nothing reaches the store or the worker.
  for (const Action& a : std::vector<Action>{SendSyncNow{}, RetryStatement{"s1"}, VoidStatement{"s1"}}) {
    const std::vector<Effect> fx = update(st, a);
    CHECK_FALSE(has_effect<KickSync>(fx));
    CHECK_FALSE(has_effect<RequeueStatement>(fx));
    CHECK_FALSE(has_effect<DropStatement>(fx));
    CHECK(has_effect<Ignored>(fx));
  }

  st.require_sign_in = true;
  st.screen = ScreenId::sign_in;
  st.pin_entry.checking = true;
  update(st, signed_in("9001", Role::manager));
  REQUIRE(has_effect<LoadConsole>(update(st, OpenConsole{})));
  REQUIRE(st.screen == ScreenId::console);
  CHECK(has_effect<LoadSetAside>(update(st, SetConsoleTab{ConsoleTab::sync})));
  CHECK(has_effect<KickSync>(update(st, SendSyncNow{})));
  CHECK(st.console.notice_key == "console.sync_kicked");
  CHECK(has_effect<RequeueStatement>(update(st, RetryStatement{"s1"})));
  CHECK_FALSE(has_effect<RequeueStatement>(update(st, RetryStatement{""})));  // "" would mean all
  std::vector<Effect> fx = update(st, VoidStatement{"s1"});
  REQUIRE(fx.size() == 1);
  const auto* drop = std::get_if<DropStatement>(&fx[0]);
  REQUIRE(drop);
  CHECK(drop->id == "s1");
  CHECK(drop->reason.find("9001") != std::string::npos);  // who voided it stays with it

  // A statement set aside while the list is open reloads the list; a queue change does not.
  v.queued = 5;
  CHECK_FALSE(has_effect<LoadSetAside>(update(st, SyncStatusChanged{v})));
  v.set_aside = 1;
  CHECK(has_effect<LoadSetAside>(update(st, SyncStatusChanged{v})));

  // Sync off: "send now" says so instead of waking nothing.
  update(st, SyncStatusChanged{SyncView{}});
  CHECK_FALSE(has_effect<KickSync>(update(st, SendSyncNow{})));
  CHECK(st.console.notice_key == "sync.off");
}
