// The runner screen: a scenario being played.
//
// Left: the terminal twin — its screen in the current language with the "培训 TRAINING"
// watermark, the transaction menu as big touch buttons (live only during a terminal task), and
// the printed slips (card numbers masked by the emulator). Right: the timer, the situation, the
// customer's line, the customer's phone with the bank's SMS, and what the trainee must do now:
// continue a narrative, pick a choice (in the order the runner shows them), or run a terminal
// task; a hint button shows what the next hint costs.
//
// A function of (const AppState&, Theme, RunnerUiState&, dispatch): it reads, keeps only scroll
// state, and reports taps as Actions. Widget IDs: "op.<terminal op>", "choice.<choice id>",
// "hint", "continue", "give_up", "back", "lang".
#pragma once

#include "kiosk/core/app_state.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

struct RunnerUiState {
  bool twin_dragging = false;
  bool story_dragging = false;
  // The step the story column was last scrolled for: a new step starts at the top.
  std::string scrolled_for_step;
  // The terminal column: a new attempt and each terminal task start with the terminal in view;
  // a slip coming out of the printer, or torn off onto the pile, scrolls into view.
  uint64_t twin_attempt = 0;
  std::string twin_task;
  std::size_t slips_seen = 0;
  std::size_t pile_seen = 0;
  // Whether the pile of slips showed last frame; while it does not, a button over the terminal
  // says how many lie below and scrolls to them.
  bool pile_in_view = true;
  bool scroll_to_pile = false;
  // What the terminal asked of the customer last frame (card 1, PIN 2, supervisor 4): a new ask
  // scrolls the story column to its buttons.
  int customer_asks = 0;
  std::string customer_asks_at;  // "serial/step": the task they were asked in
};

void draw_runner_screen(const AppState& state, const Theme& theme, RunnerUiState& ui, const Dispatch& dispatch);

}  // namespace posdrill
