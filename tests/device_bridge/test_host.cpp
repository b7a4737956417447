// The emulated acquirer host and issuer, spoken to directly with hand-built requests the way the
// terminal builds them (message_builder.h). Every rule of host.h has a case here.
#include <catch2/catch.hpp>

#include "device_bridge/crypto.h"
#include "device_bridge/host.h"
#include "device_bridge/message_builder.h"

#include "hex.h"

using namespace posdrill;

namespace {

const std::string card = "6200000000000047";
const std::string pin = "582904";
const TerminalTime t0 = default_training_start_ms();  // 2026-11-20 14:32

HostConfig config() {
  Setup s;
  s.card = card;
  s.pin = pin;
  s.balance_minor = 500000;
  s.terminal_id = "10000001";
  s.merchant_id = "898310048161234";
  return host_config_from(s);
}

std::string pad(int64_t v, std::size_t w) {
  std::string s = std::to_string(v);
  return std::string(w > s.size() ? w - s.size() : 0, '0') + s;
}

// Builds requests like the terminal does: swiped card (DE35, no DE2), a running STAN, batch 1.
struct Terminal {
  std::string tid = "10000001";
  std::string batch = "000001";
  int stan = 0;

  IsoMessage make(CupOperation op, int64_t amount = 0, std::optional<std::string> pin_digits = std::nullopt,
                  const std::string& pan = card) {
    IsoMessage m = start_request(op, batch);
    m.set(11, pad(++stan, 6));
    m.set(41, tid);
    m.set(42, "898310048161234");
    m.set(35, pan + "=30122010000000000");
    m.set(22, pin_digits ? "021" : "022");
    if (amount > 0) {
      m.set(4, pad(amount, 12));
      m.set(49, "156");
    }
    if (pin_digits) {
      auto block = make_pin_block(*pin_digits, pan, test_pin_key());
      REQUIRE(block);
      m.set(52, *block);
    }
    return m;
  }
  // Completion / cancel / incremental quoting the original's auth code and date (DE38, DE61).
  IsoMessage quoting(CupOperation op, int64_t amount, const std::string& auth, const std::string& mmdd) {
    IsoMessage m = make(op, amount);
    if (!auth.empty()) m.set(38, auth);
    m.set(61, "000000000000" + mmdd);
    return m;
  }
};

bool approved(const IsoMessage& a) { return a.get(39) == "00"; }

}  // namespace

TEST_CASE("sign-on hands out the test working keys under the master key", "[host][sign_on]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage a = host.handle(t.make(CupOperation::sign_on), t0);
  CHECK(a.mti == "0810");
  CHECK(approved(a));
  CHECK(a.get(62).size() == 40);  // 60.3 = 003: double-length PIK, single-length MAK
  auto keys = decode_working_keys(a.get(62), test_master_key());
  REQUIRE(keys);
  CHECK(keys->pin_key == test_pin_key());
  CHECK(keys->mac_key == test_mac_key().substr(0, 8));
  CHECK(keys->track_key.empty());
  CHECK_FALSE(decode_working_keys(a.get(62), "WRONG-MASTER-KEY"));
}

