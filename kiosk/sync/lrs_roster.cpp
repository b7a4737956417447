// Reading roster facts from LRS statement pages (lrs_roster.h).

#include "kiosk/sync/lrs_roster.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "kiosk/sync/statements.h"

namespace posdrill {

namespace {

using Json = nlohmann::json;

std::string text(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json& member(const Json& j, const char* key) {
  static const Json none;
  if (!j.is_object()) return none;
  const auto it = j.find(key);
  return it != j.end() ? *it : none;
}

std::string with_slash(std::string base) {
  if (base.empty() || base.back() != '/') base += '/';
  return base;
}

// The id under `prefix` ("" when the IRI is not one of ours, or names a sub-resource).
std::string id_under(const std::string& iri, const std::string& prefix) {
  if (iri.rfind(prefix, 0) != 0) return "";
  std::string id = iri.substr(prefix.size());
  return id.find('/') == std::string::npos ? id : std::string();
}

}  // namespace

bool parse_xapi_duration(std::string_view t, int64_t& ms) {
  if (t.size() < 3 || t[0] != 'P') return false;
  double total = 0;
  bool in_time = false, any = false;
  std::size_t i = 1;
  while (i < t.size()) {
    if (t[i] == 'T') {
      in_time = true;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < t.size() && (std::isdigit(static_cast<unsigned char>(t[j])) || t[j] == '.')) ++j;
    if (j == i || j >= t.size()) return false;
    const double n = std::strtod(std::string(t.substr(i, j - i)).c_str(), nullptr);
    switch (t[j]) {
      case 'D':
        if (in_time) return false;
        total += n * 86'400'000;
        break;
      case 'H':
        if (!in_time) return false;
        total += n * 3'600'000;
        break;
      case 'M':
        if (!in_time) return false;  // months have no fixed length: not an attempt's duration
        total += n * 60'000;
        break;
      case 'S':
        if (!in_time) return false;
        total += n * 1000;
        break;
      default:
        return false;
    }
    any = true;
    i = j + 1;
  }
  if (!any) return false;
  ms = static_cast<int64_t>(total + 0.5);
  return true;
}

bool parse_roster_page(const LrsConfig& c, std::string_view body, RosterPage& page, std::string& error) {
  page = RosterPage{};
  const Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("statements") || !doc["statements"].is_array()) {
    error = "the LRS answer is not a statement result ({\"statements\": [...]})";
    return false;
  }
  page.more = text(doc, "more");
  const std::string scenarios = with_slash(c.base_iri) + "scenarios/";
  const std::string tracks = with_slash(c.base_iri) + "tracks/";
  const std::string store_key = extension_iri(c, "store-id"), kiosk_key = extension_iri(c, "kiosk-id");
  for (const Json& st : doc["statements"]) {
    ++page.statements;
    WallTime stored;
    if (!parse_xapi_timestamp(text(st, "stored"), stored)) {
      error = "statement " + text(st, "id") + " has no readable `stored` time";
      return false;
    }
    page.oldest_stored_ms = page.statements == 1 ? stored : std::min(page.oldest_stored_ms, stored);
    page.newest_stored_ms = std::max(page.newest_stored_ms, stored);

    const Json& account = member(member(st, "actor"), "account");
    if (text(account, "homePage") != c.home_page || text(account, "name").empty()) continue;
    const std::string verb = text(member(st, "verb"), "id");
    const std::string object = text(member(st, "object"), "id");
    RosterFact f;
    if (verb == xapi::verb_attempted && !(f.scenario_id = id_under(object, scenarios)).empty()) {
      f.kind = RosterFact::Kind::attempted;
    } else if (verb == xapi::verb_passed && !(f.scenario_id = id_under(object, scenarios)).empty()) {
      f.kind = RosterFact::Kind::scenario_passed;
    } else if (verb == xapi::verb_passed && !(f.track_id = id_under(object, tracks)).empty()) {
      f.kind = RosterFact::Kind::certified;
    } else {
      continue;
    }
    if (!parse_xapi_timestamp(text(st, "timestamp"), f.at_ms)) continue;
    f.statement_id = text(st, "id");
    f.employee_id = text(account, "name");
    f.name = text(member(st, "actor"), "name");
    const Json& context = member(st, "context");
    f.registration = text(context, "registration");
    if (f.registration.empty()) f.registration = f.statement_id;
    const Json& ext = member(context, "extensions");
    f.store_id = text(ext, store_key.c_str());
    f.kiosk_id = text(ext, kiosk_key.c_str());
    const Json& result = member(st, "result");
    const Json& scaled = member(member(result, "score"), "scaled");
    if (scaled.is_number()) f.score = scaled.get<double>();
    if (!parse_xapi_duration(text(result, "duration"), f.duration_ms)) f.duration_ms = 0;
    page.facts.push_back(std::move(f));
  }
  return true;
}

}  // namespace posdrill
