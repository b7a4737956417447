// The runner screen.
//
// [SECTION] Terminal twin (left column)
// [SECTION] Spare terminal (left column, instead of the twin)
// [SECTION] Story and decision (right column)
// [SECTION] Screen

#include "kiosk/ui/runner_screen.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>
#include <utility>

#include "kiosk/core/answer_view.h"

namespace posdrill {

namespace {

const std::string& tr_text(const Text& t, Lang l) { return t.get(l).empty() ? t.get(Lang::zh) : t.get(l); }

// ---------------------------------------------------------------------------------------------
// [SECTION] Terminal twin
// ---------------------------------------------------------------------------------------------

// The LCD: status bar, title, lines, and the training watermark, so a screenshot of the twin can
// never pass for a live terminal's. `max_h`: the height it may take so the keypad below stays in
// view (the LCD gives up its spare room first; a screen with more lines than fit still shows whole).
void terminal_display(const AppState& st, const Theme& th, float max_h) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Attempt& a = *st.attempt;
  const Lang lang = st.lang;
  ImFont* f = ImGui::GetFont();
  ImFont* big = font_or_current(th.heading);
  const float w = ImGui::GetContentRegionAvail().x;
  const float inner = std::max(1.0f, w - 4 * m.pad);
  const Screen& s = shown_terminal_screen(a, st.clock ? st.clock->now() : MonoTime{});

  // A fixed height, as the device's screen has one: room for its longest screen (the main menu's
  // nine lines), so the keypad below never moves while the trainee keys; less when the window is
  // short, so that the keypad is never pushed out of view.
  constexpr int screen_lines = 9;
  const float fixed = 2 * m.pad + f->FontSize * 1.3f + big->FontSize * 1.2f + screen_lines * f->FontSize * 1.1f +
                      f->FontSize * 1.6f;
  const float head = 2 * m.pad + f->FontSize * 1.3f + wrapped_height(big, tr_text(s.title, lang), inner);
  float need = head + f->FontSize * 1.6f;  // with room for the watermark
  for (const Text& l : s.lines) need += wrapped_height(f, tr_text(l, lang), inner);
  const float room = std::max(m.touch_px * 3.0f, max_h - 2 * m.pad);
  // A long list (the main menu) that does not fit goes into two columns, as many handhelds lay
  // their menus out, rather than push the keypad down.
  const float half = std::floor((inner - m.pad) * 0.5f);
  const std::size_t rows = (s.lines.size() + 1) / 2;
  float two_col = head + f->FontSize * 1.6f;
  for (std::size_t i = 0; i < rows; ++i) {
    float row = wrapped_height(f, tr_text(s.lines[i], lang), half);
    if (i + rows < s.lines.size()) row = std::max(row, wrapped_height(f, tr_text(s.lines[i + rows], lang), half));
    two_col += row;
  }
  const bool columns = need > room && s.lines.size() >= 4 && two_col < need;
  if (columns) need = two_col;
  const float h = std::max(need, std::min(fixed, room));

  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h + 2 * m.pad), pal.device, m.rounding * 2);
  const ImVec2 lp(p.x + m.pad, p.y + m.pad);
  const ImVec2 lq(p.x + w - m.pad, p.y + m.pad + h);
  dl->AddRectFilled(lp, lq, pal.lcd, m.rounding);
  float y = lp.y + m.pad * 0.5f;
  // Status bar (carries "培训 TRAINING" from the emulator), then a rule.
  dl->AddText(f, f->FontSize, ImVec2(lp.x + m.pad, y), pal.lcd_text, tr_text(s.status, lang).c_str());
  y += f->FontSize * 1.15f;
  dl->AddLine(ImVec2(lp.x + m.pad * 0.5f, y), ImVec2(lq.x - m.pad * 0.5f, y), pal.lcd_text, 1.0f);
  y += f->FontSize * 0.15f;
  y += draw_wrapped_text(dl, big, ImVec2(lp.x + m.pad, y), pal.lcd_text, tr_text(s.title, lang), inner);
  if (columns) {
    for (std::size_t i = 0; i < rows; ++i) {
      float row = draw_wrapped_text(dl, f, ImVec2(lp.x + m.pad, y), pal.lcd_text, tr_text(s.lines[i], lang), half);
      if (i + rows < s.lines.size())
        row = std::max(row, draw_wrapped_text(dl, f, ImVec2(lp.x + m.pad + half + m.pad, y), pal.lcd_text,
                                              tr_text(s.lines[i + rows], lang), half));
      y += row;
    }
  } else {
    for (const Text& l : s.lines)
      y += draw_wrapped_text(dl, f, ImVec2(lp.x + m.pad, y), pal.lcd_text, tr_text(l, lang), inner);
  }
  // Watermark: bottom right, amber on the LCD, in both languages whatever the UI language.
  const std::string mark = st.strings.tr("app.training_mark", lang);
  const ImVec2 ms = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, mark.c_str());
  const ImVec2 mp(lq.x - ms.x - m.pad, lq.y - ms.y - m.pad * 0.5f);
  dl->AddRectFilled(ImVec2(mp.x - m.pad * 0.4f, mp.y), ImVec2(mp.x + ms.x + m.pad * 0.4f, mp.y + ms.y), pal.mark,
                    m.rounding * 0.5f);
  dl->AddText(f, f->FontSize, mp, pal.mark_text, mark.c_str());
  ImGui::Dummy(ImVec2(w, h + 2 * m.pad));
}

