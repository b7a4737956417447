// The catalog screen.
//
// [SECTION] Text helpers: measuring and drawing wrapped text with a given font
// [SECTION] Header: title, training mark, language toggle
// [SECTION] Cards: layout (measured, then drawn with the same code) and the touch grid
// [SECTION] Screen
//
// Cards are drawn with the draw list over an InvisibleButton rather than built from widgets:
// the whole card is one touch target, and its height comes from its wrapped text, so nothing is
// ever clipped whatever the language or the window width.

#include "kiosk/ui/catalog_screen.h"

#include "kiosk/core/line_break.h"
#include "kiosk/ui/widget_rects.h"
#include "kiosk/ui/widgets.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <span>
#include <vector>

namespace posdrill {

namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Text helpers
// ---------------------------------------------------------------------------------------------

// One line, unwrapped.
ImVec2 measure(ImFont* f, const std::string& s) {
  return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, s.data(), s.data() + s.size());
}

void draw_text(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const char* b, const char* e) {
  dl->AddText(f, f->FontSize, pos, col, b, e);
}

void draw_text(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const std::string& s) {
  draw_text(dl, f, pos, col, s.data(), s.data() + s.size());
}

ImVec2 add(ImVec2 a, ImVec2 b) { return ImVec2(a.x + b.x, a.y + b.y); }

// Text broken into lines with the Chinese-aware breaker (line_break.h) instead of ImGui's
// space-only wrapping.
struct Wrapped {
  const std::string* text = nullptr;
  std::vector<LineSpan> lines;
  ImVec2 size;
};

Wrapped wrap(ImFont* f, const std::string& s, float max_width) {
  Wrapped w;
  w.text = &s;
  w.lines = break_lines(s, max_width, [f](uint32_t cp) {
    return cp <= IM_UNICODE_CODEPOINT_MAX ? f->GetCharAdvance(static_cast<ImWchar>(cp)) : f->FallbackAdvanceX;
  });
  for (const LineSpan& l : w.lines)
    w.size.x = std::max(w.size.x, f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, s.data() + l.begin, s.data() + l.end).x);
  w.size.y = f->FontSize * static_cast<float>(w.lines.size());
  return w;
}

void draw_wrapped(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const Wrapped& w) {
  const char* base = w.text->data();
  for (const LineSpan& l : w.lines) {
    draw_text(dl, f, pos, col, base + l.begin, base + l.end);
    pos.y += f->FontSize;
  }
}

// A full-width box of wrapped text (the error count, the empty-catalog message).
void banner(const std::string& text, const Theme& th, ImU32 bg, ImU32 border, ImU32 fg) {
  const ThemeMetrics& m = th.metrics;
  ImFont* f = font_or_current(th.body);
  const float w = ImGui::GetContentRegionAvail().x;
  const float inner = std::max(1.0f, w - 2 * m.pad);
  const Wrapped ts = wrap(f, text, inner);
  const ImVec2 size(w, std::max(m.touch_px, ts.size.y + 2 * m.pad));
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, add(p, size), bg, m.rounding);
  dl->AddRect(p, add(p, size), border, m.rounding, 0, m.border);
  draw_wrapped(dl, f, ImVec2(p.x + m.pad, p.y + (size.y - ts.size.y) * 0.5f), fg, ts);
  ImGui::Dummy(size);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Header
// ---------------------------------------------------------------------------------------------

