#!/usr/bin/env bash
# The records when something is wrong with them, from the command line:
#   - a read-only copy (head office) and a kiosk whose folder cannot be written: report, db check,
#     sync status and operators list work and leave no file behind;
#   - one zeroed page: report and the others exit non-zero naming the file and the problem, no
#     command writes into the file, db check (quick and --full) lists the damage;
#   - user_version -1 is refused;
#   - a copy with an unmerged -wal in a read-only folder is refused with the reason.
# "Read-only" is real: when this runs as root (who may write anywhere) the readers run as nobody.
# Usage: damage_test.sh POSDRILL SOURCE_DIR
set -u
bin=$1 src=$2
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg"
unset POSDRILL_LRS_ENDPOINT POSDRILL_LRS_KEY POSDRILL_LRS_SECRET POSDRILL_PIN
. "$src/tests/check_lib.sh"
content="$src/content"

# as_reader CMD…: runs CMD as a user who cannot write the copies (nobody when we are root).
as_reader() {
  if [ "$(id -u)" -eq 0 ]; then setpriv --reuid 65534 --regid 65534 --clear-groups -- "$@"; else "$@"; fi
}
# run NAME WANT_EXIT PATTERN DATA -- ARGS…: posdrill on DATA as the reader; exit code and output.
run() {
  local name=$1 want=$2 pattern=$3 data=$4
  shift 5
  as_reader "$bin" --data "$data" --content "$content" "$@" > "$work/out.txt" 2>&1
  local rc=$?
  if [ "$rc" -ne "$want" ]; then bad "$name: exit $rc, expected $want"; sed -n '1,20p' "$work/out.txt"; return; fi
  expect "$name" "$work/out.txt" "$pattern"
}
# freeze DIR: the folder and its files can be read by anyone and written by no one (but root).
freeze() { chmod 444 "$1"/*; chmod 555 "$1"; }

# ---- records made by the real commands ------------------------------------------------------------
live="$work/live"
mkdir -p "$live"
for id in 101 102 103; do
  POSDRILL_PIN=73915062 "$bin" --data "$live" operators add --id "$id" --name "员工$id" --role trainee > /dev/null
done
for i in $(seq 1 40); do
  "$bin" --data "$live" --content "$content" play reversal_debit_sms --auto best --operator 10$((i % 3 + 1)) > /dev/null 2>&1
done
"$bin" --data "$live" --content "$content" report --format json > "$work/report.live.json"
expect "the live report lists the attempts" "$work/report.live.json" '"attempts": 1[34]'

# ---- a read-only copy -------------------------------------------------------------------------------
copy="$work/copy"
mkdir -p "$copy"
cp "$live/posdrill.db" "$copy/"
freeze "$copy"
# The folder's own entries and mode/mtime, not its parent's ("..": this script writes beside it,
# and `ls -la` showed that entry's minute roll over between the two listings).
listing_of() { ls -lA --time-style=full-iso "$1"; stat -c '%a %y' "$1"; }
listing=$(listing_of "$copy")
run "report from a read-only copy" 0 '"employee_id": "101"' "$copy" -- report --format json
cp "$work/out.txt" "$work/report.copy.json"
if cmp -s "$work/report.live.json" "$work/report.copy.json"; then ok "the copy's report is the live one"; else bad "the copy's report differs"; fi
run "db check on a read-only copy" 0 '^ok$' "$copy" -- db check
run "sync status on a read-only copy" 0 'waiting: +0' "$copy" -- sync status
run "operators list on a read-only copy" 0 '103' "$copy" -- operators list
[ "$(listing_of "$copy")" = "$listing" ] && ok "nothing was written beside the copy" || { bad "files changed beside the copy"; listing_of "$copy"; }
run "a writing command on the copy fails and says why" 2 'posdrill.db' "$copy" -- operators add --id 109 --name X --role trainee --pin 73915062

# An attempt cut off by a crash, on a folder that cannot be written (a full disk is the same to a
# reader): the reader needs no recovery, it shows the attempt as in progress.
crash="$work/crash"
mkdir -p "$crash"
cp "$live/posdrill.db" "$crash/"
sqlite3 "$crash/posdrill.db" "INSERT INTO attempts (uuid, operator_id, scenario_id, scenario_version, content_hash, lang, terminal, seed, started_ms) VALUES ('11111111-2222-4333-8444-555555555555', '102', 'reversal_debit_sms', 1, '00', 'zh', 'emulated', 1, 1700000000000)"
freeze "$crash"
run "report where recovery cannot write" 0 '"employee_id": "102"' "$crash" -- report --format json
run "db check where recovery cannot write" 0 '^ok$' "$crash" -- db check

# ---- one damaged page ---------------------------------------------------------------------------------
bad_dir="$work/damaged"
mkdir -p "$bad_dir"
cp "$live/posdrill.db" "$bad_dir/"
# A page of the summaries the roster reads (report never reads every attempt).
page=$(sqlite3 "$bad_dir/posdrill.db" "SELECT pageno FROM dbstat WHERE name = 'scenario_summaries' AND pagetype = 'leaf' ORDER BY path" | sed -n 1p)
[ -n "$page" ] && ok "found a leaf page of the roster's summaries ($page)" || bad "no summaries leaf page"
dd if=/dev/zero of="$bad_dir/posdrill.db" bs=4096 seek=$((page - 1)) count=1 conv=notrunc status=none
freeze "$bad_dir"  # readable by the reader; root's writing commands below could still write it
sum=$(sha256sum < "$bad_dir/posdrill.db")
run "report on a damaged file exits non-zero naming it" 2 "posdrill report: .*damaged/posdrill.db: .*(malformed|corrupt)" "$bad_dir" -- report
# The summaries are one of the small tables whose every page the quick check reads.
run "db check lists the damage" 1 'damaged/posdrill.db: .*(page|malformed|corrupt)' "$bad_dir" -- db check
run "db check --full lists the damage" 1 'damaged/posdrill.db: .*(page|malformed|corrupt)' "$bad_dir" -- db check --full
POSDRILL_PIN=73915062 "$bin" --data "$bad_dir" operators add --id 108 --name X --role trainee > "$work/out.txt" 2>&1
rc=$?
[ "$rc" -eq 2 ] && ok "operators add refuses the damaged file" || bad "operators add: exit $rc"
expect "and says it is damaged" "$work/out.txt" 'damaged, not written into'
"$bin" --data "$bad_dir" --content "$content" play reversal_debit_sms --auto best --operator 101 > "$work/out.txt" 2>&1
[ $? -eq 2 ] && ok "play --operator refuses the damaged file" || bad "play --operator recorded into a damaged file"
[ "$(sha256sum < "$bad_dir/posdrill.db")" = "$sum" ] && ok "the damaged file is byte for byte as it was" || bad "the damaged file was written"

# ---- schema version -1 ---------------------------------------------------------------------------------
neg="$work/negative"
mkdir -p "$neg"
cp "$live/posdrill.db" "$neg/"
sqlite3 "$neg/posdrill.db" "PRAGMA user_version = -1"
freeze "$neg"
run "user_version -1: report refuses it" 2 'schema version -1 is not one posdrill writes' "$neg" -- report
run "user_version -1: db check refuses it" 2 'schema version -1' "$neg" -- db check
"$bin" --data "$neg" sync retry > "$work/out.txt" 2>&1
[ $? -eq 2 ] && ok "user_version -1: a writing command refuses it" || bad "a writing command opened schema -1"

# ---- an unmerged -wal in a read-only folder ----------------------------------------------------------
walcopy="$work/walcopy"
mkdir -p "$walcopy"
cp "$live/posdrill.db" "$walcopy/"
sqlite3 "$walcopy/posdrill.db" "PRAGMA wal_autocheckpoint = 0; UPDATE operators SET name = 'changed' WHERE employee_id = '101';" > /dev/null
python3 - "$walcopy/posdrill.db" <<'EOF'
import sqlite3, sys
# Leave committed pages in the -wal, as a copy taken from a running kiosk has them.
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("UPDATE operators SET name = 'in the wal' WHERE employee_id = '102'"); c.commit()
import shutil, os
shutil.copy(sys.argv[1] + "-wal", sys.argv[1] + "-wal.keep")
c.close()
os.replace(sys.argv[1] + "-wal.keep", sys.argv[1] + "-wal")
EOF
rm -f "$walcopy/posdrill.db-shm"
freeze "$walcopy"
if [ -s "$walcopy/posdrill.db-wal" ]; then
  run "a copy with an unmerged -wal in a read-only folder is refused with the reason" 2 \
    'posdrill.db-wal holds records not yet merged' "$walcopy" -- report
else
  bad "could not leave a -wal beside the copy"
fi

summary
