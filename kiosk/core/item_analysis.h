// Item analysis: which decisions measure something. From the recorded answers of finished
// attempts, per (scenario, decision step): how often each choice is taken, the facility index,
// two discrimination figures, the mean time to answer, hint use, and flags for a trainer to look
// at. Pure computation (no SQLite): the store reads the answers (SqliteStore::item_answers), this
// file turns them into figures, the command line and the console print them.
//
// Definitions (content/README.md, "Which questions work", says the same for trainers):
// - best choice: the choice worth the most points at that step in the loaded content (ties: every
//   choice with that many points is best);
// - facility: share of answers that took a best choice;
// - discrimination: facility among the upper 27 % of the attempts that answered the step (ranked
//   by the attempt's total score) minus facility among the lower 27 % (at least one attempt each;
//   ties at the cut are broken by the attempt's id, so the figure does not depend on read order);
// - point-biserial: the correlation of "chose best" (0/1) with the attempt's score, over every
//   attempt that answered the step; undefined (nullopt) when either is constant;
// - flags use `discrimination` (upper minus lower), which stays readable with few answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/model.h"

namespace posdrill {

// One recorded answer to a step, with the figures of the attempt it belongs to.
struct ItemAnswer {
  std::string attempt_uuid;
  std::string scenario_id;
  double attempt_score = 0;  // the attempt's total score (percent)
  std::string step_id;
  std::string choice_id;
  int64_t elapsed_ms = 0;  // time to answer
  int hints = 0;           // hints taken before answering
};

struct ItemChoice {
  std::string id;
  int chosen = 0;
  double share = 0;        // chosen / answered (0 when nobody answered)
  bool best = false;       // worth the step's most points
  bool in_content = true;  // false: recorded, but the loaded content no longer has this choice
};

// Flag codes, as the JSON prints them.
inline constexpr std::string_view flag_unused_choice = "unused_choice";        // a choice nobody took
inline constexpr std::string_view flag_strong_miss_best = "strong_miss_best";  // discrimination ≤ limit
inline constexpr std::string_view flag_too_easy = "too_easy";                  // facility ≥ limit

struct ItemStats {
  std::string scenario_id;
  std::string step_id;
  int answered = 0;
  std::optional<double> facility;        // none when nobody answered
  std::optional<double> discrimination;  // none with fewer than 2 answers
  std::optional<double> point_biserial;  // none when choice or score is constant
  double mean_ms = 0;
  double hint_share = 0;  // share of answers given after at least one hint
  std::vector<std::string> flags;
  std::vector<ItemChoice> choices;  // content order, then recorded-only choices by id
};

struct ItemOptions {
  // Flags are raised only on steps with at least this many answers: below it one person's slip
  // moves the figures more than the question does.
  int min_answers = 20;
  double too_easy_facility = 0.95;
  // "Near zero": a best answer the strongest trainees take hardly more often than the weakest.
  double weak_discrimination = 0.1;
  double group_share = 0.27;
};

// The figures for every decision step of every scenario in `scenarios` (content order, steps in
// file order), from `answers` (any order; answers to steps that are not decisions of the loaded
// content are ignored). Non-empty `scenario_id`: that scenario only.
std::vector<ItemStats> analyze_items(const std::vector<Scenario>& scenarios, const std::vector<ItemAnswer>& answers,
                                     std::string_view scenario_id = {}, const ItemOptions& options = {});

}  // namespace posdrill