void header(const CatalogView& view, const Theme& th, const CatalogDispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* body = font_or_current(th.body);
  ImFont* heading = font_or_current(th.heading);

  const float h = m.touch_px;
  const ImVec2 origin = ImGui::GetCursorPos();
  const float right = ImGui::GetWindowContentRegionMax().x;

  ImGui::PushFont(body);
  const float toggle_w = std::max(m.touch_px, measure(body, view.lang_toggle).x + 2 * m.pad);
  const float mark_w = measure(body, view.training_mark).x + 2 * m.pad;
  const float x_toggle = right - toggle_w;
  const float home_w =
      view.home_label.empty() ? 0.0f : std::max(m.touch_px, measure(body, view.home_label).x + 2 * m.pad);
  const float x_home = x_toggle - (home_w > 0 ? m.gap + home_w : 0.0f);
  const float x_mark = x_home - m.gap - mark_w;

  // Title, wrapped before the right-hand group so a narrow window never overlaps it.
  const float title_wrap = std::max(1.0f, x_mark - m.gap - origin.x);
  const Wrapped title = wrap(heading, view.app_title, title_wrap);
  const ImVec2 title_size = title.size;
  const ImVec2 screen_origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float title_y = std::max(0.0f, (h - title_size.y) * 0.5f);
  draw_wrapped(dl, heading, ImVec2(screen_origin.x, screen_origin.y + title_y), pal.text, title);

  // The training mark: an amber badge, not a button, so nobody taps it expecting something.
  ImGui::SetCursorPos(ImVec2(x_mark, origin.y));
  const ImVec2 mp = ImGui::GetCursorScreenPos();
  dl->AddRectFilled(mp, ImVec2(mp.x + mark_w, mp.y + h), pal.mark, m.rounding);
  const ImVec2 mark_text = measure(body, view.training_mark);
  draw_text(dl, body, ImVec2(mp.x + m.pad, mp.y + (h - mark_text.y) * 0.5f), pal.mark_text, view.training_mark);
  ImGui::Dummy(ImVec2(mark_w, h));

  if (home_w > 0) {
    ImGui::SetCursorPos(ImVec2(x_home, origin.y));
    const bool home = ImGui::Button((view.home_label + "###home").c_str(), ImVec2(home_w, h));
    note_widget("home");
    if (home) {
      CatalogAction a;
      a.kind = CatalogActionKind::go_home;
      dispatch(a);
    }
  }

  // The ID stays the same in both languages, so the button keeps its identity (and its pressed
  // state) across the switch it causes.
  ImGui::SetCursorPos(ImVec2(x_toggle, origin.y));
  if (lang_toggle(th, view.lang_toggle, view.lang, toggle_w)) {
    CatalogAction a;
    a.kind = CatalogActionKind::set_language;
    a.lang = view.lang == Lang::zh ? Lang::en : Lang::zh;
    dispatch(a);
  }
  ImGui::PopFont();

  ImGui::SetCursorPos(ImVec2(origin.x, origin.y + std::max(h, title_y + title_size.y)));
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.25f));
  ImGui::Separator();
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.25f));
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Cards
// ---------------------------------------------------------------------------------------------

