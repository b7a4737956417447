#!/usr/bin/env bash
# nexo.adyen_peer: `posdrill terminal --nexo` as the POI for npm @adyen/api-library (see
# adyen_peer.mjs). Starts one emulated POI per situation on a free loopback port, runs the peer,
# stops them by pid, and checks their logs carry no card number.
#   tests/nexo/adyen_peer.sh POSDRILL_BIN SRC_DIR
set -euo pipefail

bin="$1"
src="$2"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

command -v node >/dev/null || { echo "adyen_peer: node is missing (tools/install-deps.sh)"; exit 1; }
if [ -x "$src/tools/npm-deps.sh" ]; then "$src/tools/npm-deps.sh" "$src"; fi
[ -d "$src/node_modules/@adyen/api-library" ] || { echo "adyen_peer: node_modules/@adyen/api-library is missing"; exit 1; }

# The terminal sub-command: --host and --nexo exclude each other, and one of them is needed.
if "$bin" --content "$src/content" --data "$work/data-usage" terminal --host 127.0.0.1:1 --nexo 127.0.0.1:0 \
  </dev/null >"$work/usage.out" 2>&1; then
  echo "adyen_peer: --host with --nexo was accepted"; exit 1
fi
grep -q "either --host" "$work/usage.out" || { echo "adyen_peer: no clear error for --host with --nexo"; cat "$work/usage.out"; exit 1; }
if "$bin" --content "$src/content" --data "$work/data-usage" terminal </dev/null >"$work/usage2.out" 2>&1; then
  echo "adyen_peer: terminal without --host or --nexo was accepted"; exit 1
fi
grep -q "needs --host" "$work/usage2.out" || { echo "adyen_peer: no clear error without --host"; cat "$work/usage2.out"; exit 1; }

# start NAME ARGS... : a POI in the background; its port lands in $work/NAME.port
start() {
  local name="$1"
  shift
  "$bin" --content "$src/content" --data "$work/data-$name" terminal --nexo 127.0.0.1:0 "$@" \
    >"$work/$name.out" 2>"$work/$name.log" &
  pids+=("$!")
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$work/$name.out" 2>/dev/null; then
      sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/$name.out" | head -n1 >"$work/$name.port"
      return 0
    fi
    sleep 0.1
  done
  echo "adyen_peer: the $name POI did not start"
  cat "$work/$name.out" "$work/$name.log"
  exit 1
}

start approved
start wrong_pin --scenario wrong_pin_retry_privacy
start pin_locked --scenario wrong_pin_tries_exceeded --fault 1=respond:55
start velocity --scenario frequent_swipe_lock
start lost --fault 1=answer_lost

args=()
for n in approved wrong_pin pin_locked velocity lost; do args+=("$n=$(cat "$work/$n.port")"); done
status=0
node "$src/tests/nexo/adyen_peer.mjs" "${args[@]}" || status=$?

for n in approved wrong_pin pin_locked velocity lost; do
  echo "--- $n POI log"
  cat "$work/$n.log"
done
# The logs name message types and codes only: never a test card's full number.
if grep -E -q '[0-9]{13,19}' "$work"/*.log "$work"/*.out; then
  echo "adyen_peer: a POI log carries a card number"
  status=1
fi
exit "$status"
