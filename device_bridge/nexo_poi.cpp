#include "device_bridge/nexo_poi.h"

#include <cstdio>

#include "device_bridge/terminal_texts.h"

namespace posdrill {

using namespace nexo;

namespace {

bool host_trouble(std::string_view rc) {
  return rc.empty() || rc == "68" || rc == "91" || rc == "96" || rc == "98" || rc == "A0";
}

std::string brand_of(std::string_view pan) {
  if (pan.rfind("62", 0) == 0) return "cup";
  if (pan.rfind("4", 0) == 0) return "visa";
  return "card";
}

// "2026-11-20T14:32:05" from a time stamp, as MMDD ("1120"); "" when it is not one.
std::string mmdd_of(std::string_view stamp) {
  if (stamp.size() < 10 || stamp[4] != '-' || stamp[7] != '-') return "";
  std::string m = std::string(stamp.substr(5, 2)) + std::string(stamp.substr(8, 2));
  return m.find_first_not_of("0123456789") == std::string::npos ? m : "";
}

}  // namespace

// One Payment or Reversal the POI handled, kept for TransactionStatus and later reversals.
struct NexoPoi::Txn {
  Header header;  // the request's
  TerminalOp op = TerminalOp::sale;
  PaymentType payment_type = PaymentType::normal;
  TransactionId sale_transaction;
  TransactionId poi_transaction;
  std::string currency = "CNY";
  int64_t amount_minor = 0;
  TerminalRecord record;
  std::string date_mmdd;  // of the host's booking (for completions, voids, cancels later)
  std::string rrn;
  std::optional<uint64_t> journal_seq;          // the main request in the host's journal
  bool uncertain = false;                       // no answer and a reversal record left: the terminal cannot know
  std::optional<OriginalTransaction> original;  // reversal: what it reversed
};

NexoPoi::NexoPoi(const Setup& setup, NexoPoiOptions options) : options_(std::move(options)) {
  scenario_ = replay_setup(setup, options_.replay);
  masked_pan_ = mask_pan(setup.card);
  brand_ = brand_of(setup.card);
}

NexoPoi::~NexoPoi() = default;

void NexoPoi::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

void NexoPoi::move_clock() {
  if (!options_.elapsed_ms) return;
  const TerminalTime target = scenario_->start_ms() + options_.elapsed_ms();
  if (target > scenario_->emulation().now_ms()) scenario_->advance_to(target);
}

std::string NexoPoi::time_stamp() const {
  CivilTime t = civil_time(scenario_->emulation().now_ms());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", t.year, t.month, t.day, t.hour, t.minute,
                t.second);
  return buf;
}

const NexoPoi::Txn* NexoPoi::find(std::string_view sale_id, std::string_view service_id) const {
  for (auto it = txns_.rbegin(); it != txns_.rend(); ++it)
    if ((*it)->header.sale_id == sale_id && (*it)->header.service_id == service_id) return it->get();
  return nullptr;
}

const NexoPoi::Txn* NexoPoi::find_original(const OriginalTransaction& o) const {
  for (auto it = txns_.rbegin(); it != txns_.rend(); ++it) {
    const Txn& t = **it;
    if (t.header.category != Category::payment || !t.record.approved()) continue;
    if (o.poi_transaction ? t.poi_transaction.transaction_id == o.poi_transaction->transaction_id
                          : t.record.auth_code == o.approval_code)
      return &t;
  }
  return nullptr;
}

NexoPoi::Answer NexoPoi::respond(const Header& request_header, ResponseBody body) {
  Response r{request_header, std::move(body)};
  Answer a;
  a.body = build_response(r);
  return a;
}

HttpServerAnswer NexoPoi::handle_http(const HttpServerRequest& request) {
  Answer a = handle(request.body);
  HttpServerAnswer h;
  h.status = a.http_status;
  h.body = std::move(a.body);
  h.silent = a.silent;
  h.delay_ms = a.delay_ms;
  if (a.http_status != 200) h.content_type = "text/plain; charset=utf-8";
  return h;
}

