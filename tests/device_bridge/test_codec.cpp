// ISO 8583 codec: exact bytes written out by hand from the CUP field table (README.md), round-trips
// of every operation in both dialects, each CodecError with its field and offset, MAC checks, and
// the operation names of message_builder.h.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "device_bridge/crypto.h"
#include "device_bridge/framing.h"
#include "device_bridge/iso8583.h"
#include "device_bridge/message_builder.h"

#include "hex.h"

using namespace posdrill;

namespace {

using test::hex;
using test::unhex;

// A swiped CUP sale request, PIN entered (the same message test_crypto.cpp MACs).
IsoMessage sale_request() {
  IsoMessage m;
  m.mti = "0200";
  m.set(2, "6200000000000005");
  m.set(3, "000000");
  m.set(4, "000000032800");
  m.set(11, "000123");
  m.set(14, "2512");
  m.set(22, "021");
  m.set(25, "00");
  m.set(26, "12");
  m.set(35, "6200000000000005=25122010000000000000");
  m.set(41, "10000001");
  m.set(42, "123456789012345");
  m.set(49, "156");
  m.set(52, unhex("0123456789ABCDEF"));
  m.set(53, "2600000000000000");
  m.set(60, "22000001000");
  return m;
}

// The same message on the CUP wire, byte by byte from the field table: BCD numerics (DE22 "021"
// left-aligned -> 02 10, odd-length variable numerics pad nibble 0 last), BCD LL / LLL lengths,
// ASCII an/ans, raw b, track 2 with '=' as nibble D.
const char* const sale_request_hex =
    "6000030000"                                 //  0 TPDU
    "603100000000"                               //  5 CUP header
    "0200"                                       // 11 MTI
    "702404C020C09811"                           // 13 bitmap: 2 3 4 11 14 22 25 26 35 41 42 49 52 53 60 64
    "16 6200000000000005"                        // 21 DE2  LL=16
    "000000"                                     // 30 DE3
    "000000032800"                               // 33 DE4
    "000123"                                     // 39 DE11
    "2512"                                       // 42 DE14
    "0210"                                       // 44 DE22 n3 left-aligned
    "00"                                         // 46 DE25
    "12"                                         // 47 DE26
    "37 6200000000000005D251220100000000000000"  // 48 DE35 LL=37, value at 49: 19 bytes, pad 0 last
    "3130303030303031"                           // 68 DE41
    "313233343536373839303132333435"             // 76 DE42
    "313536"                                     // 91 DE49
    "0123456789ABCDEF"                           // 94 DE52
    "2600000000000000"                           // 102 DE53
    "0011 220000010000"                          // 110 DE60 LLL=011, value at 112
    "4630413434363734";                          // 118 DE64 = "F0A44674" (CUP ECB MAC, single DES, MAK "TEST-MAC")

const std::string& test_key() {
  static const std::string key(test_mac_key());
  return key;
}

EncodeOptions with_mac() {
  EncodeOptions o;
  o.mac_key = test_key();
  return o;
}

DecodeOptions check_mac() {
  DecodeOptions o;
  o.mac_key = test_key();
  return o;
}

CodecResult decode_hex(std::string_view h, Dialect d, IsoMessage& m) { return decode(unhex(h), d, m); }

// Request and response shapes of every operation. `dialect` only swaps what the interop dialect
// cannot carry (DE53 is b48 there, DE36 is digits only, ans is printable ASCII).
IsoMessage shape(CupOperation op, bool response, Dialect dialect) {
  IsoMessage m = op == CupOperation::reversal ? reversal_of(shape(CupOperation::sale, false, dialect), "98")
                                              : start_request(op, "000042");
  if (op != CupOperation::reversal) {
    m.set(11, "000124");
    m.set(41, "10000001");
    m.set(42, "123456789012345");
  }
  switch (op) {
    case CupOperation::sale:
    case CupOperation::balance_inquiry:
      m.set(22, "051");
      m.set(23, "001");
      m.set(35, "6200000000000047=30122010000000000000");
      if (dialect == Dialect::cup) {
        m.set(36, "996200000000000047=1561560000000000001003000000=000000000000=000000000000=000000000000");
        m.set(53, "2600000000000000");
      }
      m.set(52, unhex("0F34FF5BC103A15D"));
      m.set(55, unhex("9F2608A1B2C3D4E5F607189F2701809F101307010103A0A000010A010000000000"));
      m.set(26, "12");
      break;
    case CupOperation::void_sale:
    case CupOperation::completion_void:
      m.set(2, "6200000000000005");
      m.set(22, "012");
      m.set(37, "000000123456");
      m.set(38, "A1B2C3");
      m.set(61, "000042000120");
      break;
    case CupOperation::refund:
      m.set(2, "6200000000000005");
      m.set(22, "012");
      m.set(37, "000000123456");
      m.set(61, "0000420001200315");
      m.set(63, "000");
      break;
    case CupOperation::preauth:
    case CupOperation::preauth_incremental:
      m.set(2, "6205500000000000004");
      m.set(14, "3012");
      m.set(22, "012");
      break;
    case CupOperation::preauth_completion:
    case CupOperation::preauth_completion_advice:
    case CupOperation::preauth_cancel:
      m.set(2, "6205500000000000004");
      m.set(22, "012");
      m.set(38, "654321");
      m.set(61, "0000420001190314");
      break;
    case CupOperation::settlement:
    case CupOperation::batch_upload:
      m.set(48, "0000000003280000000001000000000000000000000000000000000000000000");
      m.set(63, "001");
      break;
    case CupOperation::sign_on:
      m.set(63, "001");
      m.set(70, "001");  // not CUP, but keeps the secondary bitmap in every round-trip suite
      break;
    case CupOperation::reversal:
      break;
  }
  if (op != CupOperation::balance_inquiry && op != CupOperation::sign_on && op != CupOperation::settlement &&
      op != CupOperation::batch_upload && !m.has(4))
    m.set(4, "000000032800");
  m.set(49, "156");
  if (response) {
    m.mti = response_mti(m.mti);
    m.erase(35);
    m.erase(36);
    m.erase(52);
    m.erase(53);
    m.set(12, "101530");
    m.set(13, "0315");
    m.set(32, "01020000");
    m.set(37, "031510153001");
    m.set(39, "00");
    m.set(44, "01020000   01020000");
    if (op != CupOperation::preauth_completion_advice) m.set(38, "B2C3D4");
    if (op == CupOperation::sign_on) {
      // Working keys: binary on the CUP wire (ans there admits any byte), printable in interop.
      m.set(62, dialect == Dialect::cup ? unhex("00112233445566778899AABBCCDDEEFF0011223344556677")
                                        : "PIK0123456789ABCDEFMAK0123456789ABCDEF");
      m.set(90, "020000012403151015300000000001020000000000");
    }
  }
  return m;
}

std::vector<CupOperation> all_operations() {
  std::vector<CupOperation> ops;
  for (int i = 0; i < cup_operation_count; ++i) ops.push_back(CupOperation(i));
  return ops;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Exact bytes
// ---------------------------------------------------------------------------------------------

TEST_CASE("CUP sale request encodes to the hand-written bytes", "[codec]") {
  std::string out;
  CodecResult r = encode(sale_request(), Dialect::cup, out, with_mac());
  REQUIRE(r.ok());
  CHECK(hex(out) == hex(unhex(sale_request_hex)));
  CHECK(out.size() == 126);

  // Without a key the message's own DE64 goes out as given.
  IsoMessage m = sale_request();
  m.set(64, "F0A44674");
  REQUIRE(encode(m, Dialect::cup, out).ok());
  CHECK(hex(out) == hex(unhex(sale_request_hex)));
}

TEST_CASE("CUP sale request decodes from the hand-written bytes", "[codec]") {
  IsoMessage m;
  DecodeInfo info;
  CodecResult r = decode(unhex(sale_request_hex), Dialect::cup, m, check_mac(), &info);
  REQUIRE(r.ok());
  CHECK(info.mac == MacStatus::mac_ok);
  CHECK(info.envelope.tpdu == "6000030000");
  CHECK(info.envelope.header == "603100000000");
  IsoMessage expected = sale_request();
  expected.set(64, "F0A44674");
  CHECK(m.mti == expected.mti);
  CHECK(m.fields == expected.fields);
}

TEST_CASE("CUP odd-length numerics pad as documented", "[codec]") {
  IsoMessage m;
  m.mti = "0200";
  m.set(22, "021");  // left-aligned: 02 10
  m.set(23, "001");  // right-aligned: 00 01
  m.set(32, "123");  // variable, left-aligned: LL 03, 12 30
  std::string out;
  REQUIRE(encode(m, Dialect::cup, out).ok());
  CHECK(hex(out.substr(11)) ==
        "0200"
        "0000060100000000"
        "0210"
        "0001"
        "03"
        "1230");
}

TEST_CASE("CUP secondary bitmap appears only with a field above 64", "[codec]") {
  IsoMessage m;
  m.mti = "0800";
  m.set(11, "000001");
  m.set(70, "001");
  std::string out;
  REQUIRE(encode(m, Dialect::cup, out).ok());
  CHECK(hex(out.substr(11)) ==
        "0800"
        "8020000000000000"
        "0400000000000000"
        "000001"
        "0001");
  m.erase(70);
  REQUIRE(encode(m, Dialect::cup, out).ok());
  CHECK(hex(out.substr(11)) ==
        "0800"
        "0020000000000000"
        "000001");
}

TEST_CASE("interop encodes what npm iso_8583 packs: ASCII with both bitmaps", "[codec]") {
  IsoMessage m;
  m.mti = "0200";
  m.set(2, "6200000000000005");
  m.set(3, "000000");
  m.set(35, "6200000000000005=2512");
  m.set(52, unhex("0123456789ABCDEF"));
  m.set(55, unhex("9F2608"));
  std::string out;
  REQUIRE(encode(m, Dialect::interop, out).ok());
  std::string expected = "0200" + unhex("E000000020001200 0000000000000000") + "16" + "6200000000000005" + "000000" +
                         "21" + "6200000000000005=2512" + unhex("0123456789ABCDEF") + "006" + "9f2608";
  CHECK(hex(out) == hex(expected));
  IsoMessage back;
  REQUIRE(decode(out, Dialect::interop, back).ok());
  CHECK(back.fields == m.fields);
  // An 8-byte bitmap (bit 1 clear) is read too.
  std::string primary_only = "0200" + unhex("2000000000000000") + "000000";
  REQUIRE(decode(primary_only, Dialect::interop, back).ok());
  CHECK(back.get(3) == "000000");
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

TEST_CASE("every operation round-trips in both dialects as request and response", "[codec]") {
  for (Dialect dialect : {Dialect::cup, Dialect::interop}) {
    for (CupOperation op : all_operations()) {
      for (bool response : {false, true}) {
        IsoMessage m = shape(op, response, dialect);
        INFO((dialect == Dialect::cup ? "cup " : "interop ")
             << cup_operation_name(op) << (response ? " response" : " request"));
        std::string wire;
        CodecResult r = encode(m, dialect, wire, with_mac());
        INFO(r.message);
        REQUIRE(r.ok());
        IsoMessage back;
        DecodeInfo info;
        r = decode(wire, dialect, back, check_mac(), &info);
        INFO(r.message);
        REQUIRE(r.ok());
        CHECK(info.mac == MacStatus::mac_ok);
        CHECK(back.mti == m.mti);
        CHECK(back.get(64).size() == (dialect == Dialect::cup ? 8u : 4u));
        back.erase(64);
        CHECK(back.fields == m.fields);
        CHECK(classify(back) == std::optional<CupOperation>(op));
      }
    }
  }
}

TEST_CASE("every field at its maximum length round-trips", "[codec]") {
  for (Dialect dialect : {Dialect::cup, Dialect::interop}) {
    IsoMessage m;
    m.mti = "0200";
    for (const FieldSpec& spec : field_specs(dialect)) {
      char fill = spec.type == FieldType::n || spec.type == FieldType::z ? '7'
                  : spec.type == FieldType::b                            ? '\xA5'
                                                                         : 'x';
      m.set(spec.number, std::string(std::size_t(spec.max_length), fill));
    }
    // Interop maxima add up to more than one frame: keep the big text fields out of that one.
    if (dialect == Dialect::interop)
      for (int de : {48, 60, 61, 62}) m.erase(de);
    std::string wire;
    CodecResult r = encode(m, dialect, wire);
    INFO(r.message);
    REQUIRE(r.ok());
    IsoMessage back;
    REQUIRE(decode(wire, dialect, back).ok());
    CHECK(back.fields == m.fields);
  }
}

TEST_CASE("empty variable fields and z separators survive both dialects", "[codec]") {
  for (Dialect dialect : {Dialect::cup, Dialect::interop}) {
    IsoMessage m;
    m.mti = "0810";
    m.set(39, "00");
    m.set(63, "");
    m.set(35, "=");
    std::string wire;
    REQUIRE(encode(m, dialect, wire).ok());
    IsoMessage back;
    REQUIRE(decode(wire, dialect, back).ok());
    CHECK(back.fields == m.fields);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors: each CodecError with its data element and byte offset
// ---------------------------------------------------------------------------------------------

TEST_CASE("decode errors name the field and the offset", "[codec]") {
  const std::string good = unhex(sale_request_hex);
  IsoMessage m;

  SECTION("truncated inside a value") {
    CodecResult r = decode(good.substr(0, 60), Dialect::cup, m);
    CHECK(r.error == CodecError::truncated);
    CHECK(r.field == 35);
    CHECK(r.offset == 49);
    CHECK(r.message.find("DE35") != std::string::npos);
    CHECK(m.fields.empty());
  }
  SECTION("truncated in the envelope MTI bitmap and prefix") {
    CHECK(decode(good.substr(0, 7), Dialect::cup, m).error == CodecError::truncated);
    CodecResult r = decode(good.substr(0, 12), Dialect::cup, m);
    CHECK((r.error == CodecError::truncated && r.offset == 11 && r.field == 0));
    r = decode(good.substr(0, 15), Dialect::cup, m);
    CHECK((r.error == CodecError::truncated && r.offset == 13));
    r = decode(good.substr(0, 21), Dialect::cup, m);
    CHECK((r.error == CodecError::truncated && r.field == 2 && r.offset == 21));
    CHECK(decode("", Dialect::interop, m).error == CodecError::truncated);
  }
  SECTION("bad MTI") {
    std::string bad = good;
    bad[11] = '\x0A';
    CodecResult r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::bad_mti && r.offset == 11 && r.field == 0));
    CHECK(decode("02X0" + std::string(8, '\0'), Dialect::interop, m).error == CodecError::bad_mti);
  }
  SECTION("bad bitmap: secondary announced but empty") {
    std::string bad = good.substr(0, 13) + unhex("F02404C020C09811 0000000000000000") + good.substr(21);
    CodecResult r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::bad_bitmap && r.offset == 21));
  }
  SECTION("unknown field") {
    std::string bad = good;
    bad[13] = '\x78';  // + DE5
    CodecResult r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::unknown_field && r.field == 5 && r.offset == 13));
    r = decode_hex("30323030 8000000000000000 8000000000000000", Dialect::interop, m);  // DE65
    CHECK((r.error == CodecError::unknown_field && r.field == 65));
  }
  SECTION("bad length prefix") {
    std::string bad = good;
    bad[21] = '\x1A';
    CodecResult r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::bad_length && r.field == 2 && r.offset == 21));
    r = decode("0200" + unhex("4000000000000000") + "1X6200000000000005", Dialect::interop, m);
    CHECK((r.error == CodecError::bad_length && r.field == 2 && r.offset == 13));
    r = decode("0200" + unhex("0000000000000200") + "0039f2", Dialect::interop, m);  // odd hex text in DE55
    CHECK((r.error == CodecError::bad_length && r.field == 55));
  }
  SECTION("bad digit") {
    std::string bad = good;
    bad[31] = '\x0B';  // inside DE3
    CodecResult r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::bad_digit && r.field == 3 && r.offset == 31));
    bad = good;
    bad[59] = '\xE0';  // a nibble E inside track 2 (only D is allowed there)
    r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::bad_digit && r.field == 35 && r.offset == 59));
    r = decode("0200" + unhex("2000000000000000") + "00A000", Dialect::interop, m);
    CHECK((r.error == CodecError::bad_digit && r.field == 3 && r.offset == 14));
    r = decode("0200" + unhex("0000000000000200") + "0049f2g", Dialect::interop, m);
    CHECK((r.error == CodecError::bad_digit && r.field == 55 && r.offset == 18));
  }
  SECTION("bad char") {
    IsoMessage resp;
    resp.mti = "0210";
    resp.set(39, "00");
    std::string wire;
    REQUIRE(encode(resp, Dialect::cup, wire).ok());
    wire.back() = '\x01';
    CodecResult r = decode(wire, Dialect::cup, m);
    CHECK((r.error == CodecError::bad_char && r.field == 39 && r.offset == wire.size() - 1));
    std::string interop = "0200" + unhex("0000000000800000") + "1000000\xFF";
    r = decode(interop, Dialect::interop, m);
    CHECK((r.error == CodecError::bad_char && r.field == 41 && r.offset == 19));
  }
  SECTION("too long") {
    std::string bad = good;
    bad[21] = '\x20';  // DE2 LL = 20 > 19
    CodecResult r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::too_long && r.field == 2 && r.offset == 21));
    bad = good;
    bad[110] = '\x00';
    bad[111] = '\x18';  // DE60 LLL = 018 > 17
    r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::too_long && r.field == 60 && r.offset == 110));
    r = decode(std::string(max_frame_bytes + 1, '0'), Dialect::interop, m);
    CHECK((r.error == CodecError::too_long && r.offset == 0));
  }
  SECTION("missing field: an empty bitmap") {
    CodecResult r = decode(good.substr(0, 13) + std::string(8, '\0'), Dialect::cup, m);
    CHECK((r.error == CodecError::missing_field && r.offset == 13));
    r = decode("0800" + unhex("8000000000000000 0000000000000000"), Dialect::interop, m);
    CHECK((r.error == CodecError::missing_field && r.offset == 4));
  }
  SECTION("bad envelope") {
    std::string bad = good;
    bad[7] = '\xAB';
    CodecResult r = decode(bad, Dialect::cup, m);
    CHECK((r.error == CodecError::bad_envelope && r.offset == 7));
  }
  SECTION("trailing bytes") {
    CodecResult r = decode(good + "x", Dialect::cup, m);
    CHECK((r.error == CodecError::trailing_bytes && r.offset == good.size()));
  }
  SECTION("bad key") {
    DecodeOptions o;
    o.mac_key = "12345";
    CodecResult r = decode(good, Dialect::cup, m, o);
    CHECK((r.error == CodecError::bad_key && r.field == 64));
  }
}

