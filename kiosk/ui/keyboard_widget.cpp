// The on-screen keyboard.

#include "kiosk/ui/keyboard_widget.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <imgui_internal.h>  // ImTextStrToUtf8

namespace posdrill {

namespace {

const KeyboardField* focused_field(const OnScreenKeyboard& kb, const std::vector<KeyboardField>& fields) {
  if (kb.focused().empty()) return nullptr;
  for (const KeyboardField& f : fields)
    if (f.id == kb.focused() && f.text) return &f;
  return nullptr;
}

bool digits_pad(const KeyboardField& f) { return f.rules.digits_only; }

constexpr const char* letter_rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

// Key width: ten keys and nine gaps across `width`, never under a touch target.
float key_width(const Theme& th, float width) {
  const ThemeMetrics& m = th.metrics;
  return std::floor(std::max(m.touch_px, std::min(m.touch_px * 1.6f, (width - 9 * m.gap) / 10)));
}

// One row of keys and the space under it: the keys, ImGui's item spacing, then half a gap.
float row_pitch(const Theme& th) {
  return th.metrics.touch_px + ImGui::GetStyle().ItemSpacing.y + std::round(th.metrics.gap * 0.5f);
}
void next_row(const Theme& th) { ImGui::SetCursorPosY(ImGui::GetCursorPosY() + std::round(th.metrics.gap * 0.5f)); }

// Typed characters and edit keys from a physical keyboard, into the focused field. Returns
// whether Enter was pressed (the confirm key's job).
bool physical_keys(OnScreenKeyboard& kb, const KeyboardField& f, std::string& text) {
  ImGuiIO& io = ImGui::GetIO();
  std::string typed;
  for (ImWchar c : io.InputQueueCharacters) {
    ImWchar s[2] = {c, 0};
    char buf[8] = {};
    ImTextStrToUtf8(buf, sizeof buf, s, s + 1);
    typed += buf;
  }
  if (!typed.empty()) kb.type(text, f.rules, typed);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace))) kb.backspace(text);
  return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
         ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter));
}

void move_focus_on(OnScreenKeyboard& kb, const std::vector<KeyboardField>& fields, Lang lang) {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].id == kb.focused()) {
      if (i + 1 < fields.size())
        kb.focus(fields[i + 1].id, lang == Lang::zh && !fields[i + 1].rules.latin);
      else
        kb.unfocus();
      return;
    }
}

// The hide key: no field keeps the focus (the footer comes back; a tap on a field brings the
// keyboard again, in the mode the field was left in). Letters being composed are dropped: typed as
// they are they would stand in the field as a name ("zhangwei").
void put_away(OnScreenKeyboard& kb) { kb.unfocus(); }

}  // namespace

void keyboard_field(const Theme& th, OnScreenKeyboard& kb, const std::string& label, const KeyboardField& field,
                    float width, Lang lang) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  paragraph(f, label, pal.text_dim);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  // Never wider than the space left: a form's scrollbar takes its share.
  const ImVec2 size(std::min(width, ImGui::GetContentRegionAvail().x), m.touch_px);
  const bool focused = kb.focused() == field.id;
  ImGui::PushID(field.id.c_str());
  if (ImGui::InvisibleButton("##f", size) && !released_after_drag(th) && !focused)
    kb.focus(field.id, lang == Lang::zh && !field.rules.latin);
  ImGui::PopID();
  note_widget(field.id);
  if (focused && kb.take_scroll_request()) ImGui::SetScrollHereY(0.3f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 q(p.x + size.x, p.y + size.y);
  dl->AddRectFilled(p, q, pal.card, m.rounding);
  dl->AddRect(p, q, focused ? pal.accent : pal.card_border, m.rounding, 0, focused ? 2 * m.border : m.border);
  const std::string& text = field.text ? *field.text : std::string();
  const float ty = p.y + (size.y - f->FontSize) * 0.5f;
  dl->PushClipRect(p, q, true);
  float x = p.x + m.pad;
  if (field.secret) {
    x = draw_secret_dots(dl, ImVec2(x, ty), char_count(text), f->FontSize, pal.text);
  } else {
    dl->AddText(f, f->FontSize, ImVec2(x, ty), pal.text, text.c_str());
    x += f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, text.c_str()).x;
  }
  if (focused && kb.composing()) {  // the composition, underlined, where it will land
    const std::string c = kb.composition();
    const float cw = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, c.c_str()).x;
    dl->AddText(f, f->FontSize, ImVec2(x + 2, ty), pal.accent, c.c_str());
    dl->AddLine(ImVec2(x + 2, ty + f->FontSize), ImVec2(x + 2 + cw, ty + f->FontSize), pal.accent, m.border);
    x += cw + 2;
  }
  if (focused) dl->AddRectFilled(ImVec2(x + 2, ty), ImVec2(x + 2 + m.border, ty + f->FontSize), pal.accent);
  dl->PopClipRect();
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
}

