#!/usr/bin/env bash
# `posdrill proxy` between the console terminal and `posdrill host` on loopback: a fault file
# loses the sale's request on the way (the host never books it), the next inquiry's reversal
# passes through; a non-test upstream and an emulator-only scenario are refused; SIGINT stops it.
# Usage: proxy_test.sh POSDRILL
set -u
bin=$1
work=$(mktemp -d)
host_pid="" proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
expect() {  # NAME FILE PATTERN
  if grep -qE -- "$3" "$2"; then ok "$1"; else bad "$1: no /$3/ in $2"; sed -n '1,40p' "$2"; fi
}
port_of() {  # FILE -> the port after "listening on 127.0.0.1:"
  local p=""
  for _ in $(seq 1 100); do
    p=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1")
    [ -n "$p" ] && break
    sleep 0.1
  done
  echo "$p"
}

"$bin" host --listen 127.0.0.1:0 > "$work/host.out" 2> "$work/host.err" &
host_pid=$!
host_port=$(port_of "$work/host.out")
[ -n "$host_port" ] && ok "host listens" || { bad "host did not start"; cat "$work/host.err"; exit 1; }

# The real terminal's traffic must never reach a host that is not an allowed test host.
"$bin" proxy --listen 127.0.0.1:0 --upstream 192.0.2.7:8583 > "$work/refused.out" 2>&1
[ $? -eq 1 ] && ok "a non-test upstream is refused (exit 1)" || bad "a non-test upstream was accepted"
expect "the refusal says why" "$work/refused.out" "not an allowed acquirer TEST host"
"$bin" proxy --listen 127.0.0.1:0 --upstream 192.0.2.7:8583 --test-host 192.0.2.0/24 > "$work/badlist.out" 2>&1
[ $? -eq 2 ] && ok "a network range is not a test host (exit 2)" || bad "a range was accepted as a test host"
"$bin" proxy --listen 127.0.0.1:0 --upstream "127.0.0.1:$host_port" --scenario preauth_expired_over_limit \
  > "$work/emu.out" 2>&1
[ $? -eq 2 ] && ok "an emulator-only scenario is refused" || bad "an emulator-only scenario was proxied"
expect "with its reason" "$work/emu.out" "emulator only: "

printf 'faults:\n  - request: 1\n    fault: request_lost\n' > "$work/faults.yaml"
"$bin" proxy --listen 127.0.0.1:0 --upstream "127.0.0.1:$host_port" --faults "$work/faults.yaml" \
  > "$work/proxy.out" 2> "$work/proxy.err" &
proxy_pid=$!
proxy_port=$(port_of "$work/proxy.out")
[ -n "$proxy_port" ] && ok "proxy listens" || { bad "proxy did not start"; cat "$work/proxy.err"; exit 1; }

# Sign on (not counted), a sale (request 1: lost on the way), a balance inquiry (its reversal first).
printf 'm\n6\nm\n1\ninsert 6200000000000047\ne\n32800\ne\npin\n123456\nm\n5\ninsert 6200000000000047\ne\npin\n123456\nquit\n' |
  "$bin" terminal --host "127.0.0.1:$proxy_port" --lang en > "$work/t.out" 2>&1
expect "sign-on through the proxy" "$work/t.out" "Signed on"
expect "the lost request fails the sale" "$work/t.out" "connection closed|no answer|failed"
sleep 0.3
expect "the proxy applied the fault" "$work/proxy.err" "MTI 0200, [0-9]+ bytes, fault: drop the request and close"
# The only 0200 the host saw is the inquiry; the reversal of the lost sale finds no original (25).
[ "$(grep -cE "^posdrill host: 0200" "$work/host.err")" -eq 1 ] && ok "the host never saw the sale" ||
  bad "the host saw the lost sale"
expect "the reversal passed through and found no original" "$work/host.err" "0400 STAN [0-9]+ -> 0410 RC 25"
expect "the proxy logs MTIs of answers" "$work/proxy.err" "MTI 0810"
if grep -q 6200000000000047 "$work/proxy.err" "$work/proxy.out"; then bad "card number in the proxy log"; else ok "no card number in the proxy log"; fi

kill -INT "$proxy_pid"
wait "$proxy_pid"
rc=$?
proxy_pid=""
[ "$rc" -eq 0 ] && ok "SIGINT stops the proxy cleanly" || bad "proxy exit code $rc after SIGINT"
expect "the proxy counts the fault" "$work/proxy.out" "1 faults applied"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
