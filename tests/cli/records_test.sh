#!/usr/bin/env bash
# The kiosk's records from the command line: operators, play --operator, the roster report,
# db check; and that no operator PIN or full card number ever reaches the database or any output.
# Usage: records_test.sh POSDRILL SOURCE_DIR
set -u
bin=$1 src=$2
content="$src/content"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg"
unset POSDRILL_PIN
data="$work/data"
db="$data/posdrill.db"
log="$work/all_output.log"  # every command's stdout+stderr, for the secrets check at the end
: > "$log"
passed=0 failed=0

fail() { echo "FAIL $1"; failed=$((failed + 1)); }
ok() { echo "ok   $1"; passed=$((passed + 1)); }

# check NAME EXPECTED_EXIT PATTERN -- COMMAND…: runs COMMAND, checks its exit code and that its
# stdout+stderr contains PATTERN (grep -E; empty pattern: anything).
check() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  printf '%s\n' "$out" >> "$log"
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, expected $want"; echo "$out" | head -20; return
  fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
    fail "$name: output lacks /$pattern/"; echo "$out" | head -20; return
  fi
  ok "$name"
}

# PINs are 8 digits so that finding one by chance among timestamps and hashes is unlikely.
pin1=73915062 pin1b=48261937 pin2=59371846 pin3=86420753 pin4=30571948
p=(--data "$data" --content "$content")

# ---- operators ---------------------------------------------------------------------------------
check "list with no database is empty" 0 '' -- "$bin" "${p[@]}" operators list --json
[ ! -e "$db" ] && ok "list created no database" || fail "list created a database"
check "add trainee with --pin" 0 'added trainee 101' -- "$bin" "${p[@]}" operators add --id 101 --name 王小明 --role trainee --store S01 --pin "$pin1"
[ -s "$db" ] && ok "database created at <data>/posdrill.db" || fail "no database at $db"
[ "$(stat -c %a "$db")" = 600 ] && ok "database is private (0600)" || fail "database mode $(stat -c %a "$db")"
check "add manager with PIN from POSDRILL_PIN" 0 'added manager 102' -- env POSDRILL_PIN="$pin2" "$bin" "${p[@]}" operators add --id 102 --name 'Li, "Wei"' --role manager --lang en
check "add with PIN on stdin" 0 'added trainee 103' -- sh -c "printf '%s\n' $pin3 | \"$bin\" --data \"$data\" operators add --id 103 --name '=cmd|x' --role trainee"
check "add admin" 0 'added admin 901' -- env POSDRILL_PIN="$pin4" "$bin" "${p[@]}" operators add --id 901 --name Admin --role admin
check "add existing id is refused" 1 'already exists' -- "$bin" "${p[@]}" operators add --id 101 --name Again --role trainee --pin "$pin4"
check "weak PIN" 2 'too easy to guess' -- "$bin" "${p[@]}" operators add --id 109 --name X --role trainee --pin 123456
check "short PIN" 2 '4 to 8 digits' -- "$bin" "${p[@]}" operators add --id 109 --name X --role trainee --pin 135
check "PIN with letters" 2 'only contain the digits' -- "$bin" "${p[@]}" operators add --id 109 --name X --role trainee --pin 13a7
check "no PIN on empty stdin" 2 'expected the PIN' -- sh -c "\"$bin\" --data \"$data\" operators add --id 109 --name X --role trainee < /dev/null"
check "employee id with a letter" 2 'may only contain the digits 0-9' -- "$bin" "${p[@]}" operators add --id E9 --name X --role trainee --pin "$pin4"
check "long employee id" 2 'longer than 32' -- "$bin" "${p[@]}" operators add --id "$(printf '9%.0s' {1..33})" --name X --role trainee --pin "$pin4"
check "name with a control character" 2 'control characters' -- "$bin" "${p[@]}" operators add --id 109 --name "$(printf 'a\tb')" --role trainee --pin "$pin4"
check "bad role" 2 'trainee, manager or admin' -- "$bin" "${p[@]}" operators add --id 109 --name X --role boss --pin "$pin4"
check "bad lang" 2 'zh or en' -- "$bin" "${p[@]}" operators add --id 109 --name X --role trainee --lang fr --pin "$pin4"
check "missing --name is a usage error" 2 'name' -- "$bin" "${p[@]}" operators add --id 109 --role trainee --pin "$pin4"
check "operators needs an action" 2 '' -- "$bin" "${p[@]}" operators
check "list shows Chinese names" 0 '101.*trainee.*S01.*王小明' -- "$bin" "${p[@]}" operators list
check "list json" 0 '"employee_id": "102"' -- "$bin" "${p[@]}" operators list --json
check "reset-pin" 0 'PIN reset for 101' -- "$bin" "${p[@]}" operators reset-pin --id 101 --pin "$pin1b"
check "reset-pin from stdin" 0 'PIN reset for 103' -- sh -c "printf '%s\r\n' $pin3 | \"$bin\" --data \"$data\" operators reset-pin --id 103"
check "reset-pin unknown operator" 1 'no operator' -- "$bin" "${p[@]}" operators reset-pin --id 999999 --pin "$pin4"
check "reset-pin weak PIN" 2 'too easy' -- "$bin" "${p[@]}" operators reset-pin --id 101 --pin 0000
check "deactivate" 0 'deactivated 103' -- "$bin" "${p[@]}" operators deactivate --id 103
check "deactivate unknown operator" 1 'no operator' -- "$bin" "${p[@]}" operators deactivate --id 999999
out=$("$bin" "${p[@]}" operators list 2>&1); printf '%s\n' "$out" >> "$log"
grep -q '^103' <<<"$out" && fail "list hides deactivated operators" || ok "list hides deactivated operators"
check "list --all shows them" 0 '103.*inactive' -- "$bin" "${p[@]}" operators list --all