float keyboard_height(const Theme& th, const OnScreenKeyboard& kb, const std::vector<KeyboardField>& fields) {
  const KeyboardField* f = focused_field(kb, fields);
  if (!f) return 0.0f;
  // The spacing under the form, half a gap, then the rows. Number pad: four rows. Letters: the
  // candidate row, three rows of letters, the space bar.
  return ImGui::GetStyle().ItemSpacing.y + std::round(th.metrics.gap * 0.5f) +
         static_cast<float>(digits_pad(*f) ? 4 : 5) * row_pitch(th);
}

void draw_keyboard(const Theme& th, const UiStrings& strings, Lang lang, OnScreenKeyboard& kb,
                   const std::vector<KeyboardField>& fields, float width) {
  const KeyboardField* field = focused_field(kb, fields);
  if (!field) return;
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  auto tr = [&](const char* key) { return strings.tr(key, lang); };
  std::string& text = *field->text;
  const FieldRules& rules = field->rules;
  bool done = physical_keys(kb, *field, text) && kb.confirm(text, rules);
  bool hide = false;

  const float kw = key_width(th, width);
  next_row(th);
  const float left = ImGui::GetCursorPosX();

  if (digits_pad(*field)) {
    // 1 2 3 / 4 5 6 / 7 8 9 / delete 0 done, keys as wide as the sign-in numpad's.
    const float dw = std::max(m.touch_px * 1.6f, std::round(120.0f * m.scale));
    const float x0 = left + std::max(0.0f, (width - (3 * dw + 2 * m.gap)) * 0.5f);
    static const char* const pad = "123456789";
    for (int row = 0; row < 4; ++row) {
      ImGui::SetCursorPosX(x0);
      for (int col = 0; col < 3; ++col) {
        if (col > 0) ImGui::SameLine(0.0f, m.gap);
        if (row < 3) {
          const char d = pad[row * 3 + col];
          if (touch_button(th, std::string(1, d), std::string("kb.") + d, dw, true, pal.card, true))
            kb.type(text, rules, std::string(1, d));
        } else if (col == 0) {
          if (touch_button(th, tr("sign_in.backspace"), "kb.back", dw, true, 0, true)) kb.backspace(text);
        } else if (col == 1) {
          if (touch_button(th, "0", "kb.0", dw, true, pal.card, true)) kb.type(text, rules, "0");
        } else if (touch_button(th, tr("keyboard.done"), "kb.ok", dw, true, pal.ok, true)) {
          done = kb.confirm(text, rules);
        }
      }
      // Beside the pad, apart from its keys: put the keyboard away to see the form.
      if (row == 3) {
        ImGui::SameLine(0.0f, 2 * m.gap);
        if (touch_button(th, tr("keyboard.hide"), "kb.hide", dw, true, 0, true)) hide = true;
      }
      next_row(th);
    }
    if (hide) return put_away(kb);
    if (done) move_focus_on(kb, fields, lang);
    return;
  }

  // The letter rows set the keyboard's width: ten keys and nine gaps, centred.
  const float row_w = 10 * kw + 9 * m.gap;
  const float x0 = left + std::max(0.0f, (width - row_w) * 0.5f);

  // Candidate row: the composition, the page of candidates, then previous / next page.
  const float arrow_w = m.touch_px;
  ImFont* f = ImGui::GetFont();
  const float comp_w = std::max(m.touch_px * 2.0f, kw * 2.0f);
  const CandidateRow row{std::max(m.touch_px, row_w - comp_w - 2 * arrow_w - 3 * m.gap), f->FontSize, m.pad, m.touch_px,
                         m.gap};
  kb.set_row(row);
  const bool no_pinyin = kb.chinese() && !kb.has_input_method();
  if (!kb.composing() && !no_pinyin) {
    // Nothing being composed: the row gives the digits (a store code such as S12).
    ImGui::SetCursorPosX(x0);
    static const char* const digits = "1234567890";
    for (int i = 0; i < 10; ++i) {
      if (i > 0) ImGui::SameLine(0.0f, m.gap);
      const char d = digits[i];
      if (touch_button(th, std::string(1, d), std::string("kb.") + d, kw, true, pal.card, true))
        kb.type(text, rules, std::string(1, d));
    }
    next_row(th);
  } else {
    ImGui::SetCursorPosX(x0);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const std::string c = no_pinyin ? tr("keyboard.no_pinyin") : kb.composition();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(p, ImVec2(p.x + comp_w, p.y + m.touch_px), true);
    dl->AddText(f, f->FontSize, ImVec2(p.x, p.y + (m.touch_px - f->FontSize) * 0.5f), pal.accent, c.c_str());
    dl->PopClipRect();
    ImGui::Dummy(ImVec2(comp_w, m.touch_px));
    const std::vector<std::string> page = kb.page();
    for (std::size_t i = 0; i < page.size(); ++i) {
      ImGui::SameLine(0.0f, m.gap);
      if (touch_button(th, page[i], "kb.cand." + std::to_string(i), candidate_width(row, page[i]), true, pal.card, true))
        kb.pick(text, rules, i);
    }
    if (kb.composing()) {
      ImGui::SameLine(0.0f, 0.0f);
      ImGui::SetCursorPosX(x0 + row_w - 2 * arrow_w - m.gap);
      if (touch_button(th, "<", "kb.prev", arrow_w, kb.has_prev_page(), 0, true)) kb.prev_page();
      ImGui::SameLine(0.0f, m.gap);
      if (touch_button(th, ">", "kb.next", arrow_w, kb.has_next_page(), 0, true)) kb.next_page();
    }
    next_row(th);
  }

  // Letter rows; the third between shift and delete.
  const float side_w = std::floor((row_w - 7 * kw - 8 * m.gap) * 0.5f);
  for (int r = 0; r < 3; ++r) {
    const std::string keys = letter_rows[r];
    const float w = r == 2 ? row_w : static_cast<float>(keys.size()) * kw + (keys.size() - 1) * m.gap;
    ImGui::SetCursorPosX(x0 + (row_w - w) * 0.5f);
    if (r == 2) {
      // Pinyin has no capitals: in 中 the key is dimmed rather than lit for nothing.
      const bool shift_works = !kb.chinese();
      if (touch_button(th, tr("keyboard.shift"), "kb.shift", side_w, shift_works,
                       shift_works && kb.shift() ? pal.ok : 0, true))
        kb.toggle_shift();
      ImGui::SameLine(0.0f, m.gap);
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i > 0) ImGui::SameLine(0.0f, m.gap);
      const char ch = keys[i];
      const std::string label(1, kb.shift() && !kb.chinese() ? static_cast<char>(ch - 'a' + 'A') : ch);
      if (touch_button(th, label, std::string("kb.") + ch, kw, true, pal.card, true)) kb.letter(text, rules, ch);
    }
    if (r == 2) {
      ImGui::SameLine(0.0f, m.gap);
      if (touch_button(th, tr("sign_in.backspace"), "kb.back", side_w, true, 0, true)) kb.backspace(text);
    }
    next_row(th);
  }

  // 中 | 英 (the one in use filled, as shift is), space, put away, confirm.
  ImGui::SetCursorPosX(x0);
  const float lang_w = 2 * kw + m.gap;
  if (touch_button(th, tr("keyboard.zh"), "kb.zh", kw, true, kb.chinese() ? pal.ok : 0, true) && !kb.chinese())
    kb.toggle_chinese(text, rules);
  ImGui::SameLine(0.0f, m.gap);
  if (touch_button(th, tr("keyboard.en"), "kb.en", kw, true, kb.chinese() ? 0 : pal.ok, true) && kb.chinese())
    kb.toggle_chinese(text, rules);
  ImGui::SameLine(0.0f, m.gap);
  if (touch_button(th, tr("keyboard.space"), "kb.space", row_w - 3 * lang_w - 3 * m.gap, true, 0, true))
    kb.space(text, rules);
  ImGui::SameLine(0.0f, m.gap);
  if (touch_button(th, tr("keyboard.hide"), "kb.hide", lang_w, true, 0, true)) hide = true;
  ImGui::SameLine(0.0f, m.gap);
  if (touch_button(th, tr("keyboard.done"), "kb.ok", lang_w, true, pal.ok, true)) done = kb.confirm(text, rules);
  if (hide) return put_away(kb);
  if (done) move_focus_on(kb, fields, lang);
}

}  // namespace posdrill
