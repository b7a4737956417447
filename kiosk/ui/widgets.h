// Widgets the play screens share: wrapped text, boxes, big touch buttons and the header bar.
// ImGui only. Every touch button records where it was drawn (widget_rects.h).
#pragma once

#include <imgui.h>

#include <functional>
#include <string>
#include <string_view>

#include "kiosk/core/answer_view.h"
#include "kiosk/core/app_state.h"
#include "kiosk/ui/theme.h"
#include "kiosk/ui/widget_rects.h"

namespace posdrill {

using Dispatch = std::function<void(const Action&)>;

ImFont* font_or_current(ImFont* f);

// Height of `text` broken into lines of at most `width` (Chinese-aware, line_break.h).
float wrapped_height(ImFont* f, const std::string& text, float width);
// Draws `text` wrapped to `width` at `pos` (screen space); returns its height.
float draw_wrapped_text(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const std::string& text, float width);
// Like draw_wrapped_text but at most `max_lines` lines: when the text needs more, the last line
// shown ends in "…" (a table cell keeps its row height and still shows most of a long name).
// With `box_h` > 0 the lines are centred in a box that high starting at `pos`. Returns the height
// of the lines drawn.
float draw_clamped_text(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const std::string& text, float width,
                        int max_lines, float box_h = 0.0f);
// A paragraph as wide as the space left in the window.
void paragraph(ImFont* f, const std::string& text, ImU32 col);

// A box of full available width around what is drawn between begin_box and end_box (text,
// buttons). Do not nest: the box draws its background on a split draw-list channel.
void begin_box(const Theme& th);
void end_box(const Theme& th, ImU32 bg, ImU32 border);

// A button at least one touch target high whose label wraps inside `width` (0: all the space
// left). The ImGui ID is `id`, never the label, so switching language keeps the widget's
// identity. Disabled buttons are drawn dimmed and never fire. Returns true when tapped.
// `centred`: the label in the middle, as on a key (keypads, the on-screen keyboard).
bool touch_button(const Theme& th, const std::string& label, std::string_view id, float width, bool enabled = true,
                  ImU32 colour = 0, bool centred = false);

// The language button: `label` is "中文 / English"; the part naming `lang`, the language on
// screen now, is drawn bright and underlined, the other dimmed, so the button says both what is
// shown and what a tap gives. ID "lang". Returns true when tapped.
bool lang_toggle(const Theme& th, const std::string& label, Lang lang, float width);

// A secret's characters as dots a finger's width apart, `count` of them from `pos` (the top left
// of a line of `font_size`); returns the x just after the last dot. Larger than an asterisk, so
// a trainee sees each digit land without showing it.
float draw_secret_dots(ImDrawList* dl, ImVec2 pos, std::size_t count, float font_size, ImU32 col);

// A verdict is never told by colour alone: each has its icon (a tick, a half circle, a cross, a
// warning triangle) and its word. Green right, amber partly right, red wrong or critical.
ImU32 verdict_colour(Verdict v);
// The icon and `word` in white on the verdict's colour, across the available width.
void verdict_banner(const Theme& th, Verdict v, const std::string& word);
// The icon and `word` in the verdict's colour, no background (a label inside a box).
void verdict_line(const Theme& th, Verdict v, const std::string& word);
// What a status line tells: a state (plain text), something done (after the right-answer tick,
// in green), a problem (after the wrong-answer cross, in the error colour). The marks make each
// read right without colour too.
enum class Status { plain, done, problem };
// A status line under a form, wrapped inside `width` (0: the space left). Draws nothing for "".
void status_line(const Theme& th, const std::string& text, Status kind, float width = 0.0f);
// Something to look at, told in words: the warning triangle in amber, then `text` wrapped inside
// `width` (0: the space left). Draws nothing for "".
void warning_line(const Theme& th, const std::string& text, float width = 0.0f);
// An amber badge with bilingual text ("培训 TRAINING"): not a button, so nobody taps it.
void badge(const Theme& th, const std::string& text, ImU32 bg, ImU32 fg);

// How far a finger moves before a press becomes a drag (a scroll, never a tap).
float drag_threshold_px(const Theme& th);
// Whether the press being released moved past drag_threshold_px: the release ends a scroll, and
// the button under the finger (which moved with the list) must not fire. Touch buttons and the
// console's rows check it.
bool released_after_drag(const Theme& th);
// Touch screens have no wheel: a drag anywhere on the current child window scrolls it.
// `dragging` survives between frames (a drag's release must not tap what is under the finger).
void drag_scroll(const Theme& th, bool& dragging);
// The same, keeping `dragging` in the current window's ImGui storage (screens with no UI state).
void drag_scroll(const Theme& th);
// Scrolls the current window to its top when `key` is not what it was at the last call (another
// person signed in, another tab): a list opens at its top, not where someone else left it.
void top_when_changed(const std::string& key);

// A screen's top bar: title (wrapped), the training mark, a "back" button (id `back_id`, sends
// `back_action`; none when `back_label` is empty), and the language toggle.
void screen_header(const AppState& state, const Theme& th, const std::string& title, const std::string& back_label,
                   std::string_view back_id, const Action& back_action, const Dispatch& dispatch);
// The play screens' bar: screen_header with "leave the drill" back to the catalog.
void play_header(const AppState& state, const Theme& th, const std::string& title, const Dispatch& dispatch);

// The top-left corner's invisible target for the hidden manager gesture (CornerTap). Draw it last
// on a screen so it lies above the rest; it takes a corner no widget uses.
void corner_gesture(const Theme& th, const Dispatch& dispatch);

// The sync footer: one small line on the bottom edge ("Synced", "3 waiting", a problem in plain
// words), coloured by its tone. It takes its strip out of the viewport's work area (as a menu bar
// does), so every screen, laid out in the work area, ends above it and it never covers a touch
// target; the strip applies from the next frame, and the line takes no input. Draws and reserves
// nothing for an empty line. Recorded as the disabled widget "sync.footer" (tests check overlap).
void sync_footer(const Theme& th, const SyncLine& line);

// Begins a full-viewport borderless window with the body font pushed; pair with end_screen.
void begin_screen(const char* id, const Theme& th);
void end_screen();

}  // namespace posdrill
