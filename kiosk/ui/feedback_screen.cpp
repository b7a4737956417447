// The feedback screen.

#include "kiosk/ui/feedback_screen.h"

#include <algorithm>
#include <cmath>
#include <string>

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
  ImFont* heading = font_or_current(th.heading);
  paragraph(heading, st.strings.tr("feedback.title", lang), pal.text);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));

  if (const StepRecord* r = a.runner.last_answer()) {
    std::string pts = fill_count(st.strings.tr("feedback.points", lang), r->points);
    pts += " / " + std::to_string(r->max_points);
    if (r->hint_cost > 0) pts += "   (" + fill_count(st.strings.tr("feedback.hint_cost", lang), r->hint_cost) + ")";
    const bool full = !r->critical && r->points >= r->max_points;
    badge(th, pts, full ? pal.ok : (r->critical ? pal.bad : pal.difficulty[1]), pal.text);
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
  }
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.6f));
  if (touch_button(th, st.strings.tr("feedback.continue", lang), "feedback.continue", 0.0f, true, pal.difficulty[1]))
    dispatch(Continue{});
  ImGui::EndChild();
  end_screen();
}

}  // namespace posdrill
