// Statement builders (statements.h). nlohmann::ordered_json keeps the properties in the order
// written here, so the bytes are stable and readable in the outbox.

#include "kiosk/sync/statements.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <set>

#include "base/calendar.h"
#include "base/percent.h"

namespace posdrill {

namespace {

using Json = nlohmann::ordered_json;

std::string with_slash(std::string base) {
  if (base.empty() || base.back() != '/') base += '/';
  return base;
}

// Path segments of our IRIs come from content ids (letters, digits, _ - .): safe as they are,
// but escape anything else so a strange id can never break the IRI.
std::string segment(const std::string& id) {
  return percent_encode(id, [](unsigned char c) { return is_unreserved(c) && c != '~'; });
}

Json lang_map(const Text& t) {
  Json m = Json::object();
  if (!t.zh.empty()) m["zh-CN"] = t.zh;
  if (!t.en.empty()) m["en-US"] = t.en;
  return m;
}

const char* lang_tag(Lang l) { return l == Lang::zh ? "zh-CN" : "en-US"; }

Json actor(const LrsConfig& c, const OperatorRecord& op) {
  Json a;
  a["objectType"] = "Agent";
  if (!op.name.empty()) a["name"] = op.name;
  a["account"] = {{"homePage", c.home_page}, {"name", op.employee_id}};
  return a;
}

Json verb(const char* iri, const char* en, const char* zh) {
  return {{"id", iri}, {"display", {{"en-US", en}, {"zh-CN", zh}}}};
}

Json scenario_object(const LrsConfig& c, const Scenario& s) {
  Json o;
  o["objectType"] = "Activity";
  o["id"] = scenario_iri(c, s.id);
  o["definition"] = {{"type", "http://adlnet.gov/expapi/activities/simulation"}, {"name", lang_map(s.title)}};
  return o;
}

Json track_object(const LrsConfig& c, const Track& t) {
  Json o;
  o["objectType"] = "Activity";
  o["id"] = track_iri(c, t.id);
  Json def;
  def["type"] = with_slash(c.base_iri) + "activity-types/certification";
  def["name"] = lang_map(t.title);
  if (!t.summary.empty()) def["description"] = lang_map(t.summary);
  o["definition"] = def;
  return o;
}

Json context(const StatementSite& site, const AttemptRow& a, const Scenario& s, const std::vector<Track>& tracks,
             bool with_parent) {
  const LrsConfig& c = site.lrs;
  Json ctx;
  ctx["registration"] = a.uuid;
  Json ca = Json::object();
  if (with_parent) ca["parent"] = Json::array({scenario_object(c, s)});
  Json grouping = Json::array();
  for (const Track& t : tracks) {
    bool in = false;
    for (const auto& topic : t.topics) in = in || topic == s.topic;
    for (const auto& r : t.required) in = in || r == s.id;
    if (in) grouping.push_back(track_object(c, t));
  }
  if (!grouping.empty()) ca["grouping"] = grouping;
  if (!ca.empty()) ctx["contextActivities"] = ca;
  ctx["platform"] = site.platform;
  ctx["language"] = lang_tag(a.lang);
  Json ext;
  ext[extension_iri(c, "kiosk-id")] = site.kiosk_id;
  if (!site.store_id.empty()) ext[extension_iri(c, "store-id")] = site.store_id;
  ext[extension_iri(c, "scenario-version")] = a.scenario_version;
  ext[extension_iri(c, "content-hash")] = a.content_hash;
  ext[extension_iri(c, "terminal")] = a.terminal == TerminalKind::real ? "real" : "emulated";
  ctx["extensions"] = ext;
  return ctx;
}

OutboxStatement finish(const std::string& id, const AttemptRow* a, const char* short_verb, Json st, WallTime now_ms) {
  OutboxStatement out;
  out.id = id;
  out.attempt_uuid = a ? a->uuid : std::string();
  out.verb = short_verb;
  out.created_ms = now_ms;
  out.body = st.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return out;
}

}  // namespace

std::string scenario_iri(const LrsConfig& c, const std::string& id) {
  return with_slash(c.base_iri) + "scenarios/" + segment(id);
}
std::string track_iri(const LrsConfig& c, const std::string& id) {
  return with_slash(c.base_iri) + "tracks/" + segment(id);
}
std::string step_iri(const LrsConfig& c, const std::string& scenario_id, const std::string& step_id) {
  return scenario_iri(c, scenario_id) + "/steps/" + segment(step_id);
}
std::string extension_iri(const LrsConfig& c, const std::string& name) {
  return with_slash(c.base_iri) + "extensions/" + segment(name);
}

std::string actor_json(const LrsConfig& c, const std::string& employee_id) {
  Json a;
  a["objectType"] = "Agent";
  a["account"] = {{"homePage", c.home_page}, {"name", employee_id}};
  return a.dump();
}

std::string xapi_timestamp(WallTime at) {
  const CivilTime t = civil_time(at.ms());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.month, t.day, t.hour, t.minute,
                t.second, t.millisecond);
  return buf;
}