// The operations as a grid of touch buttons "op.<name>", live only during a terminal task.
void op_grid(const AppState& st, const Theme& th, const std::vector<TerminalOp>& ops, bool live,
             const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const float w = ImGui::GetContentRegionAvail().x;
  const int columns = w > 3 * 200.0f * m.scale ? 3 : 2;
  const float bw = std::floor((w - m.gap * static_cast<float>(columns - 1)) / static_cast<float>(columns));
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (i % static_cast<std::size_t>(columns) != 0) ImGui::SameLine(0.0f, m.gap);
    const std::string id = "op." + std::string(terminal_op_name(ops[i]));
    // Fixed height per row, so the grid stays a grid when one label wraps.
    if (touch_button(th, terminal_op_label(ops[i]).get(st.lang), id, bw, live)) dispatch(DoTerminalOp{ops[i]});
  }
}

// The keypad of a UnionPay handheld: digits, 取消 / 退格 / 确认 in the right column, 菜单 beside
// 0; below it, what the customer does (presents the card, keys the PIN on the pad handed over).
// Live only during a terminal task. Widget ids: twin.0 … twin.9, twin.enter, twin.cancel,
// twin.clear, twin.menu; the customer's twin.card (inserted), twin.tap, twin.swipe, twin.pin.
void twin_keypad(const AppState& st, const Theme& th, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Step* step = current_step(st);
  const bool live = step && step->kind == StepKind::terminal;
  paragraph(ImGui::GetFont(), st.strings.tr(live ? "twin.keypad" : "twin.keypad_idle", st.lang),
            live ? pal.accent : pal.text_dim);

  const float gap = std::max(m.gap * 0.75f, 12.0f);
  const float w = ImGui::GetContentRegionAvail().x;
  const float bw = std::floor((w - 3 * gap) / 4.0f);
  struct Cell {
    Key key;
    const char* label_key;  // strings key, or null for a digit
    ImU32 colour;
  };
  const ImU32 red = IM_COL32(0xB0, 0x30, 0x30, 0xFF), amber = IM_COL32(0xB0, 0x80, 0x20, 0xFF),
              green = IM_COL32(0x2E, 0x8B, 0x4A, 0xFF);
  const Cell rows[4][4] = {
      {{Key::d1, nullptr, 0}, {Key::d2, nullptr, 0}, {Key::d3, nullptr, 0}, {Key::cancel, "twin.cancel", red}},
      {{Key::d4, nullptr, 0}, {Key::d5, nullptr, 0}, {Key::d6, nullptr, 0}, {Key::clear, "twin.clear", amber}},
      {{Key::d7, nullptr, 0}, {Key::d8, nullptr, 0}, {Key::d9, nullptr, 0}, {Key::enter, "twin.enter", green}},
      {{Key::menu, "twin.menu", 0}, {Key::d0, nullptr, 0}, {Key::d0, nullptr, 0}, {Key::d0, nullptr, 0}},
  };
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      if (r == 3 && c > 1) break;  // the last row has 菜单 and 0 only
      const Cell& cell = rows[r][c];
      if (c > 0) ImGui::SameLine(0.0f, gap);
      const std::string id = "twin." + std::string(key_name(cell.key));
      const std::string label =
          cell.label_key ? st.strings.tr(cell.label_key, st.lang) : std::string(key_name(cell.key));
      if (touch_button(th, label, id, bw, live, live ? cell.colour : 0, true)) dispatch(TwinKey{cell.key});
    }
  }
}

// The height twin_keypad takes (its line of instructions and four rows of keys): the LCD above it
// gives up room for it.
float twin_keypad_height(const AppState& st, const Theme& th) {
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float w = ImGui::GetContentRegionAvail().x;
  const float text = wrapped_height(ImGui::GetFont(), st.strings.tr("twin.keypad", st.lang), w);
  return text + spacing + 4 * (th.metrics.touch_px + spacing);
}

