// An ISO 8583 message as the host and the terminal see it: the MTI and the present data elements,
// already decoded from whichever wire dialect carried them (iso8583.h). Plain data.
//
// Field values are kept in their logical form, independent of the dialect:
// - numeric fields (n): the decimal digits, e.g. DE3 "000000", DE4 "000000032800", DE11 "000123";
// - alphanumeric fields (an, ans): the characters, e.g. DE39 "00", DE41 "10000001";
// - binary fields (b): the raw bytes, e.g. DE52 PIN block (8 bytes), DE64 MAC (8 bytes);
// - track data (z): the track characters with '=' as the separator.
// A field that is absent is simply not in the map. DE1 (the secondary bitmap) is never stored:
// the codec derives it.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace posdrill {

struct IsoMessage {
  std::string mti;                  // 4 digits, e.g. "0200"
  std::map<int, std::string> fields;  // data element number (2..128) -> value

  bool has(int de) const { return fields.count(de) != 0; }
  // The value of a present field, or "" when absent.
  const std::string& get(int de) const {
    static const std::string empty;
    auto it = fields.find(de);
    return it == fields.end() ? empty : it->second;
  }
  void set(int de, std::string value) { fields[de] = std::move(value); }
  void erase(int de) { fields.erase(de); }
};

}  // namespace posdrill
