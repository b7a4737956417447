// The content we ship: valid, complete, bilingual, and right about what it teaches.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "device_bridge/emulation.h"
#include "scenarios/loader.h"
#include "scenarios/runner.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const ContentSet& shipped() { return posdrill::test::shipped_set(); }

AttemptResult auto_play(const Scenario& s, AutoMode mode) {
  FakeClock clock;
  EmulatedTerminalPort terminal(&clock);
  return play_auto(s, mode, 1, terminal, clock);
}

void each_text(const Scenario& s, const std::function<void(const Text&)>& f) {
  f(s.title);
  f(s.summary);
  for (const auto& st : s.steps) {
    for (const Text* t : {&st.text, &st.customer, &st.terminal, &st.sms, &st.prompt}) f(*t);
    for (const auto& o : st.outcomes) f(o.feedback);
    for (const auto& h : st.hints) f(h.text);
    for (const auto& c : st.choices) {
      f(c.text);
      f(c.feedback);
    }
  }
  f(s.debrief.summary);
  for (const auto& r : s.debrief.rules) f(r);
}

}  // namespace

TEST_CASE("shipped content has no errors", "[content]") {
  for (const auto& d : shipped().errors) FAIL_CHECK(d.to_string());
  CHECK(shipped().errors.empty());
}

TEST_CASE("at least ten scenarios and two per topic", "[content]") {
  CHECK(shipped().scenarios.size() >= 10);
  std::map<Topic, int> per_topic;
  for (const auto& s : shipped().scenarios) ++per_topic[s.topic];
  for (Topic t : all_topics) {
    INFO(topic_id(t));
    CHECK(per_topic[t] >= 2);
  }
}

TEST_CASE("every scenario plays right on its best path and fails on its critical path", "[content][auto]") {
  for (const auto& s : shipped().scenarios) {
    INFO(s.id);
    AttemptResult best = auto_play(s, AutoMode::best);
    CHECK(best.finished);
    CHECK(best.passed);
    CHECK(best.points == s.max_points);  // every terminal task on it succeeds with the double
    // At least four scored acts on the best path, three of them decisions: a terminal task keyed
    // on the twin is an act the trainee performs and is scored like a decision.
    int scored = 0, decisions = 0;
    for (const auto& st : best.steps) {
      const bool act = st.kind == StepKind::decision || st.kind == StepKind::terminal;
      scored += act && st.max_points > 0 ? 1 : 0;
      decisions += st.kind == StepKind::decision && st.max_points > 0 ? 1 : 0;
    }
    CHECK(scored >= 4);
    CHECK(decisions >= 3);
    AttemptResult crit = auto_play(s, AutoMode::critical);
    CHECK(crit.finished);
    CHECK_FALSE(crit.passed);
    CHECK(crit.critical_errors >= 1);
  }
}

TEST_CASE("every choice explains itself and every scenario has a debrief", "[content]") {
  for (const auto& s : shipped().scenarios) {
    INFO(s.id);
    CHECK(s.debrief.rules.size() >= 3);
    CHECK_FALSE(s.title.zh.empty());
    CHECK_FALSE(s.title.en.empty());
    for (const auto& st : s.steps)
      for (const auto& c : st.choices) {
        INFO(c.id);
        CHECK_FALSE(c.feedback.empty());
      }
  }
}

TEST_CASE("no full card number appears in any text a trainee sees", "[content][pci]") {
  const char* cards[] = {"4761739001010010",    "4761739001010119", "6200000000000005", "6200000000000047",
                         "6205500000000000004", "6210947000000021", "4111111111111111", "4242424242424242"};
  for (const auto& s : shipped().scenarios) {
    each_text(s, [&](const Text& t) {
      for (const char* c : cards) {
        INFO(s.id << ": " << t.en);
        CHECK(t.zh.find(c) == std::string::npos);
        CHECK(t.en.find(c) == std::string::npos);
      }
    });
  }
}

