// base/: the bounded file reader, the digit checks, percent-encoding, the calendar and the typed
// moments every layer shares.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "base/calendar.h"
#include "base/digits.h"
#include "base/file.h"
#include "base/percent.h"
#include "base/time.h"
#include "scenarios/clock.h"

using namespace posdrill;

TEST_CASE("all_digits and parse_digits take decimal digits only", "[base]") {
  CHECK(all_digits("0123456789"));
  CHECK(all_digits(""));  // callers that need a digit check the size
  CHECK_FALSE(all_digits("12a"));
  CHECK_FALSE(all_digits(" 12"));
  CHECK_FALSE(all_digits("-1"));
  CHECK(parse_digits("000042") == 42);
  CHECK_FALSE(parse_digits(""));
  CHECK_FALSE(parse_digits("1234567890123456789"));  // 19 digits: past what the fields carry
  CHECK(zero_pad(42, 6) == "000042");
}

TEST_CASE("percent_encode escapes every byte its rule does not keep, in upper-case hex", "[base]") {
  CHECK(percent_encode("a-b_c.d~e", is_unreserved) == "a-b_c.d~e");
  CHECK(percent_encode("a b/c?", is_unreserved) == "a%20b%2Fc%3F");
  CHECK(percent_encode("收", is_unreserved) == "%E6%94%B6");  // UTF-8 bytes, each escaped
  CHECK(percent_encode("50%#x", [](unsigned char c) { return c != '%' && c != '#'; }) == "50%25%23x");
  CHECK(percent_encode("", is_unreserved).empty());
}

TEST_CASE("read_bounded_file reads a whole file up to its bound and says why it cannot", "[base]") {
  std::random_device rd;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("posdrill-base-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return dir / name;
  };
  std::string out, error;
  std::string big(100'000, 'x');
  big[50'000] = '\0';  // binary content comes back whole
  REQUIRE(read_bounded_file(write("big", big), 100'000, out, error));
  CHECK(out == big);
  CHECK_FALSE(read_bounded_file(dir / "big", 99'999, out, error));
  CHECK(error == "the file is 100000 bytes; at most 99999 are read");
  REQUIRE(read_bounded_file(write("empty", ""), 10, out, error));
  CHECK(out.empty());
  CHECK_FALSE(read_bounded_file(dir / "missing", 10, out, error));
  CHECK(error.rfind("cannot read the file: ", 0) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("civil_time and civil_ms convert between milliseconds and the calendar", "[base]") {
  // Known instants (UTC): the training day, the last millisecond of a leap day, a March 1st after
  // a century leap year, and the second before 1970.
  CHECK(civil_ms({2026, 11, 20, 14, 32, 0}) == 1795185120000);
  CHECK(civil_ms({2024, 2, 29, 23, 59, 59, 999}) == 1709251199999);
  CHECK(civil_ms({2000, 3, 1}) == 951868800000);
  const CivilTime leap = civil_time(1709251199999);
  CHECK((leap.year == 2024 && leap.month == 2 && leap.day == 29));
  CHECK((leap.hour == 23 && leap.minute == 59 && leap.second == 59 && leap.millisecond == 999));
  const CivilTime before = civil_time(-1000);  // rounds down into 1969-12-31, not up to 1970
  CHECK((before.year == 1969 && before.month == 12 && before.day == 31 && before.hour == 23 && before.second == 59));
  CHECK(day_number(-1) == -1);
  CHECK(day_number(0) == 0);
  CHECK(day_number(ms_per_day - 1) == 0);
  CHECK(iso_date(1795185120000) == "2026-11-20");
  CHECK(iso_date(-1) == "1969-12-31");
  // Every day of four centuries round-trips, at a time of day that moves through the day.
  for (int64_t day = -146097; day < 146097; day += 7) {
    const int64_t ms = day * ms_per_day + (day * 7919 % ms_per_day + ms_per_day) % ms_per_day;
    INFO(ms);
    REQUIRE(civil_ms(civil_time(ms)) == ms);
    REQUIRE(day_number(ms) == day);
  }
}

TEST_CASE("a moment moves by durations, and two moments of one clock give a duration", "[base][time]") {
  WallTime t{1'795'185'120'000};
  CHECK((t + 500).ms() == 1'795'185'120'500);
  CHECK((t - 500).ms() == 1'795'185'119'500);
  CHECK((t + 500) - t == 500);
  CHECK(t - (t + 500) == -500);
  t += ms_per_day;
  CHECK(iso_date(t.ms()) == "2026-11-21");
  t -= ms_per_day;
  CHECK((t < t + 1 && t + 1 > t && t == WallTime{1'795'185'120'000}));
  // 0 is "never" in the records.
  CHECK_FALSE(WallTime{}.is_set());
  CHECK(WallTime{-1}.is_set());
  CHECK((WallTime::earliest() < WallTime{} && WallTime{} < WallTime::latest()));
  // The calendar of a wall time is the UTC date; of the emulator's time, its local date.
  CHECK(day_number(WallTime{ms_per_day - 1}) == 0);
  CHECK(day_number(TerminalTime{-1}) == -1);
  const CivilTime c = civil_time(TerminalTime{civil_ms({2026, 11, 20, 14, 32, 5})});
  CHECK((c.year == 2026 && c.month == 11 && c.day == 20 && c.hour == 14 && c.minute == 32 && c.second == 5));
  // A fake clock moves only when told.
  FakeClock clock(1'000);
  const MonoTime start = clock.now();
  CHECK(clock.now() == start);
  clock.advance_ms(250);
  CHECK(clock.now() - start == 250);
}
