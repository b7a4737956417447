#include <catch2/catch.hpp>

#include "scenarios/terminal_double.h"

using namespace posdrill;

namespace {

Setup base_setup() {
  Setup s;
  s.card = "6200000000000047";
  s.amount_minor = 32800;
  s.balance_minor = 500000;
  s.terminal_id = "10000001";
  return s;
}

TerminalRecord run(TerminalDouble& t, TerminalRequest req) {
  t.request(req);
  auto out = t.poll();
  REQUIRE(out.size() == 1);
  return out[0];
}

TerminalRequest req(TerminalOp op, std::optional<int64_t> amount = std::nullopt) {
  TerminalRequest r;
  r.op = op;
  r.amount_minor = amount;
  return r;
}

HistoryEntry past(TerminalOp op, int64_t amount, std::optional<FaultKind> fault = std::nullopt) {
  HistoryEntry h;
  h.op = op;
  h.amount_minor = amount;
  if (fault) h.fault = Fault{*fault, 0, 0, ""};
  return h;
}

}  // namespace

TEST_CASE("a lost answer leaves a reversal that goes out before the next online request", "[double][reversal]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 32800, FaultKind::answer_lost));
  TerminalDouble t;
  t.prepare(s);
  CHECK(t.reversal_pending());
  CHECK(t.host_debited_minor() == 32800);  // the issuer booked it
  // The lost sale is not in the terminal's list: it never saw an approval.
  CHECK_FALSE(run(t, req(TerminalOp::transaction_query)).found_original);
  CHECK(t.reversal_pending());  // look-ups are offline
  auto r = run(t, req(TerminalOp::balance_inquiry));
  CHECK(r.reversal_sent);
  CHECK(r.approved());
  CHECK_FALSE(t.reversal_pending());
  CHECK(t.host_debited_minor() == 0);
}

TEST_CASE("a failing reversal shows 冲正不成功 and stays pending", "[double][reversal]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 32800, FaultKind::answer_lost));
  s.history.push_back(past(TerminalOp::sale, 0, FaultKind::reversal_fails));
  TerminalDouble t;
  t.prepare(s);
  auto r = run(t, req(TerminalOp::balance_inquiry));
  CHECK(r.reversal_failed);
  CHECK_FALSE(r.reversal_sent);
  CHECK(r.screen.zh == "冲正不成功 请与客服联系");
  CHECK(t.reversal_pending());
}

TEST_CASE("a new sale after a lost answer charges the customer twice unless reversed first", "[double][reversal]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 32800, FaultKind::answer_lost));
  TerminalDouble t;
  t.prepare(s);
  auto r = run(t, req(TerminalOp::sale, 32800));
  // The terminal reverses first, then the sale: one debit in the end.
  CHECK(r.reversal_sent);
  CHECK(r.approved());
  CHECK(t.host_debited_minor() == 32800);
}

TEST_CASE("scripted faults hit the trainee's Nth online request", "[double][faults]") {
  Setup s = base_setup();
  s.faults.push_back({FaultKind::respond, 2, 0, "91"});
  s.faults.push_back({FaultKind::answer_lost, 3, 0, ""});
  TerminalDouble t;
  t.prepare(s);
  CHECK(run(t, req(TerminalOp::balance_inquiry)).response_code == "00");
  auto second = run(t, req(TerminalOp::sale, 100));
  CHECK(second.response_code == "91");
  CHECK(second.screen.zh == "发卡方状态不正常,请稍后重试");
  auto third = run(t, req(TerminalOp::sale, 100));
  CHECK(third.response_code.empty());
  CHECK(t.reversal_pending());
  CHECK(t.online_requests() == 3);
}