# ---- play --operator -----------------------------------------------------------------------------
check "play for an unknown operator" 2 "no operator '999999'" -- "$bin" "${p[@]}" play reversal_debit_sms --auto best --operator 999999
check "play for a deactivated operator" 2 "'103' is deactivated" -- "$bin" "${p[@]}" play reversal_debit_sms --auto best --operator 103
check "play --operator without a database" 2 'no database' -- "$bin" --data "$work/none" --content "$content" play reversal_debit_sms --auto best --operator 101
[ ! -e "$work/none/posdrill.db" ] && ok "play created no database" || fail "play created a database"

# A failed attempt first: it is recorded but does not certify.
check "critical path is recorded" 1 '"attempt": "[0-9a-f-]{36}"' -- "$bin" "${p[@]}" play reversal_debit_sms --auto critical --json --operator 101
# The best path of one scenario per topic; the fifth pass earns the track.
topics=(preauth_checkout_no_pan wrong_pin_retry_privacy reversal_debit_sms frequent_swipe_lock user_exception_identity)
for i in 0 1 2 3; do
  out=$("$bin" "${p[@]}" play "${topics[$i]}" --auto best --json --operator 101 2>&1); rc=$?
  printf '%s\n' "$out" >> "$log"
  if [ $rc -eq 0 ] && grep -q '"attempt"' <<<"$out" && ! grep -q '"award"' <<<"$out"; then
    ok "pass ${topics[$i]} recorded, no award yet"
  else
    fail "pass ${topics[$i]}: exit $rc"; echo "$out" | tail -5
  fi
done
check "report before the last topic" 0 '^101,王小明,trainee,S01,in_progress,4,5,' -- "$bin" "${p[@]}" report
check "fifth topic earns the award" 0 '"track": "card_payments_l1"' -- "$bin" "${p[@]}" play "${topics[4]}" --auto best --json --operator 101
# Scripted answers through --inputs are recorded too, each answer its own event; no award twice.
ids=$("$bin" --content "$content" play reversal_debit_sms --auto best --json |
      grep -E '"(choice|op)": "' | sed -E 's/.*"(choice|op)": "([^"]*)".*/\2/')
printf '%s\n' $ids > "$work/answers.txt"
out=$("$bin" "${p[@]}" play reversal_debit_sms --inputs "$work/answers.txt" --lang en --operator 101 2>&1); rc=$?
printf '%s\n' "$out" >> "$log"
if [ $rc -eq 0 ] && grep -q 'recorded attempt' <<<"$out" && ! grep -q 'certified:' <<<"$out"; then
  ok "scripted play recorded, not certified twice"
else
  fail "scripted play: exit $rc"; echo "$out" | tail -5
fi
# Recording leaves the transcript as it was.
"$bin" --content "$content" play frequent_swipe_lock --auto best --lang en > "$work/plain.txt" 2>/dev/null
"$bin" "${p[@]}" play frequent_swipe_lock --auto best --lang en --operator 102 > "$work/recorded.txt" 2>>"$log"
cat "$work/recorded.txt" >> "$log"
cmp -s "$work/plain.txt" "$work/recorded.txt" && ok "transcript unchanged by --operator" || fail "transcript changed by --operator"
# A script that stops early keeps the attempt as abandoned.
printf '2\n' > "$work/short.txt"
check "answers ending early is a usage error" 2 'the answers ended' -- "$bin" "${p[@]}" play reversal_debit_sms --inputs "$work/short.txt" --operator 102

