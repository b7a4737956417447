// ISO 8583 codec figures: messages packed and unpacked per second in both dialects, with and
// without the MAC, for a swiped sale request with chip data (about 150 bytes). Prints the median
// and spread over several runs; it asserts nothing. Usage: bench_codec [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "bench_stats.h"

#include "device_bridge/crypto.h"
#include "device_bridge/iso8583.h"

using namespace posdrill;
using WallClock = std::chrono::steady_clock;

namespace {

using bench::print;
using bench::stats;

IsoMessage sale() {
  IsoMessage m;
  m.mti = "0200";
  m.set(2, "6200000000000005");
  m.set(3, "000000");
  m.set(4, "000000032800");
  m.set(11, "000123");
  m.set(14, "2512");
  m.set(22, "051");
  m.set(23, "001");
  m.set(25, "00");
  m.set(26, "12");
  m.set(35, "6200000000000005=25122010000000000000");
  m.set(41, "10000001");
  m.set(42, "123456789012345");
  m.set(49, "156");
  m.set(52, std::string("\x0F\x34\xFF\x5B\xC1\x03\xA1\x5D", 8));
  m.set(55, std::string(40, '\x9F'));
  m.set(60, "22000001000");
  return m;
}

// Messages per second for `op` run `n` times.
double rate(int n, const std::function<void()>& op) {
  auto t0 = WallClock::now();
  for (int i = 0; i < n; ++i) op();
  double s = std::chrono::duration<double>(WallClock::now() - t0).count();
  return s > 0 ? n / s : 0;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::max(5, std::atoi(argv[1])) : 15;
  const int per_run = 20000;
  const IsoMessage message = sale();
  EncodeOptions mac;
  mac.mac_key = test_mac_key();
  DecodeOptions check;
  check.mac_key = test_mac_key();

  std::printf("codec: sale request, %d runs of %d messages\n", runs, per_run);
  long checksum = 0;
  for (Dialect d : {Dialect::cup, Dialect::interop}) {
    const char* name = d == Dialect::cup ? "cup" : "interop";
    std::string wire, wire_mac;
    if (!encode(message, d, wire).ok() || !encode(message, d, wire_mac, mac).ok()) return 1;
    std::printf("%s: %zu bytes\n", name, wire.size());
    std::vector<double> pack, unpack, pack_mac, unpack_mac;
    for (int r = 0; r < runs; ++r) {
      std::string out;
      IsoMessage back;
      DecodeInfo info;
      pack.push_back(rate(per_run, [&] { checksum += long(encode(message, d, out).ok()) + long(out.size()); }));
      unpack.push_back(rate(per_run, [&] { checksum += long(decode(wire, d, back).ok()) + long(back.fields.size()); }));
      pack_mac.push_back(
          rate(per_run, [&] { checksum += long(encode(message, d, out, mac).ok()) + long(out.size()); }));
      unpack_mac.push_back(rate(per_run, [&] {
        checksum += long(decode(wire_mac, d, back, check, &info).ok()) + long(info.mac == MacStatus::mac_ok);
      }));
    }
    std::string label = std::string(name) + " pack";
    print(label.c_str(), "msg/s", stats(pack));
    label = std::string(name) + " unpack";
    print(label.c_str(), "msg/s", stats(unpack));
    label = std::string(name) + " pack + MAC (3DES)";
    print(label.c_str(), "msg/s", stats(pack_mac));
    label = std::string(name) + " unpack + MAC check";
    print(label.c_str(), "msg/s", stats(unpack_mac));
  }
  std::printf("(checksum %ld)\n", checksum);
  return 0;
}
