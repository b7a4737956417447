// A small, pure model of a terminal and its acquirer host: the test double behind the
// TerminalPort until the emulated CUP terminal (device_bridge/) plugs in. It follows the rules in
// the scenario setup closely enough for headless play and unit tests: history replay, pending
// automatic reversal before the next online request, scripted faults by request number, PIN
// tries, velocity, acquirer declines, pre-auth completion rules (original, days, limit).
// It never sees or keeps a PIN; the card number stays inside Setup.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/model.h"

namespace posdrill {

class TerminalDouble final : public TerminalPort {
 public:
  void prepare(const Setup& setup) override;
  void request(const TerminalRequest& request) override;
  std::vector<TerminalRecord> poll() override;

  // For tests: the state the double tracks.
  bool reversal_pending() const { return reversal_pending_; }
  int online_requests() const { return online_requests_; }
  int64_t host_debited_minor() const { return host_debited_; }  // net amount the issuer holds

 private:
  struct Entry {
    TerminalOp op;
    int64_t amount_minor;
    std::string rc;
    std::string auth_code;
    std::string date_mmdd;
    int days_ago = 0;
    int minutes_ago = 0;
    bool reversed = false;
    bool has_pan = true;
    bool shown_on_terminal = true;  // false when the answer never reached the terminal
  };

  TerminalRecord run_online(const TerminalRequest& req, const Fault* fault, int days_ago, int minutes_ago,
                            bool wrong_pin);
  const Fault* fault_for_request(int n, FaultKind kind) const;
  std::string next_auth_code();
  const Entry* original() const;
  bool wrong_pin_lock_reached() const;
  int recent_sales(int window_minutes) const;

  Setup setup_;
  std::vector<Entry> journal_;
  std::deque<TerminalRecord> done_;
  bool reversal_pending_ = false;
  int64_t pending_amount_ = 0;
  std::optional<std::size_t> pending_entry_;  // the journal entry the pending reversal undoes
  bool reversals_fail_ = false;
  int online_requests_ = 0;
  int wrong_pins_ = 0;
  int auth_seq_ = 0;
  int64_t host_debited_ = 0;
};

}  // namespace posdrill