# ---- report ----------------------------------------------------------------------------------------
check "report csv certified" 0 '^101,王小明,trainee,S01,certified,5,5,[0-9]{4}-[0-9]{2}-[0-9]{2},[0-9]{4}-' -- "$bin" "${p[@]}" report
check "report csv header" 0 '^employee_id,name,role,store,status,passed,required,awarded,expires,attempts,last_attempt' -- "$bin" "${p[@]}" report --format csv
check "report csv quotes names" 0 '^102,"Li, ""Wei""",manager,,in_progress,' -- "$bin" "${p[@]}" report
check "report csv guards formulas" 0 "^103,'=cmd\|x,trainee," -- "$bin" "${p[@]}" report
check "report json" 0 '"status": "certified"' -- "$bin" "${p[@]}" report --format json --track card_payments_l1
check "report json names" 0 '"name": "王小明"' -- "$bin" "${p[@]}" report --format json
check "report unknown track" 2 "no track 'card_payment_l1'.*did you mean" -- "$bin" "${p[@]}" report --track card_payment_l1
check "report bad format" 2 '' -- "$bin" "${p[@]}" report --format xml
check "report --output" 0 'wrote 4 row' -- "$bin" "${p[@]}" report --bom --output "$work/roster.csv"
[ "$(head -c 3 "$work/roster.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] && ok "--bom writes a BOM" || fail "--bom: no BOM"
"$bin" "${p[@]}" report --output "$work/plain.csv" 2>>"$log"
[ "$(head -c 3 "$work/plain.csv")" = emp ] && ok "no BOM by default" || fail "BOM without --bom"
[ "$(grep -c $'\r$' "$work/plain.csv")" = 5 ] && ok "CSV lines end in CRLF" || fail "CSV line ends"
cat "$work/roster.csv" "$work/plain.csv" >> "$log"

# ---- report: certifications earned elsewhere ---------------------------------------------------------
# The kiosk caches what the LRS reports at each sign-in in remote_awards (schema v2); the report
# counts those as the console and its CSV do (merge_remote_awards) and says where each was earned.
now_ms=$(($(date +%s) * 1000))
day_ms=86400000
e1_award=$(sqlite3 "$db" "SELECT max(awarded_ms) FROM awards WHERE operator_id = '101'")
sqlite3 "$db" "INSERT INTO remote_awards (statement_id, operator_id, track_id, awarded_ms, kiosk_id, store_id, fetched_ms) VALUES
  ('11111111-1111-4111-8111-111111111111', '102', 'card_payments_l1', $((now_ms - 10 * day_ms)), 'till-9', 'S0099', $now_ms),
  ('22222222-2222-4222-8222-222222222222', '901', 'card_payments_l1', $((now_ms - 200 * day_ms)), 'till-7', '', $now_ms),
  ('33333333-3333-4333-8333-333333333333', '101', 'card_payments_l1', $((e1_award + 20000)), 'this-kiosk', 'S01', $now_ms),
  ('44444444-4444-4444-8444-444444444444', '103', 'no_such_track', $((now_ms - day_ms)), 'till-2', 'S0002', $now_ms)" 2>>"$log" &&
  ok "remote awards cached in the test database" || fail "cannot insert remote awards with sqlite3"
check "report csv has the origin columns" 0 '^employee_id,name,role,store,status,passed,required,awarded,expires,attempts,last_attempt,earned,earned_at' -- "$bin" "${p[@]}" report
check "report counts an award earned in another store" 0 '^102,"Li, ""Wei""",manager,,certified,.*,elsewhere,S0099' -- "$bin" "${p[@]}" report
check "report names the kiosk when the store is unknown" 0 '^901,Admin,admin,,expired,.*,elsewhere,till-7' -- "$bin" "${p[@]}" report
check "report keeps a local award coming back as earned here" 0 '^101,王小明,trainee,S01,certified,.*,here,' -- "$bin" "${p[@]}" report
check "report ignores a track this kiosk does not teach" 0 "^103,'=cmd\|x,trainee,,(not_started|in_progress),.*,,"$'\r'"?$" -- "$bin" "${p[@]}" report
out=$("$bin" "${p[@]}" report --format json 2>&1); printf '%s\n' "$out" >> "$log"
e2_json=$(tr -d '\n ' <<<"$out" | grep -o '{[^{}]*"employee_id":"102"[^{}]*}')
grep -q '"status":"certified"' <<<"$e2_json" && grep -q '"earned":"elsewhere"' <<<"$e2_json" &&
  grep -q '"earned_at":"S0099"' <<<"$e2_json" && ok "report json says where 102 was earned" ||
  { fail "report json for 102: $e2_json"; }
