#!/usr/bin/env bash
# Statement sync benchmark against a real LRS (npm xapi-statements on loopback):
#   1. posdrill's SyncSender drains a backlog of COUNT statements (batches of 50, one request at a
#      time over keep-alive) — and the reference JavaScript client @xapi/xapi sends the same
#      statements the same way; each run starts a fresh LRS for each client (the in-memory LRS
#      slows down as it fills), and the ratio of the medians is printed;
#   2. the time to drain COUNT statements when the server fails every other request (fault stub
#      in fail-half mode in front of the LRS), with the kiosk's backoff starting at RETRY_MS.
# Usage: bench/sync_bench.sh BENCH_SYNC_BINARY [RUNS] [COUNT] [RETRY_MS]
set -euo pipefail
bin=$1 runs=${2:-3} count=${3:-10000} retry_ms=${4:-500}
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/npm-deps.sh" "$root"
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT
cd "$root"

start_lrs() {
  rm -f "$work/lrs.port"
  node tests/sync/lrs.mjs --auth bench:bench-secret --port 0 --port-file "$work/lrs.port" --log "$work/lrs.log" >/dev/null &
  lrs_pid=$!
  pids+=("$lrs_pid")
  for _ in $(seq 600); do [ -s "$work/lrs.port" ] && break; sleep 0.1; done
  port=$(cat "$work/lrs.port")
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
field() { node -e "const l=require('fs').readFileSync(0,'utf8').trim().split('\n'); console.log(JSON.parse(l[l.length-1])['$1'])"; }

echo "sync bench: $count statements, batches of 50, $runs runs, fresh LRS per client and run"
cpp=() js=()
for r in $(seq "$runs"); do
  start_lrs
  rm -f "$work/b.db"*
  line=$("$bin" --db "$work/b.db" --endpoint "http://127.0.0.1:$port/xAPI/" --key bench --secret bench-secret \
    --count "$count" --dump "$work/statements.json")
  echo "  run $r posdrill:   $line"
  cpp+=("$(field seconds <<<"$line")")
  stop "$lrs_pid"
  start_lrs
  line=$(node bench/bench_sync_js.mjs --endpoint "http://127.0.0.1:$port/xAPI/" --auth bench:bench-secret \
    --statements "$work/statements.json" --batch 50 --runs 1 | tail -1)
  echo "  run $r @xapi/xapi: $line"
  js+=("$(field median_s <<<"$line")")
  stop "$lrs_pid"
done
node -e "
const med = a => { a = a.map(Number).sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
const c = process.argv[1].split(' '), j = process.argv[2].split(' '), n = Number(process.argv[3]);
const f = a => 'median ' + med(a).toFixed(2) + ' s (' + Math.min(...a).toFixed(2) + '–' + Math.max(...a).toFixed(2) + '), ' + (n / med(a)).toFixed(0) + ' statements/s';
console.log('posdrill SyncSender  ' + f(c));
console.log('@xapi/xapi           ' + f(j));
console.log('ratio (posdrill rate / @xapi/xapi rate) ' + (med(j) / med(c)).toFixed(2));
" "${cpp[*]}" "${js[*]}" "$count"

echo "drain with the server failing every other request (backoff from ${retry_ms} ms):"
drain=()
for r in $(seq "$runs"); do
  start_lrs
  rm -f "$work/stub.port"
  node tests/sync/fault_stub.mjs --port 0 --port-file "$work/stub.port" --log "$work/stub.jsonl" \
    --upstream "http://127.0.0.1:$port/xAPI/" --statements-only --mode fail-half >/dev/null &
  stub_pid=$!
  pids+=("$stub_pid")
  for _ in $(seq 600); do [ -s "$work/stub.port" ] && break; sleep 0.1; done
  rm -f "$work/b.db"*
  line=$("$bin" --db "$work/b.db" --endpoint "http://127.0.0.1:$(cat "$work/stub.port")/xAPI/" --key bench \
    --secret bench-secret --count "$count" --retry-initial-ms "$retry_ms")
  echo "  run $r: $line"
  drain+=("$(field seconds <<<"$line")")
  stop "$stub_pid"
  stop "$lrs_pid"
done
node -e "
const a = process.argv[1].split(' ').map(Number).sort((x, y) => x - y);
console.log('drain time, half the requests failing: median ' + a[Math.floor(a.length / 2)].toFixed(2) + ' s (' + a[0].toFixed(2) + '–' + a[a.length - 1].toFixed(2) + ')');
" "${drain[*]}"
