// Shared widgets of the play screens.

#include "kiosk/ui/widgets.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <vector>

#include <imgui_internal.h>  // BeginViewportSideBar: a strip taken out of the work area

#include "kiosk/core/line_break.h"

namespace posdrill {

namespace {

WidgetRects* g_rects = nullptr;

// A code point's width in `f`, as ImGui measures it (line_break.h takes it).
std::function<float(uint32_t)> advance_of(ImFont* f) {
  return [f](uint32_t cp) {
    return cp <= IM_UNICODE_CODEPOINT_MAX ? f->GetCharAdvance(static_cast<ImWchar>(cp)) : f->FallbackAdvanceX;
  };
}

std::vector<LineSpan> lines_of(ImFont* f, const std::string& s, float width) {
  return break_lines(s, std::max(1.0f, width), advance_of(f));
}

// Box bookkeeping: begin_box records where it started; nesting is a programmer error.
struct BoxFrame {
  bool open = false;
  ImVec2 start;
  float width = 0;
};
BoxFrame g_box;
float g_box_pad = 0.0f;

}  // namespace

void set_widget_rects(WidgetRects* rects) { g_rects = rects; }

void note_widget(std::string_view id, bool enabled) {
  if (!g_rects) return;
  WidgetRect r{ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), enabled, {}, {}};
  const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
  r.vis_min = ImVec2(std::clamp(r.min.x, clip.Min.x, clip.Max.x), std::clamp(r.min.y, clip.Min.y, clip.Max.y));
  r.vis_max = ImVec2(std::clamp(r.max.x, clip.Min.x, clip.Max.x), std::clamp(r.max.y, clip.Min.y, clip.Max.y));
  (*g_rects)[std::string(id)] = r;
}

std::string widget_rects_json(const WidgetRects& rects) {
  std::string out = "[";
  bool first = true;
  for (const auto& [id, r] : rects) {
    out += first ? "\n  {\"id\": \"" : ",\n  {\"id\": \"";
    first = false;
    for (const char c : id) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
        out += esc;
      } else {
        out += c;
      }
    }
    const long x0 = std::lround(r.min.x), y0 = std::lround(r.min.y);
    const long x1 = std::lround(r.max.x), y1 = std::lround(r.max.y);
    char nums[160];
    std::snprintf(nums, sizeof nums, "\", \"x\": %ld, \"y\": %ld, \"w\": %ld, \"h\": %ld, \"enabled\": %s, \"visible\": %s}",
                  x0, y0, x1 - x0, y1 - y0, r.enabled ? "true" : "false", r.fully_visible() ? "true" : "false");
    out += nums;
  }
  out += first ? "]\n" : "\n]\n";
  return out;
}

ImFont* font_or_current(ImFont* f) { return f ? f : ImGui::GetFont(); }

float wrapped_height(ImFont* f, const std::string& text, float width) {
  return f->FontSize * static_cast<float>(lines_of(f, text, width).size());
}

float draw_wrapped_text(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const std::string& text, float width) {
  const std::vector<LineSpan> lines = lines_of(f, text, width);
  for (const LineSpan& l : lines) {
    dl->AddText(f, f->FontSize, pos, col, text.data() + l.begin, text.data() + l.end);
    pos.y += f->FontSize;
  }
  return f->FontSize * static_cast<float>(lines.size());
}

float draw_clamped_text(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const std::string& text, float width,
                        int max_lines, float box_h) {
  const std::vector<std::string> lines =
      clamp_lines(text, std::max(1.0f, width), static_cast<std::size_t>(std::max(1, max_lines)), advance_of(f));
  const float h = f->FontSize * static_cast<float>(lines.size());
  if (box_h > 0) pos.y += std::max(0.0f, (box_h - h) * 0.5f);
  for (const std::string& l : lines) {
    dl->AddText(f, f->FontSize, pos, col, l.c_str());
    pos.y += f->FontSize;
  }
  return h;
}