std::string xapi_duration(int64_t ms) {
  if (ms < 0) ms = 0;
  const int64_t centis = (ms + 5) / 10;  // 0.01 s precision
  const int64_t h = centis / 360000, m = centis / 6000 % 60, s = centis / 100 % 60, cs = centis % 100;
  std::string out = "PT";
  if (h) out += std::to_string(h) + "H";
  if (m) out += std::to_string(m) + "M";
  char buf[64];
  if (cs == 0) {
    std::snprintf(buf, sizeof buf, "%lldS", static_cast<long long>(s));
  } else if (cs % 10 == 0) {
    std::snprintf(buf, sizeof buf, "%lld.%lldS", static_cast<long long>(s), static_cast<long long>(cs / 10));
  } else {
    std::snprintf(buf, sizeof buf, "%lld.%02lldS", static_cast<long long>(s), static_cast<long long>(cs));
  }
  if (s || cs || (!h && !m)) out += buf;
  return out;
}

OutboxStatement attempted_statement(const StatementSite& site, const std::string& statement_id,
                                    const OperatorRecord& op, const AttemptRow& attempt, const Scenario& scenario,
                                    const std::vector<Track>& tracks, WallTime now_ms) {
  Json st;
  st["id"] = statement_id;
  st["actor"] = actor(site.lrs, op);
  st["verb"] = verb(xapi::verb_attempted, "attempted", "尝试");
  st["object"] = scenario_object(site.lrs, scenario);
  st["context"] = context(site, attempt, scenario, tracks, false);
  st["timestamp"] = xapi_timestamp(now_ms);
  return finish(statement_id, &attempt, "attempted", std::move(st), now_ms);
}

