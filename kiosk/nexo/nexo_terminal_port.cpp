#include "kiosk/nexo/nexo_terminal_port.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "base/calendar.h"
#include "base/time.h"
#include "device_bridge/host.h"
#include "kiosk/net/http_client.h"
#include "scenarios/model.h"

namespace posdrill {

using namespace nexo;

namespace {

const Text not_training{"终端未处于培训模式，已拒绝", "The terminal is not in training mode: refused"};
const Text not_test_card{"非测试卡，已拒绝：请在终端上撤销", "Not a test card: refused — void it on the terminal"};
const Text unreachable{"无法连接终端", "Cannot reach the terminal"};
const Text unreadable{"终端应答无法识别", "The terminal's answer could not be read"};
const Text on_terminal{"此操作请在终端键盘上进行", "Do this on the terminal's own keypad"};
const Text no_original{"找不到原交易", "The original transaction is not known to the kiosk"};
const Text status_unknown{"交易超时，结果未知：请勿重刷、勿退款，再查询交易状态",
                          "Timed out, outcome unknown: do not swipe again or refund; ask for the status again"};
const Text login_refused{"终端拒绝签到", "The terminal refused the kiosk's login"};
const Text not_found{"终端无此交易记录：未扣款", "The terminal has no such transaction: nothing was charged"};

int seconds_for(int ms) { return std::max(1, (ms + 999) / 1000); }

}  // namespace

std::vector<Text> nexo_port_texts() {
  return {not_training, not_test_card,  unreachable,   unreadable, on_terminal,
          no_original,  status_unknown, login_refused, not_found};
}

std::vector<std::string> default_test_bins() {
  // The host opens an account for every test card (host_config_from), so its accounts are the
  // emulator's own list; is_test_card() confirms each.
  std::vector<std::string> bins;
  for (const auto& a : host_config_from(Setup{}).accounts) {
    if (!is_test_card(a.pan)) continue;
    std::string bin = a.pan.substr(0, 6);
    if (std::find(bins.begin(), bins.end(), bin) == bins.end()) bins.push_back(bin);
  }
  return bins;
}

NexoPost curl_nexo_post(const std::atomic<bool>* stop) {
  auto client = std::make_shared<HttpClient>(stop);
  return [client](const std::string& url, const std::string& body, int timeout_ms, int connect_timeout_ms,
                  const std::string& ca_file) {
    HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.body = body;
    req.headers = {{"Content-Type", "application/json"}, {"Expect", ""}};  // no 100-continue round trip
    req.timeout_s = seconds_for(timeout_ms);
    req.connect_timeout_s = seconds_for(connect_timeout_ms);
    req.ca_file = ca_file;
    HttpResponse resp = client->perform(req);
    NexoPostResult out;
    if (resp.error == HttpError::none) {
      out.status = resp.status;
      out.body = std::move(resp.body);
    } else {
      out.kind = resp.error == HttpError::timeout ? NexoPostResult::Kind::timeout : NexoPostResult::Kind::unreachable;
      out.error =
          std::string(http_error_text(resp.error)) + (resp.error_detail.empty() ? "" : ": " + resp.error_detail);
    }
    return out;
  };
}

NexoTerminalPort::NexoTerminalPort(NexoTerminalConfig config, NexoPost post, std::function<WallTime()> wall_ms)
    : config_(std::move(config)), post_(std::move(post)), wall_ms_(std::move(wall_ms)) {
  if (!wall_ms_) wall_ms_ = [] { return wall_now(); };
  if (config_.test_bins.empty()) config_.test_bins = default_test_bins();
  std::string error;
  target_ = parse_nexo_url(config_.url, error);
  health_.configured = target_.has_value();
  if (target_) {
    url_ = nexo_url_text(*target_);
  } else {
    health_.last_error = error;
  }
  // ServiceIDs stay unique across restarts of the kiosk: seeded from the clock, at most 10 digits.
  next_service_ = uint64_t(wall_ms_().ms() / 1000 % 1'000'000) * 1000 + 1;
}

std::string NexoTerminalPort::now_stamp() const {
  const CivilTime t = civil_time(wall_ms_());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

Header NexoTerminalPort::next_header(Category c) {
  if (next_service_ > 9'999'999'999ULL) next_service_ = 1;
  return Header{c, std::to_string(next_service_++), config_.sale_id, config_.poi_id};
}

std::optional<Response> NexoTerminalPort::exchange(const Request& request, int timeout_ms, bool& timed_out) {
  timed_out = false;
  if (!post_) post_ = curl_nexo_post();
  NexoPostResult r = post_(url_, build_request(request), timeout_ms, config_.connect_timeout_ms, config_.ca_file);
  if (r.kind == NexoPostResult::Kind::timeout) {
    timed_out = true;
    health_.reach = NexoLinkHealth::Reach::unreachable;
    health_.last_error = "the terminal did not answer within " + std::to_string(seconds_for(timeout_ms)) + " s";
    return std::nullopt;
  }
  if (r.kind == NexoPostResult::Kind::unreachable) {
    health_.reach = NexoLinkHealth::Reach::unreachable;
    health_.last_error = "cannot reach the terminal at " + url_ + ": " + r.error;
    return std::nullopt;
  }
  if (r.status != 200) {
    health_.reach = NexoLinkHealth::Reach::refused;
    health_.last_error = "the terminal answered HTTP " + std::to_string(r.status);
    return std::nullopt;
  }
  auto parsed = parse_response(r.body);
  if (!parsed.ok()) {
    health_.reach = NexoLinkHealth::Reach::refused;
    health_.last_error = "the terminal's answer could not be read (" + parsed.error.to_string() + ")";
    return std::nullopt;
  }
  return std::move(*parsed.value);
}

NexoTerminalPort::Check NexoTerminalPort::check_answer(const Response& r, const Header& sent) {
  if (r.header.category != sent.category || r.header.service_id != sent.service_id ||
      r.header.sale_id != sent.sale_id || r.header.poi_id != sent.poi_id) {
    health_.reach = NexoLinkHealth::Reach::refused;
    health_.last_error =
        "the terminal answered another request (ServiceID " + r.header.service_id + ", POIID " + r.header.poi_id + ")";
    return Check::failed;
  }
  const ResponseStatus* status = std::visit([](const auto& b) { return &b.response; }, r.body);
  if (additional_value(status->additional_response, "trainingMode") != "true") {
    health_.training_confirmed = false;
    health_.reach = NexoLinkHealth::Reach::refused;
    health_.last_error = "the terminal does not report training mode (trainingMode=true); posdrill refuses it";
    return Check::refused;
  }
  return Check::ok;
}

bool NexoTerminalPort::login() {
  const bool ok = login_once();
  if (!ok && login_problem_) health_.problem = *login_problem_;
  return ok;
}

bool NexoTerminalPort::login_once() {
  if (!target_) return false;
  login_problem_ = &unreachable;
  LoginRequest l;
  l.date_time = now_stamp();
  l.training_mode = true;
  Request req{next_header(Category::login), l};
  bool timed_out = false;
  auto r = exchange(req, config_.status_timeout_ms, timed_out);
  if (!r) return false;
  Check c = check_answer(*r, req.header);
  if (c != Check::ok) {
    login_problem_ = c == Check::refused ? &not_training : &unreadable;
    return false;
  }
  const auto* login = std::get_if<LoginResponse>(&r->body);
  if (!login || !login->response.ok()) {
    login_problem_ = &login_refused;
    health_.reach = NexoLinkHealth::Reach::refused;
    health_.last_error =
        "the terminal refused the login" + (login ? " (" + login->response.error_condition + ")" : std::string());
    return false;
  }
  health_.training_confirmed = true;
  health_.reach = NexoLinkHealth::Reach::answered;
  health_.last_ok_ms = wall_ms_();
  health_.last_error.clear();
  health_.problem = {};
  return true;
}

void NexoTerminalPort::prepare(const Setup&) {
  // A real terminal cannot be loaded with the scenario's history or faults: the trainer starts
  // the emulated POI with the same scenario, or sets the spare terminal up by hand.
  done_.clear();
  originals_.clear();
  login();
}

std::vector<TerminalRecord> NexoTerminalPort::poll() { return std::exchange(done_, {}); }

void NexoTerminalPort::fail(const TerminalRequest& request, const Text& screen, const std::string& error) {
  TerminalRecord rec;
  rec.op = request.op;
  rec.amount_minor = request.amount_minor.value_or(0);
  rec.screen = screen;
  health_.problem = screen;
  if (!error.empty()) rec.screen.en += " (" + error + ")";
  done_.push_back(rec);
}

TerminalRecord NexoTerminalPort::record_from(const TerminalRequest& request, const ResponseStatus& status,
                                             std::optional<int64_t> amount, const std::string& approval_code) const {
  TerminalRecord rec;
  rec.op = request.op;
  auto code = additional_value(status.additional_response, "responseCode");
  if (code && code->size() == 2) {
    rec.response_code = *code;
  } else if (status.ok()) {
    rec.response_code = "00";
  } else if (status.error_condition == "WrongPin") {
    rec.response_code = "55";
  } else if (status.error_condition == "Refusal") {
    rec.response_code = "05";
  }  // otherwise no code: no answer reached the terminal from its host
  rec.amount_minor = amount.value_or(request.amount_minor.value_or(0));
  if (rec.approved()) rec.auth_code = approval_code;
  auto reversal = additional_value(status.additional_response, "autoReversal");
  rec.reversal_sent = reversal == "sent";
  rec.reversal_failed = reversal == "failed";
  if (!rec.response_code.empty()) {
    rec.screen = response_text(rec.response_code);
  } else if (auto outcome = additional_value(status.additional_response, "hostOutcome")) {
    auto message = additional_value(status.additional_response, "message").value_or(*outcome);
    rec.screen = {"交易失败 接收超时（" + *outcome + "）", "Transaction failed, no answer: " + message};
  } else {
    rec.screen = {"交易失败 (" + status.error_condition + ")", "Transaction failed (" + status.error_condition + ")"};
  }
  return rec;
}

void NexoTerminalPort::request(const TerminalRequest& request) {
  if (!target_) return fail(request, unreachable, health_.last_error);
  if (!health_.training_confirmed && !login()) return fail(request, *login_problem_, health_.last_error);

  auto find_original = [&](std::initializer_list<TerminalOp> ops) -> const Original* {
    for (auto it = originals_.rbegin(); it != originals_.rend(); ++it) {
      if (std::find(ops.begin(), ops.end(), it->op) == ops.end()) continue;
      if (request.original_auth_code.empty() || it->approval_code == request.original_auth_code) return &*it;
    }
    return nullptr;
  };

  switch (request.op) {
    case TerminalOp::sale:
    case TerminalOp::preauth:
    case TerminalOp::preauth_completion: {
      PaymentRequest p;
      p.sale_transaction = {"K" + std::to_string(next_service_), now_stamp()};
      p.requested_minor = request.amount_minor.value_or(0);
      p.type = request.op == TerminalOp::sale      ? PaymentType::normal
               : request.op == TerminalOp::preauth ? PaymentType::first_reservation
                                                   : PaymentType::completion;
      if (request.op == TerminalOp::preauth_completion) {
        OriginalTransaction o;
        o.approval_code = request.original_auth_code;
        if (const Original* orig = find_original({TerminalOp::preauth})) o.poi_transaction = orig->poi_transaction;
        if (!o.poi_transaction && o.approval_code.empty()) return fail(request, no_original, "");
        p.original = o;
      }
      return money_request(request, Request{next_header(Category::payment), p});
    }
    case TerminalOp::void_sale:
    case TerminalOp::preauth_cancel: {
      const Original* orig =
          find_original({request.op == TerminalOp::void_sale ? TerminalOp::sale : TerminalOp::preauth});
      if (!orig) return fail(request, no_original, "");
      ReversalRequest v;
      v.original.poi_transaction = orig->poi_transaction;
      v.original.approval_code = orig->approval_code;
      v.original.sale_id = config_.sale_id;
      v.original.poi_id = config_.poi_id;
      v.reason = ReversalReason::merchant_cancel;
      TerminalRequest with_amount = request;
      with_amount.amount_minor = orig->amount_minor;
      return money_request(with_amount, Request{next_header(Category::reversal), v});
    }
    default:
      return fail(request, on_terminal, "");
  }
}

void NexoTerminalPort::money_request(const TerminalRequest& request, Request msg) {
  bool timed_out = false;
  auto r = exchange(msg, config_.timeout_ms, timed_out);
  if (!r && timed_out) {
    // Did it go through? Ask; never send the payment again.
    TransactionStatusRequest ts{MessageReference{msg.header.category, msg.header.service_id, config_.sale_id, ""}};
    Request status{next_header(Category::transaction_status), ts};
    bool status_timed_out = false;
    auto s = exchange(status, config_.status_timeout_ms, status_timed_out);
    if (!s) return fail(request, status_unknown, health_.last_error);
    if (Check c = check_answer(*s, status.header); c != Check::ok)
      return fail(request, c == Check::refused ? not_training : unreadable, health_.last_error);
    const auto* st = std::get_if<TransactionStatusResponse>(&s->body);
    if (!st) return fail(request, unreadable, "not a TransactionStatusResponse");
    if (!st->response.ok() || !st->repeated) {
      if (st->response.error_condition == "NotFound") {
        health_.reach = NexoLinkHealth::Reach::answered;
        health_.last_ok_ms = wall_ms_();
        health_.last_error = "the payment timed out; the terminal has no record of it";
        return fail(request, not_found, "");
      }
      return fail(request, status_unknown, "status " + st->response.error_condition);
    }
    Response repeated{st->repeated->header, ResponseBody{}};
    if (const auto* p = std::get_if<PaymentResponse>(&st->repeated->body))
      repeated.body = *p;
    else
      repeated.body = std::get<ReversalResponse>(st->repeated->body);
    r = repeated;
    health_.last_error = "the terminal answered late; its transaction status was used";
  } else if (!r) {
    return fail(request, unreachable, health_.last_error);
  }

  Check c = check_answer(*r, msg.header);
  if (c == Check::refused) return fail(request, not_training, health_.last_error);
  if (c == Check::failed) return fail(request, unreadable, health_.last_error);

  TerminalRecord rec;
  if (const auto* p = std::get_if<PaymentResponse>(&r->body)) {
    // Test cards only. An approval must show the card; any masked PAN shown must be a test card's.
    std::string bin = p->masked_pan.substr(0, 6);
    bool test_bin =
        !bin.empty() && std::find(config_.test_bins.begin(), config_.test_bins.end(), bin) != config_.test_bins.end();
    if ((p->response.ok() && p->masked_pan.empty()) || (!p->masked_pan.empty() && !test_bin)) {
      health_.last_error = "the terminal read a card that is not a test card (BIN " +
                           (bin.empty() ? std::string("unknown") : bin) + "); posdrill refuses the result";
      return fail(request, not_test_card, "");
    }
    rec = record_from(request, p->response, p->authorized_minor, p->approval_code);
    if (rec.approved() && (request.op == TerminalOp::sale || request.op == TerminalOp::preauth))
      originals_.push_back({request.op, p->poi_transaction, p->approval_code, rec.amount_minor});
  } else if (const auto* v = std::get_if<ReversalResponse>(&r->body)) {
    rec = record_from(request, v->response, v->reversed_minor, "");
    if (rec.approved()) {
      const std::string id =
          v->original && v->original->poi_transaction ? v->original->poi_transaction->transaction_id : "";
      std::erase_if(originals_, [&](const Original& o) { return o.poi_transaction.transaction_id == id; });
    }
  } else {
    return fail(request, unreadable, "unexpected answer");
  }
  if (!timed_out) health_.last_error.clear();
  health_.problem = {};
  health_.reach = NexoLinkHealth::Reach::answered;
  health_.last_ok_ms = wall_ms_();
  done_.push_back(std::move(rec));
}

}  // namespace posdrill