NexoPoi::Answer NexoPoi::handle(std::string_view body) {
  Parsed<Request> parsed = parse_request(body);
  if (!parsed.ok()) {
    log("refused a malformed request: " + parsed.error.to_string());
    Answer a;
    a.http_status = 400;
    a.body = "nexo request refused " + parsed.error.to_string() + "\n";
    return a;
  }
  const Request& r = *parsed.value;
  move_clock();
  auto refuse = [&](std::string condition, std::string message) {
    log(std::string(category_name(r.header.category)) + " ServiceID " + r.header.service_id + " refused: " + message);
    ResponseStatus s{Result::failure, std::move(condition),
                     encode_additional({{"trainingMode", "true"}, {"message", message}})};
    switch (r.header.category) {
      case Category::login:
        return respond(r.header,
                       LoginResponse{s, time_stamp(), "posdrill", "posdrill nexo POI", "1", "TRAINING", "OK"});
      case Category::payment: {
        PaymentResponse p;
        p.response = s;
        if (auto* pr = std::get_if<PaymentRequest>(&r.body)) p.sale_transaction = pr->sale_transaction;
        p.poi_transaction = {"none", time_stamp()};
        return respond(r.header, p);
      }
      case Category::reversal: {
        ReversalResponse v;
        v.response = s;
        return respond(r.header, v);
      }
      case Category::transaction_status:
        return respond(r.header, TransactionStatusResponse{s, std::nullopt, std::nullopt});
      default:
        return respond(r.header, DisplayResponse{s});
    }
  };
  if (r.header.poi_id != options_.poi_id) return refuse("NotAllowed", "this terminal is POIID " + options_.poi_id);
  // nexo: ProtocolVersion is required in a Login, and in any other request of a sale system that
  // has not logged in (the parser already refused a Login without it).
  if (r.header.category == Category::login) {
    if (logged_in_.size() >= max_logged_in) logged_in_.clear();  // a bound, not a policy
    logged_in_.insert(r.header.sale_id);
  } else if (r.header.protocol_version.empty() && !logged_in_.count(r.header.sale_id)) {
    return refuse("LoggedOut", "SaleID " + r.header.sale_id +
                                   " has not logged in: send a Login first, or ProtocolVersion 3.0 in every request");
  }
  bool money = r.header.category == Category::payment || r.header.category == Category::reversal;
  if (money && find(r.header.sale_id, r.header.service_id))
    return refuse("NotAllowed", "ServiceID " + r.header.service_id + " was used already; ask TransactionStatus");

  if (std::holds_alternative<LoginRequest>(r.body)) return login(r);
  if (auto* p = std::get_if<PaymentRequest>(&r.body)) {
    if (p->currency != "CNY") return refuse("PaymentRestriction", "this terminal takes CNY only");
    return payment(r, *p);
  }
  if (auto* v = std::get_if<ReversalRequest>(&r.body)) return reversal(r, *v);
  if (auto* t = std::get_if<TransactionStatusRequest>(&r.body)) return transaction_status(r, *t);
  if (std::holds_alternative<AbortRequest>(r.body)) {
    log("Abort ServiceID " + r.header.service_id + ": nothing in progress");
    return Answer{};  // nexo sends no AbortResponse
  }
  const auto& d = std::get<DisplayRequest>(r.body);
  log("Display ServiceID " + r.header.service_id + " (" + std::to_string(d.text.size()) + " bytes)");
  return respond(r.header,
                 DisplayResponse{ResponseStatus{Result::success, "", encode_additional({{"trainingMode", "true"}})}});
}

NexoPoi::Answer NexoPoi::login(const Request& r) {
  const auto& l = std::get<LoginRequest>(r.body);
  log("Login ServiceID " + r.header.service_id + " from " + l.application_name +
      (l.training_mode ? " (training)" : " (the sale system did not ask for training: this POI is training only)"));
  LoginResponse resp;
  resp.response.additional_response = encode_additional({{"trainingMode", "true"}});
  resp.date_time = time_stamp();
  resp.manufacturer_id = "posdrill";
  resp.application_name = "posdrill nexo POI";
  resp.software_version = "1";
  resp.certification_code = "TRAINING";
  return respond(r.header, resp);
}

void NexoPoi::perform(Txn& txn, const TerminalRequest& request) {
  const AcquirerHost& host = scenario_->host();
  const uint64_t before = host.journal_total();
  std::vector<TerminalRecord> records = scenario_->perform(request);
  if (!records.empty()) {
    txn.record = records.back();
  } else {
    txn.record.op = request.op;
    txn.record.screen = screen_text("failed");
  }
  for (uint64_t seq = before + 1; seq <= host.journal_total(); ++seq) {
    const HostJournalEntry* e = host.journal_entry(seq);
    if (!e || e->op == HostOp::reversal || e->op == HostOp::sign_on) continue;
    txn.journal_seq = seq;
    break;
  }
  if (const HostJournalEntry* found = txn.journal_seq ? host.journal_entry(*txn.journal_seq) : nullptr) {
    const HostJournalEntry& e = *found;
    txn.date_mmdd = format_mmdd(e.time_ms);
    txn.rrn = e.rrn;
    txn.poi_transaction.transaction_id = e.terminal_id + "-" + e.batch + "-" + e.stan;
  } else {
    txn.poi_transaction.transaction_id = "LOCAL-" + std::to_string(++local_ids_);
  }
  txn.poi_transaction.time_stamp = time_stamp();
  txn.uncertain = txn.record.response_code.empty() && scenario_->terminal().reversal_pending();
}

