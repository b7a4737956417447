// The outbox send policy (kiosk/sync/policy.h): every answer an LRS can give, the backoff, the
// Retry-After header, the id list of a 200 and the GET-compare of a 409.
#include <catch2/catch.hpp>

#include "kiosk/sync/config.h"
#include "kiosk/sync/policy.h"

using namespace posdrill;

namespace {
SendOutcome answered(long status, std::size_t batch = 1, bool ids_match = true) {
  SendOutcome o;
  o.answered = true;
  o.status = status;
  o.batch_size = batch;
  o.ids_match = ids_match;
  return o;
}
}  // namespace

TEST_CASE("decide follows the retry policy for every kind of answer", "[sync][policy]") {
  CHECK(decide(answered(200, 50)) == SendAction::delivered);
  CHECK(decide(answered(204, 1)) == SendAction::delivered);
  CHECK(decide(answered(200, 50, false)) == SendAction::retry_later);  // 200 with garbage: resend the same bytes
  SendOutcome lost;
  lost.answered = false;
  CHECK(decide(lost) == SendAction::retry_later);
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) CHECK(decide(answered(s, 50)) == SendAction::retry_later);
  CHECK(decide(answered(413, 50)) == SendAction::split);
  CHECK(decide(answered(413, 1)) == SendAction::set_aside);
  CHECK(decide(answered(400, 2)) == SendAction::split);
  CHECK(decide(answered(400, 1)) == SendAction::set_aside);
  CHECK(decide(answered(409, 7)) == SendAction::split);
  CHECK(decide(answered(409, 1)) == SendAction::check_conflict);
  CHECK(decide(answered(401, 50)) == SendAction::alarm);
  CHECK(decide(answered(403, 1)) == SendAction::alarm);
  CHECK(decide(answered(404, 1)) == SendAction::alarm);  // not an LRS statements resource
  CHECK(decide(answered(302, 1)) == SendAction::alarm);  // redirects are not followed
}

TEST_CASE("problem_of names what a person can understand", "[sync][policy]") {
  SendOutcome lost;
  CHECK(problem_of(lost) == SyncProblem::offline);
  CHECK(problem_of(answered(200)) == SyncProblem::none);
  CHECK(problem_of(answered(429)) == SyncProblem::server_busy);
  CHECK(problem_of(answered(503)) == SyncProblem::server_busy);
  CHECK(problem_of(answered(500)) == SyncProblem::server_error);
  CHECK(problem_of(answered(401)) == SyncProblem::credentials);
  CHECK(problem_of(answered(400)) == SyncProblem::rejected);
  CHECK(problem_of(answered(409)) == SyncProblem::conflict);
  CHECK(problem_of(answered(404)) == SyncProblem::endpoint);
  CHECK(std::string(sync_problem_name(SyncProblem::server_busy)) == "server_busy");
}

