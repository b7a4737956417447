#!/usr/bin/env bash
# Sync to a REAL learning record store (npm xapi-statements, started here on loopback with real
# Basic auth) and through the fault stub for what a real server will not do.
#   - an attempt end to end: every statement valid (xapi-validation), read back by agent, verb
#     and activity;
#   - wrong credentials: alarm, exit 1, nothing lost; then delivered with the right ones;
#   - the server down: exit 1 with everything still queued; delivered once it is back;
#   - kill -9 in the middle of a flush: nothing lost, no duplicate ids at the LRS;
#   - fault stub: 429 + Retry-After, 503, reset mid-body, garbage, a slow answer past the
#     time-out, 413 on a batch (split) and on one statement (set aside), 400 (set aside, retry,
#     void), 409 for the same statement (GET-compare → delivered) and for a different one (set aside).
# Usage: sync_test.sh POSDRILL SOURCE_DIR
set -u
bin=$1 src=$2
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] && echo "work folder kept: $work" || rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg"
unset POSDRILL_LRS_ENDPOINT POSDRILL_LRS_KEY POSDRILL_LRS_SECRET POSDRILL_PIN
passed=0 failed=0
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
ok() { echo "ok   $1"; passed=$((passed + 1)); }
expect() { if eval "$2"; then ok "$1"; else fail "$1 [$2]"; fi; }

if ! "$src/tools/npm-deps.sh" "$src"; then
  echo "FAIL the npm test peers could not be installed (xapi-statements, xapi-validation)"; exit 1
fi
cd "$src" || exit 1

# wait_file FILE: up to 60 s for a port file (the LRS takes 1-2 s, longer on a loaded machine).
wait_file() { for _ in $(seq 600); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "timed out waiting for $1" >&2; return 1; }
# start_lrs NAME [PORT]: a fresh in-memory LRS that accepts only kiosk1:secret1; sets LRS_PORT.
start_lrs() {
  rm -f "$work/$1.port"
  node tests/sync/lrs.mjs --auth kiosk1:secret1 --port "${2:-0}" --port-file "$work/$1.port" --log "$work/$1.log" &
  pids+=($!)
  eval "${1}_pid=$!"
  wait_file "$work/$1.port" || { fail "LRS $1 did not start"; cat "$work/$1.log"; exit 1; }
  LRS_PORT=$(cat "$work/$1.port")
}
# start_stub NAME UPSTREAM_PORT ARGS…: the fault stub in front of an LRS; sets STUB_PORT.
start_stub() {
  local name=$1 up=$2
  shift 2
  rm -f "$work/$name.port" "$work/$name.jsonl"
  node tests/sync/fault_stub.mjs --port 0 --port-file "$work/$name.port" --log "$work/$name.jsonl" \
    --upstream "http://127.0.0.1:$up/xAPI/" --statements-only "$@" &
  pids+=($!)
  eval "${name}_pid=$!"
  wait_file "$work/$name.port" || { fail "stub $name did not start"; exit 1; }
  STUB_PORT=$(cat "$work/$name.port")
}
query() { node tests/sync/lrs_query.mjs --endpoint "http://127.0.0.1:$1/xAPI/" --auth kiosk1:secret1 "${@:2}"; }
json() { node -e "const j=JSON.parse(require('fs').readFileSync(0,'utf8')); console.log($1)"; }

# Each case gets its own data folder (its own outbox) and config.
new_site() {
  data="$work/data-$1"
  cfg="$work/cfg-$1.yaml"
  mkdir -p "$data"
  printf 'lrs:\n  batch_size: %s\n  timeout: 3\n  connect_timeout: 2\n  retry_initial_ms: 200\n  retry_max_ms: 1000\nkiosk_id: kiosk-%s\nstore_id: S01\n' \
    "${2:-50}" "$1" > "$cfg"
  POSDRILL_PIN=73915062 "$bin" --data "$data" --config "$cfg" operators add --id 101 --name 王小明 --role trainee >/dev/null
}
pd() { "$bin" --data "$data" --config "$cfg" "$@"; }
with_lrs() { POSDRILL_LRS_ENDPOINT="http://127.0.0.1:$1/xAPI/" POSDRILL_LRS_KEY=kiosk1 POSDRILL_LRS_SECRET=${LRS_SECRET:-secret1} "${@:2}"; }
play() { # play N attempts, cycling through the scenarios
  local ids i
  mapfile -t ids < <("$bin" list --json | json "j.map(s=>s.id).join('\n')")
  for ((i = 0; i < $1; i++)); do
    with_lrs "$2" pd play "${ids[$((i % ${#ids[@]}))]}" --auto best --operator 101 >/dev/null 2>&1
  done
}
db_count() { sqlite3 "$data/posdrill.db" "SELECT count(*) FROM outbox ${1:+WHERE $1}"; }
db_ids() { sqlite3 "$data/posdrill.db" "SELECT id FROM outbox ORDER BY seq" | json_ids; }
json_ids() { node -e "const l=require('fs').readFileSync(0,'utf8').split('\n').filter(Boolean); console.log(JSON.stringify(l))"; }

