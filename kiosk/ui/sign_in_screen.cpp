// The sign-in screen and the manager gate.

#include "kiosk/ui/sign_in_screen.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace posdrill {

namespace {

// A field showing its value (the PIN as dots); tapping it moves the focus there.
// `dots`: how many secret characters to show as dots instead of `shown`.
void field_box(const Theme& th, const std::string& label, const std::string& shown, std::size_t dots, bool focused,
               std::string_view id, float width, const Dispatch& dispatch, const Action& on_tap) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  paragraph(f, label, pal.text_dim);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 size(width, m.touch_px);
  ImGui::PushID(id.data(), id.data() + id.size());
  if (ImGui::InvisibleButton("##f", size)) dispatch(on_tap);
  ImGui::PopID();
  note_widget(id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 q(p.x + size.x, p.y + size.y);
  dl->AddRectFilled(p, q, pal.card, m.rounding);
  dl->AddRect(p, q, focused ? pal.accent : pal.card_border, m.rounding, 0, focused ? 2 * m.border : m.border);
  const float ty = p.y + (size.y - f->FontSize) * 0.5f;
  float end = p.x + m.pad;
  if (dots > 0)
    end = draw_secret_dots(dl, ImVec2(end, ty), dots, f->FontSize, pal.text);
  else
    dl->AddText(f, f->FontSize, ImVec2(end, ty), pal.text, shown.c_str());
  if (!shown.empty() && dots == 0) end += f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, shown.c_str()).x;
  if (focused) {  // a caret after the text
    const float x = end + std::round(f->FontSize * 0.2f);
    dl->AddRectFilled(ImVec2(x, ty), ImVec2(x + m.border, ty + f->FontSize), pal.accent);
  }
}

// A physical keyboard works as well as the pad: digits, letters for the employee id, Enter,
// Backspace, Tab (next field). Only while no ImGui text field is active.
void keyboard(const Dispatch& dispatch) {
  ImGuiIO& io = ImGui::GetIO();
  for (ImWchar c : io.InputQueueCharacters)
    if (c < 0x80 && c > 0x20) dispatch(KeypadKey{KeypadKey::Kind::character, static_cast<char>(c)});
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter)))
    dispatch(KeypadKey{KeypadKey::Kind::enter, 0});
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace))) dispatch(KeypadKey{KeypadKey::Kind::backspace, 0});
}

}  // namespace

void draw_sign_in_screen(const AppState& st, const Theme& th, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Lang lang = st.lang;
  const bool gate = st.screen == ScreenId::manager_gate;
  const PinEntry& e = st.pin_entry;
  auto tr = [&](const char* key) { return st.strings.tr(key, lang); };

  begin_screen(gate ? "###gate" : "###sign_in", th);
  const Action back = gate ? Action{CancelGate{}} : Action{SignOut{}};
  screen_header(st, th, tr(gate ? "gate.title" : "sign_in.title"), tr("sign_in.cancel"), "sign_in.cancel", back,
                dispatch);
  if (!e.checking) keyboard(dispatch);

  // Two columns when the window is wide enough (the form left, the pad right), else stacked.
  const float avail = ImGui::GetContentRegionAvail().x;
  const float key_w = std::max(m.touch_px * 1.6f, std::round(120.0f * m.scale));
  const float pad_w = 3 * key_w + 2 * m.gap;
  const bool wide = avail >= pad_w * 2 + 3 * m.gap;
  const float form_w = wide ? std::min(avail - pad_w - 3 * m.gap, 720.0f * m.scale) : std::min(avail, pad_w * 1.5f);
  const float left = ImGui::GetCursorPosX() + (wide ? (avail - form_w - pad_w - 3 * m.gap) * 0.5f : 0.0f);
  const float top = ImGui::GetCursorPosY() + m.gap;

  ImGui::SetCursorPos(ImVec2(left, top));
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + form_w);
  paragraph(ImGui::GetFont(), tr(gate ? "gate.hint" : "sign_in.hint"), pal.text_dim);
  ImGui::PopTextWrapPos();
  ImGui::Dummy(ImVec2(1, m.gap));
  field_box(th, tr("sign_in.employee_id"), e.employee_id, 0, !e.on_pin, "field.id", form_w, dispatch,
            FocusPinField{false});
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
  // Dots, never the digits: someone may stand behind the trainee.
  field_box(th, tr("sign_in.pin"), std::string(), e.pin.size(), e.on_pin, "field.pin", form_w, dispatch,
            FocusPinField{true});
  ImGui::Dummy(ImVec2(1, m.gap));
  std::string message;
  if (e.checking)
    message = tr("sign_in.checking");
  else if (e.message_key == "sign_in.wrong_tries")
    message = fill_count(tr("sign_in.wrong_tries"), e.tries_left);
  else if (e.message_key == "sign_in.locked")
    message = fill_count(tr("sign_in.locked"), e.locked_minutes);
  else if (!e.message_key.empty())
    message = st.strings.tr(e.message_key, lang);
  // "Checking…" is plain; a refusal reads as an error.
  status_line(th, message, e.checking ? Status::plain : Status::problem, form_w);
  ImGui::EndGroup();

  // The numpad: 1-9, clear, 0, delete; then one wide OK key. Keys are a finger wide at least.
  if (wide)
    ImGui::SetCursorPos(ImVec2(left + form_w + 3 * m.gap, top));
  else
    ImGui::Dummy(ImVec2(1, m.gap));
  ImGui::BeginGroup();
  // Digits in the heading size, centred, as on a PIN pad; the word keys in body size.
  ImFont* digit_font = font_or_current(th.heading);
  static const char* const digits = "123456789";
  const ImU32 key_bg = pal.card;
  for (int row = 0; row < 4; ++row) {
    for (int col = 0; col < 3; ++col) {
      if (col > 0) ImGui::SameLine(0.0f, m.gap);
      if (row < 3) {
        const char d = digits[row * 3 + col];
        const std::string label(1, d);
        ImGui::PushFont(digit_font);
        const bool tapped = touch_button(th, label, std::string("key.") + d, key_w, !e.checking, key_bg, true);
        ImGui::PopFont();
        if (tapped) dispatch(KeypadKey{KeypadKey::Kind::character, d});
      } else if (col == 0) {
        if (touch_button(th, tr("sign_in.clear"), "key.clear", key_w, !e.checking, 0, true))
          dispatch(KeypadKey{KeypadKey::Kind::clear, 0});
      } else if (col == 1) {
        ImGui::PushFont(digit_font);
        const bool tapped = touch_button(th, "0", "key.0", key_w, !e.checking, key_bg, true);
        ImGui::PopFont();
        if (tapped) dispatch(KeypadKey{KeypadKey::Kind::character, '0'});
      } else {
        if (touch_button(th, tr("sign_in.backspace"), "key.back", key_w, !e.checking, 0, true))
          dispatch(KeypadKey{KeypadKey::Kind::backspace, 0});
      }
    }
    ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
  }
  if (touch_button(th, tr(e.on_pin ? "sign_in.ok" : "sign_in.next"), "key.ok", pad_w, !e.checking, pal.ok, true))
    dispatch(KeypadKey{KeypadKey::Kind::enter, 0});
  ImGui::EndGroup();
  end_screen();
}

}  // namespace posdrill
