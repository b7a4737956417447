// update(): the LRS outbox as the footer and the console's Sync tab show it, and their texts.
#include "kiosk/core/preview.h"
#include "kiosk/core/update_internal.h"

namespace posdrill {

void Updater::operator()(const SyncStatusChanged& a) {
  const bool aside_changed = a.view.set_aside != st.sync.set_aside;
  st.sync = a.view;
  // The worker set a statement aside while the manager looks at the list: show it.
  if (aside_changed && in_console() && st.console.tab == ConsoleTab::sync) fx.push_back(LoadSetAside{});
}

void Updater::operator()(const RemoteAwardsUpdated& a) {
  if (!st.session || st.session->op.employee_id != a.operator_id)
    return fx.push_back(ignored("remote awards for someone not signed in"));
  fx.push_back(LoadRecords{a.operator_id});
}

void Updater::operator()(const SendSyncNow&) {
  if (!may_sync()) return fx.push_back(ignored("send now outside the console"));
  if (!st.sync.enabled) return notice("sync.off");
  fx.push_back(KickSync{});
  notice("console.sync_kicked", {}, false);
}

void Updater::operator()(const RetryStatement& a) {
  if (!may_sync()) return fx.push_back(ignored("retry statement outside the console"));
  if (a.id.empty()) return fx.push_back(ignored("retry statement without an id"));  // "" means all to the store
  fx.push_back(RequeueStatement{a.id});
}

void Updater::operator()(const VoidStatement& a) {
  if (!may_sync()) return fx.push_back(ignored("void statement outside the console"));
  if (a.id.empty()) return fx.push_back(ignored("void statement without an id"));
  fx.push_back(DropStatement{a.id, "voided on the kiosk by manager " + st.console.manager.employee_id});
}

void Updater::operator()(const SetAsideLoaded& a) {
  if (!in_console()) return fx.push_back(ignored("set-aside list without the console"));
  st.console.set_aside = a.statements;
  st.console.set_aside_loaded = true;
}

const std::vector<std::string>& sync_string_keys() {
  static const std::vector<std::string> keys = {
      "sync.synced",
      "sync.waiting",
      "sync.set_aside",
      "sync.off",
      "sync.problem.offline",
      "sync.problem.server_busy",
      "sync.problem.server_error",
      "sync.problem.rejected",
      "sync.problem.credentials",
      "sync.problem.endpoint",
      "sync.problem.conflict",
      "sync.problem.local",
      "sync.problem.unknown",
      "sync.verb.attempted",
      "sync.verb.answered",
      "sync.verb.passed",
      "sync.verb.failed",
      "sync.verb.abandoned",
      "sync.verb.certified",
      "console.sync",
      "console.sync_waiting",
      "console.sync_set_aside",
      "console.sync_sent",
      "console.sync_last_sent",
      "console.sync_never",
      "console.sync_problem",
      "console.sync_no_problem",
      "console.sync_now",
      "console.sync_kicked",
      "console.sync_retry",
      "console.sync_void",
      "console.sync_void_confirm",
      "console.sync_retried",
      "console.sync_voided",
      "console.sync_none_aside",
      "console.sync_off_note",
      "console.sync_col_verb",
      "console.sync_col_attempt",
      "console.sync_col_when",
      "console.sync_col_reason",
      "home.earned_at",
      "home.earned_elsewhere",
  };
  return keys;
}

std::string sync_problem_key(std::string_view problem, const UiStrings& strings) {
  if (problem.empty() || problem == "none") return {};
  std::string key = "sync.problem." + std::string(problem);
  // A problem kind added to the worker later still reads as a problem, never as "⟦key⟧".
  return strings.contains(key) ? key : "sync.problem.unknown";
}

SyncLine footer_line(const AppState& state) {
  if (!state.recording_problem.empty()) return {state.strings.tr("records.save_failed", state.lang), SyncTone::alarm};
  if (state.preview) return preview_footer_line(*state.preview, state.strings, state.lang);
  return sync_footer_line(state.sync, state.strings, state.lang, state.screen == ScreenId::console);
}

bool writes_outbox(const Effect& e) {
  return std::visit(
      [](const auto& effect) {
        using T = std::decay_t<decltype(effect)>;
        if constexpr (requires { T::writes_outbox; })
          return T::writes_outbox;
        else
          return false;
      },
      e);
}

SyncLine sync_footer_line(const SyncView& view, const UiStrings& strings, Lang lang, bool in_console) {
  if (!view.enabled) {
    if (!in_console) return {};
    return {strings.tr("sync.off", lang), SyncTone::waiting};
  }
  const std::string waiting = view.queued > 0 ? fill_count(strings.tr("sync.waiting", lang), view.queued) : "";
  if (const std::string key = sync_problem_key(view.problem, strings); !key.empty()) {
    std::string text = strings.tr(key, lang);
    if (!waiting.empty()) text += " (" + waiting + ")";
    return {std::move(text), view.alarm ? SyncTone::alarm : SyncTone::problem};
  }
  if (view.alarm) return {strings.tr("sync.problem.unknown", lang), SyncTone::alarm};
  // Set-aside statements wait for a person, so they outrank an ordinary queue.
  if (view.set_aside > 0) return {fill_count(strings.tr("sync.set_aside", lang), view.set_aside), SyncTone::problem};
  if (view.queued > 0) return {waiting, SyncTone::waiting};
  return {strings.tr("sync.synced", lang), SyncTone::ok};
}

}  // namespace posdrill
