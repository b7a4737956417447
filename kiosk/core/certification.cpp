// Certification rules (see certification.h for the rules themselves). Everything here is a
// function of the records and `now_ms`, so a fake timeline in the tests is the real thing.

#include "kiosk/core/certification.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "base/calendar.h"

namespace posdrill {

namespace {

constexpr WallTime no_window = WallTime::earliest();

// The track's awards for this track that exist at `now_ms`, oldest first.
std::vector<const AwardRow*> track_awards(const Track& track, const std::vector<AwardRow>& awards, WallTime now_ms) {
  std::vector<const AwardRow*> out;
  for (const auto& a : awards)
    if (a.track_id == track.id && a.awarded_ms <= now_ms) out.push_back(&a);
  std::stable_sort(out.begin(), out.end(), [](const AwardRow* a, const AwardRow* b) {
    return std::tie(a->awarded_ms, a->expires_ms) < std::tie(b->awarded_ms, b->expires_ms);
  });
  return out;
}

// Passes for a new award must end at or after this: once an award exists, only passes made
// from its expiring-soon window on renew it, so the passes that earned it never earn another.
WallTime window_start(const Track& track, const AwardRow* award) {
  if (!award) return no_window;
  return award->expires_ms - int64_t{track.expiring_soon_days} * ms_per_day;
}

// A pass before the track's own mark: the same test as the store's pass frontier (schema step 5).
bool is_clean_pass(const AttemptRow& a) {
  return a.passed && a.finished && !a.abandoned && a.ended_ms > WallTime{} && a.critical_errors == 0;
}

bool meets_mark(const Track& track, double score) {
  // A small tolerance so 0.8 from 8/10 meets 80 despite binary fractions.
  return !track.pass_mark || score * 100.0 + 1e-9 >= *track.pass_mark;
}

// The newest pass of `st` that counts for `track` and ended in [from, now_ms], or null. The
// frontier holds it when there is one: any later pass scores lower, so it is on the frontier.
const FrontierPass* newest_pass(const Track& track, const ScenarioStat& st, WallTime from, WallTime now_ms) {
  for (const FrontierPass& p : st.frontier) {  // newest first
    if (p.ended_ms > now_ms) continue;
    if (p.ended_ms < from) return nullptr;
    if (meets_mark(track, p.score)) return &p;
  }
  return nullptr;
}

struct Requirement {
  std::optional<Topic> topic;  // a topic, or
  std::string scenario_id;     // a required scenario
};

std::vector<Requirement> requirements(const Track& track) {
  std::vector<Requirement> out;
  for (Topic t : track.topics) out.push_back({t, {}});
  for (const auto& id : track.required) out.push_back({std::nullopt, id});
  return out;
}

// What each requirement's newest counting pass is (nullptr when none), counting passes that
// ended in [from, now_ms].
struct Evaluation {
  std::vector<const FrontierPass*> newest;
  int met = 0;
};

Evaluation evaluate(const Track& track, const std::map<std::string, Topic>& topic_of,
                    const std::vector<ScenarioStat>& stats, WallTime from, WallTime now_ms) {
  const auto reqs = requirements(track);
  Evaluation ev;
  ev.newest.assign(reqs.size(), nullptr);
  for (const auto& st : stats) {
    auto it = topic_of.find(st.scenario_id);
    if (it == topic_of.end()) continue;  // a scenario no longer in the content proves nothing
    const FrontierPass* a = newest_pass(track, st, from, now_ms);
    if (!a) continue;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      const bool fits = reqs[i].topic ? *reqs[i].topic == it->second : reqs[i].scenario_id == st.scenario_id;
      if (!fits) continue;
      const FrontierPass*& n = ev.newest[i];
      if (!n || std::tie(a->ended_ms, a->attempt_uuid) > std::tie(n->ended_ms, n->attempt_uuid)) n = a;
    }
  }
  for (const auto* n : ev.newest) ev.met += n ? 1 : 0;
  return ev;
}

std::map<std::string, Topic> topic_map(const std::vector<Scenario>& scenarios) {
  std::map<std::string, Topic> m;
  for (const auto& s : scenarios) m.emplace(s.id, s.topic);
  return m;
}

// Whether `scenario_id` is something the track asks for.
bool on_track(const Track& track, const std::map<std::string, Topic>& topic_of, const std::string& scenario_id) {
  if (std::find(track.required.begin(), track.required.end(), scenario_id) != track.required.end()) return true;
  auto it = topic_of.find(scenario_id);
  return it != topic_of.end() && std::find(track.topics.begin(), track.topics.end(), it->second) != track.topics.end();
}

std::vector<std::string> basis_of(const Evaluation& ev) {
  std::vector<std::string> basis;
  for (const auto* n : ev.newest)
    // One attempt can meet two requirements (a required scenario is also its topic's pass); it is
    // listed once, so the basis is a set of distinct attempts.
    if (n && std::find(basis.begin(), basis.end(), n->attempt_uuid) == basis.end()) basis.push_back(n->attempt_uuid);
  return basis;
}

}  // namespace