// What the customer does at the counter when the terminal asks: present the card, key the PIN on
// the pad the trainee hands over (the trainee never sees the digits). Beside the task, on the
// customer's side of the screen, so it stays in view while the keypad is used.
void customer_actions(const AppState& st, const Theme& th, const Dispatch& dispatch) {
  const Attempt& a = *st.attempt;
  if (a.on_spare) return;
  const ThemeMetrics& m = th.metrics;
  const float gap = std::max(m.gap * 0.75f, 12.0f);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float half = std::floor((avail - gap) / 2.0f), third = std::floor((avail - 2 * gap) / 3.0f);
  // The three ways a card meets the reader, all offered in every drill: which one works is the
  // terminal's answer to give (a chip card swiped is refused; a worn chip fails), not the buttons'.
  // Each button's id (and string key) is "twin." and the input's name: twin.card, twin.tap, twin.swipe.
  bool first = true;
  for (EntryMode mode : {EntryMode::insert, EntryMode::tap, EntryMode::swipe}) {
    if (!std::exchange(first, false)) ImGui::SameLine(0.0f, gap);
    const std::string id = "twin." + std::string(card_input_name(mode));
    if (touch_button(th, st.strings.tr(id, st.lang), id, third, a.wants_card)) dispatch(TwinCard{mode});
  }
  if (touch_button(th, st.strings.tr("twin.pin", st.lang), "twin.pin", half, a.wants_pin)) dispatch(TwinPinPad{});
  // Rare (voids and refunds), so lit only while the terminal asks for it. A void or refund task
  // keeps its place all through, beside the PIN pad, so the give-up button below never slides
  // under a finger that taps 主管 twice.
  const Step& step = a.runner.step();
  const bool task_asks_it =
      step.kind == StepKind::terminal && (step.task == TerminalOp::void_sale || step.task == TerminalOp::refund);
  if (a.wants_supervisor || task_asks_it) {
    ImGui::SameLine(0.0f, gap);
    if (touch_button(th, st.strings.tr("twin.supervisor", st.lang), "twin.supervisor", half, a.wants_supervisor,
                     palette().warning_bg))
      dispatch(TwinSupervisor{});
  }
}

void slip(const AppState& st, const Receipt& r, bool earlier) {
  const Palette& pal = palette();
  ImFont* f = ImGui::GetFont();
  if (earlier) paragraph(f, st.strings.tr("runner.history", st.lang), IM_COL32(0x60, 0x4A, 0x00, 0xFF));
  // Slip lines sit tight, as printed; paragraph spacing would make one slip a screen long.
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0.0f));
  for (const std::string& line : r.lines) paragraph(f, line, pal.paper_text);
  ImGui::PopStyleVar();
}

// The printer: what has just come out hangs there until it is torn off (twin.tear). A new slip
// scrolls into view: below the keypad it would be out of sight while the story talks about it.
void printer(const AppState& st, const Theme& th, RunnerUiState& ui, const Dispatch& dispatch) {
  const Attempt& a = *st.attempt;
  if (a.torn_off >= a.receipts.size()) return;
  if (a.receipts.size() > ui.slips_seen) ImGui::SetScrollHereY(0.0f);
  ui.slips_seen = a.receipts.size();
  const Palette& pal = palette();
  paragraph(font_or_current(th.heading), st.strings.tr("twin.printer", st.lang), pal.text);
  begin_box(th);
  // The customer copy comes out last and hangs in front; the merchant copy is under it.
  slip(st, a.receipts.back(), false);
  end_box(th, pal.paper, 0);
  if (touch_button(th, st.strings.tr("twin.tear", st.lang), "twin.tear", 0.0f)) dispatch(TearOffSlip{});
}

