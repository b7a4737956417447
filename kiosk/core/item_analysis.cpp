// Item analysis (item_analysis.h): the figures per decision step from the recorded answers.

#include "kiosk/core/item_analysis.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace posdrill {

namespace {

// Upper minus lower group's facility; `ranked` holds (score, uuid, best) of every answer.
std::optional<double> upper_lower(std::vector<std::tuple<double, std::string, bool>> ranked, double group_share) {
  const std::size_t n = ranked.size();
  if (n < 2) return std::nullopt;
  // Highest score first; the uuid only makes ties deterministic.
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) > std::get<0>(b);
    return std::get<1>(a) < std::get<1>(b);
  });
  const std::size_t g = std::max<std::size_t>(1, std::size_t(std::lround(group_share * double(n))));
  int upper = 0, lower = 0;
  for (std::size_t i = 0; i < g; ++i) {
    upper += std::get<2>(ranked[i]);
    lower += std::get<2>(ranked[n - 1 - i]);
  }
  return (double(upper) - double(lower)) / double(g);
}

// Pearson's r of best (0/1) against the score: the point-biserial correlation.
std::optional<double> point_biserial(const std::vector<std::tuple<double, std::string, bool>>& ranked) {
  const double n = double(ranked.size());
  if (ranked.size() < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (const auto& [score, uuid, best] : ranked) mx += best, my += score;
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (const auto& [score, uuid, best] : ranked) {
    const double dx = double(best) - mx, dy = score - my;
    sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
  }
  // Everyone chose alike, or every attempt scored the same: no correlation to speak of.
  if (sxx <= 0 || syy <= 1e-12) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

ItemStats analyze_step(const Scenario& sc, const Step& step, const std::vector<const ItemAnswer*>& answers,
                       const ItemOptions& o) {
  ItemStats st;
  st.scenario_id = sc.id;
  st.step_id = step.id;
  const int best_points = step.max_points();
  for (const Choice& c : step.choices) st.choices.push_back(ItemChoice{c.id, 0, 0, c.points == best_points, true});
  std::map<std::string, int> recorded_only;
  std::vector<std::tuple<double, std::string, bool>> ranked;
  double total_ms = 0;
  int with_hints = 0;
  for (const ItemAnswer* a : answers) {
    auto it =
        std::find_if(st.choices.begin(), st.choices.end(), [&](const ItemChoice& c) { return c.id == a->choice_id; });
    bool best = false;
    if (it != st.choices.end()) {
      ++it->chosen;
      best = it->best;
    } else {
      ++recorded_only[a->choice_id];  // an earlier version's choice: never best now
    }
    ranked.emplace_back(a->attempt_score, a->attempt_uuid, best);
    total_ms += double(a->elapsed_ms);
    with_hints += a->hints > 0;
  }
  for (const auto& [id, n] : recorded_only) st.choices.push_back(ItemChoice{id, n, 0, false, false});
  st.answered = int(answers.size());
  if (st.answered > 0) {
    const double n = double(st.answered);
    int best_taken = 0;
    for (ItemChoice& c : st.choices) {
      c.share = c.chosen / n;
      if (c.best) best_taken += c.chosen;
    }
    st.facility = best_taken / n;
    st.mean_ms = total_ms / n;
    st.hint_share = with_hints / n;
  }
  st.discrimination = upper_lower(ranked, o.group_share);
  st.point_biserial = point_biserial(ranked);

  if (st.answered >= o.min_answers) {
    if (std::any_of(st.choices.begin(), st.choices.end(),
                    [](const ItemChoice& c) { return c.in_content && c.chosen == 0; }))
      st.flags.emplace_back(flag_unused_choice);
    const bool too_easy = *st.facility >= o.too_easy_facility;
    // An easy question cannot separate anyone: that is its own flag, not this one.
    if (!too_easy && st.discrimination && *st.discrimination <= o.weak_discrimination)
      st.flags.emplace_back(flag_strong_miss_best);
    if (too_easy) st.flags.emplace_back(flag_too_easy);
  }
  return st;
}

}  // namespace

std::vector<ItemStats> analyze_items(const std::vector<Scenario>& scenarios, const std::vector<ItemAnswer>& answers,
                                     std::string_view scenario_id, const ItemOptions& options) {
  // (scenario, step) -> its answers, so each step reads only its own.
  std::map<std::pair<std::string_view, std::string_view>, std::vector<const ItemAnswer*>> by_step;
  for (const ItemAnswer& a : answers)
    if (scenario_id.empty() || a.scenario_id == scenario_id) by_step[{a.scenario_id, a.step_id}].push_back(&a);
  std::vector<ItemStats> out;
  static const std::vector<const ItemAnswer*> none;
  for (const Scenario& sc : scenarios) {
    if (!scenario_id.empty() && sc.id != scenario_id) continue;
    for (const Step& step : sc.steps) {
      if (step.kind != StepKind::decision) continue;
      const auto it = by_step.find({sc.id, step.id});
      out.push_back(analyze_step(sc, step, it == by_step.end() ? none : it->second, options));
    }
  }
  return out;
}

}  // namespace posdrill
