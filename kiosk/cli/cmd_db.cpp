// `posdrill db check`, and how every command that needs the records opens them.

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "kiosk/store/store.h"

namespace posdrill {

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<SqliteStore> open_database(const Settings& settings, std::string_view command, bool create) {
  const auto file = database_path(settings);
  std::error_code ec;
  if (!create && !std::filesystem::exists(file, ec)) {
    std::cerr << "posdrill " << command << ": no database at " << file.string()
              << " (add an operator first, or give --data DIR)\n";
    return nullptr;
  }
  StoreStatus status;
  auto store = SqliteStore::open(file, status, wall_clock_ms());
  if (!store) {
    std::cerr << "posdrill " << command << ": cannot open the database " << file.string() << ": " << status.message
              << '\n';
    return nullptr;
  }
  if (store->recovered_attempts() > 0)
    std::cerr << "posdrill " << command << ": " << store->recovered_attempts()
              << " attempt(s) left open by an earlier crash were closed as abandoned\n";
  return store;
}

int cmd_db_check(const Settings& settings, bool json) {
  // A check must never create the file it was asked to check.
  auto store = open_database(settings, "db check", false);
  if (!store) return exit_usage;
  const std::vector<std::string> problems = store->check();
  if (json) {
    nlohmann::json j = {{"database", database_path(settings).string()},
                        {"ok", problems.empty()},
                        {"user_version", store->user_version()},
                        {"problems", problems}};
    std::cout << j.dump(2) << '\n';
  } else if (problems.empty()) {
    std::cout << "ok\n";
  } else {
    for (const auto& p : problems) std::cout << p << '\n';
  }
  return problems.empty() ? exit_ok : exit_failed;
}

}  // namespace posdrill