std::vector<ScenarioStat> scenario_stats_of(const std::vector<AttemptRow>& attempts, WallTime now_ms) {
  std::map<std::pair<std::string, std::string>, ScenarioStat> by_key;
  std::map<std::pair<std::string, std::string>, std::vector<const AttemptRow*>> passes;
  for (const AttemptRow& a : attempts) {
    if (a.started_ms > now_ms) continue;
    const auto key = std::make_pair(a.operator_id, a.scenario_id);
    ScenarioStat& st = by_key[key];
    st.operator_id = a.operator_id;
    st.scenario_id = a.scenario_id;
    ++st.attempts;
    st.last_attempt_ms = st.attempts == 1 ? a.started_ms : std::max(st.last_attempt_ms, a.started_ms);
    if (!a.ended_ms.is_set()) continue;
    st.passes += a.passed ? 1 : 0;
    st.abandoned += a.abandoned ? 1 : 0;
    st.best_score = std::max(st.best_score, a.score);
    if (is_clean_pass(a) && a.ended_ms <= now_ms) passes[key].push_back(&a);
  }
  for (auto& [key, list] : passes) {
    // Newest first; a pass joins the frontier when it beats every later one.
    std::sort(list.begin(), list.end(), [](const AttemptRow* x, const AttemptRow* y) {
      return std::tie(x->ended_ms, x->uuid) > std::tie(y->ended_ms, y->uuid);
    });
    std::vector<FrontierPass>& f = by_key[key].frontier;
    for (const AttemptRow* p : list)
      if (f.empty() || p->score > f.back().score) f.push_back(FrontierPass{p->ended_ms, p->score, p->uuid});
  }
  std::vector<ScenarioStat> out;
  for (auto& [key, st] : by_key) out.push_back(std::move(st));
  return out;
}

TrackProgress track_progress(const Track& track, const std::vector<Scenario>& scenarios,
                             const std::vector<AttemptRow>& attempts, const std::vector<AwardRow>& awards,
                             WallTime now_ms) {
  return track_progress(track, scenarios, scenario_stats_of(attempts, now_ms), awards, now_ms);
}

TrackProgress track_progress(const Track& track, const std::vector<Scenario>& scenarios,
                             const std::vector<ScenarioStat>& stats, const std::vector<AwardRow>& awards,
                             WallTime now_ms) {
  const auto topic_of = topic_map(scenarios);
  const auto held = track_awards(track, awards, now_ms);
  TrackProgress p;
  p.required_count = static_cast<int>(track.topics.size() + track.required.size());

  if (!held.empty()) {
    const AwardRow& newest = *held.back();
    p.award = newest;
    const WallTime soon = newest.expires_ms - int64_t{track.expiring_soon_days} * ms_per_day;
    p.status = now_ms >= newest.expires_ms ? CertStatus::expired
               : now_ms >= soon            ? CertStatus::expiring
                                           : CertStatus::certified;
  }
  // While certified, the passes that show are those that earned the current award (counted from
  // the window before it); once expiring or expired, those that count towards the renewal.
  const AwardRow* window_award = nullptr;
  if (!held.empty()) {
    window_award =
        p.status == CertStatus::certified ? (held.size() > 1 ? held[held.size() - 2] : nullptr) : held.back();
  }
  const Evaluation ev = evaluate(track, topic_of, stats, window_start(track, window_award), now_ms);
  p.passed_count = ev.met;

  bool any_attempt = false;
  for (std::size_t i = 0; i < track.topics.size(); ++i) {
    TopicProgress tp;
    tp.topic = track.topics[i];
    tp.passed = ev.newest[i] != nullptr;
    for (const auto& st : stats) {
      auto it = topic_of.find(st.scenario_id);
      if (it == topic_of.end() || it->second != tp.topic) continue;
      tp.attempts += st.attempts;
      tp.best_score = std::max(tp.best_score, st.best_score);
    }
    p.topics.push_back(tp);
  }
  for (const auto& st : stats)
    if (st.attempts > 0 && on_track(track, topic_of, st.scenario_id)) any_attempt = true;
  if (held.empty()) p.status = any_attempt ? CertStatus::in_progress : CertStatus::not_started;
  return p;
}

