// The kiosk theme: metrics, palette, ImGui style and fonts.

#include "kiosk/ui/theme.h"

#include <imgui_freetype.h>

#include <algorithm>
#include <cmath>

namespace posdrill {

ThemeMetrics theme_metrics(float display_height) {
  ThemeMetrics m;
  m.scale = std::max(display_height, 1.0f) / 1080.0f;
  // 22 px em at 1080p; never below 16 px, under which 密码/冲正 blur on a 1280x800 panel.
  m.body_px = std::max(16.0f, std::round(22.0f * m.scale));
  m.heading_px = std::round(m.body_px * 1.36f);
  // 60 px targets at 1080p, and never under 56 px (a gloved or hurried fingertip on a 1280x800
  // panel; tests/kiosk/test_touch_targets.cpp measures every target).
  m.touch_px = std::max(touch_min_px, std::round(60.0f * m.scale));
  m.pad = std::max(10.0f, std::round(18.0f * m.scale));
  m.gap = std::max(10.0f, std::round(18.0f * m.scale));
  m.rounding = std::max(4.0f, std::round(10.0f * m.scale));
  m.border = std::max(1.0f, std::round(2.0f * m.scale));
  m.min_card_width = std::max(320.0f, std::round(440.0f * m.scale));
  return m;
}

const Palette& palette() {
  static const Palette p = {
      IM_COL32(0x0F, 0x14, 0x19, 0xFF),  // background
      IM_COL32(0xFF, 0xFF, 0xFF, 0xFF),  // text
      IM_COL32(0xC9, 0xD3, 0xDC, 0xFF),  // text_dim
      IM_COL32(0x1E, 0x28, 0x32, 0xFF),  // card
      IM_COL32(0x27, 0x36, 0x44, 0xFF),  // card_hovered
      IM_COL32(0x33, 0x47, 0x5A, 0xFF),  // card_pressed
      IM_COL32(0x7A, 0x8C, 0x9C, 0xFF),  // card_border
      IM_COL32(0x7F, 0xD1, 0xFF, 0xFF),  // accent
      IM_COL32(0xFF, 0xC1, 0x07, 0xFF),  // mark (amber: "not a live till")
      IM_COL32(0x00, 0x00, 0x00, 0xFF),  // mark_text
      IM_COL32(0x3D, 0x2B, 0x00, 0xFF),  // warning_bg
      IM_COL32(0xFF, 0xC1, 0x07, 0xFF),  // warning_border
      {IM_COL32(0x2E, 0x7D, 0x32, 0xFF), IM_COL32(0x15, 0x65, 0xC0, 0xFF), IM_COL32(0xB7, 0x1C, 0x1C, 0xFF)},
      IM_COL32(0x2E, 0x7D, 0x32, 0xFF),  // ok
      IM_COL32(0xB7, 0x1C, 0x1C, 0xFF),  // bad
      IM_COL32(0xF5, 0xF2, 0xE8, 0xFF),  // paper
      IM_COL32(0x1A, 0x1A, 0x1A, 0xFF),  // paper_text
      IM_COL32(0xC8, 0xD8, 0xB0, 0xFF),  // lcd (a monochrome LCD's grey-green)
      IM_COL32(0x10, 0x18, 0x10, 0xFF),  // lcd_text
      IM_COL32(0x2A, 0x2D, 0x33, 0xFF),  // device
      IM_COL32(0x8A, 0x55, 0x00, 0xFF),  // partly (amber, 5.9:1 under white)
      IM_COL32(0xFF, 0x8A, 0x80, 0xFF),  // error_text (light red, 7.9:1 on the background)
  };
  return p;
}

void apply_theme_style(const ThemeMetrics& m, ImGuiStyle& style) {
  style = ImGuiStyle();
  style.WindowPadding = ImVec2(m.pad * 1.5f, m.pad);
  style.WindowRounding = 0.0f;
  style.WindowBorderSize = 0.0f;
  style.ChildBorderSize = 0.0f;
  style.FramePadding = ImVec2(m.pad, std::round(m.pad * 0.6f));
  style.FrameRounding = m.rounding;
  style.FrameBorderSize = m.border;
  // Stacked buttons (choices, list rows) at least touch_gap_px apart: a finger aimed at one must
  // not land on the next.
  style.ItemSpacing = ImVec2(std::max(touch_gap_px, m.gap), std::max(touch_gap_px, std::round(m.gap * 0.6f)));
  style.ItemInnerSpacing = ImVec2(std::round(m.gap * 0.5f), std::round(m.gap * 0.5f));
  style.ScrollbarSize = std::round(m.touch_px * 0.4f);
  style.ScrollbarRounding = m.rounding;
  style.GrabMinSize = m.touch_px * 0.5f;
  // A finger is wider than its contact point: let near misses still hit.
  style.TouchExtraPadding = ImVec2(std::round(4.0f * m.scale), std::round(4.0f * m.scale));

  const Palette& p = palette();
  auto c = [](ImU32 col) { return ImGui::ColorConvertU32ToFloat4(col); };
  ImVec4* col = style.Colors;
  col[ImGuiCol_Text] = c(p.text);
  col[ImGuiCol_TextDisabled] = c(p.text_dim);
  col[ImGuiCol_WindowBg] = c(p.background);
  col[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  col[ImGuiCol_PopupBg] = c(p.card);
  col[ImGuiCol_Border] = c(p.card_border);
  col[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
  col[ImGuiCol_FrameBg] = c(p.card);
  col[ImGuiCol_FrameBgHovered] = c(p.card_hovered);
  col[ImGuiCol_FrameBgActive] = c(p.card_pressed);
  col[ImGuiCol_Button] = c(IM_COL32(0x1F, 0x4E, 0x79, 0xFF));
  col[ImGuiCol_ButtonHovered] = c(IM_COL32(0x28, 0x62, 0x96, 0xFF));
  col[ImGuiCol_ButtonActive] = c(IM_COL32(0x13, 0x36, 0x57, 0xFF));
  col[ImGuiCol_Separator] = c(IM_COL32(0x3C, 0x4A, 0x57, 0xFF));
  col[ImGuiCol_ScrollbarBg] = c(p.background);
  col[ImGuiCol_ScrollbarGrab] = c(IM_COL32(0x5B, 0x6B, 0x7A, 0xFF));
  col[ImGuiCol_ScrollbarGrabHovered] = c(IM_COL32(0x7B, 0x8B, 0x9A, 0xFF));
  col[ImGuiCol_ScrollbarGrabActive] = c(IM_COL32(0x9B, 0xAB, 0xBA, 0xFF));
  col[ImGuiCol_NavHighlight] = c(p.accent);
}

ImVector<ImWchar> glyph_ranges(const std::vector<uint32_t>& code_points) {
  ImFontGlyphRangesBuilder builder;
  for (uint32_t cp : code_points)
    if (cp > 0 && cp <= IM_UNICODE_CODEPOINT_MAX) builder.AddChar(static_cast<ImWchar>(cp));
  ImVector<ImWchar> ranges;
  builder.BuildRanges(&ranges);
  return ranges;
}

Theme add_theme_fonts(ImFontAtlas& atlas, const void* data, std::size_t size, int face_index, const ThemeMetrics& m,
                      float line_per_em, const ImWchar* ranges, const ImWchar* body_ranges) {
  const float k = line_per_em > 0.5f && line_per_em < 3.0f ? line_per_em : 1.0f;  // ignore nonsense metrics
  atlas.FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  // One copy of the ~20 MB file serves both sizes: the caller's. ImGui 1.86 copies the data of
  // a font it does not own (two sizes: two more copies, 40 MB of the kiosk's start-up peak), and
  // frees the data of one it owns. So each font is added as owned (no copy), then marked not
  // owned (never freed by the atlas). ImGui only reads the bytes, despite its non-const pointer.
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = true;
  cfg.FontNo = face_index;
  void* bytes = const_cast<void*>(data);
  const int n = static_cast<int>(size);
  const auto add = [&](float px, const ImWchar* glyphs) {
    ImFont* font = atlas.AddFontFromMemoryTTF(bytes, n, px, &cfg, glyphs);
    if (!atlas.ConfigData.empty() && atlas.ConfigData.back().FontData == bytes)
      atlas.ConfigData.back().FontDataOwnedByAtlas = false;
    return font;
  };
  Theme t;
  t.metrics = m;
  // Whole-pixel line heights keep baselines on the pixel grid.
  t.body = add(std::round(m.body_px * k), body_ranges ? body_ranges : ranges);
  t.heading = add(std::round(m.heading_px * k), ranges);
  return t;
}

}  // namespace posdrill
