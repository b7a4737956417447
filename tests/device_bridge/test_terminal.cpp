// The emulated CUP terminal on its own: keys, card, PIN pad, screens, requests, answers, time-outs,
// reversal records, slips, look-ups and settlement. A small rig hands each outgoing message to a
// real AcquirerHost and the answer straight back, so every step can be inspected.
#include <catch2/catch.hpp>

#include <algorithm>

#include "device_bridge/host.h"
#include "device_bridge/terminal.h"

using namespace posdrill;

namespace {

const std::string card = "6200000000000047";
const std::string pin = "582904";
const TerminalTime t0 = default_training_start_ms();

HostConfig host_config() {
  Setup s;
  s.card = card;
  s.pin = pin;
  s.balance_minor = 500000;
  s.terminal_id = "10000001";
  return host_config_from(s);
}

CardPresentation inserted(const std::string& pan = card, EntryMode mode = EntryMode::insert) {
  CardPresentation c;
  c.pan = pan;
  c.mode = mode;
  return c;
}

// A card with a stripe and no chip: the only kind a terminal reads by its stripe.
CardPresentation stripe_only(const std::string& pan = card) {
  CardPresentation c = inserted(pan, EntryMode::swipe);
  c.chip = false;
  return c;
}

TerminalRequest req(TerminalOp op, std::optional<int64_t> amount = std::nullopt) {
  TerminalRequest r;
  r.op = op;
  r.amount_minor = amount;
  return r;
}

void key_in(EmulatedTerminal& t, std::string_view digits) {
  for (char c : digits) t.press(digit_key(c - '0'));
}

struct Rig {
  explicit Rig(TerminalConfig tc = {}, HostConfig hc = host_config()) : host(std::move(hc)), term(std::move(tc), t0) {
    term.start(req(TerminalOp::sign_on), {}, std::nullopt);
    exchange();
    term.take_records();
    REQUIRE(term.signed_on());
  }
  // Hands every outgoing message to the host and its answer straight back, until quiet.
  std::vector<IsoMessage> exchange(bool mac_ok = true) {
    std::vector<IsoMessage> sent;
    for (int i = 0; i < 8; ++i) {
      auto out = term.take_outgoing();
      if (out.empty()) break;
      for (const IsoMessage& m : out) {
        sent.push_back(m);
        term.on_host_answer(host.handle(m, term.now_ms()), mac_ok);
      }
    }
    return sent;
  }
  TerminalRecord one_record() {
    auto r = term.take_records();
    REQUIRE(r.size() == 1);
    return r[0];
  }
  TerminalRecord run(const TerminalRequest& r, std::optional<std::string_view> p = pin) {
    term.start(r, inserted(), p);
    exchange();
    return one_record();
  }
  AcquirerHost host;
  EmulatedTerminal term;
};

bool screen_has(const Screen& s, std::string_view zh) {
  if (s.title.zh.find(zh) != std::string::npos) return true;
  return std::any_of(s.lines.begin(), s.lines.end(), [&](const Text& t) { return t.zh.find(zh) != std::string::npos; });
}

}  // namespace

TEST_CASE("the terminal refuses transactions until it has signed on", "[terminal][sign_on]") {
  AcquirerHost host(host_config());
  EmulatedTerminal term({}, t0);
  CHECK_FALSE(term.signed_on());
  CHECK(term.screen().status.zh.find("培训 TRAINING") == 0);
  term.press(Key::menu);
  term.press(Key::d1);
  CHECK(term.screen().headline().zh == "请先签到");
  auto recs = term.take_records();
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].op == TerminalOp::sale);
  CHECK(recs[0].response_code.empty());
  CHECK(term.take_outgoing().empty());

  term.press(Key::cancel);
  term.press(Key::menu);
  term.press(Key::d6);
  auto out = term.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].mti == "0800");
  CHECK(out[0].get(60).substr(8) == "003");
  CHECK(term.waiting_for_host());
  term.on_host_answer(host.handle(out[0], t0), true);
  CHECK(term.signed_on());
  CHECK(term.working_keys()->pin_key == host.config().pin_key);
  CHECK(term.screen().headline().zh == "签到成功");
}

