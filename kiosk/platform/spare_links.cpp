#include "kiosk/platform/spare_links.h"

namespace posdrill {

void SpareTerminalLinks::start(const RealTerminalSettings& settings, const std::vector<TestHostProfile>& test_hosts,
                               AppState& state, KioskServices& services) {
  const auto terminal_log = [log = log_](const std::string& line) { log("terminal: " + line); };
  const auto use = [&](const std::string& acquirer, const SpareTerminalView& view) {
    for (const auto& p : test_hosts)
      if (p.id == acquirer) state.spare_acquirer = p;
    services.enable_spare_terminal(this);
    state.spare = view;
    refresh_catalog(state);
  };
  std::string error;
  if (auto lo = SpareTerminalLink::options_from(settings, test_hosts, error)) {
    lo->log = terminal_log;
    lo->notify = wake_;
    const std::string acquirer = lo->acquirer;
    nexo_ = std::make_unique<SpareTerminalLink>(std::move(*lo));
    if (nexo_->start(error)) {
      use(acquirer, nexo_->view());
      log_("spare terminal at " + settings.nexo_address);
    } else {
      nexo_.reset();
    }
    if (!settings.wire_listen.empty())
      state.kiosk_facts.push_back({"settings.terminal_problem", "",
                                   "terminal.wire is not used by the kiosk while terminal.nexo is set "
                                   "(posdrill play --wire still uses it)"});
  } else if (error.empty()) {
    // The host-line way: the trainee keys the terminal by hand, the kiosk reads its line.
    if (auto wo = WireTerminalLink::options_from(settings, test_hosts, error)) {
      wo->log = terminal_log;
      wo->notify = wake_;
      const std::string acquirer = wo->acquirer;
      wire_ = std::make_unique<WireTerminalLink>(std::move(*wo));
      if (wire_->start(error)) {
        use(acquirer, wire_->view());
        log_("hand-keyed spare terminal: its host address must point at " + state.spare.address);
      } else {
        wire_.reset();
      }
    }
  }
  if (!error.empty()) {
    // Trainees keep practising on screen; the console's facts and the log say why.
    log_("the spare terminal is not used: " + error);
    state.kiosk_facts.push_back({"settings.terminal_problem", "", error});
  }
}

bool SpareTerminalLinks::poll(const AppState& state, const std::function<void(const Action&)>& act) {
  bool any = false;
  SpareTerminalView view;
  if (wire_) {
    for (WireTerminalLink::Exchange& e : wire_->take_exchanges()) {
      act(SpareTerminalKeyed{e.serial, std::move(e.record), e.op_known, std::move(e.line)});
      any = true;
    }
    view = wire_->view();
  } else if (nexo_) {
    for (SpareTerminalLink::Answer& a : nexo_->take_answers()) {
      act(SpareTerminalAnswered{a.serial, std::move(a.records)});
      any = true;
    }
    view = nexo_->view();
  } else {
    return false;
  }
  if (!(view == state.spare)) {
    act(SpareTerminalStatus{view});
    any = true;
  }
  return any;
}

void SpareTerminalLinks::stop() {
  if (nexo_) nexo_->stop();
  if (wire_) wire_->stop();
}

void SpareTerminalLinks::begin(uint64_t serial, const Scenario& scenario) {
  if (nexo_) nexo_->begin(serial, scenario);
  if (wire_) wire_->begin(serial, scenario);
}

void SpareTerminalLinks::send(uint64_t serial, const TerminalRequest& request) {
  if (nexo_) nexo_->send(serial, request);
}

void SpareTerminalLinks::end(uint64_t serial) {
  if (nexo_) nexo_->end(serial);
  if (wire_) wire_->end(serial);
}

}  // namespace posdrill
