// AttemptRecorder: the evidence trail of one attempt, written as it happens. Each answered step is
// its own committed event, so a crash mid-attempt loses at most the answer being given; the
// closing row and any award it earns go in one transaction, so an award never exists without the
// pass that earned it.

#include "kiosk/store/recorder.h"

#include <algorithm>

#include "kiosk/core/certification.h"
#include "scenarios/result_json.h"
#include "scenarios/runner.h"

namespace posdrill {

AttemptRecorder::AttemptRecorder(SqliteStore& store, const std::vector<Scenario>& scenarios,
                                 const std::vector<Track>& tracks)
    : store_(store), scenarios_(scenarios), tracks_(tracks) {}

StoreStatus AttemptRecorder::begin(const std::string& operator_id, const Scenario& scenario, uint64_t seed, Lang lang,
                                   TerminalKind terminal, WallTime now_ms, std::string& uuid) {
  const auto op = store_.find_operator(operator_id);
  if (!op.ok()) return op.status;
  if (!op) return {StoreError::not_found, "no operator '" + operator_id + "'"};
  // A deactivated operator cannot sign in, so nothing may be recorded for them either.
  if (!op->active) return {StoreError::invalid, "operator '" + operator_id + "' is deactivated"};
  AttemptRow row;
  row.uuid = new_uuid();
  row.operator_id = operator_id;
  row.scenario_id = scenario.id;
  row.scenario_version = scenario.version;
  row.content_hash = scenario.content_hash;
  row.lang = lang;
  row.terminal = terminal;
  row.seed = seed;
  row.started_ms = now_ms;
  row.max_points = scenario.max_points;
  std::vector<OutboxStatement> statements;
  std::optional<OutboxStatement> draft;
  if (site_) {
    statements.push_back(attempted_statement(*site_, new_uuid(), *op, row, scenario, tracks_, now_ms));
    // Should a crash cut this attempt off, open() queues this with the end it finds: the LRS
    // learns how every attempt ended.
    AttemptRow cut = row;
    cut.abandoned = true;
    cut.ended_ms = now_ms;
    draft = result_statement(*site_, new_uuid(), *op, cut, scenario, tracks_, now_ms);
  }
  StoreStatus st = store_.begin_attempt(row, statements, draft);
  if (!st) return st;
  uuid = row.uuid;
  open_[uuid] = OpenAttempt{row, *op, find_scenario(scenarios_, scenario.id), 0};
  return st;
}

AttemptRecorder::OpenAttempt* AttemptRecorder::open_attempt(const std::string& uuid, StoreStatus& status) {
  if (auto it = open_.find(uuid); it != open_.end()) return &it->second;
  const StoreFound<AttemptRow> row = store_.attempt(uuid);
  status = row.status;
  if (!row) return nullptr;
  const StoreFound<OperatorRecord> op = store_.find_operator(row->operator_id);
  status = op.status;
  if (!op) return nullptr;
  // Continue after what is stored.
  const StoreList<AttemptEventRow> done = store_.events(uuid);
  status = done.status;
  if (!done.ok()) return nullptr;
  const std::size_t recorded = done.size();
  const Scenario* scenario = find_scenario(scenarios_, row->scenario_id);
  return &open_.emplace(uuid, OpenAttempt{*row, *op, scenario, recorded}).first->second;
}

StoreStatus AttemptRecorder::record_steps(const std::string& uuid, const AttemptResult& result, WallTime now_ms) {
  StoreStatus read;
  OpenAttempt* a = open_attempt(uuid, read);
  if (!a) return read ? StoreStatus{StoreError::not_found, "no attempt " + uuid} : read;
  if (a->recorded >= result.steps.size()) return {};
  // The debrief's own rule decides what is a mistake, so the manager's chart and the debrief agree.
  const std::vector<const StepRecord*> wrong = mistakes(result);
  for (std::size_t i = a->recorded; i < result.steps.size(); ++i) {
    const StepRecord& s = result.steps[i];
    AttemptEventRow e;
    e.attempt_uuid = uuid;
    e.seq = static_cast<int>(i) + 1;
    e.at_ms = now_ms;
    e.kind = "step";
    e.step_id = s.step_id;
    e.choice_id = s.choice_id;
    e.points = s.points;
    e.max_points = s.max_points;
    e.critical = s.critical;
    e.mistake = std::find(wrong.begin(), wrong.end(), &s) != wrong.end();
    e.payload = step_record_json(s).dump();
    std::vector<OutboxStatement> statements;
    if (site_ && a->scenario && (s.kind == StepKind::decision || s.kind == StepKind::terminal))
      statements.push_back(answered_statement(
          *site_, new_uuid(), a->op, a->row, *a->scenario, tracks_, e,
          AnswerFacts{s.elapsed_ms, static_cast<int>(s.hints_taken.size()), s.hint_cost, s.overtime}, now_ms));
    StoreStatus st = store_.add_event(e, statements);
    if (!st) return st;  // the steps before stay recorded; a retry continues from here
    a->recorded = i + 1;
  }
  return {};
}

StoreStatus AttemptRecorder::finish(const std::string& uuid, const AttemptResult& result, bool abandoned,
                                    WallTime now_ms, std::optional<AwardRow>* award) {
  if (award) award->reset();
  StoreStatus st = record_steps(uuid, result, now_ms);
  if (!st) return st;
  OpenAttempt* a = open_attempt(uuid, st);
  if (!a) return st ? StoreStatus{StoreError::not_found, "no attempt " + uuid} : st;
  AttemptRow row = a->row;
  row.ended_ms = now_ms;
  row.points = result.points;
  row.max_points = result.max_points;
  row.score = result.score;
  row.critical_errors = result.critical_errors;
  row.finished = result.finished && !abandoned;
  row.abandoned = abandoned || !result.finished;
  row.passed = row.finished && result.passed;

  std::optional<AwardRow> due;
  if (row.passed) {
    // The operator's history as it will be once this row is closed.
    // An award decided on records that could not be read could be made twice, or wrongly: the
    // attempt stays open (the next try, or a restart's recovery, closes it) and the error shows.
    StoreList<AttemptRow> history = store_.attempts(row.operator_id);
    if (!history.ok()) return history.status;
    history.erase(std::remove_if(history.begin(), history.end(), [&](const AttemptRow& h) { return h.uuid == uuid; }),
                  history.end());
    history.push_back(row);
    const StoreList<AwardRow> held = store_.awards(row.operator_id);
    if (!held.ok()) return held.status;
    // finish_attempt stores one award; should one pass complete two tracks at once, the first in
    // content order is stored now and the other on the operator's next pass.
    for (const Track& t : tracks_) {
      due = award_due(t, scenarios_, row.operator_id, history, held, now_ms);
      if (due) break;
    }
  }
  std::vector<OutboxStatement> statements;
  if (site_ && a->scenario) {
    // An end reached is `completed`, whatever the score, then passed or failed; an attempt that
    // reached none is abandoned.
    if (row.finished)
      statements.push_back(completed_statement(*site_, new_uuid(), a->op, row, *a->scenario, tracks_, now_ms));
    statements.push_back(result_statement(*site_, new_uuid(), a->op, row, *a->scenario, tracks_, now_ms));
    if (due)
      for (const Track& t : tracks_)
        if (t.id == due->track_id)
          statements.push_back(certification_statement(*site_, new_uuid(), a->op, *due, t, &row, now_ms));
  }
  st = store_.finish_attempt(row, due, statements);
  if (!st) return st;
  open_.erase(uuid);
  if (award) *award = due;
  return st;
}

}  // namespace posdrill
