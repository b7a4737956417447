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

// Characters (Unicode code points) of UTF-8 `s`, not counting spaces.
std::size_t text_length(std::string_view s);

}  // namespace posdrill
