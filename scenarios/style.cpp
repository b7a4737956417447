#include "scenarios/style.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

namespace posdrill {

namespace {

struct Banned {
  const char* term;
  const char* instead;
};

// Words of the terminal's engineers, and the glossary's word for a trainee (content/README.md).
const Banned banned_zh[] = {
    {"主机", "后台 / 收单机构"},
    {"报文", "say what the terminal did"},
    {"收单行", "收单机构"},
    {"收单方", "收单机构"},
    {"POS服务商", "收单机构"},
    {"应答", "回复 / 结果"},
    {"MAC", "say what the terminal showed"},
};
const Banned banned_en[] = {
    {"MAC", "say what the terminal showed"},
    {"ISO 8583", "say what the terminal did"},
    {"acquiring bank", "the acquirer"},
    {"acquirer's host", "the acquirer"},
};
// Message types and data elements: 0200, 0210, 0400, 0410, DE2, DE39 …
bool has_wire_jargon(const std::string& s, std::string& found) {
  for (const char* mti : {"0100", "0110", "0200", "0210", "0220", "0230", "0400", "0410", "0500", "0800"}) {
    for (std::size_t at = s.find(mti); at != std::string::npos; at = s.find(mti, at + 1)) {
      const bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(s[at - 1]));
      const bool right = at + 4 >= s.size() || !std::isalnum(static_cast<unsigned char>(s[at + 4]));
      if (left && right) {
        found = mti;
        return true;
      }
    }
  }
  for (std::size_t at = s.find("DE"); at != std::string::npos; at = s.find("DE", at + 1)) {
    const bool left = at == 0 || !std::isalpha(static_cast<unsigned char>(s[at - 1]));
    if (left && at + 2 < s.size() && std::isdigit(static_cast<unsigned char>(s[at + 2]))) {
      found = s.substr(at, 4);
      while (!found.empty() && !std::isalnum(static_cast<unsigned char>(found.back()))) found.pop_back();
      return true;
    }
  }
  return false;
}

// 你 as a form of address (迷你吧 is a minibar, not the trainer's voice).
bool addresses_as_ni(const std::string& zh) {
  for (std::size_t at = zh.find("你"); at != std::string::npos; at = zh.find("你", at + 1))
    if (at < 3 || zh.compare(at - 3, 3, "迷") != 0) return true;
  return false;
}

class Style {
 public:
  explicit Style(const Scenario& s) : s_(s) {}

  std::vector<Diagnostic> run() {
    check(s_.title, {1, 1}, "title", true);
    check(s_.summary, {1, 1}, "summary", true);
    for (const Step& st : s_.steps) {
      check(st.text, st.pos, "step '" + st.id + "'", true);
      check(st.customer, st.pos, "step '" + st.id + "' (customer)", false);
      // The terminal's own words (交易失败 返回码 55) are quoted as the device shows them.
      check(st.sms, st.pos, "step '" + st.id + "' (sms)", false);
      check(st.prompt, st.pos, "step '" + st.id + "'", true);
      for (const Hint& h : st.hints) check(h.text, st.pos, "a hint of step '" + st.id + "'", true);
      for (const Choice& c : st.choices) {
        check(c.text, c.pos, "choice '" + c.id + "'", true);
        check(c.feedback, c.pos, "the feedback of choice '" + c.id + "'", true);
      }
      for (const Outcome& o : st.outcomes) check(o.feedback, o.pos, "an outcome of step '" + st.id + "'", true);
      if (st.kind == StepKind::decision) longest(st);
    }
    check(s_.debrief.summary, {1, 1}, "the debrief", true);
    for (const Text& r : s_.debrief.rules) check(r, {1, 1}, "a debrief rule", true);
    return std::move(out_);
  }

 private:
  void error(SourcePos at, std::string msg) { out_.push_back({s_.file, at.line, at.column, std::move(msg)}); }