TEST_CASE("encode errors name the field and the offset", "[codec]") {
  std::string out;
  IsoMessage m = sale_request();

  SECTION("bad MTI") {
    m.mti = "200";
    CHECK(encode(m, Dialect::cup, out).error == CodecError::bad_mti);
    m.mti = "02a0";
    CHECK(encode(m, Dialect::interop, out).error == CodecError::bad_mti);
  }
  SECTION("unknown field") {
    m.set(5, "000000000001");
    CodecResult r = encode(m, Dialect::cup, out);
    CHECK((r.error == CodecError::unknown_field && r.field == 5));
    m.erase(5);
    m.set(1, "x");
    CHECK(encode(m, Dialect::cup, out).field == 1);
    m.erase(1);
    m.set(129, "x");
    CHECK(encode(m, Dialect::cup, out).error == CodecError::unknown_field);
  }
  SECTION("bad length of a fixed field") {
    m.set(3, "00000");
    CodecResult r = encode(m, Dialect::cup, out);
    CHECK((r.error == CodecError::bad_length && r.field == 3 && r.offset == 30));
    CHECK(out.empty());
  }
  SECTION("bad digit") {
    m.set(4, "00000003280A");
    CodecResult r = encode(m, Dialect::cup, out);
    CHECK((r.error == CodecError::bad_digit && r.field == 4 && r.offset == 33));
    m.set(4, "000000032800");
    m.set(36, "12=34");  // interop DE36 is n: no separator
    CHECK(encode(m, Dialect::interop, out).error == CodecError::bad_digit);
  }
  SECTION("bad char") {
    m.set(38, std::string("A1B2C\x01", 6));  // an: printable ASCII only
    CodecResult an = encode(m, Dialect::cup, out);
    CHECK((an.error == CodecError::bad_char && an.field == 38));
    m.erase(38);
    m.erase(53);                            // interop cannot carry the CUP DE53
    m.set(62, std::string("\x80\x81", 2));  // CUP ans admits any byte, interop does not
    CHECK(encode(m, Dialect::cup, out).ok());
    CodecResult r = encode(m, Dialect::interop, out);
    CHECK((r.error == CodecError::bad_char && r.field == 62));
  }
  SECTION("too long") {
    m.set(2, "62000000000000000005");
    CodecResult r = encode(m, Dialect::cup, out);
    CHECK((r.error == CodecError::too_long && r.field == 2 && r.offset == 21));
    m.set(2, "6200000000000005");
    IsoMessage big;
    big.mti = "0200";
    for (int de : {48, 60, 61, 62, 63}) big.set(de, std::string(999, 'x'));
    r = encode(big, Dialect::interop, out);
    CHECK((r.error == CodecError::too_long && r.field == 0));
  }
  SECTION("missing field") {
    IsoMessage empty;
    empty.mti = "0800";
    CHECK(encode(empty, Dialect::cup, out).error == CodecError::missing_field);
    // With a MAC key DE64 alone is a data element.
    CHECK(encode(empty, Dialect::cup, out, with_mac()).ok());
  }
  SECTION("bad envelope") {
    EncodeOptions o;
    o.envelope.tpdu = "60000300";
    CHECK(encode(m, Dialect::cup, out, o).error == CodecError::bad_envelope);
    o.envelope.tpdu = "600003000G";
    CHECK(encode(m, Dialect::cup, out, o).error == CodecError::bad_envelope);
    o.envelope = CupEnvelope{};
    o.envelope.header = "60310000000A";
    CHECK(encode(m, Dialect::cup, out, o).error == CodecError::bad_envelope);
    // Interop has no envelope.
    CHECK(encode(m, Dialect::interop, out, o).error != CodecError::bad_envelope);
  }
  SECTION("bad key") {
    EncodeOptions o;
    o.mac_key = "123456789";
    CHECK(encode(m, Dialect::cup, out, o).error == CodecError::bad_key);
  }
  SECTION("interop DE53 and DE64 follow the package sizes") {
    CHECK(encode(m, Dialect::interop, out).error == CodecError::bad_length);  // DE53 is 48 bytes there
    m.erase(53);
    m.set(64, "12345678");
    CodecResult r = encode(m, Dialect::interop, out);
    CHECK((r.error == CodecError::bad_length && r.field == 64));
    m.set(64, "1234");
    CHECK(encode(m, Dialect::interop, out).ok());
  }
}

