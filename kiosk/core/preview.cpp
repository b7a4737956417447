#include "kiosk/core/preview.h"

#include <filesystem>
#include <limits>

namespace posdrill {

namespace {

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (std::filesystem::equivalent(a, b, ec)) return true;
  return std::filesystem::path(a).lexically_normal() == std::filesystem::path(b).lexically_normal();
}

}  // namespace

Text open_preview(AppState& st, const std::string& file, const std::string& step_id) {
  const Scenario* found = nullptr;
  for (const Scenario& s : st.scenarios)
    if (same_file(s.file, file)) found = &s;
  if (!found)
    return {file + "：没有从这个文件载入场景", file + ": no scenario was loaded from this file"};
  const std::string id = found->id;
  const uint64_t seed = st.seed;
  const auto open = [&] {
    if (st.attempt) update(st, BackToCatalog{});
    st.seed = seed;
    update(st, OpenScenario{id});
    st.seed = seed;  // the next opening draws the same figures
  };
  open();
  if (!st.attempt) return {"场景 " + id + " 打不开", file + ": the scenario '" + id + "' did not open"};
  if (step_id.empty()) return {};
  if (!found->find(step_id)) {
    open();
    return {"场景 " + id + " 里没有步骤 " + step_id + "，从头开始",
            "no step '" + step_id + "' in '" + id + "': opened at the start"};
  }
  if (play_best_to_step(st, step_id)) return {};
  // Not on the best path: start over rather than leave the preview wherever that path ended.
  open();
  return {"步骤 " + step_id + " 不在最佳路径上，从头开始",
          "step '" + step_id + "' is not on the best path of '" + id + "': opened at the start"};
}

void keep_preview_open(AppState& st) {
  if (!st.preview || st.attempt || st.screen != ScreenId::catalog || !st.preview->problems.empty()) return;
  st.preview->note = open_preview(st, st.preview->file, "");
}

namespace {

std::string fill(std::string pattern, const std::string& value) {
  if (const std::size_t at = pattern.find("{a}"); at != std::string::npos) pattern.replace(at, 3, value);
  return pattern;
}

}  // namespace

SyncLine preview_footer_line(const PreviewBar& bar, const UiStrings& strings, Lang lang) {
  if (!bar.problems.empty())
    return {fill(strings.tr(bar.shown ? "preview.problems" : "preview.problems_first", lang),
                 std::to_string(bar.problems.size())) +
                bar.problems.front(),
            SyncTone::alarm};
  // The file's name only: the footer is one line, and the folder is the author's own.
  std::string line = fill(strings.tr("preview.bar", lang), std::filesystem::path(bar.file).filename().string());
  if (bar.reloads > 0) line += fill(strings.tr("preview.reloaded", lang), std::to_string(bar.reloads));
  if (!bar.note.empty()) return {line + " — " + bar.note.get(lang), SyncTone::problem};
  return {line, SyncTone::ok};
}

const std::vector<std::string>& preview_string_keys() {
  static const std::vector<std::string> keys = {"preview.bar", "preview.reloaded", "preview.problems",
                                                "preview.problems_first"};
  return keys;
}

void start_preview(AppState& st, const std::string& file, const std::string& step_id,
                   std::vector<std::string> problems) {
  st.require_sign_in = false;
  st.idle_timeout_ms = std::numeric_limits<int64_t>::max() / 4;
  st.screen = ScreenId::catalog;
  st.problems.clear();
  st.preview = PreviewBar{file, {}, std::move(problems), 0, false};
  st.preview->note = open_preview(st, file, step_id);
  st.preview->shown = st.attempt != nullptr;
}

void reload_preview(AppState& st, std::vector<Scenario> scenarios, std::vector<Track> tracks, UiStrings strings,
                    std::vector<std::string> problems) {
  if (!st.preview) return;
  if (!problems.empty()) {
    st.preview->problems = std::move(problems);
    return;
  }
  const std::string at = preview_step(st);
  update(st, BackToCatalog{});  // the attempt points into the scenarios about to go
  st.scenarios = std::move(scenarios);
  st.tracks = std::move(tracks);
  st.strings = std::move(strings);
  st.error_count = 0;
  st.preview->problems.clear();
  ++st.preview->reloads;
  refresh_catalog(st);
  st.preview->note = open_preview(st, st.preview->file, at);
  st.preview->shown = st.preview->shown || st.attempt != nullptr;
}

const Scenario* previewed_scenario(const AppState& st) {
  return st.attempt ? find_scenario(st.scenarios, st.attempt->scenario.id) : nullptr;
}

std::string preview_step(const AppState& st) {
  if (!st.attempt || st.attempt->runner.finished()) return "";
  return st.attempt->runner.step().id;
}

}  // namespace posdrill
