// A warm start's shortcut: the glyph set and the built font atlas kept on disk, so a kiosk started
// again on the same content, program and font skips collecting the glyph set (which plays every
// scenario through the emulation) and rasterizing it. Platform code (ImGui's atlas internals).
//
// - The glyph set's key covers every byte of the content folder, the program file (its size and
//   modification time: the terminal's texts are in the program), and the extra texts (names on
//   record, the spare terminal's texts).
// - The atlas's key covers the glyph set's, the font file (path, face, size, modification time)
//   and the sizes the fonts are built at.
// - A file that is short, damaged or of another layout is refused with the reason, and the kiosk
//   builds as on a cold start (then writes the file again). Files of other keys are removed when a
//   new one is written, so the folder holds one of each.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/ui/theme.h"

namespace posdrill {

// 64-bit FNV-1a, continued from `h` (start with fnv_offset).
inline constexpr uint64_t fnv_offset = 14695981039346656037ull;
uint64_t fnv1a_64(const void* data, std::size_t size, uint64_t h = fnv_offset);

// The glyph set's key: every file under `content_dir` (relative path and bytes, in path order),
// the size and modification time of `program` (skipped when it cannot be read), `extra_texts`
// and `spare`. False with `error` when a content file cannot be read.
bool glyph_cache_key(const std::filesystem::path& content_dir, const std::filesystem::path& program,
                     const std::vector<std::string>& extra_texts, bool spare, uint64_t& key, std::string& error);

// The atlas's key: `glyph_key`, the font file (path, face, size, modification time) and the pixel
// sizes of the two fonts.
uint64_t atlas_cache_key(uint64_t glyph_key, const std::filesystem::path& font_file, int face, float body_px,
                         float heading_px, float line_per_em);

// `<dir>/glyphs-<key hex>.bin`, `<dir>/atlas-<key hex>.bin`.
std::filesystem::path glyph_cache_file(const std::filesystem::path& dir, uint64_t key);
std::filesystem::path atlas_cache_file(const std::filesystem::path& dir, uint64_t key);

// Reads a glyph set written by save_glyph_cache; nullopt with `why` when absent or refused.
std::optional<std::vector<uint32_t>> load_glyph_cache(const std::filesystem::path& file, std::string& why);
// Writes it (a temporary file renamed over), removing the folder's other glyph-set files. False
// with `error`; the kiosk goes on without.
bool save_glyph_cache(const std::filesystem::path& file, const std::vector<uint32_t>& code_points,
                      std::string& error);

// Writes the built `atlas` (its fonts' glyphs and metrics, the texture's pixels and UVs) and which
// of its fonts are the theme's body and heading, removing the folder's other atlas files. The
// atlas must hold its 8-bit pixels (before ClearTexData). False with `error`.
bool save_atlas_cache(const std::filesystem::path& file, const ImFontAtlas& atlas, const Theme& theme,
                      std::string& error);
// Puts what save_atlas_cache wrote into `atlas` (cleared first), ready for the renderer as if it
// had been built, and sets `theme`'s fonts (its metrics are left as they are). False with `why`
// (the atlas is then cleared): absent, short, damaged, of another ImGui layout.
bool load_atlas_cache(const std::filesystem::path& file, ImFontAtlas& atlas, Theme& theme, std::string& why);

}  // namespace posdrill
