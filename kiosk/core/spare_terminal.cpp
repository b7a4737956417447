#include "kiosk/core/spare_terminal.h"

#include <algorithm>

namespace posdrill {

std::string_view terminal_link_state_name(TerminalLinkState s) {
  switch (s) {
    case TerminalLinkState::off:
      return "off";
    case TerminalLinkState::connecting:
      return "connecting";
    case TerminalLinkState::ready:
      return "ready";
    case TerminalLinkState::unreachable:
      return "unreachable";
    case TerminalLinkState::refused:
      return "refused";
  }
  return "off";
}

const std::vector<TerminalOp>& spare_terminal_ops() {
  static const std::vector<TerminalOp> ops = {TerminalOp::sale, TerminalOp::void_sale, TerminalOp::preauth,
                                              TerminalOp::preauth_completion, TerminalOp::preauth_cancel};
  return ops;
}

bool spare_terminal_can_start(TerminalOp op) {
  const auto& ops = spare_terminal_ops();
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

namespace {

Text join(const Text& a, const Text& b) { return {a.zh + b.zh, a.en + b.en}; }

}  // namespace

SpareTerminalFit spare_terminal_fit(const Scenario& scenario, const SpareTerminalView& view,
                                    const TestHostProfile* acquirer) {
  SpareTerminalFit f;
  if (!view.configured) {
    f.reason = {"未配置备用终端", "No spare terminal is configured"};
    return f;
  }
  const std::optional<RealTerminal>& rt = scenario.real_terminal;
  if (!rt) {
    f.reason = {"此场景未说明如何在真实终端上进行，只能在屏幕上练习",
                "This scenario does not say how to run on a real terminal: on screen only"};
    return f;
  }
  if (rt->mode == RealTerminalMode::emulator_only) {
    f.reason = join({"只能在屏幕上练习：", "On screen only: "}, rt->reason);
    return f;
  }
  // Every terminal task must be something the kiosk can start (nexo), or can see on the host
  // line (keyed by hand: look-ups and reprints never leave the terminal); the others would be
  // scored as "not done" whatever the trainee did on the keypad.
  const auto seen = [&view](TerminalOp op) {
    return view.hand_keyed ? terminal_op_is_online(op) : spare_terminal_can_start(op);
  };
  Text missing;
  for (const Step& s : scenario.steps) {
    if (s.kind != StepKind::terminal || seen(s.task)) continue;
    const Text& label = terminal_op_label(s.task);
    if (missing.zh.find(label.zh) != std::string::npos) continue;
    if (!missing.empty()) missing = join(missing, {"、", ", "});
    missing = join(missing, label);
  }
  if (!missing.empty()) {
    f.reason = view.hand_keyed
                   ? join(join({"需要", "Needs "}, missing),
                          {"，这一步在终端本机完成，主机线路上看不到，无法评分：只能在屏幕上练习",
                           ", which the terminal does by itself, unseen on the host line, so it cannot be scored: "
                           "on screen only"})
                   : join(join({"需要", "Needs "}, missing),
                          {"，自助机还不能在终端上发起：只能在屏幕上练习",
                           ", which the kiosk cannot start on the terminal yet: on screen only"});
    return f;
  }
  // The story keys the emulated terminal itself at some steps (does:): a real device cannot be
  // keyed by the kiosk, and what follows would be told from a terminal the trainee is not using.
  for (const Step& s : scenario.steps) {
    bool story_keys = s.does.has_value();
    for (const Choice& c : s.choices) story_keys = story_keys || c.does.has_value();
    if (story_keys) {
      f.reason = {"剧情中有由模拟终端完成的操作，只能在屏幕上练习",
                  "The story runs operations on the simulated terminal itself: on screen only"};
      return f;
    }
  }
  if (rt->proxy_faults && !scenario.setup.faults.empty() && !view.proxy) {
    f.reason = {"需要主机线路故障代理（配置 terminal: proxy:），只能在屏幕上练习",
                "Needs the host-link fault proxy (config terminal: proxy:): on screen only"};
    return f;
  }
  if (acquirer) {
    std::vector<std::string> codes = {"00"};
    for (const RealOutcome& o : rt->outcomes) codes.push_back(o.response);
    for (const std::string& c : codes) {
      if (acquirer->amount_for(c)) continue;
      f.reason = join(join({"测试主机表“", "The test-host table \""}, acquirer->title),
                      {"”没有返回码 " + c + " 的金额，只能在屏幕上练习",
                       "\" has no amount for response " + c + ": on screen only"});
      return f;
    }
  }
  f.ok = true;
  return f;
}

std::vector<std::string> spare_terminal_texts(const std::vector<Scenario>& scenarios,
                                              const std::vector<TestHostProfile>& test_hosts) {
  std::vector<std::string> out;
  auto add = [&out](const Text& t) {
    out.push_back(t.zh);
    out.push_back(t.en);
  };
  std::vector<const TestHostProfile*> tables = {nullptr};
  for (const auto& p : test_hosts) tables.push_back(&p);
  SpareTerminalView views[4];
  views[1].configured = true;
  views[2].configured = true;
  views[2].proxy = true;
  views[3].configured = true;
  views[3].proxy = true;
  views[3].hand_keyed = true;
  for (const Scenario& sc : scenarios)
    for (const SpareTerminalView& v : views)
      for (const TestHostProfile* t : tables) add(spare_terminal_fit(sc, v, t).reason);
  for (const auto& p : test_hosts)
    for (const auto& [code, amount] : p.amounts) add(response_text(code));
  return out;
}

std::vector<const HistoryEntry*> history_keyed_first(const Setup& setup) {
  std::vector<const HistoryEntry*> out;
  for (const HistoryEntry& h : setup.history)
    if (terminal_op_is_online(h.op) && !(h.fault && h.fault->kind == FaultKind::reversal_fails)) out.push_back(&h);
  std::stable_sort(out.begin(), out.end(), [](const HistoryEntry* a, const HistoryEntry* b) {
    return a->days_ago * 1440 + a->minutes_ago > b->days_ago * 1440 + b->minutes_ago;
  });
  return out;
}

int64_t spare_terminal_amount(const Scenario& scenario, const TestHostProfile* acquirer, int online_index,
                              TerminalOp op, int op_index, int64_t scenario_amount) {
  if (!acquirer) return scenario_amount;
  std::string code = "00";
  if (scenario.real_terminal)
    for (const RealOutcome& o : scenario.real_terminal->outcomes)
      if (o.op ? (*o.op == op && o.request == op_index) : o.request == online_index) code = o.response;
  return acquirer->amount_for(code).value_or(scenario_amount);
}

}  // namespace posdrill
