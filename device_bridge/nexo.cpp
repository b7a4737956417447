// nexo Sale-to-POI codec (nexo.h), the first of its two files; the bounded reader and the parsers
// are nexo_parse.cpp's, the name tables both use nexo_internal.h's.
// [SECTION] Names
// [SECTION] Amounts, masked PAN, AdditionalResponse
// [SECTION] Builders
// [SECTION] The terminal's address
#include "device_bridge/nexo.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "device_bridge/nexo_internal.h"

namespace posdrill::nexo {

using json = nlohmann::json;
using namespace internal;

// ---------------------------------------------------------------------------------------------
// [SECTION] Names
// ---------------------------------------------------------------------------------------------

namespace internal {

std::string_view body_key(Category c, bool request) {
  switch (c) {
    case Category::login:
      return request ? "LoginRequest" : "LoginResponse";
    case Category::payment:
      return request ? "PaymentRequest" : "PaymentResponse";
    case Category::reversal:
      return request ? "ReversalRequest" : "ReversalResponse";
    case Category::transaction_status:
      return request ? "TransactionStatusRequest" : "TransactionStatusResponse";
    case Category::abort:
      return request ? "AbortRequest" : "AbortResponse";
    case Category::display:
      return request ? "DisplayRequest" : "DisplayResponse";
  }
  return "?";
}

}  // namespace internal

std::string_view category_name(Category c) { return name_of(category_names, c); }
std::optional<Category> parse_category(std::string_view name) { return value_of(category_names, name); }
std::string_view payment_type_name(PaymentType t) { return name_of(payment_type_names, t); }
std::string_view reversal_reason_name(ReversalReason r) { return name_of(reversal_reason_names, r); }
std::string_view result_name(Result r) { return name_of(result_names, r); }

std::string Error::to_string() const {
  return (path.empty() ? std::string("at the top") : "at " + path) + ": expected " + expected;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Amounts, masked PAN, AdditionalResponse
// ---------------------------------------------------------------------------------------------

std::optional<int64_t> parse_amount_text(std::string_view s) {
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 13) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(frac)) return std::nullopt;  // also refuses '-', '+', 'e'
  if (frac.size() > 2 && frac.find_first_not_of('0', 2) != std::string_view::npos) return std::nullopt;
  int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  v *= 100;
  if (frac.size() >= 1) v += 10 * (frac[0] - '0');
  if (frac.size() >= 2) v += frac[1] - '0';
  return v;
}

bool is_masked_pan(std::string_view t) {
  if (t.size() < 13 || t.size() > 19) return false;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t i = 0; i < t.size(); ++i) {
    bool edge = i < 6 || i + 4 >= t.size();
    if (edge ? !digit(t[i]) : (t[i] != '*' && t[i] != 'X')) return false;
  }
  return true;
}

