// update(): the manager console and operator management (and the first run's administrator).
#include "kiosk/core/update_internal.h"

#include <algorithm>
#include <map>

namespace posdrill {

void Updater::operator()(const CloseConsole&) {
  if (st.screen != ScreenId::console) return fx.push_back(ignored("close outside the console"));
  st.console = ConsoleState{};  // a roster left in memory is a roster someone else can read
  // The gate's form held the manager's id: nothing of it is left for the next person.
  st.pin_entry = PinEntry{};
  st.screen = st.gate_return;
  // Opened from the staff sign-in with nobody signed in: the manager is done, the kiosk waits for
  // the next person on its first screen.
  if (st.screen == ScreenId::sign_in && !st.session) st.screen = ScreenId::attract;
  if (st.screen == ScreenId::home && st.session) fx.push_back(LoadRecords{st.session->op.employee_id});
}

void Updater::operator()(const ExitKiosk&) {
  if (st.screen != ScreenId::console) return fx.push_back(ignored("exit outside the console"));
  close_attempt();
  fx.push_back(QuitKiosk{});
}

void Updater::operator()(const SetConsoleTab& a) {
  if (!in_console()) return fx.push_back(ignored("tab outside the console"));
  ConsoleState& c = st.console;
  // What the last action on the other tab did is not news on this one.
  if (c.tab != a.tab) clear_notice();
  c.tab = a.tab;
  if (a.tab == ConsoleTab::sync) fx.push_back(LoadSetAside{});
  // Question analysis opens on the scenario drilled most (the roster's summaries count the
  // attempts), so the first look already shows figures; the pick stays while the console is open.
  if (a.tab == ConsoleTab::items && c.items_scenario.empty()) {
    std::map<std::string, int> attempts;
    for (const ScenarioStat& s : c.stats) attempts[s.scenario_id] += s.attempts;
    const Scenario* most = nullptr;
    int most_n = 0;
    for (const Scenario& sc : st.scenarios) {
      const auto it = attempts.find(sc.id);
      const int n = it == attempts.end() ? 0 : it->second;
      if (!most || n > most_n) most = &sc, most_n = n;
    }
    if (most) (*this)(SelectItemScenario{most->id});
  }
}

void Updater::operator()(const ConsoleLoaded& a) {
  if (!in_console()) return fx.push_back(ignored("console data without the console"));
  ConsoleState& c = st.console;
  c.operators = a.operators;
  c.stats = a.stats;
  c.awards = a.awards;
  c.mistakes = a.mistakes;
  c.remote_awards = a.remote_awards;
  c.chain = a.chain;
  c.chain_as_of_ms = a.chain_as_of_ms;
  rebuild_roster();
}

void Updater::operator()(const SelectRosterTrack& a) {
  if (!in_console()) return fx.push_back(ignored("track outside the console"));
  const bool known =
      std::any_of(st.tracks.begin(), st.tracks.end(), [&](const Track& t) { return t.id == a.track_id; });
  if (!known) return fx.push_back(ignored("no such track"));
  st.console.roster_track = a.track_id;
  rebuild_roster();
}

void Updater::operator()(const FilterRoster& a) {
  if (!in_console()) return fx.push_back(ignored("filter outside the console"));
  ConsoleState& c = st.console;
  c.roster_filter = a.filter;
  // A history stays open only under a row that is still shown.
  const bool shown = std::any_of(c.roster.begin(), c.roster.end(), [&](const RosterRow& r) {
    return r.op.employee_id == c.selected_operator && roster_row_shown(r, c.roster_filter);
  });
  if (!c.selected_operator.empty() && !shown) (*this)(SelectOperator{});
}

void Updater::rebuild_roster() {
  ConsoleState& c = st.console;
  c.roster.clear();
  if (const Track* track = roster_track(st))
    c.roster = build_roster(*track, st.scenarios, c.operators, c.stats,
                            merge_remote_awards(st.tracks, c.awards, c.remote_awards), st.wall_ms);
}

void Updater::operator()(const SelectOperator& a) {
  if (!in_console()) return fx.push_back(ignored("select outside the console"));
  ConsoleState& c = st.console;
  c.selected_operator = a.employee_id;
  c.selected_attempt.clear();
  c.replay.clear();
  c.history.clear();
  c.history_page = 0;
  c.history_more = false;
  c.history_loaded = false;
  if (!a.employee_id.empty()) fx.push_back(LoadHistory{a.employee_id, 0});
}

void Updater::operator()(const ShowHistoryPage& a) {
  if (!in_console()) return fx.push_back(ignored("history outside the console"));
  ConsoleState& c = st.console;
  if (c.selected_operator.empty() || a.page < 0) return fx.push_back(ignored("no history to page"));
  fx.push_back(LoadHistory{c.selected_operator, a.page});
}

void Updater::operator()(const HistoryLoaded& a) {
  ConsoleState& c = st.console;
  if (!in_console() || a.employee_id != c.selected_operator) return fx.push_back(ignored("stale history"));
  c.history = a.attempts;
  c.history_page = a.page;
  c.history_more = a.more;
  c.history_loaded = true;
  // The replay belongs to an attempt of the page shown.
  const bool shown = std::any_of(c.history.begin(), c.history.end(),
                                 [&](const AttemptRow& r) { return r.uuid == c.selected_attempt; });
  if (!shown) {
    c.selected_attempt.clear();
    c.replay.clear();
  }
}

void Updater::operator()(const SelectAttempt& a) {
  if (!in_console()) return fx.push_back(ignored("select outside the console"));
  st.console.selected_attempt = a.uuid;
  st.console.replay.clear();
  if (!a.uuid.empty()) fx.push_back(LoadReplay{a.uuid});
}

void Updater::operator()(const ReplayLoaded& a) {
  if (!in_console() || a.uuid != st.console.selected_attempt) return fx.push_back(ignored("stale replay"));
  st.console.replay = a.events;
}

void Updater::operator()(const SelectItemScenario& a) {
  if (!in_console()) return fx.push_back(ignored("question analysis outside the console"));
  if (!find_scenario(st.scenarios, a.scenario_id)) return fx.push_back(ignored("no such scenario"));
  ConsoleState& c = st.console;
  c.items_scenario = a.scenario_id;
  c.items.clear();
  c.items_loaded = false;
  fx.push_back(LoadItems{a.scenario_id});
}

void Updater::operator()(const ItemsLoaded& a) {
  ConsoleState& c = st.console;
  if (!in_console() || a.scenario_id != c.items_scenario) return fx.push_back(ignored("stale question analysis"));
  c.items = a.items;
  c.items_loaded = true;
}

void Updater::notice(const std::string& key, std::string detail, bool error) {
  if (st.screen == ScreenId::first_run) {
    st.first_run_message = error ? key : "";
    return;
  }
  st.console.notice_key = key;
  st.console.notice_detail = std::move(detail);
  st.console.notice_error = error;
}

void Updater::clear_notice() {
  st.console.notice_key.clear();
  st.console.notice_detail.clear();
  st.console.notice_error = false;
}

void Updater::operator()(const AddOperator& a) {
  const bool first = st.screen == ScreenId::first_run;
  if (!first && !in_console()) return fx.push_back(ignored("add operator outside the console"));
  if (first && st.has_manager) return fx.push_back(ignored("first run with an administrator"));
  OperatorRecord op = a.op;
  if (first) op.role = Role::admin;
  for (FieldError e : {check_employee_id(op.employee_id), check_operator_name(op.name), check_pin(a.pin)})
    if (e != FieldError::none) return notice(std::string(field_error_key(e)));
  if (a.pin != a.pin_again) return notice("field.pin_mismatch");
  if (!first && !may_manage(op.role)) return notice("console.need_admin");
  op.active = true;
  op.created_ms = st.wall_ms;
  if (first) st.first_run_message.clear();
  fx.push_back(SaveOperator{op, a.pin, first});
}

void Updater::operator()(const ResetOperatorPin& a) {
  if (!in_console()) return fx.push_back(ignored("reset PIN outside the console"));
  clear_notice();  // the notice after this is this reset's: the open form closes on its success
  if (const FieldError e = check_pin(a.pin); e != FieldError::none) return notice(std::string(field_error_key(e)));
  if (a.pin != a.pin_again) return notice("field.pin_mismatch");
  for (const OperatorRecord& o : st.console.operators)
    if (o.employee_id == a.employee_id && !may_manage(o.role)) return notice("console.need_admin");
  fx.push_back(SavePin{a.employee_id, a.pin});
}

void Updater::operator()(const SetOperatorActive& a) {
  if (!in_console()) return fx.push_back(ignored("deactivate outside the console"));
  if (a.employee_id == st.console.manager.employee_id && !a.active) return notice("console.not_yourself");
  for (const OperatorRecord& o : st.console.operators)
    if (o.employee_id == a.employee_id && !may_manage(o.role)) return notice("console.need_admin");
  fx.push_back(SaveActive{a.employee_id, a.active});
}

void Updater::operator()(const ExportRoster&) {
  if (!in_console()) return fx.push_back(ignored("export outside the console"));
  fx.push_back(WriteRosterCsv{});
}

void Updater::operator()(const ConsoleNotice& a) { notice(a.key, a.detail, a.error); }

void Updater::operator()(const AdminPresence& a) { st.has_manager = a.has_manager; }

}  // namespace posdrill
