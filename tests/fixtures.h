// A small scenario used by the unit tests: two decisions, a terminal task, a branch, hints,
// a time limit, a critical choice.
#pragma once

#include <string>

#include "scenarios/loader.h"

namespace posdrill::test {

inline const char* small_scenario = R"(id: small_reversal
version: 3
topic: reversal
difficulty: 1
minutes: 3
pass_mark: 70
title: {zh: 小场景, en: Small scenario}
summary: {zh: 测试用, en: For tests}
setup:
  card: "6200000000000047"
  amount: "328.00"
  history:
    - op: sale
      fault: answer_lost
scoring:
  overtime_penalty: 2
start: intro
steps:
  - id: intro
    kind: narrative
    terminal: {zh: 交易失败, en: Transaction failed}
    sms: {zh: 扣款328.00元, en: Debited 328.00}
    next: first
  - id: first
    kind: decision
    prompt: {zh: "怎么办?", en: "What now?"}
    time_limit: 30
    hints:
      - text: {zh: 别重刷, en: Do not swipe again}
        cost: 1
      - text: {zh: 查一下, en: Check first}
        cost: 2
    choices:
      - id: check
        text: {zh: 查交易, en: Check the transaction}
        points: 10
        feedback: {zh: 对, en: Right}
        next: inquiry
      - id: partial
        text: {zh: 打电话, en: Call someone}
        points: 4
        feedback: {zh: 可以但慢, en: Slow}
        next: inquiry
      - id: swipe
        text: {zh: 再刷, en: Swipe again}
        critical: true
        feedback: {zh: 重复扣款, en: Double charge}
        next: bad_end
  - id: inquiry
    kind: terminal
    task: balance_inquiry
    prompt: {zh: 做余额查询, en: Run a balance inquiry}
    expect: {response: "00", reversal_sent: true}
    points: 10
    critical_ops: [sale]
    feedback: {zh: 冲正已发出, en: Reversal sent}
    fail_feedback: {zh: 没有冲正, en: No reversal}
    next: tell
    on_fail: tell
  - id: tell
    kind: decision
    prompt: {zh: "告诉客人什么?", en: "What do you tell the customer?"}
    shuffle: false
    choices:
      - id: explain
        text: {zh: 解释冲正, en: Explain the reversal}
        points: 5
        feedback: {zh: 对, en: Right}
        next: good_end
      - id: shrug
        text: {zh: 不知道, en: No idea}
        feedback: {zh: 客人不安, en: The customer worries}
        next: good_end
  - id: good_end
    kind: end
    text: {zh: 好, en: Good}
  - id: bad_end
    kind: end
    text: {zh: 坏, en: Bad}
debrief:
  rules:
    - {zh: 不要重刷, en: Never swipe again}
)";

inline Scenario load_small() {
  Scenario s;
  auto diags = load_scenario_text(small_scenario, "small.yaml", s);
  if (!diags.empty()) throw std::runtime_error(diags.front().to_string());
  return s;
}

}  // namespace posdrill::test
