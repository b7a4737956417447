// The manager console's question analysis tab (console_screen.h): per scenario, how each
// decision works, from the records (kiosk/core/item_analysis.h).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/catalog.h"
#include "kiosk/ui/console_internal.h"

namespace posdrill::console_ui {

namespace {

std::string replace_all(std::string text, std::string_view what, const std::string& with) {
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
  return text;
}

// Attempts per scenario, from the roster's summaries (every operator's).
std::map<std::string, int> attempts_per_scenario(const ConsoleState& c) {
  std::map<std::string, int> n;
  for (const ScenarioStat& s : c.stats) n[s.scenario_id] += s.attempts;
  return n;
}

// How well a decision separates strong from weak trainees, in a word: at most the limit the
// flags use is poor, from 0.3 (the usual rule of thumb for a good question) good.
std::string separation_word(const AppState& st, double d) {
  if (d <= ItemOptions{}.weak_discrimination) return tr(st, "console.items_sep_poor");
  return tr(st, d >= 0.3 ? "console.items_sep_good" : "console.items_sep_fair");
}

// The flags in the words of a store manager: what is odd, and what to do about it.
std::vector<std::string> flag_texts(const AppState& st, const ItemStats& it) {
  std::vector<std::string> out;
  for (const std::string& flag : it.flags) {
    if (flag == flag_unused_choice) {
      out.push_back(tr(st, "console.items_flag_unused"));
    } else if (flag == flag_strong_miss_best) {
      const bool reversed = it.discrimination && *it.discrimination < 0;
      out.push_back(tr(st, reversed ? "console.items_flag_reversed" : "console.items_flag_flat"));
    } else if (flag == flag_too_easy) {
      const bool all = it.facility && *it.facility >= 1.0;
      out.push_back(tr(st, all ? "console.items_flag_all_right" : "console.items_flag_easy"));
    } else {
      out.push_back(flag);
    }
  }
  return out;
}

// The scenarios as buttons, a few to a row, each with how often it was drilled.
void items_picker(const AppState& st, const Theme& th, ConsoleUiState& ui, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  const std::map<std::string, int> attempts = attempts_per_scenario(c);
  paragraph(ImGui::GetFont(), tr(st, "console.items_pick"), pal.text_dim);
  const float w = ImGui::GetContentRegionAvail().x;
  const int cols = std::clamp(static_cast<int>(w / (420.0f * m.scale)), 2, 4);
  const float bw = std::floor((w - (cols - 1) * m.gap) / cols);
  int i = 0;
  for (const Scenario& sc : st.scenarios) {
    if (i++ % cols != 0) ImGui::SameLine(0.0f, m.gap);
    const auto n = attempts.find(sc.id);
    const std::string label = sc.title.get(st.lang) + "  " +
                              fill_count(tr(st, "console.items_attempts"), n == attempts.end() ? 0 : n->second);
    if (touch_button(th, label, "items.scenario." + sc.id, bw, true, sc.id == c.items_scenario ? pal.ok : 0)) {
      ui.items_picking = false;
      if (sc.id != c.items_scenario) dispatch(SelectItemScenario{sc.id});
    }
  }
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
}

// One decision: its question, what to look at, five figures and each answer's share as a bar.
void item_card(const AppState& st, const Theme& th, const Step& step, int number, const ItemStats& it) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  const std::vector<std::string> flags = flag_texts(st, it);
  begin_box(th);
  const float w = ImGui::GetContentRegionAvail().x - m.pad;
  {
    // "Question 2" then the prompt, at most two lines (the drill shows it whole).
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const std::string label = fill_count(tr(st, "console.items_question"), number);
    const float lw = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, label.c_str()).x + m.pad;
    dl->AddText(f, f->FontSize, p, pal.accent, label.c_str());
    const float h = draw_clamped_text(dl, f, ImVec2(p.x + lw, p.y), pal.text, step.prompt.get(st.lang),
                                      std::max(1.0f, w - lw), 2);
    ImGui::Dummy(ImVec2(w, std::max(h, f->FontSize)));
  }
  if (it.answered < items_min_answers) {
    // Too few answers: the count and why nothing more is shown, never figures that are noise.
    const std::string text =
        it.answered == 0
            ? tr(st, "console.items_unanswered")
            : replace_all(fill_count(tr(st, "console.items_too_few"), it.answered), "{min}",
                          std::to_string(items_min_answers));
    paragraph(f, text, pal.text_dim);
    note_widget("items.too_few." + step.id, false);
    end_box(th, pal.card, pal.card_border);
    note_widget("items.step." + step.id, false);
    ImGui::Dummy(ImVec2(1, m.gap * 0.25f));
    return;
  }
  // What to look at first, in words; the figures below are the evidence.
  if (flags.empty()) paragraph(f, tr(st, "console.items_fine"), pal.text_dim);
  for (const std::string& text : flags) warning_line(th, text, w);
  ImGui::Dummy(ImVec2(1, m.gap * 0.25f));
  const float col = w / 5;
  const auto seconds = static_cast<long long>(std::lround(it.mean_ms / 1000.0));
  char sep[48];
  std::snprintf(sep, sizeof sep, "%.2f ", it.discrimination.value_or(0.0));
  figure(st, th, 0, col - m.gap, "console.items_answered", std::to_string(it.answered));
  figure(st, th, col, col - m.gap, "console.items_right", it.facility ? percent(*it.facility) : "-");
  figure(st, th, 2 * col, col - m.gap, "console.items_separates",
         it.discrimination ? sep + separation_word(st, *it.discrimination) : "-");
  figure(st, th, 3 * col, col - m.gap, "console.items_time", fill_count(tr(st, "console.items_seconds"), seconds));
  figure(st, th, 4 * col, col - m.gap, "console.items_hints", percent(it.hint_share));
  ImGui::Dummy(ImVec2(w, f->FontSize + font_or_current(th.heading)->FontSize + m.gap * 0.5f));

