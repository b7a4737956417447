// Interop-dialect codec figures for bench_interop_ratio.mjs, which times npm iso_8583 on the same
// messages and prints the ratio. Reads the messages on stdin, one npm iso_8583 JSON object a line
// (key "0" is the MTI, binary fields as hex, as interop_tool takes them), packs and unpacks the
// whole set K times per run and prints one JSON line:
//   {"messages":M,"runs":R,"per_run":K,"pack":[msg/s per run],"unpack":[msg/s per run],
//    "hex":[each packed frame],"checksum":N}
// Pack is encode plus the 2-byte length frame and unpack is decode after the frame, because that is
// what the package's getBufferMessage and getIsoJSON do; "hex" lets the caller check that both
// sides produced the same bytes, i.e. did the same work. Asserts nothing about speed; exits 1 on
// input it cannot use. Usage: bench_interop_codec [RUNS] [K] < messages.jsonl
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "device_bridge/framing.h"
#include "device_bridge/hex.h"
#include "device_bridge/iso8583.h"

using namespace posdrill;
using nlohmann::json;
using WallClock = std::chrono::steady_clock;

namespace {

// Strict hex for the JSON lines: the interop checks compare exact bytes.
bool from_hex(std::string_view hex, std::string& out) {
  auto bytes = posdrill::from_hex(hex);
  out = bytes.value_or(std::string());
  return bytes.has_value();
}

// One JSON line -> IsoMessage; "" on success, else what is wrong with it.
std::string parse_message(const std::string& line, IsoMessage& m) {
  json in = json::parse(line, nullptr, false);
  if (in.is_discarded() || !in.is_object()) return "not a JSON object";
  for (auto& [key, value] : in.items()) {
    if (!value.is_string()) return "field " + key + " is not a string";
    std::string text = value.get<std::string>();
    if (key == "0") {
      m.mti = text;
      continue;
    }
    int de = std::atoi(key.c_str());
    const FieldSpec* spec = field_spec(Dialect::interop, de);
    if (!spec) return "field " + key + " is not in the interop dialect";
    if (spec->type == FieldType::b) {
      std::string bytes;
      if (!from_hex(text, bytes)) return "field " + key + " is not hex";
      text = std::move(bytes);
    }
    m.set(de, std::move(text));
  }
  return "";
}

// The frame body of a packed message, as getIsoJSON takes it: the 2 length bytes skipped.
std::string_view body_of(std::string_view framed) { return framed.size() < 2 ? std::string_view() : framed.substr(2); }

double per_second(long ops, WallClock::time_point t0) {
  double s = std::chrono::duration<double>(WallClock::now() - t0).count();
  return s > 0 ? double(ops) / s : 0;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  int per_run = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2000;

  std::vector<IsoMessage> messages;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    IsoMessage m;
    if (std::string why = parse_message(line, m); !why.empty()) {
      std::fprintf(stderr, "bench_interop_codec: message %zu: %s\n", messages.size() + 1, why.c_str());
      return 1;
    }
    messages.push_back(std::move(m));
  }
  if (messages.empty()) {
    std::fprintf(stderr, "bench_interop_codec: no messages on stdin\n");
    return 1;
  }

  std::vector<std::string> framed;
  for (const auto& m : messages) {
    std::string out;
    if (CodecResult r = encode(m, Dialect::interop, out); !r.ok()) {
      std::fprintf(stderr, "bench_interop_codec: message %s does not encode: %s\n", m.mti.c_str(), r.message.c_str());
      return 1;
    }
    framed.push_back(frame(out));
  }

  // Results feed the checksum so the optimiser cannot drop the work.
  long checksum = 0;
  std::string out;
  IsoMessage back;
  auto pack_all = [&] {
    for (const auto& m : messages) {
      checksum += long(encode(m, Dialect::interop, out).ok());
      checksum += long(frame(out).size());
    }
  };
  auto unpack_all = [&] {
    for (const auto& f : framed)
      checksum += long(decode(body_of(f), Dialect::interop, back).ok()) + long(back.fields.size());
  };
  // Warm caches and the allocator once, as the node side lets its JIT warm up.
  for (int i = 0; i < std::max(1, per_run / 10); ++i) {
    pack_all();
    unpack_all();
  }

  const long ops = long(per_run) * long(messages.size());
  json pack = json::array(), unpack = json::array();
  for (int r = 0; r < runs; ++r) {
    auto t0 = WallClock::now();
    for (int i = 0; i < per_run; ++i) pack_all();
    pack.push_back(per_second(ops, t0));
    t0 = WallClock::now();
    for (int i = 0; i < per_run; ++i) unpack_all();
    unpack.push_back(per_second(ops, t0));
  }
  json hex = json::array();
  for (const auto& f : framed) hex.push_back(to_hex(f));
  json result = {{"messages", messages.size()},
                 {"runs", runs},
                 {"per_run", per_run},
                 {"pack", pack},
                 {"unpack", unpack},
                 {"hex", hex},
                 {"checksum", checksum}};
  std::cout << result.dump() << '\n';
  return 0;
}