TEST_CASE("Backoff doubles with jitter up to the cap and obeys Retry-After", "[sync][policy]") {
  BackoffPolicy p;  // 2 s, cap 5 min
  CHECK(backoff_ms(p, 1, 0.0, std::nullopt) == 1'000);
  CHECK(backoff_ms(p, 1, 0.999, std::nullopt) < 2'000);
  CHECK(backoff_ms(p, 1, 0.999, std::nullopt) >= 1'990);
  CHECK(backoff_ms(p, 2, 0.0, std::nullopt) == 2'000);
  CHECK(backoff_ms(p, 3, 0.0, std::nullopt) == 4'000);
  CHECK(backoff_ms(p, 30, 0.999, std::nullopt) <= 300'000);
  CHECK(backoff_ms(p, 30, 0.0, std::nullopt) == 150'000);
  CHECK(backoff_ms(p, 1000, 0.5, std::nullopt) <= 300'000);  // no overflow
  CHECK(backoff_ms(p, 0, 0.0, std::nullopt) == 1'000);       // treated as the first failure
  // The server can lengthen the wait (capped at an hour), never shorten it: "Retry-After: 0" or a
  // date in the past leaves the backoff as it was.
  CHECK(backoff_ms(p, 1, 0.0, 7'000) == 7'000);
  CHECK(backoff_ms(p, 5, 0.0, 7'000) == 16'000);
  CHECK(backoff_ms(p, 1, 0.9, 0) == backoff_ms(p, 1, 0.9, std::nullopt));
  CHECK(backoff_ms(p, 1, 0.0, 0) == 1'000);
  CHECK(backoff_ms(p, 1, 0.0, 10'000'000) == 3'600'000);
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date", "[sync][policy]") {
  CHECK(parse_retry_after("120", WallTime{}) == 120'000);
  CHECK(parse_retry_after(" 1 ", WallTime{}) == 1'000);
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777 s
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", WallTime{784'111'777'000 - 5'000}) == 5'000);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", WallTime{784'111'777'000 + 5'000}) == 0);  // past: now
  CHECK_FALSE(parse_retry_after("", WallTime{}));
  CHECK_FALSE(parse_retry_after("soon", WallTime{}));
  CHECK_FALSE(parse_retry_after("-5", WallTime{}));
  CHECK_FALSE(parse_retry_after("99999999999", WallTime{}));
  CHECK_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", WallTime{}));
  CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 CET", WallTime{}));
}

TEST_CASE("A 200 counts only when it lists the ids sent", "[sync][policy]") {
  const std::vector<std::string> ids{"a1", "b2"};
  CHECK(answer_lists_ids(R"(["a1","b2"])", ids));
  CHECK(answer_lists_ids(R"(["A1","B2"])", ids));  // ids are case-insensitive uuids
  CHECK_FALSE(answer_lists_ids(R"(["b2","a1"])", ids));
  CHECK_FALSE(answer_lists_ids(R"(["a1"])", ids));
  CHECK_FALSE(answer_lists_ids(R"({"ids":["a1","b2"]})", ids));
  CHECK_FALSE(answer_lists_ids("<html>ok</html>", ids));
  CHECK_FALSE(answer_lists_ids("", ids));
}

TEST_CASE("same_statement ignores what the LRS adds and nothing else", "[sync][policy]") {
  const std::string sent =
      R"({"id":"x","actor":{"account":{"homePage":"https://e.com","name":"1"}},"verb":{"id":"v","display":{"en-US":"passed"}},)"
      R"("result":{"score":{"scaled":1.0}},"timestamp":"2026-11-21T10:00:00.000Z"})";
  const std::string stored =
      R"({"id":"x","actor":{"objectType":"Agent","account":{"homePage":"https://e.com","name":"1"}},)"
      R"("verb":{"id":"v","display":{"en-US":"passed"}},"result":{"score":{"scaled":1}},)"
      R"("timestamp":"2026-11-21T18:00:00+08:00","stored":"2026-11-21T10:00:01.000Z","authority":{},"version":"1.0.0"})";
  CHECK(same_statement(sent, stored));
  std::string changed = stored;
  changed.replace(changed.find("\"passed\""), 8, "\"failed\"");
  CHECK_FALSE(same_statement(sent, changed));
  CHECK_FALSE(same_statement(sent, R"({"id":"x"})"));
  std::string later = stored;
  later.replace(later.find("18:00:00+08:00"), 14, "18:00:01+08:00");
  CHECK_FALSE(same_statement(sent, later));
  CHECK_FALSE(same_statement(sent, "not json"));
}

TEST_CASE("LRS settings are checked before anything is sent", "[sync][config]") {
  LrsConfig c;
  CHECK(check_lrs_config(c).empty());  // off
  c.endpoint = "https://lrs.example.com/xapi/";
  c.key = "k";
  c.secret = "s";
  CHECK(check_lrs_config(c).empty());
  c.endpoint = "http://lrs.example.com/xapi/";
  REQUIRE(check_lrs_config(c).size() == 1);  // Basic auth in the clear over the network
  CHECK(check_lrs_config(c).front().field == LrsField::endpoint);
  c.endpoint = "http://127.0.0.1:8080/xAPI/";
  CHECK(check_lrs_config(c).empty());
  // Loopback is this machine only: 127.0.0.2 is another listener, and so is a numeric disguise.
  for (const char* other : {"http://127.0.0.2:8080/xAPI/", "http://127.1:8080/xAPI/", "http://0x7f.0.0.1:8080/",
                            "http://[::2]:8080/", "http://localhost.example.com/"}) {
    INFO(other);
    c.endpoint = other;
    CHECK_FALSE(check_lrs_config(c).empty());
  }
  c.endpoint = "https://user:pw@lrs.example.com/";
  REQUIRE_FALSE(check_lrs_config(c).empty());
  CHECK(check_lrs_config(c).front().message.find("pw") == std::string::npos);  // never echoed
  c.endpoint = "ftp://x/";
  CHECK_FALSE(check_lrs_config(c).empty());
  // What curl cannot parse is a config error, not a request that keeps failing.
  for (const char* bad : {"https://lrs.example.com:99999/xapi/", "http://127.0.0.1:80x/xapi/", "http://[::1/xapi/",
                          "https://lrs.example.com:0/", "https:///xapi/", "https://lrs example.com/",
                          "https://lrs.example.com/xapi/?q=1", "https://lrs.example.com/#x", "https://[::1]x/"}) {
    INFO(bad);
    c.endpoint = bad;
    CHECK_FALSE(check_lrs_config(c).empty());
  }
  c.endpoint = "https://lrs.example.com/xapi/";
  c.secret.clear();
  REQUIRE(check_lrs_config(c).size() == 1);
  CHECK(check_lrs_config(c).front().field == LrsField::secret);
  c.secret = "s";
  c.version = "1.0.0";
  CHECK_FALSE(check_lrs_config(c).empty());
  c.version = "2.0.0";
  c.batch_size = 0;
  CHECK_FALSE(check_lrs_config(c).empty());
}

TEST_CASE("A short timeout alone is valid: the default connect timeout follows it", "[sync][config]") {
  LrsConfig c;
  c.endpoint = "https://lrs.example.com/xapi/";
  c.key = c.secret = "k";
  c.timeout_s = 5;
  CHECK(check_lrs_config(c).empty());
  CHECK(c.effective_connect_timeout_s() == 5);
  c.timeout_s = 30;
  CHECK(c.effective_connect_timeout_s() == LrsConfig::default_connect_timeout_s);
  c.connect_timeout_s = 20;
  CHECK(check_lrs_config(c).empty());
  CHECK(c.effective_connect_timeout_s() == 20);
  c.timeout_s = 5;  // set explicitly above the whole request: a real contradiction
  REQUIRE(check_lrs_config(c).size() == 1);
  CHECK(check_lrs_config(c).front().field == LrsField::connect_timeout);
}

TEST_CASE("URLs are taken apart strictly", "[sync][config]") {
  std::string why;
  auto u = parse_http_url("HTTPS://LRS.Example.com:8443/xAPI/statements?more=1", why);
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->host == "lrs.example.com");
  CHECK(u->port == 8443);
  CHECK(u->path == "/xAPI/statements?more=1");
  u = parse_http_url("http://[::1]/x", why);
  REQUIRE(u);
  CHECK(u->host == "::1");
  CHECK(u->port == 80);
  CHECK_FALSE(parse_http_url("http://[::1/x", why));
  CHECK(why.find("not closed") != std::string::npos);
  CHECK_FALSE(parse_http_url("http://h:65536/", why));
  CHECK(why.find("65536") != std::string::npos);
  CHECK_FALSE(parse_http_url("http://h:/", why));
  CHECK_FALSE(parse_http_url("http://256.0.0.1/", why));
  CHECK_FALSE(parse_http_url("http://127.000.0.1/", why));
  CHECK_FALSE(parse_http_url("http://h/\xe4\xb8\xad", why));
}

TEST_CASE("The LRS's more link is followed only on the endpoint's own server", "[sync][config]") {
  const std::string ep = "http://127.0.0.1:8080/xAPI/";
  std::string why;
  CHECK(resolve_more_link(ep, "/xAPI/statements?cursor=2", why) == "http://127.0.0.1:8080/xAPI/statements?cursor=2");
  CHECK(resolve_more_link(ep, "http://127.0.0.1:8080/xAPI/statements?c=2", why) ==
        "http://127.0.0.1:8080/xAPI/statements?c=2");
  for (const char* elsewhere :
       {"http://127.0.0.2:8080/xAPI/statements", "http://127.0.0.1:8081/xAPI/statements",
        "https://127.0.0.1:8080/xAPI/statements", "//127.0.0.2:8080/xAPI/statements", "http://evil.example/x",
        "statements?cursor=2", "http://127.0.0.1:8080@127.0.0.2/x", "http://127.0.0.1:8080/x#y"}) {
    INFO(elsewhere);
    why.clear();
    CHECK_FALSE(resolve_more_link(ep, elsewhere, why));
    CHECK_FALSE(why.empty());
  }
  // A default port written out is the same server.
  CHECK(resolve_more_link("https://lrs.example.com/xapi/", "https://lrs.example.com:443/xapi/statements?c=1", why));
}

TEST_CASE("The endpoint is shown without credentials", "[sync][config]") {
  CHECK(endpoint_for_display("https://lrs.example.com/xapi/") == "https://lrs.example.com/xapi/");
  CHECK(endpoint_for_display("https://u:pw@lrs.example.com/xapi/") == "https://lrs.example.com/xapi/");
  // An @ in the path is not a credential.
  CHECK(endpoint_for_display("https://lrs.example.com/x@y/") == "https://lrs.example.com/x@y/");
}