TEST_CASE("a sale keyed step by step: prompts request answer and slips", "[terminal][sale]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  t.press(Key::menu);
  CHECK(t.screen().title.zh == "主菜单");
  t.press(Key::d1);
  CHECK(t.screen().title.zh == "消费");
  // The amount first, as on a terminal with a contactless reader; then the card.
  CHECK(t.screen().headline().zh == "请输入金额");
  key_in(t, "32801");
  t.press(Key::clear);
  t.press(Key::d0);
  CHECK(t.screen().lines[1].zh == "RMB 328.00");
  t.press(Key::enter);
  CHECK(t.screen().headline().zh == "请插卡/挥卡/刷卡");
  CHECK(t.screen().lines[1].zh == "金额 RMB 328.00");
  t.present_card(inserted());
  CHECK(t.screen().headline().zh == "卡号 620000******0047");
  t.press(Key::enter);
  CHECK(t.screen().headline().zh == "请输入密码");
  CHECK(t.take_outgoing().empty());
  t.enter_pin(pin);
  CHECK(t.screen().headline().zh == "处理中…");
  CHECK(t.waiting_for_host());

  auto out = t.take_outgoing();
  REQUIRE(out.size() == 1);
  const IsoMessage& m = out[0];
  CHECK(m.mti == "0200");
  CHECK(m.get(3) == "000000");
  CHECK(m.get(25) == "00");
  CHECK(m.get(4) == "000000032800");
  CHECK(m.get(11) == "000002");  // 000001 went to the sign-on
  CHECK(m.get(22) == "051");
  CHECK_FALSE(m.has(2));  // a card-present request carries no DE2
  CHECK(m.get(35).rfind(card + "=", 0) == 0);
  CHECK(m.get(52).size() == 8);
  CHECK(m.get(52) != pin);
  CHECK(m.get(41) == "10000001");
  CHECK(m.get(60).substr(0, 8) == "22000001");
  // The reversal record is saved before the request leaves, without track data or PIN block.
  REQUIRE(t.reversal_pending());
  CHECK(t.reversal_reason() == "06");

  t.on_host_answer(rig.host.handle(m, t.now_ms()), true);
  CHECK_FALSE(t.reversal_pending());
  CHECK(t.screen().headline().zh == "交易成功");
  auto rec = rig.one_record();
  CHECK(rec.op == TerminalOp::sale);
  CHECK(rec.approved());
  CHECK(rec.amount_minor == 32800);
  CHECK(rec.auth_code.size() == 6);
  CHECK_FALSE(rec.reversal_sent);

  auto slips = t.take_receipts();
  REQUIRE(slips.size() == 2);
  CHECK(slips[0].copy == Receipt::Copy::merchant);
  CHECK(slips[1].copy == Receipt::Copy::customer);
  for (const Receipt& r : slips) {
    CHECK(r.masked_pan == "620000******0047");
    CHECK(r.stan == "000002");
    CHECK(r.date_time.rfind("2026/11/20 14:32", 0) == 0);
    CHECK(r.lines.front().find("培训 TRAINING") == 0);
    CHECK(r.lines.back() == "培训 TRAINING");
    std::string all;
    for (const auto& l : r.lines) all += l + "\n";
    CHECK(all.find(card) == std::string::npos);
    CHECK(all.find("卡号(CARD NO.): 620000******0047") != std::string::npos);
    CHECK(all.find("凭证号(VOUCHER NO.): 000002") != std::string::npos);
    CHECK(all.find("参考号(REFER NO.): " + r.rrn) != std::string::npos);
    CHECK(all.find("授权码(AUTH NO.): " + rec.auth_code) != std::string::npos);
    CHECK(all.find("金额(AMOUNT): RMB 328.00") != std::string::npos);
    CHECK(all.find("商户编号(MERCHANT NO.): 898310048161234") != std::string::npos);
    CHECK(all.find("批次号(BATCH NO.): 000001") != std::string::npos);
    CHECK((all.find("持卡人签名") != std::string::npos) == (r.copy == Receipt::Copy::merchant));
  }
  REQUIRE(t.batch_list().size() == 1);
  CHECK(t.batch_list()[0].masked_pan == "620000******0047");
  t.press(Key::enter);
  CHECK(t.idle());
}

TEST_CASE("a card that is not a test card is refused and forgotten", "[terminal][pci]") {
  Rig rig;
  rig.term.start(req(TerminalOp::sale, 100), inserted("6222020200112233445"), pin);
  CHECK(rig.term.screen().headline().zh == "非测试卡 拒绝受理");
  CHECK(rig.term.take_outgoing().empty());
  auto rec = rig.one_record();
  CHECK(rec.response_code.empty());
  CHECK(rec.screen.zh.find("6222") == std::string::npos);
  // A card swiped on the main screen starts a sale.
  rig.term.press(Key::cancel);
  rig.term.present_card(stripe_only());
  CHECK(rig.term.screen().title.zh == "消费");
  CHECK(rig.term.screen().headline().zh == "卡号 620000******0047");
}

TEST_CASE("keyed entry sends DE2 and the expiry and swipes send only track 2", "[terminal][entry]") {
  Rig rig;
  rig.term.start(req(TerminalOp::sale, 100), inserted(card, EntryMode::keyed), std::nullopt);
  auto out = rig.term.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].get(2) == card);
  CHECK(out[0].get(14) == "3012");
  CHECK_FALSE(out[0].has(35));
  CHECK(out[0].get(22) == "012");  // keyed, no PIN
  CHECK_FALSE(out[0].has(52));
  rig.term.on_host_answer(rig.host.handle(out[0], t0), true);
  rig.term.take_records();
  rig.term.start(req(TerminalOp::sale, 100), stripe_only(), pin);
  out = rig.term.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK_FALSE(out[0].has(2));
  CHECK_FALSE(out[0].has(23));
  CHECK(out[0].get(22) == "021");
}

TEST_CASE("a chip card is not read by its stripe, and a worn chip leaves the prompt up", "[terminal][entry]") {
  Rig rig;
  // A tap on the main screen is not seen: the reader's field is off until there is an amount.
  const std::string before = rig.term.screen().headline().zh;
  rig.term.present_card(inserted(card, EntryMode::tap));
  CHECK_FALSE(rig.term.waiting_for_card());
  CHECK(rig.term.screen().headline().zh == before);
  // Swiped: the terminal asks for the chip, sends nothing and keeps asking.
  rig.term.press(Key::menu);
  rig.term.press(Key::d1);
  key_in(rig.term, "18650");
  rig.term.press(Key::enter);
  rig.term.present_card(inserted(card, EntryMode::swipe));
  CHECK(rig.term.screen().headline().zh == "IC卡请插卡");
  CHECK(rig.term.waiting_for_card());
  CHECK(rig.term.take_outgoing().empty());
  // Inserted with contacts it cannot read: 读卡失败, still at the prompt.
  CardPresentation worn = inserted();
  worn.chip_readable = false;
  rig.term.present_card(worn);
  CHECK(rig.term.screen().headline().zh == "读卡失败");
  CHECK(rig.term.waiting_for_card());
  // A card without 闪付 held to the reader is not seen at all.
  CardPresentation no_antenna = inserted(card, EntryMode::tap);
  no_antenna.contactless = false;
  rig.term.present_card(no_antenna);
  CHECK(rig.term.screen().headline().zh == "读卡失败");
  CHECK(rig.term.waiting_for_card());
  // The same worn card tapped is read: its antenna does not use the contacts. It leaves the
  // reader at once (no card number to confirm) and, at CNY 186.50, asks no PIN: the sale goes out.
  worn.mode = EntryMode::tap;
  rig.term.present_card(worn);
  CHECK_FALSE(rig.term.waiting_for_card());
  CHECK_FALSE(rig.term.waiting_for_pin());
  CHECK(rig.term.waiting_for_host());
  const auto out = rig.term.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].get(22) == "072");
}

