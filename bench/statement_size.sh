#!/usr/bin/env bash
# Statement bytes per attempt, as stored in the outbox and as sent in batches of 50: every shipped
# scenario played by `posdrill play --auto best --operator` (and once more with the critical path)
# with sync on, so the statements are the kiosk's own; then bench_sync --sizes measures them.
# Usage: bench/statement_size.sh POSDRILL BENCH_SYNC
set -euo pipefail
bin=$1 sizes=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg"
# An endpoint nobody listens on: statements are queued, nothing is sent.
export POSDRILL_LRS_ENDPOINT=http://127.0.0.1:9/xAPI/ POSDRILL_LRS_KEY=bench POSDRILL_LRS_SECRET=bench
POSDRILL_PIN=73915062 "$bin" --data "$work/data" operators add --id B1 --name 王小明 --role trainee > /dev/null
mapfile -t ids < <("$bin" list --json | node -e "JSON.parse(require('fs').readFileSync(0,'utf8')).forEach(s=>console.log(s.id))")
for id in "${ids[@]}"; do
  for mode in best critical; do
    "$bin" --data "$work/data" play "$id" --auto "$mode" --operator B1 > /dev/null 2>&1 || true
  done
done
echo "statement bytes per attempt (${#ids[@]} scenarios, best and critical paths, batches of 50):"
"$sizes" --sizes --db "$work/data/posdrill.db" --batch 50
