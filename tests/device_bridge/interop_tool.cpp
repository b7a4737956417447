// Line-oriented front end of the codec for the npm iso_8583 cross-check (interop_check.mjs) and for
// making fuzz seed corpora. One request per input line, one JSON answer per output line.
//
//   interop_tool encode [--dialect interop|cup] [--raw] [--mac-key-hex HEX]
//       in:  {"0":"0200","2":"6200000000000005","52":"0123456789abcdef",...}   (npm iso_8583 JSON:
//            key "0" is the MTI; binary fields (type b in the dialect's table) as hex)
//       out: {"ok":true,"hex":"..."}   the frame: 2-byte length + message (--raw: message only)
//   interop_tool decode [--dialect interop|cup] [--raw] [--mac-key-hex HEX]
//       in:  hex of a frame (--raw: of a message)
//       out: {"ok":true,"msg":{...},"mac":"not_checked|mac_ok|mac_bad|no_mac"[,"tpdu","header"]}
//   errors: {"ok":false,"error":"bad_digit","field":3,"offset":14,"message":"..."}
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "device_bridge/framing.h"
#include "device_bridge/hex.h"
#include "device_bridge/iso8583.h"

using namespace posdrill;
using nlohmann::json;

namespace {

// Strict hex for the JSON lines: the interop checks compare exact bytes.
bool from_hex(std::string_view hex, std::string& out) {
  auto bytes = posdrill::from_hex(hex);
  out = bytes.value_or(std::string());
  return bytes.has_value();
}

json error_json(const CodecResult& r) {
  return {{"ok", false},
          {"error", codec_error_name(r.error)},
          {"field", r.field},
          {"offset", r.offset},
          {"message", r.message}};
}

json usage_error(const std::string& what) { return {{"ok", false}, {"error", "input"}, {"message", what}}; }

bool is_binary(Dialect d, int de) {
  const FieldSpec* s = field_spec(d, de);
  return s && s->type == FieldType::b;
}

json encode_line(const std::string& line, Dialect dialect, bool raw, const std::string& mac_key) {
  json in = json::parse(line, nullptr, false);
  if (in.is_discarded() || !in.is_object()) return usage_error("not a JSON object");
  IsoMessage m;
  for (auto& [key, value] : in.items()) {
    if (!value.is_string()) return usage_error("field " + key + " is not a string");
    std::string text = value.get<std::string>();
    if (key == "0") {
      m.mti = text;
      continue;
    }
    int de = 0;
    try {
      de = std::stoi(key);
    } catch (...) {
      return usage_error("bad key " + key);
    }
    if (is_binary(dialect, de)) {
      std::string bytes;
      if (!from_hex(text, bytes)) return usage_error("field " + key + " is not hex");
      text = bytes;
    }
    m.set(de, text);
  }
  EncodeOptions options;
  options.mac_key = mac_key;
  std::string out;
  CodecResult r = encode(m, dialect, out, options);
  if (!r.ok()) return error_json(r);
  return {{"ok", true}, {"hex", to_hex(raw ? out : frame(out))}};
}

json decode_line(const std::string& line, Dialect dialect, bool raw, const std::string& mac_key) {
  std::string bytes;
  if (!from_hex(line, bytes)) return usage_error("not hex");
  if (!raw) {
    FrameReader reader;
    std::vector<std::string> frames;
    if (reader.feed(bytes, frames) != FrameReader::Error::none || frames.size() != 1 || reader.buffered() != 0)
      return usage_error("not exactly one frame");
    bytes = frames[0];
  }
  DecodeOptions options;
  options.mac_key = mac_key;
  IsoMessage m;
  DecodeInfo info;
  CodecResult r = decode(bytes, dialect, m, options, &info);
  if (!r.ok()) return error_json(r);
  json msg = json::object();
  msg["0"] = m.mti;
  for (const auto& [de, value] : m.fields) {
    // nlohmann::json wants UTF-8; non-binary CUP ans bytes outside ASCII go out as \u00XX.
    if (is_binary(dialect, de)) {
      msg[std::to_string(de)] = to_hex(value);
    } else {
      std::string text;
      for (unsigned char c : value) {
        if (c < 0x80) {
          text += char(c);
        } else {
          text += char(0xc0 | (c >> 6));
          text += char(0x80 | (c & 0x3f));
        }
      }
      msg[std::to_string(de)] = text;
    }
  }
  json out = {{"ok", true}, {"msg", msg}, {"mac", mac_status_name(info.mac)}};
  if (dialect == Dialect::cup) {
    out["tpdu"] = info.envelope.tpdu;
    out["header"] = info.envelope.header;
  }
  return out;
}

int usage() {
  std::fprintf(stderr,
               "usage: interop_tool encode|decode [--dialect interop|cup] [--raw] [--mac-key-hex HEX] < lines\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string mode = argv[1];
  if (mode != "encode" && mode != "decode") return usage();
  Dialect dialect = Dialect::interop;
  bool raw = false;
  std::string mac_key;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--raw") {
      raw = true;
    } else if (arg == "--dialect" && i + 1 < argc) {
      std::string d = argv[++i];
      if (d == "cup")
        dialect = Dialect::cup;
      else if (d != "interop")
        return usage();
    } else if (arg == "--mac-key-hex" && i + 1 < argc) {
      if (!from_hex(argv[++i], mac_key)) return usage();
    } else {
      return usage();
    }
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    json answer =
        mode == "encode" ? encode_line(line, dialect, raw, mac_key) : decode_line(line, dialect, raw, mac_key);
    std::cout << answer.dump() << '\n';
  }
  return 0;
}