void receipts(const AppState& st, const Theme& th, RunnerUiState& ui) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Attempt& a = *st.attempt;
  ImFont* f = ImGui::GetFont();
  // On the spare terminal the real device prints; only the story's earlier slips are shown here.
  if (a.on_spare && a.receipts.empty()) return;
  const std::size_t pile = a.on_spare ? a.receipts.size() : std::min(a.torn_off, a.receipts.size());
  // A slip just torn off goes on top of the pile, and the pile scrolls into view with it (or
  // when the button over the terminal asks).
  if (pile > ui.pile_seen || ui.scroll_to_pile) ImGui::SetScrollHereY(0.0f);
  ui.pile_seen = pile;
  ui.scroll_to_pile = false;
  // In view: the heading and the first lines of the top slip are inside the panel.
  const float bottom = ImGui::GetWindowPos().y + ImGui::GetWindowHeight();
  ui.pile_in_view = ImGui::GetCursorScreenPos().y + 4.0f * ImGui::GetTextLineHeightWithSpacing() <= bottom;
  paragraph(font_or_current(th.heading),
            st.strings.tr(a.on_spare ? "spare.panel.story_slips" : "runner.receipts", st.lang), pal.text);
  if (pile == 0) {
    paragraph(f, st.strings.tr("runner.no_receipts", st.lang), pal.text_dim);
    return;
  }
  // Newest first, and only a few: the slip that matters is the one just printed (or the one
  // the story is about); an unbounded list would only slow every frame.
  constexpr std::size_t shown_max = 4;
  for (std::size_t k = 0; k < std::min(pile, shown_max); ++k) {
    const std::size_t i = pile - 1 - k;
    begin_box(th);
    slip(st, a.receipts[i], i < a.history_receipt_count);
    end_box(th, pal.paper, 0);
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Spare terminal (left column, instead of the twin)
// ---------------------------------------------------------------------------------------------

std::string fill_text(std::string_view pattern, const std::string& value) {
  return fill_fields(pattern, {{"a", value}});
}

// The top of the spare terminal's panel: its title, the link's health, its address, how long
// since it was last heard from, and the acquirer's amount table in use (strings by key: the nexo
// and the hand-keyed panels word them differently).
void panel_head(const AppState& st, const Theme& th, const char* title_key, const char* address_key,
                const char* last_key, const char* never_key) {
  const Palette& pal = palette();
  const SpareTerminalView& v = st.spare;
  const Lang lang = st.lang;
  ImFont* f = ImGui::GetFont();
  paragraph(font_or_current(th.heading), st.strings.tr(title_key, lang), pal.text);
  const bool ok = v.link == TerminalLinkState::ready;
  badge(th, spare_health_line(v, st.strings, lang), ok ? pal.ok : pal.bad, IM_COL32_WHITE);
  ImGui::Dummy(ImVec2(0.0f, th.metrics.gap * 0.2f));
  paragraph(f, fill_text(st.strings.tr(address_key, lang), v.address), pal.text_dim);
  paragraph(f,
            v.last_ok_ms.is_set() ? fill_text(st.strings.tr(last_key, lang),
                                              format_mm_ss(std::max<int64_t>(0, st.wall_ms - v.last_ok_ms)))
                                  : st.strings.tr(never_key, lang),
            pal.text_dim);
  if (!v.acquirer.empty())
    paragraph(f,
              fill_text(st.strings.tr("spare.panel.acquirer", lang),
                        lang == Lang::zh ? v.acquirer_title_zh : v.acquirer_title_en),
              pal.text_dim);
}

// The hand-keyed terminal (config `terminal: wire:`): the kiosk only reads its host line. The
// panel says where the line must point, what to key now (with the test amount that gives the
// drill's answer), and lists what the terminal sent, newest first, each marked when not scored.
void hand_keyed_panel(const AppState& st, const Theme& th) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Attempt& a = *st.attempt;
  const Lang lang = st.lang;
  ImFont* f = ImGui::GetFont();
  ImFont* heading = font_or_current(th.heading);

  panel_head(st, th, "spare.wire.title", "spare.wire.address", "spare.wire.last_seen", "spare.wire.never");
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));

  if (a.history_to_key > 0) {
    // The trainer's preparation: the story's earlier operations, keyed before the drill scores.
    begin_box(th);
    paragraph(f, st.strings.tr("spare.wire.keyed_first", lang), pal.text);
    const auto history = history_keyed_first(a.scenario.setup);
    for (std::size_t i = history.size() - std::min(history.size(), a.history_to_key); i < history.size(); ++i) {
      const HistoryEntry& h = *history[i];
      std::string line = "• " + tr_text(terminal_op_label(h.op), lang);
      if (h.amount_minor) line += "  ¥" + format_amount(h.amount_minor);
      if (h.wrong_pin) line += st.strings.tr("spare.wire.wrong_pin", lang);
      paragraph(heading, line, pal.text);
    }
    end_box(th, pal.warning_bg, pal.warning_border);
  } else if (const std::optional<HandKeyedTask> t = hand_keyed_task(st)) {
    begin_box(th);
    paragraph(heading, fill_text(st.strings.tr("spare.wire.key", lang), tr_text(terminal_op_label(t->op), lang)),
              pal.text);
    if (t->key_amount)
      paragraph(heading, fill_text(st.strings.tr("spare.wire.key_amount", lang), format_amount(*t->key_amount)),
                pal.text);
    if (t->key_amount && t->story_amount && *t->key_amount != *t->story_amount)
      paragraph(f, fill_text(st.strings.tr("spare.wire.story_amount", lang), format_amount(*t->story_amount)),
                pal.text_dim);
    paragraph(f, st.strings.tr("spare.panel.waiting", lang), pal.text_dim);
    paragraph(f, st.strings.tr("spare.wire.sign_on_first", lang), pal.text_dim);
    end_box(th, pal.warning_bg, pal.warning_border);
  } else {
    paragraph(f, st.strings.tr("spare.wire.wait_task", lang), pal.text_dim);
  }
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));

  paragraph(heading, st.strings.tr("spare.wire.lines", lang), pal.text);
  if (a.wire_lines.empty()) paragraph(f, st.strings.tr("spare.wire.none_yet", lang), pal.text_dim);
  for (auto it = a.wire_lines.rbegin(); it != a.wire_lines.rend(); ++it) {
    const bool scored = it->note_key.empty();
    paragraph(f, tr_text(it->line, lang) + (scored ? "" : st.strings.tr(it->note_key, lang)),
              scored ? pal.text : pal.text_dim);
  }
}