std::optional<AwardRow> award_due(const Track& track, const std::vector<Scenario>& scenarios,
                                  const std::string& operator_id, const std::vector<AttemptRow>& attempts,
                                  const std::vector<AwardRow>& awards, WallTime now_ms) {
  return award_due(track, scenarios, operator_id, scenario_stats_of(attempts, now_ms), awards, now_ms);
}

std::optional<AwardRow> award_due(const Track& track, const std::vector<Scenario>& scenarios,
                                  const std::string& operator_id, const std::vector<ScenarioStat>& stats,
                                  const std::vector<AwardRow>& awards, WallTime now_ms) {
  if (track.topics.empty() && track.required.empty()) return std::nullopt;
  const auto topic_of = topic_map(scenarios);
  const auto held = track_awards(track, awards, now_ms);
  const AwardRow* newest = held.empty() ? nullptr : held.back();
  std::vector<ScenarioStat> mine;
  for (const auto& st : stats)
    if (st.operator_id == operator_id) mine.push_back(st);
  const Evaluation ev = evaluate(track, topic_of, mine, window_start(track, newest), now_ms);
  if (ev.met != static_cast<int>(ev.newest.size())) return std::nullopt;

  AwardRow award;
  award.operator_id = operator_id;
  award.track_id = track.id;
  award.track_version = track.version;
  award.awarded_ms = now_ms;
  award.basis = basis_of(ev);
  // Never twice for the same passes, whatever the windows say (e.g. a track re-versioned with a
  // shorter expiring_soon_days).
  for (const auto* h : held)
    if (h->basis == award.basis) return std::nullopt;
  const int64_t validity = int64_t{track.validity_days} * ms_per_day;
  // Renewing early loses no days: the new period starts where the old one ends.
  award.expires_ms = (newest && now_ms < newest->expires_ms ? newest->expires_ms : now_ms) + validity;
  return award;
}

SuggestionWhy suggestion_why(const std::vector<AttemptRow>& attempts, const std::string& scenario_id) {
  bool tried = false, finished = false, passed = false;
  double best = 0;
  for (const AttemptRow& a : attempts) {
    if (a.scenario_id != scenario_id) continue;
    tried = true;
    if (!a.ended_ms.is_set() || !a.finished || a.abandoned) continue;
    finished = true;
    best = std::max(best, a.score);
    passed = passed || a.passed;
  }
  SuggestionWhy why;
  if (passed)
    why.kind = SuggestionWhy::Kind::passed;
  else if (finished)
    why.kind = SuggestionWhy::Kind::not_passed;
  else if (tried)
    why.kind = SuggestionWhy::Kind::unfinished;
  why.best_percent = static_cast<int>(std::lround(best * 100.0));
  return why;
}

std::vector<std::string> recommend(const Track& track, const std::vector<Scenario>& scenarios,
                                   const std::vector<AttemptRow>& attempts, WallTime now_ms, std::size_t limit) {
  return recommend(track, scenarios, scenario_stats_of(attempts, now_ms), now_ms, limit);
}

