// The manager console.
//
// [SECTION] The chain per store (from the LRS)
// [SECTION] Roster, history and replay
// [SECTION] Mistakes chart
// [SECTION] Accounts
// [SECTION] Sync
// [SECTION] Screen
//
// The question analysis tab is in console_items.cpp; what the two share, in console_internal.h.

#include "kiosk/ui/console_screen.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>

#include "kiosk/core/answer_view.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/certification.h"
#include "kiosk/core/replay.h"
#include "kiosk/ui/console_internal.h"
#include "kiosk/ui/home_screen.h"

namespace posdrill {

namespace console_ui {

std::string tr(const AppState& st, std::string_view key) { return st.strings.tr(key, st.lang); }

std::string percent(double score) { return std::to_string(static_cast<int>(std::lround(score * 100))) + "%"; }

void figure(const AppState& st, const Theme& th, float x, float w, const char* key, const std::string& value) {
  ImFont* f = ImGui::GetFont();
  ImFont* big = font_or_current(th.heading);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(p.x + x, p.y), ImVec2(p.x + x + w, p.y + f->FontSize + big->FontSize), true);
  dl->AddText(f, f->FontSize, ImVec2(p.x + x, p.y), palette().text_dim, tr(st, key).c_str());
  dl->AddText(big, big->FontSize, ImVec2(p.x + x, p.y + f->FontSize), palette().text, value.c_str());
  dl->PopClipRect();
}

}  // namespace console_ui

namespace {

using namespace console_ui;

std::string scenario_title(const AppState& st, const std::string& id) {
  const Scenario* sc = find_scenario(st.scenarios, id);
  return sc ? sc->title.get(st.lang) : id;
}

std::string role_label(const AppState& st, Role r) { return tr(st, "console.role." + std::string(role_name(r))); }

// A full-width row a touch target high that can be tapped; `cells` are drawn at `x` offsets.
bool tap_row(const Theme& th, std::string_view id, const std::vector<std::pair<float, std::string>>& cells,
             bool selected, ImU32 status_colour = 0, float status_x = -1, const std::string& status = {}) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PushID(id.data(), id.data() + id.size());
  const bool tapped = ImGui::InvisibleButton("##row", ImVec2(w, m.touch_px)) && !released_after_drag(th);
  const bool held = ImGui::IsItemActive();
  ImGui::PopID();
  note_widget(id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 q(p.x + w, p.y + m.touch_px);
  dl->AddRectFilled(p, q, held ? pal.card_pressed : selected ? pal.card_hovered : pal.card, m.rounding);
  if (selected) dl->AddRect(p, q, pal.accent, m.rounding, 0, m.border);
  const float ty = p.y + (m.touch_px - f->FontSize) * 0.5f;
  // A long cell (a 64-character name) wraps onto a second line and ends in "…" after that, so a
  // name is never cut off mid-character at the column's edge.
  const int max_lines = std::max(1, static_cast<int>((m.touch_px - m.border * 2) / f->FontSize));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const float x0 = p.x + cells[i].first;
    const float x1 = i + 1 < cells.size() ? p.x + cells[i + 1].first - m.pad : q.x - m.pad;
    const float cw = std::max(1.0f, x1 - x0);
    dl->PushClipRect(ImVec2(x0, p.y), ImVec2(std::max(x0, x1), q.y), true);
    draw_clamped_text(dl, f, ImVec2(x0, p.y), pal.text, cells[i].second, cw, max_lines, m.touch_px);
    dl->PopClipRect();
  }
  if (status_colour && status_x >= 0) {
    const ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, status.c_str());
    const ImVec2 b0(p.x + status_x, p.y + m.pad * 0.4f);
    const ImVec2 b1(b0.x + ts.x + m.pad, q.y - m.pad * 0.4f);
    dl->AddRectFilled(b0, b1, status_colour, m.rounding);
    dl->AddText(f, f->FontSize, ImVec2(b0.x + m.pad * 0.5f, ty), pal.text, status.c_str());
  }
  ImGui::Dummy(ImVec2(1, m.gap * 0.25f));
  return tapped;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] The chain per store (from the LRS)
// ---------------------------------------------------------------------------------------------