TEST_CASE("every error has a name and a message", "[codec]") {
  for (int e = 0; e <= int(CodecError::internal); ++e) CHECK(std::string(codec_error_name(CodecError(e))) != "?");
  CHECK(std::string(mac_status_name(MacStatus::mac_bad)) == "mac_bad");
}

// ---------------------------------------------------------------------------------------------
// MAC
// ---------------------------------------------------------------------------------------------

TEST_CASE("MAC covers the MTI up to DE64 and detects any change", "[codec]") {
  for (Dialect dialect : {Dialect::cup, Dialect::interop}) {
    IsoMessage m = shape(CupOperation::sale, false, dialect);
    std::string wire;
    REQUIRE(encode(m, dialect, wire, with_mac()).ok());
    IsoMessage back;
    DecodeInfo info;

    REQUIRE(decode(wire, dialect, back, check_mac(), &info).ok());
    CHECK(info.mac == MacStatus::mac_ok);

    // Without a key nothing is checked.
    REQUIRE(decode(wire, dialect, back, {}, &info).ok());
    CHECK(info.mac == MacStatus::not_checked);

    // Change the amount (still valid digits): decodes, but the MAC is bad.
    std::string tampered = wire;
    std::size_t amount_at = tampered.find(dialect == Dialect::cup ? unhex("000000032800") : "000000032800");
    REQUIRE(amount_at != std::string::npos);
    tampered[amount_at + (dialect == Dialect::cup ? 3 : 6)] = dialect == Dialect::cup ? '\x09' : '9';
    REQUIRE(decode(tampered, dialect, back, check_mac(), &info).ok());
    CHECK(info.mac == MacStatus::mac_bad);

    // Another key: bad as well.
    DecodeOptions other;
    other.mac_key = test_pin_key();
    REQUIRE(decode(wire, dialect, back, other, &info).ok());
    CHECK(info.mac == MacStatus::mac_bad);

    // No DE64 at all.
    std::string plain;
    REQUIRE(encode(m, dialect, plain).ok());
    REQUIRE(decode(plain, dialect, back, check_mac(), &info).ok());
    CHECK(info.mac == MacStatus::no_mac);
  }
}

