#include "kiosk/app/services.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <type_traits>
#include <utility>

#include "base/calendar.h"
#include "kiosk/app/removable_media.h"
#include "kiosk/core/certification.h"
#include "kiosk/store/roster_cache.h"

namespace posdrill {

namespace {

// "王小明 (1001)": how a console notice names a person (the id alone when the name cannot be read).
std::string person_label(SqliteStore& store, const std::string& employee_id) {
  const StoreFound<OperatorRecord> op = store.find_operator(employee_id);
  return op ? op->name + " (" + employee_id + ")" : employee_id;
}

// The store's answer in the manager's language; the English message stays in the log.
// `done`: the key that says what was done ("console.added"), followed by `what`.
ConsoleNotice store_notice(const StoreStatus& st, const std::string& what, const char* done) {
  switch (st.code) {
    case StoreError::none:
      return ConsoleNotice{done, what, false};
    case StoreError::exists:
      return ConsoleNotice{"console.id_exists", what, true};
    case StoreError::not_found:
      return ConsoleNotice{"console.no_such_operator", what, true};
    case StoreError::busy:
      return ConsoleNotice{"console.records_busy", "", true};
    case StoreError::io:
      return ConsoleNotice{"console.records_io", "", true};
    case StoreError::corrupt:
      return ConsoleNotice{"console.records_unreadable", "", true};
    case StoreError::too_new:
      return ConsoleNotice{"console.records_too_new", "", true};
    case StoreError::invalid:
      break;
  }
  return ConsoleNotice{"console.failed_save", st.message, true};
}

// "20261121-143205" in UTC, for export file names that sort by time.
std::string stamp_utc(WallTime at) {
  const CivilTime t = civil_time(at);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d-%02d%02d%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

}  // namespace

namespace {

// Writes `data` to a new file `path` and waits for the device to have it: a stick pulled out
// right after "exported" must hold the whole file.
bool write_synced(const std::filesystem::path& path, const std::string& data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool ok = done == data.size() && ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

}  // namespace

KioskServices::KioskServices(SqliteStore& store, const AppState& state, std::filesystem::path exports_dir,
                             WallClock wall, Log log)
    : store_(store),
      state_(state),
      recorder_(store, state.scenarios, state.tracks),
      exports_dir_(std::move(exports_dir)),
      wall_(std::move(wall)),
      log_(std::move(log)) {}

void KioskServices::enable_sync(const StatementSite& site, SyncControl* control) {
  site_ = site;
  sync_ = control;
  recorder_.set_sync(site);
}

std::vector<RemoteAwardRow> KioskServices::remote_awards_of(const std::string& operator_id, StoreStatus& status) {
  const StoreList<RemoteAward> cached = store_.remote_awards(operator_id);
  if (!cached.ok()) status = cached.status;
  return remote_award_rows(cached);
}

std::vector<Action> KioskServices::console_data() {
  ConsoleLoaded c;
  // A read that fails shows as a notice and leaves the console as it was: a damaged file must
  // never show as a roster of people with no attempts. The roster reads summaries only (the
  // console's figures cost the same at ten attempts or a million events); the roster counts
  // certifications earned elsewhere too (cached at each one's last sign-in).
  RosterRecords records = store_.roster_records();
  StoreStatus st = records.status;
  const StoreList<MistakeCount> mistakes = store_.mistake_counts({}, 5);
  if (st && !mistakes.ok()) st = mistakes.status;
  if (!st) {
    log_("cannot read the records: " + st.message);
    return {ConsoleNotice{"console.records_unreadable", st.message, true}};
  }
  c.operators = std::move(records.operators);
  c.stats = std::move(records.stats);
  c.awards = std::move(records.awards);
  c.remote_awards = remote_award_rows(records.remote_awards);
  c.mistakes = mistakes;
  // The chain per store, when this kiosk keeps the cache of `posdrill report --from-lrs` (head
  // office's): optional, so a cache that cannot be read is logged and left out.
  std::error_code ec;
  if (!chain_file_.empty() && std::filesystem::exists(chain_file_, ec)) {
    StoreStatus cst;
    if (auto cache = RosterCache::open(chain_file_, cst, true)) {
      StoreList<ChainStoreRow> rows = cache->store_summary(c.chain_as_of_ms);
      if (rows.ok())
        c.chain = std::move(rows);
      else
        log_("cannot read the chain's roster: " + rows.status.message);
    } else {
      log_("cannot read the chain's roster: " + cst.message);
    }
  }
  return {std::move(c)};
}

// The console lists at most this many set-aside statements: each one is a manager's decision,
// and a longer list is a configuration problem to fix, not to click through.
constexpr int max_set_aside_listed = 200;

Action KioskServices::set_aside_list() {
  SetAsideLoaded l;
  for (const OutboxRow& r : store_.outbox_list(OutboxState::set_aside, max_set_aside_listed)) {
    SetAsideStatement s;
    s.id = r.statement.id;
    s.verb = r.statement.verb;
    s.attempt_uuid = r.statement.attempt_uuid;
    s.created_ms = r.statement.created_ms;
    s.set_aside_ms = r.done_ms;
    s.reason = r.last_error;
    s.tries = r.tries;
    l.statements.push_back(std::move(s));
  }
  return l;
}

std::vector<Action> KioskServices::perform(const Effect& effect) {
  std::vector<Action> out;
  const WallTime now = wall_();
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, CheckPin>) {
          PinChecked answer{store_.verify_pin(e.employee_id, e.pin, now)};
          // The log names the outcome, never the PIN.
          log_("sign-in " + e.employee_id + ": " +
               (answer.check.outcome == PinOutcome::ok       ? "ok"
                : answer.check.outcome == PinOutcome::locked ? "locked"
                                                             : "refused"));
          out.push_back(std::move(answer));
        } else if constexpr (std::is_same_v<T, LoadRecords>) {
          StoreStatus st;
          const StoreList<AttemptRow> attempts = store_.attempts(e.operator_id);
          const StoreList<AwardRow> awards = store_.awards(e.operator_id);
          const StoreList<DecisionAnswer> answers = store_.decision_answers(e.operator_id);
          std::vector<RemoteAwardRow> remote = remote_awards_of(e.operator_id, st);
          for (const StoreStatus* s : {&attempts.status, &awards.status, &answers.status})
            if (!*s && st) st = *s;
          // Partial records would show a trainee as less certified than they are: none instead.
          if (!st) return log_("cannot read " + e.operator_id + "'s records: " + st.message);
          out.push_back(RecordsLoaded{e.operator_id, attempts, awards, std::move(remote), answers});
        } else if constexpr (std::is_same_v<T, FetchRemoteAwards>) {
          if (sync_ && site_ && site_->lrs.remote_certification) sync_->request_remote_awards(e.operator_id);
        } else if constexpr (std::is_same_v<T, KickSync>) {
          log_("sync: send now asked from the console");
          if (sync_) sync_->kick();
        } else if constexpr (std::is_same_v<T, LoadSetAside>) {
          out.push_back(set_aside_list());
        } else if constexpr (std::is_same_v<T, RequeueStatement>) {
          const int n = store_.outbox_retry(e.id, now);
          log_("sync: statement " + e.id + (n > 0 ? " back in the queue" : " not found for retry"));
          if (n > 0) {
            out.push_back(ConsoleNotice{"console.sync_retried", e.id, false});
            if (sync_) sync_->kick();
          } else {
            out.push_back(ConsoleNotice{"console.failed_save", "no set-aside statement " + e.id, true});
          }
          out.push_back(set_aside_list());
        } else if constexpr (std::is_same_v<T, DropStatement>) {
          const StoreStatus st = store_.outbox_void(e.id, e.reason, now);
          log_("sync: statement " + e.id + (st ? " voided" : " not voided: " + st.message));
          out.push_back(st ? ConsoleNotice{"console.sync_voided", e.id, false}
                           : ConsoleNotice{"console.failed_save", st.message, true});
          out.push_back(set_aside_list());
        } else if constexpr (std::is_same_v<T, AttemptStarted>) {
          attempt_uuid_.clear();
          step_failed_ = false;
          const Scenario* sc = find_scenario(state_.scenarios, e.scenario_id);
          if (!sc) return log_("cannot record: unknown scenario " + e.scenario_id);
          const StoreStatus st = recorder_.begin(e.operator_id, *sc, e.seed, e.lang, e.terminal, now, attempt_uuid_);
          if (!st) {
            attempt_uuid_.clear();
            log_("cannot record the attempt: " + st.message);
            out.push_back(RecordingFailed{"cannot record the attempt: " + st.message});
          }
        } else if constexpr (std::is_same_v<T, AttemptProgress>) {
          if (attempt_uuid_.empty()) return;
          if (const StoreStatus st = recorder_.record_steps(attempt_uuid_, e.result, now); !st) {
            log_("cannot record a step: " + st.message);
            step_failed_ = true;
            out.push_back(RecordingFailed{"cannot record a step: " + st.message});
          }
        } else if constexpr (std::is_same_v<T, PracticeAnswered>) {
          // A re-drill's answer at the branch: the schedule's input only, never an attempt.
          PracticeAnswerRow row = e.row;
          row.at_ms = now;
          if (const StoreStatus st = store_.add_practice_answer(row); !st) {
            log_("cannot keep the practice answer: " + st.message);
            out.push_back(RecordingFailed{"cannot keep the practice answer: " + st.message});
          } else {
            log_("practice " + row.scenario_id + " at " + row.step_id + (row.mistake ? ": wrong again" : ": right"));
          }
        } else if constexpr (std::is_same_v<T, AttemptFinished> || std::is_same_v<T, AttemptAbandoned>) {
          constexpr bool abandoned = std::is_same_v<T, AttemptAbandoned>;
          log_("attempt " + e.result.scenario_id + (abandoned ? " abandoned" : " finished") + ": score " +
               std::to_string(static_cast<int>(e.result.score * 100.0 + 0.5)) + "%");
          if (attempt_uuid_.empty()) return;  // begin failed: the alarm is up already
          std::optional<AwardRow> award;
          if (const StoreStatus st = recorder_.finish(attempt_uuid_, e.result, abandoned, now, &award); !st) {
            log_("cannot close the attempt: " + st.message);
            out.push_back(RecordingFailed{"cannot close the attempt: " + st.message});
          } else if (!state_.recording_problem.empty() && !step_failed_) {
            out.push_back(RecordingRecovered{});  // this attempt is recorded whole
          }
          attempt_uuid_.clear();
          if (award) out.push_back(AwardMade{*award});
        } else if constexpr (std::is_same_v<T, LanguageChanged>) {
          if (e.operator_id.empty()) return;
          if (const StoreStatus st = store_.set_language(e.operator_id, e.lang); !st)
            log_("cannot remember the language: " + st.message);
        } else if constexpr (std::is_same_v<T, LoadConsole>) {
          out = console_data();
        } else if constexpr (std::is_same_v<T, LoadHistory>) {
          // One more than a page tells whether older attempts follow.
          StoreList<AttemptRow> rows =
              store_.attempts(e.employee_id, history_page_size + 1, e.page * history_page_size);
          if (!rows.ok()) {
            log_("cannot read " + e.employee_id + "'s history: " + rows.status.message);
            return out.push_back(ConsoleNotice{"console.records_unreadable", rows.status.message, true});
          }
          const bool more = rows.size() > std::size_t(history_page_size);
          if (more) rows.resize(history_page_size);
          out.push_back(HistoryLoaded{e.employee_id, e.page, std::move(rows), more});
        } else if constexpr (std::is_same_v<T, LoadReplay>) {
          out.push_back(ReplayLoaded{e.uuid, store_.events(e.uuid)});
        } else if constexpr (std::is_same_v<T, LoadItems>) {
          // The same read and figures as `posdrill report --items --scenario ID`. A read that
          // fails must not show as "nobody answered": a notice, and the tab keeps "loading".
          const StoreList<ItemAnswer> answers = store_.item_answers(e.scenario_id);
          if (!answers.ok()) {
            log_("cannot read the answers to " + e.scenario_id + ": " + answers.status.message);
            return out.push_back(ConsoleNotice{"console.records_unreadable", answers.status.message, true});
          }
          out.push_back(ItemsLoaded{e.scenario_id, analyze_items(state_.scenarios, answers, e.scenario_id)});
        } else if constexpr (std::is_same_v<T, SaveOperator>) {
          const StoreStatus st = store_.add_operator(e.op, e.pin);
          if (e.first_run) {
            if (!st) {
              log_("first administrator not saved: " + st.message);
              return out.push_back(store_notice(st, e.op.employee_id, "console.added"));
            }
            log_("first administrator " + e.op.employee_id + " created");
            out.push_back(AdminPresence{true});
            PinCheck signed_in;
            signed_in.outcome = PinOutcome::ok;
            signed_in.op = store_.find_operator(e.op.employee_id).value_or(e.op);
            out.push_back(PinChecked{signed_in});
            return;
          }
          if (!st) log_("operator " + e.op.employee_id + " not added: " + st.message);
          out.push_back(
              store_notice(st, st ? person_label(store_, e.op.employee_id) : e.op.employee_id, "console.added"));
          if (st) {
            log_("operator " + e.op.employee_id + " added");
            for (Action& a : console_data()) out.push_back(std::move(a));
          }
        } else if constexpr (std::is_same_v<T, SavePin>) {
          const StoreStatus st = store_.reset_pin(e.employee_id, e.pin);
          out.push_back(
              store_notice(st, st ? person_label(store_, e.employee_id) : e.employee_id, "console.pin_saved"));
          if (st) {
            log_("PIN reset for " + e.employee_id);
            for (Action& a : console_data()) out.push_back(std::move(a));  // a lock it lifted shows
          }
        } else if constexpr (std::is_same_v<T, SaveActive>) {
          const StoreStatus st = store_.set_active(e.employee_id, e.active);
          out.push_back(store_notice(st, st ? person_label(store_, e.employee_id) : e.employee_id,
                                     e.active ? "console.reactivated" : "console.deactivated"));
          if (st) {
            log_("operator " + e.employee_id + (e.active ? " reactivated" : " deactivated"));
            for (Action& a : console_data()) out.push_back(std::move(a));
          }
        } else if constexpr (std::is_same_v<T, WriteRosterCsv>) {
          const Track* track = roster_track(state_);  // the track the console shows
          if (!track) return out.push_back(ConsoleNotice{"console.failed_save", "no certification track", true});
          // The same figures as the console's roster: certifications earned elsewhere count.
          const RosterRecords records = store_.roster_records();
          if (!records.ok())
            return out.push_back(ConsoleNotice{"console.records_unreadable", records.status.message, true});
          const auto rows =
              build_roster(*track, state_.scenarios, records.operators, records.stats,
                           awards_that_count(records, state_.tracks), now);
          std::error_code ec;
          std::filesystem::create_directories(exports_dir_, ec);
          const std::filesystem::path file = exports_dir_ / ("roster-" + track->id + "-" + stamp_utc(now) + ".csv");
          // With a BOM: the file is meant for a spreadsheet, which needs it to read Chinese names.
          const std::string csv = roster_csv(rows, true);
          std::ofstream f(file, std::ios::binary | std::ios::trunc);
          f.write(csv.data(), static_cast<std::streamsize>(csv.size()));
          f.close();
          if (!f || ec)
            return out.push_back(ConsoleNotice{"console.failed_save", "cannot write " + file.string(), true});
          ::chmod(file.c_str(), 0600);  // names and results of staff: the owner's only
          log_("roster exported to " + file.string());
          // A manager takes the file away on a USB stick: when one is mounted, a copy goes there
          // (the first drive that takes it) and the notice names it.
          const std::vector<std::filesystem::path> drives =
              mountinfo_ ? removable_drives(mountinfo_(), media_roots_) : std::vector<std::filesystem::path>{};
          for (const auto& drive : drives) {
            const std::filesystem::path copy = drive / file.filename();
            if (write_synced(copy, csv)) {
              log_("roster copied to the removable drive " + copy.string());
              return out.push_back(ConsoleNotice{"console.exported_drive", copy.string(), false});
            }
            log_("cannot write the roster to the removable drive " + drive.string());
          }
          if (!drives.empty())
            return out.push_back(ConsoleNotice{"console.exported_no_drive", file.string(), true});
          out.push_back(ConsoleNotice{"console.exported", file.string(), false});
        } else if constexpr (std::is_same_v<T, QuitKiosk>) {
          log_("kiosk closed by a manager");
          quit_ = true;
        } else if constexpr (std::is_same_v<T, BeginOnSpareTerminal>) {
          const Scenario* sc = find_scenario(state_.scenarios, e.scenario_id);
          if (spare_ && sc) spare_->begin(e.serial, scenario_for_seed(*sc, e.seed));
        } else if constexpr (std::is_same_v<T, SendToSpareTerminal>) {
          if (spare_) {
            spare_->send(e.serial, e.request);
          } else {
            log_("spare terminal: no link to send " + std::string(terminal_op_name(e.request.op)) + " to");
            TerminalRecord none;
            none.op = e.request.op;
            none.screen = {"无法连接终端", "Cannot reach the terminal"};
            out.push_back(SpareTerminalAnswered{e.serial, {none}});
          }
        } else if constexpr (std::is_same_v<T, EndOnSpareTerminal>) {
          if (spare_) spare_->end(e.serial);
        } else if constexpr (std::is_same_v<T, Ignored>) {
          log_("ignored: " + e.why);
        } else {
          // An Effect added to the core that nobody performs is a build error, not a no-op.
          static_assert(sizeof(T) == 0, "KioskServices::perform has no branch for this Effect");
        }
      },
      effect);
  return out;
}

std::vector<Effect> apply(AppState& state, KioskServices& services, const Action& action) {
  constexpr int max_apply_steps = 64;
  state.wall_ms = services.wall_now();
  std::vector<Effect> all;
  std::deque<Action> queue{action};
  // Answers lead to more answers only a few levels deep (sign-in -> records); the bound turns a
  // mistake that would loop into a logged stop instead of a frozen kiosk.
  for (int n = 0; !queue.empty() && n < max_apply_steps; ++n) {
    const Action a = std::move(queue.front());
    queue.pop_front();
    for (Effect& e : update(state, a)) {
      for (Action& next : services.perform(e)) queue.push_back(std::move(next));
      all.push_back(std::move(e));
    }
  }
  if (!queue.empty())
    services.log("apply: stopped after " + std::to_string(max_apply_steps) + " steps with " +
                 std::to_string(queue.size()) + " action(s) left (an answer that keeps asking for more)");
  return all;
}

}  // namespace posdrill