std::vector<std::string> recommend(const Track& track, const std::vector<Scenario>& scenarios,
                                   const std::vector<ScenarioStat>& stats, WallTime now_ms, std::size_t limit) {
  // Which passes count: those towards the next award. Without awards every pass counts; the
  // recommendation is about practice, so an award made long ago is not looked at here.
  std::set<std::string> passed_scenarios;
  std::map<Topic, double> best;
  std::map<Topic, int> tries;
  std::map<Topic, bool> topic_passed;
  for (const auto& st : stats) {
    const Scenario* s = find_scenario(scenarios, st.scenario_id);
    if (!s) continue;
    tries[s->topic] += st.attempts;
    best[s->topic] = std::max(best[s->topic], st.best_score);
    if (newest_pass(track, st, WallTime::earliest(), now_ms)) {
      passed_scenarios.insert(st.scenario_id);
      topic_passed[s->topic] = true;
    }
  }

  // The topics to cover: the track's, then those of required scenarios outside them.
  std::vector<Topic> topics = track.topics;
  for (const auto& id : track.required)
    for (const auto& s : scenarios)
      if (s.id == id && std::find(topics.begin(), topics.end(), s.topic) == topics.end()) topics.push_back(s.topic);

  std::vector<std::size_t> order(topics.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const Topic a = topics[x], b = topics[y];
    // Not passed first; then the lowest best score; at equal scores the untried first.
    return std::make_tuple(topic_passed[a], best[a], tries[a] > 0) <
           std::make_tuple(topic_passed[b], best[b], tries[b] > 0);
  });

  // One drill per topic first, in the topics' order, then a second round: three suggestions
  // should span three weak topics, not two drills of the same one.
  std::vector<std::vector<const Scenario*>> lists;
  for (std::size_t i : order) {
    std::vector<const Scenario*> in_topic;
    for (const auto& s : scenarios)
      if (s.topic == topics[i]) in_topic.push_back(&s);
    std::stable_sort(in_topic.begin(), in_topic.end(), [&](const Scenario* a, const Scenario* b) {
      const bool ra = std::find(track.required.begin(), track.required.end(), a->id) != track.required.end();
      const bool rb = std::find(track.required.begin(), track.required.end(), b->id) != track.required.end();
      // Not yet passed first; a required one before an optional one; then easier first.
      return std::make_tuple(passed_scenarios.count(a->id) > 0, !ra, a->difficulty, a->id) <
             std::make_tuple(passed_scenarios.count(b->id) > 0, !rb, b->difficulty, b->id);
    });
    lists.push_back(std::move(in_topic));
  }
  // Round-robin over the topics not yet passed, then over the passed ones.
  std::vector<std::string> out;
  for (const bool tier_passed : {false, true}) {
    for (std::size_t round = 0;; ++round) {
      bool any = false;
      for (std::size_t k = 0; k < lists.size(); ++k) {
        if (topic_passed[topics[order[k]]] != tier_passed || round >= lists[k].size()) continue;
        any = true;
        if (out.size() >= limit) return out;
        out.push_back(lists[k][round]->id);
      }
      if (!any) break;
    }
  }
  return out;
}

std::vector<RosterRow> build_roster(const Track& track, const std::vector<Scenario>& scenarios,
                                    const std::vector<OperatorRecord>& operators,
                                    const std::vector<AttemptRow>& attempts, const std::vector<AwardRow>& awards,
                                    WallTime now_ms) {
  return build_roster(track, scenarios, operators, scenario_stats_of(attempts, now_ms), awards, now_ms);
}

std::vector<RosterRow> build_roster(const Track& track, const std::vector<Scenario>& scenarios,
                                    const std::vector<OperatorRecord>& operators,
                                    const std::vector<ScenarioStat>& stats, const std::vector<AwardRow>& awards,
                                    WallTime now_ms) {
  const auto topic_of = topic_map(scenarios);
  std::map<std::string, std::vector<ScenarioStat>> stats_of;
  std::map<std::string, std::vector<AwardRow>> awards_of;
  for (const auto& st : stats) stats_of[st.operator_id].push_back(st);
  for (const auto& a : awards) awards_of[a.operator_id].push_back(a);

  std::vector<RosterRow> rows;
  for (const auto& op : operators) {
    RosterRow r;
    r.op = op;
    r.locked = op.locked_until_ms > now_ms;
    double weakest_score = 0;
    const auto& mine = stats_of[op.employee_id];
    const TrackProgress p = track_progress(track, scenarios, mine, awards_of[op.employee_id], now_ms);
    r.status = p.status;
    r.passed_count = p.passed_count;
    r.required_count = p.required_count;
    // A topic failing: tried and never passed in any of its drills, whatever the award windows
    // say (an expired award's old passes still show what the person can do).
    for (const Topic topic : track.topics) {
      int tried = 0, passes = 0;
      double best = 0;
      for (const auto& st : mine) {
        const auto it = topic_of.find(st.scenario_id);
        if (it == topic_of.end() || it->second != topic) continue;
        tried += st.attempts - st.abandoned;
        passes += st.passes;
        best = std::max(best, st.best_score);
      }
      if (tried > 0 && passes == 0 && (!r.weakest_topic || best < weakest_score)) {
        r.weakest_topic = topic;
        weakest_score = best;
      }
    }
    if (p.award) {
      r.awarded_ms = p.award->awarded_ms;
      r.expires_ms = p.award->expires_ms;
    }
    // Attempts at what this track asks for; practice on other tracks' scenarios is not shown.
    for (const auto& st : mine) {
      if (!on_track(track, topic_of, st.scenario_id)) continue;
      r.attempts += st.attempts;
      r.last_attempt_ms = std::max(r.last_attempt_ms, st.last_attempt_ms);
    }
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const RosterRow& a, const RosterRow& b) { return a.op.employee_id < b.op.employee_id; });
  return rows;
}

