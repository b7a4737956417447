// UTF-8 decoding and the set of code points the kiosk can show.

#include "kiosk/core/glyphs.h"

#include <algorithm>
#include <iterator>

#include "kiosk/core/strings.h"
#include "scenarios/terminal_port.h"

namespace posdrill {

namespace {

void add_text(std::vector<std::string_view>& out, const Text& t) {
  if (!t.zh.empty()) out.emplace_back(t.zh);
  if (!t.en.empty()) out.emplace_back(t.en);
}

}  // namespace

bool drawable_code_point(uint32_t cp) { return cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F); }

std::vector<uint32_t> decode_utf8(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = 0;
    const std::size_t len = decode_utf8_at(s, i, cp);
    if (len == 0) {
      ++i;  // skip one byte and resynchronize on the next
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::vector<std::string_view> scenario_visible_texts(const Scenario& scenario) {
  std::vector<std::string_view> out;
  add_text(out, scenario.title);
  add_text(out, scenario.summary);
  add_text(out, scenario.setup.merchant_name);
  add_text(out, scenario.setup.host.decline_text);
  for (const Step& step : scenario.steps) {
    add_text(out, step.text);
    add_text(out, step.customer);
    add_text(out, step.terminal);
    add_text(out, step.sms);
    add_text(out, step.prompt);
    for (const Hint& h : step.hints) add_text(out, h.text);
    for (const Choice& c : step.choices) {
      add_text(out, c.text);
      add_text(out, c.feedback);
    }
    for (const Outcome& o : step.outcomes) add_text(out, o.feedback);
  }
  add_text(out, scenario.debrief.summary);
  for (const Text& rule : scenario.debrief.rules) add_text(out, rule);
  return out;
}

std::vector<std::string_view> fixed_visible_texts(const UiStrings& strings) {
  std::vector<std::string_view> out;
  for (const auto& [key, text] : strings.entries()) add_text(out, text);
  for (Topic t : all_topics) add_text(out, topic_title(t));
  for (int i = 0; i < terminal_op_count; ++i) add_text(out, terminal_op_label(static_cast<TerminalOp>(i)));
  return out;
}

std::vector<uint32_t> collect_glyphs(const UiStrings& strings, const std::vector<Scenario>& scenarios) {
  // A flat bitmap over all of Unicode is 139 KiB and makes the union trivially sorted and unique.
  std::vector<bool> seen(0x110000, false);
  for (uint32_t cp = 0x20; cp < 0x7F; ++cp) seen[cp] = true;
  auto add = [&seen](std::string_view s) {
    for (uint32_t cp : decode_utf8(s))
      if (drawable_code_point(cp)) seen[cp] = true;
  };
  for (std::string_view s : fixed_visible_texts(strings)) add(s);
  // Every set of figures: an attempt may draw any of them (scenario_for_seed), and a goods name
  // or a town in set 3 is as visible as one in set 1.
  for (const Scenario& sc : scenarios)
    for (const Scenario& v : sc.variants)
      for (std::string_view s : scenario_visible_texts(v)) add(s);
  for (const Scenario& sc : scenarios)
    for (std::string_view s : scenario_visible_texts(sc)) add(s);
  std::vector<uint32_t> out;
  for (uint32_t cp = 0; cp < seen.size(); ++cp)
    if (seen[cp]) out.push_back(cp);
  return out;
}

GlyphSet::GlyphSet(std::vector<uint32_t> code_points) : sorted_(std::move(code_points)) {
  std::sort(sorted_.begin(), sorted_.end());
  sorted_.erase(std::unique(sorted_.begin(), sorted_.end()), sorted_.end());
}

std::size_t GlyphSet::add(std::string_view text) {
  std::size_t added = 0;
  for (uint32_t cp : decode_utf8(text)) {
    if (!drawable_code_point(cp)) continue;
    const auto at = std::lower_bound(sorted_.begin(), sorted_.end(), cp);
    if (at != sorted_.end() && *at == cp) continue;
    sorted_.insert(at, cp);  // a name brings a handful: inserting in place beats re-sorting
    ++added;
  }
  return added;
}

std::size_t GlyphSet::add(const std::vector<uint32_t>& code_points) {
  std::vector<uint32_t> merged;
  merged.reserve(sorted_.size() + code_points.size());
  std::set_union(sorted_.begin(), sorted_.end(), code_points.begin(), code_points.end(), std::back_inserter(merged));
  const std::size_t added = merged.size() - sorted_.size();
  sorted_ = std::move(merged);
  return added;
}

bool GlyphSet::contains(uint32_t cp) const { return std::binary_search(sorted_.begin(), sorted_.end(), cp); }

bool GlyphSet::covers(std::string_view text) const {
  for (uint32_t cp : decode_utf8(text))
    if (drawable_code_point(cp) && !contains(cp)) return false;
  return true;
}

}  // namespace posdrill
