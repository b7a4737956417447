// DE55 chip data: BER-TLV split by hand-written bytes, the terminal's test data checked by the
// host's rule, and each way a request's DE55 can be wrong named by its tag.
#include <catch2/catch.hpp>

#include "device_bridge/icc.h"

#include "hex.h"

using namespace posdrill;
using test::hex;
using test::unhex;

namespace {

IccRequest sale(int64_t amount) {
  IccRequest r;
  r.amount_minor = amount;
  r.date_yymmdd = "261120";
  r.transaction_type = 0x00;
  r.trace = 42;
  r.pin_entered = true;
  return r;
}

// The DE55 with one data object's value replaced (or removed when `value` is nullopt).
std::string with(const std::string& de55, const std::string& tag_hex_text, std::optional<std::string> value) {
  auto items = parse_tlv(de55);
  REQUIRE(items);
  std::string out;
  for (const auto& it : *items) {
    std::string v = it.value;
    if (tag_hex(it.tag) == tag_hex_text) {
      if (!value) continue;
      v = *value;
    }
    out += it.tag + char(v.size()) + v;
  }
  return out;
}

}  // namespace

TEST_CASE("BER-TLV splits one- and two-byte tags and long lengths", "[icc]") {
  auto items = parse_tlv(unhex("9F02 06 000000032800 95 05 0000000000 5F2A 02 0156 9F10 81 03 070101"));
  REQUIRE(items);
  REQUIRE(items->size() == 4);
  CHECK(tag_hex((*items)[0].tag) == "9F02");
  CHECK(hex((*items)[0].value) == "000000032800");
  CHECK(tag_hex((*items)[1].tag) == "95");
  CHECK(tag_hex((*items)[2].tag) == "5F2A");
  CHECK(hex((*items)[3].value) == "070101");
  CHECK_FALSE(parse_tlv(unhex("9F02 06 0000")));  // value cut short
  CHECK_FALSE(parse_tlv(unhex("9F")));            // tag cut short
  CHECK_FALSE(parse_tlv(unhex("9F02 83 000001")));
  CHECK_FALSE(parse_tlv(unhex("00 01 00")));
  CHECK(parse_tlv("")->empty());
}

TEST_CASE("the terminal's DE55 passes the host's rule and changes with the transaction", "[icc]") {
  std::string a = icc_request_data(sale(32800));
  CHECK(icc_request_problem(a, 32800).empty());
  CHECK(a.size() <= 255);
  auto items = parse_tlv(a);
  REQUIRE(items);
  CHECK(tag_hex(items->front().tag) == "9F26");
  CHECK(hex(items->front().value).size() == 16);
  IccRequest other = sale(32800);
  other.trace = 43;
  CHECK(icc_request_data(other).substr(0, 11) != a.substr(0, 11));  // another ARQC
  IccRequest balance = sale(0);
  balance.transaction_type = 0x31;
  CHECK(icc_request_problem(icc_request_data(balance), 0).empty());
}

TEST_CASE("a wrong DE55 is named by its tag", "[icc]") {
  const std::string good = icc_request_data(sale(32800));
  CHECK(icc_request_problem(good, 32900).find("9F02") != std::string::npos);
  CHECK(icc_request_problem(with(good, "9F26", std::nullopt), 32800).find("9F26") != std::string::npos);
  CHECK(icc_request_problem(with(good, "9F36", std::string("\x01", 1)), 32800).find("9F36") != std::string::npos);
  CHECK(icc_request_problem(with(good, "9F27", std::string("\x40", 1)), 32800).find("ARQC") != std::string::npos);
  CHECK(icc_request_problem(with(good, "5F2A", unhex("0840")), 32800).find("5F2A") != std::string::npos);
  CHECK(icc_request_problem(good.substr(0, good.size() - 1), 32800) == "DE55 is not well-formed BER-TLV");
  CHECK(icc_request_problem(good + good.substr(0, 11), 32800).find("twice") != std::string::npos);
}
