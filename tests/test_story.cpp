// A story that follows the terminal: outcome classes, outcomes, requires, story operations, the
// bank's own messages, and lint's path simulation (tests/content/paths, tests/content/broken_paths).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "device_bridge/emulation.h"
#include "device_bridge/path_check.h"
#include "scenarios/outcome.h"
#include "scenarios/runner.h"
#include "scenarios/transcript.h"

#ifndef POSDRILL_TEST_PATHS_DIR
#error "POSDRILL_TEST_PATHS_DIR must name tests/content"
#endif

using namespace posdrill;

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Scenario load(const fs::path& p) {
  Scenario s;
  auto diags = load_scenario_text(read(p), p.string(), s);
  INFO(p.string());
  REQUIRE(diags.empty());
  return s;
}

Scenario story() { return load(fs::path(POSDRILL_TEST_PATHS_DIR) / "paths" / "story_outcomes.yaml"); }

Step task_step(OutcomeClass c, std::vector<TerminalOp> ops = {}) {
  Step st;
  st.kind = StepKind::terminal;
  st.task = TerminalOp::balance_inquiry;
  st.expect.response = "00";
  st.expect.reversal_sent = true;
  Outcome o;
  o.when.classes = {c};
  o.when.ops = std::move(ops);
  o.next = "x";
  st.outcomes.push_back(o);
  return st;
}

TerminalRecord rec(TerminalOp op, std::string rc, bool reversal_sent = false) {
  TerminalRecord r;
  r.op = op;
  r.response_code = std::move(rc);
  r.reversal_sent = reversal_sent;
  return r;
}

OutcomeClass classify(const Step& st, std::vector<TerminalRecord> records, bool gave_up = false,
                      TerminalFacts before = {}, TerminalFacts after = {}) {
  TaskAttempt a;
  a.records = std::move(records);
  if (!gave_up) a.main = &a.records.back();
  a.before = before;
  a.after = after;
  return classify_outcome(st, a);
}

// The story played through the runner with the emulated terminal, keyed at the keypad.
struct Story {
  Scenario s = story();
  FakeClock clock;
  EmulatedTerminalPort port{&clock, s.setup};
  Runner runner{s, clock, 1, &port};

  void skip_narrative() {
    while (!runner.finished() && runner.step().kind == StepKind::narrative) runner.advance();
  }
  void keys(std::initializer_list<const char*> ks) {
    for (const char* k : ks) {
      const std::string t = k;
      if (t == "card")
        port.present_card();
      else if (t == "pin")
        port.customer_pin();
      else if (auto key = parse_key(t))
        port.press(*key);
      else
        for (char c : t) port.press(digit_key(c - '0'));
      runner.note_inputs(port.take_inputs());
      for (const auto& r : port.poll()) runner.observe(r);
    }
  }
  const StepRecord& record(const std::string& id) {
    for (const auto& r : runner.result().steps)
      if (r.step_id == id) return r;
    FAIL("no record of " << id);
    return runner.result().steps.front();
  }
};

}  // namespace