OutboxStatement answered_statement(const StatementSite& site, const std::string& statement_id, const OperatorRecord& op,
                                   const AttemptRow& attempt, const Scenario& scenario,
                                   const std::vector<Track>& tracks, const AttemptEventRow& event,
                                   const AnswerFacts& facts, WallTime now_ms) {
  const Step* step = scenario.find(event.step_id);
  Json obj;
  obj["objectType"] = "Activity";
  obj["id"] = step_iri(site.lrs, scenario.id, event.step_id);
  Json def;
  def["type"] = "http://adlnet.gov/expapi/activities/cmi.interaction";
  if (step && !step->prompt.empty()) def["name"] = lang_map(step->prompt);
  // A decision is a choice among the step's options; a terminal task is "performance" (done on
  // the terminal, scored from what the terminal reported).
  const bool decision = !event.choice_id.empty() || (step && step->kind == StepKind::decision);
  def["interactionType"] = decision ? "choice" : "performance";
  if (decision && step) {
    Json choices = Json::array();
    for (const auto& ch : step->choices) choices.push_back({{"id", ch.id}, {"description", lang_map(ch.text)}});
    if (!choices.empty()) def["choices"] = choices;
    // The right answers: each choice worth the step's full points is a correct response alone.
    Json correct = Json::array();
    const int best = step->max_points();
    for (const auto& ch : step->choices)
      if (best > 0 && ch.points == best) correct.push_back(ch.id);
    if (!correct.empty()) def["correctResponsesPattern"] = correct;
  }
  obj["definition"] = def;

  Json result;
  result["score"] = {{"raw", event.points}, {"min", 0}, {"max", event.max_points}};
  if (event.max_points > 0) {
    const double scaled = static_cast<double>(event.points) / event.max_points;
    result["score"]["scaled"] = scaled < -1 ? -1.0 : scaled > 1 ? 1.0 : scaled;
  }
  result["success"] = !event.mistake;
  if (decision) result["response"] = event.choice_id;
  result["duration"] = xapi_duration(facts.elapsed_ms);
  Json ext;
  ext[extension_iri(site.lrs, "critical")] = event.critical;
  ext[extension_iri(site.lrs, "hints-used")] = facts.hints_used;
  ext[extension_iri(site.lrs, "hint-cost")] = facts.hint_cost;
  ext[extension_iri(site.lrs, "overtime")] = facts.overtime;
  result["extensions"] = ext;

  Json st;
  st["id"] = statement_id;
  st["actor"] = actor(site.lrs, op);
  st["verb"] = verb(xapi::verb_answered, "answered", "回答");
  st["object"] = obj;
  st["result"] = result;
  st["context"] = context(site, attempt, scenario, tracks, true);
  st["timestamp"] = xapi_timestamp(now_ms);
  return finish(statement_id, &attempt, "answered", std::move(st), now_ms);
}

OutboxStatement completed_statement(const StatementSite& site, const std::string& statement_id,
                                    const OperatorRecord& op, const AttemptRow& attempt, const Scenario& scenario,
                                    const std::vector<Track>& tracks, WallTime now_ms) {
  const WallTime end = attempt.ended_ms.is_set() ? attempt.ended_ms : now_ms;
  Json st;
  st["id"] = statement_id;
  st["actor"] = actor(site.lrs, op);
  st["verb"] = verb(xapi::verb_completed, "completed", "完成");
  st["object"] = scenario_object(site.lrs, scenario);
  st["result"] = {{"completion", true}, {"duration", xapi_duration(end - attempt.started_ms)}};
  st["context"] = context(site, attempt, scenario, tracks, false);
  st["timestamp"] = xapi_timestamp(end);
  return finish(statement_id, &attempt, "completed", std::move(st), now_ms);
}

OutboxStatement result_statement(const StatementSite& site, const std::string& statement_id, const OperatorRecord& op,
                                 const AttemptRow& attempt, const Scenario& scenario, const std::vector<Track>& tracks,
                                 WallTime now_ms) {
  const WallTime end = attempt.ended_ms.is_set() ? attempt.ended_ms : now_ms;
  Json st;
  st["id"] = statement_id;
  st["actor"] = actor(site.lrs, op);
  const char* short_verb;
  Json result;
  if (attempt.finished) {
    short_verb = attempt.passed ? "passed" : "failed";
    st["verb"] =
        attempt.passed ? verb(xapi::verb_passed, "passed", "通过") : verb(xapi::verb_failed, "failed", "未通过");
    Json score;
    double scaled = attempt.score < 0 ? 0 : attempt.score > 1 ? 1 : attempt.score;
    // Rounded to 4 places: a stable number in the bytes, and still >= the pass mark when passed.
    scaled = static_cast<double>(static_cast<int64_t>(scaled * 10000 + 0.5)) / 10000;
    score["scaled"] = scaled;
    score["raw"] = attempt.points < 0 ? 0 : attempt.points;
    score["min"] = 0;
    score["max"] = attempt.max_points;
    if (attempt.points > attempt.max_points) score["raw"] = attempt.max_points;
    result["score"] = score;
    result["success"] = attempt.passed;
    result["completion"] = true;
  } else {
    short_verb = "abandoned";
    st["verb"] = verb(xapi::verb_abandoned, "abandoned", "放弃");
    result["completion"] = false;
  }
  result["duration"] = xapi_duration(end - attempt.started_ms);
  Json ext;
  ext[extension_iri(site.lrs, "critical-errors")] = attempt.critical_errors;
  result["extensions"] = ext;
  st["object"] = scenario_object(site.lrs, scenario);
  st["result"] = result;
  st["context"] = context(site, attempt, scenario, tracks, false);
  st["timestamp"] = xapi_timestamp(end);
  return finish(statement_id, &attempt, short_verb, std::move(st), now_ms);
}

