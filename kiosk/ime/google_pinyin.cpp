// The Google Pinyin adapter.

#include "kiosk/ime/google_pinyin.h"

#include <pinyinime.h>

#include <atomic>

namespace posdrill {

namespace {

std::atomic<bool> decoder_open{false};

// The library speaks UTF-16 (BMP only: every hanzi it knows); the kiosk UTF-8.
std::string to_utf8(const ime_pinyin::char16* s) {
  std::string out;
  for (; s && *s; ++s) {
    const unsigned c = *s;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string library_candidate(std::size_t i) {
  ime_pinyin::char16 buf[ime_pinyin::kMaxSearchSteps + 1] = {};
  if (!ime_pinyin::im_get_candidate(i, buf, ime_pinyin::kMaxSearchSteps)) return {};
  return to_utf8(buf);
}

// The first `n` characters of a UTF-8 text.
std::string first_chars(const std::string& s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t k = 0; k < n && i < s.size(); ++k) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return s.substr(0, i);
}

}  // namespace

std::filesystem::path GooglePinyin::default_dictionary() { return POSDRILL_GOOGLEPINYIN_DICT; }

std::unique_ptr<GooglePinyin> GooglePinyin::open(const std::filesystem::path& dictionary, std::string& error) {
  if (decoder_open.exchange(true)) {
    error = "the pinyin decoder is already open (the library holds one per process)";
    return nullptr;
  }
  // The user dictionary is where the library learns what was typed: /dev/null keeps nothing.
  if (!ime_pinyin::im_open_decoder(dictionary.c_str(), "/dev/null")) {
    decoder_open = false;
    error = "cannot open the pinyin dictionary " + dictionary.string();
    return nullptr;
  }
  return std::unique_ptr<GooglePinyin>(new GooglePinyin());
}

GooglePinyin::~GooglePinyin() {
  ime_pinyin::im_close_decoder();
  decoder_open = false;
}

void GooglePinyin::search(std::string_view letters) {
  const std::string s(letters.substr(0, ime_pinyin::kMaxSearchSteps - 1));
  // The library searches incrementally from its last spelling, keeping the choices made on it:
  // a new composition starts from nothing.
  ime_pinyin::im_reset_search();
  count_ = s.empty() ? 0 : ime_pinyin::im_search(s.c_str(), s.size());
  offset_ = 0;
  chosen_.clear();
}

std::size_t GooglePinyin::candidate_count() const { return count_ > offset_ ? count_ - offset_ : 0; }

std::string GooglePinyin::candidate(std::size_t i) const {
  return i < candidate_count() ? library_candidate(i + offset_) : std::string();
}

bool GooglePinyin::choose(std::size_t i) {
  if (i >= candidate_count()) return false;
  count_ = ime_pinyin::im_choose(i + offset_);
  const ime_pinyin::uint16* starts = nullptr;
  const std::size_t syllables = ime_pinyin::im_get_spl_start_pos(starts);
  const std::size_t fixed = ime_pinyin::im_get_fixed_len();
  const std::string sentence = library_candidate(0);
  if (fixed >= syllables) {
    chosen_ = sentence;
    count_ = 0;
    offset_ = 0;
    return true;
  }
  // Part of the letters is chosen: candidate 0 is now that part plus the best guess for the
  // rest, and the others are for the rest alone.
  chosen_ = first_chars(sentence, fixed);
  offset_ = 1;
  return false;
}

}  // namespace posdrill