TEST_CASE("the MAC is computed over exactly the bytes from the MTI to the byte before DE64", "[codec]") {
  IsoMessage m = sale_request();
  std::string wire;
  REQUIRE(encode(m, Dialect::cup, wire, with_mac()).ok());
  std::string mab = wire.substr(11, wire.size() - 11 - 8);
  CHECK(wire.substr(wire.size() - 8) == compute_mac(mab, test_mac_key()));
  // The envelope is not covered: another TPDU keeps the MAC valid.
  EncodeOptions o = with_mac();
  o.envelope.tpdu = "6000000003";
  std::string other;
  REQUIRE(encode(m, Dialect::cup, other, o).ok());
  CHECK(other.substr(11) == wire.substr(11));

  std::string interop;
  m.erase(53);
  REQUIRE(encode(m, Dialect::interop, interop, with_mac()).ok());
  std::string imab = interop.substr(0, interop.size() - 4);
  CHECK(hex(interop.substr(interop.size() - 4)) == compute_mac(imab, test_mac_key()));
}

// ---------------------------------------------------------------------------------------------
// Envelope
// ---------------------------------------------------------------------------------------------

TEST_CASE("CUP envelope carries the sign-on request and swaps addresses in replies", "[codec]") {
  CupEnvelope e;
  CHECK_FALSE(asks_sign_on(e));
  request_sign_on(e);
  CHECK(asks_sign_on(e));
  CHECK(e.header == "603103000000");
  CupEnvelope reply = reply_envelope(CupEnvelope{});
  CHECK(reply.tpdu == "6000000003");

  IsoMessage m;
  m.mti = "0210";
  m.set(39, "77");
  EncodeOptions o;
  o.envelope = e;
  o.envelope.tpdu = "6012345678";
  std::string wire;
  REQUIRE(encode(m, Dialect::cup, wire, o).ok());
  CHECK(hex(wire.substr(0, 11)) == "6012345678603103000000");
  IsoMessage back;
  DecodeInfo info;
  REQUIRE(decode(wire, Dialect::cup, back, {}, &info).ok());
  CHECK(asks_sign_on(info.envelope));
  CHECK(info.envelope.tpdu == "6012345678");
}

