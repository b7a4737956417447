#!/usr/bin/env bash
# The chain roster from the LRS (posdrill report --from-lrs) at chain scale, against the test LRS
# (npm xapi-statements in memory, loaded through its own HTTP API with --bulk-load):
#   1. STORES x PER_STORE people of generated statements (bench/lrs_roster_gen.mjs);
#   2. the first build of the cache (--full), RUNS times: wall time, requests, statements read,
#      the process's maximum RSS, the cache's size;
#   3. an incremental refresh after new activity for 1% of the people, RUNS times, twice: with no
#      overlap (what is new only), and with a 5 s overlap. The whole chain was loaded in one burst
#      moments before, so any overlap re-reads the burst's last seconds: the default 5 minutes
#      would re-read all of it, which a chain that writes over days never sees.
# Prints each run and the median and range. Usage:
#   bench/lrs_roster_bench.sh POSDRILL [STORES=5000] [PER_STORE=20] [RUNS=3]
set -euo pipefail
bin=$(realpath "$1") stores=${2:-5000} per_store=${3:-20} runs=${4:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/npm-deps.sh" "$root"
work=$(mktemp -d)
lrs_pid=
trap '[ -n "$lrs_pid" ] && kill "$lrs_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
cd "$root"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg"

node tests/sync/lrs.mjs --auth hq:hq-secret --bulk-load --port 0 --port-file "$work/lrs.port" --log "$work/lrs.log" >/dev/null &
lrs_pid=$!
for _ in $(seq 600); do [ -s "$work/lrs.port" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$work/lrs.port")/xAPI/"
export POSDRILL_LRS_ENDPOINT=$endpoint POSDRILL_LRS_KEY=hq POSDRILL_LRS_SECRET=hq-secret
"$bin" list --json > "$work/scenarios.json"

echo "roster bench: $stores stores x $per_store people, $runs runs ($(nproc) cores, $(uname -m))"
gen=$(node bench/lrs_roster_gen.mjs --endpoint "$endpoint" --auth hq:hq-secret --scenarios "$work/scenarios.json" \
  --stores "$stores" --per-store "$per_store")
echo "  loaded into the LRS: $gen"

# run NAME ARGS…: one report --from-lrs; appends "seconds requests statements rss_mib" to $work/NAME.
run() {
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$bin" --data "$work/hq" report --from-lrs --stats --cache "$work/cache.db" \
    --output "$work/roster.csv" "$@" 2> "$work/err"
  t1=$(date +%s%N)
  local stats
  stats=$(grep '^from-lrs:' "$work/err")
  local requests statements
  requests=$(sed -E 's/^from-lrs: ([0-9]+) requests.*/\1/' <<<"$stats")
  statements=$(sed -E 's/.* ([0-9]+) statements read.*/\1/' <<<"$stats")
  local secs rss
  secs=$(awk "BEGIN { printf \"%.2f\", ($t1 - $t0) / 1e9 }")
  rss=$(( $(cat "$work/rss") / 1024 ))
  echo "$secs $requests $statements $rss" >> "$work/$name"
  echo "  $name: ${secs} s, $requests requests, $statements statements read, max RSS ${rss} MiB"
}
summary() {  # NAME UNIT: median and range of each column
  node -e "
const rows = require('fs').readFileSync(process.argv[1], 'utf8').trim().split('\n').map(l => l.split(' ').map(Number));
const col = (i) => rows.map(r => r[i]).sort((a, b) => a - b);
const med = (a) => a[Math.floor(a.length / 2)];
const f = (i, u) => { const a = col(i); return med(a) + ' ' + u + ' (' + a[0] + '–' + a[a.length - 1] + ')'; };
console.log('  ' + process.argv[2] + ': median ' + f(0, 's') + ', ' + f(1, 'requests') + ', ' + f(2, 'statements') + ', max RSS ' + f(3, 'MiB'));
" "$work/$1" "$1"
}

for r in $(seq "$runs"); do
  rm -f "$work/cache.db"*
  run first_build --full
done
people=$(($(wc -l < "$work/roster.csv") - 1))
echo "  the roster lists $people people; cache $(du -k "$work/cache.db" | cut -f1) KiB; by status:" \
  "$(cut -d, -f5 "$work/roster.csv" | tail -n +2 | sort | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')"
for r in $(seq "$runs"); do
  for overlap in 0 5; do
    node bench/lrs_roster_gen.mjs --endpoint "$endpoint" --auth hq:hq-secret --scenarios "$work/scenarios.json" \
      --stores "$stores" --per-store "$per_store" --only-new $((stores * per_store / 100)) --seed $((100 + 2 * r + overlap)) > /dev/null
    run "incremental_overlap_${overlap}s" --overlap "$overlap"
  done
done
summary first_build
summary incremental_overlap_0s
summary incremental_overlap_5s
