// The attract screen and the "still there?" prompt.

#include "kiosk/ui/attract_screen.h"

#include <algorithm>

namespace posdrill {

namespace {

// Centres `text` horizontally at the cursor's line in `f`, then moves the cursor below it.
void centred_text(ImFont* f, const std::string& text, ImU32 col, float width) {
  f = font_or_current(f);
  const float w = std::min(width, f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, text.c_str()).x);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h =
      draw_wrapped_text(ImGui::GetWindowDrawList(), f, ImVec2(p.x + (width - w) * 0.5f, p.y), col, text, width);
  ImGui::Dummy(ImVec2(width, h));
}

// A full-window layer on top of the screen: it takes every tap, dims what is below and holds a
// card in the middle with what `body` draws (given the card's inner width). The card's background
// goes on a channel below the body, drawn once the body's height is known.
template <typename Body>
void panel_layer(const char* id, const Theme& th, const Body& body) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::SetNextWindowFocus();
  ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 200));
  ImGui::Begin(id, nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleColor();
  ImGui::PushFont(font_or_current(th.body));
  const float card_w = std::min(vp->WorkSize.x - 4 * m.pad, 900.0f * m.scale);
  const float inner = card_w - 4 * m.pad;
  const float x = (vp->WorkSize.x - card_w) * 0.5f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->ChannelsSplit(2);
  dl->ChannelsSetCurrent(1);
  ImGui::SetCursorPos(ImVec2(x + 2 * m.pad, vp->WorkSize.y * 0.25f));
  ImGui::BeginGroup();
  body(inner);
  ImGui::EndGroup();
  const ImVec2 top = ImGui::GetItemRectMin();
  const ImVec2 bottom = ImGui::GetItemRectMax();
  const ImVec2 c0(vp->WorkPos.x + x, top.y - 2 * m.pad);
  const ImVec2 c1(c0.x + card_w, bottom.y + 2 * m.pad);
  dl->ChannelsSetCurrent(0);
  dl->AddRectFilled(c0, c1, pal.card, m.rounding * 2);
  dl->AddRect(c0, c1, pal.card_border, m.rounding * 2, 0, m.border);
  dl->ChannelsMerge();
  ImGui::PopFont();
  ImGui::End();
}

// Two touch buttons side by side across `width`, far enough apart for a finger (twice the
// gap, never under 12 px). Returns 1 for the first, 2 for the second, 0 for none.
int button_pair(const Theme& th, const std::string& first, std::string_view first_id, ImU32 first_colour,
                const std::string& second, std::string_view second_id, float width) {
  const float spacing = std::max(12.0f, 2 * th.metrics.gap);
  const float w = (width - spacing) * 0.5f;
  int tapped = 0;
  if (touch_button(th, first, first_id, w, true, first_colour)) tapped = 1;
  ImGui::SameLine(0.0f, spacing);
  if (touch_button(th, second, second_id, w)) tapped = 2;
  return tapped;
}

const char* confirm_prefix(ConfirmKind k) {
  switch (k) {
    case ConfirmKind::leave_drill:
      return "confirm.leave_drill";
    case ConfirmKind::exit_kiosk:
      return "confirm.exit_kiosk";
    case ConfirmKind::give_up:
      return "confirm.give_up";
  }
  return "confirm.leave_drill";
}

}  // namespace

const std::vector<std::string>& attract_string_keys() {
  static const std::vector<std::string> keys = {"app.title",
                                                "app.training_mark",
                                                "attract.tap",
                                                "oos.title",
                                                "oos.body",
                                                "oos.call",
                                                "oos.contact",
                                                "still_there.title",
                                                "still_there.body",
                                                "still_there.continue",
                                                "confirm.leave_drill.title",
                                                "confirm.leave_drill.body",
                                                "confirm.leave_drill.yes",
                                                "confirm.leave_drill.no",
                                                "confirm.exit_kiosk.title",
                                                "confirm.exit_kiosk.body",
                                                "confirm.exit_kiosk.yes",
                                                "confirm.exit_kiosk.no",
                                                "confirm.give_up.title",
                                                "confirm.give_up.body",
                                                "confirm.give_up.yes",
                                                "confirm.give_up.no"};
  return keys;
}