start_lrs lrs
MAIN=$LRS_PORT

# ---- 1. one attempt end to end -------------------------------------------------------------------
new_site e2e
with_lrs "$MAIN" pd play preauth_checkout_no_pan --auto best --operator 101 >/dev/null 2>&1
n=$(db_count)
expect "a played attempt queued its statements ($n)" '[ "$n" -ge 5 ]'
sqlite3 "$data/posdrill.db" "SELECT body FROM outbox ORDER BY seq" > "$work/bodies.jsonl"
node tests/sync/validate.mjs "$work/bodies.jsonl" > "$work/valid.json"
expect "xapi-validation finds every queued statement valid" '[ $? -eq 0 ]'
with_lrs "$MAIN" pd sync now > "$work/now.out" 2>&1
rc=$?
expect "sync now exits 0 with the queue empty" '[ $rc -eq 0 ] && [ "$(db_count "state = '\''queued'\''")" -eq 0 ]'
db_ids > "$work/ids.json"
query "$MAIN" --agent-account "https://posdrill.invalid/staff,101" --ids-file "$work/ids.json" > "$work/q.json"
expect "the LRS holds every statement, read back by agent" \
  '[ "$(json "j.count" < "$work/q.json")" -eq "$n" ] && [ "$(json "j.missing.length" < "$work/q.json")" -eq 0 ]'
expect "the LRS's copies are valid and unique" \
  '[ "$(json "j.invalid.length+j.duplicates.length" < "$work/q.json")" -eq 0 ]'
query "$MAIN" --verb http://adlnet.gov/expapi/verbs/passed > "$work/q.json"
expect "read back by verb: one passed" '[ "$(json "j.count" < "$work/q.json")" -eq 1 ]'
query "$MAIN" --activity https://posdrill.invalid/xapi/scenarios/preauth_checkout_no_pan > "$work/q.json"
expect "read back by activity: attempted + completed + passed" '[ "$(json "j.count" < "$work/q.json")" -eq 3 ]'
expect "status shows it delivered" '[ "$(with_lrs "$MAIN" pd sync status --json | json "j.sent")" -eq "$n" ]'

# ---- 2. wrong credentials -----------------------------------------------------------------------
new_site creds
play 1 "$MAIN"
n=$(db_count)
LRS_SECRET=wrong with_lrs "$MAIN" pd sync now > "$work/now.out" 2>&1
rc=$?
expect "wrong secret: exit 1" '[ $rc -eq 1 ]'
expect "wrong secret: the alarm names the credentials" 'grep -q "refused this kiosk" "$work/now.out"'
expect "wrong secret: the secret is not printed" '! grep -q wrong "$work/now.out"'
expect "wrong secret: nothing lost" '[ "$(db_count "state = '\''queued'\''")" -eq "$n" ]'
with_lrs "$MAIN" pd sync now >/dev/null 2>&1
expect "right secret: delivered" '[ $? -eq 0 ] && [ "$(db_count "state = '\''sent'\''")" -eq "$n" ]'

