#!/usr/bin/env bash
# `posdrill proxy` between the console terminal and `posdrill host` on loopback: a fault file
# loses the sale's request on the way (the host never books it), the next inquiry's reversal
# passes through; a non-test upstream and an emulator-only scenario are refused; SIGINT stops it.
# The config's terminal: section adds test hosts and gives the addresses when the flags do not.
# Usage: proxy_test.sh POSDRILL
set -u
bin=$1
work=$(mktemp -d)
# Only the configs this test writes: never the one of whoever runs it.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
host_pid="" proxy_pid="" bg_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  [ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
. "$(dirname "$0")/../check_lib.sh"
# A proxy that should start: run it in the background, wait until it listens, stop it.
# started NAME OUT ARGS… -> ok when it printed its listening line; the rest is left in OUT.
started() {
  local name=$1 out=$2
  shift 2
  "$bin" "$@" > "$out" 2>&1 &
  bg_pid=$!
  if [ -n "$(port_of "$out")" ]; then ok "$name"; else
    bad "$name"
    # CLI11's own message: kiosk/main.cpp still marks the flags required.
    grep -q 'is required' "$out" && echo "     (kiosk/main.cpp still declares --listen/--upstream ->required())"
    sed -n '1,10p' "$out"
  fi
  kill -INT "$bg_pid" 2>/dev/null
  wait "$bg_pid" 2>/dev/null
  bg_pid=""
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
# The config's terminal.test_hosts allow what the flags alone do not; --test-host adds to them.
printf 'terminal:\n  test_hosts: [192.0.2.7:8583]\n' > "$work/hosts.yaml"
started "the config's test_hosts allow an upstream refused without them" "$work/allowed.out" \
  --config "$work/hosts.yaml" proxy --listen 127.0.0.1:0 --upstream 192.0.2.7:8583
expect "relaying to the listed test host" "$work/allowed.out" "relaying to 192\.0\.2\.7:8583"
"$bin" --config "$work/hosts.yaml" proxy --listen 127.0.0.1:0 --upstream 192.0.2.8:8583 > "$work/unlisted.out" 2>&1
[ $? -eq 1 ] && ok "an upstream the config does not list is still refused" || bad "an unlisted upstream was accepted"
expect "the refusal names the config's list" "$work/unlisted.out" "terminal\.test_hosts are allowed too"
started "--test-host adds to the config's test_hosts" "$work/added.out" \
  --config "$work/hosts.yaml" proxy --listen 127.0.0.1:0 --upstream 192.0.2.9:8583 --test-host 192.0.2.9

# The config's terminal.proxy gives listen and upstream when the flags are absent; a flag beats it.
printf 'terminal:\n  proxy:\n    listen: 127.0.0.1:0\n    upstream: 127.0.0.1:%s\n' "$host_port" > "$work/proxy.yaml"
started "with no flags the config's proxy section is used" "$work/fromcfg.out" --config "$work/proxy.yaml" proxy
expect "relaying to the config's upstream" "$work/fromcfg.out" "relaying to 127\.0\.0\.1:$host_port"
started "--upstream beats the config's upstream" "$work/flagwins.out" \
  --config "$work/proxy.yaml" proxy --upstream 127.0.0.1:9
expect "relaying to the flag's upstream" "$work/flagwins.out" "relaying to 127\.0\.0\.1:9 "
: > "$work/empty.yaml"
"$bin" --config "$work/empty.yaml" proxy --upstream "127.0.0.1:$host_port" > "$work/nolisten.out" 2>&1
[ $? -eq 2 ] && ok "no --listen and no config proxy is a usage error" || bad "proxy started with no listen address"
expect "naming both the flag and the config key" "$work/nolisten.out" "needs --listen ADDR:PORT, or terminal\.proxy\.listen"
"$bin" --config "$work/empty.yaml" proxy --listen 127.0.0.1:0 > "$work/noup.out" 2>&1
[ $? -eq 2 ] && ok "no --upstream and no config proxy is a usage error" || bad "proxy started with no upstream"
expect "naming --upstream and terminal.proxy.upstream" "$work/noup.out" "needs --upstream ADDR:PORT, or terminal\.proxy\.upstream"

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
printf 'm\n6\nm\n1\n32800\ne\ninsert 6200000000000047\ne\npin\n123456\nm\n5\ninsert 6200000000000047\ne\npin\n123456\nquit\n' |
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

summary
