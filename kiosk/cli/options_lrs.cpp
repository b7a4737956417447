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

namespace posdrill {

std::optional<int> parse_whole_number(std::string_view text, int lo, int hi) {
  try {
    const std::string s(text);
    const long long n = std::stoll(s);
    if (std::to_string(n) == s && n >= lo && n <= hi) return static_cast<int>(n);
  } catch (...) {
  }
  return std::nullopt;
}

bool valid_site_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

bool load_lrs_section(const YAML::Node& node, const std::filesystem::path& file, Settings& settings,
                      std::vector<Diagnostic>& errors) {
  auto err = [&](const YAML::Mark& m, std::string msg) {
    errors.push_back({file.string(), m.line + 1, m.column + 1, std::move(msg)});
  };
  if (!node.IsMap()) {
    err(node.Mark(), "expected 'lrs' to be a map (endpoint: https://…, key: …, secret: …)");
    return false;
  }
  LrsConfig& c = settings.lrs;
  bool ok = true;
  settings.lrs_places["lrs"] = {file.string(), node.Mark().line + 1, node.Mark().column + 1, ""};
  auto number = [&](const YAML::Node& v, const std::string& key, int lo, int hi, int& out) {
    if (const std::optional<int> n = parse_whole_number(v.Scalar(), lo, hi)) {
      out = *n;
      return;
    }
    err(v.Mark(), "expected 'lrs." + key + "' to be a whole number from " + std::to_string(lo) + " to " +
                      std::to_string(hi) + ", got '" + v.Scalar() + "'");
    ok = false;
  };
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.as<std::string>("");
    const YAML::Node v = it->second;
    if (!v.IsScalar() || v.Scalar().empty()) {
      err(v.Mark(), "expected 'lrs." + key + "' to be a single value");
      ok = false;
      continue;
    }
    const std::string& s = v.Scalar();
    settings.lrs_places[key] = {file.string(), v.Mark().line + 1, v.Mark().column + 1, ""};
    if (key == "endpoint") {
      c.endpoint = s;
    } else if (key == "key") {
      c.key = s;
    } else if (key == "secret") {
      // A secret in a file others can read is a secret shared with them.
      struct stat st {};
      if (::stat(file.c_str(), &st) == 0 && ((st.st_mode & 077) != 0 || st.st_uid != ::getuid())) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        err(v.Mark(), std::string("this file holds lrs.secret but is not private to its owner (mode ") + mode +
                          "); run: chmod 600 " + file.string() + " (or pass the secret in POSDRILL_LRS_SECRET)");
        ok = false;
      } else {
        c.secret = s;
      }
    } else if (key == "version") {
      if (s != "1.0.3" && s != "2.0.0") {
        err(v.Mark(), "expected 'lrs.version' to be 1.0.3 or 2.0.0, got '" + s + "'");
        ok = false;
      } else {
        c.version = s;
      }
    } else if (key == "base_iri") {
      c.base_iri = s;
    } else if (key == "home_page") {
      c.home_page = s;
    } else if (key == "ca_file") {
      c.ca_file = (file.parent_path() / s).string();
    } else if (key == "batch_size") {
      number(v, key, 1, 500, c.batch_size);
    } else if (key == "timeout") {
      number(v, key, 1, 600, c.timeout_s);
    } else if (key == "connect_timeout") {
      number(v, key, 1, 600, c.connect_timeout_s);
    } else if (key == "retry_initial_ms") {
      number(v, key, 100, 600'000, c.retry_initial_ms);
    } else if (key == "retry_max_ms") {
      number(v, key, 100, 3'600'000, c.retry_max_ms);
    } else if (key == "remote_certification") {
      if (s == "true" || s == "false") {
        c.remote_certification = s == "true";
      } else {
        err(v.Mark(), "expected 'lrs.remote_certification' to be true or false, got '" + s + "'");
        ok = false;
      }
    } else {
      err(it->first.Mark(),
          "unknown key 'lrs." + key +
              "'; expected one of: endpoint, key, secret, version, base_iri, home_page, ca_file, "
              "batch_size, timeout, connect_timeout, remote_certification, retry_initial_ms, retry_max_ms");
      ok = false;
    }
  }
  return ok;
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