# ---- 3. server down, then back ------------------------------------------------------------------
new_site down
start_lrs down
DOWN=$LRS_PORT
kill "$down_pid"; wait "$down_pid" 2>/dev/null
play 2 "$DOWN"
n=$(db_count)
with_lrs "$DOWN" pd sync now --timeout 3 > "$work/now.out" 2>&1
rc=$?
expect "server down: exit 1" '[ $rc -eq 1 ]'
expect "server down: says what is waiting" 'grep -q "still waiting" "$work/now.out"'
expect "server down: everything still queued" '[ "$(db_count "state = '\''queued'\''")" -eq "$n" ]'
expect "server down: the tries are counted" '[ "$(db_count "tries > 0")" -gt 0 ]'
start_lrs down "$DOWN"
with_lrs "$DOWN" pd sync now >/dev/null 2>&1
expect "server back: delivered" '[ $? -eq 0 ]'
db_ids > "$work/ids.json"
query "$DOWN" --ids-file "$work/ids.json" > "$work/q.json"
expect "server back: all at the LRS, once" '[ "$(json "j.missing.length+j.duplicates.length" < "$work/q.json")" -eq 0 ]'

# ---- 4. kill -9 in the middle of a flush ----------------------------------------------------------
new_site restart 3
play 6 "$MAIN"
n=$(db_count)
start_stub slow "$MAIN" --mode "slow 300"
with_lrs "$STUB_PORT" pd sync now >/dev/null 2>&1 &
flush=$!
for _ in $(seq 100); do [ "$(db_count "state = 'sent'")" -ge 6 ] && break; sleep 0.1; done
kill -9 "$flush"; wait "$flush" 2>/dev/null
sent=$(db_count "state = 'sent'")
expect "killed mid-flush: part delivered ($sent of $n)" '[ "$sent" -gt 0 ] && [ "$sent" -lt "$n" ]'
with_lrs "$MAIN" pd sync now >/dev/null 2>&1
expect "after the restart: delivered" '[ $? -eq 0 ] && [ "$(db_count "state = '\''sent'\''")" -eq "$n" ]'
db_ids > "$work/ids.json"
query "$MAIN" --ids-file "$work/ids.json" > "$work/q.json"
expect "after the restart: nothing lost, no duplicate ids" \
  '[ "$(json "j.missing.length+j.duplicates.length" < "$work/q.json")" -eq 0 ]'
kill "$slow_pid"; wait "$slow_pid" 2>/dev/null

# ---- 4b. two senders at once: each batch is posted once ---------------------------------------------
new_site twice 5
play 4 "$MAIN"
n=$(db_count)
start_stub twice "$MAIN" --mode "slow 200"
with_lrs "$STUB_PORT" pd sync now > "$work/now1.out" 2>&1 &
first=$!
with_lrs "$STUB_PORT" pd sync now > "$work/now2.out" 2>&1 &
second=$!
wait "$first"; rc1=$?
wait "$second"; rc2=$?
expect "two sync now at once: both end with the queue empty" '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ "$(db_count "state = '\''sent'\''")" -eq "$n" ]'
posted=$(node -e "const l=require('fs').readFileSync(process.argv[1],'utf8').split('\n').filter(Boolean).map(JSON.parse).filter(r=>r.method==='POST'); const ids=l.flatMap(r=>r.ids||[]); console.log(ids.length+' '+new Set(ids).size)" "$work/twice.jsonl")
expect "two sync now at once: every statement posted once ($posted for $n)" '[ "$posted" = "$n $n" ]'
kill "$twice_pid"; wait "$twice_pid" 2>/dev/null

# ---- 4c. kill -9 in the middle of an attempt: the LRS still learns it was abandoned -------------------
new_site cut
# The best first answer: the attempt goes on after it (a critical one could end it at once).
first=$("$bin" play reversal_debit_sms --auto best --json | json "j.steps.find(s=>s.kind==='decision').choice")
rounds=3
for round in $(seq "$rounds"); do
  rm -f "$work/answers.fifo"
  mkfifo "$work/answers.fifo"
  # exec: $! is posdrill itself, so kill -9 cuts it off mid-attempt (not a shell around it).
  (export POSDRILL_LRS_ENDPOINT="http://127.0.0.1:$MAIN/xAPI/" POSDRILL_LRS_KEY=kiosk1 POSDRILL_LRS_SECRET=secret1
   exec "$bin" --data "$data" --config "$cfg" play reversal_debit_sms --operator 101 < "$work/answers.fifo" > /dev/null 2>&1) &
  player=$!
  exec 3> "$work/answers.fifo"
  before=$(sqlite3 "$data/posdrill.db" "SELECT count(*) FROM attempt_events")
  printf '%s\n' "$first" >&3
  # Wait for the answer to be on record (the event, not a time), then cut the kiosk off.
  for _ in $(seq 600); do [ "$(sqlite3 "$data/posdrill.db" "SELECT count(*) FROM attempt_events")" -gt "$before" ] && break; sleep 0.05; done
  kill -9 "$player"; wait "$player" 2>/dev/null
  exec 3>&-
