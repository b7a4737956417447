// `posdrill report`: the certification roster a manager reads, as CSV (for a spreadsheet) or JSON
// (for scripts). Computed from the records at the moment of the call, like the kiosk's console:
// certifications earned on other kiosks (cached in the store at each person's last sign-in) count,
// merged by the same rule (merge_remote_awards), and each row says where its award was earned.
//
// `--from-lrs`: the chain's roster instead, for every person the company's LRS knows, by store,
// from a local cache (kiosk/store/roster_cache.h) that each call brings up to date
// (kiosk/net/roster_refresh.h), with the same certification rule.
//
// [SECTION] Output (CSV, JSON, where each award was earned)
// [SECTION] The roster's inputs: this kiosk's records, or the LRS's cache
// [SECTION] cmd_report

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "kiosk/core/certification.h"
#include "kiosk/net/roster_refresh.h"
#include "kiosk/store/roster_cache.h"
#include "kiosk/store/store.h"
#include "scenarios/graph.h"

namespace posdrill {

namespace {

nlohmann::json date_or_null(WallTime t) {
  return t.is_set() ? nlohmann::json(format_date_utc(t)) : nlohmann::json(nullptr);
}

// ---- [SECTION] Output ---------------------------------------------------------------------------

// Where a row's award was earned: `earned` is "here" (an attempt on this kiosk's records),
// "elsewhere" (reported by the LRS to this kiosk), "lrs" (the chain roster: everything is read
// from the LRS) or "" (no award); `earned_at` names the store, else the kiosk, when the statement
// said.
struct Origin {
  std::string earned, earned_at;
};

// The roster's inputs, with each person's awards at hand (a chain's roster of 100,000 people must
// not search every list for every row).
struct Inputs {
  std::vector<OperatorRecord> ops;
  std::vector<ScenarioStat> stats;                            // per operator and scenario
  std::vector<AwardRow> awards;                               // local and merged remote
  std::map<std::string, std::vector<RemoteAwardRow>> remote;  // by operator
  std::string elsewhere = "elsewhere";                        // what a remote award's origin says
  std::unique_ptr<RosterCache> cache;                         // --from-lrs: kept for the store summary
};

Origin origin_of(const RosterRow& row, const Track& track, const std::map<std::string, std::vector<AwardRow>>& awards,
                 const Inputs& in) {
  if (!row.awarded_ms.is_set()) return {};
  const auto mine = awards.find(row.op.employee_id);
  const auto remote = in.remote.find(row.op.employee_id);
  if (mine == awards.end()) return {"here", ""};  // build_roster only reports awards it was given: not reached
  for (const AwardRow& a : mine->second) {
    if (a.track_id != track.id || a.awarded_ms != row.awarded_ms) continue;
    if (remote != in.remote.end())
      if (const RemoteAwardRow* r = remote_origin(a, remote->second)) return {in.elsewhere, earned_at(*r)};
    return {"here", ""};
  }
  return {"here", ""};
}

// The console's CSV (roster_csv, so both stay column for column the same) with the award's origin
// appended as the last two columns, where a spreadsheet reading the first eleven is not disturbed.
std::string report_csv(const std::vector<RosterRow>& rows, const std::vector<Origin>& origins, bool bom) {
  const std::string header = roster_csv({}, false);  // "employee_id,…,last_attempt\r\n"
  std::string out = bom ? "\xEF\xBB\xBF" : "";
  out += header.substr(0, header.size() - 2) + ",earned,earned_at\r\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    // One row's text: quoted fields keep any CR or LF inside quotes, so the row ends at the last CRLF.
    std::string line = roster_csv({rows[i]}, false).substr(header.size());
    line.resize(line.size() - 2);
    out += line + ',' + csv_field(origins[i].earned) + ',' + csv_field(origins[i].earned_at) + "\r\n";
  }
  return out;
}

std::string roster_json(const Track& track, const std::vector<RosterRow>& rows, const std::vector<Origin>& origins) {
  nlohmann::json j = nlohmann::json::array();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RosterRow& r = rows[i];
    const Origin& o = origins[i];
    j.push_back({{"track", track.id},
                 {"employee_id", r.op.employee_id},
                 {"name", r.op.name},
                 {"role", role_name(r.op.role)},
                 {"store", r.op.store_id},
                 {"active", r.op.active},
                 {"status", cert_status_name(r.status)},
                 {"passed", r.passed_count},
                 {"required", r.required_count},
                 {"awarded", date_or_null(r.awarded_ms)},
                 {"expires", date_or_null(r.expires_ms)},
                 {"awarded_ms", r.awarded_ms.ms()},
                 {"expires_ms", r.expires_ms.ms()},
                 {"earned", o.earned.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.earned)},
                 {"earned_at", o.earned_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.earned_at)},
                 {"attempts", r.attempts},
                 {"last_attempt", date_or_null(r.last_attempt_ms)},
                 {"last_attempt_ms", r.last_attempt_ms.ms()}});
  }
  return j.dump(2) + "\n";
}

