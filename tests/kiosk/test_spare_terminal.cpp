// Practising on a spare real terminal, in the PURE core: which scenarios can run there and why
// the others stay on screen, which amount each request is sent with, and the attempt played
// through update() with the link's answers sent as actions (the link itself is tested over
// real sockets in tests/kiosk/test_spare_flow.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "kiosk/core/app_state.h"
#include "scenarios/loader.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const std::filesystem::path content_dir = POSDRILL_TEST_CONTENT_DIR;

struct Loaded {
  FakeClock clock{1'000'000};
  AppState state;
  ContentSet content;
  Loaded() {
    content = posdrill::test::shipped_set();
    REQUIRE(content.errors.empty());
    state.scenarios = content.scenarios;
    load_ui_strings(ui_strings_path(content_dir), state.strings);
    state.clock = &clock;
    state.lang = Lang::en;
    refresh_catalog(state);
  }
  const TestHostProfile& table() const {
    REQUIRE_FALSE(content.test_hosts.empty());
    return content.test_hosts.front();
  }
  void connect(bool proxy = false) {
    SpareTerminalView v;
    v.configured = true;
    v.address = "http://127.0.0.1:8080/nexo";
    v.link = TerminalLinkState::ready;
    v.proxy = proxy;
    update(state, SpareTerminalStatus{v});
  }
  const Scenario& scenario(const std::string& id) const {
    const Scenario* s = find_scenario(state.scenarios, id);
    REQUIRE(s);
    return *s;
  }
};

template <class T>
std::vector<T> of(const std::vector<Effect>& fx) {
  std::vector<T> out;
  for (const Effect& e : fx)
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  return out;
}

bool ignored(const std::vector<Effect>& fx) { return !of<Ignored>(fx).empty(); }

// Plays the open attempt's decisions and narratives until a terminal task is up.
void to_terminal_task(AppState& st) {
  AutoPlayer player(st.attempt->scenario, AutoMode::best);
  for (int n = 0; n < 50 && current_step(st)->kind != StepKind::terminal; ++n) {
    if (st.screen == ScreenId::feedback) {
      update(st, Continue{});
      continue;
    }
    const AutoAction act = player.next(st.attempt->runner, nullptr);
    REQUIRE(act.kind != AutoAction::terminal);
    if (act.kind == AutoAction::advance)
      update(st, Continue{});
    else
      update(st, Choose{act.choice_id});
  }
  if (st.screen == ScreenId::feedback) update(st, Continue{});
  REQUIRE(st.screen == ScreenId::runner);
  REQUIRE(current_step(st)->kind == StepKind::terminal);
}

}  // namespace

TEST_CASE("which shipped scenarios can run on the spare terminal, and why the others cannot", "[spare]") {
  Loaded l;
  SpareTerminalView off;
  CHECK_FALSE(spare_terminal_fit(l.scenario("wrong_pin_retry_privacy"), off, nullptr).ok);
  CHECK(spare_terminal_fit(l.scenario("wrong_pin_retry_privacy"), off, nullptr).reason.en.find("No spare terminal") !=
        std::string::npos);

  SpareTerminalView on;
  on.configured = true;
  const TestHostProfile& table = l.table();
  for (const char* id : {"wrong_pin_retry_privacy", "wrong_pin_tries_exceeded", "user_exception_identity"}) {
    INFO(id);
    CHECK(spare_terminal_fit(l.scenario(id), on, nullptr).ok);
    CHECK(spare_terminal_fit(l.scenario(id), on, &table).ok);
  }
  // Emulator only: the scenario's own reason, in both languages.
  const Scenario& no_pan = l.scenario("preauth_checkout_no_pan");
  const SpareTerminalFit f = spare_terminal_fit(no_pan, on, nullptr);
  CHECK_FALSE(f.ok);
  CHECK(f.reason.en.find(no_pan.real_terminal->reason.en) != std::string::npos);
  CHECK(f.reason.zh.find(no_pan.real_terminal->reason.zh) != std::string::npos);
  // A task the kiosk cannot start over nexo: named by its terminal menu label.
  const SpareTerminalFit bal = spare_terminal_fit(l.scenario("reversal_debit_sms"), on, nullptr);
  CHECK_FALSE(bal.ok);
  CHECK(bal.reason.en.find(terminal_op_label(TerminalOp::balance_inquiry).en) != std::string::npos);
  CHECK(bal.reason.zh.find(terminal_op_label(TerminalOp::balance_inquiry).zh) != std::string::npos);
  const SpareTerminalFit q = spare_terminal_fit(l.scenario("frequent_swipe_lock"), on, nullptr);
  CHECK_FALSE(q.ok);
  CHECK(q.reason.en.find(terminal_op_label(TerminalOp::transaction_query).en) != std::string::npos);

  // A test-host table without the answer a scenario needs.
  TestHostProfile thin = table;
  thin.amounts.erase(
      std::remove_if(thin.amounts.begin(), thin.amounts.end(), [](const auto& p) { return p.first == "55"; }),
      thin.amounts.end());
  const SpareTerminalFit t = spare_terminal_fit(l.scenario("wrong_pin_retry_privacy"), on, &thin);
  CHECK_FALSE(t.ok);
  CHECK(t.reason.en.find("response 55") != std::string::npos);
}

