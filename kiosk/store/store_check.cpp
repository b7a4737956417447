// SqliteStore::check(): the file's health, quick (db check) or full (db check --full).
//
// The quick check reads what stays small however long the kiosk is used, the attempts' rows (one
// per attempt; the events are ten or more for each) and a bounded slice of the rest:
//   - the file: its header, page size, and a length that matches its page count;
//   - the schema: every table, index and trigger posdrill's migrations make, as they make them;
//   - every page of the small tables (operators, settings, awards, summaries, drafts, …):
//     SQLite's quick_check limited to each of them;
//   - the attempts table row by row: ends, the summaries' totals of attempts and passes;
//   - the newest attempts' events (numbered 1..n, counted in the mistake summaries), operators and
//     closing statements; the summaries of the most recently active operators recomputed;
//   - the statements not yet delivered (and the outbox's sequence).
// It does not read the pages of attempt_events or of the delivered statements, nor compare the big
// tables' indexes with their rows: the full check does (integrity_check), and says so.
#include "kiosk/store/store.h"
#include "kiosk/store/store_sql.h"

#include <cstdint>
#include <fstream>
#include <map>
#include <utility>

namespace posdrill {

using namespace store_sql;

namespace {

// The summaries as they follow from the records (schema step 5 builds them with the same rules),
// for every operator (`filter` "1") or one (`filter` "operator_id = ?1"). For every operator the
// table is read in its own order: walking attempts_by_operator instead would look up each row
// apart, several times slower on a large file.
std::string attempts_for(const std::string& filter) {
  return filter == "1" ? "attempts NOT INDEXED WHERE 1" : "attempts WHERE " + filter;
}
std::string recomputed_scenario_summaries(const std::string& filter) {
  return "SELECT operator_id, scenario_id, count(*) AS attempts, "
         "sum(CASE WHEN ended_ms != 0 THEN passed ELSE 0 END) AS passes, "
         "sum(CASE WHEN ended_ms != 0 THEN abandoned ELSE 0 END) AS abandoned, "
         "coalesce(max(CASE WHEN ended_ms != 0 THEN score END), 0) AS best_score, max(started_ms) AS last_attempt_ms "
         "FROM " +
         attempts_for(filter) + " GROUP BY operator_id, scenario_id";
}
std::string recomputed_pass_frontier(const std::string& filter) {
  return "SELECT operator_id, scenario_id, ended_ms, uuid AS attempt_uuid, score FROM ("
         "  SELECT operator_id, scenario_id, ended_ms, uuid, score, "
         "         max(score) OVER (PARTITION BY operator_id, scenario_id ORDER BY ended_ms DESC, uuid DESC "
         "                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_best "
         "  FROM " +
         attempts_for(filter) +
         "  AND passed = 1 AND finished = 1 AND abandoned = 0 AND critical_errors = 0 AND ended_ms > 0"
         ") WHERE later_best IS NULL OR score > later_best";
}
constexpr const char* recomputed_mistake_summaries =
    "SELECT a.scenario_id AS scenario_id, e.step_id AS step_id, e.choice_id AS choice_id, count(*) AS mistakes, "
    "max(e.critical) AS critical FROM attempt_events e JOIN attempts a ON a.uuid = e.attempt_uuid "
    "WHERE e.mistake = 1 GROUP BY a.scenario_id, e.step_id, e.choice_id";

std::string thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

// type/name -> CREATE text of every object posdrill's own (not SQLite's internal sqlite_*) in the
// schema of `db`; false when it cannot be read.
bool read_schema(sqlite3* db, std::map<std::string, std::string>& out) {
  Stmt s(db, "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out[s.text(0) + " " + s.text(1)] = s.text(2);
  return rc == SQLITE_DONE;
}

// The schema posdrill's migrations make up to `version`, built in memory.
bool expected_schema(int version, std::map<std::string, std::string>& out) {
  sqlite3* mem = nullptr;
  bool ok = sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) == SQLITE_OK;
  for (int v = 0; ok && v < version; ++v) ok = sqlite3_exec(mem, migration_step(v), nullptr, nullptr, nullptr) == SQLITE_OK;
  ok = ok && read_schema(mem, out);
  sqlite3_close(mem);
  return ok;
}

}  // namespace

std::vector<std::string> SqliteStore::check(CheckMode mode) { return check_report(mode).problems; }

CheckReport SqliteStore::check_report(CheckMode mode) {
  CheckReport report;
  std::vector<std::string>& problems = report.problems;
  const std::string where = file_.string() + ": ";
  const bool full = mode == CheckMode::full;
  auto checked = [&](std::string what) { report.checked.push_back(std::move(what)); };
  // Each rule reports at most this many rows: a badly damaged file should not print forever.
  constexpr int max_rows = 20;
  // Runs `sql` (parameters set by `bind`) and reports describe(row) for each row (nothing when it
  // returns ""). False when SQLite could not finish: that is reported too.
  auto run_bound = [&](const std::string& sql, auto&& bind, auto&& describe) {
    Stmt s(db_, sql.c_str());
    bind(s);
    int rc, n = 0;
    while ((rc = s.step()) == SQLITE_ROW) {
      if (n++ < max_rows) {
        std::string p = describe(s);
        if (!p.empty()) problems.push_back(where + p);
      }
    }
    if (rc != SQLITE_DONE) problems.push_back(failed(rc, "check failed").message);
    return rc == SQLITE_DONE;
  };
  auto run = [&](const std::string& sql, auto&& describe) {
    return run_bound(sql, [](Stmt&) {}, describe);
  };
  // One number (-1 when it cannot be read, which is reported).
  auto number = [&](const std::string& sql) {
    Stmt s(db_, sql.c_str());
    const int rc = s.step();
    if (rc == SQLITE_ROW) return s.i64(0);
    problems.push_back(failed(rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "check failed").message);
    return int64_t{-1};
  };
  const auto sqlite_says = [](const Stmt& row) { return row.text(0) == "ok" ? std::string() : row.text(0); };
  const int version = user_version();

  // ---- The file: its header and its length ----
  {
    const int64_t page_size = number("PRAGMA page_size"), pages = number("PRAGMA page_count");
    const int64_t free_pages = number("PRAGMA freelist_count");
    std::ifstream f(file_, std::ios::binary);
    char header[100] = {};
    f.read(header, sizeof header);
    std::error_code ec;
    const auto size = int64_t(std::filesystem::file_size(file_, ec));
    const auto wal = int64_t(std::filesystem::file_size(file_.string() + "-wal", ec));
    const bool wal_waiting = !ec && wal > 0;
    const int header_page_size = (static_cast<unsigned char>(header[16]) << 8) | static_cast<unsigned char>(header[17]);
    if (!f || std::string(header, 16) != std::string("SQLite format 3\0", 16))
      problems.push_back(where + "the file does not start with SQLite's header");
    else if ((header_page_size == 1 ? 65536 : header_page_size) != page_size)
      problems.push_back(where + "the header's page size (" + std::to_string(header_page_size) +
                         ") is not the database's (" + std::to_string(page_size) + ")");
    if (page_size > 0 && size % page_size != 0)
      problems.push_back(where + "the file is " + thousands(size) + " bytes, not a whole number of its " +
                         std::to_string(page_size) + "-byte pages");
    // With commits waiting in the -wal, the database may be longer or shorter than the file until
    // they are merged into it.
    if (page_size > 0 && pages >= 0 && !wal_waiting && pages * page_size != size)
      problems.push_back(where + "the database has " + thousands(pages) + " pages but the file holds " +
                         thousands(size / page_size) +
                         (pages * page_size > size ? " (cut short)" : " (longer than SQLite wrote it)"));
    if (free_pages > pages) problems.push_back(where + "more free pages than pages");
    checked("the file: SQLite's header, " + thousands(pages) + " pages of " + std::to_string(page_size) + " bytes" +
            (wal_waiting ? " (some still in the -wal)" : ", the file's length") + ", " + thousands(free_pages) +
            " free");
  }

  // ---- The schema: every table, index and trigger, as the migrations make them ----
  {
    std::map<std::string, std::string> have, want;
    if (!read_schema(db_, have)) {
      problems.push_back(where + "the schema cannot be read");
    } else if (!expected_schema(version, want)) {
      problems.push_back(where + "schema " + std::to_string(version) + " cannot be rebuilt to compare with");
    } else {
      for (const auto& [name, sql] : want) {
        auto it = have.find(name);
        if (it == have.end())
          problems.push_back(where + "schema: the " + name + " is missing");
        else if (it->second != sql)
          problems.push_back(where + "schema: the " + name + " is not the one posdrill makes");
      }
      for (const auto& [name, sql] : have)
        if (!want.count(name)) problems.push_back(where + "schema: the " + name + " is not posdrill's");
      checked("the schema: version " + std::to_string(version) + ", its " + std::to_string(want.size()) +
              " tables, indexes and triggers as posdrill makes them");
    }
  }

  // ---- Pages: every one (full), or every one of the small tables (quick) ----
  if (full) {
    // integrity_check also cross-checks every index against its table.
    run("PRAGMA integrity_check", sqlite_says);
    checked("every page, row and index entry (SQLite's integrity_check)");
    run("PRAGMA foreign_key_check", [](const Stmt& row) {
      return "table " + row.text(0) + " row " + row.text(1) + " refers to a missing row of " + row.text(2);
    });
    checked("every reference between tables (foreign_key_check)");
  } else {
    std::vector<std::string> tables;
    Stmt exists(db_, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    for (const char* table : small_tables) {
      exists.reset();
      exists.bind(1, table);
      if (std::string_view(table) != "sqlite_schema" && exists.step() != SQLITE_ROW) continue;
      // A PRAGMA takes no bound parameter; the table names are our own constants.
      run("PRAGMA quick_check(" + std::string(table) + ")", sqlite_says);
      tables.push_back(table);
    }
    checked("every page of " + joined(tables) + " (SQLite's quick_check of each)");

  }

  // ---- The attempts, row by row (one per attempt; the events are ten or more times as many) ----
  const int64_t attempts = number("SELECT count(*) FROM attempts");
  if (full) {
    run("SELECT attempt_uuid, count(*), min(seq), max(seq) FROM attempt_events GROUP BY attempt_uuid "
        "HAVING min(seq) != 1 OR max(seq) != count(*)",
        [](const Stmt& row) {
          return "attempt " + row.text(0) + ": events not numbered 1.." + row.text(1) + " (" + row.text(2) + ".." +
                 row.text(3) + ")";
        });
  }
  run("SELECT uuid, started_ms, ended_ms FROM attempts "
      "WHERE (ended_ms != 0 AND ended_ms < started_ms) OR ((finished = 1 OR abandoned = 1) AND ended_ms = 0)",
      [](const Stmt& row) {
        return "attempt " + row.text(0) + ": closed without a proper end (started " + row.text(1) + ", ended " +
               row.text(2) + ")";
      });
  checked("every attempt (" + thousands(attempts) + "): a closed one has an end" +
          (full ? "; every attempt's events numbered 1..n" : ""));
  run("SELECT employee_id FROM operators WHERE substr(pin_hash, 1, 10) != '$argon2id$'",
      [](const Stmt& row) { return "operator " + row.text(0) + ": PIN not stored as an argon2id hash"; });
  checked("every operator's PIN stored as an argon2id hash");
  if (version >= 3) {
    // From the drafts (a few: the open attempts), not from every attempt.
    run("SELECT d.attempt_uuid FROM attempt_drafts d CROSS JOIN attempts a ON a.uuid = d.attempt_uuid "
        "WHERE a.ended_ms != 0",
        [](const Stmt& row) {
          return "attempt " + row.text(0) + ": closed, yet its abandoned statement is still a draft";
        });
    checked("no draft statement left for a closed attempt");
  }

  // ---- The newest attempts in depth (quick) ----
  // The newest stored attempts (rowid order is the order they were stored in).
  const std::string recent = full ? std::string("attempts")
                                  : "(SELECT * FROM attempts ORDER BY rowid DESC LIMIT " +
                                        std::to_string(check_recent_attempts) + ")";
  const int64_t in_depth = full ? attempts : std::min<int64_t>(attempts, check_recent_attempts);
  if (!full) {
    run("SELECT a.uuid, count(*), min(e.seq), max(e.seq) FROM " + recent +
            " a JOIN attempt_events e ON e.attempt_uuid = a.uuid GROUP BY a.uuid "
            "HAVING min(e.seq) != 1 OR max(e.seq) != count(*)",
        [](const Stmt& row) {
          return "attempt " + row.text(0) + ": events not numbered 1.." + row.text(1) + " (" + row.text(2) + ".." +
                 row.text(3) + ")";
        });
    run("SELECT a.uuid, a.operator_id FROM " + recent +
            " a WHERE NOT EXISTS (SELECT 1 FROM operators o WHERE o.employee_id = a.operator_id)",
        [](const Stmt& row) { return "attempt " + row.text(0) + ": its operator " + row.text(1) + " is missing"; });
  }
  // Statements: an attempt that queued its `attempted` statement (sync was on) and is closed has
  // its closing one, unless that one was delivered and pruned, which can only have happened when
  // it was made before the newest prune limit (it is made when the attempt ends, or later). Two
  // index look-ups per attempt.
  if (version >= 2) {
    run("SELECT a.uuid, a.abandoned FROM " + recent +
            " a WHERE a.ended_ms != 0 "
            "AND EXISTS (SELECT 1 FROM outbox o WHERE o.attempt_uuid = a.uuid AND o.verb = 'attempted') "
            "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.attempt_uuid = a.uuid "
            "                AND o.verb IN ('passed', 'failed', 'abandoned')) "
            "AND a.ended_ms >= coalesce((SELECT CAST(value AS INTEGER) FROM settings "
            "                            WHERE key = 'sync.pruned_before_ms'), 0)",
        [](const Stmt& row) {
          return "attempt " + row.text(0) + ": closed" + (row.flag(1) ? " as abandoned" : "") +
                 " but its closing statement (passed, failed or abandoned) is missing from the outbox: the LRS "
                 "will never learn how it ended";
        });
  }
  if (!full)
    checked("the newest " + thousands(in_depth) + " attempts: their events numbered 1..n, their operator" +
            (version >= 2 ? ", their closing statement" : ""));
  else if (version >= 2)
    checked("every closed attempt's closing statement");

  // ---- The outbox: what is still to be delivered ----
  if (version >= 2) {
    // A queued statement is not done (done_ms 0); each belongs to an attempt that is recorded (or
    // to none). Quick reads the ones not delivered; the delivered ones are the many.
    const std::string limit = full ? "" : " LIMIT " + std::to_string(check_outbox_rows);
    const std::string states = full ? "" : "WHERE state IN ('queued', 'set_aside', 'voided')";
    run("SELECT id, state, done_ms, attempt_uuid, attempt_uuid = '' OR EXISTS "
        "(SELECT 1 FROM attempts a WHERE a.uuid = o.attempt_uuid) FROM (SELECT * FROM outbox " +
            states + " ORDER BY state, seq" + limit + ") o",
        [](const Stmt& row) {
          if (row.text(1) == "queued" && row.i64(2) != 0)
            return "statement " + row.text(0) + ": queued, yet marked done at " + row.text(2);
          if (!row.flag(4)) return "statement " + row.text(0) + ": of attempt " + row.text(3) + ", which is not recorded";
          return std::string();
        });
    run("SELECT (SELECT max(seq) FROM outbox), (SELECT seq FROM sqlite_sequence WHERE name = 'outbox') "
        "WHERE (SELECT max(seq) FROM outbox) > coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)",
        [](const Stmt& row) {
          return "outbox: statement number " + row.text(0) + " is past the sequence's " + row.text(1);
        });
    const int64_t waiting = number("SELECT count(*) FROM outbox WHERE state IN ('queued', 'set_aside', 'voided')");
    checked(full ? "every statement in the outbox: its state, its attempt, the sequence"
                 : "the outbox: " +
                       (waiting > check_outbox_rows ? "the first " + thousands(check_outbox_rows) + " of " : "the ") +
                       thousands(waiting) +
                       " statements not delivered (queued, set aside, voided): state and attempt; the sequence");
  }
  if (version < 5) {
    if (!full) report.not_checked = "the pages of attempt_events and of the delivered statements";
    return report;
  }

  // ---- The summaries the console and `report` read ----
  const auto summary_problem = [](const char* what) {
    return [what](const Stmt& row) {
      return std::string(what) + " summary " + row.text(0) + " differs from the records (" + row.text(1) + ")";
    };
  };
  // Rows in one and not the other, both ways; the last column says which side has the row.
  const auto compare = [&](const char* table, const char* kept, const std::string& recomputed, const char* key,
                           const std::string& filter, const std::string& operator_id) {
    const std::string k(key);
    const std::string stored = "SELECT * FROM " + std::string(table) + " WHERE " + filter;
    // Recomputed once, compared both ways.
    run_bound("WITH r AS MATERIALIZED (" + recomputed + ") SELECT " + k + ", 'kept, not in the records' FROM (" +
                  stored + " EXCEPT SELECT * FROM r) UNION ALL SELECT " + k +
                  ", 'in the records, not kept' FROM (SELECT * FROM r EXCEPT " + stored + ")",
              [&](Stmt& s) {
                if (!operator_id.empty()) s.bind(1, operator_id);
              },
              summary_problem(kept));
  };
  if (full) {
    compare("scenario_summaries", "scenario", recomputed_scenario_summaries("1"), "operator_id || '/' || scenario_id",
            "1", "");
    compare("pass_frontier", "pass", recomputed_pass_frontier("1"),
            "operator_id || '/' || scenario_id || '/' || attempt_uuid", "1", "");
    compare("mistake_summaries", "mistake", std::string(recomputed_mistake_summaries),
            "scenario_id || '/' || step_id || '/' || choice_id", "1", "");
    checked("every summary row recomputed from the records");
    return report;
  }
  // Quick: the totals against counts of the attempts (an index, and the rows).
  run("SELECT 'attempts', (SELECT coalesce(sum(attempts), 0) FROM scenario_summaries) || ' summarized, ' || "
      "  (SELECT count(*) FROM attempts) || ' recorded' "
      "WHERE (SELECT coalesce(sum(attempts), 0) FROM scenario_summaries) != (SELECT count(*) FROM attempts) "
      "UNION ALL "
      "SELECT 'passes', (SELECT coalesce(sum(passes), 0) FROM scenario_summaries) || ' summarized, ' || "
      "  (SELECT count(*) FROM attempts WHERE passed = 1 AND ended_ms != 0) || ' recorded' "
      "WHERE (SELECT coalesce(sum(passes), 0) FROM scenario_summaries) != "
      "      (SELECT count(*) FROM attempts WHERE passed = 1 AND ended_ms != 0)",
      summary_problem("total"));
  // The mistakes: counting them all reads every event that is one (the partial index does not
  // hold `mistake`, so SQLite looks each up in the table: seconds on a large file). When the newest
  // attempts are all there is, every mistake row is recomputed; otherwise each mistake of the
  // newest attempts must be counted in its row (which holds every attempt's, so at least as many).
  const bool all_in_depth = attempts >= 0 && attempts <= check_recent_attempts;
  if (all_in_depth)
    compare("mistake_summaries", "mistake", std::string(recomputed_mistake_summaries),
            "scenario_id || '/' || step_id || '/' || choice_id", "1", "");
  else
    run("SELECT r.scenario_id || '/' || r.step_id || '/' || r.choice_id, "
        "       r.n || ' in the newest attempts, ' || coalesce(m.mistakes, 'none') || ' summarized' "
        "FROM (SELECT a.scenario_id, e.step_id, e.choice_id, count(*) AS n, max(e.critical) AS critical FROM " +
            recent +
            " a JOIN attempt_events e ON e.attempt_uuid = a.uuid WHERE e.mistake = 1 "
            "      GROUP BY a.scenario_id, e.step_id, e.choice_id) r "
            "LEFT JOIN mistake_summaries m USING (scenario_id, step_id, choice_id) "
            "WHERE m.mistakes IS NULL OR m.mistakes < r.n OR m.critical < r.critical",
        summary_problem("mistake"));
  // Every row of the operators most recently active, recomputed, as far as check_summary_attempts
  // of their attempts go.
  std::vector<std::string> recomputed_for;
  int64_t budget = check_summary_attempts, recounted = 0;
  {
    Stmt s(db_,
           "SELECT operator_id, sum(attempts) FROM scenario_summaries GROUP BY operator_id "
           "ORDER BY max(last_attempt_ms) DESC, operator_id");
    int rc;
    while ((rc = s.step()) == SQLITE_ROW && s.i64(1) <= budget) {
      recomputed_for.push_back(s.text(0));
      budget -= s.i64(1);
      recounted += s.i64(1);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) problems.push_back(failed(rc, "check failed").message);
  }
  for (const std::string& op : recomputed_for) {
    const std::string filter = "operator_id = ?1";
    compare("scenario_summaries", "scenario", recomputed_scenario_summaries(filter),
            "operator_id || '/' || scenario_id", filter, op);
    compare("pass_frontier", "pass", recomputed_pass_frontier(filter),
            "operator_id || '/' || scenario_id || '/' || attempt_uuid", filter, op);
  }
  int64_t operators_with_summaries = number("SELECT count(DISTINCT operator_id) FROM scenario_summaries");
  checked("the summaries' totals of attempts and passes against the records; " +
          std::string(all_in_depth ? "every mistake summary recomputed"
                                   : "the newest attempts' mistakes counted in the mistake summaries") +
          "; every summary of the " + thousands(int64_t(recomputed_for.size())) + " of " +
          thousands(operators_with_summaries) + " operators most recently active recomputed from their " +
          thousands(recounted) + " attempts");
  report.not_checked = "the pages of attempt_events and of the delivered statements, the older attempts' events "
                       "and the big tables' indexes against their rows";
  return report;
}

}  // namespace posdrill
