// The send policy (policy.h).

#include "kiosk/sync/policy.h"

#include "kiosk/sync/statements.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace posdrill {

const char* send_action_name(SendAction a) {
  switch (a) {
    case SendAction::delivered:
      return "delivered";
    case SendAction::retry_later:
      return "retry_later";
    case SendAction::split:
      return "split";
    case SendAction::set_aside:
      return "set_aside";
    case SendAction::check_conflict:
      return "check_conflict";
    case SendAction::alarm:
      return "alarm";
  }
  return "?";
}

const char* sync_problem_name(SyncProblem p) {
  switch (p) {
    case SyncProblem::none:
      return "none";
    case SyncProblem::offline:
      return "offline";
    case SyncProblem::server_busy:
      return "server_busy";
    case SyncProblem::server_error:
      return "server_error";
    case SyncProblem::rejected:
      return "rejected";
    case SyncProblem::credentials:
      return "credentials";
    case SyncProblem::endpoint:
      return "endpoint";
    case SyncProblem::conflict:
      return "conflict";
    case SyncProblem::local:
      return "local";
  }
  return "?";
}

SendAction decide(const SendOutcome& o) {
  if (!o.answered) return SendAction::retry_later;
  const long s = o.status;
  const bool single = o.batch_size <= 1;
  if (s >= 200 && s < 300) return o.ids_match ? SendAction::delivered : SendAction::retry_later;
  if (s == 408 || s == 429 || s >= 500) return SendAction::retry_later;
  if (s == 401 || s == 403) return SendAction::alarm;
  if (s == 413) return single ? SendAction::set_aside : SendAction::split;
  if (s == 400) return single ? SendAction::set_aside : SendAction::split;
  if (s == 409) return single ? SendAction::check_conflict : SendAction::split;
  // 1xx/3xx (we never follow redirects) and any other 4xx: the endpoint is not an LRS statements
  // resource. Retrying cannot help; a person must fix the address.
  return SendAction::alarm;
}

SyncProblem problem_of(const SendOutcome& o) {
  if (!o.answered) return SyncProblem::offline;
  const long s = o.status;
  if (s >= 200 && s < 300) return o.ids_match ? SyncProblem::none : SyncProblem::server_error;
  if (s == 408 || s == 429 || s == 503) return SyncProblem::server_busy;
  if (s >= 500) return SyncProblem::server_error;
  if (s == 401 || s == 403) return SyncProblem::credentials;
  if (s == 400 || s == 413) return SyncProblem::rejected;
  if (s == 409) return SyncProblem::conflict;
  return SyncProblem::endpoint;
}

int64_t backoff_ms(const BackoffPolicy& p, int failures, double jitter01, std::optional<int64_t> retry_after_ms) {
  if (failures < 1) failures = 1;
  int64_t ceiling = p.base_ms;
  for (int i = 1; i < failures && ceiling < p.cap_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, p.cap_ms);
  jitter01 = std::clamp(jitter01, 0.0, 0.999999);
  // Half fixed, half random: never hammers the server right away, and many kiosks that lost the
  // network together do not come back in step.
  const int64_t own = ceiling / 2 + static_cast<int64_t>(static_cast<double>(ceiling - ceiling / 2) * jitter01);
  if (!retry_after_ms) return own;
  return std::max(own, std::clamp<int64_t>(*retry_after_ms, 0, p.retry_after_cap_ms));
}

std::optional<int64_t> parse_retry_after(std::string_view value, WallTime now_ms) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.empty() || value.size() > 64) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (value.size() > 9) return std::nullopt;
    return static_cast<int64_t>(std::stoll(std::string(value))) * 1000;
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  char wd[4] = {0}, mon[4] = {0}, zone[4] = {0};
  int day = 0, year = 0, h = 0, m = 0, s = 0;
  const std::string text(value);
  if (std::sscanf(text.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d %3s", wd, &day, mon, &year, &h, &m, &s, zone) != 8 ||
      std::strcmp(zone, "GMT") != 0)
    return std::nullopt;
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int mi = -1;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(mon, months[i]) == 0) mi = i;
  if (mi < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mi;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  const int64_t at = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::max<int64_t>(0, at - now_ms.ms());
}

bool answer_lists_ids(std::string_view body, const std::vector<std::string>& ids) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_array() || doc.size() != ids.size()) return false;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!doc[i].is_string()) return false;
    std::string got = doc[i].get<std::string>();
    std::transform(got.begin(), got.end(), got.begin(), [](unsigned char c) { return std::tolower(c); });
    if (got != ids[i]) return false;
  }
  return true;
}

namespace {

// Instants compare equal whatever the precision or zone they were written in.
bool same_instant(const nlohmann::json& a, const nlohmann::json& b) {
  if (!a.is_string() || !b.is_string()) return a == b;
  WallTime x, y;
  return parse_xapi_timestamp(a.get<std::string>(), x) && parse_xapi_timestamp(b.get<std::string>(), y) && x == y;
}

// Everything in `sent` is in `stored` with the same value (objects recursively; arrays and
// scalars exactly, numbers by value).
bool covers(const nlohmann::json& sent, const nlohmann::json& stored, bool top) {
  if (sent.is_object()) {
    if (!stored.is_object()) return false;
    for (auto it = sent.begin(); it != sent.end(); ++it) {
      // An activity's definition is not part of the statement (xAPI 1.0.3, Statement
      // Immutability): a batch may have left it out, the LRS may hold a newer one.
      if (it.key() == "definition") continue;
      if (!stored.contains(it.key())) return false;
      if (top && it.key() == "timestamp") {
        if (!same_instant(it.value(), stored[it.key()])) return false;
        continue;
      }
      if (!covers(it.value(), stored[it.key()], false)) return false;
    }
    return true;
  }
  if (sent.is_array()) {
    if (!stored.is_array() || stored.size() != sent.size()) return false;
    for (std::size_t i = 0; i < sent.size(); ++i)
      if (!covers(sent[i], stored[i], false)) return false;
    return true;
  }
  if (sent.is_number() && stored.is_number()) return sent.get<double>() == stored.get<double>();
  return sent == stored;
}

}  // namespace

bool same_statement(std::string_view sent, std::string_view stored) {
  const nlohmann::json a = nlohmann::json::parse(sent, nullptr, false);
  const nlohmann::json b = nlohmann::json::parse(stored, nullptr, false);
  if (a.is_discarded() || b.is_discarded() || !a.is_object() || !b.is_object()) return false;
  return covers(a, b, true);
}

}  // namespace posdrill
