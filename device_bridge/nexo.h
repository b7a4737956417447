// nexo Sale-to-POI messages (the JSON shape of the Adyen Terminal API, protocol 3.0) as typed
// structs: the parser and the builders both sides of the link use. The sale system (the kiosk, or
// any cash register) POSTs a SaleToPOIRequest to the terminal's /nexo endpoint and gets a
// SaleToPOIResponse back. Field names follow the models of npm @adyen/api-library
// (src/typings/terminal), our independent peer.
//
// Contracts
// - Pure: standard library + nlohmann_json; nothing throws out of this header's functions.
// - Bounded: texts over max_message_bytes (64 KiB) or nested deeper than 32 levels are refused.
// - Errors name the JSON path ("SaleToPOIRequest.PaymentRequest.SaleData.SaleTransactionID") and
//   what was expected there.
// - Card data: only a masked PAN (first 6 + last 4, the rest '*' or 'X') is ever read or kept. A
//   MaskedPan member anywhere in a request or an answer that holds anything else is refused (the
//   value is not kept); SensitiveCardData is never read.
// - Requests: ProtocolVersion must be 3.x when present and is required in a Login; amounts must
//   be above 0.00.
// - Amounts: nexo carries them as JSON decimal numbers (12.34). They are read from the number's
//   own text into minor units (fen) — never through a double — and refused with more than two
//   significant decimals, an exponent or a sign. Written back, 1234 fen prints as 12.34.
// - Subset: Login, Payment (Normal = sale, FirstReservation = pre-auth, Completion), Reversal,
//   TransactionStatus, Abort and Display. Unknown members are ignored, as nexo allows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "device_bridge/endpoint.h"
#include "scenarios/model.h"

