// The on-screen keyboard and the form fields it types into, for the first run and the console's
// "add an account" form: a finger alone fills them. Digits fields (employee id, PIN) get a number
// pad; text fields a QWERTY layout with 中 and 英 keys (the one in use filled), a top row that
// shows the pinyin candidates a page at a time while composing and the digits otherwise,
// backspace, space and confirm. Both have a key that puts the keyboard away. ImGui only; the edits
// are OnScreenKeyboard's (kiosk/core/keyboard.h).
//
// Widget ids: the field's own id; keys "kb.<letter or digit>", "kb.shift", "kb.zh", "kb.en",
// "kb.space", "kb.back", "kb.hide", "kb.ok"; candidates "kb.cand.<index on the page>", "kb.prev",
// "kb.next".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/keyboard.h"
#include "kiosk/core/strings.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widgets.h"

namespace posdrill {

// One field of a form, as the keyboard sees it.
struct KeyboardField {
  std::string id;  // widget id ("first_run.name")
  std::string* text = nullptr;
  FieldRules rules;
  bool secret = false;  // a PIN: shown as dots
};

// A labelled field a touch target high showing its text (a PIN as dots, the composition after
// the text while it has the focus). A tap gives it the keyboard's focus.
void keyboard_field(const Theme& th, OnScreenKeyboard& kb, const std::string& label, const KeyboardField& field,
                    float width, Lang lang);

// The height draw_keyboard() takes for the focused field of `fields` (0 when none has the focus),
// so a screen can leave the room below its form.
float keyboard_height(const Theme& th, const OnScreenKeyboard& kb, const std::vector<KeyboardField>& fields);

// The keyboard for the focused field of `fields`, `width` wide at the cursor (nothing when no
// field has the focus). Text from a physical keyboard goes to the same field. Confirm on a field
// with nothing being composed moves the focus to the next field, and off after the last.
void draw_keyboard(const Theme& th, const UiStrings& strings, Lang lang, OnScreenKeyboard& kb,
                   const std::vector<KeyboardField>& fields, float width);

}  // namespace posdrill
