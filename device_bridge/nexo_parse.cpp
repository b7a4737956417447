// nexo Sale-to-POI codec (nexo.h): reading a message. A bounded SAX reader keeps every number's
// own text; field readers with paths report the first thing that is not as expected.
// [SECTION] The bounded reader: a DOM plus the text of every number, by path
// [SECTION] Parsing
#include <map>
#include <nlohmann/json.hpp>

#include "device_bridge/nexo.h"
#include "device_bridge/nexo_internal.h"

namespace posdrill::nexo {

using json = nlohmann::json;
using namespace internal;

// ---------------------------------------------------------------------------------------------
// [SECTION] The bounded reader: a DOM plus the text of every number, by path
// ---------------------------------------------------------------------------------------------

namespace {

constexpr std::size_t max_depth = 32;

// Builds the DOM through nlohmann's SAX interface so that each number keeps its own text (the
// DOM alone would turn 0.29 into a double). Refuses duplicate keys and deep nesting.
class DomBuilder {
 public:
  json root;
  std::map<std::string, std::string> numbers;  // path -> the number as written
  Error error;
  bool failed = false;

  bool null() { return place(json(nullptr), nullptr); }
  bool boolean(bool v) { return place(json(v), nullptr); }
  bool number_integer(json::number_integer_t v) {
    std::string t = std::to_string(v);
    if (in_masked_pan()) return refuse_pan(t);
    return place(json(v), &t);
  }
  bool number_unsigned(json::number_unsigned_t v) {
    std::string t = std::to_string(v);
    if (in_masked_pan()) return refuse_pan(t);
    return place(json(v), &t);
  }
  bool number_float(json::number_float_t v, const std::string& text) { return place(json(v), &text); }
  bool string(std::string& v) {
    // A full card number never enters the DOM, in a request or an answer, wherever it sits.
    if (in_masked_pan() && !is_masked_pan(v)) return refuse_pan(v);
    return place(json(std::move(v)), nullptr);
  }
  bool binary(json::binary_t&) { return fail("", "JSON text"); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool key(std::string& k) {
    if (stack_.back().node->contains(k)) return fail(child_path(k), "each member once (duplicate key)");
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    return fail("", "well-formed JSON (syntax error near byte " + std::to_string(position) + ")");
  }

 private:
  struct Frame {
    json* node;
    std::string path;
  };
  bool fail(std::string path, std::string expected) {
    if (!failed) error = {std::move(path), std::move(expected)};
    failed = true;
    return false;
  }
  bool in_masked_pan() const { return !stack_.empty() && stack_.back().node->is_object() && key_ == "MaskedPan"; }
  bool refuse_pan(std::string& value) {
    for (char& c : value) c = '\0';  // not kept: it may be a real card number
    return fail(child_path(key_), "a masked card number: first 6 and last 4 digits only");
  }
  std::string child_path(const std::string& k) const {
    const std::string& p = stack_.back().path;
    return p.empty() ? k : p + "." + k;
  }
  // Puts a value at the current position; returns it and its path.
  json* put(json v, std::string& path) {
    if (stack_.empty()) {
      root = std::move(v);
      path.clear();
      return &root;
    }
    Frame& top = stack_.back();
    if (top.node->is_array()) {
      path = top.path + "[" + std::to_string(top.node->size()) + "]";
      top.node->push_back(std::move(v));
      return &top.node->back();
    }
    path = child_path(key_);
    json& slot = (*top.node)[key_];
    slot = std::move(v);
    return &slot;
  }
  bool place(json v, const std::string* number_text) {
    std::string path;
    put(std::move(v), path);
    if (number_text) numbers[path] = *number_text;
    return true;
  }
  bool open(json v) {
    if (stack_.size() >= max_depth) return fail(stack_.back().path, "at most 32 levels of nesting");
    std::string path;
    json* node = put(std::move(v), path);
    stack_.push_back({node, path});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  std::vector<Frame> stack_;
  std::string key_;
};

struct Node {
  const json* j = nullptr;
  std::string path;
};

// Field readers. The first failure is kept; every reader returns false once something failed.
class Reader {
 public:
  explicit Reader(const std::map<std::string, std::string>& numbers) : numbers_(numbers) {}
  Error error;
  bool failed = false;

  bool fail(const std::string& path, std::string expected) {
    if (!failed) error = {path, std::move(expected)};
    failed = true;
    return false;
  }
  static std::string join(const Node& parent, std::string_view key) {
    return parent.path.empty() ? std::string(key) : parent.path + "." + std::string(key);
  }
  const json* find(const Node& parent, std::string_view key) const {
    auto it = parent.j->find(std::string(key));
    return it == parent.j->end() ? nullptr : &*it;
  }

  std::optional<Node> object(const Node& parent, std::string_view key, bool required) {
    if (failed) return std::nullopt;
    const json* c = find(parent, key);
    std::string path = join(parent, key);
    if (!c) {
      if (required) fail(path, "an object (missing)");
      return std::nullopt;
    }
    if (!c->is_object()) {
      fail(path, "an object");
      return std::nullopt;
    }
    return Node{c, path};
  }

  // The first element of an array of objects (nexo wraps several members in arrays).
  std::optional<Node> first_of_array(const Node& parent, std::string_view key, bool required) {
    if (failed) return std::nullopt;
    const json* c = find(parent, key);
    std::string path = join(parent, key);
    if (!c) {
      if (required) fail(path, "an array of objects (missing)");
      return std::nullopt;
    }
    if (!c->is_array() || c->empty() || !(*c)[0].is_object()) {
      fail(path, "a non-empty array of objects");
      return std::nullopt;
    }
    return Node{&(*c)[0], path + "[0]"};
  }

  bool string(const Node& parent, std::string_view key, std::string& out, bool required, std::size_t max_len = 256,
              std::size_t min_len = 0) {
    if (failed) return false;
    const json* c = find(parent, key);
    std::string path = join(parent, key);
    if (!c) return required ? fail(path, "a string (missing)") : true;
    if (!c->is_string()) return fail(path, "a string");
    const auto& s = c->get_ref<const std::string&>();
    if (s.size() > max_len || s.size() < min_len)
      return fail(path, "a string of " + std::to_string(min_len) + " to " + std::to_string(max_len) + " bytes");
    out = s;
    return true;
  }

  bool boolean(const Node& parent, std::string_view key, bool& out) {
    if (failed) return false;
    const json* c = find(parent, key);
    if (!c) return true;
    if (!c->is_boolean()) return fail(join(parent, key), "true or false");
    out = c->get<bool>();
    return true;
  }

  bool amount(const Node& parent, std::string_view key, std::optional<int64_t>& out, bool required) {
    if (failed) return false;
    const json* c = find(parent, key);
    std::string path = join(parent, key);
    if (!c) return required ? fail(path, "a decimal amount (missing)") : true;
    auto it = numbers_.find(path);
    std::optional<int64_t> v;
    if (c->is_number() && it != numbers_.end()) v = parse_amount_text(it->second);
    if (!v) return fail(path, "a decimal amount like 12.34 (no sign, at most 2 decimals)");
    out = v;
    return true;
  }

  template <class E, std::size_t N>
  bool enumerated(const Node& parent, std::string_view key, const std::pair<E, std::string_view> (&table)[N], E& out,
                  bool required) {
    std::string text;
    if (!string(parent, key, text, required, 64)) return false;
    if (text.empty() && !required && !find(parent, key)) return true;
    auto v = value_of(table, text);
    if (!v) {
      std::string names;
      for (const auto& [k, n] : table) names += (names.empty() ? "" : ", ") + std::string(n);
      return fail(join(parent, key), "one of " + names);
    }
    out = *v;
    return true;
  }

 private:
  const std::map<std::string, std::string>& numbers_;
};

// Parses the text into a DOM; on failure sets `error`.
bool read_dom(std::string_view text, DomBuilder& dom) {
  if (text.size() > max_message_bytes) {
    dom.error = {"", "a message of at most 65536 bytes"};
    return false;
  }
  try {
    bool ok = json::sax_parse(text.begin(), text.end(), &dom);
    if (!ok && !dom.failed) dom.error = {"", "well-formed JSON"};
    return ok && !dom.failed;
  } catch (const std::exception&) {  // allocation failure or an unexpected library error
    if (!dom.failed) dom.error = {"", "well-formed JSON"};
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Parsing
// ---------------------------------------------------------------------------------------------

bool read_header(Reader& r, const Node& envelope, Header& h, bool request) {
  auto mh = r.object(envelope, "MessageHeader", true);
  if (!mh) return false;
  std::string version, cls, category, type;
  r.string(*mh, "ProtocolVersion", version, false, 8);
  if (!r.failed && !version.empty() && version.rfind("3.", 0) != 0)
    return r.fail(Reader::join(*mh, "ProtocolVersion"), "protocol version 3.x (this POI speaks 3.0)");
  // A request may leave it out once its sale system has logged in (the POI checks that); an
  // answer's missing version means ours.
  if (!version.empty() || request) h.protocol_version = version;
  r.string(*mh, "MessageClass", cls, true, 16);
  if (!r.failed && cls != "Service" && cls != "Device" && cls != "Event")
    return r.fail(Reader::join(*mh, "MessageClass"), "Service, Device or Event");
  r.string(*mh, "MessageCategory", category, true, 32);
  if (r.failed) return false;
  auto c = parse_category(category);
  if (!c)
    return r.fail(Reader::join(*mh, "MessageCategory"),
                  "Login, Payment, Reversal, TransactionStatus, Abort or Display");
  h.category = *c;
  if (request && h.category == Category::login && version.empty())
    return r.fail(Reader::join(*mh, "ProtocolVersion"), "the protocol version in a Login: 3.0 (missing)");
  r.string(*mh, "MessageType", type, true, 16);
  if (!r.failed && type != (request ? "Request" : "Response"))
    return r.fail(Reader::join(*mh, "MessageType"), request ? "Request" : "Response");
  r.string(*mh, "ServiceID", h.service_id, true, 10, 1);
  r.string(*mh, "SaleID", h.sale_id, true, 64, 1);
  r.string(*mh, "POIID", h.poi_id, true, 64, 1);
  return !r.failed;
}

std::optional<TransactionId> read_txn_id(Reader& r, const Node& parent, std::string_view key, bool required) {
  auto n = r.object(parent, key, required);
  if (!n) return std::nullopt;
  TransactionId t;
  r.string(*n, "TransactionID", t.transaction_id, true, 64, 1);
  r.string(*n, "TimeStamp", t.time_stamp, true, 40, 1);
  if (r.failed) return std::nullopt;
  return t;
}

std::optional<OriginalTransaction> read_original(Reader& r, const Node& parent, bool required) {
  auto n = r.object(parent, "OriginalPOITransaction", required);
  if (!n) return std::nullopt;
  OriginalTransaction o;
  o.poi_transaction = read_txn_id(r, *n, "POITransactionID", false);
  r.string(*n, "ApprovalCode", o.approval_code, false, 16);
  r.string(*n, "SaleID", o.sale_id, false, 64);
  r.string(*n, "POIID", o.poi_id, false, 64);
  if (r.failed) return std::nullopt;
  if (!o.poi_transaction && o.approval_code.empty()) {
    r.fail(n->path, "POITransactionID or ApprovalCode");
    return std::nullopt;
  }
  return o;
}

std::optional<MessageReference> read_reference(Reader& r, const Node& parent, bool required) {
  auto n = r.object(parent, "MessageReference", required);
  if (!n) return std::nullopt;
  MessageReference m;
  std::string category;
  r.string(*n, "MessageCategory", category, false, 32);
  if (!category.empty()) {
    m.category = parse_category(category);
    if (!m.category) {
      r.fail(Reader::join(*n, "MessageCategory"), "a message category such as Payment");
      return std::nullopt;
    }
  }
  r.string(*n, "ServiceID", m.service_id, false, 10);
  r.string(*n, "SaleID", m.sale_id, false, 64);
  r.string(*n, "POIID", m.poi_id, false, 64);
  if (r.failed) return std::nullopt;
  return m;
}

bool read_status(Reader& r, const Node& parent, ResponseStatus& s) {
  auto n = r.object(parent, "Response", true);
  if (!n) return false;
  r.enumerated(*n, "Result", result_names, s.result, true);
  r.string(*n, "ErrorCondition", s.error_condition, false, 32);
  r.string(*n, "AdditionalResponse", s.additional_response, false, 4096);
  return !r.failed;
}

std::optional<PaymentRequest> read_payment_request(Reader& r, const Node& b) {
  PaymentRequest p;
  auto sale = r.object(b, "SaleData", true);
  if (!sale) return std::nullopt;
  auto id = read_txn_id(r, *sale, "SaleTransactionID", true);
  if (!id) return std::nullopt;
  p.sale_transaction = *id;
  auto txn = r.object(b, "PaymentTransaction", true);
  if (!txn) return std::nullopt;
  auto amounts = r.object(*txn, "AmountsReq", true);
  if (!amounts) return std::nullopt;
  r.string(*amounts, "Currency", p.currency, true, 3, 3);
  std::optional<int64_t> amount;
  r.amount(*amounts, "RequestedAmount", amount, true);
  if (r.failed) return std::nullopt;
  if (*amount <= 0) {
    r.fail(Reader::join(*amounts, "RequestedAmount"), "an amount above 0.00");
    return std::nullopt;
  }
  p.requested_minor = *amount;
  if (auto data = r.object(b, "PaymentData", false))
    r.enumerated(*data, "PaymentType", payment_type_names, p.type, false);
  if (r.failed) return std::nullopt;
  p.original = read_original(r, *txn, p.type == PaymentType::completion);
  if (r.failed) return std::nullopt;
  return p;
}

std::optional<RequestBody> read_request_body(Reader& r, Category c, const Node& b) {
  switch (c) {
    case Category::login: {
      LoginRequest l;
      auto sw = r.object(b, "SaleSoftware", true);
      if (!sw) return std::nullopt;
      r.string(*sw, "ApplicationName", l.application_name, true, 64);
      r.string(*sw, "SoftwareVersion", l.software_version, true, 32);
      r.string(*sw, "CertificationCode", l.certification_code, true, 64);
      r.string(b, "DateTime", l.date_time, true, 40, 1);
      r.string(b, "OperatorLanguage", l.operator_language, true, 8, 2);
      l.training_mode = false;
      r.boolean(b, "TrainingModeFlag", l.training_mode);
      if (r.failed) return std::nullopt;
      return l;
    }
    case Category::payment: {
      auto p = read_payment_request(r, b);
      if (!p) return std::nullopt;
      return *p;
    }
    case Category::reversal: {
      ReversalRequest v;
      auto o = read_original(r, b, true);
      if (!o) return std::nullopt;
      v.original = *o;
      r.enumerated(b, "ReversalReason", reversal_reason_names, v.reason, true);
      r.amount(b, "ReversedAmount", v.reversed_minor, false);
      if (!r.failed && v.reversed_minor && *v.reversed_minor <= 0)
        r.fail(Reader::join(b, "ReversedAmount"), "an amount above 0.00");
      if (r.failed) return std::nullopt;
      return v;
    }
    case Category::transaction_status: {
      TransactionStatusRequest t;
      t.reference = read_reference(r, b, false);
      if (r.failed) return std::nullopt;
      return t;
    }
    case Category::abort: {
      AbortRequest a;
      auto ref = read_reference(r, b, true);
      if (!ref) return std::nullopt;
      a.reference = *ref;
      r.string(b, "AbortReason", a.reason, true, 256);
      if (r.failed) return std::nullopt;
      return a;
    }
    case Category::display: {
      DisplayRequest d;
      auto out = r.first_of_array(b, "DisplayOutput", true);
      if (!out) return std::nullopt;
      auto content = r.object(*out, "OutputContent", true);
      if (!content) return std::nullopt;
      if (const json* texts = r.find(*content, "OutputText")) {
        if (!texts->is_array()) {
          r.fail(Reader::join(*content, "OutputText"), "an array");
          return std::nullopt;
        }
        for (std::size_t i = 0; i < texts->size() && i < 16; ++i) {
          Node t{&(*texts)[i], Reader::join(*content, "OutputText") + "[" + std::to_string(i) + "]"};
          if (!t.j->is_object()) {
            r.fail(t.path, "an object");
            return std::nullopt;
          }
          std::string line;
          r.string(t, "Text", line, false, 1024);
          if (r.failed) return std::nullopt;
          if (!d.text.empty() && !line.empty()) d.text += '\n';
          d.text += line;
        }
      }
      return d;
    }
  }
  return std::nullopt;
}

std::optional<PaymentResponse> read_payment_response(Reader& r, const Node& b) {
  PaymentResponse p;
  if (!read_status(r, b, p.response)) return std::nullopt;
  if (auto sale = r.object(b, "SaleData", false))
    if (auto id = read_txn_id(r, *sale, "SaleTransactionID", false)) p.sale_transaction = *id;
  auto poi = r.object(b, "POIData", true);
  if (!poi) return std::nullopt;
  auto pid = read_txn_id(r, *poi, "POITransactionID", true);
  if (!pid) return std::nullopt;
  p.poi_transaction = *pid;
  if (auto res = r.object(b, "PaymentResult", false)) {
    r.enumerated(*res, "PaymentType", payment_type_names, p.payment_type, false);
    if (auto inst = r.object(*res, "PaymentInstrumentData", false)) {
      if (auto card = r.object(*inst, "CardData", false)) {
        r.string(*card, "MaskedPan", p.masked_pan, false, 19);
        if (!r.failed && !p.masked_pan.empty() && !is_masked_pan(p.masked_pan)) {
          p.masked_pan.clear();  // never keep what may be a full card number
          r.fail(Reader::join(*card, "MaskedPan"), "a masked card number: first 6 and last 4 digits only");
        }
        r.string(*card, "PaymentBrand", p.payment_brand, false, 32);
      }
    }
    if (auto am = r.object(*res, "AmountsResp", false)) {
      r.amount(*am, "AuthorizedAmount", p.authorized_minor, true);
      r.string(*am, "Currency", p.currency, false, 3);
    }
    if (auto acq = r.object(*res, "PaymentAcquirerData", false)) {
      r.string(*acq, "ApprovalCode", p.approval_code, false, 16);
      r.string(*acq, "MerchantID", p.merchant_id, false, 64);
      r.string(*acq, "AcquirerPOIID", p.acquirer_poi_id, false, 64);
      p.acquirer_transaction = read_txn_id(r, *acq, "AcquirerTransactionID", false);
    }
  }
  if (r.failed) return std::nullopt;
  return p;
}

std::optional<ReversalResponse> read_reversal_response(Reader& r, const Node& b) {
  ReversalResponse v;
  if (!read_status(r, b, v.response)) return std::nullopt;
  if (auto poi = r.object(b, "POIData", false)) v.poi_transaction = read_txn_id(r, *poi, "POITransactionID", true);
  if (r.object(b, "OriginalPOITransaction", false)) v.original = read_original(r, b, false);
  r.amount(b, "ReversedAmount", v.reversed_minor, false);
  if (r.failed) return std::nullopt;
  return v;
}

std::optional<ResponseBody> read_response_body(Reader& r, Category c, const Node& b) {
  switch (c) {
    case Category::login: {
      LoginResponse l;
      if (!read_status(r, b, l.response)) return std::nullopt;
      l.global_status.clear();
      if (auto sys = r.object(b, "POISystemData", false)) {
        r.string(*sys, "DateTime", l.date_time, false, 40);
        if (auto sw = r.object(*sys, "POISoftware", false)) {
          r.string(*sw, "ManufacturerID", l.manufacturer_id, false, 64);
          r.string(*sw, "ApplicationName", l.application_name, false, 64);
          r.string(*sw, "SoftwareVersion", l.software_version, false, 32);
          r.string(*sw, "CertificationCode", l.certification_code, false, 64);
        }
        if (auto st = r.object(*sys, "POIStatus", false)) r.string(*st, "GlobalStatus", l.global_status, true, 16);
      }
      if (r.failed) return std::nullopt;
      return l;
    }
    case Category::payment: {
      auto p = read_payment_response(r, b);
      if (!p) return std::nullopt;
      return *p;
    }
    case Category::reversal: {
      auto v = read_reversal_response(r, b);
      if (!v) return std::nullopt;
      return *v;
    }
    case Category::transaction_status: {
      TransactionStatusResponse t;
      if (!read_status(r, b, t.response)) return std::nullopt;
      t.reference = read_reference(r, b, false);
      if (auto rep = r.object(b, "RepeatedMessageResponse", false)) {
        RepeatedResponse rr;
        if (!read_header(r, *rep, rr.header, false)) return std::nullopt;
        auto body = r.object(*rep, "RepeatedResponseMessageBody", true);
        if (!body) return std::nullopt;
        if (auto pay = r.object(*body, "PaymentResponse", false)) {
          auto p = read_payment_response(r, *pay);
          if (!p) return std::nullopt;
          rr.body = *p;
        } else if (auto rev = r.object(*body, "ReversalResponse", false)) {
          auto v = read_reversal_response(r, *rev);
          if (!v) return std::nullopt;
          rr.body = *v;
        } else {
          r.fail(body->path, "PaymentResponse or ReversalResponse");
          return std::nullopt;
        }
        t.repeated = rr;
      }
      if (r.failed) return std::nullopt;
      return t;
    }
    case Category::display: {
      DisplayResponse d;
      auto res = r.first_of_array(b, "OutputResult", true);
      if (!res || !read_status(r, *res, d.response)) return std::nullopt;
      return d;
    }
    case Category::abort:
      r.fail(b.path, "no response: an Abort is not answered");
      return std::nullopt;
  }
  return std::nullopt;
}

template <class T, class BodyReader>
Parsed<T> parse_message(std::string_view text, bool request, BodyReader read_body) {
  Parsed<T> out;
  DomBuilder dom;
  if (!read_dom(text, dom)) {
    out.error = dom.error;
    return out;
  }
  Reader r(dom.numbers);
  Node root{&dom.root, ""};
  if (!dom.root.is_object()) {
    r.fail("", "a JSON object");
    out.error = r.error;
    return out;
  }
  auto env = r.object(root, request ? "SaleToPOIRequest" : "SaleToPOIResponse", true);
  T msg;
  if (env && read_header(r, *env, msg.header, request)) {
    if (auto b = r.object(*env, body_key(msg.header.category, request), true)) {
      if (auto body = read_body(r, msg.header.category, *b)) {
        msg.body = std::move(*body);
        out.value = std::move(msg);
        return out;
      }
    }
  }
  out.error = r.error;
  return out;
}

}  // namespace

Parsed<Request> parse_request(std::string_view text) { return parse_message<Request>(text, true, read_request_body); }

Parsed<Response> parse_response(std::string_view text) {
  return parse_message<Response>(text, false, read_response_body);
}

}  // namespace posdrill::nexo
