// The first-run screen.

#include "kiosk/ui/first_run_screen.h"

#include <algorithm>

namespace posdrill {

void wipe(std::string& secret) {
  std::fill(secret.begin(), secret.end(), '\0');
  secret.clear();
}

void OperatorForm::clear_pins() {
  wipe(pin);
  wipe(pin_again);
}

void OperatorForm::clear() {
  id.clear();
  name.clear();
  store.clear();
  clear_pins();
  role = 0;
}

void draw_first_run_screen(const AppState& st, const Theme& th, FirstRunUiState& ui, OnScreenKeyboard& kb,
                           const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Lang lang = st.lang;
  auto tr = [&](const char* key) { return st.strings.tr(key, lang); };
  OperatorForm& f = ui.form;
  const std::vector<KeyboardField> fields = {{"first_run.id", &f.id, id_field, false},
                                             {"first_run.name", &f.name, name_field, false},
                                             {"first_run.pin", &f.pin, pin_field, true},
                                             {"first_run.pin_again", &f.pin_again, pin_field, true}};
  const char* labels[] = {"first_run.id", "first_run.name", "first_run.pin", "first_run.pin_again"};

  begin_screen("###first_run", th);
  screen_header(st, th, tr("first_run.title"), "", "", SignOut{}, dispatch);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float w = std::min(avail, 900.0f * m.scale);
  const float screen_left = ImGui::GetCursorPosX();
  const float left = screen_left + (avail - w) * 0.5f;
  // The form scrolls above the keyboard, which stays docked at the bottom.
  const float kb_h = keyboard_height(th, kb, fields);
  ImGui::SetCursorPosX(left);
  ImGui::BeginChild("###first_run_form", ImVec2(w, -kb_h), false, ImGuiWindowFlags_NoSavedSettings);
  drag_scroll(th, ui.dragging);
  paragraph(ImGui::GetFont(), tr("first_run.body"), pal.text);
  ImGui::Dummy(ImVec2(1, m.gap));
  for (std::size_t i = 0; i < fields.size(); ++i) keyboard_field(th, kb, tr(labels[i]), fields[i], w, lang);
  if (!st.first_run_message.empty()) status_line(th, tr(st.first_run_message.c_str()), Status::problem);
  ImGui::Dummy(ImVec2(1, m.gap));
  if (touch_button(th, tr("first_run.create"), "first_run.create", w, true, pal.ok)) {
    AddOperator a;
    a.op.employee_id = f.id;
    a.op.name = f.name;
    a.op.role = Role::admin;
    a.op.lang = lang;
    a.pin = f.pin;
    a.pin_again = f.pin_again;
    f.clear_pins();
    kb.unfocus();
    dispatch(a);
  }
  ImGui::EndChild();
  // The keyboard takes the screen's width: bigger keys than the form's column would allow.
  ImGui::SetCursorPosX(screen_left);
  draw_keyboard(th, st.strings, lang, kb, fields, avail);
  end_screen();
}

}  // namespace posdrill