e3_json=$(tr -d '\n ' <<<"$out" | grep -o '{[^{}]*"employee_id":"103"[^{}]*}')
grep -q '"earned":null' <<<"$e3_json" && grep -q '"earned_at":null' <<<"$e3_json" &&
  ok "report json: no award, no origin" || fail "report json for 103: $e3_json"
# The remote award's expiry is this kiosk's rule: awarded + the track's 180 days.
e2_expires=$(sqlite3 "$db" "SELECT date(($((now_ms - 10 * day_ms)) + 180 * $day_ms) / 1000, 'unixepoch')")
check "remote award expires by this kiosk's validity" 0 "^102,.*,certified,[0-9]+,[0-9]+,[0-9-]+,$e2_expires," -- "$bin" "${p[@]}" report

# ---- db check --------------------------------------------------------------------------------------
check "db check ok" 0 '^ok$' -- "$bin" "${p[@]}" db check
check "db check json" 0 '"ok": true' -- "$bin" "${p[@]}" db check --json
check "db check --full ok" 0 '^ok$' -- "$bin" "${p[@]}" db check --full
check "db check --full json says which check" 0 '"check": "full"' -- "$bin" "${p[@]}" db check --full --json
check "db check says what it left to --full" 0 'not checked: .*attempt_events.*db check --full reads every page' -- "$bin" "${p[@]}" db check
check "db check lists what it read" 0 'every page of sqlite_schema, operators' -- "$bin" "${p[@]}" db check
check "db check --full read every page" 0 "every page, row and index entry \(SQLite's integrity_check\)" -- "$bin" "${p[@]}" db check --full
# A summary that no longer matches the records: the quick check sees the totals, --full the row.
mkdir -p "$work/tampered"
sqlite3 "$db" ".backup '$work/tampered/posdrill.db'"
sqlite3 "$work/tampered/posdrill.db" "UPDATE scenario_summaries SET attempts = attempts + 1"
check "db check finds summary totals that differ" 1 'total summary attempts differs' -- "$bin" --data "$work/tampered" db check
check "db check --full names the summary row" 1 'scenario summary .* differs from the records' -- "$bin" --data "$work/tampered" db check --full
check "db check with no database" 2 'no database' -- "$bin" --data "$work/none" db check
mkdir -p "$work/corrupt"
head -c 8192 /dev/urandom > "$work/corrupt/posdrill.db"
printf 'this is not a database' | dd of="$work/corrupt/posdrill.db" conv=notrunc 2>/dev/null
check "db check on a corrupt file" 2 'cannot open the database' -- "$bin" --data "$work/corrupt" db check
check "db needs an action" 2 '' -- "$bin" "${p[@]}" db

# ---- no secrets ------------------------------------------------------------------------------------
# The operator PINs used above, and every full test PAN (the scenarios' cards and the emulator's
# list), must appear in neither the database files nor any output. Masked PANs are fine.
secrets=("$pin1" "$pin1b" "$pin2" "$pin3" "$pin4")
while read -r pan; do secrets+=("$pan"); done < <(
  { sed -nE 's/^ *card: *"?([0-9]{12,19})"?.*/\1/p' "$content"/scenarios/*.yaml
    sed -n '/test_cards\[\] = {/,/};/p' "$src/scenarios/model.cpp" | grep -oE '[0-9]{12,19}'; } | sort -u)
[ ${#secrets[@]} -ge 8 ] && ok "secrets list has ${#secrets[@]} entries" || fail "secrets list too short: ${#secrets[@]}"
files=("$db" "$log")
# Side files are searched when they hold something (an empty -wal, left by a read-only last
# reader, holds nothing to search).
for f in "$db-wal" "$db-shm" "$db-journal"; do [ -s "$f" ] && files+=("$f"); done
for f in "${files[@]}"; do
  # An empty or missing file would pass any grep: that is a failure, not a pass.
  if [ ! -s "$f" ]; then fail "secrets check: $f is missing or empty"; continue; fi
  leaked=0
  for s in "${secrets[@]}"; do
    if grep -aqF -- "$s" "$f"; then echo "  $s found in $f"; leaked=1; fi
  done
  [ $leaked -eq 0 ] && ok "no PIN or full PAN in $(basename "$f") ($(wc -c < "$f") bytes)" || fail "secrets in $f"
done
# …and the check can see what it looks for: the database holds the recorded steps, in which the
# masked PAN appears, and the log holds the attempt uuids.
grep -aqE '[0-9]{6}\*{6,9}[0-9]{4}' "$db" && ok "database holds masked PANs (the grep reads it)" ||
  fail "no masked PAN in the database: is the secrets grep reading the right file?"
grep -aqE '"attempt": "[0-9a-f-]{36}"' "$log" && ok "log holds the runs" || fail "log lacks the runs"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
