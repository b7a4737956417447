// A recorded attempt, step by step, for the manager console's replay: what the trainee was shown,
// what they chose or did on the terminal, the points and the feedback. Read from the events the
// store keeps (payload = step_record_json). PURE.
#pragma once

#include <string>
#include <vector>

#include "kiosk/core/records.h"
#include "scenarios/model.h"

namespace posdrill {

struct ReplayStep {
  int seq = 0;
  std::string step_id;
  std::string kind;  // "decision", "terminal", "narrative", "end"
  Text prompt;       // decision / terminal
  Text text;         // narrative / end
  Text customer;
  std::vector<Text> hints;
  std::vector<Text> shown;  // the choices as shown, in order (decisions)
  std::string choice_id;
  Text chosen;  // the chosen choice's text, from the scenario when it still has that choice
  bool terminal_success = false;
  bool gave_up = false;
  int points = 0;
  int max_points = 0;
  bool critical = false;
  bool mistake = false;
  Text feedback;
  bool unreadable = false;  // the payload was not the JSON the recorder writes
};

// `scenario` may be null (content changed since); texts then come from the payload only.
std::vector<ReplayStep> replay_steps(const std::vector<AttemptEventRow>& events, const Scenario* scenario);

}  // namespace posdrill