// Below the store's roster on a kiosk that keeps the chain's cache (head office): the whole chain,
// as the last `posdrill report --from-lrs` found it, the stores with the lowest share certified
// first (the cache's order). Read-only; the report has every person.
void chain_view(const AppState& st, const Theme& th) {
  const ConsoleState& c = st.console;
  if (c.chain.empty()) return;
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  ImGui::Dummy(ImVec2(1, m.gap));
  paragraph(font_or_current(th.heading),
            tr(st, "console.chain") + " · " + tr(st, "console.chain_as_of") + " " + format_time_utc(c.chain_as_of_ms) +
                " UTC",
            pal.accent);
  note_widget("console.chain");
  const float w = ImGui::GetContentRegionAvail().x;
  const float x[] = {m.pad, w * 0.22f, w * 0.34f, w * 0.48f, w * 0.62f, w * 0.76f, w * 0.88f};
  using Cells = std::array<std::string, 7>;
  const auto line = [&](const Cells& cells, ImU32 col) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    for (std::size_t i = 0; i < cells.size(); ++i)
      ImGui::GetWindowDrawList()->AddText(f, f->FontSize, ImVec2(p.x + x[i], p.y), col, cells[i].c_str());
    ImGui::Dummy(ImVec2(w, f->FontSize + m.gap * 0.5f));
  };
  line({tr(st, "console.col_store"), tr(st, "console.col_people"), tr(st, "cert.certified"), tr(st, "cert.expiring"),
        tr(st, "cert.expired"), tr(st, "cert.in_progress"), tr(st, "cert.not_started")},
       pal.text_dim);
  const ChainStoreRow total = sum_stores(c.chain);
  const auto cells = [](std::string first, const ChainStoreRow& r) {
    const auto n = [](int v) { return std::to_string(v); };
    return Cells{std::move(first), n(r.people),      n(r.certified),  n(r.expiring),
                 n(r.expired),     n(r.in_progress), n(r.not_started)};
  };
  line(cells("Σ " + std::to_string(c.chain.size()), total), pal.text);
  note_widget("chain.total");
  // A chain of 5,000 stores: the first ones need attention; the report lists them all.
  constexpr std::size_t shown = 50;
  for (std::size_t i = 0; i < c.chain.size() && i < shown; ++i) {
    const ChainStoreRow& r = c.chain[i];
    line(cells(r.store_id.empty() ? "-" : r.store_id, r), pal.text);
    note_widget("chain.store." + r.store_id);
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Roster, history and replay
// ---------------------------------------------------------------------------------------------

void replay_view(const AppState& st, const Theme& th) {
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  ImFont* f = ImGui::GetFont();
  const AttemptRow* row = nullptr;
  for (const AttemptRow& a : c.history)
    if (a.uuid == c.selected_attempt) row = &a;
  if (!row) return;
  paragraph(font_or_current(th.heading), tr(st, "console.replay") + ": " + scenario_title(st, row->scenario_id),
            pal.accent);
  const Scenario* sc = find_scenario(st.scenarios, row->scenario_id);
  // Content may have changed since: the texts then come from what was recorded.
  if (sc && sc->version != row->scenario_version) sc = nullptr;
  if (sc) sc = &scenario_for_seed(*sc, row->seed);  // the figures this attempt was shown
  if (c.replay.empty()) paragraph(f, tr(st, "console.loading"), pal.text_dim);
  for (const ReplayStep& r : replay_steps(c.replay, sc)) {
    begin_box(th);
    if (r.critical) badge(th, tr(st, "debrief.critical"), pal.bad, pal.text);
    const Text& shown = r.prompt.empty() ? r.text : r.prompt;
    paragraph(f, std::to_string(r.seq) + ". " + shown.get(st.lang), pal.text);
    if (!r.chosen.empty())
      paragraph(f, tr(st, "console.chosen") + ": " + r.chosen.get(st.lang), pal.accent);
    else if (!r.choice_id.empty())
      paragraph(f, tr(st, "console.chosen") + ": " + r.choice_id, pal.accent);
    if (r.kind == "terminal")
      paragraph(f, tr(st, r.terminal_success ? "console.terminal_done" : "console.terminal_not_done"),
                r.terminal_success ? pal.text : pal.accent);
    if (r.max_points > 0)
      paragraph(f, fill_count(tr(st, "console.points"), r.points) + " / " + std::to_string(r.max_points), pal.text_dim);
    if (!r.feedback.empty()) paragraph(f, r.feedback.get(st.lang), pal.text_dim);
    end_box(th, pal.card, r.mistake ? (r.critical ? pal.bad : pal.mark) : pal.card_border);
  }
}

void history_view(const AppState& st, const Theme& th, ConsoleUiState& ui, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  ImGui::Dummy(ImVec2(1, m.gap));
  std::string name = c.selected_operator;
  for (const OperatorRecord& o : c.operators)
    if (o.employee_id == c.selected_operator) name = o.name + " (" + o.employee_id + ")";
  paragraph(font_or_current(th.heading), tr(st, "console.history") + ": " + name, pal.accent);
  const float w = ImGui::GetContentRegionAvail().x;
  if (!c.history_loaded) return paragraph(ImGui::GetFont(), tr(st, "console.loading"), pal.text_dim);
  const auto& h = c.history;
  for (std::size_t i = 0; i < h.size(); ++i) {
    // A run of abandoned attempts (a trainee who opened drills and walked away, idle sign-outs)
    // is one row until the manager opens it; a run holding the replayed attempt stays open.
    if (h[i].abandoned && (i == 0 || !h[i - 1].abandoned)) {
      std::size_t end = i;
      bool holds_selected = false;
      while (end < h.size() && h[end].abandoned) holds_selected |= h[end++].uuid == c.selected_attempt;
      const std::size_t run = end - i;
      if (run >= 2 && !holds_selected) {
        const bool open = ui.unfolded == h[i].uuid;
        const std::string dates = format_date_utc(h[end - 1].started_ms) + " - " + format_date_utc(h[i].started_ms);
        if (tap_row(th, "fold." + h[i].uuid,
                    {{m.pad, dates},
                     {w * 0.30f, fill_count(tr(st, "console.abandoned_run"), static_cast<long long>(run))},
                     {w * 0.62f, tr(st, open ? "console.fold_close" : "console.fold_open")}},
                    open, pal.card_border, w * 0.78f, tr(st, "console.abandoned")))
          ui.unfolded = open ? std::string() : h[i].uuid;
        if (!open) {
          i = end - 1;
          continue;
        }
      }
    }
    const AttemptRow& a = h[i];
    const std::string outcome = a.abandoned ? tr(st, "console.abandoned")
                                : a.passed  ? tr(st, "console.passed")
                                            : tr(st, "console.failed");
    const ImU32 colour = a.abandoned ? pal.card_border : a.passed ? pal.ok : pal.bad;
    if (tap_row(th, "attempt." + a.uuid,
                {{m.pad, format_date_utc(a.started_ms)},
                 {w * 0.18f, scenario_title(st, a.scenario_id)},
                 {w * 0.68f, percent(a.score)}},
                a.uuid == c.selected_attempt, colour, w * 0.78f, outcome))
      dispatch(SelectAttempt{a.uuid == c.selected_attempt ? std::string() : a.uuid});
    if (a.uuid == c.selected_attempt) replay_view(st, th);
  }
  if (c.history.empty() && c.history_page == 0)
    paragraph(ImGui::GetFont(), tr(st, "console.no_attempts"), pal.text_dim);
  // One page at a time: the store reads only the attempts shown.
  if (c.history_page == 0 && !c.history_more) return;
  const float button_w = std::max(m.touch_px * 2.5f, w * 0.16f);
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
  if (touch_button(th, tr(st, "console.newer"), "history.newer", button_w, c.history_page > 0))
    dispatch(ShowHistoryPage{c.history_page - 1});
  ImGui::SameLine(0.0f, m.gap);
  if (touch_button(th, tr(st, "console.older"), "history.older", button_w, c.history_more))
    dispatch(ShowHistoryPage{c.history_page + 1});
  ImGui::SameLine(0.0f, m.gap);
  ImGui::TextUnformatted(fill_count(tr(st, "console.page"), c.history_page + 1).c_str());
}

// The roster's state at a glance, a tile per filter with its count: everyone, each
// certification state, and the people failing a topic. A tile shows only its rows; the
// selected one is filled green like the selected tab and "everyone" shows them all again.
// Returns how many people the filter shows.
int summary_tiles(const AppState& st, const Theme& th, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  const ChainStoreRow n = summarize_roster(c.roster);
  struct Tile {
    RosterFilter filter;
    const char* id;
    std::string label;
    int count;
    ImU32 colour;
  };
  const Tile tiles[] = {
      {RosterFilter::all, "tile.all", tr(st, "console.filter_all"), n.people, 0},
      {RosterFilter::certified, "tile.certified", tr(st, "cert.certified"), n.certified,
       cert_status_colour(CertStatus::certified)},
      {RosterFilter::expiring, "tile.expiring", tr(st, "cert.expiring"), n.expiring,
       cert_status_colour(CertStatus::expiring)},
      {RosterFilter::expired, "tile.expired", tr(st, "cert.expired"), n.expired, cert_status_colour(CertStatus::expired)},
      {RosterFilter::in_progress, "tile.in_progress", tr(st, "cert.in_progress"), n.in_progress,
       cert_status_colour(CertStatus::in_progress)},
      {RosterFilter::not_started, "tile.not_started", tr(st, "cert.not_started"), n.not_started,
       cert_status_colour(CertStatus::not_started)},
      {RosterFilter::failing_topic, "tile.failing_topic", tr(st, "console.filter_failing"),
       count_failing_topic(c.roster), pal.bad},
      {RosterFilter::locked, "tile.locked", tr(st, "console.filter_locked"), count_locked(c.roster), pal.bad},
  };
  const float w = ImGui::GetContentRegionAvail().x;
  constexpr int count = static_cast<int>(std::size(tiles));
  const float tw = std::floor((w - (count - 1) * m.gap) / count);
  for (int i = 0; i < count; ++i) {
    const Tile& t = tiles[i];
    if (i > 0) ImGui::SameLine(0.0f, m.gap);
    const bool on = c.roster_filter == t.filter;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (touch_button(th, t.label + "  " + std::to_string(t.count), t.id, tw, true, on ? pal.ok : 0))
      dispatch(FilterRoster{on ? RosterFilter::all : t.filter});
    // The state's colour as a stripe on the tile's left edge (the roster's badges use it too).
    if (t.colour)
      ImGui::GetWindowDrawList()->AddRectFilled(at, ImVec2(at.x + 2 * m.border + 4, ImGui::GetItemRectMax().y),
                                                t.colour, m.rounding);
  }
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
  int shown = 0;
  for (const RosterRow& r : c.roster) shown += roster_row_shown(r, c.roster_filter) ? 1 : 0;
  if (c.roster_filter != RosterFilter::all)
    paragraph(ImGui::GetFont(), fill_count(tr(st, "console.filter_shown"), shown) + " / " + std::to_string(n.people),
              pal.text_dim);
  return shown;
}

void roster_tab(const AppState& st, const Theme& th, ConsoleUiState& ui, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  const float w = ImGui::GetContentRegionAvail().x;
  // With more than one track, the roster counts one at a time: a button per track picks it.
  const Track* shown_track = roster_track(st);
  if (st.tracks.size() > 1) {
    const float n = static_cast<float>(st.tracks.size());
    const float bw = (w - (n - 1) * m.gap) / n;
    for (std::size_t i = 0; i < st.tracks.size(); ++i) {
      const Track& t = st.tracks[i];
      if (i > 0) ImGui::SameLine(0.0f, m.gap);
      if (touch_button(th, t.title.get(st.lang), "roster.track." + t.id, bw, true, &t == shown_track ? pal.ok : 0))
        dispatch(SelectRosterTrack{t.id});
    }
    ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
  }
  const int shown = summary_tiles(st, th, dispatch);
  // Column starts as fractions of the width: id, name, role, status, passed, weakest topic,
  // expires, last drill.
  const float x[] = {m.pad, w * 0.10f, w * 0.28f, w * 0.37f, w * 0.51f, w * 0.59f, w * 0.76f, w * 0.88f};
  ImFont* f = ImGui::GetFont();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const char* heads[] = {"console.col_id",     "console.col_name",    "console.col_role",    "console.col_status",
                         "console.col_passed", "console.col_weakest", "console.col_expires", "console.col_last"};
  for (int i = 0; i < 8; ++i)
    ImGui::GetWindowDrawList()->AddText(f, f->FontSize, ImVec2(p.x + x[i], p.y), pal.text_dim,
                                        tr(st, heads[i]).c_str());
  ImGui::Dummy(ImVec2(w, f->FontSize + m.gap * 0.5f));
  const std::string never = "-";
  for (const RosterRow& r : c.roster) {
    if (!roster_row_shown(r, c.roster_filter)) continue;
    std::string name = r.op.name;
    if (!r.op.active) name += " (" + tr(st, "console.inactive") + ")";
    if (r.locked) name += " (" + tr(st, "console.filter_locked") + ")";
    const std::string status = tr(st, cert_status_key(r.status));
    const std::string weakest = r.weakest_topic ? tr(st, topic_string_key(*r.weakest_topic)) : never;
    if (tap_row(th, "row." + r.op.employee_id,
                {{x[0], r.op.employee_id},
                 {x[1], name},
                 {x[2], role_label(st, r.op.role)},
                 {x[3], ""},
                 {x[4], std::to_string(r.passed_count) + " / " + std::to_string(r.required_count)},
                 {x[5], weakest},
                 {x[6], r.expires_ms.is_set() ? format_date_utc(r.expires_ms) : never},
                 {x[7], r.last_attempt_ms.is_set() ? format_date_utc(r.last_attempt_ms) : never}},
                r.op.employee_id == c.selected_operator, cert_status_colour(r.status), x[3], status))
      dispatch(SelectOperator{r.op.employee_id == c.selected_operator ? std::string() : r.op.employee_id});
  }
  // A tile nobody is in: say so, rather than leave the headers over nothing.
  if (shown == 0 && !c.roster.empty()) {
    paragraph(f, tr(st, "console.filter_none"), pal.text_dim);
    note_widget("roster.none", false);
  }
  if (!c.selected_operator.empty()) history_view(st, th, ui, dispatch);
  // The chain's cache counts the first track only (posdrill report --from-lrs keeps it for that one).
  if (shown_track == primary_track(st)) chain_view(st, th);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Mistakes chart
// ---------------------------------------------------------------------------------------------

void mistakes_tab(const AppState& st, const Theme& th) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  ImFont* f = ImGui::GetFont();
  if (c.mistakes.empty()) paragraph(f, tr(st, "console.no_mistakes"), pal.text_dim);
  // The legend: what a bar is and what its colours mean (the same amber and red as the debrief).
  if (!c.mistakes.empty()) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float sw = f->FontSize;
    float x = p.x;
    const auto key = [&](ImU32 colour, const std::string& text) {
      dl->AddRectFilled(ImVec2(x, p.y + m.border), ImVec2(x + sw, p.y + sw - m.border), colour, m.rounding * 0.5f);
      x += sw + m.pad * 0.5f;
      dl->AddText(f, f->FontSize, ImVec2(x, p.y), pal.text_dim, text.c_str());
      x += f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, text.c_str()).x + m.pad * 2;
    };
    key(pal.mark, tr(st, "console.legend_wrong"));
    key(pal.bad, tr(st, "console.legend_critical"));
    dl->AddText(f, f->FontSize, ImVec2(x, p.y), pal.text_dim, tr(st, "console.legend_bar").c_str());
    note_widget("mistakes.legend", false);
    ImGui::Dummy(ImVec2(1, f->FontSize + m.gap * 0.5f));
  }
  std::map<std::string, int> most;  // per scenario, the longest bar's count
  for (const MistakeCount& mc : c.mistakes) most[mc.scenario_id] = std::max(most[mc.scenario_id], mc.count);
  std::string current;
  const float w = ImGui::GetContentRegionAvail().x;
  const float label_w = w * 0.55f;
  for (const MistakeCount& mc : c.mistakes) {
    if (mc.scenario_id != current) {
      current = mc.scenario_id;
      ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
      paragraph(font_or_current(th.heading), scenario_title(st, mc.scenario_id), pal.accent);
      // The counts gather every set of figures; the answers are worded with the first.
      if (const Scenario* sc = find_scenario(st.scenarios, mc.scenario_id); sc && sc->variants.size() > 1)
        paragraph(f, tr(st, "console.figures_vary"), pal.text_dim);
    }
    // The label: the step's prompt and, on a line of its own, the wrong choice (a terminal task
    // not done has none).
    std::string label = mc.step_id;
    std::string chosen;
    if (const Scenario* sc = find_scenario(st.scenarios, mc.scenario_id))
      if (const Step* step = sc->find(mc.step_id)) {
        label = step->prompt.get(st.lang);
        if (const Text* text = choice_text(step, mc.choice_id))
          chosen = tr(st, "console.chosen") + (st.lang == Lang::zh ? "：" : ": ") + text->get(st.lang);
      }
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float h = draw_wrapped_text(dl, f, p, pal.text, label, label_w);
    if (!chosen.empty()) h += draw_wrapped_text(dl, f, ImVec2(p.x, p.y + h), pal.text_dim, chosen, label_w);
    const float bar_max = w - label_w - 3 * m.pad - f->FontSize * 3;
    const float bar =
        std::max(m.border * 2, bar_max * static_cast<float>(mc.count) / std::max(1, most[mc.scenario_id]));
    const ImVec2 b0(p.x + label_w + m.pad, p.y + m.border);
    dl->AddRectFilled(b0, ImVec2(b0.x + bar, b0.y + f->FontSize), mc.critical ? pal.bad : pal.mark, m.rounding * 0.5f);
    const std::string n = fill_count(tr(st, "console.times"), mc.count);
    dl->AddText(f, f->FontSize, ImVec2(b0.x + bar + m.pad * 0.5f, b0.y), pal.text, n.c_str());
    ImGui::Dummy(ImVec2(w, std::max(h, f->FontSize) + m.gap * 0.5f));
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Accounts
// ---------------------------------------------------------------------------------------------

// The fields the keyboard types into: the "add an account" form, and the open "reset PIN" form.
std::vector<KeyboardField> add_fields(ConsoleUiState& ui) {
  OperatorForm& f = ui.add;
  return {{"add.id", &f.id, id_field, false},
          {"add.name", &f.name, name_field, false},
          {"add.store", &f.store, store_field, false},
          {"add.pin", &f.pin, pin_field, true},
          {"add.pin_again", &f.pin_again, pin_field, true}};
}
std::vector<KeyboardField> reset_fields(ConsoleUiState& ui) {
  return {{"reset.pin", &ui.new_pin, pin_field, true}, {"reset.pin_again", &ui.new_pin_again, pin_field, true}};
}

void accounts_tab(const AppState& st, const Theme& th, ConsoleUiState& ui, OnScreenKeyboard& kb,
                  const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  const float w = ImGui::GetContentRegionAvail().x;
  const float button_w = std::max(m.touch_px * 2.5f, w * 0.16f);
  // The notice after a reset is that reset's: update() clears the one before, and the save is
  // done (its notice posted) before the next frame. Saved closes the form, refused keeps it open.
  if (!ui.pin_sent.empty() && !c.notice_key.empty()) {
    if (!c.notice_error && c.notice_key == "console.pin_saved") ui.pin_for.clear();
    ui.pin_refused = c.notice_error && ui.pin_for == ui.pin_sent;
    ui.pin_sent.clear();
  }
  const bool typing_before = !kb.focused().empty();
  for (const OperatorRecord& o : c.operators) {
    std::string line = o.employee_id + "  " + o.name + "  " + role_label(st, o.role);
    if (!o.store_id.empty()) line += "  " + tr(st, "console.store") + " " + o.store_id;
    if (!o.active) line += "  (" + tr(st, "console.inactive") + ")";
    // Locked by wrong PINs: a PIN reset opens it at once (or it opens by itself at that time).
    if (o.locked_until_ms > st.wall_ms)
      line += "  (" + tr(st, "console.filter_locked") + " " + tr(st, "console.locked_until") + " " +
              format_time_utc(o.locked_until_ms) + ")";
    const float y = ImGui::GetCursorPosY();
    if (ui.pin_refused && ui.pin_for == o.employee_id) {
      ImGui::SetScrollHereY(0.0f);
      ui.pin_refused = false;
    }
    ImGui::SetCursorPosY(y + (m.touch_px - ImGui::GetFontSize()) * 0.5f);
    ImGui::PushStyleColor(ImGuiCol_Text, o.active ? pal.text : pal.text_dim);  // a switched-off account is dimmed
    ImGui::TextUnformatted(line.c_str());
    ImGui::PopStyleColor();
    ImGui::SetCursorPos(ImVec2(w - 2 * button_w - m.gap, y));
    if (touch_button(th, tr(st, "console.reset_pin"), "reset." + o.employee_id, button_w)) {
      ui.pin_for = ui.pin_for == o.employee_id ? std::string() : o.employee_id;
      ui.pin_sent.clear();
      ui.pin_refused = false;
      wipe(ui.new_pin);
      wipe(ui.new_pin_again);
      kb.unfocus();
      dispatch(ConsoleNotice{});
    }
    ImGui::SameLine(0.0f, m.gap);
    // A manager cannot switch their own account off (update() refuses it too): the button is dimmed.
    const bool self = o.employee_id == c.manager.employee_id;
    if (touch_button(th, tr(st, o.active ? "console.deactivate" : "console.activate"), "active." + o.employee_id,
                     button_w, !(self && o.active)))
      dispatch(SetOperatorActive{o.employee_id, !o.active});
    if (ui.pin_for == o.employee_id) {
      const float fw = std::min(w, 600.0f * m.scale);
      const std::vector<KeyboardField> fields = reset_fields(ui);
      // The label names whose PIN this is: above the keyboard, the account's line is often
      // scrolled out of view.
      keyboard_field(th, kb, fill_fields(tr(st, "console.pin"), {{"who", o.employee_id + " " + o.name}}), fields[0], fw,
                     st.lang);
      keyboard_field(th, kb, tr(st, "console.pin_again"), fields[1], fw, st.lang);
      const float cancel_w = std::max(m.touch_px * 2.0f, fw * 0.25f);
      if (touch_button(th, tr(st, "console.cancel"), "reset.cancel", cancel_w)) {
        dispatch(ConsoleNotice{});
        ui.pin_for.clear();
        wipe(ui.new_pin);
        wipe(ui.new_pin_again);
        kb.unfocus();
      }
      ImGui::SameLine(0.0f, m.gap);
      // The button names the person too: it is what the finger is on when the PIN is saved.
      if (touch_button(th, fill_fields(tr(st, "console.reset_pin_for"), {{"who", o.employee_id + " " + o.name}}),
                       "reset.save", fw - cancel_w - m.gap, true, pal.ok)) {
        dispatch(ResetOperatorPin{o.employee_id, ui.new_pin, ui.new_pin_again});
        wipe(ui.new_pin);  // typed again after a refusal: a PIN never lingers on screen
        wipe(ui.new_pin_again);
        ui.pin_sent = o.employee_id;
        kb.unfocus();
      }
    }
    ImGui::Dummy(ImVec2(1, m.gap * 0.25f));
  }

  // Add an account. Saved: the form empties for the next person (the role stays, the same kind
  // of account often comes in a row); refused: it keeps what was typed, to be corrected.
  if (!ui.added_id.empty()) {
    if (ui.add.id != ui.added_id) {
      ui.added_id.clear();
    } else if (std::any_of(c.operators.begin(), c.operators.end(),
                           [&](const OperatorRecord& o) { return o.employee_id == ui.added_id; })) {
      const int role = ui.add.role;
      ui.add.clear();
      ui.add.role = role;
      ui.added_id.clear();
    }
  }
  ImGui::Dummy(ImVec2(1, m.gap));
  paragraph(font_or_current(th.heading), tr(st, "console.add"), pal.accent);
  const float fw = std::min(w, 700.0f * m.scale);
  OperatorForm& f = ui.add;
  const std::vector<KeyboardField> fields = add_fields(ui);
  keyboard_field(th, kb, tr(st, "first_run.id"), fields[0], fw, st.lang);
  keyboard_field(th, kb, tr(st, "first_run.name"), fields[1], fw, st.lang);
  keyboard_field(th, kb, tr(st, "console.store"), fields[2], fw, st.lang);
  paragraph(ImGui::GetFont(), tr(st, "console.col_role"), pal.text_dim);
  const Role roles[] = {Role::trainee, Role::manager, Role::admin};
  const float rw = (fw - 2 * m.gap) / 3;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) ImGui::SameLine(0.0f, m.gap);
    const bool on = f.role == i;
    if (touch_button(th, role_label(st, roles[i]), "add.role." + std::string(role_name(roles[i])), rw, true,
                     on ? pal.ok : 0))
      f.role = i;
  }
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
  keyboard_field(th, kb, tr(st, "first_run.pin"), fields[3], fw, st.lang);
  keyboard_field(th, kb, tr(st, "first_run.pin_again"), fields[4], fw, st.lang);
  if (touch_button(th, tr(st, "console.add"), "add.save", fw, true, pal.ok)) {
    AddOperator a;
    a.op.employee_id = f.id;
    a.op.name = f.name;
    a.op.store_id = f.store;
    a.op.role = roles[std::clamp(f.role, 0, 2)];
    a.op.lang = st.lang;
    a.pin = f.pin;
    a.pin_again = f.pin_again;
    f.clear_pins();
    kb.unfocus();
    // An id already listed is refused as taken: nothing to wait for.
    const bool listed = std::any_of(c.operators.begin(), c.operators.end(),
                                    [&](const OperatorRecord& o) { return o.employee_id == f.id; });
    ui.added_id = listed ? std::string() : f.id;
    dispatch(a);
  }
  // A field tapped this frame: the notice about the last save is no longer news.
  if (!typing_before && !kb.focused().empty()) dispatch(ConsoleNotice{});
}

