// The port to a pinyin input method: letters in, candidate hanzi out. PURE (an interface only).
//
// Why a port: the on-screen keyboard (keyboard.h) is tested with a small fake, and the kiosk
// plugs in the packaged library (kiosk/ime/google_pinyin.h), tested on its own against its
// dictionary. No dictionary lives in this repository.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace posdrill {

class InputMethod {
 public:
  virtual ~InputMethod() = default;
  // Starts a new composition over `letters` (a-z, lower case); any earlier choice is forgotten.
  virtual void search(std::string_view letters) = 0;
  // How many candidates the composition offers now (0 when the letters spell nothing).
  virtual std::size_t candidate_count() const = 0;
  // Candidate `i` (< candidate_count()) as UTF-8: a phrase for the leading syllables.
  virtual std::string candidate(std::size_t i) const = 0;
  // Takes candidate `i`. True when the choices so far cover every letter (chosen() is then the
  // whole text); false when syllables are left, and the candidates are now for those.
  virtual bool choose(std::size_t i) = 0;
  // The hanzi chosen so far in this composition ("" before the first choice).
  virtual std::string chosen() const = 0;
};

}  // namespace posdrill