// The real device is on the counter: the panel shows how the link stands, what was sent, what the
// terminal answered, and the operations the kiosk can start there.
void spare_panel(const AppState& st, const Theme& th, const Dispatch& dispatch) {
  if (st.spare.hand_keyed) return hand_keyed_panel(st, th);
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Attempt& a = *st.attempt;
  const SpareTerminalView& v = st.spare;
  const Lang lang = st.lang;
  ImFont* f = ImGui::GetFont();
  ImFont* heading = font_or_current(th.heading);

  panel_head(st, th, "spare.panel.title", "spare.panel.address", "spare.panel.last_ok", "spare.panel.never");
  if (a.scenario.real_terminal && a.scenario.real_terminal->proxy_faults && v.proxy)
    paragraph(f, fill_text(st.strings.tr("spare.panel.proxy", lang), v.proxy_address), pal.text_dim);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));

  if (a.sent) {
    begin_box(th);
    paragraph(heading, st.strings.tr("spare.panel.waiting", lang), pal.text);
    if (a.sent->amount_minor)
      paragraph(f, fill_text(st.strings.tr("spare.panel.amount", lang), format_amount(*a.sent->amount_minor)),
                pal.text);
    end_box(th, pal.warning_bg, pal.warning_border);
  } else if (a.answer) {
    begin_box(th);
    paragraph(f, st.strings.tr("spare.panel.answer", lang), pal.accent);
    std::string said = tr_text(a.answer->screen, lang);
    said += a.answer->response_code.empty() ? "  (" + st.strings.tr("spare.panel.no_code", lang) + ")"
                                            : "  (" + a.answer->response_code + ")";
    paragraph(heading, said, pal.text);
    end_box(th, pal.card, pal.card_border);
  }
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));

  const Step* step = current_step(st);
  const bool live = step && step->kind == StepKind::terminal && !a.sent;
  paragraph(f, st.strings.tr(live ? "spare.panel.menu" : "spare.panel.menu_idle", lang),
            live ? pal.accent : pal.text_dim);
  op_grid(st, th, spare_terminal_ops(), live, dispatch);
  paragraph(f, st.strings.tr("spare.panel.keypad", lang), pal.text_dim);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Story and decision
// ---------------------------------------------------------------------------------------------

void timer_row(const AppState& st, const Theme& th, const Step& step) {
  const Palette& pal = palette();
  const int64_t elapsed = step_elapsed_ms(st);
  std::string text = st.strings.tr("runner.timer", st.lang);
  std::string value = format_mm_ss(elapsed);
  // A re-drill keeps no score, so its time has no limit to go over (the clock still runs).
  const bool limited = step.time_limit_s > 0 && !st.attempt->practice;
  if (limited) value += " / " + format_mm_ss(static_cast<int64_t>(step.time_limit_s) * 1000);
  const std::size_t at = text.find("{n}");
  if (at != std::string::npos) text.replace(at, 3, value);
  const bool over = limited && elapsed > static_cast<int64_t>(step.time_limit_s) * 1000;
  if (!limited) text += "  (" + st.strings.tr("runner.no_limit", st.lang) + ")";
  // What going over costs, before and after, as the hint button says its cost.
  const int penalty = st.attempt->scenario.overtime_penalty;
  if (limited && penalty > 0)
    text += "  " + tr_count(st.strings, over ? "runner.overtime_taken" : "runner.overtime_cost", penalty, st.lang);
  else if (over)
    text += "  " + st.strings.tr("runner.overtime", st.lang);
  badge(th, text, over ? pal.bad : pal.card, pal.text);
}

void labelled_box(const Theme& th, const std::string& label, const std::string& body, ImU32 bg) {
  const Palette& pal = palette();
  begin_box(th);
  paragraph(ImGui::GetFont(), label, pal.accent);
  paragraph(ImGui::GetFont(), body, pal.text);
  end_box(th, bg, pal.card_border);
}

