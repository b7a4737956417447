// The first-run screen: no account exists yet, so the first administrator is created here, by
// touch alone (the on-screen keyboard, keyboard_widget.h; a physical keyboard works too). There is
// no default account or password anywhere.
#pragma once

#include <string>
#include <vector>

#include "kiosk/core/app_state.h"
#include "kiosk/core/keyboard.h"
#include "kiosk/ui/keyboard_widget.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

// What the forms' fields take: employee ids 1-32 digits (the sign-in numpad has nothing else),
// names up to 64 characters, store ids up to 32, PINs up to 8 digits.
inline constexpr FieldRules id_field{max_employee_id_chars, true};
inline constexpr FieldRules name_field{64, false};
inline constexpr FieldRules store_field{32, false, true};
inline constexpr FieldRules pin_field{max_pin_chars, true};

// The form's text, kept between frames.
struct OperatorForm {
  std::string id;
  std::string name;
  std::string store;
  std::string pin;
  std::string pin_again;
  int role = 0;  // Role as int
  void clear_pins();
  void clear();
};

// Overwrites, then empties: a PIN should not linger in memory longer than needed.
void wipe(std::string& secret);

struct FirstRunUiState {
  OperatorForm form;
  bool dragging = false;
};

// `kb`: the keyboard both forms share (it holds the input method).
void draw_first_run_screen(const AppState& state, const Theme& theme, FirstRunUiState& ui, OnScreenKeyboard& kb,
                           const Dispatch& dispatch);

}  // namespace posdrill
