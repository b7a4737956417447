#include "kiosk/platform/startup.h"

#include <cstdio>

#include "device_bridge/wire_watch.h"
#include "kiosk/core/app_state.h"  // collect_kiosk_glyphs
#include "kiosk/core/spare_terminal.h"
#include "kiosk/nexo/nexo_terminal_port.h"
#include "kiosk/platform/atlas_cache.h"

namespace posdrill {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

LoadedStrings load_strings(const std::filesystem::path& content_dir) {
  LoadedStrings s;
  s.errors = load_ui_strings(ui_strings_path(content_dir), s.strings);
  return s;
}

LoadedContent combine(const std::filesystem::path& content_dir, ContentSet content, LoadedStrings strings) {
  LoadedContent l;
  l.content = std::move(content);
  l.strings = std::move(strings.strings);
  std::vector<Diagnostic> diags = l.content.errors;
  diags.insert(diags.end(), strings.errors.begin(), strings.errors.end());
  for (const Diagnostic& d : diags) {
    std::fprintf(stderr, "%s\n", d.to_string().c_str());
    l.problems.push_back(d.to_string());
  }
  l.error_count = diags.size();
  if (l.content.scenarios.empty() && diags.empty())
    l.problems.push_back(content_dir.string() + ": no scenarios to play (expected scenarios/*.yaml)");
  return l;
}

LoadedContent load_everything(const std::filesystem::path& content_dir) {
  return combine(content_dir, load_content(content_dir), load_strings(content_dir));
}

Prepared prepare(const std::filesystem::path& content_dir, const std::vector<std::string>& extra_texts, bool spare,
                 const std::filesystem::path& cache_dir, StartupLog log) {
  Prepared p;
  auto t = std::chrono::steady_clock::now();
  p.strings = load_strings(content_dir);
  p.strings_ms = ms_since(t);
  if (cache_dir.empty()) return p;
  t = std::chrono::steady_clock::now();
  uint64_t key = 0;
  if (!glyph_cache_key(content_dir, "/proc/self/exe", extra_texts, spare, key, p.cache_note)) return p;
  p.glyph_key = key;
  p.glyph_file = glyph_cache_file(cache_dir, key);
  auto cached = load_glyph_cache(p.glyph_file, p.cache_note);
  if (!cached) return p;
  p.code_points = std::move(*cached);
  p.glyphs_from_cache = true;
  p.glyphs_ms = ms_since(t);
  t = std::chrono::steady_clock::now();
  p.font = choose_font(p.code_points, log);
  p.font_ms = ms_since(t);
  return p;
}

void collect_glyph_set(Prepared& p, const LoadedContent& loaded, std::vector<std::string> extra_texts, bool spare,
                       StartupLog log) {
  auto t = std::chrono::steady_clock::now();
  if (spare) {
    for (std::string& s : wire_exchange_texts()) extra_texts.push_back(std::move(s));
    for (std::string& s : spare_terminal_texts(loaded.content.scenarios, loaded.content.test_hosts))
      extra_texts.push_back(std::move(s));
    for (const Text& x : nexo_port_texts()) {
      extra_texts.push_back(x.zh);
      extra_texts.push_back(x.en);
    }
  }
  p.code_points = collect_kiosk_glyphs(loaded.strings, loaded.content.scenarios, extra_texts);
  if (!p.glyph_file.empty() && loaded.problems.empty()) {
    std::string error;
    if (!save_glyph_cache(p.glyph_file, p.code_points, error)) p.cache_note = error;
  }
  p.glyphs_ms = ms_since(t);
  t = std::chrono::steady_clock::now();
  p.font = choose_font(p.code_points, log);
  p.font_ms = ms_since(t);
}

}  // namespace posdrill
