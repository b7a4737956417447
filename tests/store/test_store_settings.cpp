// Settings and uuids.
#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

TEST_CASE("Settings are stored replaced and kept across reopen", "[store][settings]") {
  TempDir dir;
  {
    auto store = open_ok(dir.db());
    CHECK_FALSE(store->setting("sync.endpoint"));
    REQUIRE(store->set_setting("sync.endpoint", "https://lrs.example/xapi"));
    REQUIRE(store->set_setting("kiosk.lang", "zh"));
    REQUIRE(store->set_setting("kiosk.lang", "en"));
    REQUIRE(store->set_setting("empty", ""));
    CHECK(store->set_setting("", "x").code == StoreError::invalid);
  }
  auto store = open_ok(dir.db());
  CHECK(store->setting("sync.endpoint") == std::optional<std::string>("https://lrs.example/xapi"));
  CHECK(store->setting("kiosk.lang") == std::optional<std::string>("en"));
  CHECK(store->setting("empty") == std::optional<std::string>(""));
  CHECK_FALSE(store->setting("kiosk"));
}

TEST_CASE("new_uuid gives distinct lower-case version 4 uuids", "[store][settings]") {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    std::string u = new_uuid();
    REQUIRE(std::regex_match(u, shape));
    seen.insert(u);
  }
  CHECK(seen.size() == 10'000);
}
