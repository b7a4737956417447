// The manager console, behind the manager PIN: the store roster with certification status, each
// operator's history and a step-by-step replay of any attempt, the most frequent mistakes per
// scenario as a bar chart, account management, read-only settings, CSV export and "close the
// kiosk", and the sync with the company's learning record store (counts, the last problem, "send
// now", and the statements the store refused, each to retry or void), and the question analysis
// (per scenario, how each decision works: answers, share right, how well it separates strong from
// weak trainees, time, hints, each answer's share, and what to look at in plain words). Reads
// AppState::console and AppState::sync; emits console actions.
#pragma once

#include <string>

#include "kiosk/core/app_state.h"
#include "kiosk/ui/first_run_screen.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

struct ConsoleUiState {
  bool dragging = false;
  OperatorForm add;     // the "add an account" form
  // The id just submitted from that form: once the account list holds it, the form is emptied
  // for the next person; an edit of the id field (after a refusal) forgets it.
  std::string added_id;
  std::string pin_for;  // the account whose "reset PIN" form is open
  // The account whose new PIN was just submitted: the form closes once the notice says it was
  // saved, and stays open (emptied) after a refusal, with the reason in the footer.
  std::string pin_sent;
  bool pin_refused = false;  // set with such a refusal: the form scrolls back into view, from its account's line
  std::string new_pin;
  std::string new_pin_again;
  // Voiding is for good: the first tap arms the statement's button, the second voids it.
  std::string void_armed;
  // History folds each run of two or more abandoned attempts into one row; this run (named by
  // its newest attempt) is shown unfolded.
  std::string unfolded;
  // Question analysis: the list of scenarios to pick from is open (it opens by itself while none
  // is picked).
  bool items_picking = false;
};

// `kb`: the keyboard the forms share (first_run_screen.h).
void draw_console_screen(const AppState& state, const Theme& theme, ConsoleUiState& ui, OnScreenKeyboard& kb,
                         const Dispatch& dispatch);

}  // namespace posdrill