// ---- [SECTION] The roster's inputs -------------------------------------------------------------

// This kiosk's records (read-only). False after printing why (`exit_code` set).
bool local_inputs(const Settings& settings, const ContentSet& content, Inputs& in, int& exit_code) {
  std::error_code ec;
  // Without a database there is no one to report on: an empty roster, and no file created.
  if (!std::filesystem::exists(database_path(settings), ec)) return true;
  // Read-only: a head office's copy, or a kiosk whose disk is full, still gives its roster.
  auto store = open_database(settings, "report", Access::read_only);
  exit_code = exit_usage;
  if (!store) return false;
  // The same read as the console and its CSV export (kiosk/app/services.cpp): the summaries,
  // never every attempt. Any read that fails stops the report: a damaged file must not read as
  // "0 attempts".
  RosterRecords records = store->roster_records();
  if (!records.ok()) return exit_code = read_failed("report", records.status), false;
  // An award the LRS reported from another kiosk counts here, with this kiosk's validity rule.
  in.awards = awards_that_count(records, content.tracks);
  for (RemoteAwardRow& r : remote_award_rows(records.remote_awards)) in.remote[r.operator_id].push_back(std::move(r));
  in.ops = std::move(records.operators);
  in.stats = std::move(records.stats);
  exit_code = exit_ok;
  return true;
}

// The chain's roster from the LRS, through the cache, brought up to date first unless --offline.
// A refresh that fails leaves the cached roster to print and sets `exit_code` to 1. False (with
// `exit_code`) when there is nothing to print.
bool lrs_inputs(const Settings& settings, const ContentSet& content, const ReportOptions& o, Inputs& in,
                int& exit_code) {
  exit_code = exit_usage;
  if (!settings.lrs.enabled()) {
    std::cerr << "posdrill report --from-lrs: no LRS is configured; set the lrs: section of the config file, or "
                 "POSDRILL_LRS_ENDPOINT, POSDRILL_LRS_KEY and POSDRILL_LRS_SECRET\n";
    return false;
  }
  const std::filesystem::path file =
      o.cache.empty() ? RosterCache::default_file(settings.data_dir) : std::filesystem::path(o.cache);
  StoreStatus st;
  auto cache = RosterCache::open(file, st);
  if (!cache) return std::cerr << "posdrill report --from-lrs: " << st.message << '\n', false;
  exit_code = exit_ok;
  const auto t0 = std::chrono::steady_clock::now();
  RosterRefreshStats stats;
  if (!o.offline) {
    HttpClient http;
    RosterRefreshOptions ro;
    ro.full = o.full;
    ro.overlap_ms = int64_t(o.overlap_s) * 1000;
    RosterRefresher refresher(*cache, http, settings.lrs, wall_now, ro);
    std::string error;
    if (!refresher.refresh(stats, error)) {
      const StoreFound<WallTime> as_of = cache->refreshed_ms();
      std::cerr << "posdrill report --from-lrs: the roster could not be brought up to date (" << error
                << "); printing the cached one, as of "
                << (as_of && as_of->is_set() ? format_time_utc(*as_of) + " UTC"
                                             : std::string("no complete refresh yet"))
                << '\n';
      exit_code = exit_failed;
    }
  }
  const StoreList<OperatorRecord> people = cache->people();
  const StoreList<AttemptRow> attempts = cache->attempts();
  const StoreList<RemoteAwardRow> certs = cache->certifications();
  for (const StoreStatus* s : {&people.status, &attempts.status, &certs.status})
    if (!*s) return exit_code = read_failed("report --from-lrs", *s), false;
  in.ops = people;
  // The chain's attempts are facts read from the LRS, not a kiosk's records: their figures are
  // computed here, by the rule the kiosk's summaries follow.
  in.stats = scenario_stats_of(attempts, wall_now());
  in.elsewhere = "lrs";
  in.cache = std::move(cache);
  // The kiosk's rule (an award's validity from its track), one person at a time.
  for (const RemoteAwardRow& r : certs) in.remote[r.operator_id].push_back(r);
  for (const auto& [who, theirs] : in.remote)
    for (AwardRow& a : merge_remote_awards(content.tracks, {}, theirs)) in.awards.push_back(std::move(a));
  if (o.stats) {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "from-lrs: " << stats.requests << " requests, " << stats.statements << " statements read ("
              << stats.bytes / 1024 << " KiB), " << stats.facts << " facts; " << in.ops.size() << " people, "
              << attempts.size() << " attempts, " << certs.size() << " certifications; " << secs
              << " s to here; max RSS " << ru.ru_maxrss / 1024 << " MiB\n";
  }
  return true;
}

}  // namespace

