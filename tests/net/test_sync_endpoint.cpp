// Where the sync sender may send the kiosk's credentials, over real sockets: an endpoint the
// config check refuses gets nothing from any sender (the kiosk's worker, `sync now`'s drain, the
// certification fetch), and the LRS's `more` link is only followed on the endpoint's own server.
// "Elsewhere" is a listener on another loopback address (127.0.0.2).

#include <curl/curl.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http_peer.h"
#include "kiosk/net/sync_worker.h"
#include "net_test_util.h"

using namespace posdrill;
using namespace posdrill::test;
using posdrill::store_test::TempDir;

TEST_CASE("No sender sends to an endpoint the config check refuses", "[net][endpoint][threads]") {
  TempDir dir;
  auto store = store_with_statements(dir.db(), 3);
  HttpPeer elsewhere("127.0.0.2", [](const PeerRequest&) { return PeerAnswer{200, {}, "[]"}; });
  HttpPeer lrs("127.0.0.1", ok_lrs());

  // First the same code path against an accepted endpoint: it really connects and sends.
  {
    HttpClient http;
    SyncSender sender(*store, http, lrs_config(lrs.url()), wall_now, [] { return 0.5; });
    CHECK(sender.drain(wall_now() + 30'000).sent == 3);
    CHECK(lrs.probe() >= 1);
  }

  // Plain http to 127.0.0.2 is another machine as far as the rule goes: refused everywhere.
  const LrsConfig refused = lrs_config(elsewhere.url());
  REQUIRE_FALSE(check_lrs_config(refused).empty());
  auto more = store_with_statements(dir.path() / "second.db", 3);
  HttpClient http;
  SyncSender sender(*more, http, refused, wall_now, [] { return 0.5; });
  const SyncSender::PassResult pass = sender.flush_pass();
  CHECK(pass.alarm);
  CHECK(pass.sent == 0);
  sender.clear_hold();  // "send now" does not lift it
  CHECK(sender.drain(wall_now() + 1'000).alarm);
  CHECK(sender.snapshot().problem == SyncProblem::endpoint);
  CHECK(sender.snapshot().problem_detail.find("https://") != std::string::npos);
  std::vector<RemoteAward> awards;
  std::string error;
  CHECK_FALSE(sender.fetch_remote_awards("101", awards, error));
  CHECK_FALSE(error.empty());

  SyncWorker::Options wo;
  wo.database = dir.path() / "second.db";
  wo.config = refused;
  SyncWorker worker(wo);
  CHECK_FALSE(worker.start(error));
  CHECK(error.find("127.0.0.2") != std::string::npos);

  CHECK(elsewhere.probe() == 0);  // not one connection, so no Authorization header either
  CHECK(more->outbox_counts().queued == 3);
}

TEST_CASE("The certification fetch follows more only on the endpoint's own server", "[net][endpoint][more][threads]") {
  TempDir dir;
  auto store = store_with_statements(dir.db(), 0);
  HttpPeer elsewhere("127.0.0.2", [](const PeerRequest&) {
    return PeerAnswer{200, {}, R"({"statements":[],"more":""})"};
  });
  std::string next;  // what the LRS gives as `more` on its first page
  HttpPeer lrs("127.0.0.1", [&](const PeerRequest& r) {
    const bool first = r.target.find("page=2") == std::string::npos;
    nlohmann::json page = {
        {"statements", nlohmann::json::array({nlohmann::json::parse(certification_json(first ? "c1" : "c2", "101"))})},
        {"more", first ? next : ""}};
    return PeerAnswer{200, {}, page.dump()};
  });
  const LrsConfig config = lrs_config(lrs.url());
  HttpClient http;
  SyncSender sender(*store, http, config, wall_now, [] { return 0.5; });

  SECTION("an absolute path on the same server is followed") {
    next = "/xAPI/statements?page=2";
    std::vector<RemoteAward> got;
    std::string error;
    REQUIRE(sender.fetch_remote_awards("101", got, error));
    CHECK(got.size() == 2);
    CHECK(lrs.requests().size() == 2);
  }
  SECTION("an absolute URL to the same server is followed") {
    next = lrs.url("/xAPI/statements?page=2");
    std::vector<RemoteAward> got;
    std::string error;
    REQUIRE(sender.fetch_remote_awards("101", got, error));
    CHECK(got.size() == 2);
  }
  // Another address, a scheme-relative link to it, and another port on the same address.
  const std::vector<std::string> away = {
      elsewhere.url("/xAPI/statements?page=2"),
      "//127.0.0.2:" + std::to_string(elsewhere.port()) + "/xAPI/statements?page=2",
      "http://127.0.0.1:" + std::to_string(elsewhere.port()) + "/xAPI/statements?page=2"};
  for (std::size_t i = 0; i < away.size(); ++i) {
    DYNAMIC_SECTION("a link elsewhere is not followed, case " << i) {
      INFO(away[i]);
      next = away[i];
      std::vector<RemoteAward> got;
      std::string error;
      CHECK_FALSE(sender.fetch_remote_awards("101", got, error));
      CHECK(error.find("more") != std::string::npos);
      CHECK(lrs.requests().size() == 1);
      CHECK(elsewhere.probe() == 0);
    }
  }
}

TEST_CASE("Every endpoint the check accepts is the server curl connects to", "[net][endpoint][curl]") {
  // parse_http_url is meant to be stricter than curl, never looser: for what it accepts, curl's
  // own parser must find the same scheme, host and port.
  for (const char* text : {"https://lrs.example.com/xapi/", "http://127.0.0.1:8080/xAPI/", "http://[::1]:9/x/",
                           "HTTPS://LRS.example.COM:8443/", "https://10.0.0.1/xapi/", "http://localhost:1/"}) {
    INFO(text);
    std::string why;
    const auto mine = parse_http_url(text, why);
    REQUIRE(mine);
    CURLU* u = curl_url();
    REQUIRE(curl_url_set(u, CURLUPART_URL, text, 0) == CURLUE_OK);
    char *host = nullptr, *port = nullptr, *scheme = nullptr;
    REQUIRE(curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK);
    REQUIRE(curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK);
    REQUIRE(curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK);
    std::string h = host;
    if (h.size() > 1 && h.front() == '[') h = h.substr(1, h.size() - 2);
    for (auto& c : h) c = char(std::tolower(static_cast<unsigned char>(c)));
    CHECK(h == mine->host);
    CHECK(std::stoi(port) == mine->port);
    CHECK(std::string(scheme) == mine->scheme);
    curl_free(host);
    curl_free(port);
    curl_free(scheme);
    curl_url_cleanup(u);
  }
  // And the ones the issue met: curl cannot use them, so they are config errors, not retries.
  for (const char* text : {"http://127.0.0.1:99999/xAPI/", "http://127.0.0.1:80x/xAPI/", "http://[::1/xAPI/"}) {
    INFO(text);
    std::string why;
    CHECK_FALSE(parse_http_url(text, why));
    CURLU* u = curl_url();
    CHECK(curl_url_set(u, CURLUPART_URL, text, 0) != CURLUE_OK);
    curl_url_cleanup(u);
  }
}
