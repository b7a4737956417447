// The nexo codec: round trips of every message kind, exact amounts, masked PANs only, and bad
// inputs named by their JSON path.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "device_bridge/nexo.h"

using namespace posdrill::nexo;

namespace {

Header header(Category c, std::string service = "1") { return Header{c, std::move(service), "KIOSK-1", "POI-1"}; }

PaymentRequest sale(int64_t minor) {
  PaymentRequest p;
  p.sale_transaction = {"T-1", "2026-11-20T14:32:00+08:00"};
  p.requested_minor = minor;
  return p;
}

// A valid payment request's JSON, for tests that break one member of it.
nlohmann::json payment_json() {
  return nlohmann::json::parse(build_request(Request{header(Category::payment), sale(18650)}));
}

std::string error_of(const std::string& text) {
  auto p = parse_request(text);
  REQUIRE_FALSE(p.ok());
  return p.error.to_string();
}

}  // namespace

TEST_CASE("nexo amounts are read exactly from the number text", "[nexo]") {
  CHECK(parse_amount_text("12.34") == 1234);
  CHECK(parse_amount_text("0.29") == 29);  // 0.29 * 100 is 28.999999999999996 as a double
  CHECK(parse_amount_text("186.5") == 18650);
  CHECK(parse_amount_text("1699") == 169900);
  CHECK(parse_amount_text("1699.0") == 169900);
  CHECK(parse_amount_text("12.340") == 1234);
  CHECK(parse_amount_text("9999999999999.99") == 999999999999999);
  CHECK_FALSE(parse_amount_text("12.345"));
  CHECK_FALSE(parse_amount_text("-1.00"));
  CHECK_FALSE(parse_amount_text("1e3"));
  CHECK_FALSE(parse_amount_text("12."));
  CHECK_FALSE(parse_amount_text(".5"));
  CHECK_FALSE(parse_amount_text(""));
  CHECK_FALSE(parse_amount_text("99999999999999"));
  CHECK(posdrill::format_amount(1234) == "12.34");
  CHECK(posdrill::format_amount(5) == "0.05");
  CHECK(posdrill::format_amount(169900) == "1699.00");
}

TEST_CASE("every amount from 0.01 to 100.00 survives build and parse", "[nexo]") {
  for (int64_t minor = 1; minor <= 10000; ++minor) {  // 0.00 is refused (a request's amount is above it)
    auto parsed = parse_request(build_request(Request{header(Category::payment), sale(minor)}));
    REQUIRE(parsed.ok());
    REQUIRE(std::get<PaymentRequest>(parsed.value->body).requested_minor == minor);
  }
  auto big = parse_request(build_request(Request{header(Category::payment), sale(123456789012)}));
  REQUIRE(big.ok());
  CHECK(std::get<PaymentRequest>(big.value->body).requested_minor == 123456789012);
}

TEST_CASE("nexo requests round-trip", "[nexo]") {
  SECTION("login") {
    LoginRequest l;
    l.date_time = "2026-11-20T14:32:00+08:00";
    auto p = parse_request(build_request(Request{header(Category::login), l}));
    REQUIRE(p.ok());
    CHECK(p.value->header.category == Category::login);
    CHECK(p.value->header.sale_id == "KIOSK-1");
    CHECK(std::get<LoginRequest>(p.value->body).training_mode);
  }
  SECTION("pre-auth and completion") {
    PaymentRequest pre = sale(50000);
    pre.type = PaymentType::first_reservation;
    auto p = parse_request(build_request(Request{header(Category::payment), pre}));
    REQUIRE(p.ok());
    CHECK(std::get<PaymentRequest>(p.value->body).type == PaymentType::first_reservation);
    PaymentRequest done = sale(57500);
    done.type = PaymentType::completion;
    done.original =
        OriginalTransaction{TransactionId{"10000001-000001-000007", "2026-11-18T10:00:00+08:00"}, "123456", "", ""};
    p = parse_request(build_request(Request{header(Category::payment, "2"), done}));
    REQUIRE(p.ok());
    const auto& c = std::get<PaymentRequest>(p.value->body);
    CHECK(c.type == PaymentType::completion);
    REQUIRE(c.original);
    CHECK(c.original->approval_code == "123456");
    CHECK(c.original->poi_transaction->transaction_id == "10000001-000001-000007");
  }
  SECTION("reversal, status, abort, display") {
    ReversalRequest v;
    v.original.poi_transaction = TransactionId{"X-1", "2026-11-20T14:32:00+08:00"};
    v.reason = ReversalReason::customer_cancel;
    v.reversed_minor = 1;
    auto p = parse_request(build_request(Request{header(Category::reversal), v}));
    REQUIRE(p.ok());
    CHECK(std::get<ReversalRequest>(p.value->body).reason == ReversalReason::customer_cancel);
    CHECK(std::get<ReversalRequest>(p.value->body).reversed_minor == 1);

    TransactionStatusRequest t{MessageReference{Category::payment, "7", "KIOSK-1", ""}};
    p = parse_request(build_request(Request{header(Category::transaction_status), t}));
    REQUIRE(p.ok());
    CHECK(std::get<TransactionStatusRequest>(p.value->body).reference->service_id == "7");

    p = parse_request(build_request(
        Request{header(Category::abort), AbortRequest{{Category::payment, "7", "", ""}, "MerchantAbort"}}));
    REQUIRE(p.ok());
    CHECK(std::get<AbortRequest>(p.value->body).reason == "MerchantAbort");

    p = parse_request(build_request(Request{header(Category::display), DisplayRequest{"培训 TRAINING"}}));
    REQUIRE(p.ok());
    CHECK(std::get<DisplayRequest>(p.value->body).text == "培训 TRAINING");
  }
}