TEST_CASE("the L1 certification track requires all five topics for 180 days", "[content][track]") {
  const Track* l1 = nullptr;
  for (const auto& t : shipped().tracks)
    if (t.id == "card_payments_l1") l1 = &t;
  REQUIRE(l1);
  CHECK(l1->title.zh == "银行卡收单操作认证 L1");
  CHECK(l1->topics.size() == 5);
  CHECK(l1->validity_days == 180);
}

TEST_CASE("the L2 certification track requires the four newer topics for 180 days", "[content][track]") {
  const Track* l2 = nullptr;
  for (const auto& t : shipped().tracks)
    if (t.id == "card_payments_l2") l2 = &t;
  REQUIRE(l2);
  CHECK(l2->title.zh == "银行卡收单操作认证 L2");
  CHECK(l2->topics ==
        std::vector<Topic>{Topic::void_refund, Topic::settlement, Topic::fraud_risk, Topic::terminal_fault});
  CHECK(l2->validity_days == 180);
  CHECK(l2->expiring_soon_days == 30);
  CHECK_FALSE(l2->pass_mark);
}

TEST_CASE("every topic counts towards some certification track", "[content][track]") {
  for (Topic t : all_topics) {
    INFO(topic_id(t));
    int tracks = 0;
    for (const auto& tr : shipped().tracks)
      tracks += std::find(tr.topics.begin(), tr.topics.end(), t) != tr.topics.end() ? 1 : 0;
    CHECK(tracks >= 1);
  }
}

namespace {

// A shipped scenario played the way `posdrill play --inputs` plays it: choices by id, and an
// operation name at a terminal task as the "keyed right" shortcut.
struct ShortcutPlay {
  const Scenario& s;
  FakeClock clock;
  EmulatedTerminalPort terminal;
  Runner runner;
  std::optional<TerminalRecord> last_lookup;
  explicit ShortcutPlay(const Scenario& sc) : s(sc), terminal(&clock, sc.setup), runner(sc, clock, 1, &terminal) {
    advance();
  }
  void advance() {
    while (!runner.finished() && runner.step().kind == StepKind::narrative) runner.advance();
  }
  void choose(const std::string& id) {
    REQUIRE(runner.step().kind == StepKind::decision);
    REQUIRE(runner.choose(id));
    advance();
  }
  // The shortcut; returns a copy of the task's step record (the story goes on after it, and the
  // records it adds may move the vector).
  StepRecord shortcut(TerminalOp op) {
    REQUIRE(runner.step().kind == StepKind::terminal);
    TerminalRequest req = request_for(s, runner.step(), op, last_lookup ? &*last_lookup : nullptr);
    terminal.quote_story_original(req);
    return keyed(req);
  }
  StepRecord keyed(const TerminalRequest& req) {
    const std::size_t before = runner.result().steps.size();
    perform_on_terminal(runner, terminal, req, last_lookup);
    REQUIRE(runner.result().steps.size() > before);
    StepRecord rec = runner.result().steps[before];
    advance();
    return rec;
  }
  const std::vector<BatchEntry>& list() const { return terminal.scenario()->terminal().batch_list(); }
};

const Scenario& shipped_scenario(std::string_view id) {
  const Scenario* s = find_scenario(shipped().scenarios, id);
  REQUIRE(s);
  return *s;
}

const Outcome& outcome_with_code(const Scenario& s, std::string_view step, std::string_view code) {
  const Step* st = s.find(step);
  REQUIRE(st);
  for (const Outcome& o : st->outcomes)
    if (std::find(o.when.codes.begin(), o.when.codes.end(), code) != o.when.codes.end()) return o;
  FAIL("no outcome with code " << code << " at " << step);
  return st->outcomes.front();
}

}  // namespace

