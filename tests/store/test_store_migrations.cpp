// Opening files: a new one is migrated to schema_version with private permissions; reopening
// changes nothing; a newer schema or a file that is not SQLite is refused and left alone.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "store_test_util.h"

using namespace posdrill;
using namespace posdrill::store_test;

TEST_CASE("A new file is migrated to the current schema", "[store][migrations]") {
  TempDir dir;
  auto file = dir.path() / "sub" / "folder" / "records.db";  // the folders do not exist yet
  auto store = open_ok(file);
  CHECK(store->user_version() == SqliteStore::schema_version);
  CHECK(store->recovered_attempts() == 0);
  CHECK(store->check().empty());
  CHECK(store->file() == file);

  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(file.parent_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  // The WAL holds the same records, so it must be as private as the file.
  REQUIRE(store->set_setting("k", "v"));
  REQUIRE(::stat((file.string() + "-wal").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("Reopening a current file is a no-op", "[store][migrations]") {
  TempDir dir;
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("101"), "27183946"));
    REQUIRE(store->set_setting("kiosk.name", "front till"));
  }
  auto store = open_ok(dir.db());
  CHECK(store->user_version() == SqliteStore::schema_version);
  CHECK(store->operators().size() == 1);
  CHECK(store->setting("kiosk.name") == std::optional<std::string>("front till"));
  CHECK(store->recovered_attempts() == 0);
}

TEST_CASE("A file from a newer posdrill is refused as too new", "[store][migrations]") {
  TempDir dir;
  { open_ok(dir.db()); }
  exec_sql(dir.db(), "PRAGMA user_version = " + std::to_string(SqliteStore::schema_version + 1));
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000});
  CHECK(store == nullptr);
  CHECK(st.code == StoreError::too_new);
  CHECK(st.message.find(dir.db().string()) != std::string::npos);
}

TEST_CASE("A file that is not SQLite is refused as corrupt and left untouched", "[store][migrations]") {
  TempDir dir;
  std::string text = "employee_id,name\nE1,Ana\n";
  for (int i = 0; i < 200; ++i) text += "this is a CSV export, not a database " + std::to_string(i) + "\n";
  {
    std::FILE* f = std::fopen(dir.db().c_str(), "wb");
    REQUIRE(f);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  StoreStatus st;
  auto store = SqliteStore::open(dir.db(), st, WallTime{1000});
  CHECK(store == nullptr);
  CHECK(st.code == StoreError::corrupt);
  CHECK(st.message.find(dir.db().string()) != std::string::npos);
  CHECK(read_bytes(dir.db()) == text);
  CHECK_FALSE(std::filesystem::exists(dir.db().string() + "-wal"));
}

TEST_CASE("check reports planted damage", "[store][migrations]") {
  TempDir dir;
  std::string uuid;
  {
    auto store = open_ok(dir.db());
    REQUIRE(store->add_operator(make_operator("101"), "27183946"));
    auto a = make_attempt("101", "preauth", 5000);
    uuid = a.uuid;
    REQUIRE(store->begin_attempt(a));
    REQUIRE(store->add_event(make_event(uuid, 1, 5100)));
    REQUIRE(store->add_event(make_event(uuid, 2, 5200)));
    REQUIRE(store->finish_attempt(closed(a, 6000, 0.9, true)));
    CHECK(store->check().empty());
  }
  exec_sql(dir.db(), "DELETE FROM attempt_events WHERE seq = 1; UPDATE operators SET pin_hash = '27183946'");
  auto store = open_ok(dir.db());
  auto problems = store->check();
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find(uuid) != std::string::npos);
  CHECK(problems[1].find("101") != std::string::npos);
  CHECK(problems[1].find("27183946") == std::string::npos);  // the planted "PIN" is not echoed
}