TEST_CASE("a proxy-fault scenario needs the kiosk's host-link proxy", "[spare]") {
  // The shipped proxy scenarios also need a balance inquiry; a variant without that task shows
  // the proxy rule alone.
  Loaded l;
  Scenario sc = l.scenario("wrong_pin_retry_privacy");
  sc.real_terminal->proxy_faults = true;
  sc.setup.faults = {Fault{FaultKind::answer_lost, 1, 0, "", {}}};
  SpareTerminalView on;
  on.configured = true;
  const SpareTerminalFit f = spare_terminal_fit(sc, on, nullptr);
  CHECK_FALSE(f.ok);
  CHECK(f.reason.en.find("proxy") != std::string::npos);
  on.proxy = true;
  CHECK(spare_terminal_fit(sc, on, nullptr).ok);
}

TEST_CASE("each online request is sent with the amount that makes the test host give the scenario's answer",
          "[spare]") {
  Loaded l;
  const Scenario& sc = l.scenario("wrong_pin_retry_privacy");
  const TestHostProfile& table = l.table();
  // Outcome 1 is 55; request 2 names no outcome, so the table's approval amount.
  CHECK(spare_terminal_amount(sc, &table, 1, TerminalOp::sale, 1, 18650) == *table.amount_for("55"));
  CHECK(spare_terminal_amount(sc, &table, 2, TerminalOp::sale, 2, 18650) == *table.amount_for("00"));
  // Without a table: the scenario's own amount (the emulated POI follows the story itself).
  CHECK(spare_terminal_amount(sc, nullptr, 1, TerminalOp::sale, 1, 18650) == 18650);
}

