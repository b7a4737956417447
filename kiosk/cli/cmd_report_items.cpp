// `posdrill report --items`: item analysis of the recorded answers (kiosk/core/item_analysis.h),
// as a table for a trainer (in --lang) or JSON for scripts.
//
// [SECTION] Output (JSON, table)
// [SECTION] cmd_report_items

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "kiosk/core/item_analysis.h"
#include "kiosk/store/store.h"
#include "scenarios/graph.h"

namespace posdrill {

namespace {

// ---- [SECTION] Output ---------------------------------------------------------------------------

nlohmann::json number_or_null(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string items_json(const std::vector<ItemStats>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const ItemStats& it : items) {
    nlohmann::json choices = nlohmann::json::array();
    for (const ItemChoice& c : it.choices) {
      nlohmann::json cj = {{"id", c.id}, {"chosen", c.chosen}, {"share", c.share}, {"best", c.best}};
      if (!c.in_content) cj["in_content"] = false;
      choices.push_back(std::move(cj));
    }
    out.push_back({{"scenario", it.scenario_id},
                   {"step", it.step_id},
                   {"answered", it.answered},
                   {"facility", number_or_null(it.facility)},
                   {"discrimination", number_or_null(it.discrimination)},
                   {"point_biserial", number_or_null(it.point_biserial)},
                   {"mean_ms", it.mean_ms},
                   {"hint_share", it.hint_share},
                   {"flags", it.flags},
                   {"choices", std::move(choices)}});
  }
  return out.dump(2) + "\n";
}

std::string fixed(const std::optional<double>& v, int decimals) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}

std::string flag_words(std::string_view flag, Lang lang) {
  const bool zh = lang == Lang::zh;
  if (flag == flag_unused_choice) return zh ? "有选项无人选" : "a choice nobody takes";
  if (flag == flag_strong_miss_best) return zh ? "高分者也答错" : "strong trainees miss the best answer";
  if (flag == flag_too_easy) return zh ? "几乎人人答对" : "nearly everyone right";
  return std::string(flag);
}

// One block per scenario: a header line, then per step its figures and its choices.
std::string items_table(const std::vector<ItemStats>& items, const std::vector<Scenario>& scenarios, Lang lang) {
  const bool zh = lang == Lang::zh;
  std::ostringstream out;
  std::string current;
  for (const ItemStats& it : items) {
    if (it.scenario_id != current) {
      current = it.scenario_id;
      const Scenario* sc = find_scenario(scenarios, current);
      out << (out.tellp() > 0 ? "\n" : "") << current << "  " << (sc ? sc->title.get(lang) : "") << '\n';
      out << (zh ? "  步骤 | 作答 | 难度(答对率) | 区分度 | 点二列 | 平均秒 | 用提示 | 提醒\n"
                 : "  step | answered | facility | discrimination | point-biserial | mean s | hints | flags\n");
    }
    std::string flags;
    for (const std::string& f : it.flags) flags += (flags.empty() ? "" : "; ") + flag_words(f, lang);
    out << "  " << it.step_id << " | " << it.answered << " | " << fixed(it.facility, 2) << " | "
        << fixed(it.discrimination, 2) << " | " << fixed(it.point_biserial, 2) << " | "
        << fixed(it.answered ? std::optional<double>(it.mean_ms / 1000.0) : std::nullopt, 1) << " | "
        << (it.answered ? fixed(it.hint_share * 100, 0) + "%" : "-") << " | " << flags << '\n';
    out << "      ";
    for (std::size_t i = 0; i < it.choices.size(); ++i) {
      const ItemChoice& c = it.choices[i];
      out << (i ? "  " : "") << c.id << (c.best ? "*" : "") << (c.in_content ? "" : "?") << ' ' << c.chosen << " ("
          << fixed(c.share * 100, 0) << "%)";
    }
    out << '\n';
  }
  out << (zh ? "\n* 最佳答案  ? 内容里已没有的选项；只计已完成的练习（放弃的不计）\n"
             : "\n* best answer  ? a choice the content no longer has; finished attempts only (abandoned ones left "
               "out)\n");
  return out.str();
}

}  // namespace

// ---- [SECTION] cmd_report_items -----------------------------------------------------------------

int cmd_report_items(const Settings& settings, const ReportOptions& o) {
  const ContentSet content = load_content(settings.content_dir);
  if (content.scenarios.empty()) {
    for (const auto& d : content.errors) std::cerr << d.to_string() << '\n';
    std::cerr << "posdrill report --items: no scenario loaded from " << settings.content_dir.string() << '\n';
    return exit_usage;
  }
  if (!o.scenario_id.empty() && !find_scenario(content.scenarios, o.scenario_id)) {
    std::vector<std::string_view> ids;
    for (const Scenario& s : content.scenarios) ids.push_back(s.id);
    std::cerr << "posdrill report --items: no scenario '" << o.scenario_id << "'" << suggest(o.scenario_id, ids)
              << '\n';
    return exit_usage;
  }
  StoreList<ItemAnswer> answers;
  std::error_code ec;
  // Without a database nothing was answered yet: every step shows 0, and no file is created.
  if (std::filesystem::exists(database_path(settings), ec)) {
    auto store = open_database(settings, "report --items", Access::read_only);
    if (!store) return exit_usage;
    answers = store->item_answers(o.scenario_id);
    // A damaged file must not read as "nobody answered".
    if (!answers.ok()) return read_failed("report --items", answers.status);
  }
  const std::vector<ItemStats> items = analyze_items(content.scenarios, answers, o.scenario_id);
  std::cout << (o.json ? items_json(items) : items_table(items, content.scenarios, settings.lang)) << std::flush;
  return std::cout ? exit_ok : exit_usage;
}

}  // namespace posdrill