TEST_CASE("nexo responses round-trip", "[nexo]") {
  PaymentResponse pay;
  pay.response = {Result::failure, "WrongPin", encode_additional({{"trainingMode", "true"}, {"responseCode", "55"}})};
  pay.sale_transaction = {"T-1", "2026-11-20T14:32:00+08:00"};
  pay.poi_transaction = {"P-1", "2026-11-20T14:32:01+08:00"};
  pay.masked_pan = "621094******0021";
  pay.authorized_minor = 18650;
  pay.approval_code = "A1B2C3";
  auto r = parse_response(build_response(Response{header(Category::payment), pay}));
  REQUIRE(r.ok());
  const auto& p = std::get<PaymentResponse>(r.value->body);
  CHECK(p.response.result == Result::failure);
  CHECK(p.response.error_condition == "WrongPin");
  CHECK(additional_value(p.response.additional_response, "responseCode") == "55");
  CHECK(p.masked_pan == "621094******0021");
  CHECK(p.authorized_minor == 18650);
  CHECK(p.approval_code == "A1B2C3");

  TransactionStatusResponse ts;
  ts.response = {Result::success, "", "trainingMode=true"};
  ts.repeated = RepeatedResponse{header(Category::payment, "3"), pay};
  r = parse_response(build_response(Response{header(Category::transaction_status, "4"), ts}));
  REQUIRE(r.ok());
  const auto& t = std::get<TransactionStatusResponse>(r.value->body);
  REQUIRE(t.repeated);
  CHECK(t.repeated->header.service_id == "3");
  CHECK(std::get<PaymentResponse>(t.repeated->body).masked_pan == "621094******0021");

  LoginResponse l;
  l.response.additional_response = "trainingMode=true";
  l.application_name = "posdrill nexo POI";
  r = parse_response(build_response(Response{header(Category::login), l}));
  REQUIRE(r.ok());
  CHECK(std::get<LoginResponse>(r.value->body).global_status == "OK");

  r = parse_response(build_response(Response{header(Category::display), DisplayResponse{}}));
  REQUIRE(r.ok());
}

TEST_CASE("a payment response without SaleData builds back into one the parser takes", "[nexo]") {
  // Found by fuzz.nexo: SaleData is optional when parsing but was always written, empty, when
  // building, and an empty SaleTransactionID is refused.
  const std::string text =
      R"({"SaleToPOIResponse":{"MessageHeader":{"MessageCategory":"Payment","MessageClass":"Service",)"
      R"("MessageType":"Response","POIID":"P","ProtocolVersion":"3.0","SaleID":"S","ServiceID":"1"},)"
      R"("PaymentResponse":{"Response":{"Result":"Failure","ErrorCondition":"Refusal"},)"
      R"("POIData":{"POITransactionID":{"TransactionID":"P1","TimeStamp":"2026-11-21T14:32:05Z"}}}}})";
  auto first = parse_response(text);
  REQUIRE(first.ok());
  const std::string built = build_response(*first.value);
  CHECK(nlohmann::json::parse(built)["SaleToPOIResponse"]["PaymentResponse"].count("SaleData") == 0);
  auto again = parse_response(built);
  REQUIRE(again.ok());
  CHECK(build_response(*again.value) == built);
}