void settings_tab(const AppState& st, const Theme& th) {
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  // Out of service: why, first. The file positions stay as the loader wrote them (English), for
  // whoever edits the file.
  if (out_of_service(st)) {
    paragraph(font_or_current(th.heading), tr(st, "console.problems"), pal.error_text);
    paragraph(f, tr(st, "console.problems_note"), pal.text);
    ImGui::Dummy(ImVec2(1, th.metrics.gap * 0.5f));
    for (const std::string& p : st.problems) status_line(th, p, Status::problem);
    ImGui::Dummy(ImVec2(1, th.metrics.gap));
  }
  paragraph(f, tr(st, "console.settings_note"), pal.text_dim);
  ImGui::Dummy(ImVec2(1, th.metrics.gap));
  for (const KioskFact& fact : st.kiosk_facts) {
    paragraph(f, tr(st, fact.label_key), pal.text_dim);
    std::string value = fact.value_key.empty() ? std::string() : tr(st, fact.value_key);
    if (!value.empty() && !fact.value.empty()) value += " ";
    paragraph(f, value + fact.value, pal.text);
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Sync
// ---------------------------------------------------------------------------------------------

std::string verb_label(const AppState& st, const std::string& verb) {
  const std::string key = "sync.verb." + verb;
  return st.strings.contains(key) ? tr(st, key) : verb;
}

void sync_tab(const AppState& st, const Theme& th, ConsoleUiState& ui, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  const SyncView& v = st.sync;
  ImFont* f = ImGui::GetFont();
  const float w = ImGui::GetContentRegionAvail().x;

  if (!v.enabled) paragraph(f, tr(st, "console.sync_off_note"), pal.text_dim);
  if (v.enabled) {
    // The worker's figures (live); the list below is the store's, reloaded after each change.
    const float col = w / 4;
    figure(st, th, 0, col - m.gap, "console.sync_waiting", std::to_string(v.queued));
    figure(st, th, col, col - m.gap, "console.sync_set_aside", std::to_string(v.set_aside));
    figure(st, th, 2 * col, col - m.gap, "console.sync_sent", std::to_string(v.sent));
    figure(st, th, 3 * col, col - m.gap, "console.sync_last_sent",
           v.last_sent_ms.is_set() ? format_time_utc(v.last_sent_ms) : tr(st, "console.sync_never"));
    ImGui::Dummy(ImVec2(w, f->FontSize + font_or_current(th.heading)->FontSize + m.gap * 0.5f));
    const std::string problem = sync_problem_key(v.problem, st.strings);
    paragraph(
        f,
        tr(st, "console.sync_problem") + ": " +
            (problem.empty() ? tr(st, v.alarm ? "sync.problem.unknown" : "console.sync_no_problem") : tr(st, problem)),
        problem.empty() && !v.alarm ? pal.text_dim : pal.text);
    // The technical words, for whoever fixes it (the LRS's administrator reads English).
    if (!v.problem_detail.empty()) paragraph(f, v.problem_detail, pal.text_dim);
    ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
    if (touch_button(th, tr(st, "console.sync_now"), "sync.now", std::min(w, std::max(m.touch_px * 4, w * 0.25f)), true,
                     pal.ok))
      dispatch(SendSyncNow{});
  }

  ImGui::Dummy(ImVec2(1, m.gap));
  paragraph(font_or_current(th.heading), tr(st, "console.sync_set_aside"), pal.accent);
  if (!c.set_aside_loaded) return paragraph(f, tr(st, "console.loading"), pal.text_dim);
  if (c.set_aside.empty()) return paragraph(f, tr(st, "console.sync_none_aside"), pal.text_dim);

  // Columns: kind, attempt, when, reason (wraps), then the two buttons.
  const float button_w = std::max(m.touch_px * 2.0f, w * 0.1f);
  const float buttons_x = w - 2 * button_w - m.gap;
  const float x[] = {0.0f, w * 0.13f, w * 0.25f, w * 0.42f};
  const float reason_w = std::max(1.0f, buttons_x - m.gap - x[3]);
  const char* heads[] = {"console.sync_col_verb", "console.sync_col_attempt", "console.sync_col_when",
                         "console.sync_col_reason"};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 hp = ImGui::GetCursorScreenPos();
  for (int i = 0; i < 4; ++i)
    dl->AddText(f, f->FontSize, ImVec2(hp.x + x[i], hp.y), pal.text_dim, tr(st, heads[i]).c_str());
  ImGui::Dummy(ImVec2(w, f->FontSize + m.gap * 0.5f));

  for (const SetAsideStatement& s : c.set_aside) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float y = ImGui::GetCursorPosY();
    // An attempt is named by its uuid's first block: enough to find it in the history.
    const std::string cells[] = {verb_label(st, s.verb), s.attempt_uuid.substr(0, 8), format_time_utc(s.created_ms)};
    const float reason_h = wrapped_height(f, s.reason, reason_w);
    const float row_h = std::max(m.touch_px, reason_h);
    for (int i = 0; i < 3; ++i) {
      dl->PushClipRect(ImVec2(p.x + x[i], p.y), ImVec2(p.x + x[i + 1] - m.pad * 0.5f, p.y + row_h), true);
      dl->AddText(f, f->FontSize, ImVec2(p.x + x[i], p.y + (m.touch_px - f->FontSize) * 0.5f), pal.text,
                  cells[i].c_str());
      dl->PopClipRect();
    }
    draw_wrapped_text(dl, f, ImVec2(p.x + x[3], p.y + std::max(0.0f, (m.touch_px - reason_h) * 0.5f)), pal.text_dim,
                      s.reason, reason_w);
    ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + buttons_x, y));
    if (touch_button(th, tr(st, "console.sync_retry"), "sync.retry." + s.id, button_w)) {
      ui.void_armed.clear();
      dispatch(RetryStatement{s.id});
    }
    ImGui::SameLine(0.0f, m.gap);
    const bool armed = ui.void_armed == s.id;
    if (touch_button(th, tr(st, armed ? "console.sync_void_confirm" : "console.sync_void"), "sync.void." + s.id,
                     button_w, true, armed ? pal.bad : 0)) {
      if (armed) {
        ui.void_armed.clear();
        dispatch(VoidStatement{s.id});
      } else {
        ui.void_armed = s.id;
      }
    }
    ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), y + row_h + m.gap * 0.25f));
    ImGui::Dummy(ImVec2(1, m.gap * 0.25f));
  }
}


}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Screen
// ---------------------------------------------------------------------------------------------

