// The headless `posdrill` sub-commands. Each returns the process exit code.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"
#include "device_bridge/endpoint.h"
#include "kiosk/sync/statements.h"

namespace posdrill {

class SqliteStore;
struct StoreStatus;

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;  // lint found errors / the attempt did not pass
inline constexpr int exit_usage = 2;   // bad arguments, unknown scenario, unreadable content

int cmd_lint(const Settings& settings, const std::string& path, bool json);
int cmd_list(const Settings& settings, bool json);

struct PlayOptions {
  std::string scenario_id;
  std::optional<Lang> lang;
  std::string inputs_file;  // "-" or empty with a non-TTY stdin: read answers from stdin
  std::string auto_mode;    // "", "best", "critical", "shortest", "longest"
  std::optional<uint64_t> seed;
  bool json = false;
  std::string operator_id;
  // --wire: the terminal is a real one keyed by hand, scored from its host line (play_wire.cpp).
  bool wire = false;
  std::string wire_listen, upstream;    // empty: the config's terminal.wire section
  std::vector<std::string> test_hosts;  // allowed upstreams besides loopback and the config's
  std::string profile;                  // content/test_hosts id; empty: the config's terminal.acquirer
};
int cmd_play(const Settings& settings, const PlayOptions& options);
// The --wire attempt (play_wire.cpp): decisions from `in` (named `source` in messages; prompted
// when `interactive`), terminal tasks from the line. With --operator it is recorded as played on a
// real terminal: `begin` opens the record once the line is up (false: it could not be opened).
class Recording;
struct WireRecording {
  Recording& rec;
  std::function<bool()> begin;
};
int play_wire(const Settings& settings, const ContentSet& set, const Scenario& s, const PlayOptions& o, Lang lang,
              uint64_t seed, std::istream& in, const std::string& source, bool interactive,
              const WireRecording& recording);

// `posdrill operators add|list|reset-pin|deactivate`: the kiosk's people, in <data>/posdrill.db.
// Exit 0 done, 1 refused (the id exists / no such operator), 2 invalid input or no database.
struct OperatorOptions {
  std::string action;  // "add", "list", "reset-pin", "deactivate"
  std::string id, name, role, store, lang;
  std::optional<std::string> pin;  // --pin; else $POSDRILL_PIN, else one line of a non-TTY stdin
  bool json = false;
  bool all = false;  // list: deactivated operators too
};
int cmd_operators(const Settings& settings, const OperatorOptions& options);

// `posdrill report`: the certification roster of one track for every operator, certifications
// earned on other kiosks included (as the manager console counts them), each row saying where its
// award was earned (`earned`: here / elsewhere, `earned_at`: the other store or kiosk).
// --from-lrs: the chain's roster, every person the LRS knows, by store (exit 1 when the LRS could not
// be read and the cached roster was printed).
struct ReportOptions {
  std::string format = "csv";  // "csv" or "json"
  std::string track_id;        // empty: the first loaded track
  bool bom = false;
  std::string output;  // empty: stdout
  bool from_lrs = false;
  std::string cache;        // --from-lrs: the cache file (default <data>/lrs-roster.db)
  bool full = false;        // --from-lrs: rebuild the cache from nothing
  bool offline = false;     // --from-lrs: print the cached roster without asking the LRS
  bool stats = false;       // --from-lrs: requests, statements, time and memory on stderr
  int overlap_s = 300;      // --from-lrs: each refresh re-reads this far before its cursor
  bool items = false;       // --items: item analysis instead of the roster (cmd_report_items)
  bool json = false;        // --items: JSON instead of the table
  std::string scenario_id;  // --items: one scenario only
};
int cmd_report(const Settings& settings, const ReportOptions& options);
// `posdrill report --items [--json] [--scenario ID]`: per decision step of the loaded content, how
// its answers in finished attempts spread over the choices, facility, discrimination, time, hints
// and flags (kiosk/core/item_analysis.h). Exit 0, or 2 on an unknown scenario or unreadable records.
int cmd_report_items(const Settings& settings, const ReportOptions& options);

// `posdrill sync status|now|retry|void`: the xAPI outbox. `now` sends until the queue is empty
// (exit 0) or `timeout_s` passes / the LRS refuses the kiosk (exit 1); 2 = not configured.
struct SyncOptions {
  std::string action;  // "status", "now", "retry", "void"
  bool json = false;
  int timeout_s = 60;
  std::string id;      // retry: one statement (empty: all set aside); void: required
  std::string reason;  // void
};
int cmd_sync(const Settings& settings, const SyncOptions& options);
// What every recorded attempt's statements say about this kiosk; nullopt when sync is off.
std::optional<StatementSite> statement_site(const Settings& settings);

// `posdrill db check [--full]`: exit 0 healthy, 1 problems found, 2 cannot open. Quick by
// default (SqliteStore::check, CheckMode::quick); `full` runs every check.
int cmd_db_check(const Settings& settings, bool json, bool full);

// How a command needs the records (open_database).
enum class Access {
  create,     // write; a missing file is created
  write,      // write; the file must exist
  read_only,  // read only, nothing written (works on a read-only copy and on a full disk); the file
              // must exist and be at this posdrill's schema
  inspect,    // read only, any schema this posdrill knows (db check)
};
// Opens database_path(settings) for `command` (named in messages). nullptr after printing why
// (the file and the problem) to stderr.
std::unique_ptr<SqliteStore> open_database(const Settings& settings, std::string_view command, Access access);
// For a read that failed: prints "posdrill COMMAND: FILE: problem" to stderr and returns exit_usage,
// so no command reports a partial list as if it were all there is.
int read_failed(std::string_view command, const StoreStatus& status);

// The emulated acquirer as a CUP-dialect service on ADDR:PORT (port 0: any free port, printed).
int cmd_host(const Settings& settings, const std::string& listen, const std::string& scenario_id);
// The emulated terminal on the console (keys as keypad), talking to a host at ADDR:PORT.
int cmd_terminal(const Settings& settings, const std::string& host, const std::string& scenario_id);
// `posdrill terminal --nexo ADDR:PORT`: the emulated terminal as a nexo POI serving POST /nexo
// (device_bridge/nexo_poi.h; port 0: any free port, printed). Exit 0 after a clean stop.
struct NexoServiceOptions {
  std::string listen;
  std::string scenario_id;
  std::vector<std::string> faults;  // "N=KIND[:ARG]": a fault on the N-th online operation
  std::string poi_id;               // empty: POSDRILL-TRAINING
  int lost_answer_delay_ms = -1;    // a lost host answer: -1 never answer, else answer this late
};
int cmd_terminal_nexo(const Settings& settings, const NexoServiceOptions& options);

// `posdrill proxy`: the host-link fault proxy between a spare real terminal and its acquirer's
// TEST host (device_bridge/net/proxy.h). Exit 0 after a clean stop, 1 refused upstream / cannot
// listen, 2 usage or content error.
struct ProxyOptions {
  // ADDR:PORT; empty: the config's terminal.proxy.listen / .upstream (an error when that is empty too).
  std::string listen, upstream;
  std::string scenario_id;  // the scenario's faults (real_terminal.faults: proxy)
  std::string faults_file;  // or a bare `faults:` list
  // Allowed upstreams besides loopback, added to the config's terminal.test_hosts.
  std::vector<std::string> test_hosts;
  std::string profile;  // content/test_hosts id: print the amount for each outcome
};
int cmd_proxy(const Settings& settings, const ProxyOptions& options);
// The two ends of a real terminal's line (posdrill proxy, play --wire) and the allow-list its
// upstream passed: the config's terminal.test_hosts plus --test-host.
struct TerminalLine {
  Endpoint listen, upstream;
  std::vector<std::string> test_hosts;
};
struct TerminalLineFlags {
  const char* section;  // the config's terminal: subsection, "proxy" or "wire"
  std::string listen, config_listen;
  const char* listen_flag;  // "--listen", "--wire"
  std::string upstream, config_upstream;
  std::vector<std::string> test_hosts;  // --test-host
};
// Flags beat the config; the upstream must pass upstream_allowed (device_bridge/net/proxy.h) before
// anything else happens. nullopt after saying why on stderr (after `me`), with `exit_code` 2 for
// a missing or malformed address, 1 for a refused upstream.
std::optional<TerminalLine> terminal_line(const Settings& settings, const char* me, const TerminalLineFlags& flags,
                                          int& exit_code);
// What the trainee keys for each outcome scenario `s` needs from the test host `profile_id` (""
// when none is chosen: says how to find out), one line each on `out`, starting with `me`. False
// when the profile is unknown or cannot give one of them.
bool print_test_amounts(std::ostream& out, const char* me, const ContentSet& set, const Scenario& s,
                        const std::string& profile_id, Lang lang);

}  // namespace posdrill