void paragraph(ImFont* f, const std::string& text, ImU32 col) {
  if (text.empty()) return;
  float avail = ImGui::GetContentRegionAvail().x;
  // Inside a box the right padding counts too (Indent only moves the left edge).
  if (g_box.open) {
    const float pad = g_box_pad;
    avail = std::min(avail, g_box.start.x + g_box.width - pad - ImGui::GetCursorScreenPos().x);
  }
  avail = std::max(1.0f, avail);
  const float h = draw_wrapped_text(ImGui::GetWindowDrawList(), f, ImGui::GetCursorScreenPos(), col, text, avail);
  ImGui::Dummy(ImVec2(avail, h));
}

void begin_box(const Theme& th) {
  IM_ASSERT(!g_box.open && "boxes do not nest");
  g_box.open = true;
  g_box.start = ImGui::GetCursorScreenPos();
  g_box.width = ImGui::GetContentRegionAvail().x;
  g_box_pad = th.metrics.pad;
  ImGui::GetWindowDrawList()->ChannelsSplit(2);
  ImGui::GetWindowDrawList()->ChannelsSetCurrent(1);
  const ThemeMetrics& m = th.metrics;
  ImGui::Dummy(ImVec2(0.0f, std::max(0.0f, m.pad * 0.5f - ImGui::GetStyle().ItemSpacing.y)));
  ImGui::Indent(m.pad);
  ImGui::PushItemWidth(g_box.width - 2 * m.pad);
  // Text inside wraps short of the right padding.
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + g_box.width - 2 * m.pad);
  ImGui::BeginGroup();
}