done
# Each next command that writes recovered the attempt before it; the last one is still open.
open_now=$(sqlite3 "$data/posdrill.db" "SELECT count(*) FROM attempts WHERE ended_ms = 0")
cut_so_far=$(sqlite3 "$data/posdrill.db" "SELECT count(*) FROM outbox WHERE verb = 'abandoned'")
expect "killed mid-attempt $rounds times: the next command recovered each earlier one ($open_now open, $cut_so_far abandoned queued)" \
  '[ "$open_now" -eq 1 ] && [ "$cut_so_far" -eq $((rounds - 1)) ]'
with_lrs "$MAIN" pd sync now > "$work/now.out" 2>&1
expect "the next sync closes them as abandoned and delivers everything" '[ $? -eq 0 ] && [ "$(sqlite3 "$data/posdrill.db" "SELECT count(*) FROM attempts WHERE abandoned = 1")" -eq "$rounds" ]'
expect "db check finds every attempt's closing statement" 'with_lrs "$MAIN" pd db check > /dev/null'
sqlite3 "$data/posdrill.db" "SELECT uuid FROM attempts WHERE abandoned = 1" | sort > "$work/cut.txt"
query "$MAIN" --verb https://w3id.org/xapi/adl/verbs/abandoned --agent-account "https://posdrill.invalid/staff,101" > "$work/q.json"
sqlite3 "$data/posdrill.db" "SELECT attempt_uuid FROM outbox WHERE verb = 'abandoned' AND state = 'sent'" | sort > "$work/cut_sent.txt"
expect "the LRS holds one abandoned statement per cut-off attempt" \
  '[ "$(json "j.count" < "$work/q.json")" -eq "$rounds" ] && cmp -s "$work/cut.txt" "$work/cut_sent.txt"'
curl -s -u kiosk1:secret1 -H 'X-Experience-API-Version: 1.0.3' \
  "http://127.0.0.1:$MAIN/xAPI/statements?verb=https%3A%2F%2Fw3id.org%2Fxapi%2Fadl%2Fverbs%2Fabandoned&limit=100" |
  json "j.statements.map(s=>s.context.registration).sort().join('\n')" > "$work/lrs_registrations.txt"
expect "their registrations are the cut-off attempts" 'cmp -s "$work/cut.txt" "$work/lrs_registrations.txt"'

# ---- 5. faults a real server will not produce ------------------------------------------------------
new_site faults
play 1 "$MAIN"
n=$(db_count)
cat > "$work/faults.txt" <<'F'
status 429 retry-after=1
status 503
reset-mid-body
garbage
slow 60000
pass
F
start_stub faults "$MAIN" --script "$work/faults.txt"
t0=$(date +%s%N)
with_lrs "$STUB_PORT" pd sync now > "$work/now.out" 2>&1
rc=$?
expect "429/503/reset/garbage/slow: delivered in the end" '[ $rc -eq 0 ] && [ "$(db_count "state = '\''sent'\''")" -eq "$n" ]'
# The stub logs a request when it is done with it; the slow one (seq 5) is not done before the
# stub is stopped (its answer would take a minute: far past everything below, however loaded the
# machine), the kiosk gave up on it after lrs.timeout (3 s) and sent the batch again (seq 6).
actions=$(node -e "const l=require('fs').readFileSync(process.argv[1],'utf8').split('\n').filter(Boolean).map(JSON.parse).filter(r=>r.method==='POST'); console.log(l.map(r=>r.seq+':'+r.action.split(' ')[0]).join(','))" "$work/faults.jsonl")
echo "     tries: $actions"
expect "each fault was met in turn and retried" '[ "$actions" = "1:status,2:status,3:reset-mid-body,4:garbage,6:pass" ]'
gap=$(node -e "const l=require('fs').readFileSync(process.argv[1],'utf8').split('\n').filter(Boolean).map(JSON.parse); const t=s=>Date.parse(l.find(r=>r.seq===s).time); console.log(t(6)-t(4))" "$work/faults.jsonl")
expect "the slow answer was given up after the 3 s time-out (${gap} ms)" '[ "$gap" -ge 3000 ]'
expect "every try carried the same ids" \
  '[ "$(node -e "const l=require(\"fs\").readFileSync(process.argv[1],\"utf8\").split(\"\n\").filter(Boolean).map(JSON.parse).filter(r=>r.ids&&r.ids.length); console.log(new Set(l.map(r=>r.ids.join())).size)" "$work/faults.jsonl")" -eq 1 ]'
