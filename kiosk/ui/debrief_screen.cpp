// The debrief screen.

#include "kiosk/ui/debrief_screen.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "kiosk/core/answer_view.h"
#include "scenarios/transcript.h"

namespace posdrill {

namespace {

// What the trainee did at a step, in words: the choice's text, what the terminal did ("消费
// 1865.00 → 交易成功 (00)"), or "skipped".
std::string answer_text(const AppState& st, const Scenario& sc, const StepRecord& r) {
  if (r.gave_up) return st.strings.tr("debrief.gave_up", st.lang);
  if (r.kind == StepKind::terminal) {
    std::string did;
    for (const TerminalRecord& t : r.terminal_records) did += (did.empty() ? "" : "; ") + describe(t, st.lang);
    return did.empty() ? st.strings.tr("debrief.nothing_done", st.lang) : did;
  }
  if (r.kind != StepKind::decision) return {};
  const Text* chosen = choice_text(sc.find(r.step_id), r.choice_id);
  return chosen ? chosen->get(st.lang) : std::string();
}

void mistake(const AppState& st, const Theme& th, const Scenario& sc, const StepRecord& r) {
  const Palette& pal = palette();
  const Lang lang = st.lang;
  ImFont* f = ImGui::GetFont();
  begin_box(th);
  const AnswerView view = answer_view(sc, r);
  verdict_line(th, view.verdict, st.strings.tr(verdict_key(view.verdict), lang));
  paragraph(f, r.prompt.get(lang), pal.accent);
  const std::string did = answer_text(st, sc, r);
  if (!did.empty()) paragraph(f, "> " + did, pal.text_dim);
  // The points the step added, hints taken off, as the feedback after it said: the answer's own
  // points alone read 2 / 10 here after the feedback's 0 / 10.
  paragraph(f, fill_count(st.strings.tr("debrief.points", lang), view.net) + " / " + std::to_string(view.max),
            pal.text_dim);
  if (view.hint_cost > 0)
    paragraph(f,
              fill_fields(st.strings.tr("answer.hint_detail", lang),
                          {{"a", std::to_string(view.earned)}, {"h", std::to_string(view.hint_cost)}}),
              pal.text_dim);
  paragraph(f, r.feedback.get(lang), pal.text);
  // What the best answer was, as the feedback showed it: a debrief read alone teaches it too.
  if (view.best) {
    verdict_line(th, Verdict::right, st.strings.tr("answer.best", lang));
    paragraph(f, view.best->text.get(lang), pal.text);
    note_widget("debrief.best." + r.step_id + "." + view.best->id, false);
  }
  end_box(th, pal.card, r.critical ? pal.bad : pal.card_border);
}

}  // namespace

void draw_debrief_screen(const AppState& st, const Theme& th, DebriefUiState& ui, const Dispatch& dispatch) {
  begin_screen("###debrief", th);
  if (!st.attempt) {
    end_screen();
    return;
  }
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Lang lang = st.lang;
  const Scenario& sc = st.attempt->scenario;
  const AttemptResult& res = st.attempt->runner.result();
  play_header(st, th, sc.title.get(lang), dispatch);

  // The two buttons stay in a fixed bar at the bottom so they are reachable without scrolling.
  const float bar_h = m.touch_px + ImGui::GetStyle().ItemSpacing.y * 2;
  ImGui::BeginChild("###debrief_body", ImVec2(0.0f, -bar_h), false, ImGuiWindowFlags_NoSavedSettings);
  if (!ui.shown_any || ui.shown_serial != st.attempt->serial) {
    ui.shown_any = true;
    ui.shown_serial = st.attempt->serial;
    ImGui::SetScrollY(0.0f);
  }
  drag_scroll(th, ui.dragging);
  ImFont* heading = font_or_current(th.heading);
  paragraph(heading, st.strings.tr("debrief.title", lang), pal.text);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.2f));

  const long long pct = std::llround(res.score * 100.0);
  ImGui::PushFont(heading);
  badge(th, fill_count(st.strings.tr("debrief.score", lang), pct), pal.card, pal.text);
  ImGui::SameLine(0.0f, m.gap);
  badge(th, st.strings.tr(res.passed ? "debrief.passed" : "debrief.failed", lang), res.passed ? pal.ok : pal.bad,
        pal.text);
  ImGui::PopFont();
  // The percentage is of the most the drill can give, not of the steps this path showed: say so.
  const int net = std::max(0, res.points - res.hint_cost - res.overtime_penalty);
  paragraph(ImGui::GetFont(),
            fill_fields(st.strings.tr("debrief.points_of", lang),
                        {{"a", std::to_string(net)}, {"b", std::to_string(res.max_points)}}),
            pal.text);
  note_widget("debrief.points_of", false);
  paragraph(ImGui::GetFont(), fill_count(st.strings.tr("debrief.pass_mark", lang), res.pass_mark), pal.text_dim);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  if (st.session && st.session->new_award) {
    // The moment a certification is earned deserves its own line, with the date it runs to.
    badge(th,
          st.strings.tr("cert.new_award", lang) + " " + st.strings.tr("home.expires", lang) + " " +
              format_date_utc(st.session->new_award->expires_ms),
          pal.ok, pal.text);
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  }
  // How the story ended (the end step's scene), then the scenario's summary.
  const Scene& scene = st.attempt->runner.scene();
  if (!scene.text.empty()) {
    begin_box(th);
    paragraph(ImGui::GetFont(), scene.text.get(lang), pal.text);
    end_box(th, res.passed ? pal.card : pal.warning_bg, res.passed ? pal.card_border : pal.warning_border);
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  }
  paragraph(ImGui::GetFont(), sc.debrief.summary.get(lang), pal.text);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.5f));

  paragraph(heading, st.strings.tr("debrief.mistakes", lang), pal.text);
  const std::vector<const StepRecord*> ms = mistakes(res);
  // Every lost point is explained: wrong answers below, hints and overtime here. "Every step was
  // right" stands only next to a full score.
  const bool lost_otherwise = res.hint_cost > 0 || res.overtime_penalty > 0;
  if (ms.empty())
    paragraph(ImGui::GetFont(), st.strings.tr(lost_otherwise ? "debrief.answers_right" : "debrief.no_mistakes", lang),
              pal.text_dim);
  if (lost_otherwise) {
    begin_box(th);
    if (res.hint_cost > 0)
      paragraph(ImGui::GetFont(), fill_count(st.strings.tr("debrief.hint_loss", lang), res.hint_cost), pal.text);
    if (res.overtime_penalty > 0)
      paragraph(ImGui::GetFont(), tr_count(st.strings, "debrief.overtime_loss", res.overtime_penalty, lang), pal.text);
    note_widget("debrief.losses", false);
    end_box(th, pal.card, pal.partly);
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  }
  for (const StepRecord* r : ms) {
    mistake(st, th, sc, *r);
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  }
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  if (!sc.debrief.rules.empty()) {
    paragraph(heading, st.strings.tr("debrief.rules", lang), pal.text);
    begin_box(th);
    int n = 0;
    for (const Text& rule : sc.debrief.rules)
      paragraph(ImGui::GetFont(), std::to_string(++n) + ". " + rule.get(lang), pal.text);
    end_box(th, pal.card, pal.accent);
  }
  ImGui::EndChild();

  const float w = std::floor((ImGui::GetContentRegionAvail().x - m.gap) * 0.5f);
  if (touch_button(th, st.strings.tr("debrief.retry", lang), "retry", w, true, pal.difficulty[1])) dispatch(Retry{});
  ImGui::SameLine(0.0f, m.gap);
  if (touch_button(th, st.strings.tr("debrief.back", lang), "back_catalog", w)) dispatch(BackToCatalog{});
  end_screen();
}

}  // namespace posdrill