TEST_CASE("the completion shortcut quotes the check-in pre-auth, not the one the trainee just made and cancelled",
          "[content][shortcut]") {
  const Scenario& s = shipped_scenario("preauth_checkout_no_pan");
  ShortcutPlay p(s);
  p.choose("find_in_list");
  p.choose("new_preauth");  // the story then cancels this new pre-auth (n_undo_new_preauth)
  p.choose("present_card");
  REQUIRE(p.runner.step().id == "t_query_b");
  // On the terminal the newest pre-auth is now the cancelled new one; the original is older.
  REQUIRE(p.list().size() >= 2);
  const BatchEntry* original = nullptr;
  for (const BatchEntry& e : p.list())
    if (e.type == TxnType::preauth && !e.cancelled) original = &e;
  REQUIRE(original);
  const BatchEntry* newest_preauth = nullptr;
  for (const BatchEntry& e : p.list())
    if (e.type == TxnType::preauth) newest_preauth = &e;
  CHECK(newest_preauth != original);
  CHECK(newest_preauth->cancelled);

  const StepRecord& query = p.shortcut(TerminalOp::transaction_query);
  CHECK(query.success);
  REQUIRE(p.last_lookup);
  CHECK(p.last_lookup->auth_code == original->auth_code);
  REQUIRE(p.runner.step().id == "t_complete");
  const StepRecord& done = p.shortcut(TerminalOp::preauth_completion);
  REQUIRE(!done.terminal_records.empty());
  CHECK(done.terminal_records.back().response_code == "00");
  CHECK(done.success);
}

TEST_CASE("a completion over the ceiling before the look-up names the 61, the ceiling and the amount",
          "[content][shortcut]") {
  // The second set of figures: a hold of 1500.00, so a ceiling of 1725.00.
  const Scenario& v = shipped_scenario("preauth_checkout_no_pan").variants.at(1);
  ShortcutPlay p(v);
  p.choose("find_in_list");
  p.choose("complete_full");
  p.choose("present_card");
  REQUIRE(p.runner.step().id == "t_query");
  const BatchEntry* hold = nullptr;
  for (const BatchEntry& e : p.list())
    if (e.type == TxnType::preauth && !e.cancelled) hold = &e;
  REQUIRE(hold);
  TerminalRequest req;
  req.op = TerminalOp::preauth_completion;
  req.amount_minor = 180000;  // above 115 % of the hold
  req.original_auth_code = hold->auth_code;
  req.original_date_mmdd = hold->date_mmdd;
  const StepRecord rec = p.keyed(req);
  REQUIRE(!rec.terminal_records.empty());
  CHECK(rec.terminal_records.back().response_code == "61");
  CHECK(rec.outcome == "declined");
  CHECK(rec.feedback.zh.find("拒绝(61)：1800.00元超过了规定的上限") != std::string::npos);
  CHECK(rec.feedback.zh.find("1725.00元") != std::string::npos);
  CHECK(rec.feedback.en.find("CNY 1800.00 is over the ceiling") != std::string::npos);
  CHECK(rec.feedback.en.find("CNY 1725.00") != std::string::npos);
}

TEST_CASE("a completion keyed against the cancelled pre-auth says it was cancelled", "[content][shortcut]") {
  const Scenario& s = shipped_scenario("preauth_checkout_no_pan");
  ShortcutPlay p(s);
  p.choose("find_in_list");
  p.choose("new_preauth");
  p.choose("present_card");
  p.shortcut(TerminalOp::transaction_query);
  REQUIRE(p.runner.step().id == "t_complete");
  const BatchEntry* cancelled = nullptr;
  for (const BatchEntry& e : p.list())
    if (e.type == TxnType::preauth && e.cancelled) cancelled = &e;
  REQUIRE(cancelled);
  TerminalRequest req;
  req.op = TerminalOp::preauth_completion;
  req.amount_minor = 221600;
  req.original_auth_code = cancelled->auth_code;
  req.original_date_mmdd = cancelled->date_mmdd;
  const StepRecord& rec = p.keyed(req);
  REQUIRE(!rec.terminal_records.empty());
  CHECK(rec.terminal_records.back().response_code == "22");
  CHECK(rec.outcome == "declined");
  CHECK(rec.feedback.zh == outcome_with_code(s, "t_complete", "22").feedback.zh);
  CHECK(rec.feedback.zh.find("撤销") != std::string::npos);
  CHECK(rec.feedback.en.find("cancelled") != std::string::npos);
}