namespace posdrill::nexo {

inline constexpr std::size_t max_message_bytes = 64 * 1024;
inline constexpr std::string_view protocol_version = "3.0";

enum class Category { login, payment, reversal, transaction_status, abort, display };
std::string_view category_name(Category c);  // "Login", "TransactionStatus", ...
std::optional<Category> parse_category(std::string_view name);

// MessageHeader. MessageClass is derived: "Device" for Display, "Service" otherwise.
struct Header {
  Category category = Category::payment;
  std::string service_id;  // unique per sale system request (1-10 characters in nexo)
  std::string sale_id;     // the sale system
  std::string poi_id;      // the terminal
  // "" in a parsed request that left it out (allowed once its SaleID has logged in); built
  // messages write "3.0" then.
  std::string protocol_version = std::string(nexo::protocol_version);
};

// TransactionIdentification: an id and an ISO 8601 time stamp.
struct TransactionId {
  std::string transaction_id;
  std::string time_stamp;
};

enum class PaymentType { normal, first_reservation, completion };
std::string_view payment_type_name(PaymentType t);  // "Normal", "FirstReservation", "Completion"

// OriginalPOITransaction: which earlier transaction a completion or reversal refers to.
struct OriginalTransaction {
  std::optional<TransactionId> poi_transaction;  // POITransactionID of the original's answer
  std::string approval_code;                     // the original's auth code
  std::string sale_id, poi_id;
};

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

struct LoginRequest {
  std::string date_time;  // the sale system's clock, ISO 8601
  std::string operator_language = "zh";
  bool training_mode = true;  // TrainingModeFlag: the kiosk always asks for training
  std::string application_name = "posdrill";
  std::string software_version = "1";
  std::string certification_code = "TRAINING";
};

struct PaymentRequest {
  TransactionId sale_transaction;  // SaleData.SaleTransactionID
  std::string currency = "CNY";
  int64_t requested_minor = 0;  // AmountsReq.RequestedAmount in fen
  PaymentType type = PaymentType::normal;
  std::optional<OriginalTransaction> original;  // completion: the pre-auth
};

enum class ReversalReason { customer_cancel, merchant_cancel, malfunction, unable_to_complete };
std::string_view reversal_reason_name(ReversalReason r);  // "CustCancel", "MerchantCancel", ...

struct ReversalRequest {
  OriginalTransaction original;
  ReversalReason reason = ReversalReason::merchant_cancel;
  std::optional<int64_t> reversed_minor;
};

// MessageReference: points at an earlier request by its header.
struct MessageReference {
  std::optional<Category> category;
  std::string service_id, sale_id, poi_id;
};

struct TransactionStatusRequest {
  std::optional<MessageReference> reference;  // absent: the last transaction
};

struct AbortRequest {
  MessageReference reference;
  std::string reason;
};

// One text on the cashier's display (the subset a sale system uses to show a message).
struct DisplayRequest {
  std::string text;
};

using RequestBody =
    std::variant<LoginRequest, PaymentRequest, ReversalRequest, TransactionStatusRequest, AbortRequest, DisplayRequest>;

struct Request {
  Header header;
  RequestBody body;
};

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

enum class Result { success, failure, partial };
std::string_view result_name(Result r);

// The Response member every answer has. AdditionalResponse is a URL-encoded key=value list.
struct ResponseStatus {
  Result result = Result::success;
  std::string error_condition;  // "Refusal", "WrongPin", "NotFound", ... ("" on success)
  std::string additional_response;
  bool ok() const { return result == Result::success; }
};

struct LoginResponse {
  ResponseStatus response;
  std::string date_time;
  std::string manufacturer_id, application_name, software_version, certification_code;
  std::string global_status = "OK";  // POIStatus.GlobalStatus
};

struct PaymentResponse {
  ResponseStatus response;
  TransactionId sale_transaction;  // echoes the request's
  TransactionId poi_transaction;   // POIData.POITransactionID
  PaymentType payment_type = PaymentType::normal;
  std::string masked_pan;     // PaymentInstrumentData.CardData.MaskedPan (first 6 + last 4 only)
  std::string payment_brand;  // "cup", "visa", ...
  std::string currency;
  std::optional<int64_t> authorized_minor;  // AmountsResp.AuthorizedAmount
  std::string approval_code;                // PaymentAcquirerData.ApprovalCode
  std::optional<TransactionId> acquirer_transaction;
  std::string merchant_id, acquirer_poi_id;
};

struct ReversalResponse {
  ResponseStatus response;
  std::optional<TransactionId> poi_transaction;
  std::optional<OriginalTransaction> original;
  std::optional<int64_t> reversed_minor;
};

// RepeatedMessageResponse: the answer the original request got (or would have got).
struct RepeatedResponse {
  Header header;
  std::variant<PaymentResponse, ReversalResponse> body;
};

struct TransactionStatusResponse {
  ResponseStatus response;
  std::optional<MessageReference> reference;
  std::optional<RepeatedResponse> repeated;
};

struct DisplayResponse {
  ResponseStatus response;  // OutputResult[0].Response
};

using ResponseBody =
    std::variant<LoginResponse, PaymentResponse, ReversalResponse, TransactionStatusResponse, DisplayResponse>;

struct Response {
  Header header;
  ResponseBody body;
};

// ---------------------------------------------------------------------------------------------
// Parsing and building
// ---------------------------------------------------------------------------------------------

struct Error {
  std::string path;      // "SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq"
  std::string expected;  // "RequestedAmount: a decimal amount with at most 2 decimals"
  std::string to_string() const;
};

template <class T>
struct Parsed {
  std::optional<T> value;
  Error error;
  bool ok() const { return value.has_value(); }
};

Parsed<Request> parse_request(std::string_view text);
Parsed<Response> parse_response(std::string_view text);

// The JSON text of a message. Requests carry MessageType "Request", responses "Response".
std::string build_request(const Request& request);
std::string build_response(const Response& response);

// Amount text -> minor units. "12.34" -> 1234, "12" -> 1200, "12.3" -> 1230, "12.340" -> 1234;
// nullopt for a sign, an exponent, more than 2 significant decimals or more than 15 digits. The
// other way is format_amount() (scenarios/model.h).
std::optional<int64_t> parse_amount_text(std::string_view text);

// A masked PAN as nexo sends it: 6 digits, 3-9 of '*' or 'X', 4 digits (13-19 characters).
bool is_masked_pan(std::string_view text);

// AdditionalResponse (application/x-www-form-urlencoded): read one key, write a list.
std::optional<std::string> additional_value(std::string_view additional, std::string_view key);
std::string encode_additional(const std::vector<std::pair<std::string, std::string>>& items);

}  // namespace posdrill::nexo

namespace posdrill {

// Where a terminal's nexo endpoint is: http or https, a numeric address (or localhost) with a
// port, a plain path. Parsed here, with the codec, so the config check and the kiosk's bridge
// apply one rule.
struct NexoTarget {
  bool https = false;
  Endpoint endpoint;
  std::string path = "/nexo";
};
// "http://127.0.0.1:8080/nexo" -> NexoTarget; nullopt with `error` in plain words otherwise.
std::optional<NexoTarget> parse_nexo_url(std::string_view url, std::string& error);
std::string nexo_url_text(const NexoTarget& t);

}  // namespace posdrill