// ---------------------------------------------------------------------------------------------
// Field tables
// ---------------------------------------------------------------------------------------------

TEST_CASE("field tables cover the required data elements", "[codec]") {
  const int required[] = {2,  3,  4,  11, 12, 13, 14, 22, 23, 25, 26, 32, 35, 36, 37,
                          38, 39, 41, 42, 44, 48, 49, 52, 53, 55, 60, 61, 62, 63, 64};
  for (int de : required) {
    INFO("DE" << de);
    CHECK(field_spec(Dialect::cup, de) != nullptr);
    CHECK(field_spec(Dialect::interop, de) != nullptr);
  }
  CHECK(field_spec(Dialect::cup, 1) == nullptr);
  CHECK(field_spec(Dialect::cup, 129) == nullptr);
  CHECK(field_spec(Dialect::cup, -3) == nullptr);
  const FieldSpec* pan = field_spec(Dialect::cup, 2);
  CHECK((pan->type == FieldType::n && pan->form == LengthForm::llvar && pan->max_length == 19));
  const FieldSpec* track3 = field_spec(Dialect::cup, 36);
  CHECK((track3->type == FieldType::z && track3->form == LengthForm::lllvar && track3->max_length == 104));
  CHECK(field_spec(Dialect::cup, 64)->max_length == 8);
  CHECK(field_spec(Dialect::interop, 64)->max_length == 4);
  int last = 0;
  for (const FieldSpec& s : field_specs(Dialect::cup)) {
    CHECK(s.number > last);
    last = s.number;
  }
}