t429=$(node -e "const l=require('fs').readFileSync(process.argv[1],'utf8').split('\n').filter(Boolean).map(JSON.parse); console.log(Date.parse(l[1].time)-Date.parse(l[0].time))" "$work/faults.jsonl")
expect "Retry-After: 1 was honoured (${t429} ms between the first two tries)" '[ "$t429" -ge 950 ]'
db_ids > "$work/ids.json"
query "$MAIN" --ids-file "$work/ids.json" > "$work/q.json"
expect "reset mid-body and the slow answer left no duplicates" '[ "$(json "j.missing.length+j.duplicates.length" < "$work/q.json")" -eq 0 ]'
kill "$faults_pid"; wait "$faults_pid" 2>/dev/null

# 413 on a batch: split in two; 413 on one statement and 400: set aside, the rest goes on.
new_site split 50
play 1 "$MAIN"
n=$(db_count)
# 10 -> 413, its first 5 -> 413, their first 2 -> 413, the first 1 -> 413 (set aside), the
# second 1 -> 400 (set aside); everything after passes.
printf 'status 413\nstatus 413\nstatus 413\nstatus 413\nstatus 400 body={"warnings":["bad"]}\n' > "$work/split.txt"
start_stub split "$MAIN" --script "$work/split.txt"
with_lrs "$STUB_PORT" pd sync now > "$work/now.out" 2>&1
rc=$?
sizes=$(node -e "const l=require('fs').readFileSync(process.argv[1],'utf8').split('\n').filter(Boolean).map(JSON.parse).filter(r=>r.method==='POST'); console.log(l.map(r=>(r.ids||[]).length).join(' '))" "$work/split.jsonl")
echo "     batch sizes sent: $sizes"
expect "413 on a batch of $n: halved until it went through" '[ "${sizes%% *}" -eq "$n" ] && [ "$(echo "$sizes" | cut -d" " -f2)" -eq $((n / 2)) ]'
expect "exit 0 with the queue empty" '[ $rc -eq 0 ] && [ "$(db_count "state = '\''queued'\''")" -eq 0 ]'
aside=$(db_count "state = 'set_aside'")
expect "the two statements refused alone were set aside ($aside)" '[ "$aside" -eq 2 ]'
expect "sync status lists them with the reason" 'with_lrs "$MAIN" pd sync status | grep -q "set aside: HTTP 4"'
first=$(sqlite3 "$data/posdrill.db" "SELECT id FROM outbox WHERE state = 'set_aside' ORDER BY seq LIMIT 1")
with_lrs "$MAIN" pd sync retry --id "$first" >/dev/null
expect "retry puts one back in the queue" '[ "$(db_count "state = '\''queued'\''")" -eq 1 ]'
with_lrs "$MAIN" pd sync now >/dev/null 2>&1
expect "and it is delivered" '[ $? -eq 0 ] && [ "$(sqlite3 "$data/posdrill.db" "SELECT state FROM outbox WHERE id = '\''$first'\''")" = sent ]'
if [ "$aside" -ge 2 ]; then
  second=$(sqlite3 "$data/posdrill.db" "SELECT id FROM outbox WHERE state = 'set_aside' ORDER BY seq LIMIT 1")
  with_lrs "$MAIN" pd sync void --id "$second" --reason "test" >/dev/null
  expect "void keeps it on record, never sent" '[ "$(sqlite3 "$data/posdrill.db" "SELECT state FROM outbox WHERE id = '\''$second'\''")" = voided ]'
fi
with_lrs "$MAIN" pd sync void --id "$first" >/dev/null 2>&1
expect "a delivered statement cannot be voided" '[ $? -eq 1 ]'
kill "$split_pid"; wait "$split_pid" 2>/dev/null