namespace {

// The attract screen's card: centred in the space left, `border` round it and a strip of `strip`
// along its top. Returns the card's height; its text column is card_text_width() wide.
float idle_card(const Theme& th, ImU32 border, float border_w, ImU32 strip) {
  const ThemeMetrics& m = th.metrics;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 screen_origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float card_w = std::min(avail.x - 4 * m.pad, 1000.0f * m.scale);
  const float card_h = std::min(avail.y - 4 * m.pad, 520.0f * m.scale);
  const ImVec2 c0(screen_origin.x + (avail.x - card_w) * 0.5f, screen_origin.y + (avail.y - card_h) * 0.5f);
  const ImVec2 c1(c0.x + card_w, c0.y + card_h);
  dl->AddRectFilled(c0, c1, palette().card, m.rounding * 2);
  dl->AddRect(c0, c1, border, m.rounding * 2, 0, border_w);
  dl->AddRectFilled(c0, ImVec2(c1.x, c0.y + 3 * m.border + m.pad * 0.5f), strip, m.rounding * 2,
                    ImDrawFlags_RoundCornersTop);
  return card_h;
}
float card_text_width(const Theme& th) {
  const ThemeMetrics& m = th.metrics;
  return std::min(ImGui::GetContentRegionAvail().x - 4 * m.pad, 1000.0f * m.scale) - 4 * m.pad;
}

// The training mark centred in a column `width` wide starting at `x`.
void centred_mark(const AppState& state, const Theme& th, float x, float width) {
  const std::string mark = state.strings.tr("app.training_mark", state.lang);
  ImFont* f = ImGui::GetFont();
  const float mark_w = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, mark.c_str()).x + 2 * th.metrics.pad;
  ImGui::SetCursorPosX(x + std::max(0.0f, (width - mark_w) * 0.5f));
  badge(th, mark, palette().mark, palette().mark_text);
}

// Out of service: what a trainee sees instead of "tap to start". Nothing here answers a tap; the
// hidden corner gesture still opens the manager gate, where the console lists the problems.
void draw_out_of_service(const AppState& state, const Theme& th) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 origin = ImGui::GetCursorPos();
  const float width = card_text_width(th);
  const float card_h = idle_card(th, pal.bad, 2 * m.border, pal.bad);
  const float x = origin.x + (avail.x - width) * 0.5f;
  ImGui::SetCursorPos(ImVec2(x, origin.y + (avail.y - card_h) * 0.5f + card_h * 0.15f));
  ImGui::PushFont(font_or_current(th.heading));
  // Both languages in the title, as the training mark: whoever walks past reads one of them.
  centred_text(th.heading, state.strings.tr("oos.title", state.lang), pal.error_text, width);
  note_widget("out_of_service", false);
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(1, m.gap * 2));
  ImGui::SetCursorPosX(x);
  centred_text(th.body, state.strings.tr("oos.body", state.lang), pal.text, width);
  ImGui::Dummy(ImVec2(1, m.gap));
  ImGui::SetCursorPosX(x);
  centred_text(th.body, state.strings.tr("oos.call", state.lang), pal.text_dim, width);
  if (!state.help_contact.empty()) {
    ImGui::Dummy(ImVec2(1, m.gap * 0.5f));
    ImGui::SetCursorPosX(x);
    centred_text(th.body, state.strings.tr("oos.contact", state.lang) + state.help_contact, pal.text, width);
    note_widget("out_of_service.contact", false);
  }
  ImGui::Dummy(ImVec2(1, m.gap * 2));
  centred_mark(state, th, x, width);
}

}  // namespace

