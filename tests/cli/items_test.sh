#!/usr/bin/env bash
# `posdrill report --items` on a records file filled by `posdrill play --operator`: the JSON has
# the documented shape and its counts match what was played; the table and the errors.
# Usage: items_test.sh POSDRILL SOURCE_DIR
set -u
bin=$1 src=$2
content="$src/content"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg"
unset POSDRILL_PIN
data="$work/data"
passed=0 failed=0
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
ok() { echo "ok   $1"; passed=$((passed + 1)); }
p=(--data "$data" --content "$content")
sc=reversal_debit_sms

# Before any record: every decision is listed with nothing answered, and no file is made.
out=$("$bin" "${p[@]}" report --items --json --scenario "$sc") && ok "items without a database" \
  || fail "items without a database: exit $?"
[ ! -e "$data/posdrill.db" ] && ok "no database created" || fail "a database was created"
node -e 'const j = JSON.parse(process.argv[1]); if (!j.length || j.some(i => i.answered !== 0 || i.facility !== null)) process.exit(1)' "$out" \
  && ok "empty records: answered 0, facility null" || fail "empty records: $out"

"$bin" "${p[@]}" operators add --id 101 --name 王小明 --role trainee --pin 73915062 > /dev/null || fail "add operator"
# Three best plays, two that stop at the first critical error: known answers per step.
for i in 1 2 3; do "$bin" "${p[@]}" play "$sc" --auto best --operator 101 > /dev/null 2>&1; done
for i in 1 2; do "$bin" "${p[@]}" play "$sc" --auto critical --operator 101 > /dev/null 2>&1; done

out=$("$bin" "${p[@]}" report --items --json --scenario "$sc"); rc=$?
[ "$rc" -eq 0 ] && ok "report --items --json" || fail "report --items --json: exit $rc"
# The shape, and the figures five plays make certain: the first decision was answered by all
# five, best by the three best plays (facility 0.6), every share is chosen/answered, exactly the
# content's best choices are marked best, and flags are only the documented codes.
node - "$out" <<'JS' && ok "JSON shape and counts" || fail "JSON shape and counts: $out"
const items = JSON.parse(process.argv[2]);
const keys = ["scenario", "step", "answered", "facility", "discrimination", "point_biserial", "mean_ms",
              "hint_share", "flags", "choices"];
const codes = new Set(["unused_choice", "strong_miss_best", "too_easy"]);
let bad = (m) => { console.error(m); process.exit(1); };
if (!Array.isArray(items) || items.length === 0) bad("not a non-empty array");
for (const it of items) {
  for (const k of keys) if (!(k in it)) bad(`missing ${k}`);
  if (it.scenario !== "reversal_debit_sms") bad("other scenario");
  if (!it.flags.every((f) => codes.has(f))) bad("unknown flag");
  if (it.answered < 20 && it.flags.length) bad("flag below 20 answers");
  let sum = 0;
  for (const c of it.choices) {
    for (const k of ["id", "chosen", "share", "best"]) if (!(k in c)) bad(`choice missing ${k}`);
    sum += c.chosen;
    if (it.answered && Math.abs(c.share - c.chosen / it.answered) > 1e-9) bad("share");
  }
  if (sum !== it.answered) bad("choices do not add up");
  if (!it.choices.some((c) => c.best)) bad("no best choice");
}
const first = items[0];
if (first.answered !== 5) bad(`first decision answered ${first.answered}`);
if (Math.abs(first.facility - 0.6) > 1e-9) bad(`first facility ${first.facility}`);
if (first.mean_ms < 0 || first.hint_share !== 0) bad("time or hints");
JS

table=$("$bin" "${p[@]}" --lang en report --items --scenario "$sc")
grep -q "facility" <<<"$table" && grep -q "finished attempts only" <<<"$table" && ok "English table" \
  || fail "English table: $table"
table=$("$bin" "${p[@]}" report --items --scenario "$sc")
grep -q "答对率" <<<"$table" && ok "Chinese table" || fail "Chinese table: $table"

err=$("$bin" "${p[@]}" report --items --scenario reversal_debit_smss 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "reversal_debit_sms" <<<"$err" && ok "unknown scenario names the near one" \
  || fail "unknown scenario: exit $rc: $err"
err=$("$bin" "${p[@]}" report --json 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--items" <<<"$err" && ok "--json without --items is refused" \
  || fail "--json without --items: exit $rc: $err"

echo "items: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
