#!/usr/bin/env bash
# Builds one fuzz target with clang++ and libFuzzer (+ ASan, UBSan) and runs it, seeded from the
# committed corpus. The main build is g++, so this compiles the few sources it needs directly.
# Usage: run_fuzz.sh SRC_DIR OUT_DIR TARGET [libFuzzer flags...]
#   TARGET: codec_cup | codec_interop (ISO 8583) | nexo (nexo JSON, device_bridge/nexo.h)
#   e.g.   run_fuzz.sh . build/fuzz codec_cup -runs=20000        (ctest)
#          run_fuzz.sh . build/fuzz codec_cup -max_total_time=300 (make fuzz)
# A missing compiler or runtime fails loudly: the fuzz test is never skipped.
set -euo pipefail
src=$(cd "${1:?usage: run_fuzz.sh SRC_DIR OUT_DIR TARGET [flags]}" && pwd)
out=${2:?usage: run_fuzz.sh SRC_DIR OUT_DIR TARGET [flags]}
target=${3:?usage: run_fuzz.sh SRC_DIR OUT_DIR TARGET [flags]}
shift 3
case "$target" in
  codec_cup | codec_interop | nexo) ;;
  *) echo "fuzz FAILED: unknown target '$target' (codec_cup, codec_interop, nexo)" >&2; exit 1 ;;
esac
# Each target has its own folder (binary, libFuzzer probe, corpus, artifacts): ctest -j runs the
# targets at once, and a shared probe or corpus would be written by two of them together.
out="$out/$target"
mkdir -p "$out"
out=$(cd "$out" && pwd)

cxx=${FUZZ_CXX:-}
if [ -z "$cxx" ]; then
  for c in clang++-14 clang++; do
    if command -v "$c" >/dev/null 2>&1; then cxx=$c; break; fi
  done
fi
if [ -z "$cxx" ] || ! command -v "$cxx" >/dev/null 2>&1; then
  echo "fuzz FAILED: clang++ not found${cxx:+ ($cxx)} (Debian packages clang-14 and libclang-rt-14-dev)" >&2
  exit 1
fi

flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

# libFuzzer's runtime ships separately from the compiler on Debian: probe it with a tiny target.
probe="$out/probe_libfuzzer"
if [ ! -x "$probe" ]; then
  printf '#include <cstdint>\n#include <cstddef>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n' \
    > "$out/probe_libfuzzer.cpp"
  if ! "$cxx" "${flags[@]}" "$out/probe_libfuzzer.cpp" -o "$probe" 2> "$out/probe_libfuzzer.log"; then
    cat "$out/probe_libfuzzer.log" >&2
    echo "fuzz FAILED: $cxx cannot link -fsanitize=fuzzer: the libFuzzer runtime is missing" \
         "(Debian package libclang-rt-14-dev)" >&2
    exit 1
  fi
fi

if [ "$target" = nexo ]; then
  # nlohmann-json is header-only and found in the system include path, as in the main build.
  sources=("$src/tests/fuzz/fuzz_nexo.cpp" "$src/device_bridge/nexo.cpp" "$src/device_bridge/nexo_parse.cpp"
           "$src/device_bridge/endpoint.cpp" "$src/device_bridge/framing.cpp")
  headers=("$src/device_bridge/nexo.h" "$src/device_bridge/nexo_internal.h" "$src/device_bridge/endpoint.h"
           "$src/device_bridge/framing.h")
else
  sources=("$src/tests/fuzz/fuzz_$target.cpp" "$src/device_bridge/iso8583.cpp" "$src/device_bridge/crypto.cpp")
  headers=("$src/device_bridge/iso8583.h" "$src/device_bridge/crypto.h" "$src/device_bridge/iso_message.h"
           "$src/device_bridge/framing.h" "$src/tests/fuzz/fuzz_codec.h")
fi
bin="$out/fuzz_$target"
stale=0
if [ ! -x "$bin" ]; then stale=1; else
  for f in "${sources[@]}" "${headers[@]}"; do
    if [ "$f" -nt "$bin" ]; then stale=1; fi
  done
fi
if [ "$stale" = 1 ]; then
  echo "fuzz: building $bin with $cxx"
  "$cxx" "${flags[@]}" -I"$src" "${sources[@]}" -o "$bin.tmp"
  mv "$bin.tmp" "$bin"
fi

seeds="$src/tests/fuzz/corpus_${target#codec_}"
if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
  echo "fuzz FAILED: seed corpus $seeds is missing or empty" >&2
  exit 1
fi
# nexo texts run up to max_message_bytes (64 KiB); ISO 8583 frames stay under 4200 bytes.
max_len=4200
if [ "$target" = nexo ]; then max_len=8192; fi
# New inputs go to the first corpus folder: keep them in the build tree, never in the sources.
work="$out/corpus_$target"
mkdir -p "$work"
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
echo "fuzz: $bin $* (seeds $seeds)"
"$bin" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$out/$target-" \
  "$@" "$work" "$seeds"