  // `trainer`: the trainer's voice (您); customers and text messages may say 你.
  void check(const Text& t, SourcePos at, const std::string& where, bool trainer) {
    for (const Banned& b : banned_zh)
      if (t.zh.find(b.term) != std::string::npos)
        error(at, where + " says '" + b.term + "', a word trainees never read: use " + b.instead +
                      " (content/README.md, glossary)");
    for (const Banned& b : banned_en)
      if (t.en.find(b.term) != std::string::npos)
        error(at, where + " says '" + b.term + "', a word trainees never read: use " + b.instead +
                      " (content/README.md, glossary)");
    std::string found;
    if (has_wire_jargon(t.zh, found) || has_wire_jargon(t.en, found))
      error(at, where + " says '" + found +
                    "', a message type or data element: say what the terminal or the acquirer did (content/README.md, "
                    "glossary)");
    if (trainer && addresses_as_ni(t.zh))
      error(at, where + " says 你: the trainer addresses the trainee as 您 (content/README.md, glossary)");
  }

  void longest(const Step& st) {
    const Choice* best = nullptr;
    for (const Choice& c : st.choices)
      if (!c.critical && (!best || c.points > best->points)) best = &c;
    if (!best) return;
    for (Lang lang : {Lang::zh, Lang::en}) {
      const std::size_t mine = text_length(best->text.get(lang));
      std::size_t other = 0;
      for (const Choice& c : st.choices)
        if (&c != best) other = std::max(other, text_length(c.text.get(lang)));
      if (other == 0 || double(mine) <= double(other) * (1.0 + longest_margin)) continue;
      char pct[16];
      std::snprintf(pct, sizeof pct, "%.0f%%", (double(mine) / double(other) - 1.0) * 100.0);
      error(best->pos, "choice '" + best->id + "' is the best answer and the longest by " + pct + " in " +
                           lang_code(lang) + " (" + std::to_string(mine) + " characters, the next longest " +
                           std::to_string(other) +
                           "): a trainee who picks the longest answer must not pass. Write the other choices as long "
                           "and as plausible (content/README.md, writing the choices)");
    }
  }

  const Scenario& s_;
  std::vector<Diagnostic> out_;
};

}  // namespace

std::vector<const Choice*> choices_by_length(const Step& question, LengthCue cue, Lang lang) {
  std::size_t lo = SIZE_MAX, hi = 0;
  for (const Choice& c : question.choices) {
    lo = std::min(lo, text_length(c.text.get(lang)));
    hi = std::max(hi, text_length(c.text.get(lang)));
  }
  const auto looks_longest = [&](std::size_t n) { return double(n) >= double(hi) * (1.0 - length_tolerance); };
  const auto looks_shortest = [&](std::size_t n) { return double(n) <= double(lo) * (1.0 + length_tolerance); };
  std::vector<const Choice*> out;
  for (const Choice& c : question.choices) {
    const std::size_t n = text_length(c.text.get(lang));
    const bool in = cue == LengthCue::any        ? true
                    : cue == LengthCue::longest  ? looks_longest(n)
                    : cue == LengthCue::shortest ? looks_shortest(n)
                                                 : !looks_longest(n) && !looks_shortest(n);
    if (in) out.push_back(&c);
  }
  if (out.empty())
    for (const Choice& c : question.choices) out.push_back(&c);
  return out;
}

const Choice* extreme_by_length(const Step& question, bool longest, Lang lang) {
  const Choice* pick = nullptr;
  std::size_t pick_len = 0;
  for (const Choice& c : question.choices) {
    const std::size_t len = text_length(c.text.get(lang));
    if (!pick || (longest ? len > pick_len : len < pick_len)) {
      pick = &c;
      pick_len = len;
    }
  }
  return pick;
}

std::size_t text_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80 && c != ' ') ++n;
  return n;
}

std::vector<Diagnostic> check_item_writing(const Scenario& scenario) { return Style(scenario).run(); }

}  // namespace posdrill