void end_box(const Theme& th, ImU32 bg, ImU32 border) {
  IM_ASSERT(g_box.open);
  const ThemeMetrics& m = th.metrics;
  ImGui::EndGroup();
  ImGui::PopTextWrapPos();
  ImGui::PopItemWidth();
  ImGui::Unindent(m.pad);
  ImGui::Dummy(ImVec2(0.0f, m.pad * 0.5f - ImGui::GetStyle().ItemSpacing.y));
  const ImVec2 end(g_box.start.x + g_box.width, ImGui::GetCursorScreenPos().y - ImGui::GetStyle().ItemSpacing.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->ChannelsSetCurrent(0);
  dl->AddRectFilled(g_box.start, end, bg, m.rounding);
  if (border) dl->AddRect(g_box.start, end, border, m.rounding, 0, m.border);
  dl->ChannelsMerge();
  g_box.open = false;
}

float drag_threshold_px(const Theme& th) { return std::round(12.0f * th.metrics.scale); }

bool released_after_drag(const Theme& th) {
  const float t = drag_threshold_px(th);
  return ImGui::GetIO().MouseDragMaxDistanceSqr[ImGuiMouseButton_Left] > t * t;
}

namespace {

// An invisible touch target of `size` at the cursor, noted as widget `id`, and its button face:
// the fill (held, hovered or `colour`; a dimmed card when disabled) and the border. What it says
// is drawn on top by the caller.
struct ButtonFace {
  ImVec2 p, q;
  bool tapped = false;
};
ButtonFace button_face(const Theme& th, std::string_view id, ImVec2 size, bool enabled, ImU32 colour) {
  const ThemeMetrics& m = th.metrics;
  ButtonFace b;
  ImGui::PushID(id.data(), id.data() + id.size());
  if (!enabled) ImGui::BeginDisabled();
  b.p = ImGui::GetCursorScreenPos();
  b.tapped = ImGui::InvisibleButton("##b", size) && !released_after_drag(th) && enabled;
  const bool held = ImGui::IsItemActive();
  const bool hovered = ImGui::IsItemHovered();
  if (!enabled) ImGui::EndDisabled();
  ImGui::PopID();
  note_widget(id, enabled);
  b.q = ImVec2(b.p.x + size.x, b.p.y + size.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (!enabled) {
    dl->AddRectFilled(b.p, b.q, palette().card, m.rounding);
    dl->AddRect(b.p, b.q, ImGui::GetColorU32(ImGuiCol_Separator), m.rounding, 0, m.border);
    return b;
  }
  ImU32 bg = colour ? colour : ImGui::GetColorU32(ImGuiCol_Button);
  if (held)
    bg = ImGui::GetColorU32(ImGuiCol_ButtonActive);
  else if (hovered && !colour)
    bg = ImGui::GetColorU32(ImGuiCol_ButtonHovered);
  dl->AddRectFilled(b.p, b.q, bg, m.rounding);
  dl->AddRect(b.p, b.q, palette().card_border, m.rounding, 0, m.border);
  return b;
}

}  // namespace

bool touch_button(const Theme& th, const std::string& label, std::string_view id, float width, bool enabled,
                  ImU32 colour, bool centred) {
  const ThemeMetrics& m = th.metrics;
  ImFont* f = ImGui::GetFont();
  const float w = width > 0 ? width : std::max(m.touch_px, ImGui::GetContentRegionAvail().x);
  const float inner = std::max(1.0f, w - 2 * m.pad);
  const float text_h = wrapped_height(f, label, inner);
  const ImVec2 size(w, std::max(m.touch_px, text_h + 2 * std::round(m.pad * 0.6f)));
  const ButtonFace b = button_face(th, id, size, enabled, colour);
  const ImU32 fg = enabled ? palette().text : ImGui::GetColorU32(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  float x = b.p.x + m.pad;
  if (centred)
    x = b.p.x + std::max(m.pad, (size.x - f->CalcTextSizeA(f->FontSize, inner, inner, label.c_str()).x) * 0.5f);
  draw_wrapped_text(ImGui::GetWindowDrawList(), f, ImVec2(x, b.p.y + (size.y - text_h) * 0.5f), fg, label, inner);
  return b.tapped;
}

bool lang_toggle(const Theme& th, const std::string& label, Lang lang, float width) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  const ImVec2 size(std::max(width, m.touch_px), m.touch_px);
  const ButtonFace b = button_face(th, "lang", size, true, 0);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // "中文 / English": zh is the part before the slash, en the part after.
  const std::size_t slash = label.find(" / ");
  const std::string parts[3] = {label.substr(0, slash), slash == std::string::npos ? "" : " / ",
                                slash == std::string::npos ? "" : label.substr(slash + 3)};
  auto width_of = [f](const std::string& t) { return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, t.c_str()).x; };
  float x = b.p.x + std::max(0.0f, (size.x - width_of(parts[0]) - width_of(parts[1]) - width_of(parts[2])) * 0.5f);
  const float y = b.p.y + (size.y - f->FontSize) * 0.5f;
  for (int i = 0; i < 3; ++i) {
    const bool active = (i == 0 && lang == Lang::zh) || (i == 2 && lang == Lang::en);
    dl->AddText(f, f->FontSize, ImVec2(x, y), active ? pal.text : pal.text_dim, parts[i].c_str());
    const float w = width_of(parts[i]);
    if (active) dl->AddRectFilled(ImVec2(x, y + f->FontSize + 1), ImVec2(x + w, y + f->FontSize + 1 + 2 * m.border), pal.accent);
    x += w;
  }
  return b.tapped;
}

float draw_secret_dots(ImDrawList* dl, ImVec2 pos, std::size_t count, float font_size, ImU32 col) {
  const float r = std::round(font_size * 0.26f);
  const float step = std::round(font_size * 0.8f);
  const float cy = pos.y + font_size * 0.5f;
  float x = pos.x;
  for (std::size_t i = 0; i < count; ++i, x += step) dl->AddCircleFilled(ImVec2(x + r, cy), r, col, 16);
  return count ? x - step + 2 * r : pos.x;
}

void badge(const Theme& th, const std::string& text, ImU32 bg, ImU32 fg) {
  const ThemeMetrics& m = th.metrics;
  ImFont* f = ImGui::GetFont();
  const ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, text.c_str());
  const ImVec2 size(ts.x + 2 * m.pad, std::max(ts.y + m.pad * 0.5f, f->FontSize * 1.4f));
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), bg, m.rounding);
  dl->AddText(f, f->FontSize, ImVec2(p.x + m.pad, p.y + (size.y - ts.y) * 0.5f), fg, text.c_str());
  ImGui::Dummy(size);
}