// Lays out one card of width `w` whose top-left is `pos` (screen space) and returns its height.
// Draws only when `dl` is not null, so measuring and drawing can never disagree.
float card_layout(const CatalogCard& card, const Theme& th, float w, ImDrawList* dl, ImVec2 pos) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* body = font_or_current(th.body);
  ImFont* heading = font_or_current(th.heading);
  const float inner = std::max(1.0f, w - 2 * m.pad);

  float y = m.pad;
  const Wrapped title = wrap(heading, card.title, inner);
  if (dl) draw_wrapped(dl, heading, ImVec2(pos.x + m.pad, pos.y + y), pal.text, title);
  y += title.size.y + std::round(m.gap * 0.4f);

  if (!card.summary.empty()) {
    const Wrapped summary = wrap(body, card.summary, inner);
    if (dl) draw_wrapped(dl, body, ImVec2(pos.x + m.pad, pos.y + y), pal.text_dim, summary);
    y += summary.size.y + std::round(m.gap * 0.6f);
  }

  // Chips: difficulty as a coloured pill, then minutes and decisions outlined. They flow onto a
  // new line when the card is too narrow.
  const float chip_pad = std::round(m.pad * 0.6f);
  const float chip_h = body->FontSize + 2 * std::round(m.pad * 0.3f);
  const int level = std::clamp(card.difficulty, 1, 3) - 1;
  struct Chip {
    const std::string* text;
    bool filled;
    ImU32 fill;
  };
  // The person's own record last, filled green once passed.
  // A fixed array: every card is laid out twice a frame (measured, then drawn).
  const Chip all[] = {{&card.difficulty_label, true, pal.difficulty[level]},
                      {&card.minutes_label, false, 0},
                      {&card.decisions_label, false, 0},
                      {&card.record_label, card.record_passed, pal.ok}};
  const std::size_t shown = card.record_label.empty() ? 3 : 4;
  float x = 0.0f;
  for (const Chip& chip : std::span(all, shown)) {
    const ImVec2 ts = measure(body, *chip.text);
    const float cw = ts.x + 2 * chip_pad;
    if (x > 0.0f && x + cw > inner) {
      x = 0.0f;
      y += chip_h + std::round(m.gap * 0.4f);
    }
    if (dl) {
      const ImVec2 a(pos.x + m.pad + x, pos.y + y);
      const ImVec2 b(a.x + cw, a.y + chip_h);
      if (chip.filled)
        dl->AddRectFilled(a, b, chip.fill, chip_h * 0.5f);
      else
        dl->AddRect(a, b, pal.card_border, chip_h * 0.5f, 0, m.border * 0.5f);
      draw_text(dl, body, ImVec2(a.x + chip_pad, a.y + (chip_h - ts.y) * 0.5f), chip.filled ? pal.text : pal.text_dim,
                *chip.text);
    }
    x += cw + std::round(m.gap * 0.5f);
  }
  y += chip_h;
  // Practising on the spare terminal: whether this drill runs there, or why it stays on screen.
  if (!card.device_note.empty()) {
    y += std::round(m.gap * 0.4f);
    const Wrapped note = wrap(body, card.device_note, inner);
    if (dl) draw_wrapped(dl, body, ImVec2(pos.x + m.pad, pos.y + y), card.on_spare ? pal.accent : pal.text_dim, note);
    y += note.size.y;
  }
  y += m.pad;
  return std::max(y, m.touch_px);
}

void card_grid(const std::vector<CatalogCard>& cards, const Theme& th, CatalogUiState& ui,
               const CatalogDispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const float avail = ImGui::GetContentRegionAvail().x;
  const int columns = std::max(1, static_cast<int>((avail + m.gap) / (m.min_card_width + m.gap)));
  const float w = std::max(1.0f, (avail - m.gap * static_cast<float>(columns - 1)) / static_cast<float>(columns));

  for (std::size_t row = 0; row < cards.size(); row += static_cast<std::size_t>(columns)) {
    const std::size_t end = std::min(cards.size(), row + static_cast<std::size_t>(columns));
    // Every card of a row gets the row's tallest height, so the grid reads as a grid.
    float h = 0.0f;
    for (std::size_t i = row; i < end; ++i) h = std::max(h, card_layout(cards[i], th, w, nullptr, ImVec2()));

    const ImVec2 row_origin = ImGui::GetCursorPos();
    for (std::size_t i = row; i < end; ++i) {
      const CatalogCard& card = cards[i];
      ImGui::SetCursorPos(ImVec2(row_origin.x + static_cast<float>(i - row) * (w + m.gap), row_origin.y));
      const ImVec2 p = ImGui::GetCursorScreenPos();
      ImGui::PushID(card.scenario_id.c_str());
      const bool tapped = ImGui::InvisibleButton("###card", ImVec2(w, h));
      note_widget("card." + card.scenario_id);
      const bool held = ImGui::IsItemActive() && !ui.drag_scrolling;
      const bool hovered = ImGui::IsItemHovered() && !ui.drag_scrolling;
      ImGui::PopID();

      ImDrawList* dl = ImGui::GetWindowDrawList();
      const ImU32 bg = held ? pal.card_pressed : hovered ? pal.card_hovered : pal.card;
      dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), bg, m.rounding);
      dl->AddRect(p, ImVec2(p.x + w, p.y + h), held ? pal.accent : pal.card_border, m.rounding, 0, m.border);
      card_layout(card, th, w, dl, p);

      if (tapped && !ui.drag_scrolling) {
        CatalogAction a;
        a.kind = CatalogActionKind::open_scenario;
        a.scenario_id = card.scenario_id;
        dispatch(a);
      }
    }
    ImGui::SetCursorPos(ImVec2(row_origin.x, row_origin.y + h + m.gap));
  }
}