void phone(const AppState& st, const Theme& th) {
  const Palette& pal = palette();
  const Scene& scene = st.attempt->runner.scene();
  begin_box(th);
  paragraph(ImGui::GetFont(), st.strings.tr("runner.phone", st.lang), pal.accent);
  if (scene.sms.empty()) paragraph(ImGui::GetFont(), st.strings.tr("runner.no_sms", st.lang), pal.text_dim);
  for (const Text& sms : scene.sms) paragraph(ImGui::GetFont(), tr_text(sms, st.lang), pal.text);
  end_box(th, IM_COL32(0x14, 0x1C, 0x24, 0xFF), pal.card_border);
}

// The hints taken so far, in the scrolling story under the question. True when one was taken
// since the last frame: the caller scrolls it into view with what to answer under it
// (scroll_to_end). The button is in the bar below, and a hint drawn out of sight costs points for
// nothing; scrolled to the hint alone, the answers under it went out of sight instead.
bool hints_taken(const AppState& st, const Theme& th) {
  for (const Hint& h : st.attempt->hints)
    labelled_box(th, st.strings.tr("runner.hints_left", st.lang), tr_text(h.text, st.lang), palette().warning_bg);
  int* seen = ImGui::GetStateStorage()->GetIntRef(ImGui::GetID("###hints_seen"), 0);
  const int taken = static_cast<int>(st.attempt->hints.size());
  const bool fresh = taken > *seen;
  *seen = taken;
  return fresh;
}

// Scrolls the story so that everything drawn so far is in view, showing as much as fits above
// but never scrolling `question_y` (the question or the task) away.
void scroll_to_end(float question_y) {
  // The child's padding and the spacing after the last item count too, or its edge is cut.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float bottom = ImGui::GetCursorPosY() + style.WindowPadding.y + style.ItemSpacing.y;
  ImGui::SetScrollY(std::clamp(bottom - ImGui::GetWindowHeight(), 0.0f, question_y));
}

// Whether the step offers hints: then the hint button has its own bar under the story.
bool has_hint_bar(const Step& step) {
  return !step.hints.empty() && (step.kind == StepKind::decision || step.kind == StepKind::terminal);
}

// The hint button (with its cost), or a dimmed "no hints left".
void hint_button(const AppState& st, const Theme& th, const Step& step, const Dispatch& dispatch) {
  const int left = st.attempt->runner.hints_left();
  if (left > 0) {
    const std::size_t next = step.hints.size() - static_cast<std::size_t>(left);
    // A re-drill keeps no score: its hints cost nothing worth saying.
    const std::string label = st.attempt->practice
                                  ? st.strings.tr("practice.hint", st.lang)
                                  : fill_count(st.strings.tr("runner.hint", st.lang), step.hints[next].cost);
    if (touch_button(th, label, "hint", 0.0f, true, palette().warning_bg)) dispatch(TakeHint{});
  } else {
    touch_button(th, st.strings.tr("runner.no_hints", st.lang), "hint", 0.0f, false);
  }
}

// Once per step (and again after a hint), the story scrolls so that every answer is in view,
// showing as much of the situation above as fits but never scrolling the question away: at
// 1280x800 the situation, the customer and the phone fill the column, and a trainee against the
// clock picks from what shows.
void show_answers_once(const AppState& st, float question_y, bool again) {
  int* done = ImGui::GetStateStorage()->GetIntRef(ImGui::GetID("###answers_shown"), 0);
  const std::string key = st.attempt->step_id + "#" + std::to_string(st.attempt->serial);
  const int step = static_cast<int>(ImGui::GetID(key.c_str()));
  if (*done == step && !again) return;
  *done = step;
  scroll_to_end(question_y);
}

