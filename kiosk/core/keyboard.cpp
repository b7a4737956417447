// The on-screen keyboard's model.

#include "kiosk/core/keyboard.h"

#include <algorithm>

#include "kiosk/core/glyphs.h"

namespace posdrill {

std::size_t char_count(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

void erase_last_char(std::string& text) {
  while (!text.empty()) {
    const unsigned char c = static_cast<unsigned char>(text.back());
    text.pop_back();
    if ((c & 0xC0) != 0x80) return;  // the lead byte (or ASCII): the character is gone
  }
}

void append_under_rules(std::string& text, const FieldRules& rules, std::string_view utf8) {
  std::size_t count = char_count(text);
  std::size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = 0;
    const std::size_t len = decode_utf8_at(utf8, i, cp);
    if (len == 0) {  // not UTF-8: skipped, never typed
      ++i;
      continue;
    }
    const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    const bool allowed = !control && (!rules.digits_only || (cp >= '0' && cp <= '9'));
    if (allowed && count < rules.max_chars) {
      text.append(utf8.substr(i, len));
      ++count;
    }
    i += len;
  }
}

float candidate_width(const CandidateRow& row, std::string_view candidate) {
  return std::max(row.min_w, static_cast<float>(char_count(candidate)) * row.em + 2 * row.pad);
}

void OnScreenKeyboard::focus(std::string field_id, bool chinese) {
  focused_ = std::move(field_id);
  scroll_request_ = !focused_.empty();
  const auto left = mode_of_field_.find(focused_);
  chinese_ = left != mode_of_field_.end() ? left->second : chinese;
  shift_ = false;
  reset_composition();
}

void OnScreenKeyboard::reset_composition() {
  letters_.clear();
  chosen_.clear();
  candidates_.clear();
  page_start_ = 0;
  page_starts_.clear();
}

void OnScreenKeyboard::search() {
  chosen_.clear();
  candidates_.clear();
  page_start_ = 0;
  page_starts_.clear();
  if (!ime_ || letters_.empty()) return;
  ime_->search(letters_);
  for (std::size_t i = 0, n = ime_->candidate_count(); i < n; ++i) candidates_.push_back(ime_->candidate(i));
}

void OnScreenKeyboard::commit(std::string& text, const FieldRules& rules, std::string_view utf8) {
  const std::string typed(utf8);  // `utf8` may be letters_ itself, which the reset clears
  reset_composition();
  append_under_rules(text, rules, typed);
}

void OnScreenKeyboard::letter(std::string& text, const FieldRules& rules, char ch) {
  if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  if (ch < 'a' || ch > 'z') return;
  const bool upper = shift_;
  shift_ = false;
  if (!chinese_ || rules.digits_only || !ime_) {
    const char c = upper ? static_cast<char>(ch - 'a' + 'A') : ch;
    append_under_rules(text, rules, std::string_view(&c, 1));
    return;
  }
  // Pinyin is spelled in lower case whatever the shift key says; a composition never grows past
  // what the field could take as letters.
  if (letters_.size() >= rules.max_chars) return;
  letters_ += ch;
  search();
}

void OnScreenKeyboard::type(std::string& text, const FieldRules& rules, std::string_view utf8) {
  if (composing()) commit(text, rules, letters_);
  append_under_rules(text, rules, utf8);
}

void OnScreenKeyboard::backspace(std::string& text) {
  if (!composing()) return erase_last_char(text);
  if (chosen_.empty()) letters_.pop_back();
  search();  // also forgets the choices made so far
}

void OnScreenKeyboard::space(std::string& text, const FieldRules& rules) {
  if (composing()) {
    if (candidates_.empty()) return commit(text, rules, letters_);
    return pick(text, rules, 0);
  }
  append_under_rules(text, rules, " ");
}

void OnScreenKeyboard::pick(std::string& text, const FieldRules& rules, std::size_t i) {
  const std::size_t at = page_start_ + i;
  if (!ime_ || at >= page_end()) return;
  if (ime_->choose(at)) {
    const std::string whole = ime_->chosen();
    return commit(text, rules, whole);
  }
  chosen_ = ime_->chosen();
  candidates_.clear();
  page_start_ = 0;
  page_starts_.clear();
  for (std::size_t k = 0, n = ime_->candidate_count(); k < n; ++k) candidates_.push_back(ime_->candidate(k));
}

void OnScreenKeyboard::toggle_chinese(std::string& text, const FieldRules& rules) {
  if (composing()) commit(text, rules, letters_);
  chinese_ = !chinese_;
  if (!focused_.empty()) mode_of_field_[focused_] = chinese_;
}

bool OnScreenKeyboard::confirm(std::string& text, const FieldRules& rules) {
  if (!composing()) return true;
  commit(text, rules, letters_);
  return false;
}

void OnScreenKeyboard::set_row(const CandidateRow& row) {
  const bool changed = row.width != row_.width || row.em != row_.em || row.pad != row_.pad || row.min_w != row_.min_w ||
                       row.gap != row_.gap;
  row_ = row;
  if (changed) page_starts_.clear();  // earlier pages would break differently now
}

std::size_t OnScreenKeyboard::page_end() const {
  std::size_t end = page_start_;
  float x = 0.0f;
  while (end < candidates_.size()) {
    const float w = candidate_width(row_, candidates_[end]);
    if (end > page_start_ && x + w > row_.width) break;
    x += w + row_.gap;
    ++end;  // the first candidate of a page always shows, even alone and too wide
  }
  return end;
}

bool OnScreenKeyboard::has_next_page() const { return page_end() < candidates_.size(); }

void OnScreenKeyboard::next_page() {
  const std::size_t end = page_end();
  if (end >= candidates_.size()) return;
  page_starts_.push_back(page_start_);
  page_start_ = end;
}

void OnScreenKeyboard::prev_page() {
  if (page_starts_.empty()) return;
  page_start_ = page_starts_.back();
  page_starts_.pop_back();
}

std::vector<std::string> OnScreenKeyboard::page() const {
  return {candidates_.begin() + static_cast<std::ptrdiff_t>(std::min(page_start_, candidates_.size())),
          candidates_.begin() + static_cast<std::ptrdiff_t>(page_end())};
}

std::vector<std::string> OnScreenKeyboard::shown_texts() const {
  std::vector<std::string> out = page();
  out.push_back(composition());
  return out;
}

}  // namespace posdrill