TEST_CASE("a contactless sale up to CNY 1000 asks no PIN and its slip no signature", "[terminal][entry]") {
  Rig rig;
  // 闪付 at the limit: no PIN prompt, DE22 07 with no PIN, approved by the host, 免密免签 on the slip.
  rig.term.start(req(TerminalOp::sale, 100000), inserted(card, EntryMode::tap), std::nullopt);
  auto out = rig.term.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].get(22) == "072");
  CHECK_FALSE(out[0].has(52));
  rig.term.on_host_answer(rig.host.handle(out[0], rig.term.now_ms()), true);
  CHECK(rig.one_record().approved());
  auto slips = rig.term.take_receipts();
  REQUIRE(slips.size() == 2);
  const Receipt& merchant = slips[0].copy == Receipt::Copy::merchant ? slips[0] : slips[1];
  auto has = [](const Receipt& r, std::string_view text) {
    return std::any_of(r.lines.begin(), r.lines.end(),
                       [&](const std::string& l) { return l.find(text) != std::string::npos; });
  };
  const Receipt& customer = slips[0].copy == Receipt::Copy::merchant ? slips[1] : slips[0];
  CHECK(has(merchant, "小额免密免签"));
  CHECK(has(customer, "小额免密免签"));  // the customer's copy says it too
  CHECK_FALSE(has(merchant, "持卡人签名"));
  // One fen over: the PIN pad again, and the slip a signature line.
  rig.term.start(req(TerminalOp::sale, 100001), inserted(card, EntryMode::tap), pin);
  out = rig.term.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].get(22) == "071");
  CHECK(out[0].has(52));
  rig.term.on_host_answer(rig.host.handle(out[0], rig.term.now_ms()), true);
  CHECK(rig.one_record().approved());
  slips = rig.term.take_receipts();
  REQUIRE(slips.size() == 2);
  const Receipt& second = slips[0].copy == Receipt::Copy::merchant ? slips[0] : slips[1];
  CHECK(has(second, "持卡人签名"));
  CHECK_FALSE(has(second, "免密免签"));
  // Inserted, even under the limit, the debit card asks for its PIN.
  rig.term.press(Key::cancel);
  rig.term.press(Key::menu);
  rig.term.press(Key::d1);
  key_in(rig.term, "5000");
  rig.term.press(Key::enter);
  rig.term.present_card(inserted());
  rig.term.press(Key::enter);
  CHECK(rig.term.waiting_for_pin());
}

TEST_CASE("the reprint menu prints the last settlement slip again", "[terminal][settlement]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  // Nothing settled yet: nothing to reprint.
  t.press(Key::menu);
  t.press(Key::d9);
  t.press(Key::d3);
  CHECK(t.screen().headline().zh == "无交易 无法重打印");
  CHECK(t.take_receipts().empty());
  CHECK(rig.one_record().response_code.empty());
  REQUIRE(rig.run(req(TerminalOp::sale, 32800)).approved());
  t.take_receipts();
  t.start(req(TerminalOp::settlement), inserted(), std::nullopt);
  rig.exchange();
  t.take_records();
  auto first = t.take_receipts();
  REQUIRE(first.size() == 1);
  REQUIRE(first[0].kind == Receipt::Kind::settlement);
  t.press(Key::cancel);
  t.press(Key::menu);
  t.press(Key::d9);
  t.press(Key::d3);
  auto again = t.take_receipts();
  REQUIRE(again.size() == 1);
  CHECK(again[0].kind == Receipt::Kind::settlement);
  CHECK(again[0].duplicate);
  CHECK(again[0].lines.size() == first[0].lines.size() + 1);
  CHECK(std::find(again[0].lines.begin(), again[0].lines.end(), "重打印 DUPLICATED") != again[0].lines.end());
  const auto recs = t.take_records();
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].op == TerminalOp::reprint);
  CHECK(recs[0].response_code == "00");
}

TEST_CASE("declines show the CUP display text or the acquirer's own", "[terminal][decline]") {
  HostConfig hc = host_config();
  hc.accounts[0].balance_minor = 1000;
  Rig rig({}, hc);
  auto r = rig.run(req(TerminalOp::sale, 1001));
  CHECK(r.response_code == "51");
  CHECK(r.screen.zh == "可用余额不足");
  CHECK(screen_has(rig.term.screen(), "返回码 51"));
  CHECK(rig.term.take_receipts().empty());  // no slip for a decline
  CHECK(rig.term.batch_list().empty());

  HostConfig declined = host_config();
  declined.accounts[0].decline = AcquirerDecline{"57", {"用户异常", "User exception"}};
  Rig risk({}, declined);
  auto d = risk.run(req(TerminalOp::sale, 100));
  CHECK(d.response_code == "57");
  CHECK(d.screen.zh == "用户异常");
  CHECK(d.screen.en == "User exception");
}