# 409: for a statement the LRS already holds unchanged -> GET-compare -> delivered; for an id the
# LRS holds with different content -> set aside as a conflict.
new_site conflict 1
play 1 "$MAIN"
read -r id1 id2 < <(sqlite3 "$data/posdrill.db" "SELECT id FROM outbox ORDER BY seq LIMIT 2" | tr '\n' ' ')
body1=$(sqlite3 "$data/posdrill.db" "SELECT body FROM outbox WHERE id = '$id1'")
curl -s -o /dev/null -u kiosk1:secret1 -H 'X-Experience-API-Version: 1.0.3' -H 'Content-Type: application/json' \
  -X POST --data-binary "$body1" "http://127.0.0.1:$MAIN/xAPI/statements"
other=$(sqlite3 "$data/posdrill.db" "SELECT body FROM outbox WHERE id = '$id2'" | node -e "const s=JSON.parse(require('fs').readFileSync(0,'utf8')); s.verb.display={'en-US':'something else'}; console.log(JSON.stringify(s))")
code=$(curl -s -o /dev/null -w '%{http_code}' -u kiosk1:secret1 -H 'X-Experience-API-Version: 1.0.3' \
  -H 'Content-Type: application/json' -X POST --data-binary "$other" "http://127.0.0.1:$MAIN/xAPI/statements")
expect "a different statement with the kiosk's id was planted at the LRS ($code)" '[ "$code" = 200 ]'
printf 'status 409\n' > "$work/c.txt"
start_stub conflict "$MAIN" --script "$work/c.txt"
with_lrs "$STUB_PORT" pd sync now > "$work/now.out" 2>&1
expect "409 for a statement the LRS holds unchanged: delivered after GET-compare" \
  '[ "$(sqlite3 "$data/posdrill.db" "SELECT state FROM outbox WHERE id = '\''$id1'\''")" = sent ]'
expect "the compare really asked for it" 'grep -q "statementId=$id1" "$work/conflict.jsonl"'
expect "409 for a different statement: set aside as a conflict" \
  '[ "$(sqlite3 "$data/posdrill.db" "SELECT state FROM outbox WHERE id = '\''$id2'\''")" = set_aside ] && sqlite3 "$data/posdrill.db" "SELECT last_error FROM outbox WHERE id = '\''$id2'\''" | grep -q conflict'
expect "the rest was delivered" '[ "$(db_count "state = '\''queued'\''")" -eq 0 ]'
kill "$conflict_pid"; wait "$conflict_pid" 2>/dev/null

# ---- 6. Chinese-heavy statements: what the LRS stored is what was sent, byte for byte --------------
# Every scenario played in Chinese by 王小明, batches of 50 (POST bodies of tens of KB, which reach
# the LRS in several TCP chunks), through a stub that keeps each body exactly as sent.
new_site zh 50
play 20 "$MAIN"
n=$(db_count)
rm -f "$work/zh_bodies.jsonl"
start_stub zhbodies "$MAIN" --mode pass --bodies "$work/zh_bodies.jsonl"
with_lrs "$STUB_PORT" pd sync now > "$work/now.out" 2>&1
expect "Chinese-heavy: $n statements delivered" '[ $? -eq 0 ] && [ "$(db_count "state = '\''sent'\''")" -eq "$n" ]'
han=$(node -e "const t=require('fs').readFileSync(process.argv[1],'utf8'); console.log((t.match(/[\u4e00-\u9fff]/g)||[]).length)" "$work/zh_bodies.jsonl")
expect "the bodies sent hold Chinese text ($han characters)" '[ "$han" -gt 10000 ]'
db_ids > "$work/ids.json"
query "$MAIN" --ids-file "$work/ids.json" --compare "$work/zh_bodies.jsonl" > "$work/q.json"
expect "counted by id: every statement is at the LRS" '[ "$(json "j.missing.length" < "$work/q.json")" -eq 0 ]'
expect "byte for byte: the LRS stored all $(json "j.compared" < "$work/q.json") statements as they were sent" \
  '[ "$(json "j.compared" < "$work/q.json")" -eq "$n" ] && [ "$(json "j.differs.length" < "$work/q.json")" -eq 0 ]'
json "JSON.stringify(j.differs.slice(0,3))" < "$work/q.json"
kill "$zhbodies_pid"; wait "$zhbodies_pid" 2>/dev/null