namespace {

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> additional_value(std::string_view additional, std::string_view key) {
  while (!additional.empty()) {
    std::size_t amp = additional.find('&');
    std::string_view item = additional.substr(0, amp);
    std::size_t eq = item.find('=');
    if (url_decode(item.substr(0, eq)) == key)
      return eq == std::string_view::npos ? std::string() : url_decode(item.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    additional.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string encode_additional(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out;
  for (const auto& [k, v] : items) {
    if (!out.empty()) out += '&';
    out += url_encode(k) + "=" + url_encode(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Builders
// ---------------------------------------------------------------------------------------------

namespace {

// Amounts travel as JSON numbers. minor / 100.0 is the double nearest the decimal (both operands
// are exact, division rounds correctly), and nlohmann prints the shortest text that reads back
// as that double, so 1234 prints "12.34" and 18650 prints "186.5".
json amount_json(int64_t minor) { return json(double(minor) / 100.0); }

json header_json(const Header& h, bool request) {
  return json{{"ProtocolVersion", h.protocol_version.empty() ? std::string(protocol_version) : h.protocol_version},
              {"MessageClass", h.category == Category::display ? "Device" : "Service"},
              {"MessageCategory", category_name(h.category)},
              {"MessageType", request ? "Request" : "Response"},
              {"ServiceID", h.service_id},
              {"SaleID", h.sale_id},
              {"POIID", h.poi_id}};
}

json txn_json(const TransactionId& t) { return json{{"TransactionID", t.transaction_id}, {"TimeStamp", t.time_stamp}}; }

json original_json(const OriginalTransaction& o) {
  json j = json::object();
  if (o.poi_transaction) j["POITransactionID"] = txn_json(*o.poi_transaction);
  if (!o.approval_code.empty()) j["ApprovalCode"] = o.approval_code;
  if (!o.sale_id.empty()) j["SaleID"] = o.sale_id;
  if (!o.poi_id.empty()) j["POIID"] = o.poi_id;
  return j;
}

json reference_json(const MessageReference& m) {
  json j = json::object();
  if (m.category) j["MessageCategory"] = category_name(*m.category);
  if (!m.service_id.empty()) j["ServiceID"] = m.service_id;
  if (!m.sale_id.empty()) j["SaleID"] = m.sale_id;
  if (!m.poi_id.empty()) j["POIID"] = m.poi_id;
  return j;
}

json status_json(const ResponseStatus& s) {
  json j{{"Result", result_name(s.result)}};
  if (!s.error_condition.empty()) j["ErrorCondition"] = s.error_condition;
  if (!s.additional_response.empty()) j["AdditionalResponse"] = s.additional_response;
  return j;
}

struct RequestBodyJson {
  json operator()(const LoginRequest& l) const {
    return json{{"DateTime", l.date_time},
                {"SaleSoftware",
                 {{"ManufacturerID", "posdrill"},
                  {"ApplicationName", l.application_name},
                  {"SoftwareVersion", l.software_version},
                  {"CertificationCode", l.certification_code}}},
                {"OperatorLanguage", l.operator_language},
                {"TrainingModeFlag", l.training_mode}};
  }
  json operator()(const PaymentRequest& p) const {
    json txn{{"AmountsReq", {{"Currency", p.currency}, {"RequestedAmount", amount_json(p.requested_minor)}}}};
    if (p.original) txn["OriginalPOITransaction"] = original_json(*p.original);
    return json{{"SaleData", {{"SaleTransactionID", txn_json(p.sale_transaction)}}},
                {"PaymentTransaction", txn},
                {"PaymentData", {{"PaymentType", payment_type_name(p.type)}}}};
  }
  json operator()(const ReversalRequest& v) const {
    json j{{"OriginalPOITransaction", original_json(v.original)}, {"ReversalReason", reversal_reason_name(v.reason)}};
    if (v.reversed_minor) j["ReversedAmount"] = amount_json(*v.reversed_minor);
    return j;
  }
  json operator()(const TransactionStatusRequest& t) const {
    json j = json::object();
    if (t.reference) j["MessageReference"] = reference_json(*t.reference);
    return j;
  }
  json operator()(const AbortRequest& a) const {
    return json{{"MessageReference", reference_json(a.reference)}, {"AbortReason", a.reason}};
  }
  json operator()(const DisplayRequest& d) const {
    json text{{"Text", d.text}};
    return json{
        {"DisplayOutput",
         json::array({json{{"Device", "CashierDisplay"},
                           {"InfoQualify", "Display"},
                           {"OutputContent", {{"OutputFormat", "Text"}, {"OutputText", json::array({text})}}}}})}};
  }
};

json payment_response_json(const PaymentResponse& p) {
  json result{{"PaymentType", payment_type_name(p.payment_type)}};
  if (!p.masked_pan.empty() && is_masked_pan(p.masked_pan)) {
    json card{{"MaskedPan", p.masked_pan}};
    if (!p.payment_brand.empty()) card["PaymentBrand"] = p.payment_brand;
    result["PaymentInstrumentData"] = {{"PaymentInstrumentType", "Card"}, {"CardData", card}};
  }
  if (p.authorized_minor) {
    result["AmountsResp"] = {{"AuthorizedAmount", amount_json(*p.authorized_minor)}};
    if (!p.currency.empty()) result["AmountsResp"]["Currency"] = p.currency;
  }
  if (!p.approval_code.empty() || p.acquirer_transaction || !p.merchant_id.empty()) {
    json acq{{"MerchantID", p.merchant_id}, {"AcquirerPOIID", p.acquirer_poi_id}};
    if (!p.approval_code.empty()) acq["ApprovalCode"] = p.approval_code;
    if (p.acquirer_transaction) acq["AcquirerTransactionID"] = txn_json(*p.acquirer_transaction);
    result["PaymentAcquirerData"] = acq;
  }
  json j{{"Response", status_json(p.response)},
         {"POIData", {{"POITransactionID", txn_json(p.poi_transaction)}}},
         {"PaymentResult", result}};
  // SaleData is optional in a response (a refusal may not echo it): written only when known, so
  // what the parser accepted builds back into something it accepts again.
  if (!p.sale_transaction.transaction_id.empty()) j["SaleData"] = {{"SaleTransactionID", txn_json(p.sale_transaction)}};
  return j;
}

json reversal_response_json(const ReversalResponse& v) {
  json j{{"Response", status_json(v.response)}};
  if (v.poi_transaction) j["POIData"] = {{"POITransactionID", txn_json(*v.poi_transaction)}};
  if (v.original) j["OriginalPOITransaction"] = original_json(*v.original);
  if (v.reversed_minor) j["ReversedAmount"] = amount_json(*v.reversed_minor);
  return j;
}

struct ResponseBodyJson {
  json operator()(const LoginResponse& l) const {
    return json{{"Response", status_json(l.response)},
                {"POISystemData",
                 {{"DateTime", l.date_time},
                  {"POISoftware",
                   {{"ManufacturerID", l.manufacturer_id},
                    {"ApplicationName", l.application_name},
                    {"SoftwareVersion", l.software_version},
                    {"CertificationCode", l.certification_code}}},
                  {"POIStatus", {{"GlobalStatus", l.global_status}}}}}};
  }
  json operator()(const PaymentResponse& p) const { return payment_response_json(p); }
  json operator()(const ReversalResponse& v) const { return reversal_response_json(v); }
  json operator()(const TransactionStatusResponse& t) const {
    json j{{"Response", status_json(t.response)}};
    if (t.reference) j["MessageReference"] = reference_json(*t.reference);
    if (t.repeated) {
      json body =
          std::holds_alternative<PaymentResponse>(t.repeated->body)
              ? json{{"PaymentResponse", payment_response_json(std::get<PaymentResponse>(t.repeated->body))}}
              : json{{"ReversalResponse", reversal_response_json(std::get<ReversalResponse>(t.repeated->body))}};
      j["RepeatedMessageResponse"] = {{"MessageHeader", header_json(t.repeated->header, false)},
                                      {"RepeatedResponseMessageBody", body}};
    }
    return j;
  }
  json operator()(const DisplayResponse& d) const {
    return json{{"OutputResult", json::array({json{{"Device", "CashierDisplay"},
                                                   {"InfoQualify", "Display"},
                                                   {"Response", status_json(d.response)}}})}};
  }
};

}  // namespace

std::string build_request(const Request& request) {
  json env{{"MessageHeader", header_json(request.header, true)}};
  env[std::string(body_key(request.header.category, true))] = std::visit(RequestBodyJson{}, request.body);
  return json{{"SaleToPOIRequest", env}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string build_response(const Response& response) {
  json env{{"MessageHeader", header_json(response.header, false)}};
  env[std::string(body_key(response.header.category, false))] = std::visit(ResponseBodyJson{}, response.body);
  return json{{"SaleToPOIResponse", env}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace posdrill::nexo

// ---------------------------------------------------------------------------------------------
// [SECTION] The terminal's address
// ---------------------------------------------------------------------------------------------

namespace posdrill {

std::optional<NexoTarget> parse_nexo_url(std::string_view url, std::string& error) {
  NexoTarget t;
  std::string_view rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    t.https = true;
    rest = url.substr(8);
  } else {
    error = "the terminal address must start with http:// or https://, like http://192.0.2.10:8443/nexo";
    return std::nullopt;
  }
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  t.path = slash == std::string_view::npos ? "/nexo" : std::string(rest.substr(slash));
  if (t.path.find_first_of("?#@ ") != std::string::npos || authority.find('@') != std::string_view::npos) {
    error = "the terminal address must be a plain address and path, without user, query or fragment";
    return std::nullopt;
  }
  std::string why;
  auto e = parse_endpoint(authority, why);
  if (!e || e->port == 0) {
    error = "the terminal address needs a numeric address and port, like 192.0.2.10:8443" +
            (why.empty() ? std::string() : " (" + why + ")");
    return std::nullopt;
  }
  t.endpoint = *e;
  return t;
}

std::string nexo_url_text(const NexoTarget& t) {
  return std::string(t.https ? "https://" : "http://") + endpoint_text(t.endpoint) + t.path;
}

}  // namespace posdrill