TEST_CASE("the sign-on answer's DE62 follows the DE60.3 asked for", "[host][sign_on]") {
  AcquirerHost host(config());
  Terminal t;
  auto sign_on = [&](const std::string& network) {
    IsoMessage m = t.make(CupOperation::sign_on);
    m.set(60, "00" + t.batch + network);
    return host.handle(m, t0);
  };
  IsoMessage single = sign_on("001");
  REQUIRE(approved(single));
  CHECK(single.get(62).size() == 24);
  auto k1 = decode_working_keys(single.get(62), test_master_key());
  REQUIRE(k1);
  CHECK(k1->pin_key == test_pin_key().substr(0, 8));
  CHECK(k1->mac_key == test_mac_key().substr(0, 8));
  IsoMessage with_track = sign_on("004");
  REQUIRE(approved(with_track));
  CHECK(with_track.get(62).size() == 60);
  auto k4 = decode_working_keys(with_track.get(62), test_master_key());
  REQUIRE(k4);
  CHECK(k4->track_key == test_track_key());
  CHECK(sign_on("002").get(39) == "30");
  CHECK(host.journal().back().note.find("DE60.3") != std::string::npos);

  // Known bytes, computed outside this code with openssl (3DES under the TMK, DES check values).
  CHECK(test::hex(sign_on("003").get(62)) ==
        "F02FFE8931AEB706310AFCF824CF11E1"  // PIK "TEST-PIN-KEY-001" under the TMK
        "236DA901"                          // its check value
        "6E8A05B1D3C86E930000000000000000"  // MAK "TEST-MAC" under the TMK, 8 zero bytes
        "AADDAE64");                        // its check value
  CHECK(test::hex(single.get(62)) == "F02FFE8931AEB70610AFAD366E8A05B1D3C86E93AADDAE64");

  // A PIN block under the single-length PIK of a 001 sign-on is checked as well.
  IsoMessage sale = t.make(CupOperation::sale, 100);
  sale.set(22, "021");
  sale.set(52, *make_pin_block(pin, card, test_pin_key().substr(0, 8)));
  CHECK(approved(host.handle(sale, t0)));
}

TEST_CASE("a sale is approved with a 6-digit auth code and a 12-character RRN and debits the card", "[host][sale]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage a = host.handle(t.make(CupOperation::sale, 32800, pin), t0);
  CHECK(a.mti == "0210");
  CHECK(approved(a));
  CHECK(a.get(38).size() == 6);
  CHECK(a.get(37).size() == 12);
  CHECK(a.get(11) == "000001");
  CHECK(a.get(4) == "000000032800");
  CHECK(a.get(41) == "10000001");
  CHECK(a.get(13) == "1120");
  CHECK(a.get(2) == card);  // answer_with_pan by default
  CHECK(host.available_minor(card) == 500000 - 32800);

  REQUIRE(host.sms().size() == 1);
  const BankSms& sms = host.sms()[0];
  CHECK(sms.time_ms == t0);
  CHECK(sms.text.zh.find("【银行】您尾号0047的卡11月20日14:32消费328.00元") == 0);
  CHECK(sms.text.zh.find("可用余额4672.00元") != std::string::npos);
  CHECK(sms.text.en.find("Card ending 0047") != std::string::npos);
  CHECK(sms.text.zh.find(card) == std::string::npos);
  CHECK(sms.text.en.find("620000") == std::string::npos);
}

TEST_CASE("the issuer holds an account for every test card, debit where the card list says so", "[host]") {
  const HostConfig c = config();
  REQUIRE(c.accounts.size() == test_cards().size());
  for (const TestCard& tc : test_cards()) {
    INFO(tc.pan);
    const auto it =
        std::find_if(c.accounts.begin(), c.accounts.end(), [&](const CardAccount& a) { return a.pan == tc.pan; });
    REQUIRE(it != c.accounts.end());
    CHECK(it->debit == tc.debit);
    CHECK(is_test_debit_card(tc.pan) == tc.debit);
    CHECK(it->balance_minor == (tc.pan == card ? 500000 : 1'000'000));
  }
}

