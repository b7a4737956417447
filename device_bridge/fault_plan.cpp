#include "device_bridge/fault_plan.h"

#include <algorithm>

namespace posdrill {

const char* proxy_action_name(ProxyAction::Kind k) {
  switch (k) {
    case ProxyAction::Kind::pass:
      return "pass";
    case ProxyAction::Kind::drop_request:
      return "drop the request";
    case ProxyAction::Kind::request_lost:
      return "drop the request and close";
    case ProxyAction::Kind::drop_answer:
      return "drop the answer";
    case ProxyAction::Kind::delay:
      return "delay the answer";
    case ProxyAction::Kind::cut:
      return "cut the connection at the answer";
    case ProxyAction::Kind::refuse:
      return "refuse the connection (reset before anything reaches the host)";
    case ProxyAction::Kind::corrupt_request:
      return "corrupt the request's MAC";
    case ProxyAction::Kind::corrupt_answer:
      return "corrupt the answer's MAC";
  }
  return "?";
}

std::optional<ProxyAction> proxy_action_of(const Fault& fault) {
  ProxyAction a;
  switch (fault.kind) {
    case FaultKind::answer_lost:
      a.kind = ProxyAction::Kind::drop_answer;
      return a;
    case FaultKind::request_lost:
      a.kind = ProxyAction::Kind::request_lost;
      return a;
    case FaultKind::delay:
      a.kind = ProxyAction::Kind::delay;
      a.delay_ms = fault.seconds * 1000;
      return a;
    case FaultKind::refuse_connection:
      a.kind = ProxyAction::Kind::refuse;
      return a;
    case FaultKind::bad_mac:
      a.kind = ProxyAction::Kind::corrupt_answer;
      return a;
    case FaultKind::reversal_fails:
      a.kind = ProxyAction::Kind::drop_request;
      return a;
    case FaultKind::omit_pan:
    case FaultKind::respond:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string frame_mti(std::string_view body) {
  auto digit = [](unsigned char c) { return c >= '0' && c <= '9'; };
  // CUP: TPDU (id 0x60) + 6-byte header, then the MTI as 2 BCD bytes.
  if (body.size() >= 13 && static_cast<unsigned char>(body[0]) == 0x60) {
    std::string mti;
    for (int i = 11; i < 13; ++i) {
      const auto b = static_cast<unsigned char>(body[std::size_t(i)]);
      if ((b >> 4) > 9 || (b & 0x0f) > 9) return "";
      mti += char('0' + (b >> 4));
      mti += char('0' + (b & 0x0f));
    }
    return mti;
  }
  if (body.size() >= 4 && std::all_of(body.begin(), body.begin() + 4, [&](char c) { return digit(c); }))
    return std::string(body.substr(0, 4));
  return "";
}

namespace {

bool is_main_request(const std::string& mti) {
  return mti != "0400" && mti != "0800" && mti != "0820" && mti != "0320";
}

void add_rule(std::vector<ProxyFaultPlan::Rule>& rules, int request, const Fault& f, const std::string& where,
              std::vector<std::string>* skipped) {
  auto action = proxy_action_of(f);
  if (!action) {
    if (skipped)
      skipped->push_back(std::string(fault_name(f.kind)) + (f.code.empty() ? "" : " " + f.code) + " (" + where + ")");
    return;
  }
  ProxyFaultPlan::Rule r;
  r.request = request;
  r.action = *action;
  r.reversals = f.kind == FaultKind::reversal_fails;
  rules.push_back(r);
}

int64_t history_offset(const HistoryEntry& h) {
  return int64_t(std::max(0, h.days_ago)) * 24 * 60 + int64_t(std::max(0, h.minutes_ago));
}

}  // namespace

ProxyFaultPlan ProxyFaultPlan::from_setup(const Setup& setup, std::vector<std::string>* skipped) {
  std::vector<Rule> rules;
  // The replay's order: oldest first, file order for entries at the same time.
  std::vector<HistoryEntry> history = setup.history;
  std::stable_sort(history.begin(), history.end(),
                   [](const HistoryEntry& a, const HistoryEntry& b) { return history_offset(a) > history_offset(b); });
  int n = 0;
  for (const auto& h : history) {
    if (h.fault && h.fault->kind == FaultKind::reversal_fails) {
      add_rule(rules, 0, *h.fault, "history", skipped);  // a marker: every later reversal fails
      continue;
    }
    if (!terminal_op_is_online(h.op)) continue;
    ++n;
    if (h.fault) add_rule(rules, n, *h.fault, "history entry " + std::to_string(n), skipped);
  }
  for (const auto& f : setup.faults)
    add_rule(rules, f.request == 0 ? 0 : n + f.request, f, "request " + std::to_string(f.request), skipped);
  return ProxyFaultPlan(std::move(rules));
}

ProxyFaultPlan ProxyFaultPlan::from_faults(const std::vector<Fault>& faults, std::vector<std::string>* skipped) {
  std::vector<Rule> rules;
  for (const auto& f : faults) add_rule(rules, f.request, f, "request " + std::to_string(f.request), skipped);
  return ProxyFaultPlan(std::move(rules));
}

const ProxyFaultPlan::Rule* ProxyFaultPlan::rule_for(int request) const {
  for (const auto& r : rules_)
    if (!r.reversals && r.request == request) return &r;
  return nullptr;
}

ProxyAction ProxyFaultPlan::on_request(const FrameInfo& info) {
  std::lock_guard lock(mutex_);
  if (info.mti == "0400") {
    // Reversals are sent at the start of the next operation, before its main request.
    const int operation = main_ + 1;
    for (const auto& r : rules_)
      if (r.reversals && (r.request == 0 || r.request == operation)) return r.action;
    return {};
  }
  if (!is_main_request(info.mti)) return {};
  ++main_;
  const Rule* r = rule_for(main_);
  return r ? r->action : ProxyAction{};
}

void ProxyFaultPlan::replace(std::vector<Rule> rules) {
  std::lock_guard lock(mutex_);
  rules_ = std::move(rules);
  main_ = 0;
}

int ProxyFaultPlan::main_requests() const {
  std::lock_guard lock(mutex_);
  return main_;
}

}  // namespace posdrill