void drag_scroll(const Theme& th, bool& dragging) {
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left, drag_threshold_px(th)))
    dragging = true;
  if (dragging && io.MouseDown[ImGuiMouseButton_Left]) ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
  if (!io.MouseDown[ImGuiMouseButton_Left]) dragging = false;
}

void drag_scroll(const Theme& th) { drag_scroll(th, *ImGui::GetStateStorage()->GetBoolRef(ImGui::GetID("###drag"))); }

void top_when_changed(const std::string& key) {
  int* last = ImGui::GetStateStorage()->GetIntRef(ImGui::GetID("###top_key"), 0);
  const int now = static_cast<int>(ImGui::GetID(key.c_str()));
  if (*last == now) return;
  *last = now;
  ImGui::SetScrollY(0.0f);
}

void play_header(const AppState& state, const Theme& th, const std::string& title, const Dispatch& dispatch) {
  // Leaving half-way abandons the attempt: update() asks first (and leaves at once after the end,
  // or from a re-drill at the branch, which loses nothing).
  const bool practice = state.attempt && state.attempt->practice;
  screen_header(state, th, title, state.strings.tr(practice ? "practice.leave" : "runner.back", state.lang), "back",
                AskToConfirm{ConfirmKind::leave_drill}, dispatch);
}

void corner_gesture(const Theme& th, const Dispatch& dispatch) {
  // A finger-sized square in the very corner, over the screen title (text, never a target):
  // hidden, not small, so a manager hits it five times running (the touch-target test checks
  // that it stays clear of every other target).
  const float side = std::round(std::max(th.metrics.touch_px, touch_min_px));
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(side, side));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 0));
  ImGui::Begin("###corner", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoFocusOnAppearing);
  if (ImGui::InvisibleButton("corner", ImVec2(side, side))) dispatch(CornerTap{});
  note_widget("corner");
  ImGui::End();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();
}

void screen_header(const AppState& state, const Theme& th, const std::string& title, const std::string& back,
                   std::string_view back_id, const Action& back_action, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* body = ImGui::GetFont();
  ImFont* heading = font_or_current(th.heading);
  const Lang lang = state.lang;
  const std::string mark = state.strings.tr("app.training_mark", lang);
  const std::string toggle = state.strings.tr("app.lang_toggle", lang);
  auto text_w = [body](const std::string& s) {
    return body->CalcTextSizeA(body->FontSize, FLT_MAX, 0.0f, s.c_str()).x;
  };
  const float toggle_w = std::max(m.touch_px, text_w(toggle) + 2 * m.pad);
  const float back_w = back.empty() ? -m.gap : std::max(m.touch_px, text_w(back) + 2 * m.pad);
  const float mark_w = text_w(mark) + 2 * m.pad;
  const ImVec2 origin = ImGui::GetCursorPos();
  const float right = ImGui::GetWindowContentRegionMax().x;
  const float x_toggle = right - toggle_w;
  const float x_back = x_toggle - m.gap - back_w;
  const float x_mark = x_back - m.gap - mark_w;
  const float h = m.touch_px;

  const float title_w = std::max(1.0f, x_mark - m.gap - origin.x);
  const float title_h = wrapped_height(heading, title, title_w);
  const ImVec2 sp = ImGui::GetCursorScreenPos();
  draw_wrapped_text(ImGui::GetWindowDrawList(), heading, ImVec2(sp.x, sp.y + std::max(0.0f, (h - title_h) * 0.5f)),
                    pal.text, title, title_w);

  ImGui::SetCursorPos(ImVec2(x_mark, origin.y + (h - body->FontSize * 1.4f) * 0.5f));
  badge(th, mark, pal.mark, pal.mark_text);
  if (!back.empty()) {
    ImGui::SetCursorPos(ImVec2(x_back, origin.y));
    if (touch_button(th, back, back_id, back_w)) dispatch(back_action);
  }
  ImGui::SetCursorPos(ImVec2(x_toggle, origin.y));
  if (lang_toggle(th, toggle, lang, toggle_w)) dispatch(SetLang{lang == Lang::zh ? Lang::en : Lang::zh});

  ImGui::SetCursorPos(ImVec2(origin.x, origin.y + std::max(h, title_h)));
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.25f));
  ImGui::Separator();
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.25f));
}

