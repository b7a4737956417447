#!/usr/bin/env bash
# The real kiosk binary practising on a spare terminal keyed by hand: a config's `terminal: wire:`
# makes the kiosk listen where the terminal's host address points (any free loopback port here)
# and relay to the acquirer's test host (a loopback port: nothing dials it in this test); a UI
# script opens a drill at its sale under SDL's offscreen driver. Passes when the kiosk exits 0,
# its log says where the terminal must point, and the screenshot reads back.
set -euo pipefail
bin="$1"
src="$2"
png="$3"
png_check="$4"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  echo "--- kiosk log"; cat "$work/kiosk.log" 2>/dev/null || true
  exit 1
}

"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
cat > "$work/config.yaml" <<YAML
terminal:
  acquirer: example_acquirer_uat
  wire:
    listen: 127.0.0.1:0
    upstream: 127.0.0.1:9
YAML

SDL_VIDEODRIVER=offscreen "$bin" kiosk --windowed --size 1280x800 --screenshot "$png" --after-frames 3 \
  --content "$src/content" --data "$work/data" --config "$work/config.yaml" --lang en \
  --ui-script "$src/tests/kiosk/scripts/wire_runner.txt" > "$work/kiosk.log" 2>&1 || fail "the kiosk exited $?"

grep -Eq "hand-keyed spare terminal: its host address must point at 127\.0\.0\.1:[1-9][0-9]*" "$work/kiosk.log" ||
  fail "the kiosk did not start the host-line link"
"$png_check" "$png" 1280 800 || fail "the screenshot does not read back"
echo "ok: the kiosk waits for the hand-keyed terminal's sale"