void answer_area(const AppState& st, const Theme& th, RunnerUiState& ui, const Step& step, const Dispatch& dispatch) {
  const Palette& pal = palette();
  const ThemeMetrics& m = th.metrics;
  const Attempt& a = *st.attempt;
  ImFont* heading = font_or_current(th.heading);
  switch (step.kind) {
    case StepKind::narrative:
    case StepKind::end: {
      const char* key = step.kind == StepKind::end ? "runner.finish" : "runner.continue";
      if (touch_button(th, st.strings.tr(key, st.lang), "continue", 0.0f, true, pal.difficulty[1]))
        dispatch(Continue{});
      break;
    }
    case StepKind::decision: {
      const float question_y = ImGui::GetCursorPosY();
      paragraph(heading, tr_text(step.prompt, st.lang), pal.text);
      ImGui::Dummy(ImVec2(0.0f, m.gap * 0.2f));
      const bool hint = hints_taken(st, th);
      for (const Choice* c : a.runner.shown_choices()) {
        if (touch_button(th, tr_text(c->text, st.lang), "choice." + c->id, 0.0f)) dispatch(Choose{c->id});
      }
      ImGui::Dummy(ImVec2(0.0f, m.gap * 0.5f));  // room under the last answer when scrolled to it
      show_answers_once(st, question_y, hint);
      break;
    }
    case StepKind::terminal: {
      const float task_y = ImGui::GetCursorPosY();
      paragraph(ImGui::GetFont(),
                st.strings.tr(a.on_spare && st.spare.hand_keyed ? "spare.wire.task" : "runner.task", st.lang),
                pal.accent);
      paragraph(heading, tr_text(step.prompt, st.lang), pal.text);
      ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
      const bool hint = hints_taken(st, th);
      customer_actions(st, th, dispatch);
      // When the terminal asks for the card or the PIN, its buttons come into view: at 1280x800
      // a long task left the PIN pad's button cut at the bottom, easy to miss on a first day.
      const int asks = (a.wants_card ? 1 : 0) | (a.wants_pin ? 2 : 0) | (a.wants_supervisor ? 4 : 0);
      const std::string asked_at = std::to_string(a.serial) + "/" + step.id;
      if (asked_at != ui.customer_asks_at) ui.customer_asks = 0;  // a new task starts with nothing asked
      if (asks != ui.customer_asks) {
        const bool below = ImGui::GetCursorScreenPos().y > ImGui::GetWindowPos().y + ImGui::GetWindowHeight();
        if (asks != 0 && !hint && below) scroll_to_end(task_y);  // never the task itself out of view
        ui.customer_asks = asks;
        ui.customer_asks_at = asked_at;
      }
      ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
      // Asks first: the panel above moves as the task changes, and a hurried second tap must not
      // throw the task away.
      if (touch_button(th, st.strings.tr("runner.give_up", st.lang), "give_up", 0.0f))
        dispatch(AskToConfirm{ConfirmKind::give_up});
      if (hint) scroll_to_end(task_y);
      break;
    }
  }
}

// "Step 2 / 5" beside the timer: how far along and how long, at a glance. Above the scrolling
// story, not in it: scrolled to a question's answers, the story took the clock out of sight with
// a one-minute limit running (a cashier read).
void progress_row(const AppState& st, const Theme& th) {
  const Palette& pal = palette();
  const Attempt& a = *st.attempt;
  // Not in a re-drill at the branch: one question is practised, not the drill's steps.
  if (const PlayProgress p = play_progress(a); p.at > 0 && !a.practice) {
    std::string text = st.strings.tr("runner.progress", st.lang);
    if (const std::size_t at = text.find("{n}"); at != std::string::npos)
      text.replace(at, 3, std::to_string(p.at) + " / " + std::to_string(p.total));
    badge(th, text, pal.card, pal.text);
    note_widget("runner.progress", false);
    ImGui::SameLine();
  }
  timer_row(st, th, a.runner.step());
}

void story(const AppState& st, const Theme& th, RunnerUiState& ui, const Dispatch& dispatch) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const Attempt& a = *st.attempt;
  const Step& step = a.runner.step();
  const Scene& scene = a.runner.scene();

  if (!scene.text.empty())
    labelled_box(th, st.strings.tr("runner.situation", st.lang), tr_text(scene.text, st.lang), pal.card);
  if (!scene.customer.empty()) {
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.2f));
    labelled_box(th, st.strings.tr("runner.customer", st.lang), tr_text(scene.customer, st.lang),
                 IM_COL32(0x23, 0x30, 0x3D, 0xFF));
  }
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.2f));
  phone(st, th);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.4f));
  answer_area(st, th, ui, step, dispatch);
}

// A re-drill at the branch, before its question: what it is, the story so far as the best path
// played it, and what was chosen here last time. Its start button is in the bar below.
void practice_recap(const AppState& st, const Theme& th) {
  const ThemeMetrics& m = th.metrics;
  const Palette& pal = palette();
  const PracticeRun& p = *st.attempt->practice;
  ImFont* heading = font_or_current(th.heading);
  paragraph(heading, st.strings.tr("practice.title", st.lang), pal.accent);
  paragraph(ImGui::GetFont(), st.strings.tr("practice.not_counted", st.lang), pal.text_dim);
  note_widget("practice.recap", false);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  if (!p.recap.empty()) paragraph(ImGui::GetFont(), st.strings.tr("practice.so_far", st.lang), pal.text);
  for (const PracticeRun::RecapLine& line : p.recap) {
    begin_box(th);
    paragraph(ImGui::GetFont(), tr_text(line.what, st.lang), pal.text);
    if (!line.did.empty())
      paragraph(ImGui::GetFont(),
                st.strings.tr(line.terminal ? "practice.did_terminal" : "practice.did", st.lang) +
                    tr_text(line.did, st.lang),
                pal.accent);
    end_box(th, pal.card, pal.card_border);
  }
  const Text* missed = choice_text(st.attempt->scenario.find(p.step_id), p.missed_choice_id);
  const std::string chose = missed ? tr_text(*missed, st.lang) : p.missed_choice_id;
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
  labelled_box(th, st.strings.tr("practice.last_time", st.lang), chose, pal.warning_bg);
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.5f));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Screen
// ---------------------------------------------------------------------------------------------

