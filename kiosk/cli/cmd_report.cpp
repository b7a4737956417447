// `posdrill report`: the certification roster a manager reads, as CSV (for a spreadsheet) or JSON
// (for scripts). Computed from the records at the moment of the call, like the kiosk's console.

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

std::string roster_json(const Track& track, const std::vector<RosterRow>& rows) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rows)
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
                 {"attempts", r.attempts},
                 {"last_attempt", date_or_null(r.last_attempt_ms)},
                 {"last_attempt_ms", r.last_attempt_ms}});
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
  std::error_code ec;
  // Without a database there is no one to report on: an empty roster, and no file created.
  if (std::filesystem::exists(database_path(settings), ec)) {
    auto store = open_database(settings, "report", false);
    if (!store) return exit_usage;
    ops = store->operators(true);
    attempts = store->attempts();
    awards = store->awards();
  }
  const auto rows = build_roster(*track, content.scenarios, ops, attempts, awards, wall_clock_ms());
  const std::string text = o.format == "csv" ? roster_csv(rows, o.bom) : roster_json(*track, rows);

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
