// The config's `lrs:` section and the POSDRILL_LRS_* environment: where results are synced.
//
//   lrs:
//     endpoint: https://lrs.example.com/xapi/
//     key: kiosk-0042
//     secret: …             # only in a file private to its owner (chmod 600), else refused
//     version: 1.0.3        # or 2.0.0
//     base_iri: https://training.example.com/xapi/
//     home_page: https://example.com/staff
//     ca_file: /etc/ssl/private-lrs-ca.pem
//     batch_size: 50
//     timeout: 30           # seconds, whole request
//     connect_timeout: 10   # default: 10, or the timeout when that is shorter
//     remote_certification: true
//     retry_initial_ms: 2000  # backoff after a failure, doubling…
//     retry_max_ms: 300000    # …up to this

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "cli/options.h"
#include "scenarios/yaml_reader.h"

namespace posdrill {

bool valid_site_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

void read_lrs_section(YamlReader& r, const YAML::Node& node, const std::filesystem::path& file, Settings& settings) {
  if (!node.IsMap()) {
    r.error(node, "expected 'lrs' to be a map (endpoint: https://…, key: …, secret: …)");
    return;
  }
  auto named = r.within("lrs.");
  constexpr std::string_view what = "the 'lrs' section";
  r.map(node, what,
        {"endpoint", "key", "secret", "version", "base_iri", "home_page", "ca_file", "batch_size", "timeout",
         "connect_timeout", "remote_certification", "retry_initial_ms", "retry_max_ms"});
  // Where each setting is written: the endpoint check (check_lrs_settings) places its messages there.
  auto place = [&](const YAML::Node& n) {
    return SettingPlace{file.string(), n.Mark().line + 1, n.Mark().column + 1, ""};
  };
  settings.lrs_places["lrs"] = place(node);
  for (auto it = node.begin(); it != node.end(); ++it)
    if (it->first.IsScalar() && it->second.IsScalar()) settings.lrs_places[it->first.Scalar()] = place(it->second);

  LrsConfig& c = settings.lrs;
  for (auto [key, field] : {std::pair<const char*, std::string*>{"endpoint", &c.endpoint},
                            {"key", &c.key},
                            {"base_iri", &c.base_iri},
                            {"home_page", &c.home_page}})
    if (auto v = r.string(node, key, what, false)) *field = *v;
  if (auto v = r.placed_string(node, "secret", what, false)) {
    // A secret in a file others can read is a secret shared with them.
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && ((st.st_mode & 077) != 0 || st.st_uid != ::getuid())) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      r.error(v->node, std::string("this file holds lrs.secret but is not private to its owner (mode ") + mode +
                           "); run: chmod 600 " + file.string() + " (or pass the secret in POSDRILL_LRS_SECRET)");
    } else {
      c.secret = v->text;
    }
  }
  if (auto v = r.placed_string(node, "version", what, false)) {
    if (v->text == "1.0.3" || v->text == "2.0.0")
      c.version = v->text;
    else
      r.error(v->node, "expected 'lrs.version' to be 1.0.3 or 2.0.0, got '" + v->text + "'");
  }
  if (auto v = r.string(node, "ca_file", what, false)) c.ca_file = (file.parent_path() / *v).string();
  auto number = [&](const char* key, int lo, int hi, std::string_view unit, int& out) {
    if (auto n = r.integer(node, key, what, false, lo, hi, unit)) out = *n;
  };
  number("batch_size", 1, 500, "statements", c.batch_size);
  number("timeout", 1, 600, "seconds", c.timeout_s);
  number("connect_timeout", 1, 600, "seconds", c.connect_timeout_s);
  number("retry_initial_ms", 100, 600'000, "milliseconds", c.retry_initial_ms);
  number("retry_max_ms", 100, 3'600'000, "milliseconds", c.retry_max_ms);
  if (auto b = r.boolean(node, "remote_certification", what)) c.remote_certification = *b;
}

void apply_lrs_environment(Settings& settings) {
  auto fill = [&](std::string& field, const char* key, const char* name) {
    const char* v = std::getenv(name);
    if (field.empty() && v && *v) {
      field = v;
      settings.lrs_places[key] = {"", 0, 0, name};
    }
  };
  // The config file wins where it says something (the precedence every setting follows);
  // the environment fills what it left out, typically the secret.
  fill(settings.lrs.endpoint, "endpoint", "POSDRILL_LRS_ENDPOINT");
  fill(settings.lrs.key, "key", "POSDRILL_LRS_KEY");
  fill(settings.lrs.secret, "secret", "POSDRILL_LRS_SECRET");
  if (!settings.lrs.endpoint.empty() && settings.lrs.endpoint.back() != '/') settings.lrs.endpoint += '/';
  if (settings.kiosk_id.empty()) {
    char host[256] = {0};
    std::string id = ::gethostname(host, sizeof host - 1) == 0 ? host : "";
    for (char& ch : id)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') ch = '-';
    settings.kiosk_id = valid_site_id(id) ? id : "kiosk";
  }
}

bool check_lrs_settings(const Settings& settings, std::vector<Diagnostic>& errors) {
  const std::vector<LrsProblem> problems = check_lrs_config(settings.lrs);
  for (const LrsProblem& p : problems) {
    // The setting's own place; a missing one (no key, no secret) is placed at the endpoint that
    // needs it, else at the section.
    auto at = settings.lrs_places.find(lrs_field_key(p.field));
    if (at == settings.lrs_places.end()) at = settings.lrs_places.find("endpoint");
    if (at == settings.lrs_places.end()) at = settings.lrs_places.find("lrs");
    if (at == settings.lrs_places.end()) {
      errors.push_back({"lrs settings", 0, 0, p.message});
    } else if (!at->second.env.empty()) {
      errors.push_back({"$" + at->second.env + " (environment)", 0, 0, p.message});
    } else {
      errors.push_back({at->second.file, at->second.line, at->second.column, p.message});
    }
  }
  return problems.empty();
}

}  // namespace posdrill