TEST_CASE("a completion shortcut at the expired pre-auth's look-up gets 22, as keyed from the slip",
          "[content][shortcut]") {
  const Scenario& s = shipped_scenario("preauth_expired_over_limit");
  {
    ShortcutPlay p(s);
    p.choose("past_days");
    p.choose("refuse_new_payment");
    REQUIRE(p.runner.step().id == "t_query");
    const StepRecord& rec = p.shortcut(TerminalOp::preauth_completion);
    REQUIRE(!rec.terminal_records.empty());
    CHECK(rec.terminal_records.back().response_code == "22");
    CHECK(rec.feedback.zh == outcome_with_code(s, "t_query", "22").feedback.zh);
  }
  {
    ShortcutPlay p(s);
    p.choose("past_days");
    p.choose("refuse_new_payment");
    const StepRecord& rec = p.shortcut(TerminalOp::transaction_query);
    CHECK(rec.success);
  }
}

TEST_CASE("an earlier day's pre-auth carries an earlier batch than today's", "[content][batch]") {
  const Scenario& s = shipped_scenario("preauth_expired_over_limit");
  ScenarioEmulation emu(s.setup);
  const auto& list = emu.terminal().batch_list();
  REQUIRE(!list.empty());
  const BatchEntry& preauth = list.front();
  REQUIRE(preauth.type == TxnType::preauth);
  // Settled every night for 35 nights: 35 batches later.
  CHECK(preauth.batch == "000001");
  CHECK(emu.terminal().batch_no() == "000036");
  // Its merchant copy says the same.
  bool slip = false;
  for (const Receipt& r : emu.history_receipts())
    if (r.type == TxnType::preauth && r.copy == Receipt::Copy::merchant) {
      CHECK(r.batch == "000001");
      slip = true;
    }
  CHECK(slip);
  // The nightly settlements' slips are not on the counter.
  for (const Receipt& r : emu.history_receipts()) CHECK(r.kind == Receipt::Kind::transaction);
}

TEST_CASE("a story that says the terminal was not settled keeps yesterday's sale in today's batch",
          "[content][batch]") {
  const Scenario& s = shipped_scenario("refund_next_day");
  REQUIRE(!s.setup.nightly_settlement);
  ScenarioEmulation emu(s.setup);
  REQUIRE(!emu.terminal().batch_list().empty());
  CHECK(emu.terminal().batch_list().front().batch == emu.terminal().batch_no());
}

TEST_CASE("a sale keyed for the wrong amount where the reversal is triggered is voided, not praised",
          "[content][shortcut]") {
  // The third set of figures: the lost sale is 457.80. Keying the first set's 328.00 as a sale
  // sends the reversal first and is approved, but for the wrong amount.
  const Scenario& base = shipped_scenario("reversal_debit_sms");
  REQUIRE(base.variants.size() >= 3);
  const Scenario& s = base.variants[2];
  REQUIRE(s.setup.amount_minor == 45780);
  // 6000.00 is more than the card holds: declined, nothing charged, nothing to void.
  for (int64_t keyed : {int64_t{32800}, int64_t{45780}, int64_t{600000}}) {
    INFO("keyed " << keyed);
    ShortcutPlay p(s);
    p.choose("send_to_bank");
    p.choose("trigger_reversal");
    REQUIRE(p.runner.step().id == "t_inquiry");
    TerminalRequest req;
    req.op = TerminalOp::sale;
    req.amount_minor = keyed;
    const StepRecord& rec = p.keyed(req);
    CHECK(rec.outcome == "reversal_sent");
    REQUIRE(!rec.terminal_records.empty());
    CHECK((rec.terminal_records.back().response_code == "00") == (keyed != 600000));
    CHECK(rec.terminal_records.back().amount_minor == keyed);
    if (keyed == 600000) {
      CHECK(rec.points == 5);
      CHECK(rec.feedback.zh.find("没有批准") != std::string::npos);
      CHECK(p.runner.step().id == "d_pay");
    } else if (keyed == 32800) {
      CHECK(rec.points == 0);
      // The feedback names what was charged ({keyed}), not only what should have been.
      CHECK(rec.feedback.zh.find("金额输错了：扣的是328.00元，不是457.80元") != std::string::npos);
      CHECK(rec.feedback.en.find("CNY 328.00, not CNY 457.80") != std::string::npos);
      // The supervisor voids the wrong sale and takes the right one: one debit of 457.80 stands.
      REQUIRE(p.runner.step().id == "d_tell");
      bool voided = false;
      for (const StepRecord& r : p.runner.result().steps) voided = voided || r.step_id == "n_void_wrong";
      CHECK(voided);
    } else {
      // The right amount: it worked, but it bet on the reversal instead of checking it first.
      CHECK(rec.points == 10);
      CHECK(rec.feedback.en.find("bets on the reversal succeeding") != std::string::npos);
      CHECK(p.runner.step().id == "d_resale");
    }
    for (const StepRecord& r : p.runner.result().steps) {
      INFO(r.step_id);
      CHECK(r.requirement_miss.empty());
    }
  }
}