// ---------------------------------------------------------------------------------------------
// Operation names (message_builder.h)
// ---------------------------------------------------------------------------------------------

TEST_CASE("operation codes follow the CUP table", "[codec]") {
  auto codes = [](CupOperation op) {
    OperationCodes c = operation_codes(op);
    return std::string(c.mti) + "/" + std::string(c.processing_code) + "/" + std::string(c.condition_code);
  };
  CHECK(codes(CupOperation::sale) == "0200/000000/00");
  CHECK(codes(CupOperation::void_sale) == "0200/200000/00");
  CHECK(codes(CupOperation::refund) == "0220/200000/00");
  CHECK(codes(CupOperation::preauth) == "0100/030000/06");
  CHECK(codes(CupOperation::preauth_incremental) == "0100/030000/60");
  CHECK(codes(CupOperation::preauth_completion) == "0200/000000/06");
  CHECK(codes(CupOperation::preauth_cancel) == "0100/200000/06");
  CHECK(codes(CupOperation::completion_void) == "0200/200000/06");
  CHECK(codes(CupOperation::balance_inquiry) == "0200/310000/00");
  CHECK(operation_codes(CupOperation::reversal).mti == "0400");
  CHECK(operation_codes(CupOperation::settlement).network_code == "201");
  CHECK(operation_codes(CupOperation::sign_on).mti == "0800");
  CHECK(operation_codes(CupOperation::sale).reversible);
  CHECK_FALSE(operation_codes(CupOperation::balance_inquiry).reversible);
  CHECK_FALSE(operation_codes(CupOperation::refund).reversible);
  CHECK(start_request(CupOperation::sale, "000042").get(60) == "22000042000");
  CHECK(start_request(CupOperation::settlement).get(60) == "00000001201");
}

