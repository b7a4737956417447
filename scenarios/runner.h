// The scenario runner: a deterministic state machine over a validated Scenario.
//
// The front end (CLI, kiosk, tests) shows runner.step() and the scene, then calls exactly one of
// advance() (narrative), choose() (decision), observe()/give_up() (terminal task); take_hint()
// may come first. Time comes from the injected Clock, choice order from the seed: the same
// scenario, seed, inputs and clock give the same AttemptResult every time.
//
// Scoring: score = (points - hint costs - overtime penalties) / scenario.max_points, never below
// zero; passed = no critical error and score >= pass mark.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scenarios/clock.h"
#include "scenarios/model.h"
#include "scenarios/outcome.h"

namespace posdrill {

// What is on the screens right now: narratives change it, it persists until changed.
struct Scene {
  Text text;
  Text customer;
  Text terminal;
  std::vector<Text> sms;  // the customer's phone, oldest first
};

// One step as the trainee met it. Enough to replay the attempt later.
struct StepRecord {
  std::string step_id;
  StepKind kind = StepKind::narrative;
  // shown
  Text text, customer, terminal, sms;      // narrative / end
  Text prompt;                             // decision / terminal
  std::vector<std::string> shown_choices;  // choice ids in the order shown
  std::vector<Text> hints_taken;
  // answered
  std::string choice_id;  // decision
  // terminal: everything the terminal did, in order; narrative / decision: what the story itself
  // did on the terminal (StoryOp)
  std::vector<TerminalRecord> terminal_records;
  std::vector<KeyedInput> keyed;  // terminal: what the trainee keyed, and the screens it led to
  bool success = false;           // terminal: the outcome earned the task's full points
  bool gave_up = false;           // terminal: the trainee stopped without doing it
  std::string outcome;            // terminal: the OutcomeClass name ("done", "wrong_keying" ...)
  bool unhandled = false;         // terminal: no outcome handled it (fallback_outcome was taken)
  // narrative / end: what of its `requires:` did not hold ("" = all held, or nothing required)
  std::string requirement_miss;
  int points = 0;
  int max_points = 0;
  int hint_cost = 0;
  bool critical = false;
  bool overtime = false;
  int64_t elapsed_ms = 0;
  Text feedback;
};

struct AttemptResult {
  std::string scenario_id;
  int scenario_version = 0;
  std::string content_hash;
  uint64_t seed = 0;
  int figures = 0;  // the set of figures played (Scenario::variant): 1-based, 0 when the file has none
  std::vector<StepRecord> steps;
  int points = 0;
  int max_points = 0;
  int hint_cost = 0;
  int overtime_penalty = 0;
  int critical_errors = 0;
  int pass_mark = 0;
  double score = 0;  // 0..1
  bool finished = false;
  bool passed = false;
  MonoTime started_ms;  // the steady clock (not a record's wall time: the recorder stamps those)
  MonoTime ended_ms;
};

// The step records the debrief, the records and the statements list as mistakes: critical, or
// fewer points than the most the step could earn, or a terminal task not done.
std::vector<const StepRecord*> mistakes(const AttemptResult& result);

class Runner {
 public:
  // `scenario`, `clock` and `terminal` must outlive the runner. A scenario with figures that vary
  // plays the variant `seed` picks (scenario_for_seed); prepare `terminal` with that variant's
  // setup. With a prepared `terminal`, the
  // story runs its own operations there (StoryOp), shows narratives' terminal texts on it, and
  // judges tasks and `requires:` with its facts; without one (a real terminal the kiosk cannot
  // read), tasks are judged from the records alone.
  Runner(const Scenario& scenario, const Clock& clock, uint64_t seed, TerminalPort* terminal = nullptr);

  const Scenario& scenario() const { return scenario_; }
  const Step& step() const { return *step_; }
  const Scene& scene() const { return scene_; }
  bool finished() const { return result_.finished; }
  // Decision: the choices in the order shown to the trainee.
  const std::vector<const Choice*>& shown_choices() const { return shown_; }
  // Hints still unopened at this step.
  int hints_left() const;
  // The record of the last answered decision or terminal task (for feedback), or null.
  const StepRecord* last_answer() const;
  const AttemptResult& result() const { return result_; }