TEST_CASE("outcome classes follow their precedence", "[outcome]") {
  const Step st = task_step(OutcomeClass::done);
  CHECK(classify(st, {rec(TerminalOp::balance_inquiry, "00", true)}) == OutcomeClass::done);
  CHECK(classify(st, {rec(TerminalOp::sale, "00", true)}) == OutcomeClass::reversal_sent);
  CHECK(classify(st, {rec(TerminalOp::sale, "00")}) == OutcomeClass::approved);
  CHECK(classify(st, {rec(TerminalOp::sale, "51")}) == OutcomeClass::declined);
  CHECK(classify(st, {rec(TerminalOp::sale, "A0")}) == OutcomeClass::no_answer);
  CHECK(classify(st, {rec(TerminalOp::balance_inquiry, "")}) == OutcomeClass::no_answer);
  CHECK(classify(st, {}, true) == OutcomeClass::nothing_online);
  // The task's own operation, keyed wrong: refused by the terminal, or a keying code.
  TerminalRecord refused = rec(TerminalOp::balance_inquiry, "");
  refused.keying_refused = true;
  CHECK(classify(st, {refused}) == OutcomeClass::wrong_keying);
  CHECK(classify(st, {rec(TerminalOp::balance_inquiry, "25")}) == OutcomeClass::wrong_keying);
  // A failed reversal outranks what the operation did.
  TerminalRecord failed = rec(TerminalOp::balance_inquiry, "");
  failed.reversal_failed = true;
  CHECK(classify(st, {failed}) == OutcomeClass::reversal_failed);
  // With the books: nothing reached the host is nothing_online, however the record looks.
  TerminalFacts before, after;
  before.known = after.known = true;
  before.host_requests = after.host_requests = 7;
  CHECK(classify(st, {rec(TerminalOp::sale, "")}, false, before, after) == OutcomeClass::nothing_online);
  after.host_requests = 8;
  CHECK(classify(st, {rec(TerminalOp::sale, "")}, false, before, after) == OutcomeClass::no_answer);
  // A second standing charge of the story's amount outranks everything.
  before.charges = 1;
  after.charges = 2;
  CHECK(classify(st, {rec(TerminalOp::balance_inquiry, "00", true)}, false, before, after) ==
        OutcomeClass::double_charged);
}

TEST_CASE("a wrong amount approved for the task's operation is wrong keying", "[outcome]") {
  Step st = task_step(OutcomeClass::done);
  st.task = TerminalOp::sale;
  st.expect = {};
  st.expect.response = "00";
  st.expect.amount_minor = 32800;
  TerminalRecord r = rec(TerminalOp::sale, "00");
  r.amount_minor = 328000;
  CHECK(classify(st, {r}) == OutcomeClass::wrong_keying);
  r.amount_minor = 32800;
  CHECK(classify(st, {r}) == OutcomeClass::done);
  CHECK(is_keying_code(TerminalOp::preauth_completion, "12"));
  CHECK_FALSE(is_keying_code(TerminalOp::sale, "12"));
}

TEST_CASE("an outcome matches by class, operation, code and reversal", "[outcome]") {
  Step st = task_step(OutcomeClass::reversal_sent, {TerminalOp::sale});
  TaskAttempt a;
  a.records = {rec(TerminalOp::sale, "00", true)};
  a.main = &a.records.back();
  CHECK(select_outcome(st, OutcomeClass::reversal_sent, a) == &st.outcomes[0]);
  a.records = {rec(TerminalOp::preauth, "00", true)};
  a.main = &a.records.back();
  CHECK(select_outcome(st, OutcomeClass::reversal_sent, a) == nullptr);
  st.outcomes[0].when = {};
  st.outcomes[0].when.codes = {"55", "75"};
  a.records = {rec(TerminalOp::sale, "75")};
  a.main = &a.records.back();
  CHECK(select_outcome(st, OutcomeClass::declined, a) == &st.outcomes[0]);
  a.records = {rec(TerminalOp::sale, "51")};
  a.main = &a.records.back();
  CHECK(select_outcome(st, OutcomeClass::declined, a) == nullptr);
}

TEST_CASE("an outcome narrowed by amount matches that amount only; another falls through", "[outcome]") {
  // The story's sale keyed where a balance inquiry was asked: the right amount is one payment
  // taken early; a wrong amount must meet the next outcome, not the right amount's praise.
  Step st = task_step(OutcomeClass::reversal_sent, {TerminalOp::sale});
  st.outcomes[0].when.amount_minor = 45780;
  Outcome other;
  other.when.classes = {OutcomeClass::reversal_sent};
  other.when.ops = {TerminalOp::sale};
  other.next = "void_it";
  st.outcomes.push_back(other);
  TaskAttempt a;
  a.records = {rec(TerminalOp::sale, "00", true)};
  a.records.back().amount_minor = 45780;
  a.main = &a.records.back();
  CHECK(select_outcome(st, OutcomeClass::reversal_sent, a) == &st.outcomes[0]);
  a.records.back().amount_minor = 32800;
  CHECK(select_outcome(st, OutcomeClass::reversal_sent, a) == &st.outcomes[1]);
  TaskAttempt gave_up;  // no operation: an amount cannot match
  st.outcomes[0].when.classes = {OutcomeClass::nothing_online};
  st.outcomes[0].when.ops = {};
  CHECK(select_outcome(st, OutcomeClass::nothing_online, gave_up) == nullptr);
}

