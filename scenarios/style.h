// Item-writing and vocabulary rules for scenario texts (content/README.md, "Writing the choices"
// and "One vocabulary"). `posdrill lint` reports them; the kiosk's loader does not (a drill with a
// style problem is still playable). PURE.
//
// - A decision whose best choice is the longest by a clear margin (more than `longest_margin`
//   longer than every other choice, in characters, in either language): a trainee who picks the
//   longest answer without reading must not pass.
// - Engineer jargon trainees never read (主机, 报文, 收单行, DE2, 0400, MAC …), with the glossary's word.
// - The trainer addresses the trainee as 您 (customers and text messages may say 你).
#pragma once

#include <vector>

#include "scenarios/loader.h"

namespace posdrill {

inline constexpr double longest_margin = 0.20;

std::vector<Diagnostic> check_item_writing(const Scenario& scenario);

// How a trainee who does not read picks (lint plays every drill so, cmd_lint.cpp). Lengths within
// `length_tolerance` of each other look the same: the answers that look the longest are those
// within it of the longest, likewise the shortest; `middle` is every other answer (all of them
// when none is left); `any` is every answer (a plain guess, the baseline the cues are compared
// with). A trainee following the cue picks one of these at random.
enum class LengthCue { longest, shortest, middle, any };
inline constexpr double length_tolerance = 0.10;
std::vector<const Choice*> choices_by_length(const Step& question, LengthCue cue, Lang lang);
// The strictly longest (`longest`) or shortest answer, the first in file order on a tie: what
// `posdrill play --auto longest|shortest` picks, so an author sees one such path.
const Choice* extreme_by_length(const Step& question, bool longest, Lang lang);

// Characters (Unicode code points) of UTF-8 `s`, not counting spaces.
std::size_t text_length(std::string_view s);

}  // namespace posdrill