TEST_CASE("an attempt on the spare terminal sends its operations to the link and scores its answers", "[spare]") {
  Loaded l;
  l.state.spare_acquirer = l.table();
  // Without a terminal there is nothing to choose.
  CHECK(ignored(update(l.state, SetPracticeDevice{true})));
  l.connect();
  CHECK(l.state.catalog.device_label == l.state.strings.tr("spare.toggle.screen", Lang::en));
  REQUIRE(of<Ignored>(update(l.state, SetPracticeDevice{true})).empty());
  CHECK(l.state.practise_on_spare);
  CHECK(l.state.catalog.on_spare);
  // Cards say where they run: every card once, the three drills the test host's table can play on
  // the terminal, and never a scenario that declares itself emulator-only.
  std::set<std::string> on_terminal;
  std::size_t cards = 0;
  for (const CatalogGroup& g : l.state.catalog.groups)
    for (const CatalogCard& c : g.cards) {
      INFO(c.scenario_id);
      ++cards;
      CHECK_FALSE(c.device_note.empty());
      if (c.on_spare) on_terminal.insert(c.scenario_id);
      const Scenario* sc = find_scenario(l.state.scenarios, c.scenario_id);
      REQUIRE(sc);
      if (!sc->real_terminal || sc->real_terminal->mode == RealTerminalMode::emulator_only) CHECK_FALSE(c.on_spare);
    }
  CHECK(cards == l.state.scenarios.size());
  for (const char* id : {"user_exception_identity", "wrong_pin_retry_privacy", "wrong_pin_tries_exceeded"}) {
    INFO(id);
    CHECK(on_terminal.count(id) == 1);
  }
  CHECK(on_terminal.size() < cards);

  std::vector<Effect> fx = update(l.state, OpenScenario{"wrong_pin_retry_privacy"});
  REQUIRE(l.state.attempt);
  CHECK(l.state.attempt->on_spare);
  REQUIRE(of<BeginOnSpareTerminal>(fx).size() == 1);
  const uint64_t serial = of<BeginOnSpareTerminal>(fx)[0].serial;
  CHECK(serial == l.state.attempt->serial);
  to_terminal_task(l.state);

  // The sale goes to the link with the test host's amount for a 55; nothing is scored yet.
  const std::size_t before = l.state.attempt->runner.result().steps.size();
  fx = update(l.state, DoTerminalOp{TerminalOp::sale});
  REQUIRE(of<SendToSpareTerminal>(fx).size() == 1);
  const SendToSpareTerminal sent = of<SendToSpareTerminal>(fx)[0];
  CHECK(sent.serial == serial);
  CHECK(sent.request.op == TerminalOp::sale);
  CHECK(sent.request.amount_minor == l.table().amount_for("55"));
  CHECK(l.state.attempt->sent);
  CHECK(l.state.attempt->runner.result().steps.size() == before);
  // While the terminal works: no second operation, no give-up, and no idle sign-out.
  CHECK(ignored(update(l.state, DoTerminalOp{TerminalOp::sale})));
  CHECK(ignored(update(l.state, GiveUp{})));
  l.clock.advance_ms(l.state.idle_timeout_ms + 5'000);
  update(l.state, Tick{});
  CHECK_FALSE(l.state.still_there);
  // An answer for another attempt changes nothing.
  TerminalRecord approved;
  approved.op = TerminalOp::sale;
  approved.response_code = "00";
  approved.amount_minor = 18650;
  approved.screen = response_text("00");
  CHECK(ignored(update(l.state, SpareTerminalAnswered{serial + 1, {approved}})));
  CHECK(l.state.attempt->sent);
  // The terminal's answer is scored.
  fx = update(l.state, SpareTerminalAnswered{serial, {approved}});
  CHECK(of<Ignored>(fx).empty());
  CHECK_FALSE(l.state.attempt->sent);
  REQUIRE(l.state.attempt->answer);
  CHECK(l.state.attempt->answer->response_code == "00");
  CHECK(l.state.attempt->runner.result().steps.size() > before);
  CHECK(l.state.screen == ScreenId::feedback);
  // A late duplicate is dropped.
  CHECK(ignored(update(l.state, SpareTerminalAnswered{serial, {approved}})));

  // Leaving tells the link the attempt is over.
  fx = update(l.state, BackToCatalog{});
  REQUIRE(of<EndOnSpareTerminal>(fx).size() == 1);
  CHECK(of<EndOnSpareTerminal>(fx)[0].serial == serial);
}

TEST_CASE("a scenario that cannot run on the spare terminal opens on screen", "[spare]") {
  Loaded l;
  l.connect();
  update(l.state, SetPracticeDevice{true});
  std::vector<Effect> fx = update(l.state, OpenScenario{"preauth_checkout_no_pan"});
  REQUIRE(l.state.attempt);
  CHECK_FALSE(l.state.attempt->on_spare);
  CHECK(of<BeginOnSpareTerminal>(fx).empty());
  fx = update(l.state, BackToCatalog{});
  CHECK(of<EndOnSpareTerminal>(fx).empty());
  // Back to on screen: the spare-terminal scenario plays on the emulator.
  update(l.state, SetPracticeDevice{false});
  update(l.state, OpenScenario{"wrong_pin_retry_privacy"});
  CHECK_FALSE(l.state.attempt->on_spare);
}

TEST_CASE("the spare terminal's health reads in plain words and a lost link shows on the catalog", "[spare]") {
  Loaded l;
  SpareTerminalView v;
  CHECK(spare_health_line(v, l.state.strings, Lang::en).empty());
  v.configured = true;
  v.link = TerminalLinkState::ready;
  CHECK(spare_health_line(v, l.state.strings, Lang::en) == l.state.strings.tr("spare.health.ready", Lang::en));
  v.link = TerminalLinkState::unreachable;
  v.problem = {"无法连接终端", "Cannot reach the terminal"};
  update(l.state, SpareTerminalStatus{v});
  CHECK(l.state.catalog.device_health.find(l.state.strings.tr("spare.health.unreachable", Lang::en)) == 0);
  CHECK(l.state.catalog.device_health.find("Cannot reach the terminal") != std::string::npos);
  CHECK_FALSE(l.state.catalog.device_ok);
  // A link that goes away unconfigured drops the choice with it.
  update(l.state, SetPracticeDevice{true});
  CHECK(l.state.practise_on_spare);
  update(l.state, SpareTerminalStatus{SpareTerminalView{}});
  CHECK_FALSE(l.state.practise_on_spare);
  CHECK(l.state.catalog.device_label.empty());
}

TEST_CASE("every spare-terminal string exists and every text it can show is in the glyph set", "[spare][glyphs]") {
  Loaded l;
  for (const std::string& key : spare_string_keys()) {
    INFO(key);
    CHECK(l.state.strings.contains(key));
  }
  for (const std::string& key : sync_string_keys()) {
    INFO(key);
    CHECK(l.state.strings.contains(key));
  }
  // The glyph set's extra texts cover every reason a card can show and every answer a test host
  // can give (the platform adds them to the atlas when a spare terminal is configured).
  const std::vector<std::string> texts = spare_terminal_texts(l.state.scenarios, l.content.test_hosts);
  const auto has = [&texts](const std::string& s) { return std::find(texts.begin(), texts.end(), s) != texts.end(); };
  SpareTerminalView on;
  on.configured = true;
  for (const Scenario& sc : l.state.scenarios) {
    INFO(sc.id);
    const SpareTerminalFit f = spare_terminal_fit(sc, on, &l.table());
    CHECK(has(f.reason.zh));
    CHECK(has(f.reason.en));
  }
  SpareTerminalView hand = on;
  hand.proxy = true;
  hand.hand_keyed = true;
  for (const Scenario& sc : l.state.scenarios) {
    INFO(sc.id);
    const SpareTerminalFit f = spare_terminal_fit(sc, hand, &l.table());
    CHECK(has(f.reason.zh));
    CHECK(has(f.reason.en));
  }
  for (const auto& [code, amount] : l.table().amounts) {
    INFO(code);
    CHECK(has(response_text(code).zh));
  }
}


TEST_CASE("on a hand-keyed terminal the trainee keys everything and what its host line shows is scored",
          "[spare][wire]") {
  Loaded l;
  l.state.spare_acquirer = l.table();
  SpareTerminalView v;
  v.configured = true;
  v.hand_keyed = true;
  v.proxy = true;
  v.address = "0.0.0.0:6001";
  v.link = TerminalLinkState::ready;
  v.wait_s = 300;
  update(l.state, SpareTerminalStatus{v});
  CHECK(spare_health_line(l.state.spare, l.state.strings, Lang::en) ==
        l.state.strings.tr("spare.health.hand_ready", Lang::en));
  REQUIRE(of<Ignored>(update(l.state, SetPracticeDevice{true})).empty());
  // What can be played there: every task must reach the line (a look-up never leaves the terminal).
  std::set<std::string> on_terminal;
  for (const CatalogGroup& g : l.state.catalog.groups)
    for (const CatalogCard& c : g.cards) {
      if (c.on_spare) on_terminal.insert(c.scenario_id);
      if (c.scenario_id == "frequent_swipe_lock") CHECK(c.device_note.find("unseen on the host line") != std::string::npos);
    }
  CHECK(on_terminal ==
        std::set<std::string>{"user_exception_identity", "wrong_pin_retry_privacy", "wrong_pin_tries_exceeded"});

  std::vector<Effect> fx = update(l.state, OpenScenario{"wrong_pin_retry_privacy"});
  REQUIRE(l.state.attempt);
  REQUIRE(l.state.attempt->on_spare);
  REQUIRE(of<BeginOnSpareTerminal>(fx).size() == 1);
  const uint64_t serial = l.state.attempt->serial;
  const Scenario& sc = l.state.attempt->scenario;
  // The trainer keys the story's earlier sale first; the panel lists it and nothing is asked yet.
  REQUIRE(history_keyed_first(sc.setup).size() == 1);
  CHECK(l.state.attempt->history_to_key == 1);
  CHECK_FALSE(hand_keyed_task(l.state));

  TerminalRecord sign_on;
  sign_on.op = TerminalOp::sign_on;
  sign_on.response_code = "00";
  sign_on.source = "wire";
  TerminalRecord history = sign_on;
  history.op = sc.setup.history.front().op;
  history.amount_minor = sc.setup.history.front().amount_minor;
  // Another attempt's exchange changes nothing; the terminal's own sign-on is not the history.
  CHECK(ignored(update(l.state, SpareTerminalKeyed{serial + 1, history, true, {"x", "x"}})));
  CHECK(l.state.attempt->wire_lines.empty());
  update(l.state, SpareTerminalKeyed{serial, sign_on, true, {"签到", "sign on"}});
  CHECK(l.state.attempt->history_to_key == 1);
  REQUIRE(l.state.attempt->wire_lines.size() == 1);
  CHECK(l.state.attempt->wire_lines.back().note_key == "spare.wire.no_task");
  const std::size_t at_start = l.state.attempt->runner.result().steps.size();
  update(l.state, SpareTerminalKeyed{serial, history, true, {"消费", "sale"}});
  CHECK(l.state.attempt->history_to_key == 0);
  CHECK(l.state.attempt->wire_lines.back().note_key == "spare.wire.history");
  CHECK(l.state.attempt->runner.result().steps.size() == at_start);

  to_terminal_task(l.state);
  const std::optional<HandKeyedTask> task = hand_keyed_task(l.state);
  REQUIRE(task);
  CHECK(task->op == TerminalOp::sale);
  REQUIRE(task->story_amount);
  // The first online request of this drill must be answered 55: the table's amount for it.
  CHECK(task->key_amount == l.table().amount_for("55"));
  CHECK(task->key_amount != task->story_amount);
  // Nothing is started from the kiosk: the menu is the terminal's own.
  fx = update(l.state, DoTerminalOp{TerminalOp::sale});
  CHECK(ignored(fx));
  CHECK(of<SendToSpareTerminal>(fx).empty());
  // The trainee is at the terminal: no idle sign-out while the task waits for it.
  l.clock.advance_ms(l.state.idle_timeout_ms + 5'000);
  update(l.state, Tick{});
  CHECK_FALSE(l.state.still_there);

  // The sale keyed with the test amount, declined 55: judged as the story's amount.
  const std::size_t before = l.state.attempt->runner.result().steps.size();
  TerminalRecord declined = sign_on;
  declined.op = TerminalOp::sale;
  declined.response_code = "55";
  declined.amount_minor = *task->key_amount;
  fx = update(l.state, SpareTerminalKeyed{serial, declined, true, {"终端发出：消费", "Terminal sent: sale"}});
  CHECK(of<Ignored>(fx).empty());
  REQUIRE(l.state.attempt->answer);
  CHECK(l.state.attempt->answer->amount_minor == *task->story_amount);
  CHECK(l.state.attempt->answer->response_code == "55");
  CHECK(l.state.attempt->wire_lines.back().note_key.empty());
  CHECK(l.state.attempt->runner.result().steps.size() > before);
  const auto& steps = l.state.attempt->runner.result().steps;
  const auto scored = std::find_if(steps.begin() + long(before), steps.end(),
                                   [](const StepRecord& s) { return !s.terminal_records.empty(); });
  REQUIRE(scored != steps.end());
  CHECK(scored->terminal_records.back().source == "wire");
  CHECK(scored->terminal_records.back().amount_minor == *task->story_amount);
  // Something keyed while no task waits is shown, not scored.
  const std::size_t after = l.state.attempt->runner.result().steps.size();
  update(l.state, SpareTerminalKeyed{serial, declined, true, {"终端发出：消费", "Terminal sent: sale"}});
  CHECK(l.state.attempt->wire_lines.back().note_key == "spare.wire.no_task");
  CHECK(l.state.attempt->runner.result().steps.size() == after);

  fx = update(l.state, BackToCatalog{});
  REQUIRE(of<EndOnSpareTerminal>(fx).size() == 1);
  CHECK(of<EndOnSpareTerminal>(fx)[0].serial == serial);
}

TEST_CASE("a reversal that failed before its operation went out is judged as the task's operation", "[spare][wire]") {
  TerminalRecord r;
  r.op = TerminalOp::sale;
  r.reversal_failed = true;
  const std::vector<int64_t> table = {101, 155};
  TerminalRecord j = judged_wire_record(r, false, TerminalOp::preauth, 32800, table);
  CHECK(j.op == TerminalOp::preauth);
  CHECK(j.amount_minor == 32800);
  CHECK(j.reversal_failed);
  // A known operation keeps its own; a test-table amount counts as the task's, any other stays.
  r.amount_minor = 155;
  j = judged_wire_record(r, true, TerminalOp::preauth, 32800, table);
  CHECK(j.op == TerminalOp::sale);
  CHECK(j.amount_minor == 32800);
  r.amount_minor = 999;
  CHECK(judged_wire_record(r, true, TerminalOp::sale, 32800, table).amount_minor == 999);
  CHECK(judged_wire_record(r, true, TerminalOp::sale, std::nullopt, table).amount_minor == 999);
}
