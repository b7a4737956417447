// The first-run screen: no account exists yet, so the first administrator is created here (a
// keyboard is needed once, for the name). There is no default account or password anywhere.
#pragma once

#include <array>

#include "kiosk/core/app_state.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

// The form's text, kept between frames (ImGui text fields need buffers).
struct OperatorForm {
  std::array<char, 40> id{};
  std::array<char, 260> name{};  // 64 characters of up to 4 UTF-8 bytes
  std::array<char, 40> store{};
  std::array<char, 12> pin{};
  std::array<char, 12> pin_again{};
  int role = 0;  // Role as int
  void clear_pins();
  void clear();
};

struct FirstRunUiState {
  OperatorForm form;
};

void draw_first_run_screen(const AppState& state, const Theme& theme, FirstRunUiState& ui, const Dispatch& dispatch);

// What a form field takes: any text (names), digits only (employee ids: the sign-in numpad has
// nothing else), or a PIN (digits, hidden).
enum class FieldKind { text, digits, pin };

// Labelled text field a touch target high (shared with the console's forms).
void form_field(const Theme& th, const std::string& label, const char* id, char* buf, std::size_t size, float width,
                FieldKind kind);

}  // namespace posdrill
