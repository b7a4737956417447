#!/usr/bin/env bash
# bridge.readme_client: a CUP terminal written in JavaScript from device_bridge/README.md alone
# (readme_client.mjs: its own framing, codec, MAC, keys, PIN block and DE55) against a real
# `posdrill host`. Usage: readme_client.sh POSDRILL SRC_DIR
set -u
bin=$1 src=$2
work=$(mktemp -d)
host_pid=""
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
. "$src/tests/check_lib.sh"

# A missing peer is a failure, never a skip.
command -v node >/dev/null 2>&1 || { echo "FAIL node is not installed (Debian package nodejs)"; exit 1; }
"$bin" host --listen 127.0.0.1:0 > "$work/host.out" 2> "$work/host.err" &
host_pid=$!
port=$(port_of "$work/host.out")
[ -n "$port" ] || { echo "FAIL the host did not start"; cat "$work/host.err"; exit 1; }
# DES lives in OpenSSL's legacy provider, which Node loads on request.
node --openssl-legacy-provider "$src/tests/device_bridge/readme_client.mjs" "$port"
status=$?
[ "$status" -eq 0 ] || { echo "--- host log"; cat "$work/host.err"; }
exit "$status"