TEST_CASE("a full card number in MaskedPan is refused and not kept", "[nexo]") {
  PaymentResponse pay;
  pay.sale_transaction = {"T-1", "2026-11-20T14:32:00+08:00"};
  pay.poi_transaction = {"P-1", "2026-11-20T14:32:01+08:00"};
  pay.masked_pan = "621094******0021";
  auto j = nlohmann::json::parse(build_response(Response{header(Category::payment), pay}));
  j["SaleToPOIResponse"]["PaymentResponse"]["PaymentResult"]["PaymentInstrumentData"]["CardData"]["MaskedPan"] =
      "6210947000000021";
  auto r = parse_response(j.dump());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.path == "SaleToPOIResponse.PaymentResponse.PaymentResult.PaymentInstrumentData.CardData.MaskedPan");
  CHECK(r.error.to_string().find("6210947000000021") == std::string::npos);
  CHECK(is_masked_pan("476173XXXXXX0010"));
  CHECK_FALSE(is_masked_pan("4761739001010010"));
  CHECK_FALSE(is_masked_pan("4761**0010"));
  // The builder never writes anything but a masked number either.
  pay.masked_pan = "6210947000000021";
  CHECK(build_response(Response{header(Category::payment), pay}).find("6210947000000021") == std::string::npos);
}

TEST_CASE("bad nexo requests name the path and what was expected", "[nexo]") {
  CHECK(error_of("") == "at the top: expected well-formed JSON (syntax error near byte 1)");
  CHECK(error_of("[1,2]") == "at the top: expected a JSON object");
  CHECK(error_of("{\"SaleToPOIRequest\": 5}") == "at SaleToPOIRequest: expected an object");
  CHECK(error_of("{}") == "at SaleToPOIRequest: expected an object (missing)");
  CHECK(error_of(std::string(max_message_bytes + 1, ' ')) == "at the top: expected a message of at most 65536 bytes");
  CHECK(error_of(std::string(40, '[') + std::string(40, ']')).find("nesting") != std::string::npos);

  auto j = payment_json();
  j["SaleToPOIRequest"]["PaymentRequest"]["PaymentTransaction"]["AmountsReq"]["RequestedAmount"] = "12.34";
  CHECK(error_of(j.dump()) ==
        "at SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq.RequestedAmount: expected a decimal amount "
        "like 12.34 (no sign, at most 2 decimals)");
  std::string three_decimals = payment_json().dump();
  auto at = three_decimals.find("186.5");
  REQUIRE(at != std::string::npos);
  three_decimals.replace(at, 5, "186.505");
  CHECK(error_of(three_decimals).find("RequestedAmount") != std::string::npos);
  std::string negative = payment_json().dump();
  negative.replace(negative.find("186.5"), 5, "-186.5");
  CHECK(error_of(negative).find("RequestedAmount") != std::string::npos);

  j = payment_json();
  j["SaleToPOIRequest"]["MessageHeader"]["MessageCategory"] = "Gamble";
  CHECK(error_of(j.dump()).find("at SaleToPOIRequest.MessageHeader.MessageCategory: expected Login") == 0);
  j = payment_json();
  j["SaleToPOIRequest"]["MessageHeader"]["MessageType"] = "Response";
  CHECK(error_of(j.dump()) == "at SaleToPOIRequest.MessageHeader.MessageType: expected Request");
  j = payment_json();
  j["SaleToPOIRequest"]["MessageHeader"]["ServiceID"] = "12345678901";
  CHECK(error_of(j.dump()) == "at SaleToPOIRequest.MessageHeader.ServiceID: expected a string of 1 to 10 bytes");
  j = payment_json();
  j["SaleToPOIRequest"]["PaymentRequest"]["PaymentData"]["PaymentType"] = "Lottery";
  CHECK(error_of(j.dump()).find("expected one of Normal, FirstReservation, Completion") != std::string::npos);
  j = payment_json();
  j["SaleToPOIRequest"]["PaymentRequest"].erase("SaleData");
  CHECK(error_of(j.dump()) == "at SaleToPOIRequest.PaymentRequest.SaleData: expected an object (missing)");
  j = payment_json();
  j["SaleToPOIRequest"]["PaymentRequest"]["PaymentData"]["PaymentType"] = "Completion";
  CHECK(error_of(j.dump()) ==
        "at SaleToPOIRequest.PaymentRequest.PaymentTransaction.OriginalPOITransaction: expected an object (missing)");
  std::string dup = payment_json().dump();
  dup.replace(dup.find("\"ServiceID\""), 0, "\"ServiceID\":\"9\",");
  CHECK(error_of(dup).find("duplicate key") != std::string::npos);
}

