#!/usr/bin/env bash
# `posdrill preview FILE` in a real window (SDL's offscreen driver) with real inotify: it opens the
# file's scenario at the step asked for; saving the file reloads it at the same step (an editor's
# write-and-rename, then a plain write); a file that no longer loads keeps the last good version
# on screen with its problems listed; fixing it brings the scenario back. The touch targets the
# window draws (--widgets-json) show each state; every wait is for that event, bounded at 60 s.
# Usage: preview_test.sh POSDRILL SOURCE_DIR
set -u
bin=$1
src=$2
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
. "$src/tests/check_lib.sh"
# until FILE has a line matching PATTERN (grep -E), at most 60 s
wait_for() {
  for _ in $(seq 1 600); do
    grep -qE -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
wait_without() {
  for _ in $(seq 1 600); do
    grep -qE -- "$2" "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

cp -r "$src/content" "$work/content"
file="$work/content/scenarios/wrong_pin_retry_privacy.yaml"
cp "$file" "$work/good.yaml"

"$bin" preview "$work/nowhere.yaml" > /dev/null 2> "$work/missing.err"
[ $? -eq 1 ] && ok "a file that does not exist stops the preview (exit 1)" || bad "a missing file did not stop it"
expect "…and says so" "$work/missing.err" "nowhere.yaml: no such scenario file"

before=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'posdrill-preview-*' 2>/dev/null | wc -l)
SDL_VIDEODRIVER=offscreen "$bin" preview "$file" --step d_key_for_me --windowed --size 1280x800 \
  --widgets-json "$work/w.json" > /dev/null 2> "$work/preview.err" &
pid=$!
wait_for "$work/w.json" '"choice\.stop_and_guide"' && ok "opens at the step asked for (its choices on screen)" ||
  { bad "the step's choices never showed"; cat "$work/preview.err"; exit 1; }

# An editor's save: a new file renamed over the old one.
sed -i 's/stop_and_guide/stop_and_guide_v2/g' "$file"
wait_for "$work/w.json" '"choice\.stop_and_guide_v2"' && ok "a save reloads it, at the same step" ||
  { bad "the renamed choice never showed"; cat "$work/preview.err"; }
expect "…and the log says where" "$work/preview.err" "preview: reloaded \(1\), at step 'd_key_for_me'"

# A save that breaks the file: the last good version stays, the problems are listed.
sed 's/kind: decision/kind: decisoin/' "$work/good.yaml" > "$file"
wait_for "$work/w.json" '"preview\.problems"' && ok "a broken save lists its problems in the window" ||
  { bad "no problems shown"; cat "$work/preview.err"; }
grep -q '"choice\.stop_and_guide_v2"' "$work/w.json" && ok "…over the last version that loaded" ||
  bad "the last good version is gone"
expect "…with file:line" "$work/preview.err" "wrong_pin_retry_privacy\.yaml:[0-9]+:[0-9]+: "

# Fixed again (a plain write this time).
cat "$work/good.yaml" > "$file"
wait_without "$work/w.json" '"preview\.problems"' && ok "fixing the file clears the problems" || bad "the problems stayed"
wait_for "$work/w.json" '"choice\.stop_and_guide"' && ok "…and shows the file as saved" || bad "the fixed file did not show"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
[ "$rc" -eq 0 ] && ok "closes cleanly (exit 0)" || bad "exit $rc on close"
after=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'posdrill-preview-*' 2>/dev/null | wc -l)
[ "$after" -eq "$before" ] && ok "the preview's throw-away records folder is gone" ||
  bad "the preview's throw-away records folder was left behind ($before before, $after after)"
summary