# The comparison catches a harness that decodes bodies chunk by chunk (xapi-statements' own way):
# the same bodies replayed to such an LRS, and one large Chinese statement, come back changed.
rm -f "$work/chunked.port"
node tests/sync/lrs.mjs --auth kiosk1:secret1 --chunked-bodies --port 0 --port-file "$work/chunked.port" --log "$work/chunked.log" &
chunked_pid=$!
pids+=("$chunked_pid")
wait_file "$work/chunked.port" || fail "the chunk-decoding LRS did not start"
CHUNKED=$(cat "$work/chunked.port")
node -e "
const fs = require('fs');
const lines = fs.readFileSync(process.argv[1], 'utf8').split('\n').filter(Boolean).map(JSON.parse);
// 1 MB of Chinese in one statement: a few dozen chunk boundaries, each inside a character with a
// chance of two in three.
const big = { id: '5e1f0c1a-0000-4000-8000-00000000c0de', actor: { objectType: 'Agent', account: { homePage: 'https://posdrill.invalid/staff', name: '101' } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'zh-CN': '体验' } },
  object: { objectType: 'Activity', id: 'https://posdrill.invalid/xapi/chunks', definition: { name: { 'zh-CN': '预授权冲正密码'.repeat(50000) } } } };
fs.writeFileSync(process.argv[2], lines.map(l => l.body).concat([JSON.stringify([big])]).join('\n') + '\n');
" "$work/zh_bodies.jsonl" "$work/replay.txt"
while IFS= read -r body; do
  printf '%s' "$body" | curl -s -o /dev/null -u kiosk1:secret1 -H 'X-Experience-API-Version: 1.0.3' \
    -H 'Content-Type: application/json' -X POST --data-binary @- "http://127.0.0.1:$CHUNKED/xAPI/statements"
done < "$work/replay.txt"
query "$CHUNKED" --compare "$work/replay.txt" > "$work/q.json"
bad_copies=$(json "j.differs.length" < "$work/q.json")
echo "     a chunk-decoding LRS changed $bad_copies of $(json "j.compared" < "$work/q.json") statements"
expect "the comparison finds what a chunk-decoding LRS changed" \
  '[ "$bad_copies" -ge 1 ] && json "j.differs.some(d=>d.id.endsWith(\"c0de\"))" < "$work/q.json" | grep -q true'
kill "$chunked_pid"; wait "$chunked_pid" 2>/dev/null

# ---- 7. the chain's roster from the LRS (report --from-lrs) --------------------------------------------
# Two kiosks in two stores send to one LRS; head office, with no records of its own, reads the
# roster of both from it and finds each person as their own kiosk counts them.
start_lrs chain
CHAIN=$LRS_PORT
new_site storeA
sed -i 's/^store_id: S01$/store_id: S-A/' "$cfg"
mapfile -t all_ids < <("$bin" list --json | json "j.map(s=>s.id).join('\n')")
for id in "${all_ids[@]}"; do with_lrs "$CHAIN" pd play "$id" --auto best --operator 101 > /dev/null 2>&1; done
with_lrs "$CHAIN" pd sync now > /dev/null 2>&1
pd report --format json > "$work/localA.json"
new_site storeB
sed -i 's/^store_id: S01$/store_id: S-B/' "$cfg"
POSDRILL_PIN=73915062 pd operators add --id 102 --name 李娜 --role trainee > /dev/null
for id in "${all_ids[@]:0:2}"; do with_lrs "$CHAIN" pd play "$id" --auto best --operator 102 > /dev/null 2>&1; done
with_lrs "$CHAIN" pd sync now > /dev/null 2>&1
pd report --format json > "$work/localB.json"
hq() { with_lrs "$CHAIN" "$bin" --data "$work/hq" --config "$work/cfg-storeA.yaml" report --from-lrs --format json "$@"; }
hq --stats > "$work/chain.json" 2> "$work/chain.err"
expect "report --from-lrs: exit 0" '[ $? -eq 0 ]'
cat "$work/chain.err"
row() { json "JSON.stringify((j.find(r=>r.employee_id==='$1')||{}))" < "$2"; }
same() {  # FIELD…: the chain's row for WHO equals the kiosk's own report
  node -e "
const [chain, local, who, ...fields] = process.argv.slice(1);
const a = JSON.parse(require('fs').readFileSync(chain, 'utf8')).find(r => r.employee_id === who);
const b = JSON.parse(require('fs').readFileSync(local, 'utf8')).find(r => r.employee_id === who);
const diff = fields.filter(f => !a || !b || JSON.stringify(a[f]) !== JSON.stringify(b[f]));
if (diff.length) { console.log('differs in ' + diff.join(', ')); process.exit(1); }
" "$@"
}
expect "101 is certified in store S-A, as kiosk A counts it" \
  '[ "$(json "j.find(r=>r.employee_id===\"101\" && r.store===\"S-A\").status" < "$work/chain.json")" = certified ] &&
   same "$work/chain.json" "$work/localA.json" 101 status passed required awarded_ms expires_ms attempts last_attempt_ms'