// With a spare terminal: where the next drill runs (a toggle) and how the terminal's link stands.
void device_row(const CatalogView& view, const Theme& th, const CatalogDispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* body = font_or_current(th.body);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float bw = std::min(avail, measure(body, view.device_label).x + 2 * m.pad);
  const bool pressed = ImGui::Button((view.device_label + "###device").c_str(), ImVec2(bw, m.touch_px));
  note_widget("device");
  if (pressed) {
    CatalogAction a;
    a.kind = CatalogActionKind::set_device;
    a.spare_terminal = !view.on_spare;
    dispatch(a);
  }
  // A good link is a quiet line beside the toggle; a problem is a banner nobody can miss.
  const float room = avail - bw - m.gap;
  if (view.device_ok && room > 200.0f * m.scale) {
    ImGui::SameLine(0.0f, m.gap);
    const Wrapped w = wrap(body, view.device_health, room);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    draw_wrapped(ImGui::GetWindowDrawList(), body, ImVec2(p.x, p.y + std::max(0.0f, (m.touch_px - w.size.y) * 0.5f)),
                 pal.accent, w);
    ImGui::Dummy(ImVec2(room, std::max(m.touch_px, w.size.y)));
  } else if (view.device_ok) {
    paragraph(body, view.device_health, pal.accent);
  } else {
    ImGui::Dummy(ImVec2(0.0f, std::round(m.gap * 0.25f)));
    banner(view.device_health, th, pal.warning_bg, pal.warning_border, pal.text);
  }
  ImGui::Dummy(ImVec2(0.0f, std::round(m.gap * 0.25f)));
}

void group_heading(const CatalogGroup& g, const Theme& th) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* body = font_or_current(th.body);
  ImFont* heading = font_or_current(th.heading);
  const float avail = ImGui::GetContentRegionAvail().x;
  const ImVec2 count = measure(body, g.count_label);
  const float title_wrap = std::max(1.0f, avail - count.x - m.gap);
  const Wrapped title = wrap(heading, g.title, title_wrap);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_wrapped(dl, heading, p, pal.accent, title);
  // The count sits on the title's first line, bottom-aligned with it.
  const float first_line = heading->FontSize;
  draw_text(dl, body, ImVec2(p.x + title.size.x + m.gap, p.y + first_line - body->FontSize), pal.text_dim,
            g.count_label);
  ImGui::Dummy(ImVec2(avail, std::max(title.size.y, count.y) + std::round(m.gap * 0.5f)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Screen
// ---------------------------------------------------------------------------------------------

void draw_catalog_screen(const CatalogView& view, const Theme& th, CatalogUiState& ui,
                         const CatalogDispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  begin_screen("###catalog", th);

  header(view, th, dispatch);

  ImFont* heading = font_or_current(th.heading);
  paragraph(heading, view.heading, pal.text);
  ImGui::Dummy(ImVec2(0.0f, std::round(m.gap * 0.2f)));
  paragraph(font_or_current(th.body), view.subtitle, pal.text_dim);
  ImGui::Dummy(ImVec2(0.0f, std::round(m.gap * 0.25f)));

  if (!view.device_label.empty()) device_row(view, th, dispatch);
  if (!view.empty_message.empty()) banner(view.empty_message, th, pal.card, pal.card_border, pal.text);

  ImGui::BeginChild("###cards", ImVec2(0.0f, 0.0f), false, ImGuiWindowFlags_NoSavedSettings);
  // Touch screens have no wheel: a drag anywhere on the list scrolls it. Once a press has moved
  // past the threshold it is a scroll, and its release opens nothing.
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left, std::round(12.0f * m.scale)))
    ui.drag_scrolling = true;
  if (ui.drag_scrolling && io.MouseDown[ImGuiMouseButton_Left])
    ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);

  for (const CatalogGroup& g : view.groups) {
    group_heading(g, th);
    card_grid(g.cards, th, ui, dispatch);
  }
  if (!io.MouseDown[ImGuiMouseButton_Left]) ui.drag_scrolling = false;
  ImGui::EndChild();

  end_screen();
}

}  // namespace posdrill