void draw_attract_screen(const AppState& state, const Theme& th, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  begin_screen("###attract", th);
  if (out_of_service(state)) {
    draw_out_of_service(state, th);
    return end_screen();
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 origin = ImGui::GetCursorPos();
  // One touch target under everything (the texts are drawn, not widgets): a tap anywhere starts.
  if (ImGui::InvisibleButton("attract.start", avail)) dispatch(StartFromAttract{});
  note_widget("attract.start");

  // A card in the middle of the screen holds the title, the mark and the call to tap, so the
  // screen reads as "waiting for you" from across the shop floor, not as a blank monitor.
  ImGui::SetCursorPos(origin);
  const float width = card_text_width(th);
  const float card_h = idle_card(th, pal.card_border, m.border, pal.mark);
  const float x = origin.x + (avail.x - width) * 0.5f;
  ImGui::SetCursorPos(ImVec2(x, origin.y + (avail.y - card_h) * 0.5f + card_h * 0.18f));
  ImGui::PushFont(font_or_current(th.heading));
  centred_text(th.heading, state.strings.tr("app.title", state.lang), pal.text, width);
  ImGui::Dummy(ImVec2(1, m.gap * 2));
  centred_mark(state, th, x, width);
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(1, m.gap * 3));

  // "Tap to start" in a button-shaped frame at least one touch target high: it looks like
  // something to press, though the whole screen answers.
  const std::string tap = state.strings.tr("attract.tap", state.lang);
  ImFont* bf = font_or_current(th.body);
  const ImVec2 ts = bf->CalcTextSizeA(bf->FontSize, FLT_MAX, 0.0f, tap.c_str());
  const ImVec2 pill(std::min(width, ts.x + 4 * m.pad), std::max(m.touch_px, ts.y + 2 * m.pad));
  ImGui::SetCursorPosX(x + (width - pill.x) * 0.5f);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + pill.x, p0.y + pill.y), pal.accent, pill.y * 0.5f);
  dl->AddText(bf, bf->FontSize, ImVec2(p0.x + (pill.x - ts.x) * 0.5f, p0.y + (pill.y - ts.y) * 0.5f), pal.background,
              tap.c_str());
  ImGui::Dummy(pill);
  end_screen();
}

void draw_still_there(const AppState& state, const Theme& th, const Dispatch& dispatch) {
  if (!state.still_there) return;
  panel_layer("###still_there", th, [&](float width) {
    ImGui::PushFont(font_or_current(th.heading));
    centred_text(th.heading, state.strings.tr("still_there.title", state.lang), palette().text, width);
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(1, th.metrics.gap));
    centred_text(th.body, fill_count(state.strings.tr("still_there.body", state.lang), still_there_seconds_left(state)),
                 palette().text, width);
    ImGui::Dummy(ImVec2(1, th.metrics.gap * 2));
    if (touch_button(th, state.strings.tr("still_there.continue", state.lang), "still_there.continue", width))
      dispatch(StillHere{});
  });
}

void draw_confirm(const AppState& state, const Theme& th, const Dispatch& dispatch) {
  if (!state.confirming || state.still_there) return;
  const std::string prefix = confirm_prefix(*state.confirming);
  const auto tr = [&](const char* suffix) { return state.strings.tr(prefix + suffix, state.lang); };
  panel_layer("###confirm", th, [&](float width) {
    ImGui::PushFont(font_or_current(th.heading));
    centred_text(th.heading, tr(".title"), palette().text, width);
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(1, th.metrics.gap));
    centred_text(th.body, tr(".body"), palette().text, width);
    ImGui::Dummy(ImVec2(1, th.metrics.gap * 2));
    // The safe answer on the right, where a hurried second tap on the same spot does not land on
    // the costly one (the button that asked sits top-right or bottom-right).
    const int tapped = button_pair(th, tr(".yes"), "confirm.yes", palette().bad, tr(".no"), "confirm.no", width);
    if (tapped != 0) dispatch(ConfirmAnswer{tapped == 1});
  });
}

}  // namespace posdrill
