// The kiosk's look: a high-contrast dark theme sized for a touch screen at arm's length.
// ImGui only (no SDL): the platform hands in the font bytes and the display height.
//
// Sizes scale with the display height so the kiosk looks the same on a 1080p panel and on a
// 1280x800 tablet: body text ≥ 20 px and touch targets ≥ 56 px, with floors so a small
// window stays readable. Text sizes are em sizes (the width of a CJK character, what a designer
// calls the font size); ImGui sizes a font by its line height, which for Noto Sans CJK is 1.448 em,
// so add_theme_fonts converts.
#pragma once

#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace posdrill {

struct ThemeMetrics {
  float scale = 1.0f;        // display height / 1080
  float body_px = 22.0f;     // body text, em size in pixels
  float heading_px = 30.0f;  // screen and group headings, card titles, em size in pixels
  float touch_px = 60.0f;    // minimum height (and width) of anything a finger must hit
  float pad = 16.0f;         // inner padding of cards and banners
  float gap = 16.0f;         // space between cards
  float rounding = 8.0f;
  float border = 2.0f;
  float min_card_width = 440.0f;  // cards get narrower than this only when one column remains
};

// Every touch target is at least touch_min_px in both directions and touch_gap_px from the next.
inline constexpr float touch_min_px = 56.0f;
inline constexpr float touch_gap_px = 12.0f;

// Whole pixels, so glyphs rasterize crisply.
ThemeMetrics theme_metrics(float display_height);

// Colours, chosen for contrast ≥ 4.5:1 (WCAG AA) of every text on its background.
struct Palette {
  ImU32 background;
  ImU32 text;
  ImU32 text_dim;  // secondary text (summaries, counts), still ≥ 7:1 on cards
  ImU32 card;
  ImU32 card_hovered;
  ImU32 card_pressed;
  ImU32 card_border;
  ImU32 accent;  // group titles
  ImU32 mark;    // the training mark's background
  ImU32 mark_text;
  ImU32 warning_bg;  // content-error banner
  ImU32 warning_border;
  ImU32 difficulty[3];  // basic, intermediate, advanced pills (white text on each)
  ImU32 ok;             // passed, points earned (white text on it)
  ImU32 bad;            // failed, critical error (white text on it)
  ImU32 paper;          // printed slips
  ImU32 paper_text;
  ImU32 lcd;  // the terminal twin's screen
  ImU32 lcd_text;
  ImU32 device;      // the terminal twin's body
  ImU32 partly;      // an answer worth some points (white text on it); `ok` is right, `bad` wrong
  ImU32 error_text;  // a problem told in words (a refused form, an out-of-service reason), on the background
};
const Palette& palette();

// The fonts the screens use. Null fonts fall back to ImGui's current font (tests without a CJK
// font still run the screens).
struct Theme {
  ThemeMetrics metrics;
  ImFont* body = nullptr;
  ImFont* heading = nullptr;
};

// Applies sizes and colours to `style` (call once after creating the context).
void apply_theme_style(const ThemeMetrics& m, ImGuiStyle& style);

// Glyph ranges for ImFontAtlas from a sorted list of code points (glyphs.h). Code points past
// IM_UNICODE_CODEPOINT_MAX are dropped: this ImGui build stores 16-bit ImWchar. The vector must
// outlive the atlas build.
ImVector<ImWchar> glyph_ranges(const std::vector<uint32_t>& code_points);

// Adds the body and heading fonts to `atlas` from one font file already in memory (a TTC face
// chosen by `face_index`). `line_per_em` is the face's (ascender - descender) / units per em
// (FreeType's face metrics; 1.448 for Noto Sans CJK): ImGui's FreeType builder sizes a font by
// that height, so the em sizes of `m` are multiplied by it. The atlas does not own `data`: keep
// it alive until the atlas is built (ImFontAtlas::Build, or the first GetTexData*). Sets the atlas
// to the FreeType builder, which hints CJK strokes more legibly at body sizes than stb_truetype.
// `body_ranges` (null: `ranges`) gives the body font more glyphs than the heading: the on-screen
// keyboard's candidates are drawn at body size only.
Theme add_theme_fonts(ImFontAtlas& atlas, const void* data, std::size_t size, int face_index, const ThemeMetrics& m,
                      float line_per_em, const ImWchar* ranges, const ImWchar* body_ranges = nullptr);

}  // namespace posdrill