ResponseStatus NexoPoi::outcome_status(const Txn& txn) const {
  const std::string& rc = txn.record.response_code;
  std::vector<std::pair<std::string, std::string>> extra{{"trainingMode", "true"}};
  if (!rc.empty()) extra.push_back({"responseCode", rc});
  if (txn.record.reversal_sent) extra.push_back({"autoReversal", "sent"});
  if (txn.record.reversal_failed) extra.push_back({"autoReversal", "failed"});
  if (txn.uncertain) {
    // What the host's books say now (the terminal's own reversal may have run since).
    std::string outcome = "not_received", message = "the host never received it: nothing was charged";
    std::string reversal;
    const HostJournalEntry* entry = txn.journal_seq ? scenario_->host().journal_entry(*txn.journal_seq) : nullptr;
    if (txn.journal_seq && !entry) {
      outcome = "unknown";
      message = "the host no longer keeps this request in its journal: ask the acquirer";
    } else if (entry) {
      const HostJournalEntry& e = *entry;
      if (e.reversed) {
        outcome = "reversed";
        message = "the issuer booked it and the reversal undid it: nothing is charged";
      } else if (e.response_code == "00") {
        outcome = "approved";
        bool pending = scenario_->terminal().reversal_pending();
        reversal = pending ? "pending" : "failed";
        message = pending ? "the issuer booked it; the terminal reverses it at its next online transaction: do not "
                            "charge again, do not refund"
                          : "the issuer booked it and the reversal did not go through: call the acquirer";
      } else {
        outcome = "declined";
        message = "the host declined it: nothing was charged";
      }
    }
    extra.push_back({"hostOutcome", outcome});
    if (!reversal.empty()) extra.push_back({"reversal", reversal});
    extra.push_back({"message", message});
  } else if (!rc.empty() && rc != "00") {
    extra.push_back({"refusalReason", rc + " " + txn.record.screen.en});
    extra.push_back({"message", txn.record.screen.en});
  }
  ResponseStatus s;
  s.additional_response = encode_additional(extra);
  if (rc == "00") return s;
  s.result = Result::failure;
  s.error_condition = host_trouble(rc) ? "UnreachableHost" : rc == "55" ? "WrongPin" : "Refusal";
  return s;
}

namespace {

PaymentResponse payment_response_of(const NexoPoi* /*poi*/, const TransactionId& sale, const TransactionId& poi,
                                    PaymentType type, const ResponseStatus& status) {
  PaymentResponse p;
  p.response = status;
  p.sale_transaction = sale;
  p.poi_transaction = poi;
  p.payment_type = type;
  return p;
}

}  // namespace

NexoPoi::Answer NexoPoi::payment(const Request& r, const PaymentRequest& p) {
  auto txn = std::make_unique<Txn>();
  txn->header = r.header;
  txn->payment_type = p.type;
  txn->sale_transaction = p.sale_transaction;
  txn->currency = p.currency;
  txn->amount_minor = p.requested_minor;
  TerminalRequest req;
  req.amount_minor = p.requested_minor;
  req.op = p.type == PaymentType::normal              ? TerminalOp::sale
           : p.type == PaymentType::first_reservation ? TerminalOp::preauth
                                                      : TerminalOp::preauth_completion;
  txn->op = req.op;
  if (p.original) {
    const Txn* orig = find_original(*p.original);
    req.original_auth_code = !p.original->approval_code.empty() ? p.original->approval_code
                             : orig                             ? orig->record.auth_code
                                                                : "";
    req.original_date_mmdd = orig                          ? orig->date_mmdd
                             : p.original->poi_transaction ? mmdd_of(p.original->poi_transaction->time_stamp)
                                                           : "";
  }
  perform(*txn, req);

  const Txn& t = *txn;
  PaymentResponse resp =
      payment_response_of(this, t.sale_transaction, t.poi_transaction, t.payment_type, outcome_status(t));
  resp.masked_pan = masked_pan_;
  resp.payment_brand = brand_;
  resp.currency = t.currency;
  if (t.record.approved()) {
    resp.authorized_minor = t.record.amount_minor;
    resp.approval_code = t.record.auth_code;
    resp.merchant_id = scenario_->terminal().config().merchant_id;
    resp.acquirer_poi_id = scenario_->terminal().config().terminal_id;
    if (!t.rrn.empty()) resp.acquirer_transaction = TransactionId{t.rrn, t.poi_transaction.time_stamp};
  }
  log("Payment ServiceID " + r.header.service_id + " " + std::string(payment_type_name(p.type)) + " " +
      format_amount(p.requested_minor) + " " + p.currency + " -> " +
      std::string(result_name(resp.response.result)) +
      (resp.response.error_condition.empty() ? "" : " " + resp.response.error_condition) +
      (t.record.response_code.empty() ? " (no host answer)" : " rc " + t.record.response_code) +
      (t.uncertain ? (options_.lost_answer_delay_ms < 0 ? ", answer withheld" : ", answer late") : ""));
  bool uncertain = t.uncertain;
  txns_.push_back(std::move(txn));
  Answer a = respond(r.header, resp);
  if (uncertain) {
    if (options_.lost_answer_delay_ms < 0)
      a.silent = true;
    else
      a.delay_ms = options_.lost_answer_delay_ms;
  }
  return a;
}

