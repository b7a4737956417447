// The feedback screen.

#include "kiosk/ui/feedback_screen.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "kiosk/core/answer_view.h"

namespace posdrill {

void draw_feedback_screen(const AppState& st, const Theme& th, const Dispatch& dispatch) {
  begin_screen("###feedback", th);
  if (!st.attempt) {
    end_screen();
    return;
  }
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Lang lang = st.lang;
  const Attempt& a = *st.attempt;
  play_header(st, th, a.scenario.title.get(lang), dispatch);

  // A readable column in the middle: long lines on a 1920 px screen are hard to follow.
  const float avail = ImGui::GetContentRegionAvail().x;
  const float col_w = std::min(avail, std::max(600.0f * m.scale, avail * 0.6f));
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::floor((avail - col_w) * 0.5f));
  ImGui::BeginChild("###feedback_body", ImVec2(col_w, 0.0f), false, ImGuiWindowFlags_NoSavedSettings);
  drag_scroll(th);
  ImFont* heading = font_or_current(th.heading);
  paragraph(heading, st.strings.tr("feedback.title", lang), pal.text);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));

  if (const StepRecord* r = a.runner.last_answer()) {
    const AnswerView v = answer_view(a.scenario, *r);
    verdict_banner(th, v.verdict, st.strings.tr(verdict_key(v.verdict), lang));
    note_widget(verdict_key(v.verdict), false);  // "answer.right" …: what tests read, not a target
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
    // The points this step adds, hints already taken off; how they came about beneath. None in a
    // re-drill at the branch, which keeps no score.
    const std::string score = fill_fields(st.strings.tr("answer.score", lang),
                                          {{"n", std::to_string(v.net) + " / " + std::to_string(v.max)}});
    if (!a.practice) paragraph(heading, score, pal.text);
    if (v.hint_cost > 0 && !a.practice) {
      const std::string detail = fill_fields(st.strings.tr("answer.hint_detail", lang),
                                             {{"a", std::to_string(v.earned)}, {"h", std::to_string(v.hint_cost)}});
      paragraph(ImGui::GetFont(), detail, pal.text_dim);
    }
    // Going over the time limit costs the drill's points, not this step's: said here, when it
    // happens, and not first at the debrief.
    if (r->overtime && a.scenario.overtime_penalty > 0 && !a.practice) {
      paragraph(ImGui::GetFont(), tr_count(st.strings, "debrief.overtime_loss", a.scenario.overtime_penalty, lang),
                pal.text_dim);
      note_widget("feedback.overtime", false);
    }
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
    if (r->critical) {
      begin_box(th);
      paragraph(ImGui::GetFont(), st.strings.tr("feedback.critical", lang), pal.text);
      end_box(th, pal.bad, pal.warning_border);
      ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
    }
    if (!r->feedback.empty()) {
      begin_box(th);
      paragraph(ImGui::GetFont(), r->feedback.get(lang), pal.text);
      end_box(th, pal.card, pal.card_border);
    }
    // The emulated terminal's result, which this screen covers: a cashier reads it before going on.
    // What the trainee's own keying left on it, not what a narrative did after.
    if (!a.on_spare && r->kind == StepKind::terminal && !a.task_screen.lines.empty()) {
      ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
      // What flashed by on the way (自动冲正… 第1次 共3次, 处理中…): the task moved on to this
      // screen at once, and a story that says "the terminal showed 自动冲正…" must be seen true.
      if (!a.passing.empty()) {
        std::string way;
        for (const Screen& s : a.passing) {
          std::string shown;
          for (const Text& line : s.lines)
            if (!line.get(lang).empty()) shown += (shown.empty() ? "" : " ") + line.get(lang);
          if (shown.empty()) continue;
          way += (way.empty() ? "" : " → ") + shown;
        }
        if (!way.empty()) {
          paragraph(ImGui::GetFont(), st.strings.tr("feedback.terminal_passed", lang) + way, pal.text_dim);
          note_widget("feedback.terminal_passed", false);
        }
      }
      paragraph(ImGui::GetFont(), st.strings.tr("feedback.terminal_showed", lang), pal.text_dim);
      begin_box(th);
      paragraph(ImGui::GetFont(), a.task_screen.title.get(lang), pal.accent);
      for (const Text& line : a.task_screen.lines)
        if (!line.get(lang).empty()) paragraph(ImGui::GetFont(), line.get(lang), pal.text);
      end_box(th, pal.card, pal.card_border);
      note_widget("feedback.terminal_showed", false);
    }
    // On the hand-keyed terminal: what its line showed, newest first, to compare with the
    // terminal's own screen before going on.
    if (a.on_spare && st.spare.hand_keyed && r->kind == StepKind::terminal && !a.wire_lines.empty()) {
      ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
      paragraph(ImGui::GetFont(), st.strings.tr("spare.wire.lines", lang), pal.text_dim);
      const std::size_t n = a.wire_lines.size();
      for (std::size_t k = 0; k < std::min<std::size_t>(n, 3); ++k) {
        const auto& w = a.wire_lines[n - 1 - k];
        paragraph(ImGui::GetFont(), w.line.get(lang) + (w.note_key.empty() ? "" : st.strings.tr(w.note_key, lang)),
                  w.note_key.empty() ? pal.text : pal.text_dim);
      }
      note_widget("feedback.wire_lines", false);
    }
    if (v.best) {
      ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
      begin_box(th);
      verdict_line(th, Verdict::right, st.strings.tr("answer.best", lang));
      paragraph(ImGui::GetFont(), v.best->text.get(lang), pal.text);
      note_widget("answer.best." + v.best->id, false);
      end_box(th, pal.card, pal.ok);
    }
  }
  // A re-drill at the branch ends here: what becomes of the question, and the way home.
  const std::optional<PracticeOutcome> practice = practice_outcome(a);
  if (practice) {
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
    const std::string line = fill_fields(st.strings.tr(practice->key, lang), {{"n", std::to_string(practice->days)}});
    begin_box(th);
    paragraph(ImGui::GetFont(), line, pal.text);
    paragraph(ImGui::GetFont(), st.strings.tr("practice.not_counted", lang), pal.text_dim);
    end_box(th, pal.card, pal.accent);
    note_widget(practice->key, false);
  }
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.6f));
  if (touch_button(th, st.strings.tr(practice ? "practice.done" : "feedback.continue", lang), "feedback.continue", 0.0f,
                   true, pal.difficulty[1]))
    dispatch(Continue{});
  ImGui::EndChild();
  end_screen();
}

}  // namespace posdrill