void sync_footer(const Theme& th, const SyncLine& line) {
  if (line.text.empty()) return;
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  ImFont* f = font_or_current(th.body);
  const float h = std::round(f->FontSize + m.pad * 0.5f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, pal.background);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoInputs |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                 ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoScrollWithMouse;
  if (ImGui::BeginViewportSideBar("###sync_footer", ImGui::GetMainViewport(), ImGuiDir_Down, h, flags)) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetWindowPos();
    const float w = ImGui::GetWindowWidth();
    dl->AddLine(p, ImVec2(p.x + w, p.y), pal.card_border, 1.0f);
    ImU32 dot = pal.ok;
    ImU32 text = pal.text_dim;
    switch (line.tone) {
      case SyncTone::ok:
        break;
      case SyncTone::waiting:
        dot = pal.difficulty[1];
        break;
      case SyncTone::problem:
        dot = pal.mark;
        text = pal.text;
        break;
      case SyncTone::alarm:
        dot = pal.bad;
        text = pal.text;
        break;
    }
    // Right-aligned, away from the corner gesture and from where eyes start reading a screen.
    const float text_w = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, line.text.c_str()).x;
    const float r = std::round(f->FontSize * 0.25f);
    const float x = std::max(p.x + m.pad + 2 * r + m.pad * 0.5f, p.x + w - m.pad - text_w);
    const float y = p.y + (h - f->FontSize) * 0.5f;
    dl->AddCircleFilled(ImVec2(x - m.pad * 0.5f - r, p.y + h * 0.5f), r, dot);
    dl->PushClipRect(ImVec2(p.x, p.y), ImVec2(p.x + w - m.pad * 0.5f, p.y + h), true);
    dl->AddText(f, f->FontSize, ImVec2(x, y), text, line.text.c_str());
    dl->PopClipRect();
    ImGui::Dummy(ImVec2(w, h));
    note_widget("sync.footer", false);
  }
  ImGui::End();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar(2);
}

void begin_screen(const char* id, const Theme& th) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  // No background: the frame is cleared to the same colour first (palette().background), and a
  // full-screen quad on top of it was a second fill of every pixel, the biggest single cost of a
  // frame under a software renderer (the drill redraws once a second for its clock).
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                 ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground;
  ImGui::Begin(id, nullptr, flags);
  ImGui::PushFont(font_or_current(th.body));
}

void end_screen() {
  ImGui::PopFont();
  ImGui::End();
}

namespace {

// Draws the verdict's icon in a `size` square at `p0`.
void verdict_icon(ImDrawList* dl, ImVec2 p0, float size, Verdict v, ImU32 col, float stroke) {
  const ImVec2 c(p0.x + size * 0.5f, p0.y + size * 0.5f);
  const float r = size * 0.42f;
  switch (v) {
    case Verdict::right: {
      const ImVec2 pts[3] = {ImVec2(p0.x + size * 0.15f, p0.y + size * 0.55f),
                             ImVec2(p0.x + size * 0.40f, p0.y + size * 0.80f),
                             ImVec2(p0.x + size * 0.85f, p0.y + size * 0.22f)};
      dl->AddPolyline(pts, 3, col, ImDrawFlags_None, stroke * 1.5f);
      break;
    }
    case Verdict::partly:
      dl->AddCircle(c, r, col, 0, stroke);
      dl->PathArcTo(c, r, IM_PI * 0.5f, IM_PI * 1.5f);
      dl->PathFillConvex(col);
      break;
    case Verdict::wrong:
      dl->AddLine(ImVec2(c.x - r * 0.8f, c.y - r * 0.8f), ImVec2(c.x + r * 0.8f, c.y + r * 0.8f), col, stroke * 1.5f);
      dl->AddLine(ImVec2(c.x + r * 0.8f, c.y - r * 0.8f), ImVec2(c.x - r * 0.8f, c.y + r * 0.8f), col, stroke * 1.5f);
      break;
    case Verdict::critical:
      dl->AddTriangle(ImVec2(c.x, p0.y + size * 0.08f), ImVec2(p0.x + size * 0.95f, p0.y + size * 0.9f),
                      ImVec2(p0.x + size * 0.05f, p0.y + size * 0.9f), col, stroke * 1.2f);
      dl->AddLine(ImVec2(c.x, p0.y + size * 0.35f), ImVec2(c.x, p0.y + size * 0.62f), col, stroke * 1.5f);
      dl->AddCircleFilled(ImVec2(c.x, p0.y + size * 0.76f), stroke * 1.1f, col);
      break;
  }
}

// The icon then the word at the cursor, one line of the current font; returns its height.
float icon_and_word(const Theme& th, Verdict v, const std::string& word, ImU32 col) {
  ImFont* f = ImGui::GetFont();
  const float size = f->FontSize;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  verdict_icon(dl, p, size, v, col, std::max(1.5f, th.metrics.border));
  dl->AddText(f, size, ImVec2(p.x + size * 1.4f, p.y), col, word.c_str());
  const float w = size * 1.4f + f->CalcTextSizeA(size, FLT_MAX, 0.0f, word.c_str()).x;
  ImGui::Dummy(ImVec2(w, size));
  return size;
}

}  // namespace