std::string stamp_abandoned(std::string_view draft_body, WallTime started_ms, WallTime ended_ms) {
  Json st = Json::parse(draft_body, nullptr, false);
  if (st.is_discarded() || !st.is_object() || !st.contains("result") || !st["result"].is_object()) return "";
  st["timestamp"] = xapi_timestamp(ended_ms);
  st["result"]["duration"] = xapi_duration(ended_ms - started_ms);
  // The builders' own serialisation (finish()), so a stamped draft reads like any other statement.
  return st.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

OutboxStatement certification_statement(const StatementSite& site, const std::string& statement_id,
                                        const OperatorRecord& op, const AwardRow& award, const Track& track,
                                        const AttemptRow* earned_by, WallTime now_ms) {
  Json st;
  st["id"] = statement_id;
  st["actor"] = actor(site.lrs, op);
  st["verb"] = verb(xapi::verb_passed, "passed", "通过");
  st["object"] = track_object(site.lrs, track);
  Json result;
  result["success"] = true;
  result["completion"] = true;
  Json rext;
  rext[extension_iri(site.lrs, "expires")] = xapi_timestamp(award.expires_ms);
  rext[extension_iri(site.lrs, "basis")] = award.basis;  // the attempt uuids (registrations) that earned it
  result["extensions"] = rext;
  st["result"] = result;
  Json ctx;
  if (earned_by) ctx["registration"] = earned_by->uuid;
  ctx["platform"] = site.platform;
  if (earned_by) ctx["language"] = lang_tag(earned_by->lang);
  Json ext;
  ext[extension_iri(site.lrs, "kiosk-id")] = site.kiosk_id;
  if (!site.store_id.empty()) ext[extension_iri(site.lrs, "store-id")] = site.store_id;
  ext[extension_iri(site.lrs, "track-version")] = award.track_version;
  ctx["extensions"] = ext;
  st["context"] = ctx;
  st["timestamp"] = xapi_timestamp(award.awarded_ms);
  return finish(statement_id, earned_by, "certified", std::move(st), now_ms);
}

namespace {

// Definitions already given in this batch leave the context activities after them.
bool strip_repeated_definitions(Json& st, std::set<std::string>& defined) {
  bool changed = false;
  if (st.contains("object") && st["object"].is_object() && st["object"].contains("definition") &&
      st["object"].contains("id") && st["object"]["id"].is_string())
    defined.insert(st["object"]["id"].get<std::string>());
  if (!st.contains("context") || !st["context"].is_object()) return false;
  Json& ctx = st["context"];
  if (!ctx.contains("contextActivities") || !ctx["contextActivities"].is_object()) return false;
  for (auto& [kind, list] : ctx["contextActivities"].items()) {
    if (!list.is_array()) continue;
    for (Json& activity : list) {
      if (!activity.is_object() || !activity.contains("id") || !activity["id"].is_string() ||
          !activity.contains("definition"))
        continue;
      if (!defined.insert(activity["id"].get<std::string>()).second) {
        activity.erase("definition");
        changed = true;
      }
    }
  }
  return changed;
}

}  // namespace

std::string batch_body(const std::vector<std::string_view>& bodies, std::size_t* stripped) {
  std::string out = "[";
  std::size_t saved = 0;
  std::set<std::string> defined;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    if (i) out += ',';
    Json st = Json::parse(bodies[i], nullptr, false);
    // Unchanged statements go as their stored bytes; a changed one is written as the builders
    // write (finish()), so the same batch always gives the same bytes.
    if (!st.is_discarded() && st.is_object() && strip_repeated_definitions(st, defined)) {
      const std::string lean = st.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      saved += bodies[i].size() > lean.size() ? bodies[i].size() - lean.size() : 0;
      out += lean;
    } else {
      out += bodies[i];
    }
  }
  if (stripped) *stripped = saved;
  return out + ']';
}

