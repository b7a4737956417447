// The home screen.

#include "kiosk/ui/home_screen.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kiosk/core/answer_view.h"
#include "kiosk/core/catalog.h"

namespace posdrill {

ImU32 cert_status_colour(CertStatus s) {
  const Palette& pal = palette();
  switch (s) {
    case CertStatus::certified:
      return pal.ok;
    case CertStatus::expiring:
      return pal.mark;
    case CertStatus::expired:
      return pal.bad;
    case CertStatus::in_progress:
      return pal.difficulty[1];
    case CertStatus::not_started:
      break;
  }
  return pal.card_border;
}

std::string cert_status_key(CertStatus s) { return "cert." + std::string(cert_status_name(s)); }

namespace {

// One topic as a row: a filled dot when passed, an empty ring when not, then its name.
void topic_row(const AppState& st, const Theme& th, const TopicProgress& t) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float r = f->FontSize * 0.35f;
  const ImVec2 c(p.x + r + m.border, p.y + f->FontSize * 0.5f + m.border);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (t.passed)
    dl->AddCircleFilled(c, r, pal.ok);
  else
    dl->AddCircle(c, r, pal.text_dim, 0, m.border);
  const std::string label = st.strings.tr(topic_string_key(t.topic), st.lang);
  dl->AddText(f, f->FontSize, ImVec2(p.x + 2 * r + m.pad, p.y), t.passed ? pal.text : pal.text_dim, label.c_str());
  ImGui::Dummy(ImVec2(1, f->FontSize + m.gap * 0.5f));
}

}  // namespace