std::vector<ChainStoreRow> summarize_by_store(const std::vector<RosterRow>& rows) {
  std::map<std::string, ChainStoreRow> by_store;
  for (const RosterRow& r : rows) {
    ChainStoreRow& s = by_store[r.op.store_id];
    s.store_id = r.op.store_id;
    ++s.people;
    switch (r.status) {
      case CertStatus::certified:
        ++s.certified;
        break;
      case CertStatus::expiring:
        ++s.expiring;
        break;
      case CertStatus::expired:
        ++s.expired;
        break;
      case CertStatus::in_progress:
        ++s.in_progress;
        break;
      case CertStatus::not_started:
        ++s.not_started;
        break;
    }
  }
  std::vector<ChainStoreRow> out;
  for (auto& [id, row] : by_store) out.push_back(std::move(row));
  return out;
}

ChainStoreRow sum_stores(const std::vector<ChainStoreRow>& stores) {
  ChainStoreRow all;
  for (const ChainStoreRow& s : stores) {
    all.people += s.people;
    all.certified += s.certified;
    all.expiring += s.expiring;
    all.expired += s.expired;
    all.in_progress += s.in_progress;
    all.not_started += s.not_started;
  }
  return all;
}

ChainStoreRow summarize_roster(const std::vector<RosterRow>& rows) { return sum_stores(summarize_by_store(rows)); }

int count_failing_topic(const std::vector<RosterRow>& rows) {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [](const RosterRow& r) { return r.weakest_topic; }));
}

int count_locked(const std::vector<RosterRow>& rows) {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [](const RosterRow& r) { return r.locked; }));
}

bool roster_row_shown(const RosterRow& row, RosterFilter filter) {
  switch (filter) {
    case RosterFilter::all:
      return true;
    case RosterFilter::certified:
      return row.status == CertStatus::certified;
    case RosterFilter::expiring:
      return row.status == CertStatus::expiring;
    case RosterFilter::expired:
      return row.status == CertStatus::expired;
    case RosterFilter::in_progress:
      return row.status == CertStatus::in_progress;
    case RosterFilter::not_started:
      return row.status == CertStatus::not_started;
    case RosterFilter::failing_topic:
      return row.weakest_topic.has_value();
    case RosterFilter::locked:
      return row.locked;
  }
  return true;
}

std::string csv_field(std::string_view value) {
  std::string v(value);
  // A cell starting with one of these runs as a formula in Excel/LibreOffice (CSV injection);
  // tab and CR do too in some versions, so they are guarded as well.
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    v.insert(v.begin(), '\'');
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

std::string format_date_utc(WallTime t) {
  if (!t.is_set()) return "";
  return iso_date(t.ms());
}

std::string format_time_utc(WallTime t) {
  if (!t.is_set()) return "";
  int64_t in_day = t.ms() % ms_per_day;
  if (in_day < 0) in_day += ms_per_day;
  const int64_t minutes = in_day / 60'000;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02lld:%02lld", static_cast<long long>(minutes / 60),
                static_cast<long long>(minutes % 60));
  return format_date_utc(t) + buf;
}