bool parse_xapi_timestamp(const std::string& s, WallTime& out) {
  int y, mo, d, h, mi;
  double sec;
  char tail[16] = {0};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%15s", &y, &mo, &d, &h, &mi, &sec, tail) < 6) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || !(sec >= 0 && sec < 61))
    return false;
  int64_t ms = civil_ms({y, mo, d, h, mi, 0}) + static_cast<int64_t>(sec * 1000 + 0.5);
  const std::string t = tail;
  if (!t.empty() && t != "Z" && (t[0] == '+' || t[0] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(t.c_str() + 1, "%2d:%2d", &oh, &om) < 1) return false;
    const int64_t off = (oh * 60 + om) * 60'000LL;
    ms += t[0] == '+' ? -off : off;
  }
  out = WallTime{ms};
  return true;
}

bool parse_remote_awards(const LrsConfig& c, const std::string& employee_id, const std::string& body,
                         std::vector<RemoteAward>& out, std::string& more, std::string& error) {
  more.clear();
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("statements") || !doc["statements"].is_array()) {
    error = "the LRS answer is not a statement result ({\"statements\": [...]})";
    return false;
  }
  if (doc.contains("more") && doc["more"].is_string()) more = doc["more"].get<std::string>();
  const std::string prefix = with_slash(c.base_iri) + "tracks/";
  for (const auto& st : doc["statements"]) {
    if (!st.is_object()) continue;
    const auto id = st.value("id", std::string());
    const auto verb_id = st.contains("verb") && st["verb"].is_object() ? st["verb"].value("id", std::string()) : "";
    if (verb_id != xapi::verb_passed) continue;
    if (!st.contains("object") || !st["object"].is_object()) continue;
    const auto obj = st["object"].value("id", std::string());
    if (obj.rfind(prefix, 0) != 0) continue;
    const auto& a = st.value("actor", nlohmann::json::object());
    if (!a.is_object() || !a.contains("account") || !a["account"].is_object()) continue;
    if (a["account"].value("name", std::string()) != employee_id ||
        a["account"].value("homePage", std::string()) != c.home_page)
      continue;
    RemoteAward r;
    r.statement_id = id;
    r.operator_id = employee_id;
    r.track_id = obj.substr(prefix.size());
    if (!parse_xapi_timestamp(st.value("timestamp", std::string()), r.awarded_ms)) continue;
    if (st.contains("context") && st["context"].is_object() && st["context"].contains("extensions") &&
        st["context"]["extensions"].is_object()) {
      const auto& ext = st["context"]["extensions"];
      const auto k = extension_iri(c, "kiosk-id"), s = extension_iri(c, "store-id");
      if (ext.contains(k) && ext[k].is_string()) r.kiosk_id = ext[k].get<std::string>();
      if (ext.contains(s) && ext[s].is_string()) r.store_id = ext[s].get<std::string>();
    }
    if (r.track_id.empty() || r.track_id.find('/') != std::string::npos) continue;
    out.push_back(std::move(r));
  }
  return true;
}

}  // namespace posdrill
