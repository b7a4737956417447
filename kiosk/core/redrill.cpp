// The re-drill schedule (redrill.h).

#include "kiosk/core/redrill.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "device_bridge/host.h"  // ms_per_day

namespace posdrill {

std::vector<Redrill> redrills_due(const std::vector<DecisionAnswer>& answers, WallTime now_ms) {
  std::vector<const DecisionAnswer*> in_order;
  for (const DecisionAnswer& a : answers) in_order.push_back(&a);
  std::stable_sort(in_order.begin(), in_order.end(),
                   [](const DecisionAnswer* a, const DecisionAnswer* b) { return a->at_ms < b->at_ms; });
  std::map<std::pair<std::string, std::string>, Redrill> open;
  for (const DecisionAnswer* a : in_order) {
    const auto key = std::make_pair(a->scenario_id, a->step_id);
    if (a->mistake) {
      Redrill& r = open[key];
      r.scenario_id = a->scenario_id;
      r.step_id = a->step_id;
      r.missed_choice_id = a->choice_id;
      r.missed_ms = a->at_ms;
      r.missed_seed = a->seed;
      r.right_reviews = 0;
      r.due_ms = a->at_ms + redrill_days[0] * ms_per_day;
      continue;
    }
    const auto it = open.find(key);
    if (it == open.end() || a->at_ms < it->second.due_ms) continue;  // nothing open, or too early
    Redrill& r = it->second;
    if (++r.right_reviews >= redrill_reviews_to_retire) {
      open.erase(it);
      continue;
    }
    const std::size_t step = std::min<std::size_t>(static_cast<std::size_t>(r.right_reviews), redrill_days.size() - 1);
    r.due_ms = a->at_ms + redrill_days[step] * ms_per_day;
  }
  std::vector<Redrill> due;
  for (auto& [key, r] : open)
    if (r.due_ms <= now_ms) due.push_back(std::move(r));
  std::stable_sort(due.begin(), due.end(), [](const Redrill& a, const Redrill& b) {
    return std::tie(a.due_ms, a.scenario_id, a.step_id) < std::tie(b.due_ms, b.scenario_id, b.step_id);
  });
  return due;
}

}  // namespace posdrill
