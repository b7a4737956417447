// Milliseconds and the calendar: the units every clock here counts in, and the one conversion
// between a millisecond count since 1970-01-01 00:00 and a date with a time of day. It does no
// time-zone arithmetic: a count of UTC milliseconds gives the UTC date, a count of the emulator's
// China-local milliseconds (device_bridge/host.h "Emulator time") gives the local date.
// Header-only, standard library only: every layer may use it.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace posdrill {

inline constexpr int64_t ms_per_second = 1000;
inline constexpr int64_t ms_per_minute = 60 * ms_per_second;
inline constexpr int64_t ms_per_day = 24 * 60 * ms_per_minute;

struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;
};

// Whole days since 1970-01-01, rounded down (a moment before 1970 is in a negative day).
inline int64_t day_number(int64_t ms) {
  const int64_t d = ms / ms_per_day;
  return (ms % ms_per_day < 0) ? d - 1 : d;
}

inline CivilTime civil_time(int64_t ms) {
  using namespace std::chrono;
  const int64_t days_since = day_number(ms);
  const int64_t in_day = ms - days_since * ms_per_day;
  const year_month_day ymd{sys_days{days{days_since}}};
  CivilTime t;
  t.year = int(ymd.year());
  t.month = int(unsigned(ymd.month()));
  t.day = int(unsigned(ymd.day()));
  t.hour = int(in_day / (60 * ms_per_minute));
  t.minute = int(in_day / ms_per_minute % 60);
  t.second = int(in_day / ms_per_second % 60);
  t.millisecond = int(in_day % ms_per_second);
  return t;
}

inline int64_t civil_ms(const CivilTime& t) {
  using namespace std::chrono;
  const sys_days d{year{t.year} / month{unsigned(t.month)} / day{unsigned(t.day)}};
  return int64_t(d.time_since_epoch().count()) * ms_per_day +
         ((int64_t(t.hour) * 60 + t.minute) * 60 + t.second) * ms_per_second + t.millisecond;
}

// "2026-11-20": the date of `ms` (ISO 8601).
inline std::string iso_date(int64_t ms) {
  const CivilTime t = civil_time(ms);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
  return buf;
}

}  // namespace posdrill
