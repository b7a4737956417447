#!/usr/bin/env bash
# A warm start: the real kiosk binary started three times on one records folder under SDL's
# offscreen driver. The first start collects the glyph set and builds the font atlas, and keeps
# both in <data>/cache; the second reads them from there; the third finds the atlas file damaged,
# says so, and builds it again. Passes when the logs say which happened and the three screenshots
# of the first frame are byte-identical (the atlas read back draws exactly what the built one does).
# A warm start draws its first frame before the scenarios are parsed and takes input after: a UI
# script on a warm start still signs in and finds every scenario in the catalog.
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
  local n="$1"
  shift
  SDL_VIDEODRIVER=offscreen "$bin" --data "$work/data" kiosk --windowed --size 1280x800 --content "$src/content" \
    --lang zh --screenshot "$work/shot$n.png" --after-frames 3 "$@" > "$work/log$n" 2>&1 || fail "start $n exited $?"
}
# The line number in log $1 of the first line matching $2 (0: none).
line_of() { grep -n -m1 "$2" "$work/log$1" | cut -d: -f1 || true; }

start 1
grep -q "atlas [0-9]*x[0-9]* built in" "$work/log1" || fail "the first start did not build the atlas"
grep -q "(cached)" "$work/log1" && fail "the first start claims a cached glyph set"
ls "$work/data/cache"/atlas-*.bin "$work/data/cache"/glyphs-*.bin > /dev/null 2>&1 || fail "nothing kept in the cache"

start 2
grep -q "read from the cache in" "$work/log2" || fail "the second start did not read the atlas from the cache"
grep -q "glyphs [0-9.]* (cached)" "$work/log2" || fail "the second start collected the glyph set again"
cmp -s "$work/shot1.png" "$work/shot2.png" || fail "the frame drawn with the cached atlas differs from the built one"
# The cold start drew after the scenarios were in (it needs them for the glyph set); the warm one
# before (it needs only the strings and the kept glyph set).
[ "$(line_of 1 'content errors, in after')" -lt "$(line_of 1 'first frame after')" ] ||
  fail "the cold start drew its first frame before the scenarios were in"
[ "$(line_of 2 'first frame after')" -lt "$(line_of 2 'content errors, in after')" ] ||
  fail "the warm start waited for the scenarios before its first frame"

# A warm start with a UI script: the taps wait for the scenarios, then sign in and open the catalog.
start 4 --ui-script "$src/tests/kiosk/scripts/catalog.txt" --widgets-json "$work/widgets4.json"
[ "$(line_of 4 'first frame after')" -lt "$(line_of 4 'content errors, in after')" ] ||
  fail "the scripted warm start waited for the scenarios before its first frame"
scenarios="$(ls "$src/content/scenarios"/*.yaml | wc -l)"
for f in "$src/content/scenarios"/*.yaml; do
  id="$(basename "$f" .yaml)"
  grep -q "\"id\": \"card.$id\"" "$work/widgets4.json" || fail "the catalog after a warm start lacks $id"
done

# One byte of the atlas file changed: refused by its checksum, built again, the same frame.
atlas="$(ls "$work/data/cache"/atlas-*.bin)"
printf '\x5a' | dd of="$atlas" bs=1 seek=4096 conv=notrunc status=none
start 3
grep -q "font cache: .*damaged (checksum)" "$work/log3" || fail "the damaged atlas file was not reported"
grep -q "atlas [0-9]*x[0-9]* built in" "$work/log3" || fail "the damaged atlas file was not rebuilt"
cmp -s "$work/shot1.png" "$work/shot3.png" || fail "the rebuilt frame differs"
[ "$(ls "$work/data/cache" | wc -l)" -eq 2 ] || fail "the cache folder holds more than one glyph set and one atlas"
echo "ok: a warm start reads the glyph set and the atlas and draws before the scenarios are in; a damaged file is"\
  "rebuilt; the same frame each time; a scripted warm start reaches all $scenarios scenarios in the catalog"
