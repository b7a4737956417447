#include <catch2/catch.hpp>

#include "scenarios/model.h"
#include "scenarios/sha256.h"

using namespace posdrill;

TEST_CASE("amounts parse to fen and format back", "[model]") {
  CHECK(parse_amount("328.00") == 32800);
  CHECK(parse_amount("328") == 32800);
  CHECK(parse_amount("328.5") == 32850);
  CHECK(parse_amount("0.01") == 1);
  CHECK_FALSE(parse_amount("328.005"));
  CHECK_FALSE(parse_amount("-1"));
  CHECK_FALSE(parse_amount("1e3"));
  CHECK_FALSE(parse_amount(""));
  CHECK_FALSE(parse_amount("."));
  CHECK_FALSE(parse_amount("12."));
  CHECK_FALSE(parse_amount("1234567890123"));
  CHECK(format_amount(32850) == "328.50");
  CHECK(format_amount(5) == "0.05");
  CHECK(format_amount(-150) == "-1.50");
}

TEST_CASE("only Luhn-valid listed test cards are accepted", "[model][pci]") {
  CHECK(is_test_card("6200000000000047"));
  CHECK(is_test_card("6205500000000000004"));
  CHECK(is_test_card("4111111111111111"));
  CHECK_FALSE(is_test_card("5555555555554444"));  // Luhn-valid but not a listed test card
  CHECK_FALSE(is_test_card("6200000000000048"));
  CHECK(luhn_valid("4242424242424242"));
  CHECK_FALSE(luhn_valid("4242424242424241"));
  CHECK_FALSE(luhn_valid("42424242424x4242"));
  // The one list: every card on it is Luhn-valid; the debit ones are UnionPay's (62...).
  REQUIRE(test_cards().size() == 8);
  int debit = 0;
  for (const TestCard& c : test_cards()) {
    INFO(c.pan);
    CHECK(luhn_valid(c.pan));
    CHECK(is_test_card(c.pan));
    if (c.debit) {
      ++debit;
      CHECK(c.pan.substr(0, 2) == "62");
    }
  }
  CHECK(debit == 3);
}

TEST_CASE("card numbers are masked to first 6 and last 4", "[model][pci]") {
  CHECK(mask_pan("6200000000000047") == "620000******0047");
  CHECK(mask_pan("6205500000000000004") == "620550*********0004");
  CHECK(mask_pan("12345") == "****************");
  CHECK(mask_pan("62000000000000x7") == "****************");
}

TEST_CASE("sha256 matches the FIPS 180-4 examples", "[model]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("topic and operation names round-trip", "[model]") {
  for (Topic t : all_topics) CHECK(parse_topic(topic_id(t)) == t);
  for (int i = 0; i < terminal_op_count; ++i) {
    auto op = static_cast<TerminalOp>(i);
    CHECK(parse_terminal_op(terminal_op_name(op)) == op);
    CHECK_FALSE(terminal_op_label(op).zh.empty());
  }
  CHECK_FALSE(parse_topic("preauths"));
  CHECK_FALSE(parse_terminal_op("cash_back"));
}

TEST_CASE("response codes show what a CUP terminal shows", "[model]") {
  CHECK(response_text("00").en == "Approved");
  CHECK(response_text("55").zh == "密码错请重试");
  CHECK(response_text("Q9").zh == "交易失败 (Q9)");  // unknown codes stay readable
  CHECK(response_text("64").zh == "原始金额错误");
  CHECK(response_text("34").zh == "有作弊嫌疑的卡,请没收");
  // Every code docs/domain.md §4.1 lists (and the emulated host or a scenario can answer) has its own
  // text: a trainee never reads a bare "交易失败 (NN)" for a code the terminal knows.
  for (const char* code : {"05", "12", "13", "14", "22", "25", "30", "33", "34", "38", "41", "43", "51", "54",
                           "55", "57", "61", "62", "64", "65", "68", "75", "77", "91", "94", "96", "98", "99", "A0"}) {
    INFO(code);
    CHECK(response_text(code).zh.rfind("交易失败", 0) != 0);
    CHECK(response_text(code).en.rfind("Transaction failed", 0) != 0);
  }
}