void draw_console_screen(const AppState& st, const Theme& th, ConsoleUiState& ui, OnScreenKeyboard& kb,
                         const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ConsoleState& c = st.console;
  begin_screen("###console", th);
  screen_header(st, th, tr(st, "console.title") + " - " + c.manager.name, tr(st, "console.close"), "console.close",
                CloseConsole{}, dispatch);

  const struct {
    ConsoleTab tab;
    const char* key;
    const char* id;
  } tabs[] = {{ConsoleTab::roster, "console.roster", "tab.roster"},
              {ConsoleTab::mistakes, "console.mistakes", "tab.mistakes"},
              {ConsoleTab::items, "console.items", "tab.items"},
              {ConsoleTab::operators, "console.operators", "tab.operators"},
              {ConsoleTab::settings, "console.settings", "tab.settings"},
              {ConsoleTab::sync, "console.sync", "tab.sync"}};
  constexpr int tab_count = static_cast<int>(std::size(tabs));
  const float avail = ImGui::GetContentRegionAvail().x;
  const float tab_w = (avail - (tab_count - 1) * m.gap) / tab_count;
  for (int i = 0; i < tab_count; ++i) {
    if (i > 0) ImGui::SameLine(0.0f, m.gap);
    if (touch_button(th, tr(st, tabs[i].key), tabs[i].id, tab_w, true, c.tab == tabs[i].tab ? pal.ok : 0))
      dispatch(SetConsoleTab{tabs[i].tab});
  }
  ImGui::Dummy(ImVec2(1, m.gap * 0.5f));

  // The keyboard docks under the body while an accounts field has the focus, in the footer's
  // place: at 1280x800 the two together left the form a strip too low for a field and its label,
  // and put 退出培训机 a finger's width under 确定. The footer is back once the form is done.
  std::vector<KeyboardField> fields;
  if (c.tab == ConsoleTab::operators) fields = add_fields(ui);
  if (c.tab == ConsoleTab::operators && !ui.pin_for.empty())
    for (KeyboardField& f : reset_fields(ui)) fields.push_back(std::move(f));
  const float kb_h = keyboard_height(th, kb, fields);
  const float bar_h = kb_h > 0 ? 0.0f : m.touch_px + ImGui::GetStyle().ItemSpacing.y * 2;
  ImGui::BeginChild("###console_body", ImVec2(0.0f, -bar_h - kb_h), false, ImGuiWindowFlags_NoSavedSettings);
  top_when_changed(c.manager.employee_id + "#" + std::to_string(static_cast<int>(c.tab)));
  drag_scroll(th, ui.dragging);
  switch (c.tab) {
    case ConsoleTab::roster:
      roster_tab(st, th, ui, dispatch);
      break;
    case ConsoleTab::mistakes:
      mistakes_tab(st, th);
      break;
    case ConsoleTab::items:
      items_tab(st, th, ui, dispatch);
      break;
    case ConsoleTab::operators:
      accounts_tab(st, th, ui, kb, dispatch);
      break;
    case ConsoleTab::settings:
      settings_tab(st, th);
      break;
    case ConsoleTab::sync:
      sync_tab(st, th, ui, dispatch);
      break;
  }
  ImGui::EndChild();
  if (kb_h > 0) {
    const float kw = std::min(avail, 1100.0f * m.scale);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail - kw) * 0.5f);
    draw_keyboard(th, st.strings, st.lang, kb, fields, kw);
    end_screen();
    return;
  }

  // Footer: the last result on the left, export and close-the-kiosk on the right.
  const float bw = std::max(m.touch_px * 3, avail * 0.18f);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  if (!c.notice_key.empty()) {
    std::string text = tr(st, c.notice_key);
    if (!c.notice_detail.empty()) text += (text.ends_with(' ') ? "" : " ") + c.notice_detail;
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + (m.touch_px - ImGui::GetFontSize()) * 0.5f));
    status_line(th, text, c.notice_error ? Status::problem : Status::done, std::max(1.0f, avail - 2 * bw - 3 * m.gap));
    ImGui::SetCursorScreenPos(p);
  }
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + avail - 2 * bw - m.gap);
  if (touch_button(th, tr(st, "console.export"), "console.export", bw)) dispatch(ExportRoster{});
  ImGui::SameLine(0.0f, m.gap);
  if (touch_button(th, tr(st, "console.exit"), "console.exit", bw, true, pal.bad))
    dispatch(AskToConfirm{ConfirmKind::exit_kiosk});
  end_screen();
}

}  // namespace posdrill
