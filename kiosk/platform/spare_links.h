// The kiosk's spare real terminal, as the frame loop sees it: the nexo link (the kiosk starts each
// operation) or, with `terminal: wire:` and no `nexo:`, the host-line link of a terminal keyed by
// hand. Starts the one the config names, puts it behind the effect runner, hands its answers and
// health to update() when the loop polls, and stops it when the kiosk closes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/app/services.h"
#include "kiosk/core/app_state.h"
#include "kiosk/core/terminal_settings.h"
#include "kiosk/nexo/spare_terminal_link.h"
#include "kiosk/nexo/wire_terminal_link.h"

namespace posdrill {

class SpareTerminalLinks final : public SpareTerminalControl {
 public:
  using Log = std::function<void(const std::string&)>;
  // `log` and `wake` are called from the links' threads (both must be thread-safe).
  SpareTerminalLinks(Log log, std::function<void()> wake) : log_(std::move(log)), wake_(std::move(wake)) {}
  ~SpareTerminalLinks() override { stop(); }

  // Starts the link `settings` names, if any: on success `services` uses it and `state` shows it;
  // a problem is logged and listed in the console's facts, and trainees practise on screen.
  void start(const RealTerminalSettings& settings, const std::vector<TestHostProfile>& test_hosts, AppState& state,
             KioskServices& services);
  // Hands what the link reported since the last call to `act`; true when there was anything.
  bool poll(const AppState& state, const std::function<void(const Action&)>& act);
  void stop();

  // SpareTerminalControl: a hand-keyed terminal is never sent anything.
  void begin(uint64_t serial, const Scenario& scenario) override;
  void send(uint64_t serial, const TerminalRequest& request) override;
  void end(uint64_t serial) override;

 private:
  Log log_;
  std::function<void()> wake_;
  std::unique_ptr<SpareTerminalLink> nexo_;
  std::unique_ptr<WireTerminalLink> wire_;
};

}  // namespace posdrill
