// `posdrill db check`, and how every command that needs the records opens them.

#include <nlohmann/json.hpp>

#include <iostream>

#include "base/time.h"
#include "cli/commands.h"
#include "kiosk/store/store.h"

namespace posdrill {

std::unique_ptr<SqliteStore> open_database(const Settings& settings, std::string_view command, Access access) {
  const auto file = database_path(settings);
  std::error_code ec;
  if (access != Access::create && !std::filesystem::exists(file, ec)) {
    std::cerr << "posdrill " << command << ": no database at " << file.string()
              << " (add an operator first, or give --data DIR)\n";
    return nullptr;
  }
  const bool reading = access == Access::read_only || access == Access::inspect;
  StoreStatus status;
  auto store = SqliteStore::open(file, status, wall_now(), reading ? OpenMode::read_only : OpenMode::write);
  if (!store) {
    std::cerr << "posdrill " << command << ": cannot open the database " << file.string() << ": " << status.message
              << '\n';
    return nullptr;
  }
  if (access == Access::read_only && store->user_version() != SqliteStore::schema_version) {
    std::cerr << "posdrill " << command << ": " << file.string() << " was written by an older posdrill (schema "
              << store->user_version() << "); the kiosk or any command that writes brings it up to date\n";
    return nullptr;
  }
  if (store->recovered_attempts() > 0)
    std::cerr << "posdrill " << command << ": " << store->recovered_attempts()
              << " attempt(s) left open by an earlier crash were closed as abandoned\n";
  return store;
}

int read_failed(std::string_view command, const StoreStatus& status) {
  std::cerr << "posdrill " << command << ": " << status.message << '\n';
  return exit_usage;
}

int cmd_db_check(const Settings& settings, bool json, bool full) {
  // A check never creates, migrates or repairs the file it was asked to check, and works on a
  // read-only copy.
  auto store = open_database(settings, "db check", Access::inspect);
  if (!store) return exit_usage;
  const CheckReport report = store->check_report(full ? CheckMode::full : CheckMode::quick);
  const std::vector<std::string>& problems = report.problems;
  if (json) {
    nlohmann::json j = {{"database", database_path(settings).string()},
                        {"ok", problems.empty()},
                        {"check", full ? "full" : "quick"},
                        {"user_version", store->user_version()},
                        {"checked", report.checked},
                        {"not_checked", report.not_checked},
                        {"problems", problems}};
    std::cout << j.dump(2) << '\n';
  } else {
    // What was looked at first, so that "ok" is never read as more than it is; the verdict last.
    std::cout << (full ? "checked (full):\n" : "checked (quick):\n");
    for (const auto& c : report.checked) std::cout << "  " << c << '\n';
    if (!report.not_checked.empty())
      std::cout << "not checked: " << report.not_checked << " (posdrill db check --full reads every page)\n";
    if (problems.empty()) std::cout << "ok\n";
    for (const auto& p : problems) std::cout << p << '\n';
  }
  return problems.empty() ? exit_ok : exit_failed;
}

}  // namespace posdrill
