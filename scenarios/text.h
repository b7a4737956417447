// Bilingual text and the language switch. Every text a trainee can see exists in zh and en.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace posdrill {

enum class Lang { zh, en };

// "zh" / "en" -> Lang; anything else -> nullopt.
std::optional<Lang> parse_lang(std::string_view s);
const char* lang_code(Lang l);  // "zh" or "en"

struct Text {
  std::string zh;
  std::string en;

  const std::string& get(Lang l) const { return l == Lang::zh ? zh : en; }
  bool empty() const { return zh.empty() && en.empty(); }
  bool operator==(const Text&) const = default;
};

}  // namespace posdrill
