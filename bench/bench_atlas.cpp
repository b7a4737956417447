// The font atlas: its size, memory and build time for the glyph set the kiosk starts with, the
// run-time rebuild a new name causes, the rebuilds when the on-screen keyboard opens (common hanzi
// at body size, so pinyin keys need none) and closes, and, for comparison, carrying all of GB 2312 (levels 1
// and 2, 6 763 hanzi) up front. FreeType on the CPU as the kiosk builds it; the GPU texture is
// the RGBA32 copy the OpenGL backend uploads. Prints median and spread; asserts nothing.
//
//   bench_atlas [RUNS]
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bench/bench_stats.h"
#include "kiosk/core/app_state.h"
#include "kiosk/core/glyphs.h"
#include "kiosk/core/strings.h"
#include "kiosk/platform/fonts.h"
#include "scenarios/loader.h"

using namespace posdrill;

namespace {

void quiet(const std::string&) {}

long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct Figures {
  std::vector<double> ms;
  AtlasBuild last;
};

// Builds `runs` fresh atlases of `glyphs` at the metrics of a `height`-pixel display.
Figures first_builds(const std::vector<uint32_t>& glyphs, float height, int runs) {
  Figures f;
  for (int i = 0; i < runs; ++i) {
    std::optional<ChosenFont> font = choose_font(glyphs, quiet);
    if (!font) return f;
    KioskFonts fonts(std::move(*font), GlyphSet(glyphs), theme_metrics(height));
    ImFontAtlas atlas;
    std::string error;
    const auto t0 = std::chrono::steady_clock::now();
    if (!fonts.build(atlas, error)) return f;
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    atlas.GetTexDataAsRGBA32(&px, &w, &h);  // what the GL backend uploads
    f.ms.push_back(ms_since(t0));
    f.last = fonts.last_build();
  }
  return f;
}

// A name with two new characters arrives after the first frame (font bytes released): the
// rebuild re-reads the font file, rasterizes everything again and converts to RGBA32.
Figures rebuilds(const std::vector<uint32_t>& glyphs, float height, int runs) {
  Figures f;
  std::optional<ChosenFont> font = choose_font(glyphs, quiet);
  if (!font) return f;
  KioskFonts fonts(std::move(*font), GlyphSet(glyphs), theme_metrics(height));
  ImFontAtlas atlas;
  std::string error;
  if (!fonts.build(atlas, error)) return f;
  const char* names[] = {"李娜", "赵敏", "钱磊", "孙婷", "周涛", "吴昊",
                         "郑爽", "冯雪", "陈曦", "褚岚", "卫蓉", "蒋琪"};
  for (int i = 0; i < runs; ++i) {
    fonts.release_cpu_copies(atlas);
    if (fonts.add_text(names[i % std::size(names)]) == 0) continue;
    const auto t0 = std::chrono::steady_clock::now();
    if (!fonts.rebuild(atlas, error)) return f;
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    atlas.GetTexDataAsRGBA32(&px, &w, &h);
    f.ms.push_back(ms_since(t0));
    f.last = fonts.last_build();
  }
  return f;
}

// The on-screen keyboard opens on a form (font bytes released after the first frame): the body
// font takes GB 2312 level 1 as well, once; then the keyboard closes and the atlas drops them.
Figures prefetch_rebuilds(const std::vector<uint32_t>& glyphs, const std::vector<uint32_t>& common, float height,
                          int runs, Figures& ended) {
  Figures f;
  std::optional<ChosenFont> font = choose_font(glyphs, quiet);
  if (!font) return f;
  KioskFonts fonts(std::move(*font), GlyphSet(glyphs), theme_metrics(height));
  ImFontAtlas atlas;
  std::string error;
  if (!fonts.build(atlas, error)) return f;
  for (int i = 0; i < runs; ++i) {
    for (bool start : {true, false}) {
      fonts.release_cpu_copies(atlas);
      if (start)
        fonts.start_body_prefetch(common);
      else
        fonts.end_body_prefetch();
      const auto t0 = std::chrono::steady_clock::now();
      if (!fonts.rebuild(atlas, error)) return f;
      unsigned char* px = nullptr;
      int w = 0, h = 0;
      atlas.GetTexDataAsRGBA32(&px, &w, &h);
      Figures& into = start ? f : ended;
      into.ms.push_back(ms_since(t0));
      into.last = fonts.last_build();
    }
  }
  return f;
}

void report(const char* what, const Figures& f) {
  if (f.ms.empty()) {
    std::printf("%s: no font (install fonts-noto-cjk)\n", what);
    return;
  }
  bench::print(what, "ms", bench::stats(f.ms), 1);
  const double alpha_mb = double(f.last.width) * f.last.height / (1024.0 * 1024.0);
  if (f.last.body_only) std::printf("    + %zu glyphs at body size only\n", f.last.body_only);
  std::printf("    %zu glyphs x 2 sizes, texture %dx%d: %.1f MiB RGBA32 on the GPU (+%.1f MiB alpha8 while built)\n",
              f.last.glyphs, f.last.width, f.last.height, alpha_mb * 4, alpha_mb);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(3, std::atoi(argv[1])) : 9;
  ContentSet content = load_content(POSDRILL_BENCH_CONTENT_DIR);
  UiStrings strings;
  load_ui_strings(ui_strings_path(POSDRILL_BENCH_CONTENT_DIR), strings);
  const std::vector<std::string> names = {"王小明", "李店长"};
  const std::vector<uint32_t> start = collect_kiosk_glyphs(strings, content.scenarios, names);
  const std::vector<uint32_t> gb = gb2312_hanzi(true);
  const std::vector<uint32_t> level1 = gb2312_hanzi(false);
  std::vector<uint32_t> with_gb;
  std::set_union(start.begin(), start.end(), gb.begin(), gb.end(), std::back_inserter(with_gb));
  std::printf("atlas (FreeType, Noto Sans CJK SC), %d runs; GB 2312 hanzi decoded: %zu (level 1: %zu)\n", runs, gb.size(),
              level1.size());
  for (float height : {800.0f, 1080.0f}) {
    std::printf("-- display height %.0f\n", height);
    report("start-up set: first build", first_builds(start, height, runs));
    report("start-up set: rebuild for a new name", rebuilds(start, height, runs));
    Figures ended;
    report("keyboard opens: + GB 2312 level 1 at body size", prefetch_rebuilds(start, level1, height, runs, ended));
    report("keyboard closes: back to the start-up set", ended);
    report("start-up set + GB 2312: first build", first_builds(with_gb, height, std::min(runs, 5)));
  }
  std::printf("peak RSS of this process: %.1f MiB\n", double(peak_rss_kib()) / 1024.0);
  return 0;
}