TEST_CASE("the bank's SMS names the available balance on a debit card and the available credit on a credit card",
          "[host][sms]") {
  AcquirerHost host(config());  // 6200000000000047 is a debit test card; the other cards keep 10000.00
  Terminal t;
  const std::string credit = "6200000000000005";
  REQUIRE(!is_test_debit_card(credit));
  REQUIRE(is_test_debit_card(card));
  REQUIRE(approved(host.handle(t.make(CupOperation::sale, 10000, pin), t0)));
  REQUIRE(approved(host.handle(t.make(CupOperation::sale, 20000, std::nullopt, credit), t0 + 60'000)));
  REQUIRE(host.sms().size() == 2);
  const BankSms& debit_sms = host.sms()[0];
  const BankSms& credit_sms = host.sms()[1];
  CHECK(debit_sms.text.zh.find("您尾号0047的卡") != std::string::npos);
  CHECK(debit_sms.text.zh.find("，可用余额4900.00元。") != std::string::npos);
  CHECK(debit_sms.text.zh.find("可用额度") == std::string::npos);
  CHECK(debit_sms.text.en.find("Available balance CNY 4900.00.") != std::string::npos);
  CHECK(credit_sms.text.zh.find("您尾号0005的卡") != std::string::npos);
  CHECK(credit_sms.text.zh.find("，可用额度9800.00元。") != std::string::npos);
  CHECK(credit_sms.text.zh.find("可用余额") == std::string::npos);
  CHECK(credit_sms.text.en.find("Available credit CNY 9800.00.") != std::string::npos);
  CHECK(credit_sms.text.en.find("balance") == std::string::npos);
}

TEST_CASE("only test cards have accounts: anything else answers 14", "[host][card]") {
  AcquirerHost host(config());
  Terminal t;
  CHECK(host.handle(t.make(CupOperation::sale, 100, std::nullopt, "6222020200112233445"), t0).get(39) == "14");
  CHECK(host.handle(t.make(CupOperation::balance_inquiry, 0, std::nullopt, "4000000000000002"), t0).get(39) == "14");
  HostConfig only_one;
  only_one.accounts.push_back({card, pin, 1000, 3, "75", std::nullopt});
  AcquirerHost narrow(only_one);
  CHECK(narrow.handle(t.make(CupOperation::sale, 100, std::nullopt, "4111111111111111"), t0).get(39) == "14");
  // A non-test card in the config never gets an account.
  only_one.accounts.push_back({"6222020200112233445", "", 1000, 3, "75", std::nullopt});
  AcquirerHost still(only_one);
  CHECK_FALSE(still.available_minor("6222020200112233445"));
}

TEST_CASE("wrong PINs answer 55 until the daily limit then the lock code all day", "[host][pin]") {
  for (std::string lock : {"75", "38"}) {
    HostConfig c = config();
    c.accounts[0].lock_code = lock;
    AcquirerHost host(c);
    Terminal t;
    CHECK(host.handle(t.make(CupOperation::sale, 100, "111111"), t0).get(39) == "55");
    CHECK(host.handle(t.make(CupOperation::sale, 100, "222222"), t0 + ms_per_minute).get(39) == "55");
    CHECK(host.wrong_pins(card, t0) == 2);
    CHECK(host.handle(t.make(CupOperation::sale, 100, "333333"), t0 + 2 * ms_per_minute).get(39) == lock);
    // The right PIN, and even a request without PIN, answer the lock for the rest of the day.
    CHECK(host.handle(t.make(CupOperation::sale, 100, pin), t0 + 3 * ms_per_minute).get(39) == lock);
    CHECK(host.handle(t.make(CupOperation::balance_inquiry), t0 + 4 * ms_per_minute).get(39) == lock);
    // The counter is per day: tomorrow the right PIN works again.
    CHECK(approved(host.handle(t.make(CupOperation::sale, 100, pin), t0 + ms_per_day)));
    CHECK(host.available_minor(card) == 500000 - 100);
  }
}

TEST_CASE("the velocity rule answers 65 with the acquirer's text 刷卡频繁", "[host][velocity]") {
  AcquirerHost host(config());
  Terminal t;
  CHECK(approved(host.handle(t.make(CupOperation::sale, 100, pin), t0)));
  CHECK(approved(host.handle(t.make(CupOperation::sale, 100, pin), t0 + 2 * ms_per_minute)));
  IsoMessage third = host.handle(t.make(CupOperation::sale, 100, pin), t0 + 3 * ms_per_minute);
  CHECK(third.get(39) == "65");
  auto text = decode_display_text(third.get(63));
  REQUIRE(text);
  CHECK(text->zh == "刷卡频繁");
  CHECK(host.available_minor(card) == 500000 - 200);  // the declined one booked nothing
  // Balance inquiries are not sales; and once the window has passed, sales go through.
  CHECK(approved(host.handle(t.make(CupOperation::balance_inquiry, 0, pin), t0 + 4 * ms_per_minute)));
  CHECK(approved(host.handle(t.make(CupOperation::sale, 100, pin), t0 + 6 * ms_per_minute)));

  HostConfig c = config();
  c.velocity = {true, 20, 10, "65", {"刷卡频繁", "Card used too frequently"}};
  AcquirerHost busy(c);
  for (int i = 0; i < 20; ++i) CHECK(approved(busy.handle(t.make(CupOperation::sale, 100, pin), t0 + i * 1000)));
  CHECK(busy.handle(t.make(CupOperation::sale, 100, pin), t0 + 30'000).get(39) == "65");
}

TEST_CASE("a configured acquirer decline answers its code and display text for every request", "[host][decline]") {
  HostConfig c = config();
  c.accounts[0].decline = AcquirerDecline{"57", {"用户异常", "User exception"}};
  AcquirerHost host(c);
  Terminal t;
  IsoMessage a = host.handle(t.make(CupOperation::sale, 100, pin), t0);
  CHECK(a.get(39) == "57");
  CHECK(decode_display_text(a.get(63))->zh == "用户异常");
  CHECK(decode_display_text(a.get(63))->en == "User exception");
  CHECK(host.handle(t.make(CupOperation::balance_inquiry, 0, pin), t0).get(39) == "57");
  CHECK(host.available_minor(card) == 500000);
  // Other cards are not affected.
  CHECK(approved(host.handle(t.make(CupOperation::sale, 100, std::string(default_test_pin), "4111111111111111"), t0)));
}

TEST_CASE("insufficient funds answer 51 and the balance inquiry shows the available amount", "[host][funds]") {
  AcquirerHost host(config());
  Terminal t;
  CHECK(host.handle(t.make(CupOperation::sale, 500001, pin), t0).get(39) == "51");
  CHECK(approved(host.handle(t.make(CupOperation::sale, 500000, pin), t0)));
  IsoMessage b = host.handle(t.make(CupOperation::balance_inquiry, 0, pin), t0);
  CHECK(approved(b));
  CHECK(decode_balance(b.get(54)) == 0);
  CHECK(host.handle(t.make(CupOperation::sale, 1, pin), t0).get(39) == "51");
  CHECK(encode_balance(123456) == "1002156C000000123456");
  CHECK(decode_balance("1002156D000000000100") == -100);
  CHECK_FALSE(decode_balance("garbage"));
}

TEST_CASE("pre-auth holds funds and completion needs the original auth code and date", "[host][preauth]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage pa = host.handle(t.make(CupOperation::preauth, 200000, pin), t0);
  REQUIRE(approved(pa));
  const std::string auth = pa.get(38);
  CHECK(host.held_minor(card) == 200000);
  CHECK(host.available_minor(card) == 300000);
  const TerminalTime later = t0 + 2 * ms_per_day;

  SECTION("with the right auth code and date, up to 115%") {
    IsoMessage c = host.handle(t.quoting(CupOperation::preauth_completion, 230000, auth, "1120"), later);
    CHECK(c.mti == "0210");
    CHECK(approved(c));
    CHECK(c.get(38) == auth);  // the completion carries the original auth code
    CHECK(host.held_minor(card) == 0);
    CHECK(host.available_minor(card) == 500000 - 230000);
    // Completed once: a second completion is refused.
    CHECK(host.handle(t.quoting(CupOperation::preauth_completion, 1000, auth, "1120"), later).get(39) == "22");
  }
  SECTION("above the limit: 61") {
    CHECK(host.handle(t.quoting(CupOperation::preauth_completion, 230001, auth, "1120"), later).get(39) == "61");
    CHECK(host.held_minor(card) == 200000);
  }
  SECTION("a guessed auth code, a wrong date or none at all: 25") {
    std::string guess = auth == "123456" ? "654321" : "123456";
    CHECK(host.handle(t.quoting(CupOperation::preauth_completion, 100000, guess, "1120"), later).get(39) == "25");
    CHECK(host.handle(t.quoting(CupOperation::preauth_completion, 100000, auth, "1119"), later).get(39) == "25");
    CHECK(host.handle(t.quoting(CupOperation::preauth_completion, 100000, "", "1120"), later).get(39) == "25");
    // Another card quoting the right code finds nothing either.
    IsoMessage other = t.quoting(CupOperation::preauth_completion, 100000, auth, "1120");
    other.set(35, "4111111111111111=30122010000000000");
    CHECK(host.handle(other, later).get(39) == "25");
  }
  SECTION("past the allowed days: 22, and the issuer has released the hold") {
    TerminalTime day31 = t0 + 31 * ms_per_day;
    CHECK(host.handle(t.quoting(CupOperation::preauth_completion, 100000, auth, "1120"), day31).get(39) == "22");
    CHECK(host.held_minor(card) == 0);
    CHECK(host.available_minor(card) == 500000);
    CHECK(host.handle(t.quoting(CupOperation::preauth_cancel, 200000, auth, "1120"), day31).get(39) == "22");
  }
  SECTION("day 30 is still within the validity") {
    CHECK(
        approved(host.handle(t.quoting(CupOperation::preauth_completion, 100000, auth, "1120"), t0 + 30 * ms_per_day)));
  }
  SECTION("the completion advice is answered with 0230 and no auth code") {
    IsoMessage c = host.handle(t.quoting(CupOperation::preauth_completion_advice, 150000, auth, "1120"), later);
    CHECK(c.mti == "0230");
    CHECK(approved(c));
    CHECK_FALSE(c.has(38));
    CHECK(host.available_minor(card) == 500000 - 150000);
  }
  SECTION("a cancel releases the hold; completing afterwards answers 22") {
    IsoMessage c = host.handle(t.quoting(CupOperation::preauth_cancel, 200000, auth, "1120"), later);
    CHECK(c.mti == "0110");
    CHECK(approved(c));
    CHECK(host.available_minor(card) == 500000);
    CHECK(host.sms().back().text.zh.find("预授权撤销") != std::string::npos);
    CHECK(host.handle(t.quoting(CupOperation::preauth_completion, 100000, auth, "1120"), later).get(39) == "22");
  }
  SECTION("an incremental pre-auth raises the authorised amount the limit counts from") {
    IsoMessage inc = host.handle(t.quoting(CupOperation::preauth_incremental, 100000, auth, "1120"), later);
    CHECK(approved(inc));
    CHECK(host.held_minor(card) == 300000);
    CHECK(approved(host.handle(t.quoting(CupOperation::preauth_completion, 345000, auth, "1120"), later)));
    CHECK(host.available_minor(card) == 500000 - 345000);
  }
}

TEST_CASE("a pre-auth the issuer declined cannot be completed: 12", "[host][preauth]") {
  HostConfig c = config();
  c.accounts[0].balance_minor = 1000;
  AcquirerHost host(c);
  Terminal t;
  IsoMessage pa = t.make(CupOperation::preauth, 200000, pin);
  CHECK(host.handle(pa, t0).get(39) == "51");
  IsoMessage comp = t.quoting(CupOperation::preauth_completion, 1000, "000000", "1120");
  comp.set(61, "000001" + pa.get(11) + "1120");
  CHECK(host.handle(comp, t0).get(39) == "12");
}

TEST_CASE("a void needs the original's batch trace RRN and auth code and credits the card", "[host][void]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage sale_req = t.make(CupOperation::sale, 32800, pin);
  IsoMessage sale = host.handle(sale_req, t0);
  REQUIRE(approved(sale));
  auto void_of = [&](const std::string& rrn, const std::string& auth) {
    IsoMessage v = t.make(CupOperation::void_sale, 32800);
    v.set(37, rrn);
    v.set(38, auth);
    v.set(61, "000001" + sale_req.get(11));
    return v;
  };
  CHECK(host.handle(void_of("000000000000", sale.get(38)), t0).get(39) == "25");
  CHECK(host.handle(void_of(sale.get(37), sale.get(38) == "000000" ? "111111" : "000000"), t0).get(39) == "25");
  IsoMessage v = host.handle(void_of(sale.get(37), sale.get(38)), t0 + ms_per_minute);
  CHECK(approved(v));
  CHECK(host.available_minor(card) == 500000);
  CHECK(host.sms().back().text.zh.find("消费撤销，退回328.00元") != std::string::npos);
  CHECK(host.handle(void_of(sale.get(37), sale.get(38)), t0 + 2 * ms_per_minute).get(39) == "22");
}

TEST_CASE("a refund finds the sale by RRN and date and may not exceed it", "[host][refund]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage sale = host.handle(t.make(CupOperation::sale, 32800, pin), t0);
  auto refund = [&](int64_t amount, const std::string& rrn, const std::string& mmdd) {
    IsoMessage r = t.make(CupOperation::refund, amount);
    r.set(37, rrn);
    r.set(61, "000000000000" + mmdd);
    return r;
  };
  TerminalTime next_day = t0 + ms_per_day;
  CHECK(host.handle(refund(1000, "999999999999", "1120"), next_day).get(39) == "25");
  CHECK(host.handle(refund(1000, sale.get(37), "1121"), next_day).get(39) == "25");
  IsoMessage ok = host.handle(refund(20000, sale.get(37), "1120"), next_day);
  CHECK(ok.mti == "0230");
  CHECK(approved(ok));
  CHECK(host.handle(refund(12801, sale.get(37), "1120"), next_day).get(39) == "64");  // 原始金额错误
  CHECK(approved(host.handle(refund(12800, sale.get(37), "1120"), next_day)));
  CHECK(host.available_minor(card) == 500000);
}

TEST_CASE("a reversal undoes the original exactly once and shows in the journal", "[host][reversal]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage sale_req = t.make(CupOperation::sale, 32800, pin);
  REQUIRE(approved(host.handle(sale_req, t0)));
  CHECK(host.available_minor(card) == 500000 - 32800);

  IsoMessage rev = reversal_of(sale_req, "98");
  CHECK_FALSE(rev.has(35));
  CHECK_FALSE(rev.has(52));
  IsoMessage a = host.handle(rev, t0 + 2 * ms_per_minute);
  CHECK(a.mti == "0410");
  CHECK(approved(a));
  CHECK(host.available_minor(card) == 500000);
  CHECK(host.sms().back().text.zh.find("冲正") != std::string::npos);

  // The journal shows the 0400 with its reason, and the sale marked reversed.
  const auto& j = host.journal();
  REQUIRE(j.size() == 2);
  CHECK(j[0].mti == "0200");
  CHECK(j[0].op == HostOp::sale);
  CHECK(j[0].reversed);
  CHECK(j[1].mti == "0400");
  CHECK(j[1].op == HostOp::reversal);
  CHECK(j[1].reversal_reason == "98");
  CHECK(j[1].response_code == "00");
  CHECK(j[1].stan == sale_req.get(11));
  CHECK(j[1].card_last4 == "0047");

  // Idempotent: a repeat answers 00 and credits nothing more.
  std::size_t sms_before = host.sms().size();
  CHECK(approved(host.handle(rev, t0 + 3 * ms_per_minute)));
  CHECK(host.available_minor(card) == 500000);
  CHECK(host.sms().size() == sms_before);

  // A reversal of something never seen: 25.
  IsoMessage unknown = t.make(CupOperation::sale, 100, pin);
  CHECK(host.handle(reversal_of(unknown, "98"), t0).get(39) == "25");
  // A reversal of a declined request changes nothing and answers 00.
  IsoMessage declined = t.make(CupOperation::sale, 9'999'999, pin);
  CHECK(host.handle(declined, t0).get(39) == "51");
  CHECK(approved(host.handle(reversal_of(declined, "06"), t0)));
  CHECK(host.available_minor(card) == 500000);
}

TEST_CASE("reversals release holds and restore what voids and completions changed", "[host][reversal]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage pa_req = t.make(CupOperation::preauth, 100000, pin);
  IsoMessage pa = host.handle(pa_req, t0);
  REQUIRE(approved(pa));

  IsoMessage comp_req = t.quoting(CupOperation::preauth_completion, 110000, pa.get(38), "1120");
  REQUIRE(approved(host.handle(comp_req, t0)));
  CHECK(host.available_minor(card) == 500000 - 110000);
  REQUIRE(approved(host.handle(reversal_of(comp_req, "98"), t0)));
  CHECK(host.held_minor(card) == 100000);  // the hold is back
  CHECK(host.available_minor(card) == 400000);

  REQUIRE(approved(host.handle(reversal_of(pa_req, "98"), t0)));
  CHECK(host.held_minor(card) == 0);
  CHECK(host.available_minor(card) == 500000);

  IsoMessage sale_req = t.make(CupOperation::sale, 5000, pin);
  IsoMessage sale = host.handle(sale_req, t0);
  IsoMessage void_req = t.make(CupOperation::void_sale, 5000);
  void_req.set(37, sale.get(37));
  void_req.set(38, sale.get(38));
  void_req.set(61, "000001" + sale_req.get(11));
  REQUIRE(approved(host.handle(void_req, t0)));
  CHECK(host.available_minor(card) == 500000);
  REQUIRE(approved(host.handle(reversal_of(void_req, "A0"), t0)));  // the void is undone: debited again
  CHECK(host.available_minor(card) == 495000);
}

TEST_CASE("settlement compares the terminal's totals with the host's", "[host][settlement]") {
  AcquirerHost host(config());
  Terminal t;
  REQUIRE(approved(host.handle(t.make(CupOperation::sale, 10000, pin), t0)));
  REQUIRE(approved(host.handle(t.make(CupOperation::sale, 2500, pin), t0 + 10 * ms_per_minute)));
  IsoMessage s = t.make(CupOperation::settlement);
  s.erase(35);
  s.erase(22);
  s.set(48, encode_totals({2, 12500, 0, 0}, '0'));
  s.set(49, "156");
  IsoMessage a = host.handle(s, t0 + 20 * ms_per_minute);
  CHECK(a.mti == "0510");
  CHECK(approved(a));
  CHECK(decode_totals(a.get(48))->flag == '1');

  Terminal t2;
  t2.batch = "000002";
  t2.stan = 100;
  REQUIRE(approved(host.handle(t2.make(CupOperation::sale, 700, pin), t0 + ms_per_day)));
  IsoMessage wrong = t2.make(CupOperation::settlement);
  wrong.set(48, encode_totals({0, 0, 0, 0}, '0'));
  wrong.set(49, "156");
  CHECK(decode_totals(host.handle(wrong, t0 + ms_per_day).get(48))->flag == '2');
}

TEST_CASE("directives from the fault layer: a chosen code books nothing and omit_pan drops DE2", "[host][directive]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage a = host.handle(t.make(CupOperation::sale, 100, pin), t0, {"91", false});
  CHECK(a.get(39) == "91");
  CHECK(host.available_minor(card) == 500000);
  CHECK(host.journal().back().forced);

  IsoMessage p = host.handle(t.make(CupOperation::preauth, 100, pin), t0, {"", true});
  CHECK(approved(p));
  CHECK_FALSE(p.has(2));
  CHECK(host.handle(t.make(CupOperation::preauth, 100, pin), t0).has(2));

  // A scripted 55 counts like a real wrong PIN: the third answers the lock.
  CHECK(host.handle(t.make(CupOperation::sale, 100, pin), t0, {"55", false}).get(39) == "55");
  CHECK(host.handle(t.make(CupOperation::sale, 100, pin), t0, {"55", false}).get(39) == "55");
  CHECK(host.handle(t.make(CupOperation::sale, 100, pin), t0, {"55", false}).get(39) == "75");
  CHECK(host.handle(t.make(CupOperation::sale, 100, pin), t0).get(39) == "75");

  HostConfig quiet = config();
  quiet.answer_with_pan = false;
  AcquirerHost no_pan(quiet);
  CHECK_FALSE(no_pan.handle(t.make(CupOperation::sale, 100, pin), t0).has(2));
}

TEST_CASE("malformed unknown and duplicate requests get typed answers", "[host][errors]") {
  AcquirerHost host(config());
  Terminal t;
  IsoMessage bad = t.make(CupOperation::sale, 100, pin);
  bad.erase(11);
  CHECK(host.handle(bad, t0).get(39) == "30");
  IsoMessage odd = t.make(CupOperation::sale, 100, pin);
  odd.set(3, "990000");
  CHECK(host.handle(odd, t0).get(39) == "12");
  IsoMessage no_amount = t.make(CupOperation::sale, 0, pin);
  CHECK(host.handle(no_amount, t0).get(39) == "30");  // a sale without DE4 is malformed
  CHECK(host.journal().back().note == "DE4 is missing: a sale request must carry it");
  IsoMessage zero = t.make(CupOperation::sale, 1, pin);
  zero.set(4, "000000000000");
  CHECK(host.handle(zero, t0).get(39) == "13");
  IsoMessage once = t.make(CupOperation::sale, 100, pin);
  CHECK(approved(host.handle(once, t0)));
  CHECK(host.handle(once, t0).get(39) == "94");
  CHECK(host.available_minor(card) == 500000 - 100);
  IsoMessage garbage;
  garbage.mti = "xx";
  CHECK(host.handle(garbage, t0).get(39) == "30");
}

TEST_CASE("the host is deterministic for a seed and keeps no PIN in its journal or SMS", "[host][determinism][pci]") {
  auto run = [](uint64_t seed) {
    HostConfig c = config();
    c.seed = seed;
    AcquirerHost host(c);
    Terminal t;
    std::vector<std::string> out;
    for (int i = 0; i < 5; ++i) {
      IsoMessage a = host.handle(t.make(CupOperation::sale, 100 + i, pin), t0 + i * 10 * ms_per_minute);
      out.push_back(a.get(37) + a.get(38));
    }
    return std::make_pair(out, host.journal());
  };
  auto [a, journal] = run(7);
  CHECK(a == run(7).first);
  CHECK(a != run(8).first);
  for (const HostJournalEntry& e : journal) {
    for (const std::string* s : {&e.mti, &e.processing_code, &e.stan, &e.rrn, &e.auth_code, &e.card_last4,
                                 &e.terminal_id, &e.batch, &e.response_code})
      CHECK(s->find(pin) == std::string::npos);
  }
}

TEST_CASE("field conventions round-trip", "[host][fields]") {
  Text t{"用户异常", "User exception"};
  CHECK(decode_display_text(encode_display_text(t))->zh == t.zh);
  CHECK(decode_display_text(encode_display_text(t))->en == t.en);
  Text long_text{std::string(30, 'x') + "刷卡频繁刷卡频繁刷卡频繁", std::string(40, 'y')};
  std::string de63 = encode_display_text(long_text);
  CHECK(de63.size() <= 63);
  CHECK(decode_display_text(de63)->en.empty());
  BatchTotals totals{3, 12345, 1, 500};
  auto d = decode_totals(encode_totals(totals, '1'));
  REQUIRE(d);
  CHECK(d->totals == totals);
  CHECK(d->flag == '1');
  CHECK(encode_totals(totals, '0').size() == 62);
  CHECK(format_mmdd(TerminalTime{civil_ms({2026, 1, 5, 8, 9, 10})}) == "0105");
  CHECK(format_hhmmss(TerminalTime{civil_ms({2026, 1, 5, 8, 9, 10})}) == "080910");
  CHECK(civil_time(t0).hour == 14);
  CHECK(day_number(t0 + ms_per_day) - day_number(t0) == 1);
}