ImU32 verdict_colour(Verdict v) {
  const Palette& pal = palette();
  switch (v) {
    case Verdict::right:
      return pal.ok;
    case Verdict::partly:
      return pal.partly;
    case Verdict::wrong:
    case Verdict::critical:
      return pal.bad;
  }
  return pal.bad;
}

void verdict_banner(const Theme& th, Verdict v, const std::string& word) {
  const ThemeMetrics& m = th.metrics;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PushFont(font_or_current(th.heading));
  const float h = ImGui::GetFontSize() + 2 * m.pad;
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), verdict_colour(v), m.rounding);
  ImGui::SetCursorScreenPos(ImVec2(p.x + m.pad, p.y + m.pad));
  icon_and_word(th, v, word, palette().text);
  ImGui::PopFont();
  ImGui::SetCursorScreenPos(p);
  ImGui::Dummy(ImVec2(w, h));
}

void status_line(const Theme& th, const std::string& text, Status kind, float width) {
  if (text.empty()) return;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  const float size = f->FontSize;
  const float avail = width > 0 ? width : ImGui::GetContentRegionAvail().x;
  const float indent = kind == Status::plain ? 0.0f : size * 1.4f;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float stroke = std::max(1.5f, th.metrics.border);
  if (kind == Status::problem) verdict_icon(dl, p, size, Verdict::wrong, pal.error_text, stroke);
  if (kind == Status::done) verdict_icon(dl, p, size, Verdict::right, pal.ok, stroke);
  const float w = std::max(1.0f, avail - indent);
  const float h =
      draw_wrapped_text(dl, f, ImVec2(p.x + indent, p.y), kind == Status::problem ? pal.error_text : pal.text, text, w);
  ImGui::Dummy(ImVec2(w + indent, std::max(h, size)));
}

void warning_line(const Theme& th, const std::string& text, float width) {
  if (text.empty()) return;
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  const float size = f->FontSize;
  const float avail = width > 0 ? width : ImGui::GetContentRegionAvail().x;
  const float indent = size * 1.4f;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  verdict_icon(dl, p, size, Verdict::critical, pal.warning_border, std::max(1.5f, th.metrics.border));
  const float w = std::max(1.0f, avail - indent);
  const float h = draw_wrapped_text(dl, f, ImVec2(p.x + indent, p.y), pal.text, text, w);
  ImGui::Dummy(ImVec2(w + indent, std::max(h, size)));
}

void verdict_line(const Theme& th, Verdict v, const std::string& word) {
  // As text on a dark card, not the badges' backgrounds (their dark red read 2.3:1 there): green
  // 4.9:1, amber over 9:1, light red 7.9:1. The icon carries the meaning for those who cannot see it.
  ImU32 col = palette().error_text;
  if (v == Verdict::right) col = IM_COL32(0x81, 0xC7, 0x84, 0xFF);
  if (v == Verdict::partly) col = palette().mark;
  icon_and_word(th, v, word, col);
}

}  // namespace posdrill
