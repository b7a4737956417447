#include "scenarios/result_json.h"

namespace posdrill {

using nlohmann::json;

json text_json(const Text& t) { return {{"zh", t.zh}, {"en", t.en}}; }

json terminal_record_json(const TerminalRecord& r) {
  json j = {{"op", terminal_op_name(r.op)},
            {"response_code", r.response_code},
            {"amount", format_amount(r.amount_minor)},
            {"reversal_sent", r.reversal_sent},
            {"reversal_failed", r.reversal_failed},
            {"references_original", r.references_original},
            {"found_original", r.found_original},
            {"screen", text_json(r.screen)}};
  if (!r.auth_code.empty()) j["auth_code"] = r.auth_code;
  if (!r.source.empty()) j["source"] = r.source;
  return j;
}

json step_record_json(const StepRecord& r) {
  json j = {{"step", r.step_id}, {"kind", step_kind_name(r.kind)}};
  auto opt = [&](const char* key, const Text& t) {
    if (!t.empty()) j[key] = text_json(t);
  };
  opt("text", r.text);
  opt("customer", r.customer);
  opt("terminal", r.terminal);
  opt("sms", r.sms);
  if (r.kind == StepKind::decision || r.kind == StepKind::terminal) {
    opt("prompt", r.prompt);
    if (r.kind == StepKind::decision) {
      j["shown_choices"] = r.shown_choices;
      j["choice"] = r.choice_id;
    } else {
      j["terminal_records"] = json::array();
      for (const auto& t : r.terminal_records) j["terminal_records"].push_back(terminal_record_json(t));
      j["success"] = r.success;
      j["gave_up"] = r.gave_up;
      j["outcome"] = r.outcome;
      j["keyed"] = json::array();
      for (const auto& k : r.keyed) j["keyed"].push_back({{"input", k.input}, {"screen", text_json(k.screen)}});
    }
    j["hints"] = json::array();
    for (const auto& h : r.hints_taken) j["hints"].push_back(text_json(h));
    j["points"] = r.points;
    j["max_points"] = r.max_points;
    j["hint_cost"] = r.hint_cost;
    j["critical"] = r.critical;
    j["overtime"] = r.overtime;
    j["elapsed_ms"] = r.elapsed_ms;
    opt("feedback", r.feedback);
  }
  return j;
}

json result_json(const AttemptResult& r) {
  json steps = json::array();
  for (const auto& s : r.steps) steps.push_back(step_record_json(s));
  json j = {{"scenario", r.scenario_id},
            {"version", r.scenario_version},
            {"content_hash", r.content_hash},
            {"seed", r.seed},
            {"finished", r.finished},
            {"passed", r.passed},
            {"score", r.score},
            {"points", r.points},
            {"max_points", r.max_points},
            {"hint_cost", r.hint_cost},
            {"overtime_penalty", r.overtime_penalty},
            {"critical_errors", r.critical_errors},
            {"pass_mark", r.pass_mark},
            {"duration_ms", r.ended_ms - r.started_ms},
            {"steps", steps}};
  if (r.figures > 0) j["figures"] = r.figures;  // which set of figures the seed picked
  return j;
}

json catalog_entry_json(const Scenario& s) {
  return {{"id", s.id},
          {"version", s.version},
          {"topic", topic_id(s.topic)},
          {"title", text_json(s.title)},
          {"summary", text_json(s.summary)},
          {"difficulty", s.difficulty},
          {"minutes", s.minutes},
          {"pass_mark", s.pass_mark},
          {"decisions", s.decision_count()},
          {"critical", s.critical_count()},
          {"file", s.file},
          {"content_hash", s.content_hash}};
}

json diagnostic_json(const Diagnostic& d) {
  return {{"file", d.file}, {"line", d.line}, {"column", d.column}, {"message", d.message}};
}

}  // namespace posdrill
