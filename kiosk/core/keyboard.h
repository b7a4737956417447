// The on-screen keyboard's model: which form field it types into, 中/英, the pinyin being
// composed, its candidates a page at a time, and every edit it makes to the field's text. PURE:
// the screens draw it (kiosk/ui/keyboard_widget.h); the input method is a port (input_method.h).
//
// Why a model apart from the drawing: the edits (a key, a candidate, backspace inside a
// composition, paging) are the part that can go wrong, and tests drive them here without ImGui;
// the platform also asks it which candidates the next frame shows, so their glyphs are in the
// atlas before they are drawn.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/input_method.h"

namespace posdrill {

// What a field accepts: at most `max_chars` characters (code points); with `digits_only` only 0-9
// (employee ids and PINs: the keyboard shows its number pad for them).
struct FieldRules {
  std::size_t max_chars = 64;
  bool digits_only = false;
  bool latin = false;  // codes in letters and digits (a store code): the keyboard opens in 英
};

// How the candidate row is laid out, in pixels, so that pages are decided without a font: a
// candidate is `em` per character plus `pad` on each side, never narrower than `min_w`, and
// candidates sit `gap` apart in a row `width` wide. CJK glyphs are one em wide.
struct CandidateRow {
  float width = 800.0f;
  float em = 22.0f;
  float pad = 16.0f;
  float min_w = 56.0f;
  float gap = 12.0f;
};

// The width of `candidate` in `row` (see CandidateRow).
float candidate_width(const CandidateRow& row, std::string_view candidate);

class OnScreenKeyboard {
 public:
  // `ime` may be null: then 中 mode offers no candidates and letters are committed as typed.
  explicit OnScreenKeyboard(InputMethod* ime = nullptr) : ime_(ime) {}

  void set_input_method(InputMethod* ime) { ime_ = ime; }
  bool has_input_method() const { return ime_ != nullptr; }

  // ---- Focus: the field the keys type into ("" = none, the keyboard is hidden) ----
  // Focuses `field_id`, dropping any composition. A field focused before comes back in the mode
  // it was left in (中 or 英); a new one starts in 中 when `chinese` (the UI speaks Chinese).
  void focus(std::string field_id, bool chinese);
  void unfocus() { focus("", chinese_); }
  const std::string& focused() const { return focused_; }
  // True once after each focus change: the focused field brings itself into view.
  bool take_scroll_request() { return std::exchange(scroll_request_, false); }

  // ---- Keys; each edits `text` under `rules` ----
  // A letter key (a-z; upper case when shift is on, which it then releases). In 中 it joins
  // the composition; in 英, or in a digits-only field, it is typed.
  void letter(std::string& text, const FieldRules& rules, char ch);
  // Text as it arrives from a physical keyboard (already composed by the system's input method,
  // if any) or a digit key: typed as it is, character by character, under the rules. A
  // composition in progress is committed first, as typed.
  void type(std::string& text, const FieldRules& rules, std::string_view utf8);
  // In a composition: drops the choices made so far, or else the last letter. Otherwise deletes
  // the last character of `text`.
  void backspace(std::string& text);
  // In a composition: takes the first candidate (as a phone's keyboard does). Otherwise a space.
  void space(std::string& text, const FieldRules& rules);
  // Takes candidate `i` of the current page; when it completes the composition, its text is
  // typed into `text`.
  void pick(std::string& text, const FieldRules& rules, std::size_t i);
  // 中 ⇄ 英. Letters being composed are typed as they are.
  void toggle_chinese(std::string& text, const FieldRules& rules);
  void toggle_shift() { shift_ = !shift_; }
  // Confirm: commits a composition as typed and returns false; with none, returns true (the
  // field is done: the form moves the focus on).
  bool confirm(std::string& text, const FieldRules& rules);

  // ---- Candidate pages ----
  // The row's geometry; the page in view is laid out again from its first candidate.
  void set_row(const CandidateRow& row);
  void next_page();
  void prev_page();
  bool has_next_page() const;
  bool has_prev_page() const { return !page_starts_.empty(); }

  // ---- What is shown ----
  bool chinese() const { return chinese_; }
  bool shift() const { return shift_; }
  bool composing() const { return !letters_.empty(); }
  // The composition as shown: the letters typed ("lina"), after the hanzi chosen so far when a
  // choice covered only part of them ("李 lina").
  std::string composition() const { return chosen_.empty() ? letters_ : chosen_ + " " + letters_; }
  const std::string& letters() const { return letters_; }
  // The candidates of the page in view (at least one when any exist).
  std::vector<std::string> page() const;
  // Every text the next frame shows that a typist brought (composition and page): the platform
  // feeds them to the glyph set before drawing.
  std::vector<std::string> shown_texts() const;

 private:
  void search();
  void reset_composition();
  void commit(std::string& text, const FieldRules& rules, std::string_view utf8);
  std::size_t page_end() const;

  InputMethod* ime_ = nullptr;
  std::string focused_;
  bool scroll_request_ = false;
  bool chinese_ = false;
  bool shift_ = false;
  std::string letters_;  // every letter of the composition
  std::string chosen_;   // hanzi chosen so far (the input method's chosen())
  std::vector<std::string> candidates_;
  std::size_t page_start_ = 0;
  std::vector<std::size_t> page_starts_;  // the starts of the pages before this one
  CandidateRow row_;
  std::map<std::string, bool, std::less<>> mode_of_field_;  // 中 (true) or 英, as each field was left
};

// Appends `utf8` to `text` character by character under `rules` (digits only, the length cap);
// characters that do not fit are dropped. Control characters are never typed.
void append_under_rules(std::string& text, const FieldRules& rules, std::string_view utf8);
// Deletes the last character (code point) of `text`.
void erase_last_char(std::string& text);
// How many characters (code points) `text` holds.
std::size_t char_count(std::string_view text);

}  // namespace posdrill
