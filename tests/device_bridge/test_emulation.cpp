// Terminal and host together in memory: the links, the fault table, the replay of a scenario's
// setup, the seed incidents end to end, TerminalDouble's behaviours through the emulation, and the
// shipped scenarios played automatically on EmulatedTerminalPort.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "device_bridge/emulation.h"
#include "scenarios/loader.h"
#include "scenarios/runner.h"
#include "tests/shipped_set.h"

using namespace posdrill;

namespace {

const std::string card = "6200000000000047";
const std::string pin = "147258";
const TerminalTime t0 = default_training_start_ms();

Setup base_setup() {
  Setup s;
  s.card = card;
  s.pin = pin;
  s.amount_minor = 32800;
  s.balance_minor = 500000;
  s.terminal_id = "10000001";
  s.merchant_id = "898310048161234";
  return s;
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
  if (fault) h.fault = Fault{*fault, 0, 0, "", {}};
  return h;
}

TerminalRecord run(ScenarioEmulation& s, const TerminalRequest& r) {
  auto out = s.perform(r);
  REQUIRE(out.size() == 1);
  return out[0];
}

int count_mti(const AcquirerHost& host, std::string_view mti) {
  return int(std::count_if(host.journal().begin(), host.journal().end(),
                           [&](const HostJournalEntry& e) { return e.mti == mti; }));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Links and faults
// ---------------------------------------------------------------------------------------------

TEST_CASE("the in-memory link carries requests and answers on a virtual clock", "[emulation][link]") {
  Setup s = base_setup();
  Emulation emu(host_config_from(s), terminal_config_from(s), t0);
  CHECK(emu.now_ms() == t0);
  auto r = emu.run(req(TerminalOp::sign_on), {}, std::nullopt);
  REQUIRE(r.size() == 1);
  CHECK(r[0].approved());
  CHECK(emu.now_ms() == t0 + default_latency_ms);  // the clock moved only by the answer's latency
  CardPresentation c{EntryMode::insert, card, "3012"};
  auto sale = emu.run(req(TerminalOp::sale, 1000), c, std::string_view(pin));
  REQUIRE(sale.size() == 1);
  CHECK(sale[0].approved());
  CHECK(emu.host().available_minor(card) == 499000);
  emu.link().advance_to(t0 + ms_per_day);
  CHECK(emu.terminal().now_ms() == t0 + ms_per_day);
  CHECK(emu.terminal().idle());  // the result screen timed out on the way
}

TEST_CASE("each fault kind does what the scenario format says", "[emulation][faults]") {
  Setup s = base_setup();
  auto with_fault = [&](Fault f) {
    Setup x = s;
    f.request = 1;
    x.faults.push_back(f);
    return std::make_unique<ScenarioEmulation>(x);
  };

  SECTION("answer_lost: booked and a reversal record with reason 98") {
    auto e = with_fault({FaultKind::answer_lost, 1, 0, "", {}});
    auto r = run(*e, req(TerminalOp::sale, 32800));
    CHECK(r.response_code.empty());
    CHECK(r.screen.zh == "交易失败 接收超时");
    CHECK(e->host().available_minor(card) == 500000 - 32800);
    CHECK(e->terminal().reversal_reason() == "98");
  }
  SECTION("request_lost: not booked, a reversal record all the same, answered 25 later") {
    auto e = with_fault({FaultKind::request_lost, 1, 0, "", {}});
    auto r = run(*e, req(TerminalOp::sale, 32800));
    CHECK(r.screen.zh == "通讯失败");
    CHECK(e->host().available_minor(card) == 500000);
    CHECK(e->terminal().reversal_reason() == "98");
    auto b = run(*e, req(TerminalOp::balance_inquiry));
    CHECK(b.reversal_sent);
    CHECK(b.approved());
    CHECK(e->host().journal()[e->host().journal().size() - 2].response_code == "25");
  }
  SECTION("refuse_connection: nothing sent and no reversal record") {
    auto e = with_fault({FaultKind::refuse_connection, 1, 0, "", {}});
    auto r = run(*e, req(TerminalOp::sale, 32800));
    CHECK(r.screen.zh == "通讯失败");
    CHECK(r.not_sent);  // the transcript says 终端未发出, not 未收到回复
    CHECK_FALSE(e->terminal().reversal_pending());
    CHECK(count_mti(e->host(), "0200") == 0);
    CHECK_FALSE(run(*e, req(TerminalOp::balance_inquiry)).reversal_sent);
  }
  SECTION("delay: within the response time-out the answer counts") {
    auto e = with_fault({FaultKind::delay, 1, 60, "", {}});
    const TerminalTime before = e->emulation().now_ms();
    CHECK(run(*e, req(TerminalOp::sale, 32800)).approved());
    CHECK(e->emulation().now_ms() - before == 60'000);
  }
  SECTION("delay: beyond it the terminal gives up and ignores the late answer") {
    auto e = with_fault({FaultKind::delay, 1, 61, "", {}});
    auto r = run(*e, req(TerminalOp::sale, 32800));
    CHECK(r.response_code.empty());
    CHECK_FALSE(r.not_sent);  // it went out and no answer came: 未收到回复
    CHECK(e->terminal().reversal_pending());
    e->advance_to(e->emulation().now_ms() + 10'000);
    CHECK(e->terminal().take_records().empty());
    CHECK(e->terminal().reversal_pending());
  }
  SECTION("bad_mac: A0 and a reversal that undoes the booking") {
    auto e = with_fault({FaultKind::bad_mac, 1, 0, "", {}});
    CHECK(run(*e, req(TerminalOp::sale, 32800)).response_code == "A0");
    CHECK(e->terminal().reversal_reason() == "A0");
    CHECK(run(*e, req(TerminalOp::balance_inquiry)).reversal_sent);
    CHECK(e->host().available_minor(card) == 500000);
    CHECK(e->host().journal()[e->host().journal().size() - 2].reversal_reason == "A0");
  }
  SECTION("omit_pan: the answer has no DE2") {
    auto e = with_fault({FaultKind::omit_pan, 1, 0, "", {}});
    CHECK(run(*e, req(TerminalOp::sale, 32800)).approved());
    CHECK(e->terminal().batch_list().back().masked_pan.empty());
  }
  SECTION("respond: the chosen code, nothing booked") {
    auto e = with_fault({FaultKind::respond, 1, 0, "96", {}});
    auto r = run(*e, req(TerminalOp::sale, 32800));
    CHECK(r.response_code == "96");
    CHECK(r.screen.zh == "交换中心异常,请稍后重试");
    CHECK(e->host().available_minor(card) == 500000);
  }
}

// ---------------------------------------------------------------------------------------------
// TerminalDouble's behaviours, through the emulation
// ---------------------------------------------------------------------------------------------

TEST_CASE("a lost answer leaves a reversal that goes out before the next online request",
          "[emulation][double][reversal]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 32800, FaultKind::answer_lost));
  s.history.back().minutes_ago = 2;
  ScenarioEmulation e(s);
  CHECK(e.terminal().reversal_pending());
  CHECK(e.host().available_minor(card) == 500000 - 32800);  // the issuer booked it
  CHECK(e.terminal().idle());
  CHECK(e.emulation().now_ms() == t0);
  CHECK_FALSE(run(e, req(TerminalOp::transaction_query)).found_original);  // never seen approved
  CHECK(e.terminal().reversal_pending());                                  // look-ups are offline
  auto r = run(e, req(TerminalOp::balance_inquiry));
  CHECK(r.reversal_sent);
  CHECK(r.approved());
  CHECK_FALSE(e.terminal().reversal_pending());
  CHECK(e.host().available_minor(card) == 500000);
}

TEST_CASE("a failing reversal shows 冲正不成功 and is dropped or kept as configured", "[emulation][double][reversal]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 32800, FaultKind::answer_lost));
  s.history.push_back(past(TerminalOp::sale, 0, FaultKind::reversal_fails));
  for (bool keep : {false, true}) {
    ReplayOptions o;
    o.terminal = terminal_config_from(s);
    o.terminal->keep_reversal_after_failure = keep;
    ScenarioEmulation e(s, o);
    CHECK(e.reversals_always_fail());
    const TerminalTime before = e.emulation().now_ms();
    auto r = run(e, req(TerminalOp::balance_inquiry));
    CHECK(r.reversal_failed);
    CHECK_FALSE(r.reversal_sent);
    CHECK(r.screen.zh == "冲正不成功 请与客服联系");
    CHECK(e.emulation().now_ms() - before == 3 * 30'000 + 3);  // three 30 s waits
    CHECK(e.terminal().reversal_pending() == keep);
    CHECK(count_mti(e.host(), "0400") == 0);  // none reached the host
    CHECK(e.host().available_minor(card) == 500000 - 32800);
  }
}

TEST_CASE("a new sale after a lost answer reverses first and charges once", "[emulation][double][reversal]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 32800, FaultKind::answer_lost));
  ScenarioEmulation e(s);
  auto r = run(e, req(TerminalOp::sale, 32800));
  CHECK(r.reversal_sent);
  CHECK(r.approved());
  CHECK(e.host().available_minor(card) == 500000 - 32800);
}

TEST_CASE("with the customer gone no card reaches the terminal and nothing is sent", "[emulation][card]") {
  Setup s = base_setup();
  ScenarioEmulation e(s);
  e.use_card(CustomerCard::none);
  // A sale keyed in one go stops where the terminal asks for the card: no record, nothing online.
  CHECK(e.perform(req(TerminalOp::sale, 100)).empty());
  CHECK(e.online_requests() == 0);
  CHECK(e.terminal().screen().headline().zh.find("卡") != std::string::npos);
  // Keyed by hand, the card key brings no card, and the customer's PIN nobody keys.
  e.present_card();
  e.customer_pin();
  CHECK(e.terminal().take_records().empty());
  CHECK(e.online_requests() == 0);
  // What needs no card still works: the terminal's own list, a settlement.
  e.press(Key::cancel);
  CHECK(run(e, req(TerminalOp::settlement)).response_code == "00");
  // The customer is back: the same sale goes through with the setup's card.
  e.use_card(CustomerCard::main);
  auto r = run(e, req(TerminalOp::sale, 100));
  CHECK(r.approved());
  CHECK(e.host().available_minor(card) == 500000 - 100);
}

TEST_CASE("the history leaves the cardholder copy with the customer unless she brought it back",
          "[emulation][receipts]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 15800));
  s.history.back().minutes_ago = 240;
  s.history.push_back(past(TerminalOp::sale, 59900));
  s.history.back().minutes_ago = 60;
  s.history.back().customer_copy_on_counter = true;
  ScenarioEmulation e(s);
  std::vector<std::pair<int64_t, Receipt::Copy>> in_shop;
  for (const Receipt& r : e.history_receipts()) in_shop.emplace_back(r.amount_minor, r.copy);
  const std::vector<std::pair<int64_t, Receipt::Copy>> expected = {
      {15800, Receipt::Copy::merchant}, {59900, Receipt::Copy::merchant}, {59900, Receipt::Copy::customer}};
  CHECK(in_shop == expected);
}

TEST_CASE("the history's merchant copies carry the cardholder's signature, a new slip does not",
          "[emulation][receipts]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 15800));
  ScenarioEmulation e(s);
  auto signature_at = [](const Receipt& r) {
    const auto it = std::find(r.lines.begin(), r.lines.end(), "持卡人签名(CARDHOLDER SIGNATURE):");
    REQUIRE(it != r.lines.end());
    REQUIRE(it + 1 != r.lines.end());
    return *(it + 1);
  };
  int merchant = 0;
  for (const Receipt& r : e.history_receipts())
    if (r.copy == Receipt::Copy::merchant) {
      ++merchant;
      CHECK(signature_at(r).find("持卡人已签名 SIGNED") != std::string::npos);
    }
  CHECK(merchant == 1);
  CHECK(run(e, req(TerminalOp::sale, 100)).approved());
  int fresh = 0;
  for (const Receipt& r : e.terminal().take_receipts())
    if (r.copy == Receipt::Copy::merchant) {
      ++fresh;
      CHECK(signature_at(r).empty());  // the customer signs it at the counter, after it prints
    }
  CHECK(fresh == 1);
}

TEST_CASE("scripted faults hit the trainee's Nth online request", "[emulation][double][faults]") {
  Setup s = base_setup();
  s.faults.push_back({FaultKind::respond, 2, 0, "91", {}});
  s.faults.push_back({FaultKind::answer_lost, 3, 0, "", {}});
  ScenarioEmulation e(s);
  CHECK(run(e, req(TerminalOp::balance_inquiry)).response_code == "00");
  CHECK(run(e, req(TerminalOp::transaction_query)).op == TerminalOp::transaction_query);  // offline: not counted
  auto second = run(e, req(TerminalOp::sale, 100));
  CHECK(second.response_code == "91");
  CHECK(second.screen.zh == "发卡方状态不正常,请稍后重试");
  auto third = run(e, req(TerminalOp::sale, 100));
  CHECK(third.response_code.empty());
  CHECK(e.terminal().reversal_pending());
  CHECK(e.online_requests() == 3);
}

TEST_CASE("a fault with an operation counts only that operation's requests", "[emulation][double][faults]") {
  Setup s = base_setup();
  s.faults.push_back({FaultKind::respond, 1, 0, "65", TerminalOp::sale});
  ScenarioEmulation e(s);
  // A balance inquiry keyed first is the first online request but not the first sale.
  CHECK(run(e, req(TerminalOp::balance_inquiry)).response_code == "00");
  CHECK(run(e, req(TerminalOp::sale, 100)).response_code == "65");
  CHECK(run(e, req(TerminalOp::sale, 100)).response_code == "00");  // the second sale is not scripted
  CHECK(e.online_requests() == 3);
}

TEST_CASE("a refund after settlement keys the slip's reference number and is approved", "[emulation][double][refund]") {
  Setup s = base_setup();
  ScenarioEmulation e(s);
  REQUIRE(run(e, req(TerminalOp::sale, 32800)).approved());
  REQUIRE(run(e, req(TerminalOp::settlement)).screen.zh == "结算成功");
  CHECK(e.terminal().batch_list().empty());
  auto refund = run(e, req(TerminalOp::refund, 12800));
  CHECK(refund.approved());
  CHECK(e.host().available_minor(card) == 500000 - 32800 + 12800);
}

TEST_CASE("settlement closes the batch but an open pre-auth stays in the list", "[emulation][double][settlement]") {
  Setup s = base_setup();
  ScenarioEmulation e(s);
  REQUIRE(run(e, req(TerminalOp::sale, 32800)).approved());
  auto hold = run(e, req(TerminalOp::preauth, 100000));
  REQUIRE(hold.approved());
  REQUIRE(run(e, req(TerminalOp::settlement)).screen.zh == "结算成功");
  const auto& list = e.terminal().batch_list();
  REQUIRE(list.size() == 1);
  CHECK(list[0].type == TxnType::preauth);
  CHECK(list[0].amount_minor == 100000);
  // Its completion the next day still finds it and is approved.
  TerminalRequest c = req(TerminalOp::preauth_completion, 100000);
  c.original_auth_code = hold.auth_code;
  c.original_date_mmdd = list[0].date_mmdd;
  CHECK(run(e, c).approved());
}

TEST_CASE("a settlement without paper settles and says the printer is out of paper", "[emulation][double][printer]") {
  Setup s = base_setup();
  ScenarioEmulation e(s);
  REQUIRE(run(e, req(TerminalOp::sale, 32800)).approved());
  e.terminal().take_receipts();
  e.terminal().set_paper(false);
  REQUIRE(run(e, req(TerminalOp::settlement)).screen.zh == "结算成功");
  CHECK(e.terminal().take_receipts().empty());
  CHECK(e.terminal().screen().lines.back().zh == "打印机缺纸 请装纸");
}

TEST_CASE("a transaction look-up's result screen opens the menu on 菜单", "[emulation][double][query]") {
  Setup s = base_setup();
  ScenarioEmulation e(s);
  REQUIRE(run(e, req(TerminalOp::sale, 32800)).approved());
  EmulatedTerminal& term = e.terminal();
  term.press(Key::cancel);
  term.press(Key::menu);
  term.press(Key::d8);
  term.press(Key::d4);  // browse from the newest
  term.take_records();
  term.press(Key::menu);
  CHECK(term.screen().title.zh == "主菜单");
}

TEST_CASE("the third wrong PIN of the day locks the card", "[emulation][double][pin]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 100));
  s.history.back().wrong_pin = true;
  s.host.lock_code = "38";
  s.faults.push_back({FaultKind::respond, 1, 0, "55", {}});
  s.faults.push_back({FaultKind::respond, 2, 0, "55", {}});
  ScenarioEmulation e(s);
  CHECK(e.host().wrong_pins(card, t0) == 1);
  auto first = run(e, req(TerminalOp::sale, 100));
  CHECK(first.response_code == "55");
  CHECK(first.screen.zh == "(55)密码错请重试");
  CHECK(run(e, req(TerminalOp::sale, 100)).response_code == "38");
  CHECK(run(e, req(TerminalOp::sale, 100)).response_code == "38");  // even the right PIN today
}

TEST_CASE("the velocity rule answers 65 after too many approved sales", "[emulation][double][velocity]") {
  Setup s = base_setup();
  for (int m : {4, 2}) {
    s.history.push_back(past(TerminalOp::sale, 100));
    s.history.back().minutes_ago = m;
  }
  ScenarioEmulation e(s);
  auto r = run(e, req(TerminalOp::sale, 100));
  CHECK(r.response_code == "65");
  CHECK(r.screen.zh == "刷卡频繁");  // the acquirer's own text, not the standard 超出消费次数限制
  Setup old = base_setup();
  for (int m : {40, 20}) {
    old.history.push_back(past(TerminalOp::sale, 100));
    old.history.back().minutes_ago = m;
  }
  ScenarioEmulation o(old);
  CHECK(run(o, req(TerminalOp::sale, 100)).approved());
}

TEST_CASE("acquirer declines and insufficient funds", "[emulation][double][decline]") {
  Setup s = base_setup();
  s.host.decline_code = "57";
  s.host.decline_text = {"用户异常", "User exception"};
  ScenarioEmulation e(s);
  auto d = run(e, req(TerminalOp::sale, 100));
  CHECK(d.response_code == "57");
  CHECK(d.screen.zh == "用户异常");
  Setup plain = base_setup();
  plain.host.decline_code = "62";
  ScenarioEmulation p(plain);
  CHECK(run(p, req(TerminalOp::sale, 100)).screen.zh == "受限制的卡");  // no text: the standard one
  Setup poor = base_setup();
  poor.balance_minor = 1000;
  ScenarioEmulation q(poor);
  CHECK(run(q, req(TerminalOp::sale, 1001)).response_code == "51");
  CHECK(run(q, req(TerminalOp::sale, 1000)).approved());
}

// ---------------------------------------------------------------------------------------------
// Seed incidents end to end
// ---------------------------------------------------------------------------------------------

TEST_CASE("seed: failed sale but the customer got a debit SMS and the balance inquiry reverses it",
          "[emulation][seed][reversal]") {
  Setup s = base_setup();
  s.faults.push_back({FaultKind::answer_lost, 1, 0, "", {}});
  ScenarioEmulation e(s);
  EmulatedTerminal& term = e.terminal();
  AcquirerHost& host = e.host();

  auto failed = run(e, req(TerminalOp::sale, 32800));
  CHECK(failed.response_code.empty());
  CHECK(term.screen().headline().zh == "交易失败 接收超时");
  CHECK(term.take_receipts().empty());
  REQUIRE_FALSE(host.sms().empty());
  CHECK(host.sms().back().text.zh.find("您尾号0047的卡11月20日14:32消费328.00元") != std::string::npos);

  // The balance inquiry, watched step by step: 自动冲正… first.
  e.advance_to(e.emulation().now_ms() + 2 * ms_per_minute);
  term.start(req(TerminalOp::balance_inquiry), {EntryMode::insert, card, "3012"}, std::string_view(pin));
  e.emulation().link().advance_to(e.emulation().now_ms());
  CHECK(term.screen().headline().zh == "自动冲正…");
  e.emulation().link().settle();
  auto recs = term.take_records();
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].reversal_sent);
  CHECK(recs[0].approved());
  CHECK(term.screen().lines[1].zh == "可用余额 RMB 5000.00");

  const auto& j = host.journal();
  auto rev = std::find_if(j.begin(), j.end(), [](const HostJournalEntry& x) { return x.mti == "0400"; });
  REQUIRE(rev != j.end());
  CHECK(rev->reversal_reason == "98");
  CHECK(rev->response_code == "00");
  CHECK(std::find_if(j.begin(), j.end(), [](const HostJournalEntry& x) { return x.reversed; })->op == HostOp::sale);
  CHECK(host.available_minor(card) == 500000);
  CHECK(host.sms().back().text.zh.find("交易冲正，退回328.00元") != std::string::npos);
}

TEST_CASE("seed: a new sale after the reversal failed charges the customer twice", "[emulation][seed][reversal]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 32800, FaultKind::answer_lost));
  s.history.back().minutes_ago = 3;
  s.faults.push_back({FaultKind::reversal_fails, 1, 0, "", {}});
  ScenarioEmulation e(s);
  auto inquiry = run(e, req(TerminalOp::balance_inquiry));
  CHECK(inquiry.reversal_failed);
  CHECK(inquiry.screen.zh == "冲正不成功 请与客服联系");
  CHECK_FALSE(e.terminal().reversal_pending());  // the terminal has given up: staff must call the acquirer
  auto again = run(e, req(TerminalOp::sale, 32800));
  CHECK(again.approved());
  CHECK_FALSE(again.reversal_sent);
  CHECK(e.host().available_minor(card) == 500000 - 2 * 32800);
  int debits = int(std::count_if(e.host().sms().begin(), e.host().sms().end(),
                                 [](const BankSms& m) { return m.text.zh.find("消费328.00元") != std::string::npos; }));
  CHECK(debits == 2);
}

TEST_CASE("seed: pre-auth answered without DE2 is found by voucher and completed with its auth code and date",
          "[emulation][seed][preauth]") {
  Setup s = base_setup();
  s.balance_minor = 3'000'000;
  s.history.push_back(past(TerminalOp::preauth, 200000, FaultKind::omit_pan));
  s.history.back().days_ago = 2;
  ScenarioEmulation e(s);
  EmulatedTerminal& term = e.terminal();

  // The slip from check-in has no card number; neither has the record. Only its merchant copy is
  // in the shop: the guest took the other.
  REQUIRE(e.history_receipts().size() == 1);
  CHECK(e.history_receipts()[0].copy == Receipt::Copy::merchant);
  for (const Receipt& r : e.history_receipts()) {
    CHECK(r.masked_pan.empty());
    CHECK(std::find(r.lines.begin(), r.lines.end(), "卡号(CARD NO.): ") != r.lines.end());
    CHECK(r.lines.front().find("培训 TRAINING") == 0);
  }
  const std::string voucher = e.history_receipts()[0].stan;

  // 8 交易查询 → 1 按凭证号
  term.press(Key::menu);
  term.press(Key::d8);
  term.press(Key::d1);
  for (char c : voucher) term.press(digit_key(c - '0'));
  term.press(Key::enter);
  auto q = term.take_records();
  REQUIRE(q.size() == 1);
  CHECK(q[0].found_original);
  CHECK(q[0].date_mmdd == "1118");
  CHECK(q[0].auth_code.size() == 6);
  CHECK(q[0].screen.zh.find("卡号 —") != std::string::npos);
  CHECK(q[0].screen.zh.find(card) == std::string::npos);
  term.press(Key::cancel);

  auto completion = [&](int64_t amount, std::string auth, std::string date) {
    TerminalRequest c = req(TerminalOp::preauth_completion, amount);
    c.original_auth_code = std::move(auth);
    c.original_date_mmdd = std::move(date);
    return c;
  };
  std::string guess = q[0].auth_code == "123456" ? "654321" : "123456";
  CHECK(run(e, completion(221600, guess, "1118")).response_code == "25");
  CHECK(run(e, completion(221600, q[0].auth_code, "1119")).response_code == "25");
  CHECK(run(e, completion(230001, q[0].auth_code, "1118")).response_code == "61");  // 115.0005%
  auto done = run(e, completion(221600, q[0].auth_code, "1118"));
  CHECK(done.approved());
  CHECK(done.references_original);
  CHECK(e.host().available_minor(card) == 3'000'000 - 221600);
  auto slips = term.take_receipts();
  REQUIRE(slips.size() == 2);
  CHECK(slips[0].masked_pan == "620000******0047");  // the completion's answer carried DE2 again
}

TEST_CASE("seed: a pre-auth 35 days old answers 22 and over the limit 61", "[emulation][seed][preauth]") {
  Setup s = base_setup();
  s.balance_minor = 5'000'000;
  s.history.push_back(past(TerminalOp::preauth, 300000));
  s.history.back().days_ago = 35;
  ScenarioEmulation e(s);
  CHECK(e.host().held_minor(card) == 0);  // the issuer released it after 30 days
  auto q = run(e, req(TerminalOp::transaction_query));
  REQUIRE(q.found_original);
  TerminalRequest c = req(TerminalOp::preauth_completion, 386000);
  c.original_auth_code = q.auth_code;
  c.original_date_mmdd = q.date_mmdd;
  auto r = run(e, c);
  CHECK(r.response_code == "22");
  CHECK(r.screen.zh == "操作有误,或超出交易允许天数");
  CHECK(run(e, req(TerminalOp::sale, 386000)).approved());

  Setup fresh = base_setup();
  fresh.history.push_back(past(TerminalOp::preauth, 300000));
  fresh.history.back().days_ago = 5;
  ScenarioEmulation f(fresh);
  auto fq = run(f, req(TerminalOp::transaction_query));
  TerminalRequest over = req(TerminalOp::preauth_completion, 348000);  // 116%
  over.original_auth_code = fq.auth_code;
  over.original_date_mmdd = fq.date_mmdd;
  auto o = run(f, over);
  CHECK(o.response_code == "61");
  CHECK(o.screen.zh == "交易金额超限");
}

TEST_CASE("seed: wrong PIN twice then the lock", "[emulation][seed][pin]") {
  for (std::string lock : {"75", "38"}) {
    Setup s = base_setup();
    s.host.lock_code = lock;
    ScenarioEmulation e(s);
    CardPresentation c{EntryMode::insert, card, "3012"};
    auto first = e.emulation().run(req(TerminalOp::sale, 169900), c, std::string_view("000000"));
    REQUIRE(first.size() == 1);
    CHECK(first[0].response_code == "55");
    CHECK(e.terminal().screen().headline().zh == "(55)密码错请重试");
    // The terminal asks again for the same sale; the customer gets it wrong once more.
    e.terminal().enter_pin("111111");
    e.emulation().link().settle();
    auto second = e.terminal().take_records();
    REQUIRE(second.size() == 1);
    CHECK(second[0].response_code == "55");
    e.terminal().enter_pin("222222");
    e.emulation().link().settle();
    auto third = e.terminal().take_records();
    REQUIRE(third.size() == 1);
    CHECK(third[0].response_code == lock);
    CHECK(third[0].screen.zh == response_text(lock).zh);
    CHECK(run(e, req(TerminalOp::sale, 169900)).response_code == lock);  // the right PIN, same day
  }
}

TEST_CASE("seed: the same card swiped too often answers 65 刷卡频繁", "[emulation][seed][velocity]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 39800));
  s.history.back().minutes_ago = 4;
  s.history.push_back(past(TerminalOp::sale, 15600));
  s.history.back().minutes_ago = 2;
  ScenarioEmulation e(s);
  auto r = run(e, req(TerminalOp::sale, 128000));
  CHECK(r.response_code == "65");
  CHECK(r.screen.zh == "刷卡频繁");
  CHECK(e.terminal().take_receipts().empty());
  // Half an hour later (the advice to customers) it goes through.
  e.advance_to(e.emulation().now_ms() + 30 * ms_per_minute);
  CHECK(run(e, req(TerminalOp::sale, 128000)).approved());
}

TEST_CASE("seed: a configurable decline 57 shows 用户异常", "[emulation][seed][decline]") {
  Setup s = base_setup();
  s.host.decline_code = "57";
  s.host.decline_text = {"用户异常", "User exception"};
  ScenarioEmulation e(s);
  auto r = run(e, req(TerminalOp::sale, 529900));
  CHECK(r.response_code == "57");
  CHECK(r.screen.zh == "用户异常");
  CHECK(e.terminal().screen().headline().zh == "用户异常");
  CHECK(e.host().available_minor(card) == 500000);
}

// ---------------------------------------------------------------------------------------------
// Replay, determinism, PCI, the port
// ---------------------------------------------------------------------------------------------

TEST_CASE("history entries replay in time order with their faults and PINs", "[emulation][replay]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 100));
  s.history.back().minutes_ago = 10;
  s.history.push_back(past(TerminalOp::preauth, 5000));
  s.history.back().days_ago = 3;
  s.history.push_back(past(TerminalOp::reprint, 0));  // offline: skipped
  s.history.push_back(past(TerminalOp::sale, 200));
  s.history.back().minutes_ago = 185;
  s.history.back().wrong_pin = true;
  s.nightly_settlement = false;  // the nights' settlements have a case of their own
  ScenarioEmulation e(s);
  const auto& j = e.host().journal();
  REQUIRE(j.size() == 4);  // sign-on, pre-auth 3 days ago, the wrong-PIN sale, the sale
  CHECK(j[0].op == HostOp::sign_on);
  CHECK(j[1].op == HostOp::preauth);
  CHECK(j[1].time_ms == t0 - 3 * ms_per_day);
  CHECK(j[2].response_code == "55");
  CHECK(j[2].time_ms == t0 - 185 * ms_per_minute);
  CHECK(j[3].response_code == "00");
  CHECK(e.host().wrong_pins(card, t0) == 1);
  CHECK(e.terminal().batch_list().size() == 2);
  CHECK(e.terminal().idle());
  CHECK(e.online_requests() == 0);
  CHECK(e.history_records().size() == 4);
}

TEST_CASE("the replay settles every night, so an earlier day's records carry earlier batches",
          "[emulation][replay][batch]") {
  Setup s = base_setup();
  s.history.push_back(past(TerminalOp::sale, 100));
  s.history.back().days_ago = 3;
  s.history.push_back(past(TerminalOp::preauth, 5000));
  s.history.back().days_ago = 3;
  s.history.push_back(past(TerminalOp::sale, 300));
  s.history.back().days_ago = 1;
  s.history.push_back(past(TerminalOp::settlement, 0));  // someone settled again at 00:32 today
  s.history.back().minutes_ago = 60 * 14;
  ScenarioEmulation e(s);
  std::vector<const HostJournalEntry*> settlements;
  for (const auto& j : e.host().journal())
    if (j.op == HostOp::settlement) settlements.push_back(&j);
  // Nights of day -3, -2 and -1 at closing, then the history's own settlement after midnight.
  REQUIRE(settlements.size() == 4);
  for (int n = 0; n < 3; ++n) {
    const CivilTime c = civil_time(settlements[std::size_t(n)]->time_ms);
    CHECK(day_number(settlements[std::size_t(n)]->time_ms) == day_number(t0) - 3 + n);
    CHECK(c.hour == 23);
    CHECK(c.minute == 55);
  }
  // Today's batch is the fifth; the pre-auth (kept in the list across settlements) is of the first.
  CHECK(e.terminal().batch_no() == "000005");
  REQUIRE(e.terminal().batch_list().size() == 1);
  CHECK(e.terminal().batch_list()[0].type == TxnType::preauth);
  CHECK(e.terminal().batch_list()[0].batch == "000001");
  // The slips on the counter: the history's own, not the nightly settlements'.
  int settlement_slips = 0;
  for (const Receipt& r : e.history_receipts()) settlement_slips += r.kind == Receipt::Kind::settlement ? 1 : 0;
  CHECK(settlement_slips == 1);

  SECTION("a store that did not settle keeps everything in the open batch") {
    Setup open = base_setup();
    open.history.push_back(past(TerminalOp::sale, 100));
    open.history.back().days_ago = 2;
    open.nightly_settlement = false;
    ScenarioEmulation o(open);
    CHECK(o.terminal().batch_no() == "000001");
    REQUIRE(o.terminal().batch_list().size() == 1);
    CHECK(o.terminal().batch_list()[0].batch == "000001");
  }
  SECTION("a night the history already settled after its last transaction is not settled twice") {
    Setup once = base_setup();
    once.history.push_back(past(TerminalOp::sale, 100));
    once.history.back().days_ago = 1;
    once.history.back().minutes_ago = 120;
    once.history.push_back(past(TerminalOp::settlement, 0));
    once.history.back().days_ago = 1;
    once.history.back().minutes_ago = 60;
    ScenarioEmulation o(once);
    CHECK(o.terminal().batch_no() == "000002");
  }
}

TEST_CASE("the same setup and operations give the same journal and records", "[emulation][determinism]") {
  auto play = [] {
    Setup s = base_setup();
    s.history.push_back(past(TerminalOp::preauth, 200000, FaultKind::omit_pan));
    s.history.back().days_ago = 2;
    s.faults.push_back({FaultKind::answer_lost, 2, 0, "", {}});
    ScenarioEmulation e(s);
    std::vector<std::string> out;
    for (auto op : {TerminalOp::transaction_query, TerminalOp::sale, TerminalOp::balance_inquiry}) {
      for (const auto& r : e.perform(req(op, 1000)))
        out.push_back(r.response_code + "|" + r.auth_code + "|" + r.date_mmdd + "|" + r.screen.zh);
    }
    for (const auto& j : e.host().journal()) out.push_back(j.rrn + j.auth_code + std::to_string(j.time_ms.ms()));
    return out;
  };
  CHECK(play() == play());
}

TEST_CASE("the customer's PIN appears in no screen slip record journal or SMS", "[emulation][pci]") {
  Setup s = base_setup();
  s.pin = "905817";
  s.history.push_back(past(TerminalOp::preauth, 200000, FaultKind::omit_pan));
  s.history.push_back(past(TerminalOp::sale, 100));
  s.history.back().wrong_pin = true;
  s.faults.push_back({FaultKind::answer_lost, 1, 0, "", {}});
  ScenarioEmulation e(s);
  std::vector<std::string> texts;
  auto screen = [&] {
    const Screen& sc = e.terminal().screen();
    texts.push_back(sc.status.zh + sc.status.en + sc.title.zh + sc.title.en);
    for (const Text& l : sc.lines) texts.push_back(l.zh + l.en);
  };
  for (const auto& r : e.history_receipts())
    for (const auto& l : r.lines) texts.push_back(l);
  for (auto op : {TerminalOp::sale, TerminalOp::balance_inquiry, TerminalOp::preauth, TerminalOp::transaction_query,
                  TerminalOp::reprint, TerminalOp::settlement}) {
    for (const auto& r : e.perform(req(op, 20000))) texts.push_back(r.screen.zh + r.screen.en + r.auth_code);
    screen();
  }
  for (const auto& r : e.terminal().take_receipts())
    for (const auto& l : r.lines) texts.push_back(l);
  for (const auto& j : e.host().journal())
    texts.push_back(j.mti + j.processing_code + j.stan + j.rrn + j.auth_code + j.card_last4 + j.reversal_reason);
  for (const auto& m : e.host().sms()) texts.push_back(m.text.zh + m.text.en);
  REQUIRE(texts.size() > 40);
  for (const auto& t : texts) {
    CHECK(t.find(s.pin) == std::string::npos);
    CHECK(t.find(card) == std::string::npos);  // and never the full card number either
  }
}

TEST_CASE("the port lets the trainee's clock flow into the emulation", "[emulation][port]") {
  Setup s = base_setup();
  for (int m : {4, 2}) {
    s.history.push_back(past(TerminalOp::sale, 100));
    s.history.back().minutes_ago = m;
  }
  FakeClock clock(1'000'000);
  EmulatedTerminalPort port(&clock);
  port.request(req(TerminalOp::sale, 100));
  auto unprepared = port.poll();
  REQUIRE(unprepared.size() == 1);
  CHECK(unprepared[0].response_code.empty());

  port.prepare(s);
  port.request(req(TerminalOp::sale, 100));
  auto r = port.poll();
  REQUIRE(r.size() == 1);
  CHECK(r[0].response_code == "65");
  clock.advance_ms(4 * ms_per_minute);  // the sale 4 minutes ago leaves the window
  port.request(req(TerminalOp::sale, 100));
  r = port.poll();
  REQUIRE(r.size() == 1);
  CHECK(r[0].approved());
  CHECK(port.scenario()->emulation().now_ms() >= t0 + 4 * ms_per_minute);
}

TEST_CASE("every shipped scenario plays on the emulated terminal as on the double", "[emulation][port][content]") {
  const ContentSet& set = posdrill::test::shipped_set();
  REQUIRE(set.errors.empty());
  REQUIRE_FALSE(set.scenarios.empty());
  for (const Scenario& sc : set.scenarios) {
    INFO("scenario " << sc.id);
    FakeClock best_clock;
    EmulatedTerminalPort best_port(&best_clock);
    AttemptResult best = play_auto(sc, AutoMode::best, 1, best_port, best_clock);
    CHECK(best.finished);
    CHECK(best.passed);
    CHECK(best.critical_errors == 0);
    FakeClock crit_clock;
    EmulatedTerminalPort crit_port(&crit_clock);
    AttemptResult critical = play_auto(sc, AutoMode::critical, 1, crit_port, crit_clock);
    CHECK(critical.finished);
    CHECK_FALSE(critical.passed);
  }
}

TEST_CASE("the setup's time of day moves the story's clock and its history with it", "[emulation][replay]") {
  Setup s = base_setup();
  HistoryEntry h = past(TerminalOp::sale, 32800);
  h.minutes_ago = 30;
  s.history = {h};
  s.start_minute = 11 * 60 + 5;
  ScenarioEmulation e(s);
  const CivilTime start = civil_time(e.start_ms());
  CHECK(start.year == 2026);
  CHECK(start.month == 11);
  CHECK(start.day == 20);
  CHECK(start.hour == 11);
  CHECK(start.minute == 5);
  CHECK(e.emulation().now_ms() == e.start_ms());
  // The history's sale ran half an hour before: its slip says 10:35.
  REQUIRE(e.terminal().batch_list().size() == 1);
  CHECK(e.terminal().batch_list()[0].time_hhmmss.substr(0, 4) == "1035");
  // Without a time, the training day's 14:32.
  s.start_minute.reset();
  ScenarioEmulation d(s);
  CHECK(d.start_ms() == default_training_start_ms());
  CHECK(d.terminal().batch_list()[0].time_hhmmss.substr(0, 4) == "1402");
}
