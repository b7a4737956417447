#include "scenarios/runner.h"

#include <algorithm>
#include <cassert>

#include "scenarios/graph.h"

namespace posdrill {

namespace {

// splitmix64: a small, fully specified generator, so choice order is the same on every platform
// and standard library (std::shuffle and the std distributions are not).
uint64_t splitmix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

Runner::Runner(const Scenario& scenario, const Clock& clock, uint64_t seed, TerminalPort* terminal)
    : scenario_(scenario_for_seed(scenario, seed)), clock_(clock), seed_(seed), terminal_(terminal) {
  result_.scenario_id = scenario.id;
  result_.figures = scenario_.variant;
  result_.scenario_version = scenario.version;
  result_.content_hash = scenario.content_hash;
  result_.seed = seed;
  result_.max_points = scenario.max_points;
  result_.pass_mark = scenario.pass_mark;
  result_.started_ms = clock.now();
  enter(scenario.start);
}

int Runner::hints_left() const {
  if (finished()) return 0;
  return static_cast<int>(step_->hints.size()) - hints_taken_;
}

const StepRecord* Runner::last_answer() const {
  for (auto it = result_.steps.rbegin(); it != result_.steps.rend(); ++it)
    if (it->kind == StepKind::decision || it->kind == StepKind::terminal) return &*it;
  return nullptr;
}

void Runner::enter(const std::string& step_id) {
  const Step* before = step_;
  step_ = scenario_.find(step_id);
  assert(step_ && "validated scenarios only link to existing steps");
  entered_ms_ = clock_.now();
  hints_taken_ = 0;
  shown_.clear();
  const Step& st = *step_;
  // A question straight after another: the customer's line was answered there (a new line is
  // quoted in the new question's prompt).
  const auto question = [](const Step* s) {
    return s && (s->kind == StepKind::decision || s->kind == StepKind::terminal);
  };
  if (question(&st) && question(before)) scene_.customer = Text{};
  if (st.kind == StepKind::narrative || st.kind == StepKind::end) {
    // A new situation is a new moment: what the customer said before belongs to the old one (a
    // line left standing read as if they were still saying it after the answer had changed).
    if (!st.text.empty()) {
      scene_.text = st.text;
      scene_.customer = st.customer;
    } else if (!st.customer.empty()) {
      scene_.customer = st.customer;
    }
    // Nor does a customer who has left say anything.
    if (st.customer_card == CustomerCard::none && st.customer.empty()) scene_.customer = Text{};
    if (!st.terminal.empty()) scene_.terminal = st.terminal;
    if (!st.sms.empty()) scene_.sms.push_back(st.sms);
    std::vector<TerminalRecord> did;
    if (st.minutes_later > 0 && terminal_) terminal_->story_wait(int64_t(st.minutes_later) * 60'000);
    if (st.load_paper && terminal_) terminal_->story_load_paper();
    if (st.customer_card && terminal_) terminal_->story_customer_card(*st.customer_card);
    if (st.does) did = run_story_op(*st.does);
    Text bank_sms;  // every new message, one a line
    if (st.sms_from_bank && terminal_)
      for (Text& t : terminal_->take_bank_sms()) {
        scene_.sms.push_back(t);
        bank_sms.zh += (bank_sms.zh.empty() ? "" : "\n") + t.zh;
        bank_sms.en += (bank_sms.en.empty() ? "" : "\n") + t.en;
      }
    // What the story says the screen shows is what the twin shows.
    if (terminal_ && !st.terminal.empty()) terminal_->show_story_screen(st.terminal);
    StepRecord& rec = open_record();
    rec.text = st.text;
    rec.customer = st.customer;
    rec.terminal = st.terminal;
    rec.sms = st.sms_from_bank ? bank_sms : st.sms;
    rec.terminal_records = std::move(did);
    if (terminal_) rec.requirement_miss = requirement_miss(st.requirement, terminal_->facts());
    if (st.kind == StepKind::end) finish();
    return;
  }
  if (st.kind == StepKind::terminal) {
    task_before_ = terminal_ ? terminal_->facts() : TerminalFacts{};
    pending_inputs_.clear();
    pending_records_.clear();
  }
  if (st.kind == StepKind::decision) {
    for (const auto& c : st.choices) shown_.push_back(&c);
    if (st.shuffle) {
      uint64_t state = seed_ ^ fnv1a(st.id);
      for (std::size_t i = shown_.size(); i > 1; --i) std::swap(shown_[i - 1], shown_[splitmix(state) % i]);
    }
  }
}

StepRecord& Runner::open_record() {
  StepRecord rec;
  rec.step_id = step_->id;
  rec.kind = step_->kind;
  rec.prompt = step_->prompt;
  rec.max_points = step_->max_points();
  for (const Choice* c : shown_) rec.shown_choices.push_back(c->id);
  result_.steps.push_back(std::move(rec));
  return result_.steps.back();
}

// Time and overtime are charged when the trainee answers.
void Runner::close_record(StepRecord& rec, const std::string& next) {
  rec.elapsed_ms = clock_.now() - entered_ms_;
  rec.overtime = step_->time_limit_s > 0 && rec.elapsed_ms > int64_t(step_->time_limit_s) * 1000;
  for (int i = 0; i < hints_taken_; ++i) {
    rec.hints_taken.push_back(step_->hints[i].text);
    rec.hint_cost += step_->hints[i].cost;
  }
  result_.points += rec.points;
  result_.hint_cost += rec.hint_cost;
  if (rec.overtime) result_.overtime_penalty += scenario_.overtime_penalty;
  if (rec.critical) ++result_.critical_errors;
  enter(next);
}

void Runner::finish() {
  result_.finished = true;
  result_.ended_ms = clock_.now();
  int net = std::max(0, result_.points - result_.hint_cost - result_.overtime_penalty);
  result_.score = result_.max_points > 0 ? double(net) / result_.max_points : 0.0;
  result_.passed = result_.critical_errors == 0 && result_.max_points > 0 &&
                   int64_t(net) * 100 >= int64_t(result_.pass_mark) * result_.max_points;
}

void Runner::restart_step_clock() { entered_ms_ = clock_.now(); }

bool Runner::advance() {
  if (finished() || step_->kind != StepKind::narrative) return false;
  enter(step_->next);
  return true;
}

std::optional<Hint> Runner::take_hint() {
  if (hints_left() <= 0) return std::nullopt;
  return step_->hints[hints_taken_++];
}

bool Runner::choose(std::string_view choice_id) {
  if (finished() || step_->kind != StepKind::decision) return false;
  auto it =
      std::find_if(step_->choices.begin(), step_->choices.end(), [&](const Choice& c) { return c.id == choice_id; });
  if (it == step_->choices.end()) return false;
  std::vector<TerminalRecord> did;
  if (it->does) did = run_story_op(*it->does);
  StepRecord& rec = open_record();
  rec.choice_id = it->id;
  rec.points = it->points;
  rec.critical = it->critical;
  rec.feedback = it->feedback;
  rec.terminal_records = std::move(did);
  close_record(rec, it->next);
  return true;
}

std::vector<TerminalRecord> Runner::run_story_op(const StoryOp& op) {
  if (!terminal_) return {};
  return terminal_->story_operation(story_request(scenario_, op));
}

bool Runner::observe(const TerminalRecord& record) {
  if (finished() || step_->kind != StepKind::terminal) return false;
  const Step& st = *step_;
  // A look-up on the way to the task is fine: keep it with the step, wait for the real thing.
  if (record.op != st.task && !terminal_op_is_online(record.op)) {
    pending_records_.push_back(record);
    return true;
  }
  pending_records_.push_back(record);
  end_task(&pending_records_.back());
  return true;
}

bool Runner::give_up() {
  if (finished() || step_->kind != StepKind::terminal) return false;
  end_task(nullptr);
  return true;
}

void Runner::note_inputs(std::vector<KeyedInput> inputs) {
  if (finished() || step_->kind != StepKind::terminal) return;
  for (auto& i : inputs) pending_inputs_.push_back(std::move(i));
}

// Judges the task from everything the terminal did during it and the books before and after.
void Runner::end_task(const TerminalRecord* main) {
  const Step& st = *step_;
  TaskAttempt attempt;
  attempt.records = std::move(pending_records_);
  pending_records_.clear();
  if (main) attempt.main = &attempt.records.back();
  attempt.before = task_before_;
  attempt.after = terminal_ ? terminal_->facts() : TerminalFacts{};
  const OutcomeClass c = classify_outcome(st, attempt);
  const Outcome* o = select_outcome(st, c, attempt);
  StepRecord& rec = open_record();
  rec.unhandled = o == nullptr;
  if (!o) o = &fallback_outcome(st);
  rec.outcome = std::string(outcome_class_name(c));
  rec.terminal_records = std::move(attempt.records);
  rec.keyed = std::move(pending_inputs_);
  pending_inputs_.clear();
  rec.gave_up = main == nullptr;
  rec.critical = o->critical;
  rec.points = o->points;
  rec.success = !o->critical && o->points >= st.max_points();
  keyed_feedback(*o, attempt, rec.feedback);  // lint has proved every {keyed} it can reach has an amount
  close_record(rec, o->next);
}

// ---------------------------------------------------------------------------------------------

TerminalRequest request_for(const Scenario& scenario, const Step& task, TerminalOp op,
                            const TerminalRecord* last_lookup) {
  TerminalRequest req;
  req.op = op;
  if (task.expect.amount_minor)
    req.amount_minor = task.expect.amount_minor;
  else if (op != TerminalOp::balance_inquiry && op != TerminalOp::transaction_query && op != TerminalOp::reprint &&
           op != TerminalOp::settlement && op != TerminalOp::sign_on)
    req.amount_minor = scenario.setup.amount_minor;
  if (last_lookup && last_lookup->found_original) {
    req.original_auth_code = last_lookup->auth_code;
    req.original_date_mmdd = last_lookup->date_mmdd;
  }
  return req;
}

TerminalRequest story_request(const Scenario& scenario, const StoryOp& op) {
  TerminalRequest req;
  req.op = op.op;
  // A cancel releases the original's amount and a void takes it from the original: the port
  // quotes the original, amount included, unless the story names one.
  const bool from_original = op.op == TerminalOp::preauth_cancel || op.op == TerminalOp::void_sale;
  if (op.amount_minor)
    req.amount_minor = op.amount_minor;
  else if (!from_original && op.op != TerminalOp::balance_inquiry && op.op != TerminalOp::transaction_query &&
           op.op != TerminalOp::reprint && op.op != TerminalOp::settlement && op.op != TerminalOp::sign_on)
    req.amount_minor = scenario.setup.amount_minor;
  return req;
}

AutoPlayer::AutoPlayer(const Scenario& scenario, AutoMode mode)
    : scenario_(scenario), mode_(mode), best_(best_remaining(scenario, true)), critical_(reaches_critical(scenario)) {}

// How the critical player gets a terminal task onto a critical path: an outcome that is critical
// by its operation first; else, when doing the task right already leads to one, nothing special;
// else an outcome leading to one that it can produce (by its operation, or by giving up).
std::optional<AutoPlayer::Deviation> AutoPlayer::critical_choice(const Step& st) const {
  auto has = [](const Outcome& o, OutcomeClass c) {
    return o.when.classes.empty() || std::find(o.when.classes.begin(), o.when.classes.end(), c) != o.when.classes.end();
  };
  for (const Outcome& o : st.outcomes)
    if (o.critical && !o.when.ops.empty()) return Deviation{o.when.ops.front(), false};
  for (const Outcome& o : st.outcomes)
    if (has(o, OutcomeClass::done) && (o.when.ops.empty() || o.when.ops.front() == st.task)) {
      if (o.critical || critical_.at(o.next)) return std::nullopt;
      break;
    }
  for (const Outcome& o : st.outcomes) {
    if (!o.critical && !critical_.at(o.next)) continue;
    if (!o.when.ops.empty()) return Deviation{o.when.ops.front(), false};
    if (!o.when.classes.empty() && has(o, OutcomeClass::nothing_online)) return Deviation{st.task, true};
  }
  return std::nullopt;
}

AutoAction AutoPlayer::next(const Runner& runner, const TerminalRecord* last_lookup) const {
  AutoAction a;
  const Step& st = runner.step();
  switch (st.kind) {
    case StepKind::narrative:
    case StepKind::end:
      a.kind = AutoAction::advance;
      return a;
    case StepKind::decision: {
      a.kind = AutoAction::choose;
      const Choice* pick = chooser_ ? chooser_(st) : nullptr;
      if (!pick && mode_ == AutoMode::critical) {
        // First in file order that is critical or leads to one; else fall back to the best.
        for (const auto& c : st.choices)
          if (c.critical || critical_.at(c.next)) {
            pick = &c;
            break;
          }
      }
      if (!pick) {
        int top = -1;
        for (const auto& c : st.choices) {
          if (c.critical) continue;
          int v = c.points + best_.at(c.next);
          if (v > top) {
            top = v;
            pick = &c;
          }
        }
      }
      if (!pick) pick = &st.choices.front();
      a.choice_id = pick->id;
      return a;
    }
    case StepKind::terminal: {
      a.kind = AutoAction::terminal;
      TerminalOp op = st.task;
      if (mode_ == AutoMode::critical) {
        if (const auto critical = critical_choice(st)) {
          if (critical->give_up) {
            a.kind = AutoAction::give_up;
            return a;
          }
          op = critical->op;
        }
      }
      if (op == st.task && st.expect.references_original.value_or(false) &&
          !(last_lookup && last_lookup->found_original) && st.task != TerminalOp::transaction_query)
        op = TerminalOp::transaction_query;  // find the original first, as a trainee should
      a.request = request_for(scenario_, st, op, last_lookup);
      return a;
    }
  }
  return a;
}

void perform_on_terminal(Runner& runner, TerminalPort& terminal, const TerminalRequest& request,
                         std::optional<TerminalRecord>& last_lookup) {
  terminal.request(request);
  for (const auto& r : terminal.poll()) {
    if (r.op == TerminalOp::transaction_query) last_lookup = r;
    runner.observe(r);
  }
}

AttemptResult play_auto(const Scenario& base, AutoMode mode, uint64_t seed, TerminalPort& terminal, FakeClock& clock,
                        int64_t answer_ms, const Chooser& chooser) {
  const Scenario& scenario = scenario_for_seed(base, seed);
  // Each step takes at most a few actions (a look-up, then the task); this bound only stops a bug.
  const std::size_t max_actions = 4 * scenario.steps.size() + 16;
  terminal.prepare(scenario.setup);
  Runner runner(scenario, clock, seed, &terminal);
  AutoPlayer player(scenario, mode);
  if (chooser) player.choose_with(chooser);
  std::optional<TerminalRecord> last_lookup;
  for (std::size_t n = 0; n < max_actions && !runner.finished(); ++n) {
    AutoAction a = player.next(runner, last_lookup ? &*last_lookup : nullptr);
    if (a.kind == AutoAction::advance) {
      runner.advance();
      continue;
    }
    clock.advance_ms(answer_ms);
    if (a.kind == AutoAction::choose)
      runner.choose(a.choice_id);
    else if (a.kind == AutoAction::give_up)
      runner.give_up();
    else
      perform_on_terminal(runner, terminal, a.request, last_lookup);
  }
  return runner.result();
}

std::vector<const StepRecord*> mistakes(const AttemptResult& result) {
  std::vector<const StepRecord*> out;
  for (const StepRecord& r : result.steps) {
    const bool answered = r.kind == StepKind::decision || r.kind == StepKind::terminal;
    if (!answered) continue;
    if (r.critical || r.points < r.max_points || r.gave_up || (r.kind == StepKind::terminal && !r.success))
      out.push_back(&r);
  }
  return out;
}

}  // namespace posdrill
