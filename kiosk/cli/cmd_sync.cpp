// `posdrill sync status|now|retry|void`: the outbox to the company's LRS from the command line.

#include <nlohmann/json.hpp>

#include <iostream>
#include <random>

#include "cli/commands.h"
#include "kiosk/core/certification.h"
#include "kiosk/net/sync_worker.h"
#include "kiosk/store/store.h"

namespace posdrill {

std::optional<StatementSite> statement_site(const Settings& settings) {
  if (!settings.lrs.enabled()) return std::nullopt;
  StatementSite site;
  site.lrs = settings.lrs;
  site.kiosk_id = settings.kiosk_id;
  site.store_id = settings.store_id;
  site.platform = std::string("posdrill ") + POSDRILL_VERSION;
  return site;
}

namespace {

std::string when(WallTime t) {
  if (t.ms() <= 0) return "never";
  return xapi_timestamp(t);
}

nlohmann::json row_json(const OutboxRow& r) {
  return {{"id", r.statement.id},
          {"verb", r.statement.verb},
          {"attempt", r.statement.attempt_uuid},
          {"created", when(r.statement.created_ms)},
          {"tries", r.tries},
          {"error", r.last_error}};
}

int print_status(const Settings& settings, SqliteStore& store, bool json) {
  const OutboxCounts c = store.outbox_counts();
  const auto set_aside = store.outbox_list(OutboxState::set_aside, 100);
  const auto head = store.outbox_list(OutboxState::queued, 1);
  for (const StoreStatus* st : {&c.status, &set_aside.status, &head.status})
    if (!*st) return read_failed("sync status", *st);
  if (json) {
    nlohmann::json j;
    j["enabled"] = settings.lrs.enabled();
    j["endpoint"] = endpoint_for_display(settings.lrs.endpoint);
    j["kiosk_id"] = settings.kiosk_id;
    j["queued"] = c.queued;
    j["set_aside"] = c.set_aside;
    j["sent"] = c.sent;
    j["voided"] = c.voided;
    j["oldest_queued"] =
        c.oldest_queued_ms.is_set() ? nlohmann::json(xapi_timestamp(c.oldest_queued_ms)) : nlohmann::json();
    j["last_sent"] = c.last_sent_ms.is_set() ? nlohmann::json(xapi_timestamp(c.last_sent_ms)) : nlohmann::json();
    j["last_problem"] = head.empty() ? "" : head.front().last_error;
    j["set_aside_statements"] = nlohmann::json::array();
    for (const auto& r : set_aside) j["set_aside_statements"].push_back(row_json(r));
    std::cout << j.dump(2) << '\n';
    return exit_ok;
  }
  std::cout << "sync:        "
            << (settings.lrs.enabled() ? endpoint_for_display(settings.lrs.endpoint) : "off (no LRS endpoint set)")
            << '\n';
  std::cout << "waiting:     " << c.queued
            << (c.oldest_queued_ms.is_set() ? " (oldest " + when(c.oldest_queued_ms) + ")" : "") << '\n';
  std::cout << "set aside:   " << c.set_aside << '\n';
  std::cout << "delivered:   " << c.sent << " (last " << when(c.last_sent_ms) << ")\n";
  if (c.voided) std::cout << "voided:      " << c.voided << '\n';
  if (!head.empty() && !head.front().last_error.empty())
    std::cout << "last problem: " << head.front().last_error << " (" << head.front().tries << " tries)\n";
  for (const auto& r : set_aside)
    std::cout << "  set aside " << r.statement.id << " " << r.statement.verb << ": " << r.last_error << '\n';
  return exit_ok;
}

int flush_now(const Settings& settings, SqliteStore& store, const SyncOptions& o) {
  HttpClient http;
  std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  SyncSender sender(
      store, http, settings.lrs, wall_now, [&] { return uniform(rng); },
      [&](const std::string& line) {
        if (!o.json) std::cerr << line << '\n';
      });
  const WallTime deadline = wall_now() + int64_t(o.timeout_s) * 1000;
  sender.clear_hold();  // "now": statements waiting out an earlier backoff go too
  const SyncSender::PassResult done = sender.drain(deadline);
  const int sent = done.sent, set_aside = done.set_aside;
  const bool alarm = done.alarm;
  const SyncSnapshot snap = sender.snapshot();
  if (o.json) {
    std::cout << nlohmann::json{{"sent", sent},
                                {"set_aside", set_aside},
                                {"queued", snap.queued},
                                {"alarm", alarm},
                                {"problem", sync_problem_name(snap.problem)},
                                {"detail", snap.problem_detail}}
                     .dump(2)
              << '\n';
  } else {
    std::cout << "delivered " << sent << ", set aside " << set_aside << ", still waiting " << snap.queued << '\n';
  }
  if (alarm) {
    std::cerr << "posdrill sync now: the LRS refused this kiosk (" << snap.problem_detail
              << "); check lrs.endpoint, lrs.key and lrs.secret (or POSDRILL_LRS_*). Nothing was lost.\n";
    return exit_failed;
  }
  if (snap.queued > 0) {
    std::cerr << "posdrill sync now: " << snap.queued << " statement(s) still waiting after " << o.timeout_s
              << " s: " << snap.problem_detail << '\n';
    return exit_failed;
  }
  if (snap.set_aside > 0)
    std::cerr
        << "posdrill sync now: " << snap.set_aside
        << " statement(s) are set aside; `posdrill sync status` shows why, `posdrill sync retry` re-queues them\n";
  return exit_ok;
}

}  // namespace

int cmd_sync(const Settings& settings, const SyncOptions& o) {
  if (o.action == "now" && !settings.lrs.enabled()) {
    std::cerr << "posdrill sync now: no LRS is configured; set POSDRILL_LRS_ENDPOINT, POSDRILL_LRS_KEY and "
                 "POSDRILL_LRS_SECRET, or the lrs: section of the config file\n";
    return exit_usage;
  }
  // The endpoint was checked when the config loaded (check_lrs_settings), as for every sender.
  // Reading what waits needs no write access: a read-only copy or a full disk shows it too.
  auto store = open_database(settings, "sync " + o.action, o.action == "status" ? Access::read_only : Access::write);
  if (!store) return exit_usage;
  if (o.action == "status") return print_status(settings, *store, o.json);
  if (o.action == "now") return flush_now(settings, *store, o);
  if (o.action == "retry") {
    const int n = store->outbox_retry(o.id, wall_now());
    if (!o.id.empty() && n == 0) {
      std::cerr << "posdrill sync retry: no set-aside or waiting statement " << o.id << '\n';
      return exit_failed;
    }
    if (o.json) {
      std::cout << nlohmann::json{{"requeued", n}}.dump() << '\n';
    } else {
      std::cout << n << " statement(s) will be sent at the next try\n";
    }
    return exit_ok;
  }
  // void
  const StoreStatus st =
      store->outbox_void(o.id, o.reason.empty() ? "voided from the command line" : o.reason, wall_now());
  if (!st) {
    std::cerr << "posdrill sync void: " << st.message << '\n';
    return exit_failed;
  }
  if (o.json) {
    std::cout << nlohmann::json{{"voided", o.id}}.dump() << '\n';
  } else {
    std::cout << "statement " << o.id << " will never be sent\n";
  }
  return exit_ok;
}

}  // namespace posdrill