  // The answers: "best" in green before the right one, the text cut to one line, a bar as long
  // as its share, the share and the count; a choice nobody took says so.
  const float label_w = w * 0.50f;
  const float bar_x = label_w + m.pad;
  const float bar_max = std::max(1.0f, w * 0.30f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (const ItemChoice& ch : it.choices) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    std::string text = ch.id;
    if (const Choice* choice = [&]() -> const Choice* {
          for (const Choice& c : step.choices)
            if (c.id == ch.id) return &c;
          return nullptr;
        }())
      text = choice->text.get(st.lang);
    else
      (text += ' ') += tr(st, "console.items_old_choice");  // appended: GCC 12 misreads " " + …
    float x = p.x;
    if (ch.best) {
      const std::string best = tr(st, "console.items_best");
      const ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, best.c_str());
      dl->AddRectFilled(ImVec2(x, p.y), ImVec2(x + ts.x + m.pad, p.y + f->FontSize), pal.ok, m.rounding * 0.5f);
      dl->AddText(f, f->FontSize, ImVec2(x + m.pad * 0.5f, p.y), pal.text, best.c_str());
      x += ts.x + m.pad * 1.5f;
    }
    draw_clamped_text(dl, f, ImVec2(x, p.y), ch.chosen ? pal.text : pal.text_dim, text,
                      std::max(1.0f, p.x + label_w - x), 1);
    const float bar = std::max(m.border, bar_max * static_cast<float>(ch.share));
    const ImVec2 b0(p.x + bar_x, p.y + m.border);
    dl->AddRectFilled(b0, ImVec2(b0.x + bar, b0.y + f->FontSize - 2 * m.border), ch.best ? pal.ok : pal.card_border,
                      m.rounding * 0.5f);
    const std::string share = ch.chosen == 0 && ch.in_content
                                  ? tr(st, "console.items_nobody")
                                  : percent(ch.share) + "  (" + std::to_string(ch.chosen) + ")";
    dl->AddText(f, f->FontSize, ImVec2(b0.x + bar + m.pad * 0.5f, p.y), ch.chosen ? pal.text : pal.text_dim,
                share.c_str());
    ImGui::Dummy(ImVec2(w, f->FontSize + m.gap * 0.35f));
  }
  end_box(th, pal.card, flags.empty() ? pal.card_border : pal.warning_border);
  note_widget("items.step." + step.id, false);
  ImGui::Dummy(ImVec2(1, m.gap * 0.25f));
}

}  // namespace

void items_tab(const AppState& st, const Theme& th, ConsoleUiState& ui, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  ImFont* f = ImGui::GetFont();
  const Scenario* sc = find_scenario(st.scenarios, c.items_scenario);
  if (!sc || ui.items_picking) items_picker(st, th, ui, dispatch);
  if (!sc) return;

  // The scenario's title and how often it was drilled; the button to pick another.
  const float w = ImGui::GetContentRegionAvail().x;
  const float bw = std::max(m.touch_px * 3, w * 0.22f);
  const float y = ImGui::GetCursorPosY();
  const std::map<std::string, int> attempts = attempts_per_scenario(c);
  const auto n = attempts.find(sc->id);
  ImGui::SetCursorPosY(y + std::max(0.0f, (m.touch_px - font_or_current(th.heading)->FontSize) * 0.5f));
  {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImFont* hf = font_or_current(th.heading);
    const std::string title = sc->title.get(st.lang) + "  " +
                              fill_count(tr(st, "console.items_attempts"), n == attempts.end() ? 0 : n->second);
    draw_clamped_text(dl, hf, p, pal.accent, title, std::max(1.0f, w - bw - m.gap), 1);
  }
  ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + w - bw, y));
  if (touch_button(th, tr(st, ui.items_picking ? "console.items_close_pick" : "console.items_choose"), "items.choose",
                   bw))
    ui.items_picking = !ui.items_picking;
  paragraph(f, tr(st, "console.items_note"), pal.text_dim);
  // The counts gather every set of figures; the answers are worded with the first.
  if (sc->variants.size() > 1) paragraph(f, tr(st, "console.figures_vary"), pal.text_dim);
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
  if (!c.items_loaded) return paragraph(f, tr(st, "console.loading"), pal.text_dim);
  if (c.items.empty()) return paragraph(f, tr(st, "console.items_no_questions"), pal.text_dim);

  int flagged = 0, enough = 0;
  for (const ItemStats& it : c.items) {
    flagged += !it.flags.empty();
    enough += it.answered >= items_min_answers;
  }
  std::string summary = fill_count(tr(st, "console.items_count"), static_cast<long long>(c.items.size()));
  if (enough == 0)
    summary += tr(st, "console.items_sep") + replace_all(tr(st, "console.items_none_enough"), "{min}",
                                                         std::to_string(items_min_answers));
  else
    summary += tr(st, "console.items_sep") + fill_count(tr(st, "console.items_flagged"), flagged);
  paragraph(f, summary, flagged ? pal.text : pal.text_dim);
  note_widget("items.summary", false);
  ImGui::Dummy(ImVec2(1, m.gap * 0.25f));
  int number = 0;
  for (const ItemStats& it : c.items) {
    ++number;
    if (const Step* step = sc->find(it.step_id)) item_card(st, th, *step, number, it);
  }
}

}  // namespace posdrill::console_ui