TEST_CASE("requirements name what does not hold and are silent without the books", "[outcome]") {
  Requirement q;
  q.reversal_pending = false;
  q.charges = 1;
  TerminalFacts f;
  CHECK(requirement_miss(q, f).empty());  // a real terminal: nothing to check against
  f.known = true;
  f.reversal_pending = true;
  f.charges = 2;
  CHECK(requirement_miss(q, f) == "reversal_pending is true (required false); charges is 2 (required 1)");
  f.reversal_pending = false;
  f.charges = 1;
  CHECK(requirement_miss(q, f).empty());
}

TEST_CASE("the story follows the keyed balance inquiry that sends the reversal", "[story]") {
  Story h;
  // The intro's requirement holds, and the phone shows the bank's own debit message.
  const StepRecord& intro = h.record("intro");
  CHECK(intro.requirement_miss.empty());
  CHECK(intro.sms.zh.find("消费328.00元") != std::string::npos);
  // The twin shows the story's screen text until a key is pressed.
  CHECK(h.port.scenario()->terminal().screen().headline().zh == "交易失败 接收超时");
  h.skip_narrative();
  REQUIRE(h.runner.choose("inquire"));
  REQUIRE(h.runner.step().id == "task");
  h.keys({"menu", "5", "card", "enter", "pin"});
  const StepRecord& task = h.record("task");
  CHECK(task.outcome == "done");
  CHECK(task.points == 10);
  CHECK(task.success);
  // What was keyed, with the screens, and the PIN never as digits.
  REQUIRE(task.keyed.size() == 5);
  CHECK(task.keyed[0].input == "menu");
  CHECK(task.keyed[2].screen.zh.find("卡号 620000******0047") != std::string::npos);
  CHECK(task.keyed[4].input == "pin ******");
  for (const auto& k : task.keyed) CHECK(k.screen.zh.find(h.port.scenario()->pin()) == std::string::npos);
  CHECK(h.record("reversed").requirement_miss.empty());
}

TEST_CASE("a sale keyed where a balance inquiry was asked meets its own consequence", "[story]") {
  Story h;
  h.skip_narrative();
  REQUIRE(h.runner.choose("inquire"));
  h.keys({"menu", "1", "32800", "enter", "card", "enter", "pin"});
  const StepRecord& task = h.record("task");
  CHECK(task.outcome == "reversal_sent");
  CHECK(task.points == 4);
  CHECK_FALSE(task.success);
  REQUIRE(h.runner.finished());
  const StepRecord& end = h.runner.result().steps.back();
  CHECK(end.step_id == "end_once");
  CHECK(end.requirement_miss.empty());  // the same terminal reversed first: charged once
}

TEST_CASE("giving up leaves the reversal pending and the story says so", "[story]") {
  Story h;
  h.skip_narrative();
  REQUIRE(h.runner.choose("inquire"));
  REQUIRE(h.runner.give_up());
  CHECK(h.record("task").outcome == "nothing_online");
  CHECK(h.record("task").gave_up);
  CHECK(h.record("still_pending").requirement_miss.empty());
}