TEST_CASE("a request's protocol version, amounts and card fields are held to nexo's rules", "[nexo]") {
  auto j = payment_json();
  j["SaleToPOIRequest"]["PaymentRequest"]["PaymentTransaction"]["AmountsReq"]["RequestedAmount"] = 0;
  CHECK(error_of(j.dump()) ==
        "at SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq.RequestedAmount: expected an amount above "
        "0.00");
  j = payment_json();
  j["SaleToPOIRequest"]["MessageHeader"]["ProtocolVersion"] = "2.0";
  CHECK(error_of(j.dump()).find("at SaleToPOIRequest.MessageHeader.ProtocolVersion: expected protocol version 3.x") ==
        0);
  // Left out: allowed in a payment (the POI asks for a login first), refused in a Login.
  j = payment_json();
  j["SaleToPOIRequest"]["MessageHeader"].erase("ProtocolVersion");
  auto p = parse_request(j.dump());
  REQUIRE(p.ok());
  CHECK(p.value->header.protocol_version.empty());
  CHECK(build_request(*p.value).find("\"ProtocolVersion\":\"3.0\"") != std::string::npos);
  LoginRequest l;
  l.date_time = "2026-11-20T14:32:00+08:00";
  auto login = nlohmann::json::parse(build_request(Request{header(Category::login), l}));
  login["SaleToPOIRequest"]["MessageHeader"].erase("ProtocolVersion");
  CHECK(error_of(login.dump()) ==
        "at SaleToPOIRequest.MessageHeader.ProtocolVersion: expected the protocol version in "
        "a Login: 3.0 (missing)");
  // A full card number in MaskedPan, wherever a request puts it, is refused and not repeated.
  j = payment_json();
  j["SaleToPOIRequest"]["PaymentRequest"]["PaymentData"]["PaymentInstrumentData"]["CardData"]["MaskedPan"] =
      "6210947000000021";
  std::string e = error_of(j.dump());
  CHECK(e.find("PaymentInstrumentData.CardData.MaskedPan: expected a masked card number") != std::string::npos);
  CHECK(e.find("6210947000000021") == std::string::npos);
  j["SaleToPOIRequest"]["PaymentRequest"]["PaymentData"]["PaymentInstrumentData"]["CardData"]["MaskedPan"] =
      6210947000000021;
  CHECK(error_of(j.dump()).find("MaskedPan: expected a masked card number") != std::string::npos);
  j["SaleToPOIRequest"]["PaymentRequest"]["PaymentData"]["PaymentInstrumentData"]["CardData"]["MaskedPan"] =
      "621094******0021";
  CHECK(parse_request(j.dump()).ok());
}

TEST_CASE("garbage never crashes the nexo parser", "[nexo]") {
  std::string base = payment_json().dump();
  uint32_t state = 12345;
  for (int i = 0; i < 3000; ++i) {
    std::string t = base;
    for (int k = 0; k < 1 + i % 4; ++k) {
      state = state * 1103515245 + 12345;
      t[(state >> 8) % t.size()] = char(state >> 24);
    }
    auto p = parse_request(t);
    if (!p.ok()) CHECK_FALSE(p.error.expected.empty());
    auto q = parse_response(t);
    CHECK_FALSE(q.ok());
  }
}

TEST_CASE("AdditionalResponse is URL-encoded both ways", "[nexo]") {
  std::string a = encode_additional({{"trainingMode", "true"}, {"message", "密码错 & retry=1"}});
  CHECK(a.find(' ') == std::string::npos);
  CHECK(additional_value(a, "message") == "密码错 & retry=1");
  CHECK(additional_value(a, "trainingMode") == "true");
  CHECK_FALSE(additional_value(a, "responseCode"));
  CHECK(additional_value("a=1&refusalReason=55+Wrong%20PIN", "refusalReason") == "55 Wrong PIN");
}