TEST_CASE("a same-day refund of the wrong amount ends with the manager, not with praise", "[content][shortcut]") {
  const Scenario& s = shipped_scenario("void_same_day");
  for (int64_t keyed : {int64_t{15800}, s.setup.amount_minor, s.setup.amount_minor + 10000}) {
    INFO("keyed " << keyed);
    ShortcutPlay p(s);
    p.choose("refund_now");
    p.choose("find_in_list");
    REQUIRE(p.runner.step().kind == StepKind::terminal);
    REQUIRE(p.runner.step().task == TerminalOp::void_sale);
    TerminalRequest req = request_for(s, p.runner.step(), TerminalOp::refund, nullptr);
    p.terminal.quote_story_original(req);
    req.amount_minor = keyed;
    const StepRecord rec = p.keyed(req);
    REQUIRE(!rec.terminal_records.empty());
    CHECK(rec.terminal_records.back().amount_minor == keyed);
    if (keyed > s.setup.amount_minor) {  // more than the original: 64, nothing moved
      CHECK(rec.outcome == "declined");
      CHECK(rec.terminal_records.back().response_code == "64");
      CHECK(rec.feedback.zh.find("64") != std::string::npos);
      continue;
    }
    CHECK(rec.outcome == "approved");
    if (keyed == 15800) {
      CHECK(rec.points == 0);
      CHECK(p.runner.step().id == "end_refund_wrong_amount");
    } else {
      CHECK(rec.points == 3);
      CHECK(p.runner.step().id == "d_slips");
    }
  }
}

TEST_CASE("looking up the cancelled new pre-auth does not count as finding the check-in one",
          "[content][shortcut]") {
  const Scenario& s = shipped_scenario("preauth_checkout_no_pan");
  // The third set of figures, so nothing depends on the first set's numbers.
  const Scenario& v = s.variants.at(2);
  for (bool right : {false, true}) {
    INFO((right ? "the check-in pre-auth" : "the cancelled new pre-auth"));
    ShortcutPlay p(v);
    p.choose("find_in_list");
    p.choose("new_preauth");  // the story cancels this new pre-auth
    p.choose("present_card");
    REQUIRE(p.runner.step().id == "t_query_b");
    const BatchEntry* wanted = nullptr;
    for (const BatchEntry& e : p.list())
      if (e.type == TxnType::preauth && e.cancelled != right) wanted = &e;
    REQUIRE(wanted);
    const std::string stan = wanted->stan;
    const std::size_t before = p.runner.result().steps.size();
    // Menu 8 (transaction query), 1 (by voucher number), the voucher number, Enter.
    std::vector<Key> keys = {Key::menu, digit_key(8), digit_key(1)};
    for (char c : stan) keys.push_back(digit_key(c - '0'));
    keys.push_back(Key::enter);
    for (Key k : keys) {
      p.terminal.press(k);
      p.runner.note_inputs(p.terminal.take_inputs());
      for (const auto& r : p.terminal.poll()) p.runner.observe(r);
    }
    REQUIRE(p.runner.result().steps.size() > before);
    const StepRecord rec = p.runner.result().steps[before];
    CHECK(rec.step_id == "t_query_b");
    CHECK(rec.outcome == (right ? "done" : "wrong_keying"));
    CHECK(rec.success == right);
  }
}