expect "102 is in progress in store S-B, as kiosk B counts it" \
  '[ "$(json "j.find(r=>r.employee_id===\"102\").store" < "$work/chain.json")" = S-B ] &&
   same "$work/chain.json" "$work/localB.json" 102 status passed required attempts last_attempt_ms'
expect "the chain's rows come by store" '[ "$(json "j.map(r=>r.store).join(\",\")" < "$work/chain.json")" = "S-A,S-B" ]'
# The per-store summary head office's kiosk console shows, kept in the same cache.
summary() { sqlite3 "$work/hq/lrs-roster.db" "SELECT group_concat(store_id||':'||people||':'||certified||':'||in_progress, ',') FROM (SELECT * FROM store_summary ORDER BY store_id)"; }
expect "the console's chain summary: S-A one certified, S-B one in progress" '[ "$(summary)" = "S-A:1:1:0,S-B:1:0:1" ] || { summary; false; }'
# Incremental: one more pass in store B; the next report asks only for what is new.
with_lrs "$CHAIN" pd play "${all_ids[2]}" --auto best --operator 102 > /dev/null 2>&1
with_lrs "$CHAIN" pd sync now > /dev/null 2>&1
pd report --format json > "$work/localB.json"
hq --stats > "$work/chain.json" 2> "$work/chain.err"
cat "$work/chain.err"
expect "after one more pass the chain's roster follows kiosk B" 'same "$work/chain.json" "$work/localB.json" 102 status passed attempts'
requests=$(sed -n 's/^from-lrs: \([0-9]*\) requests.*/\1/p' "$work/chain.err")
expect "the refresh took one page per verb ($requests requests)" '[ "$requests" -eq 2 ]'
# The LRS down: the cached roster, said to be so, and exit 1; --offline does not ask.
kill "$chain_pid"; wait "$chain_pid" 2>/dev/null
hq > "$work/chain.json" 2> "$work/chain.err"
expect "the LRS down: exit 1 with the cached roster" '[ $? -eq 1 ] && grep -q "printing the cached one" "$work/chain.err" && [ "$(json "j.length" < "$work/chain.json")" -eq 2 ]'
hq --offline > "$work/chain.json" 2> "$work/chain.err"
expect "--offline: the cached roster, exit 0" '[ $? -eq 0 ] && [ "$(json "j.length" < "$work/chain.json")" -eq 2 ]'

# ---- 8. secrets: never in the database, any output or at the LRS --------------------------------------
if grep -rq secret1 "$work"/data-* "$work"/*.out "$work"/zh_bodies.jsonl 2>/dev/null; then fail "the LRS secret was found in a database or output"; else ok "the LRS secret is in no database or output"; fi
curl -s -u kiosk1:secret1 -H 'X-Experience-API-Version: 1.0.3' "http://127.0.0.1:$MAIN/xAPI/statements?limit=10000" > "$work/all.json"
expect "the LRS dump for the card-data check is not empty" '[ "$(json "j.statements.length" < "$work/all.json")" -gt 50 ]'
leaked=0
while read -r pan; do
  for f in "$work/all.json" "$work"/data-*/posdrill.db*; do
    if grep -aqF -- "$pan" "$f"; then echo "     full card number $pan found in $f"; leaked=1; fi
  done
done < <({ sed -nE 's/^ *card: *"?([0-9]{12,19})"?.*/\1/p' content/scenarios/*.yaml
          sed -n '/test_cards\[\] = {/,/};/p' scenarios/model.cpp | grep -oE '[0-9]{12,19}'; } | sort -u)
grep -aqF 73915062 "$work/all.json" && leaked=1
expect "no full card number or PIN in the outbox or at the LRS" '[ $leaked -eq 0 ]'

echo "sync: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
