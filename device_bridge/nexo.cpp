// nexo Sale-to-POI codec. [SECTION] index: names and small texts; the bounded SAX reader that
// keeps every number's own text; field readers with paths; request / response parsing; builders.
#include "device_bridge/nexo.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

namespace posdrill::nexo {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// [SECTION] Names
// ---------------------------------------------------------------------------------------------

namespace {

constexpr std::pair<Category, std::string_view> category_names[] = {
    {Category::login, "Login"},       {Category::payment, "Payment"},
    {Category::reversal, "Reversal"}, {Category::transaction_status, "TransactionStatus"},
    {Category::abort, "Abort"},       {Category::display, "Display"},
};

constexpr std::pair<PaymentType, std::string_view> payment_type_names[] = {
    {PaymentType::normal, "Normal"},
    {PaymentType::first_reservation, "FirstReservation"},
    {PaymentType::completion, "Completion"},
};

constexpr std::pair<ReversalReason, std::string_view> reversal_reason_names[] = {
    {ReversalReason::customer_cancel, "CustCancel"},
    {ReversalReason::merchant_cancel, "MerchantCancel"},
    {ReversalReason::malfunction, "Malfunction"},
    {ReversalReason::unable_to_complete, "Unable2Compl"},
};

constexpr std::pair<Result, std::string_view> result_names[] = {
    {Result::success, "Success"}, {Result::failure, "Failure"}, {Result::partial, "Partial"}};

template <class E, std::size_t N>
std::string_view name_of(const std::pair<E, std::string_view> (&table)[N], E e) {
  for (const auto& [k, v] : table)
    if (k == e) return v;
  return "?";
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::pair<E, std::string_view> (&table)[N], std::string_view s) {
  for (const auto& [k, v] : table)
    if (v == s) return k;
  return std::nullopt;
}

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

}  // namespace

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

std::string format_amount(int64_t minor) {
  bool neg = minor < 0;
  uint64_t m = neg ? uint64_t(0) - uint64_t(minor) : uint64_t(minor);
  std::string cents = std::to_string(m % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (neg ? "-" : "") + std::to_string(m / 100) + "." + cents;
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