  // Each returns false (and changes nothing) when it does not fit the current step.
  bool advance();                           // narrative
  bool choose(std::string_view choice_id);  // decision
  std::optional<Hint> take_hint();          // decision / terminal
  // Terminal: a record of something the terminal did. Offline look-ups (transaction_query,
  // reprint) that are not the task are kept but do not end the step; any other operation does.
  bool observe(const TerminalRecord& record);
  bool give_up();  // terminal: counts as not done
  // The current step's time starts again from now (a re-drill reached it by the best path, and its
  // time counts from when the trainee starts, not from the recap before it).
  void restart_step_clock();
  // What the trainee keyed at the terminal during the current task (kept with its record).
  void note_inputs(std::vector<KeyedInput> inputs);
  // What has been keyed so far in the current terminal task (moved to its record when it ends).
  const std::vector<KeyedInput>& pending_inputs() const { return pending_inputs_; }

 private:
  void enter(const std::string& step_id);
  StepRecord& open_record();
  void close_record(StepRecord& rec, const std::string& next);
  void finish();
  void end_task(const TerminalRecord* main);
  std::vector<TerminalRecord> run_story_op(const StoryOp& op);

  const Scenario& scenario_;
  const Clock& clock_;
  uint64_t seed_;
  TerminalPort* terminal_;
  TerminalFacts task_before_;               // the facts when the current terminal task began
  std::vector<KeyedInput> pending_inputs_;  // keyed during the current terminal task
  const Step* step_ = nullptr;
  Scene scene_;
  std::vector<const Choice*> shown_;
  MonoTime entered_ms_;
  int hints_taken_ = 0;
  std::vector<TerminalRecord> pending_records_;  // look-ups made during the current terminal step
  AttemptResult result_;
};

// Automatic play for `posdrill play --auto`, goldens and benchmarks.
enum class AutoMode {
  best,      // the highest-scoring path without critical errors
  critical,  // the first path (in file order) that makes a critical error
};

struct AutoAction {
  enum Kind { advance, choose, terminal, give_up } kind = advance;
  std::string choice_id;
  TerminalRequest request;  // for terminal
};

// Picks the answer at a question in place of the automatic player's own rule: a model of a trainee
// (lint's blind check, cmd_lint.cpp). Returns one of the question's choices.
using Chooser = std::function<const Choice*(const Step& question)>;

class AutoPlayer {
 public:
  AutoPlayer(const Scenario& scenario, AutoMode mode);
  // Answers every question with `chooser`; terminal tasks as `mode` does them.
  void choose_with(Chooser chooser) { chooser_ = std::move(chooser); }
  // The next action at the runner's current step. `last_lookup` is the most recent
  // transaction_query record, used to quote the original in a completion.
  AutoAction next(const Runner& runner, const TerminalRecord* last_lookup) const;

 private:
  struct Deviation {
    TerminalOp op = TerminalOp::sale;
    bool give_up = false;
  };
  std::optional<Deviation> critical_choice(const Step& st) const;

  const Scenario& scenario_;
  AutoMode mode_;
  Chooser chooser_;
  std::unordered_map<std::string, int> best_;
  std::unordered_map<std::string, bool> critical_;
};

// Sends `request` to the terminal and feeds every record it reports back to the runner. Keeps the
// most recent transaction look-up in `last_lookup` (a completion quotes the original from it).
void perform_on_terminal(Runner& runner, TerminalPort& terminal, const TerminalRequest& request,
                         std::optional<TerminalRecord>& last_lookup);

// A whole attempt by the automatic player at the variant `seed` picks. Prepares `terminal` for it and charges
// `answer_ms` of `clock` per answer. `finished` is false only if the attempt never reaches an end
// within a generous bound of actions, which a validated scenario cannot do.
// `chooser` (optional) answers the questions instead of `mode`'s rule.
AttemptResult play_auto(const Scenario& scenario, AutoMode mode, uint64_t seed, TerminalPort& terminal,
                        FakeClock& clock, int64_t answer_ms = 10'000, const Chooser& chooser = {});

// Fills in the request for a task operation the way a trainee who did it right would key it:
// the task's amount (or the story's), and the original's auth code and date from a look-up.
TerminalRequest request_for(const Scenario& scenario, const Step& task, TerminalOp op,
                            const TerminalRecord* last_lookup);
// The request for an operation the story performs itself (the port quotes the original).
TerminalRequest story_request(const Scenario& scenario, const StoryOp& op);

}  // namespace posdrill