NexoPoi::Answer NexoPoi::reversal(const Request& r, const ReversalRequest& v) {
  const Txn* orig = find_original(v.original);
  ReversalResponse resp;
  resp.original = v.original;
  if (!orig) {
    resp.response = {Result::failure, "NotFound",
                     encode_additional({{"trainingMode", "true"}, {"message", "no approved original with that id"}})};
    log("Reversal ServiceID " + r.header.service_id + " -> Failure NotFound");
    return respond(r.header, resp);
  }
  auto txn = std::make_unique<Txn>();
  txn->header = r.header;
  txn->original = v.original;
  TerminalRequest req;
  req.op = orig->op == TerminalOp::preauth ? TerminalOp::preauth_cancel : TerminalOp::void_sale;
  req.amount_minor = v.reversed_minor.value_or(orig->record.amount_minor);
  req.original_auth_code = orig->record.auth_code;
  req.original_date_mmdd = orig->date_mmdd;
  txn->op = req.op;
  txn->amount_minor = *req.amount_minor;
  perform(*txn, req);
  resp.response = outcome_status(*txn);
  resp.poi_transaction = txn->poi_transaction;
  if (txn->record.approved()) resp.reversed_minor = txn->amount_minor;
  log("Reversal ServiceID " + r.header.service_id + " (" + std::string(terminal_op_name(req.op)) + ") -> " +
      std::string(result_name(resp.response.result)) +
      (txn->record.response_code.empty() ? " (no host answer)" : " rc " + txn->record.response_code));
  txns_.push_back(std::move(txn));
  return respond(r.header, resp);
}

NexoPoi::Answer NexoPoi::transaction_status(const Request& r, const TransactionStatusRequest& ts) {
  const Txn* t = nullptr;
  if (ts.reference && !ts.reference->service_id.empty()) {
    std::string sale = ts.reference->sale_id.empty() ? r.header.sale_id : ts.reference->sale_id;
    t = find(sale, ts.reference->service_id);
  } else if (!txns_.empty()) {
    t = txns_.back().get();
  }
  TransactionStatusResponse resp;
  resp.reference = ts.reference;
  if (!t) {
    resp.response = {Result::failure, "NotFound",
                     encode_additional({{"trainingMode", "true"}, {"message", "no transaction with that reference"}})};
    log("TransactionStatus ServiceID " + r.header.service_id + " -> Failure NotFound");
    return respond(r.header, resp);
  }
  resp.response = {Result::success, "", encode_additional({{"trainingMode", "true"}})};
  RepeatedResponse rep;
  rep.header = t->header;
  ResponseStatus status = outcome_status(*t);
  if (t->header.category == Category::payment) {
    PaymentResponse p = payment_response_of(this, t->sale_transaction, t->poi_transaction, t->payment_type, status);
    p.masked_pan = masked_pan_;
    p.payment_brand = brand_;
    p.currency = t->currency;
    if (t->record.approved()) {
      p.authorized_minor = t->record.amount_minor;
      p.approval_code = t->record.auth_code;
      p.merchant_id = scenario_->terminal().config().merchant_id;
      p.acquirer_poi_id = scenario_->terminal().config().terminal_id;
    }
    rep.body = p;
  } else {
    ReversalResponse v;
    v.response = status;
    v.poi_transaction = t->poi_transaction;
    v.original = t->original;
    if (t->record.approved()) v.reversed_minor = t->amount_minor;
    rep.body = v;
  }
  resp.repeated = rep;
  auto outcome = additional_value(status.additional_response, "hostOutcome");
  log("TransactionStatus ServiceID " + r.header.service_id + " about ServiceID " + t->header.service_id +
      " -> Success: it had " + std::string(result_name(status.result)) + (outcome ? ", hostOutcome " + *outcome : ""));
  return respond(r.header, resp);
}

}  // namespace posdrill
