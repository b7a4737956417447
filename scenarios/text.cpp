#include "scenarios/text.h"

namespace posdrill {

std::optional<Lang> parse_lang(std::string_view s) {
  if (s == "zh" || s == "zh-CN") return Lang::zh;
  if (s == "en" || s == "en-US") return Lang::en;
  return std::nullopt;
}

const char* lang_code(Lang l) { return l == Lang::zh ? "zh" : "en"; }

}  // namespace posdrill