TEST_CASE("a pre-auth answer without DE2 leaves no card number on the record", "[double][preauth]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::preauth, 200000, FaultKind::omit_pan));
  s.history.back().days_ago = 2;
  TerminalDouble t;
  t.prepare(s);
  auto q = run(t, req(TerminalOp::transaction_query));
  REQUIRE(q.found_original);
  CHECK(q.screen.zh.find("卡号 —") != std::string::npos);
  CHECK(q.screen.zh.find("6200000000000047") == std::string::npos);
  CHECK(q.date_mmdd == "1118");
  CHECK(q.auth_code.size() == 6);

  SECTION("completion with the original auth code and date within 115% is approved") {
    TerminalRequest c = req(TerminalOp::preauth_completion, 230000);
    c.original_auth_code = q.auth_code;
    c.original_date_mmdd = q.date_mmdd;
    auto r = run(t, c);
    CHECK(r.approved());
    CHECK(r.references_original);
  }
  SECTION("completion above 115% is refused") {
    TerminalRequest c = req(TerminalOp::preauth_completion, 230001);
    c.original_auth_code = q.auth_code;
    c.original_date_mmdd = q.date_mmdd;
    CHECK(run(t, c).response_code == "61");
  }
  SECTION("completion without or with a guessed auth code finds no original") {
    CHECK(run(t, req(TerminalOp::preauth_completion, 100000)).response_code == "25");
    TerminalRequest c = req(TerminalOp::preauth_completion, 100000);
    c.original_auth_code = "123456";
    c.original_date_mmdd = q.date_mmdd;
    CHECK(run(t, c).response_code == "25");
  }
}

TEST_CASE("completion past the allowed days answers 22", "[double][preauth]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::preauth, 200000));
  s.history.back().days_ago = 35;
  TerminalDouble t;
  t.prepare(s);
  auto q = run(t, req(TerminalOp::transaction_query));
  TerminalRequest c = req(TerminalOp::preauth_completion, 150000);
  c.original_auth_code = q.auth_code;
  c.original_date_mmdd = q.date_mmdd;
  auto r = run(t, c);
  CHECK(r.response_code == "22");
  CHECK(r.screen.zh == "操作有误,或超出交易允许天数");
}

TEST_CASE("the third wrong PIN of the day locks the card", "[double][pin]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 100));
  s.history.back().wrong_pin = true;
  s.host.lock_code = "38";
  s.faults.push_back({FaultKind::respond, 1, 0, "55"});
  s.faults.push_back({FaultKind::respond, 2, 0, "55"});
  TerminalDouble t;
  t.prepare(s);
  auto first = run(t, req(TerminalOp::sale, 100));
  CHECK(first.response_code == "55");
  CHECK(first.screen.zh == "(55)密码错请重试");
  auto third_wrong = run(t, req(TerminalOp::sale, 100));
  CHECK(third_wrong.response_code == "38");
  auto after = run(t, req(TerminalOp::sale, 100));  // even the right PIN is refused today
  CHECK(after.response_code == "38");
}

TEST_CASE("the velocity rule answers 65 after too many approved sales", "[double][velocity]") {
  Setup s = base_setup();
  for (int m : {4, 2}) {
    s.history.push_back(past(TerminalOp::sale, 100));
    s.history.back().minutes_ago = m;
  }
  TerminalDouble t;
  t.prepare(s);
  auto r = run(t, req(TerminalOp::sale, 100));
  CHECK(r.response_code == "65");
  CHECK(r.screen.zh == "超出消费次数限制");
  // Older sales fall out of the window.
  Setup old = base_setup();
  for (int m : {40, 20}) {
    old.history.push_back(past(TerminalOp::sale, 100));
    old.history.back().minutes_ago = m;
  }
  t.prepare(old);
  CHECK(run(t, req(TerminalOp::sale, 100)).approved());
}

TEST_CASE("acquirer declines and insufficient funds", "[double][decline]") {
  Setup s = base_setup();
  s.host.decline_code = "57";
  TerminalDouble t;
  t.prepare(s);
  CHECK(run(t, req(TerminalOp::sale, 100)).response_code == "57");
  Setup poor = base_setup();
  poor.balance_minor = 1000;
  t.prepare(poor);
  CHECK(run(t, req(TerminalOp::sale, 1001)).response_code == "51");
  CHECK(run(t, req(TerminalOp::sale, 1000)).approved());
}

TEST_CASE("unknown response codes still show a readable screen", "[double]") {
  CHECK(response_text("Q9").zh == "交易失败 (Q9)");
  CHECK(response_text("00").en == "Approved");
}