void draw_runner_screen(const AppState& st, const Theme& th, RunnerUiState& ui, const Dispatch& dispatch) {
  begin_screen("###runner", th);
  if (!st.attempt) {
    end_screen();
    return;
  }
  const ThemeMetrics& m = th.metrics;
  play_header(st, th, tr_text(st.attempt->scenario.title, st.lang), dispatch);

  const float avail = ImGui::GetContentRegionAvail().x;
  const float left_w = std::floor(std::max(avail * 0.42f, 360.0f * m.scale));
  ImGui::BeginChild("###twin", ImVec2(left_w, 0.0f), false, ImGuiWindowFlags_NoSavedSettings);
  const Attempt& at = *st.attempt;
  if (ui.twin_attempt != at.serial) {
    // A new attempt: the terminal on top, and the story's earlier slips count as seen.
    ui.twin_attempt = at.serial;
    ui.twin_task.clear();
    ui.slips_seen = at.receipts.size();
    ui.pile_seen = at.on_spare ? at.receipts.size() : std::min(at.torn_off, at.receipts.size());
    ui.pile_in_view = true;
    ImGui::SetScrollY(0.0f);
  }
  if (at.runner.step().kind == StepKind::terminal) {
    const std::string task = at.step_id + "#" + std::to_string(at.serial);
    if (ui.twin_task != task) {
      ui.twin_task = task;
      ImGui::SetScrollY(0.0f);  // a task to key: the terminal in view
    }
  }
  drag_scroll(th, ui.twin_dragging);
  if (st.attempt->on_spare) {
    spare_panel(st, th, dispatch);
  } else {
    // Slips the story talks about may lie below the keypad, out of sight: say so, and take the
    // trainee there with one tap.
    const std::size_t pile = std::min(at.torn_off, at.receipts.size());
    if (pile > 0 && !ui.pile_in_view) {
      if (touch_button(th, tr_count(st.strings, "runner.slips_below", static_cast<long long>(pile), st.lang),
                       "twin.slips", 0.0f))
        ui.scroll_to_pile = true;
    } else {
      paragraph(ImGui::GetFont(), st.strings.tr("runner.terminal", st.lang), palette().text_dim);
    }
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    terminal_display(st, th,
                     ImGui::GetContentRegionAvail().y - twin_keypad_height(st, th) - m.gap * 0.3f - 3 * spacing);
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
    twin_keypad(st, th, dispatch);
    ImGui::Dummy(ImVec2(0.0f, m.gap * 0.3f));
    printer(st, th, ui, dispatch);
  }
  ImGui::Dummy(ImVec2(0.0f, m.gap * 0.5f));
  receipts(st, th, ui);
  ImGui::EndChild();

  ImGui::SameLine(0.0f, m.gap * 1.5f);
  // The hint button sits in a bar under the scrolling story, always in view however long the
  // situation and the choices run.
  const Step& step = st.attempt->runner.step();
  const bool recap = st.attempt->practice && st.attempt->practice->recap_open;
  const bool bar = recap || has_hint_bar(step);
  const float bar_h = bar ? m.touch_px + ImGui::GetStyle().ItemSpacing.y * 2 : 0.0f;
  ImGui::BeginGroup();
  if (!recap) progress_row(st, th);
  ImGui::BeginChild("###story", ImVec2(0.0f, -bar_h), false, ImGuiWindowFlags_NoSavedSettings);
  // Each step starts at the top; a re-drill's question again after its recap.
  const std::string scroll_key = st.attempt->step_id + "#" + std::to_string(st.attempt->serial) +
                                 (recap ? "#recap" : "");
  if (ui.scrolled_for_step != scroll_key) {
    ui.scrolled_for_step = scroll_key;
    ImGui::SetScrollY(0.0f);
  }
  drag_scroll(th, ui.story_dragging);
  if (recap)
    practice_recap(st, th);
  else
    story(st, th, ui, dispatch);
  ImGui::EndChild();
  if (bar) {
    ImGui::Dummy(ImVec2(0.0f, ImGui::GetStyle().ItemSpacing.y * 0.5f));
    if (!recap)
      hint_button(st, th, step, dispatch);
    else if (touch_button(th, st.strings.tr("practice.start", st.lang), "practice.start", 0.0f, true,
                          palette().difficulty[1]))
      dispatch(Continue{});
  }
  ImGui::EndGroup();
  end_screen();
}

}  // namespace posdrill
