#!/usr/bin/env bash
# A warm start: the real kiosk binary started three times on one records folder under SDL's
# offscreen driver. The first start collects the glyph set and builds the font atlas, and keeps
# both in <data>/cache; the second reads them from there; the third finds the atlas file damaged,
# says so, and builds it again. Passes when the logs say which happened and the three screenshots
# of the first frame are byte-identical (the atlas read back draws exactly what the built one does).
set -euo pipefail
bin="$1"
src="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  for f in "$work"/log*; do echo "--- $f"; cat "$f"; done
  exit 1
}
"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
start() {
  SDL_VIDEODRIVER=offscreen "$bin" --data "$work/data" kiosk --windowed --size 1280x800 --content "$src/content" \
    --lang zh --screenshot "$work/shot$1.png" --after-frames 3 > "$work/log$1" 2>&1 || fail "start $1 exited $?"
}

start 1
grep -q "atlas [0-9]*x[0-9]* built in" "$work/log1" || fail "the first start did not build the atlas"
grep -q "(cached)" "$work/log1" && fail "the first start claims a cached glyph set"
ls "$work/data/cache"/atlas-*.bin "$work/data/cache"/glyphs-*.bin > /dev/null 2>&1 || fail "nothing kept in the cache"

start 2
grep -q "read from the cache in" "$work/log2" || fail "the second start did not read the atlas from the cache"
grep -q "glyphs [0-9.]* (cached)" "$work/log2" || fail "the second start collected the glyph set again"
cmp -s "$work/shot1.png" "$work/shot2.png" || fail "the frame drawn with the cached atlas differs from the built one"

# One byte of the atlas file changed: refused by its checksum, built again, the same frame.
atlas="$(ls "$work/data/cache"/atlas-*.bin)"
printf '\x5a' | dd of="$atlas" bs=1 seek=4096 conv=notrunc status=none
start 3
grep -q "font cache: .*damaged (checksum)" "$work/log3" || fail "the damaged atlas file was not reported"
grep -q "atlas [0-9]*x[0-9]* built in" "$work/log3" || fail "the damaged atlas file was not rebuilt"
cmp -s "$work/shot1.png" "$work/shot3.png" || fail "the rebuilt frame differs"
[ "$(ls "$work/data/cache" | wc -l)" -eq 2 ] || fail "the cache folder holds more than one glyph set and one atlas"
echo "ok: a warm start reads the glyph set and the atlas; a damaged file is rebuilt; the same frame each time"
