// Helpers for the sync tests over real sockets (net_test_util.h).

#include "net_test_util.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace posdrill::test {

std::unique_ptr<SqliteStore> store_with_statements(const std::filesystem::path& file, int statements) {
  auto store = store_test::open_ok(file);
  REQUIRE(store->add_operator(store_test::make_operator("101"), "27183946"));
  AttemptRow a = store_test::make_attempt("101", "preauth", 1'000);
  std::vector<OutboxStatement> sts;
  for (int i = 1; i <= statements; ++i) {
    const std::string id = "s-" + std::to_string(i);
    sts.push_back(OutboxStatement{id, a.uuid, "attempted", R"({"id":")" + id + R"("})", WallTime{1'000}});
  }
  REQUIRE(store->begin_attempt(a, sts));
  return store;
}

LrsConfig lrs_config(const std::string& endpoint, int batch) {
  LrsConfig c;
  c.endpoint = endpoint;
  c.key = "kiosk1";
  c.secret = "secret1";
  c.batch_size = batch;
  c.timeout_s = 5;
  c.retry_initial_ms = 100;
  c.retry_max_ms = 400;
  return c;
}

std::vector<std::string> posted_ids(const std::string& body) {
  std::vector<std::string> ids;
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_array()) return ids;
  for (const auto& s : doc)
    if (s.is_object() && s.contains("id") && s["id"].is_string()) ids.push_back(s["id"].get<std::string>());
  return ids;
}

std::string ids_answer(const std::string& posted_body) { return nlohmann::json(posted_ids(posted_body)).dump(); }

HttpPeer::Handler ok_lrs() {
  return [](const PeerRequest& r) {
    if (r.method == "POST") return PeerAnswer{200, {}, ids_answer(r.body)};
    return PeerAnswer{200, {}, R"({"statements":[],"more":""})"};
  };
}

std::string certification_json(const std::string& id, const std::string& employee_id) {
  const LrsConfig c;
  nlohmann::json st = {
      {"id", id},
      {"actor", {{"objectType", "Agent"}, {"account", {{"homePage", c.home_page}, {"name", employee_id}}}}},
      {"verb", {{"id", "http://adlnet.gov/expapi/verbs/passed"}}},
      {"object", {{"objectType", "Activity"}, {"id", c.base_iri + "tracks/card_payments_l1"}}},
      {"timestamp", "2026-11-01T08:00:00.000Z"},
      {"context", {{"extensions", {{c.base_iri + "extensions/store-id", "S-far"}}}}}};
  return st.dump();
}

}  // namespace posdrill::test