std::vector<AwardRow> merge_remote_awards(const std::vector<Track>& tracks, const std::vector<AwardRow>& local,
                                          const std::vector<RemoteAwardRow>& remote) {
  std::vector<AwardRow> out = local;
  std::set<std::string> seen_ids;
  for (const RemoteAwardRow& r : remote) {
    const Track* track = nullptr;
    for (const Track& t : tracks)
      if (t.id == r.track_id) track = &t;
    // A track this kiosk does not teach has no validity here: nothing to count it towards.
    if (!track || r.operator_id.empty() || !seen_ids.insert(r.statement_id).second) continue;
    const bool known = std::any_of(out.begin(), out.end(), [&](const AwardRow& a) {
      if (a.operator_id != r.operator_id || a.track_id != r.track_id) return false;
      const int64_t gap = a.awarded_ms > r.awarded_ms ? a.awarded_ms - r.awarded_ms : r.awarded_ms - a.awarded_ms;
      // A remote award already merged is matched exactly; a local one within the window (it is
      // this kiosk's own certification statement, read back).
      return a.basis.empty() ? gap == 0 : gap <= same_award_window_ms;
    });
    if (known) continue;
    AwardRow a;
    a.operator_id = r.operator_id;
    a.track_id = r.track_id;
    a.track_version = track->version;
    a.awarded_ms = r.awarded_ms;
    a.expires_ms = r.awarded_ms + int64_t{track->validity_days} * ms_per_day;
    out.push_back(std::move(a));
  }
  return out;
}

const RemoteAwardRow* remote_origin(const AwardRow& award, const std::vector<RemoteAwardRow>& remote) {
  // Local awards always name the attempts that earned them; only merged remote ones have none.
  if (!award.basis.empty()) return nullptr;
  for (const RemoteAwardRow& r : remote)
    if (r.operator_id == award.operator_id && r.track_id == award.track_id && r.awarded_ms == award.awarded_ms)
      return &r;
  return nullptr;
}

std::string earned_at(const RemoteAwardRow& award) { return award.store_id.empty() ? award.kiosk_id : award.store_id; }

std::string roster_csv(const std::vector<RosterRow>& rows, bool bom) {
  std::string out;
  if (bom) out += "\xEF\xBB\xBF";
  out += "employee_id,name,role,store,status,passed,required,awarded,expires,attempts,last_attempt\r\n";
  for (const auto& r : rows) {
    const std::string cells[] = {r.op.employee_id,
                                 r.op.name,
                                 std::string(role_name(r.op.role)),
                                 r.op.store_id,
                                 std::string(cert_status_name(r.status)),
                                 std::to_string(r.passed_count),
                                 std::to_string(r.required_count),
                                 format_date_utc(r.awarded_ms),
                                 format_date_utc(r.expires_ms),
                                 std::to_string(r.attempts),
                                 format_date_utc(r.last_attempt_ms)};
    bool first = true;
    for (const auto& c : cells) {
      if (!first) out += ',';
      first = false;
      out += csv_field(c);
    }
    out += "\r\n";
  }
  return out;
}

uint64_t seed_with_figures_of(const Scenario& scenario, uint64_t figures_seed, uint64_t next_seed) {
  const std::size_t n = std::max<std::size_t>(scenario.variants.size(), 1);
  const std::size_t want = variant_index(n, figures_seed);
  // Two rounds of the n sets: one holds the set, and a second in case the first was the seed itself.
  for (uint64_t s = next_seed; s < next_seed + 2 * n; ++s)
    if (s != figures_seed && variant_index(n, s) == want) return s;
  return next_seed;  // unreachable: variant_index cycles through the n sets
}

uint64_t least_practised_seed(const Scenario& scenario, const std::vector<AttemptRow>& attempts, uint64_t next_seed) {
  const std::size_t n = scenario.variants.size();
  if (n <= 1) return next_seed;
  std::vector<int> played(n, 0);
  for (const AttemptRow& a : attempts)
    if (a.scenario_id == scenario.id) ++played[variant_index(n, a.seed)];
  uint64_t best = next_seed;
  for (uint64_t s = next_seed; s < next_seed + n; ++s)
    if (played[variant_index(n, s)] < played[variant_index(n, best)]) best = s;
  return best;
}

}  // namespace posdrill

