#!/usr/bin/env bash
# The real kiosk binary practising on a spare terminal: `posdrill terminal --nexo` plays the
# terminal (the emulated POI, on a loopback port), a config's `terminal: nexo:` points the kiosk
# at it, and a UI script plays the wrong-PIN drill to its sale on the terminal under SDL's
# offscreen driver. Passes when the kiosk exits 0, its log shows the link ready and the sale
# answered, the POI saw the kiosk's login and payment, and the screenshot reads back.
set -euo pipefail
bin="$1"
src="$2"
png="$3"
png_check="$4"
work="$(mktemp -d)"
poi_pid=""
cleanup() {
  [[ -n "$poi_pid" ]] && kill "$poi_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- kiosk log"; cat "$work/kiosk.log" 2>/dev/null || true
  echo "--- terminal log"; cat "$work/poi.log" 2>/dev/null || true
  exit 1
}

"$bin" terminal --nexo 127.0.0.1:0 --scenario wrong_pin_retry_privacy --content "$src/content" > "$work/poi.log" 2>&1 &
poi_pid=$!
. "$src/tests/check_lib.sh"
port=$(port_of "$work/poi.log")
[[ -n "$port" ]] || fail "the emulated POI did not start"

"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
cat > "$work/config.yaml" <<YAML
terminal:
  nexo: http://127.0.0.1:$port/nexo
YAML

SDL_VIDEODRIVER=offscreen "$bin" kiosk --windowed --size 1280x800 --screenshot "$png" --after-frames 3 \
  --content "$src/content" --data "$work/data" --config "$work/config.yaml" \
  --ui-script "$src/tests/kiosk/scripts/spare_runner.txt" > "$work/kiosk.log" 2>&1 || fail "the kiosk exited $?"

grep -q "spare terminal at http://127.0.0.1:$port/nexo" "$work/kiosk.log" || fail "the kiosk did not start the link"
grep -q "terminal: terminal link: ready" "$work/kiosk.log" || fail "the link never reported ready"
grep -Eq "terminal: attempt [0-9]+: sale answered [0-9A-Z]{2}" "$work/kiosk.log" || fail "the sale was not answered by the terminal"
grep -q "Login" "$work/poi.log" || fail "the POI saw no login"
grep -q "Payment" "$work/poi.log" || fail "the POI saw no payment"
"$png_check" "$png" 1280 800 || fail "the screenshot does not read back"
echo "ok: the kiosk practised on the spare terminal at 127.0.0.1:$port"
