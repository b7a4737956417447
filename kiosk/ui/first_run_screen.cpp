// The first-run screen.

#include "kiosk/ui/first_run_screen.h"

#include <algorithm>
#include <cstring>

namespace posdrill {

void OperatorForm::clear_pins() {
  // Overwrite, not just truncate: a PIN should not linger in memory longer than needed.
  std::fill(pin.begin(), pin.end(), '\0');
  std::fill(pin_again.begin(), pin_again.end(), '\0');
}

void OperatorForm::clear() {
  id.fill('\0');
  name.fill('\0');
  store.fill('\0');
  clear_pins();
  role = 0;
}

namespace {
// Drops anything but 0-9 as it is typed (ImGui's CharsDecimal would let . + - * / through).
int digits_only(ImGuiInputTextCallbackData* data) { return data->EventChar < '0' || data->EventChar > '9'; }
}  // namespace

void form_field(const Theme& th, const std::string& label, const char* id, char* buf, std::size_t size, float width,
                FieldKind kind) {
  const ThemeMetrics& m = th.metrics;
  paragraph(ImGui::GetFont(), label, palette().text_dim);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                      ImVec2(m.pad, std::max(0.0f, (m.touch_px - ImGui::GetFontSize()) * 0.5f)));
  ImGui::SetNextItemWidth(width);
  ImGuiInputTextFlags flags = 0;
  if (kind != FieldKind::text) flags |= ImGuiInputTextFlags_CallbackCharFilter;
  if (kind == FieldKind::pin) flags |= ImGuiInputTextFlags_Password;
  ImGui::InputText(id, buf, size, flags, kind == FieldKind::text ? nullptr : digits_only);
  ImGui::PopStyleVar();
  note_widget(std::string_view(id).substr(std::string_view(id).find_last_of('#') + 1));
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
}

void draw_first_run_screen(const AppState& st, const Theme& th, FirstRunUiState& ui, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Lang lang = st.lang;
  auto tr = [&](const char* key) { return st.strings.tr(key, lang); };
  begin_screen("###first_run", th);
  screen_header(st, th, tr("first_run.title"), "", "", SignOut{}, dispatch);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float w = std::min(avail, 900.0f * m.scale);
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail - w) * 0.5f);
  ImGui::BeginChild("###first_run_form", ImVec2(w, 0.0f), false, ImGuiWindowFlags_NoSavedSettings);
  drag_scroll(th);
  paragraph(ImGui::GetFont(), tr("first_run.body"), pal.text);
  ImGui::Dummy(ImVec2(1, m.gap));
  OperatorForm& f = ui.form;
  form_field(th, tr("first_run.id"), "###first_run.id", f.id.data(), f.id.size(), w, FieldKind::digits);
  form_field(th, tr("first_run.name"), "###first_run.name", f.name.data(), f.name.size(), w, FieldKind::text);
  form_field(th, tr("first_run.pin"), "###first_run.pin", f.pin.data(), f.pin.size(), w, FieldKind::pin);
  form_field(th, tr("first_run.pin_again"), "###first_run.pin_again", f.pin_again.data(), f.pin_again.size(), w,
             FieldKind::pin);
  if (!st.first_run_message.empty()) paragraph(ImGui::GetFont(), st.strings.tr(st.first_run_message, lang), pal.accent);
  ImGui::Dummy(ImVec2(1, m.gap));
  if (touch_button(th, tr("first_run.create"), "first_run.create", w, true, pal.ok)) {
    AddOperator a;
    a.op.employee_id = f.id.data();
    a.op.name = f.name.data();
    a.op.role = Role::admin;
    a.op.lang = lang;
    a.pin = f.pin.data();
    a.pin_again = f.pin_again.data();
    f.clear_pins();
    dispatch(a);
  }
  ImGui::EndChild();
  end_screen();
}

}  // namespace posdrill