TEST_CASE("a wrong PIN is asked again with a new voucher number until the lock", "[terminal][pin]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  t.start(req(TerminalOp::sale, 100), inserted(), std::string_view("111111"));
  auto first = rig.exchange();
  auto r = rig.one_record();
  CHECK(r.response_code == "55");
  CHECK(r.screen.zh == "(55)密码错请重试");
  CHECK(t.screen().headline().zh == "(55)密码错请重试");
  CHECK(screen_has(t.screen(), "重新输入密码"));
  CHECK_FALSE(t.reversal_pending());  // a valid answer deletes the record
  t.enter_pin("222222");
  auto second = rig.exchange();
  REQUIRE(second.size() == 1);
  CHECK(second[0].get(11) != first[0].get(11));
  CHECK(rig.one_record().response_code == "55");
  t.enter_pin("333333");
  rig.exchange();
  auto locked = rig.one_record();
  CHECK(locked.response_code == "75");
  CHECK(locked.screen.zh == "密码错误次数超限");
  CHECK(rig.run(req(TerminalOp::sale, 100)).response_code == "75");
}

TEST_CASE("no answer in time turns the reversal reason to 98 and shows the failure", "[terminal][reversal]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  t.start(req(TerminalOp::sale, 32800), inserted(), pin);
  auto lost = t.take_outgoing();
  REQUIRE(lost.size() == 1);
  rig.host.handle(lost[0], t.now_ms());  // booked at the issuer, the answer never comes back
  CHECK(t.next_deadline_ms() == t0 + 60'000 + 1);
  t.tick(t0 + 60'000);
  CHECK(t.waiting_for_host());  // exactly at the deadline an answer would still count
  t.tick(t0 + 60'001);
  CHECK_FALSE(t.waiting_for_host());
  auto r = rig.one_record();
  CHECK(r.response_code.empty());
  CHECK(r.screen.zh == "交易失败 接收超时");
  CHECK(screen_has(t.screen(), "交易失败"));
  CHECK(t.reversal_pending());
  CHECK(t.reversal_reason() == "98");
  CHECK(t.take_receipts().empty());
  CHECK(t.batch_list().empty());  // the terminal never saw it approved

  // The late answer is ignored.
  t.on_host_answer(rig.host.handle(lost[0], t.now_ms()), true);
  CHECK(t.take_records().empty());
  CHECK(t.reversal_pending());

  SECTION("the next online transaction sends the 0400 first, then itself") {
    t.start(req(TerminalOp::balance_inquiry), inserted(), pin);
    auto out = t.take_outgoing();
    REQUIRE(out.size() == 1);
    const IsoMessage& rev = out[0];
    CHECK(t.screen().headline().zh == "自动冲正…");
    CHECK(rev.mti == "0400");
    CHECK(rev.get(39) == "98");
    CHECK(rev.get(11) == lost[0].get(11));  // the original's STAN
    CHECK(rev.get(3) == "000000");
    CHECK(rev.get(4) == "000000032800");
    for (int de : {35, 36, 37, 52, 53}) CHECK_FALSE(rev.has(de));
    t.on_host_answer(rig.host.handle(rev, t.now_ms()), true);
    CHECK_FALSE(t.reversal_pending());
    auto next = t.take_outgoing();
    REQUIRE(next.size() == 1);
    CHECK(next[0].get(3) == "310000");
    t.on_host_answer(rig.host.handle(next[0], t.now_ms()), true);
    auto b = rig.one_record();
    CHECK(b.reversal_sent);
    CHECK(b.approved());
    CHECK(screen_has(t.screen(), "可用余额 RMB 5000.00"));
    CHECK(rig.host.journal()[rig.host.journal().size() - 2].mti == "0400");
  }
  SECTION("sign-on does not carry the reversal") {
    t.start(req(TerminalOp::sign_on), {}, std::nullopt);
    auto out = t.take_outgoing();
    REQUIRE(out.size() == 1);
    CHECK(out[0].mti == "0800");
    t.on_host_answer(rig.host.handle(out[0], t.now_ms()), true);
    CHECK(t.reversal_pending());
  }
}

TEST_CASE("the automatic reversal tries 3 times 30 s apart then gives up", "[terminal][reversal]") {
  for (bool keep : {false, true}) {
    TerminalConfig tc;
    tc.keep_reversal_after_failure = keep;
    Rig rig(tc);
    EmulatedTerminal& t = rig.term;
    t.start(req(TerminalOp::sale, 32800), inserted(), pin);
    t.take_outgoing();
    t.tick(t0 + 61'000);
    t.take_records();
    TerminalTime now = t0 + 120'000;
    t.tick(now);
    t.start(req(TerminalOp::balance_inquiry), inserted(), pin);
    for (int attempt = 1; attempt <= 3; ++attempt) {
      auto out = t.take_outgoing();
      REQUIRE(out.size() == 1);
      CHECK(out[0].mti == "0400");
      CHECK(screen_has(t.screen(), "第" + std::to_string(attempt) + "次"));
      now += 30'001;
      t.tick(now);
    }
    CHECK(t.take_outgoing().empty());
    auto r = rig.one_record();
    CHECK(r.reversal_failed);
    CHECK_FALSE(r.reversal_sent);
    CHECK(r.op == TerminalOp::balance_inquiry);
    CHECK(r.screen.zh == "冲正不成功 请与客服联系");
    CHECK(t.reversal_pending() == keep);
  }
}

TEST_CASE("a refused connection leaves no reversal and a lost one keeps it", "[terminal][reversal]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  t.start(req(TerminalOp::sale, 100), inserted(), pin);
  t.take_outgoing();
  t.on_no_answer(LinkFailure::connect_failed);
  auto r = rig.one_record();
  CHECK(r.screen.zh == "通讯失败");
  CHECK(screen_has(t.screen(), "连接失败"));
  CHECK_FALSE(t.reversal_pending());

  t.start(req(TerminalOp::sale, 100), inserted(), pin);
  t.take_outgoing();
  t.on_no_answer(LinkFailure::connection_lost);
  CHECK(rig.one_record().screen.zh == "通讯失败");
  CHECK(t.reversal_reason() == "98");

  // Balance inquiries and refunds leave no reversal record.
  Rig other;
  other.term.start(req(TerminalOp::balance_inquiry), inserted(), pin);
  other.term.take_outgoing();
  other.term.on_no_answer(LinkFailure::connection_lost);
  CHECK_FALSE(other.term.reversal_pending());
}

TEST_CASE("a bad MAC shows A0 and keeps the reversal with reason A0", "[terminal][reversal]") {
  Rig rig;
  rig.term.start(req(TerminalOp::preauth, 200000), inserted(), pin);
  rig.exchange(false);
  auto r = rig.one_record();
  CHECK(r.response_code == "A0");
  CHECK(r.screen.zh == "MAC校验错,请重新签到");
  CHECK(rig.term.reversal_reason() == "A0");
  CHECK(rig.term.batch_list().empty());
  CHECK(rig.host.held_minor(card) == 200000);
  // Its reversal releases the hold at the next online transaction.
  auto b = rig.run(req(TerminalOp::balance_inquiry));
  CHECK(b.reversal_sent);
  CHECK(rig.host.held_minor(card) == 0);
}

TEST_CASE("answers that match no outstanding request are ignored", "[terminal][answers]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  t.start(req(TerminalOp::sale, 100), inserted(), pin);
  auto out = t.take_outgoing();
  IsoMessage answer = rig.host.handle(out[0], t.now_ms());
  IsoMessage wrong_stan = answer;
  wrong_stan.set(11, "999999");
  t.on_host_answer(wrong_stan, true);
  IsoMessage other_terminal = answer;
  other_terminal.set(41, "99999999");
  t.on_host_answer(other_terminal, true);
  IsoMessage wrong_mti = answer;
  wrong_mti.mti = "0110";
  t.on_host_answer(wrong_mti, true);
  CHECK(t.waiting_for_host());
  CHECK(t.take_records().empty());
  t.press(Key::cancel);  // keys are dead while online
  CHECK(t.waiting_for_host());
  t.on_host_answer(answer, true);
  CHECK(rig.one_record().approved());
}

TEST_CASE("an answer without DE2 leaves the record and its slips without a card number", "[terminal][preauth]") {
  HostConfig hc = host_config();
  hc.answer_with_pan = false;
  Rig rig({}, hc);
  auto r = rig.run(req(TerminalOp::preauth, 200000));
  CHECK(r.approved());
  REQUIRE(rig.term.batch_list().size() == 1);
  CHECK(rig.term.batch_list()[0].masked_pan.empty());
  auto slips = rig.term.take_receipts();
  REQUIRE(slips.size() == 2);
  for (const Receipt& s : slips) {
    CHECK(s.masked_pan.empty());
    CHECK(std::find(s.lines.begin(), s.lines.end(), "卡号(CARD NO.): ") != s.lines.end());
    CHECK(std::find(s.lines.begin(), s.lines.end(), "交易类型(TRANS TYPE): 预授权 PRE-AUTH") != s.lines.end());
  }
}

TEST_CASE("pre-auth slips are masked too and completion quotes the original", "[terminal][preauth]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  auto pa = rig.run(req(TerminalOp::preauth, 200000));
  REQUIRE(pa.approved());
  for (const Receipt& s : t.take_receipts()) CHECK(s.masked_pan == "620000******0047");
  const std::string mmdd = t.batch_list()[0].date_mmdd;

  // 4 预授权类 → 3 预授权完成(请求), keyed by hand.
  t.press(Key::menu);
  t.press(Key::d4);
  CHECK(t.screen().title.zh == "预授权类");
  t.press(Key::d3);
  t.present_card(inserted());
  t.press(Key::enter);
  CHECK(t.screen().headline().zh == "请输入原授权码");
  key_in(t, pa.auth_code);
  t.press(Key::enter);
  CHECK(t.screen().headline().zh == "请输入原交易日期(月月日日)");
  key_in(t, mmdd);
  t.press(Key::enter);
  key_in(t, "221600");
  t.press(Key::enter);
  auto out = rig.exchange();
  REQUIRE(out.size() == 1);
  CHECK(out[0].mti == "0200");
  CHECK(out[0].get(25) == "06");
  CHECK(out[0].get(38) == pa.auth_code);
  CHECK(out[0].get(61) == "000001000002" + mmdd);  // batch + trace found in the list + date
  auto c = rig.one_record();
  CHECK(c.approved());
  CHECK(c.references_original);
  CHECK(c.op == TerminalOp::preauth_completion);
  CHECK(t.batch_list()[0].completed);
  CHECK(t.batch_list()[1].orig_stan == "000002");

  // The completion advice through the menu: 0220, no reversal record.
  auto pa2 = rig.run(req(TerminalOp::preauth, 10000));
  t.press(Key::menu);
  t.press(Key::d4);
  t.press(Key::d4);
  t.present_card(inserted());
  t.press(Key::enter);
  key_in(t, pa2.auth_code);
  t.press(Key::enter);
  key_in(t, mmdd);
  t.press(Key::enter);
  key_in(t, "10000");
  t.press(Key::enter);
  CHECK_FALSE(t.reversal_pending());
  out = rig.exchange();
  CHECK(out[0].mti == "0220");
  auto advice = rig.one_record();
  CHECK(advice.approved());
  CHECK(advice.auth_code.empty());
}

TEST_CASE("void from the batch list by voucher number", "[terminal][void]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  auto sale = rig.run(req(TerminalOp::sale, 32800));
  const BatchEntry original = t.batch_list()[0];
  t.take_receipts();
  t.press(Key::menu);
  t.press(Key::d2);
  // A void gives money back: the supervisor authorises it first.
  CHECK(t.screen().headline().zh == "请输入主管密码");
  CHECK(t.waiting_for_supervisor());
  t.enter_supervisor_password("123456");
  CHECK(t.screen().headline().zh == "请输入原凭证号");
  key_in(t, "2");  // leading zeros may be left out
  t.press(Key::enter);
  CHECK(screen_has(t.screen(), "原交易 消费"));
  CHECK(screen_has(t.screen(), "金额 RMB 328.00"));
  t.press(Key::enter);
  t.present_card(inserted("4111111111111111"));
  CHECK(t.screen().headline().zh == "卡号不符");
  rig.one_record();

  t.start(req(TerminalOp::void_sale), inserted(), std::nullopt);
  auto out = rig.exchange();
  REQUIRE(out.size() == 1);
  CHECK(out[0].get(3) == "200000");
  CHECK(out[0].get(37) == original.rrn);
  CHECK(out[0].get(38) == sale.auth_code);
  CHECK(out[0].get(61) == original.batch + original.stan);
  CHECK(out[0].get(4) == "000000032800");
  auto v = rig.one_record();
  CHECK(v.approved());
  CHECK(v.references_original);
  CHECK(v.amount_minor == 32800);
  CHECK(t.batch_list()[0].voided);
  CHECK(rig.host.available_minor(card) == 500000);
  // Voiding again is refused on the terminal itself.
  t.start(req(TerminalOp::void_sale), inserted(), std::nullopt);
  auto again = rig.one_record();
  CHECK(again.response_code.empty());
  CHECK(t.take_outgoing().empty());
}

TEST_CASE("transaction look-ups by voucher reference number auth code and browsing", "[terminal][query]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  auto s1 = rig.run(req(TerminalOp::sale, 1000));
  auto pa = rig.run(req(TerminalOp::preauth, 200000));
  const auto list = t.batch_list();
  REQUIRE(list.size() == 2);

  t.press(Key::menu);
  t.press(Key::d8);
  t.press(Key::d1);
  key_in(t, list[0].stan);
  t.press(Key::enter);
  auto q = rig.one_record();
  CHECK(q.op == TerminalOp::transaction_query);
  CHECK(q.found_original);
  CHECK(q.auth_code == s1.auth_code);
  CHECK(q.amount_minor == 1000);
  CHECK(q.screen.zh.find("卡号 620000******0047") != std::string::npos);
  CHECK(screen_has(t.screen(), "凭证号 " + list[0].stan));

  t.press(Key::cancel);
  t.press(Key::menu);
  t.press(Key::d8);
  t.press(Key::d2);
  key_in(t, list[1].rrn);
  t.press(Key::enter);
  CHECK(rig.one_record().auth_code == pa.auth_code);

  t.press(Key::cancel);
  t.press(Key::menu);
  t.press(Key::d8);
  t.press(Key::d3);
  key_in(t, "000000");
  t.press(Key::enter);
  auto none = rig.one_record();
  CHECK_FALSE(none.found_original);
  CHECK(none.screen.zh == "无交易记录");

  // Browse: newest first, ENTER for the older one, CANCEL leaves and records the one shown.
  t.press(Key::cancel);
  t.press(Key::menu);
  t.press(Key::d8);
  t.press(Key::d4);
  CHECK(screen_has(t.screen(), "预授权"));
  CHECK(t.take_records().empty());
  t.press(Key::enter);
  CHECK(screen_has(t.screen(), "消费"));
  t.press(Key::cancel);
  CHECK(rig.one_record().auth_code == s1.auth_code);
  CHECK(t.idle());

  // The driver: by the quoted auth code, else the newest pre-auth or sale.
  TerminalRequest by_auth = req(TerminalOp::transaction_query);
  by_auth.original_auth_code = s1.auth_code;
  CHECK(rig.run(by_auth).amount_minor == 1000);
  CHECK(rig.run(req(TerminalOp::transaction_query)).auth_code == pa.auth_code);
}

TEST_CASE("reprint the last slip or one by voucher number", "[terminal][reprint]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  CHECK(rig.run(req(TerminalOp::reprint)).screen.zh == "无交易 无法重打印");
  rig.run(req(TerminalOp::sale, 1000));
  rig.run(req(TerminalOp::sale, 2000));
  t.take_receipts();
  auto r = rig.run(req(TerminalOp::reprint));
  CHECK(r.op == TerminalOp::reprint);
  CHECK(r.approved());
  auto slips = t.take_receipts();
  REQUIRE(slips.size() == 2);
  CHECK(slips[0].duplicate);
  CHECK(slips[0].amount_minor == 2000);
  CHECK(std::find(slips[0].lines.begin(), slips[0].lines.end(), "重打印 DUPLICATED") != slips[0].lines.end());
  t.press(Key::menu);
  t.press(Key::d9);
  t.press(Key::d2);
  key_in(t, t.batch_list()[0].stan);
  t.press(Key::enter);
  slips = t.take_receipts();
  REQUIRE(slips.size() == 2);
  CHECK(slips[0].amount_minor == 1000);
}

TEST_CASE("settlement sends the totals closes the batch and prints the totals slip", "[terminal][settlement]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  rig.run(req(TerminalOp::sale, 10000));
  rig.run(req(TerminalOp::sale, 2500));
  t.start(req(TerminalOp::void_sale), inserted(), std::nullopt);  // voids the newest sale
  rig.exchange();
  t.take_records();
  t.take_receipts();
  t.press(Key::menu);
  t.press(Key::d7);
  CHECK(screen_has(t.screen(), "借记 1笔 RMB 100.00"));
  t.press(Key::enter);
  auto out = rig.exchange();
  REQUIRE(out.size() == 1);
  CHECK(out[0].mti == "0500");
  CHECK(out[0].get(60).substr(8) == "201");
  CHECK(decode_totals(out[0].get(48))->totals == BatchTotals{1, 10000, 0, 0});
  auto r = rig.one_record();
  CHECK(r.op == TerminalOp::settlement);
  CHECK(r.screen.zh == "结算成功");
  CHECK(screen_has(t.screen(), "对账平"));
  CHECK(t.batch_list().empty());
  CHECK(t.batch_no() == "000002");
  auto slips = t.take_receipts();
  REQUIRE(slips.size() == 1);
  CHECK(slips[0].kind == Receipt::Kind::settlement);
  CHECK(slips[0].lines.front().find("培训 TRAINING") == 0);
  t.tick(t.now_ms() + 6 * ms_per_minute);  // clear of the velocity window
  auto s = rig.run(req(TerminalOp::sale, 100));
  CHECK(s.approved());
  CHECK(t.batch_list()[0].batch == "000002");
}

TEST_CASE("a 77 answer asks for a fresh sign-on", "[terminal][sign_on]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  t.start(req(TerminalOp::sale, 100), inserted(), pin);
  auto out = t.take_outgoing();
  t.on_host_answer(rig.host.handle(out[0], t.now_ms(), {"77", false}), true);
  auto r = rig.one_record();
  CHECK(r.screen.zh == "请重新签到");
  CHECK_FALSE(t.signed_on());
  const TerminalRecord refused = rig.run(req(TerminalOp::sale, 100));
  CHECK(refused.screen.zh == "请先签到");
  CHECK(refused.not_sent);  // refused before going online: nothing left the terminal
  CHECK_FALSE(refused.keying_refused);
  CHECK(rig.run(req(TerminalOp::sign_on)).screen.zh == "签到成功");
  CHECK(rig.run(req(TerminalOp::sale, 100)).approved());
}

TEST_CASE("keying stops after the input time-out and cancel abandons without a record", "[terminal][keys]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  t.press(Key::menu);
  t.press(Key::d1);
  t.present_card(inserted());
  t.press(Key::enter);
  key_in(t, "100");
  t.tick(t.now_ms() + 60'001);
  CHECK(t.idle());
  CHECK(t.take_records().empty());
  t.press(Key::menu);
  t.press(Key::d5);
  t.present_card(inserted());
  t.press(Key::cancel);
  CHECK(t.idle());
  CHECK(t.take_records().empty());
  CHECK(t.take_outgoing().empty());
  // A zero amount is refused at the prompt; the driver reports it.
  t.start(req(TerminalOp::sale, 0), inserted(), pin);
  auto r = rig.one_record();
  CHECK(r.screen.zh == "金额无效 请重新输入");
  CHECK(t.take_outgoing().empty());
}

TEST_CASE("the PIN never reaches a screen slip record or the journal", "[terminal][pci]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  std::vector<std::string> seen;
  auto collect = [&] {
    seen.push_back(t.screen().status.zh + t.screen().status.en + t.screen().title.zh + t.screen().title.en);
    for (const Text& l : t.screen().lines) seen.push_back(l.zh + "|" + l.en);
    for (const auto& r : t.take_records())
      seen.push_back(r.screen.zh + r.screen.en + r.auth_code + r.date_mmdd + r.response_code);
    for (const auto& s : t.take_receipts())
      for (const auto& l : s.lines) seen.push_back(l);
  };
  t.press(Key::menu);
  t.press(Key::d1);
  t.present_card(inserted());
  t.press(Key::enter);
  key_in(t, "100");
  t.press(Key::enter);
  collect();
  t.enter_pin("12");  // too short: refused without echoing it
  collect();
  t.enter_pin(pin);
  collect();
  auto out = rig.exchange();
  collect();
  for (auto op : {TerminalOp::balance_inquiry, TerminalOp::preauth, TerminalOp::transaction_query}) {
    rig.term.start(req(op, 5000), inserted(), pin);
    rig.exchange();
    collect();
  }
  for (const auto& e : rig.host.journal())
    seen.push_back(e.mti + e.processing_code + e.stan + e.rrn + e.auth_code + e.response_code + e.card_last4);
  for (const auto& s : seen) CHECK(s.find(pin) == std::string::npos);
  for (const auto& m : out)
    for (const auto& [de, v] : m.fields) CHECK(v.find(pin) == std::string::npos);
}

TEST_CASE("refund incremental cancel and completion void through the menus", "[terminal][menus]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  auto sale = rig.run(req(TerminalOp::sale, 32800));
  const BatchEntry sold = t.batch_list().back();

  // Refund: the driver keys the original's reference number and date; 0220, no reversal record.
  t.start(req(TerminalOp::refund, 10000), inserted(), std::nullopt);
  CHECK_FALSE(t.reversal_pending());
  auto out = rig.exchange();
  REQUIRE(out.size() == 1);
  CHECK(out[0].mti == "0220");
  CHECK(out[0].get(37) == sold.rrn);
  CHECK(out[0].get(61) == sold.batch + sold.stan + sold.date_mmdd);
  auto refund = rig.one_record();
  CHECK(refund.approved());
  CHECK(refund.references_original);
  CHECK(rig.host.available_minor(card) == 500000 - 32800 + 10000);

  // Incremental pre-auth (4 → 6): 0100 030000 60 quoting the pre-auth.
  auto pa = rig.run(req(TerminalOp::preauth, 100000));
  const std::string mmdd = t.batch_list().back().date_mmdd;
  t.press(Key::menu);
  t.press(Key::d4);
  t.press(Key::d6);
  CHECK(t.screen().title.zh == "追加预授权");
  t.present_card(inserted(card, EntryMode::tap));  // tapped: no card number to confirm
  key_in(t, pa.auth_code);
  t.press(Key::enter);
  key_in(t, mmdd);
  t.press(Key::enter);
  key_in(t, "50000");
  t.press(Key::enter);
  t.enter_pin(pin);
  CHECK(t.reversal_pending());  // an incremental is reversible
  out = rig.exchange();
  REQUIRE(out.size() == 1);
  CHECK(out[0].get(25) == "60");
  CHECK(out[0].get(22) == "071");
  CHECK(rig.one_record().approved());
  CHECK(rig.host.held_minor(card) == 150000);

  // Completion for 172500 (115% of 150000), then its void (4 → 5) by voucher number.
  TerminalRequest c = req(TerminalOp::preauth_completion, 172500);
  c.original_auth_code = pa.auth_code;
  c.original_date_mmdd = mmdd;
  CHECK(rig.run(c).approved());
  const BatchEntry completion = t.batch_list().back();
  t.press(Key::menu);
  t.press(Key::d4);
  t.press(Key::d5);
  t.enter_supervisor_password("123456");
  key_in(t, completion.stan);
  t.press(Key::enter);
  t.press(Key::enter);
  t.present_card(inserted());
  t.press(Key::enter);
  out = rig.exchange();
  REQUIRE(out.size() == 1);
  CHECK(out[0].get(3) == "200000");
  CHECK(out[0].get(25) == "06");
  CHECK(out[0].get(61) == completion.batch + completion.stan);
  auto voided = rig.one_record();
  CHECK(voided.approved());
  CHECK(voided.op == TerminalOp::void_sale);
  CHECK(t.batch_list()[t.batch_list().size() - 2].voided);

  // Pre-auth cancel releases a fresh hold.
  auto pa2 = rig.run(req(TerminalOp::preauth, 20000));
  TerminalRequest cancel = req(TerminalOp::preauth_cancel, 20000);
  cancel.original_auth_code = pa2.auth_code;
  cancel.original_date_mmdd = mmdd;
  int64_t before = *rig.host.available_minor(card);
  auto r = rig.run(cancel);
  CHECK(r.approved());
  CHECK(r.references_original);
  CHECK(*rig.host.available_minor(card) == before + 20000);
  CHECK(t.batch_list()[t.batch_list().size() - 2].cancelled);
  for (const Receipt& s : t.take_receipts()) CHECK(s.masked_pan == "620000******0047");
}

TEST_CASE("a wrong supervisor password refuses the void before anything goes out", "[terminal][void]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  rig.run(req(TerminalOp::sale, 32800));
  t.press(Key::menu);
  t.press(Key::d2);
  key_in(t, "654321");
  CHECK(t.screen().lines.at(1).zh == "******");  // never the digits
  t.press(Key::enter);
  CHECK(t.screen().headline().zh == "主管密码错");
  const TerminalRecord r = rig.one_record();
  CHECK(r.keying_refused);
  CHECK(r.response_code.empty());
  CHECK(rig.exchange().empty());
}

TEST_CASE("without paper an approved sale prints nothing until paper is loaded and the slip reprinted",
          "[terminal][printer]") {
  Rig rig;
  EmulatedTerminal& t = rig.term;
  t.take_receipts();
  t.set_paper(false);
  const int before = t.slips_printed();
  CHECK(rig.run(req(TerminalOp::sale, 12000)).approved());  // the money moved all the same
  CHECK(t.take_receipts().empty());
  CHECK(t.slips_printed() == before);
  CHECK(screen_has(t.screen(), "打印机缺纸 请装纸后重打印"));
  CHECK(t.printer_jammed());
  // 重打印 without paper refuses; with paper it prints the sale as a duplicate.
  t.start(req(TerminalOp::reprint), inserted(), std::nullopt);
  CHECK(rig.one_record().screen.zh == "打印机缺纸 请装纸");
  t.set_paper(true);
  t.start(req(TerminalOp::reprint), inserted(), std::nullopt);
  CHECK(rig.one_record().approved());
  const auto slips = t.take_receipts();
  REQUIRE(slips.size() == 2);
  CHECK(slips[0].duplicate);
  CHECK(slips[0].amount_minor == 12000);
  CHECK(t.slips_printed() == before + 1);
}
