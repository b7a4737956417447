// Practising on a spare real terminal: what the kiosk's core knows about it. PURE.
//
// The link itself (nexo over HTTP on its own thread, and the host-link fault proxy) lives in
// kiosk/nexo/spare_terminal_link.h; the core only sees its reports (SpareTerminalView) and
// decides, for each scenario, whether it can be played there and with which amounts.
//
// Rules
// - A scenario plays on the spare terminal only when its `real_terminal` block says `mode:
//   amounts`, every terminal task is an operation the kiosk can start over nexo
//   (spare_terminal_ops()), the configured acquirer's test-host table has an amount for every
//   outcome it needs, and — for `faults: proxy` — the kiosk runs the host-link proxy. Otherwise
//   it plays on screen and the catalog says why, in plain words.
// - Amounts: the trainee's Nth online request is sent with the amount that makes the acquirer's
//   test host answer the scenario's outcome N, or its "00" amount when the scenario names no
//   outcome for N. Without an acquirer table (the emulated POI, `posdrill terminal --nexo`,
//   follows the scenario's story itself) the scenario's own amounts are sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "scenarios/model.h"
#include "scenarios/terminal_port.h"
#include "scenarios/text.h"

namespace posdrill {

// How the link to the spare terminal stands, as the link thread last saw it.
// off: none configured. connecting: no answer yet (start, or a login in progress). ready: the
// terminal answered and said it is in training mode. unreachable: no answer (cable, power,
// address). refused: it answered but the kiosk will not use it (not in training mode, login
// refused, an unreadable answer).
enum class TerminalLinkState { off, connecting, ready, unreachable, refused };
std::string_view terminal_link_state_name(TerminalLinkState s);  // "ready", …

struct SpareTerminalView {
  bool configured = false;  // `terminal: nexo:` is set and the link thread runs
  std::string address;      // the terminal's URL, for the console and the panel
  TerminalLinkState link = TerminalLinkState::off;
  WallTime last_ok_ms;     // the terminal's last good answer; 0: never
  Text problem;            // the last problem in plain words (zh, en); empty when none
  std::string detail;      // English detail for the console ("connection refused"); never a secret
  // The host-link fault proxy the kiosk runs for `faults: proxy` scenarios.
  bool proxy = false;         // configured and listening
  std::string proxy_address;  // listen address, for the panel ("point the terminal's host here")
  std::string proxy_problem;  // why it does not run, English; "" when it runs or is not configured
  std::string acquirer;       // the test-host table in use ("" = the scenario's own amounts)
  std::string acquirer_title_zh, acquirer_title_en;
  // The host-line way (`terminal: wire:`): the trainee keys every operation on the terminal by
  // hand and the kiosk scores what its host line shows (device_bridge/wire_watch.h). `address`
  // is then where the terminal's host address must point; `last_ok_ms` the last message seen.
  bool hand_keyed = false;
  int wait_s = 120;  // how long a terminal task waits for the trainee at the device (config timeout)

  bool operator==(const SpareTerminalView&) const = default;
};

// The operations the trainer keys on a hand-keyed terminal before the story begins (the setup's
// history that goes online, oldest first), so that the host line's counts and the terminal's
// own records match the story's. A reversal the story says failed is not keyed.
std::vector<const HistoryEntry*> history_keyed_first(const Setup& setup);

// The operations the kiosk can start on the terminal over nexo (NexoTerminalPort): sale, void,
// pre-auth, pre-auth completion, pre-auth cancel. The rest are done on the terminal's keypad.
const std::vector<TerminalOp>& spare_terminal_ops();
bool spare_terminal_can_start(TerminalOp op);

// Whether `scenario` can be played on the spare terminal, and if not, why (plain words, zh/en).
struct SpareTerminalFit {
  bool ok = false;
  Text reason;  // empty when ok
};
// `acquirer`: the configured test-host table, null when none is configured (scenario amounts).
SpareTerminalFit spare_terminal_fit(const Scenario& scenario, const SpareTerminalView& view,
                                    const TestHostProfile* acquirer);

// The amount to send for the trainee's `online_index`-th (1-based) online request of `scenario`,
// given the amount request_for() chose. Unchanged without an acquirer table.
// Every text the spare terminal's fit reasons and answers can show for `scenarios` with any of
// `test_hosts` (or none), for the kiosk's glyph set.
std::vector<std::string> spare_terminal_texts(const std::vector<Scenario>& scenarios,
                                              const std::vector<TestHostProfile>& test_hosts);

int64_t spare_terminal_amount(const Scenario& scenario, const TestHostProfile* acquirer, int online_index,
                              TerminalOp op, int op_index,
                              int64_t scenario_amount);

}  // namespace posdrill