TEST_CASE("classify reads requests and responses and nothing else", "[codec]") {
  for (CupOperation op : all_operations()) {
    IsoMessage request =
        op == CupOperation::reversal ? reversal_of(start_request(CupOperation::sale), "98") : start_request(op);
    CHECK(classify(request) == std::optional<CupOperation>(op));
    IsoMessage response = request;
    response.mti = response_mti(request.mti);
    CHECK(classify(response) == std::optional<CupOperation>(op));
  }
  IsoMessage odd;
  odd.mti = "0200";
  odd.set(3, "990000");
  odd.set(25, "00");
  CHECK_FALSE(classify(odd));
  odd.mti = "02x0";
  CHECK_FALSE(classify(odd));
  // The account-type digits of DE3 do not matter.
  IsoMessage balance = start_request(CupOperation::balance_inquiry);
  balance.set(3, "311000");
  CHECK(classify(balance) == std::optional<CupOperation>(CupOperation::balance_inquiry));
}

TEST_CASE("menu operations map to message operations and back", "[codec]") {
  for (int i = 0; i < terminal_op_count; ++i) {
    TerminalOp op = TerminalOp(i);
    auto cup = cup_operation(op);
    if (op == TerminalOp::transaction_query || op == TerminalOp::reprint) {
      CHECK_FALSE(cup);
      continue;
    }
    REQUIRE(cup);
    CHECK(terminal_op(*cup) == std::optional<TerminalOp>(op));
  }
  CHECK_FALSE(terminal_op(CupOperation::reversal));
  CHECK(response_mti("0400") == "0410");
  CHECK(response_mti("0210") == "0210");
}