// ---- [SECTION] cmd_report ---------------------------------------------------------------------

int cmd_report(const Settings& settings, const ReportOptions& o) {
  if (o.items && o.from_lrs) {
    std::cerr << "posdrill report: --items reads this kiosk's records; it does not go with --from-lrs\n";
    return exit_usage;
  }
  if (o.items) return cmd_report_items(settings, o);
  if (o.json || !o.scenario_id.empty()) {
    std::cerr << "posdrill report: --json and --scenario go with --items (the roster takes --format json)\n";
    return exit_usage;
  }
  if (o.format != "csv" && o.format != "json") {
    std::cerr << "posdrill report: --format takes csv or json, got '" << o.format << "'\n";
    return exit_usage;
  }
  const ContentSet content = load_content(settings.content_dir);
  if (content.tracks.empty()) {
    for (const auto& d : content.errors) std::cerr << d.to_string() << '\n';
    std::cerr << "posdrill report: no certification track loaded from " << settings.content_dir.string() << '\n';
    return exit_usage;
  }
  const Track* track = &content.tracks.front();
  if (!o.track_id.empty()) {
    track = nullptr;
    std::vector<std::string_view> ids;
    for (const auto& t : content.tracks) {
      ids.push_back(t.id);
      if (t.id == o.track_id) track = &t;
    }
    if (!track) {
      std::cerr << "posdrill report: no track '" << o.track_id << "'" << suggest(o.track_id, ids) << '\n';
      return exit_usage;
    }
  }

  Inputs in;
  int exit_code = exit_ok;
  if (!(o.from_lrs ? lrs_inputs(settings, content, o, in, exit_code) : local_inputs(settings, content, in, exit_code)))
    return exit_code;
  auto rows = build_roster(*track, content.scenarios, in.ops, in.stats, in.awards, wall_now());
  // By store, then employee id (build_roster's order within a store).
  if (o.from_lrs)
    std::stable_sort(rows.begin(), rows.end(),
                     [](const RosterRow& a, const RosterRow& b) { return a.op.store_id < b.op.store_id; });
  // The per-store counts the kiosk's console shows for the chain, kept in the same cache: for the
  // console's track only, and only from a complete refresh (a partial chain is never shown).
  if (in.cache && track == &content.tracks.front()) {
    const StoreFound<WallTime> as_of = in.cache->refreshed_ms();
    StoreStatus st = as_of.status;
    if (st && as_of && as_of->ms() > 0) st = in.cache->replace_store_summary(summarize_by_store(rows), *as_of);
    if (!st)
      std::cerr << "posdrill report --from-lrs: the per-store summary for the console was not kept: " << st.message
                << '\n';
  }
  std::map<std::string, std::vector<AwardRow>> awards_of;
  for (const AwardRow& a : in.awards) awards_of[a.operator_id].push_back(a);
  std::vector<Origin> origins;
  for (const RosterRow& r : rows) origins.push_back(origin_of(r, *track, awards_of, in));
  const std::string text = o.format == "csv" ? report_csv(rows, origins, o.bom) : roster_json(*track, rows, origins);

  if (o.output.empty()) {
    std::cout << text << std::flush;
    return std::cout ? exit_code : exit_usage;
  }
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text) || !out.flush()) {
    std::cerr << "posdrill report: cannot write " << o.output << '\n';
    return exit_usage;
  }
  std::cerr << "wrote " << rows.size() << " row(s) to " << o.output << '\n';
  return exit_code;
}

}  // namespace posdrill
