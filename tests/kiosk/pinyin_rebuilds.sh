#!/usr/bin/env bash
# Typing a name in pinyin on the first run rebuilds the font atlas when the keyboard opens and at
# most once more (a candidate outside GB 2312 level 1), not once per key as when every candidate
# page brought its own characters (8 rebuilds for these 14 keys); and the candidates are drawn
# (the widget dump holds the candidate row for "zhangwei").
# Usage: pinyin_rebuilds.sh POSDRILL SRC_DIR WORK_DIR
set -euo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$bin" kiosk --windowed --size 1280x800 --content "$src/content" --data "$work/data" \
  --ui-script "$src/tests/kiosk/scripts/pinyin_name.txt" --screenshot "$work/pinyin.png" --after-frames 3 \
  --widgets-json "$work/pinyin.json" 2> "$work/log" || { cat "$work/log"; exit 1; }
grep -q '"id": "kb.cand.0"' "$work/pinyin.json" || { echo "FAIL: no candidate row on screen"; cat "$work/pinyin.json"; exit 1; }
rebuilds=$(grep -c 'atlas rebuilt' "$work/log" || true)
grep 'atlas rebuilt' "$work/log" || true
if ! grep -q 'atlas rebuilt: .* 3755 at body size only' "$work/log"; then
  echo "FAIL: the keyboard opened without the common hanzi at body size"; exit 1
fi
if [ "$rebuilds" -gt 2 ]; then echo "FAIL: $rebuilds atlas rebuilds while typing 14 keys"; exit 1; fi
echo "ok: $rebuilds atlas rebuilds while typing 14 keys of pinyin"