TEST_CASE("a choice the story keys itself happens on the terminal and the host", "[story]") {
  Story h;
  h.skip_narrative();
  REQUIRE(h.runner.choose("pay_again"));
  const StepRecord& choice = h.record("first");
  REQUIRE(choice.terminal_records.size() == 1);
  CHECK(choice.terminal_records[0].op == TerminalOp::sale);
  CHECK(choice.terminal_records[0].reversal_sent);
  CHECK(choice.terminal_records[0].approved());
  const TerminalFacts f = h.port.facts();
  CHECK(f.charges == 1);
  CHECK_FALSE(f.reversal_pending);
  // The phone now shows the reversal's credit and the new debit, from the bank itself.
  const StepRecord& after = h.record("after_again");
  CHECK(after.requirement_miss.empty());
  CHECK(h.runner.scene().sms.size() == 3);
}

TEST_CASE("a requirement that fails at run time is recorded, not hidden", "[story]") {
  Scenario s = load(fs::path(POSDRILL_TEST_PATHS_DIR) / "broken_paths" / "01_requirement_fails.yaml");
  FakeClock clock;
  EmulatedTerminalPort port(&clock, s.setup);
  Runner runner(s, clock, 1, &port);
  runner.advance();
  REQUIRE(runner.choose("inquire"));
  port.press(Key::menu);
  port.press(Key::d5);
  port.present_card();
  port.press(Key::enter);
  port.customer_pin();
  for (const auto& r : port.poll()) runner.observe(r);
  const StepRecord* reversed = nullptr;
  for (const auto& r : runner.result().steps)
    if (r.step_id == "reversed") reversed = &r;
  REQUIRE(reversed);
  CHECK(reversed->requirement_miss == "reversal_pending is false (required true)");
}

TEST_CASE("minutes_later moves the emulated host's clock", "[story]") {
  Scenario s = story();
  FakeClock clock;
  EmulatedTerminalPort port(&clock, s.setup);
  const TerminalTime before = port.scenario()->now_ms();
  port.story_wait(30 * 60'000);
  CHECK(port.scenario()->now_ms() - before >= 30 * 60'000);
  clock.advance_ms(1000);  // the trainee's time still flows on top of it
  port.press(Key::menu);
  CHECK(port.scenario()->now_ms() - before >= 30 * 60'000 + 1000);
}

TEST_CASE("lint plays every path of a clean story without an error", "[paths]") {
  const Scenario s = story();
  const PathCheck check = check_story_paths(s);
  for (const auto& d : check.errors) INFO(d.to_string());
  CHECK(check.errors.empty());
  // 3 choices; at the task every online operation keyed right and giving up.
  CHECK(check.paths >= 12);
}

TEST_CASE("every broken story in the path corpus gives exactly its expected diagnostic", "[paths]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(POSDRILL_TEST_PATHS_DIR) / "broken_paths"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 3);
  for (const auto& f : files) {
    SECTION(f.filename().string()) {
      const std::string text = read(f);
      const std::string first = text.substr(0, text.find('\n'));
      REQUIRE(first.rfind("# expect: ", 0) == 0);
      const Scenario s = load(f);  // the loader finds nothing: only the simulation can
      const PathCheck check = check_story_paths(s);
      REQUIRE(check.errors.size() == 1);
      const Diagnostic& d = check.errors.front();
      CHECK(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message == first.substr(10));
    }
  }
}

TEST_CASE("every shipped scenario's every path agrees with the terminal", "[paths]") {
  const ContentSet set = load_content(fs::path(POSDRILL_TEST_PATHS_DIR).parent_path().parent_path() / "content");
  REQUIRE_FALSE(set.scenarios.empty());
  for (const Scenario& base : set.scenarios) {
    // Every set of figures is a story of its own amounts: each is played through.
    std::vector<const Scenario*> variants{&base};
    if (!base.variants.empty()) variants.clear();
    for (const Scenario& v : base.variants) variants.push_back(&v);
    for (const Scenario* s : variants) {
      INFO(s->id << " figures " << s->variant);
      const PathCheck check = check_story_paths(*s);
      for (const auto& d : check.errors) INFO(d.to_string());
      CHECK(check.errors.empty());
      CHECK(check.paths > 1);
    }
  }
}