TEST_CASE("a reversal drops track PIN RRN and MAC and carries the reason", "[codec]") {
  IsoMessage sale = sale_request();
  sale.set(37, "000000123456");
  sale.set(64, "F0A44674");
  IsoMessage r = reversal_of(sale, "98");
  CHECK(r.mti == "0400");
  for (int de : {35, 36, 37, 52, 53, 64}) CHECK_FALSE(r.has(de));
  CHECK(r.get(3) == "000000");
  CHECK(r.get(4) == "000000032800");
  CHECK(r.get(39) == "98");
  CHECK(r.get(60) == "22000001000");
  CHECK(r.get(2) == "6200000000000005");
  // A swiped original names its card in track 2 only: the reversal names it in DE2.
  IsoMessage swiped = sale_request();
  swiped.erase(2);
  CHECK(reversal_of(swiped, "06").get(2) == "6200000000000005");
  CHECK(card_number_of(swiped) == "6200000000000005");
}

TEST_CASE("request field rules name the data element that is wrong", "[codec]") {
  IsoMessage sale = sale_request();
  sale.set(11, "000123");
  CHECK(request_field_problem(sale, CupOperation::sale).empty());
  auto problem = [&](auto change) {
    IsoMessage m = sale;
    change(m);
    return request_field_problem(m, CupOperation::sale);
  };
  CHECK(problem([](IsoMessage& m) { m.erase(42); }) == "DE42 is missing: a sale request must carry it");
  CHECK(problem([](IsoMessage& m) {
          m.erase(2);
          m.erase(35);
        }).find("the card is missing") == 0);
  for (int de : {39, 54, 70, 90})
    CHECK(problem([de](IsoMessage& m) { m.set(de, "x"); }).find("DE" + std::to_string(de) + " must not be") == 0);
  CHECK(problem([](IsoMessage& m) { m.set(60, "23000001000"); }).find("DE60.1 is 23") == 0);
  CHECK(problem([](IsoMessage& m) { m.set(60, "22000001201"); }).find("DE60.3 is 201") == 0);
  CHECK(problem([](IsoMessage& m) { m.set(60, "22000001"); }).find("DE60 must hold") == 0);
  CHECK(problem([](IsoMessage& m) { m.set(49, "840"); }) == "DE49 is 840: this acquirer takes CNY (156) only");
  // A reversal may carry DE39 (its reason) and names what it reverses by DE3, DE25 and DE60.1.
  IsoMessage rev = reversal_of(sale, "98");
  CHECK(request_field_problem(rev, CupOperation::reversal).empty());
  CHECK(reversed_operation(rev).op == std::optional<CupOperation>(CupOperation::sale));
  rev.set(60, "10000001000");
  CHECK(reversed_operation(rev).code == "30");
  rev.set(3, "310000");
  CHECK(reversed_operation(rev).code == "12");
  IsoMessage completion_void = reversal_of(start_request(CupOperation::completion_void), "06");
  CHECK(reversed_operation(completion_void).op == std::optional<CupOperation>(CupOperation::completion_void));
  IsoMessage cancel = reversal_of(start_request(CupOperation::preauth_cancel), "06");
  CHECK(reversed_operation(cancel).op == std::optional<CupOperation>(CupOperation::preauth_cancel));
}
