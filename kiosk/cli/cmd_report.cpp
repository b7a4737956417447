// `posdrill report`: the certification roster a manager reads, as CSV (for a spreadsheet) or JSON
// (for scripts). Computed from the records at the moment of the call, like the kiosk's console:
// certifications earned on other kiosks (cached in the store at each person's last sign-in) count,
// merged by the same rule (merge_remote_awards), and each row says where its award was earned.

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "kiosk/core/certification.h"
#include "kiosk/store/store.h"
#include "scenarios/graph.h"

namespace posdrill {

namespace {

nlohmann::json date_or_null(int64_t ms) { return ms ? nlohmann::json(format_date_utc(ms)) : nlohmann::json(nullptr); }

// Where a row's award was earned: `earned` is "here" (an attempt on this kiosk's records),
// "elsewhere" (reported by the LRS) or "" (no award); `earned_at` names the other store or kiosk
// when the statement said.
struct Origin {
  std::string earned, earned_at;
};

Origin origin_of(const RosterRow& row, const Track& track, const std::vector<AwardRow>& awards,
                 const std::vector<RemoteAwardRow>& remote) {
  if (row.awarded_ms == 0) return {};
  for (const AwardRow& a : awards) {
    if (a.operator_id != row.op.employee_id || a.track_id != track.id || a.awarded_ms != row.awarded_ms) continue;
    if (const RemoteAwardRow* r = remote_origin(a, remote)) return {"elsewhere", earned_at(*r)};
    return {"here", ""};
  }
  return {"here", ""};  // build_roster only reports awards it was given: not reached
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
                 {"awarded_ms", r.awarded_ms},
                 {"expires_ms", r.expires_ms},
                 {"earned", o.earned.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.earned)},
                 {"earned_at", o.earned_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.earned_at)},
                 {"attempts", r.attempts},
                 {"last_attempt", date_or_null(r.last_attempt_ms)},
                 {"last_attempt_ms", r.last_attempt_ms}});
  }
  return j.dump(2) + "\n";
}

}  // namespace

int cmd_report(const Settings& settings, const ReportOptions& o) {
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

  std::vector<OperatorRecord> ops;
  std::vector<AttemptRow> attempts;
  std::vector<AwardRow> awards;
  std::vector<RemoteAwardRow> remote;
  std::error_code ec;
  // Without a database there is no one to report on: an empty roster, and no file created.
  if (std::filesystem::exists(database_path(settings), ec)) {
    // Read-only: a head office's copy, or a kiosk whose disk is full, still gives its roster.
    auto store = open_database(settings, "report", Access::read_only);
    if (!store) return exit_usage;
    // Any read that fails stops the report: a damaged file must not read as "0 attempts".
    const StoreList<OperatorRecord> op_rows = store->operators(true);
    if (!op_rows.ok()) return read_failed("report", op_rows.status);
    ops = op_rows;
    const StoreList<AttemptRow> attempt_rows = store->attempts();
    if (!attempt_rows.ok()) return read_failed("report", attempt_rows.status);
    attempts = attempt_rows;
    // The same figures as the console and its CSV export (kiosk/app/services.cpp): an award the
    // LRS reported from another kiosk counts here, with this kiosk's validity rule.
    for (const OperatorRecord& op : ops) {
      const StoreList<RemoteAward> cached = store->remote_awards(op.employee_id);
      if (!cached.ok()) return read_failed("report", cached.status);
      for (const RemoteAward& r : cached)
        remote.push_back(
            RemoteAwardRow{r.statement_id, r.operator_id, r.track_id, r.awarded_ms, r.kiosk_id, r.store_id});
    }
    const StoreList<AwardRow> local = store->awards();
    if (!local.ok()) return read_failed("report", local.status);
    awards = merge_remote_awards(content.tracks, local, remote);
  }
  const auto rows = build_roster(*track, content.scenarios, ops, attempts, awards, wall_clock_ms());
  std::vector<Origin> origins;
  for (const RosterRow& r : rows) origins.push_back(origin_of(r, *track, awards, remote));
  const std::string text = o.format == "csv" ? report_csv(rows, origins, o.bom) : roster_json(*track, rows, origins);

  if (o.output.empty()) {
    std::cout << text << std::flush;
    return std::cout ? exit_ok : exit_usage;
  }
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text) || !out.flush()) {
    std::cerr << "posdrill report: cannot write " << o.output << '\n';
    return exit_usage;
  }
  std::cerr << "wrote " << rows.size() << " row(s) to " << o.output << '\n';
  return exit_ok;
}

}  // namespace posdrill