void draw_home_screen(const AppState& st, const Theme& th, HomeUiState& ui, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Lang lang = st.lang;
  auto tr = [&](std::string_view key) { return st.strings.tr(key, lang); };
  begin_screen("###home", th);
  if (!st.session) {
    end_screen();
    return;
  }
  const Session& s = *st.session;
  screen_header(st, th, tr("home.greeting") + s.op.name, tr("home.sign_out"), "home.sign_out", SignOut{}, dispatch);

  // Buttons in a fixed bar at the bottom, the rest scrolls by drag.
  const float bar_h = m.touch_px + ImGui::GetStyle().ItemSpacing.y * 2;
  const float avail = ImGui::GetContentRegionAvail().x;
  const bool two = avail > 900.0f * m.scale;
  const float col_w = two ? std::floor((avail - m.gap) * 0.5f) : avail;
  ImFont* heading = font_or_current(th.heading);
  ImFont* body = ImGui::GetFont();
  const ImGuiWindowFlags child_flags = ImGuiWindowFlags_NoSavedSettings;

  // Each column is its own child window, so paragraphs wrap at the column's edge and each
  // column scrolls by drag on its own.
  ImGui::BeginChild("###home_left", ImVec2(col_w, -bar_h), false, child_flags);
  top_when_changed(s.op.employee_id);
  drag_scroll(th, ui.dragging);
  paragraph(heading, tr("home.certification"), pal.accent);
  if (!s.loaded) {
    paragraph(body, tr("home.loading"), pal.text_dim);
  } else if (st.tracks.empty()) {
    paragraph(body, tr("home.no_track"), pal.text_dim);
  }
  // One block per track, in content order (L1 before L2): status, validity, progress, topics.
  for (std::size_t i = 0; s.loaded && i < st.tracks.size() && i < s.progress.size(); ++i) {
    const Track& track = st.tracks[i];
    const TrackProgress& p = s.progress[i];
    if (i > 0) ImGui::Dummy(ImVec2(1, m.gap));
    paragraph(body, track.title.get(lang), pal.text);
    badge(th, tr(cert_status_key(p.status)), cert_status_colour(p.status), pal.text);
    ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
    if (p.award) {
      paragraph(body, tr("home.awarded") + " " + format_date_utc(p.award->awarded_ms), pal.text_dim);
      paragraph(body, tr("home.expires") + " " + format_date_utc(p.award->expires_ms), pal.text);
      // Earned on another kiosk: say where, so nobody wonders why no drill here shows it.
      if (const RemoteAwardRow* r = remote_origin(*p.award, s.remote_awards)) {
        const std::string where = earned_at(*r);
        paragraph(body, where.empty() ? tr("home.earned_elsewhere") : tr("home.earned_at") + where, pal.text_dim);
      }
    }
    paragraph(body, fill_count(tr("home.progress"), p.passed_count) + " / " + std::to_string(p.required_count),
              pal.text);
    ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
    paragraph(body, tr("home.topics"), pal.text_dim);
    for (const TopicProgress& t : p.topics) topic_row(st, th, t);
  }
  if (two) {
    ImGui::EndChild();
    ImGui::SameLine(0.0f, m.gap);
    ImGui::BeginChild("###home_right", ImVec2(col_w, -bar_h), false, child_flags);
    top_when_changed(s.op.employee_id);
    drag_scroll(th, ui.dragging_right);
  } else {
    ImGui::Dummy(ImVec2(1, m.gap));
  }
  // Decisions got wrong before, due for a spaced review: one button per drill, saying what was
  // chosen at its oldest due mistake. The drill opens at that decision (OpenRedrill).
  // Why a suggestion is there, in two lines at most under its button, indented to its text.
  const auto reason = [&](const std::string& text, const std::string& id) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = draw_clamped_text(ImGui::GetWindowDrawList(), font_or_current(body), ImVec2(p.x + m.pad, p.y),
                                      pal.text_dim, text, w - m.pad, 2);
    note_widget(id, false);
    ImGui::Dummy(ImVec2(w, h + m.gap * 0.5f));
  };
  // "Topic - Title", or the title alone when it already starts with the topic's name (the
  // English "Wrong PIN: the customer re-enters it…" read "Wrong PIN - Wrong PIN: …").
  const auto drill_label = [&](const Scenario& sc) {
    const std::string topic = st.strings.tr(topic_string_key(sc.topic), lang);
    const std::string title = sc.title.get(lang);
    return title.rfind(topic, 0) == 0 ? title : topic + " - " + title;
  };
  std::vector<std::string> shown;
  for (const Redrill& r : s.redrills) {
    if (std::find(shown.begin(), shown.end(), r.scenario_id) != shown.end() || shown.size() >= 3) continue;
    const Scenario* sc = find_scenario(st.scenarios, r.scenario_id);
    if (!sc) continue;
    if (shown.empty()) paragraph(heading, tr("home.redrill"), pal.accent);
    shown.push_back(r.scenario_id);
    const std::string label = drill_label(*sc);
    if (touch_button(th, label, "redrill." + r.scenario_id, 0.0f))
      dispatch(OpenRedrill{r.scenario_id, r.step_id, r.missed_choice_id, r.missed_seed});
    // In the figures the trainee met (the re-drill shows them again).
    const Text* missed = choice_text(scenario_for_seed(*sc, r.missed_seed).find(r.step_id), r.missed_choice_id);
    const std::string chose = missed ? missed->get(lang) : r.missed_choice_id;
    const auto in_drill = std::count_if(s.redrills.begin(), s.redrills.end(),
                                        [&](const Redrill& x) { return x.scenario_id == r.scenario_id; });
    // How many wait in this drill first: the quoted choice may be cut at two lines.
    reason((in_drill > 1 ? fill_count(tr("home.redrill_more"), in_drill) + "  " : std::string()) +
               format_date_utc(r.missed_ms) + "  " + tr("home.redrill_chose") + chose + tr("home.redrill_chose_end"),
           "redrill_reason." + r.scenario_id);
  }
  paragraph(heading, tr("home.recommended"), pal.accent);
  if (s.loaded && s.recommended.empty()) paragraph(body, tr("home.all_done"), pal.text_dim);
  for (const std::string& id : s.recommended) {
    const Scenario* sc = find_scenario(st.scenarios, id);
    if (!sc) continue;
    const std::string label = drill_label(*sc);
    if (touch_button(th, label, "rec." + id, 0.0f)) dispatch(OpenScenario{id});
    // Why it is suggested, from the person's own attempts at it.
    const SuggestionWhy why = suggestion_why(s.attempts, id);
    const char* key = why.kind == SuggestionWhy::Kind::passed       ? "home.why_passed"
                      : why.kind == SuggestionWhy::Kind::not_passed ? "home.why_best"
                      : why.kind == SuggestionWhy::Kind::unfinished ? "home.why_unfinished"
                                                                    : "home.why_new";
    reason(fill_count(tr(key), why.best_percent), "rec_reason." + id);
  }
  ImGui::EndChild();

  // Bottom bar: all drills, and the console for managers.
  const bool manager = is_manager(s.op.role);
  const float bw = manager ? (avail - m.gap) * 0.5f : avail;
  if (touch_button(th, tr("home.all_scenarios"), "home.catalog", bw, true, pal.ok)) dispatch(OpenCatalog{});
  if (manager) {
    ImGui::SameLine(0.0f, m.gap);
    if (touch_button(th, tr("home.console"), "home.console", bw)) dispatch(OpenConsole{});
  }
  end_screen();
}

}  // namespace posdrill
