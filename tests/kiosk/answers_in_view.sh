#!/usr/bin/env bash
# At a decision, every answer is wholly in view without scrolling, in the real window with the
# real font: the runner script's first decision, read from the widget dump of the last frame.
# Again after a hint is taken: the hint opens between the question and the answers, and the
# story scrolls to show it with the answers under it (it once scrolled the answers away). Both
# times the step count and the clock above the story are in view too.
# Usage: answers_in_view.sh POSDRILL SRC_DIR WORK_DIR SIZE
set -euo pipefail
bin=$1 src=$2 work=$3 size=$4
rm -rf "$work" && mkdir -p "$work"
"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
check() {
  local run=$1 script=$2
  "$bin" kiosk --windowed --size "$size" --content "$src/content" --data "$work/data" \
    --ui-script "$script" --screenshot "$work/$run.png" --after-frames 3 \
    --widgets-json "$work/$run.json" 2> "$work/$run.log" || { cat "$work/$run.log"; exit 1; }
  n=$(grep -c '"id": "choice\.' "$work/$run.json" || true)
  if [ "$n" -lt 2 ]; then echo "FAIL $size $run: no decision on screen"; cat "$work/$run.json"; exit 1; fi
  if grep '"id": "choice\.' "$work/$run.json" | grep -v '"visible": true'; then
    echo "FAIL $size $run: the answers above are not wholly in view"; exit 1
  fi
  # The step count and the clock stay in view above the story, however far it scrolled.
  grep '"id": "runner.progress"' "$work/$run.json" | grep -q '"visible": true' ||
    { echo "FAIL $size $run: the step count and the clock are out of view"; exit 1; }
  echo "ok $size $run: all $n answers, the step count and the clock in view"
}
check runner "$src/tests/kiosk/scripts/runner.txt"
{ cat "$src/tests/kiosk/scripts/runner.txt"; echo "click hint"; echo "wait 2"; } > "$work/hint.txt"
rm -rf "$work/data" && "$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
check hint "$work/hint.txt"
# The drill's first decision has one hint: taken, its button is dimmed ("no more hints").
grep -q '"id": "hint", .*"enabled": false' "$work/hint.json" || { echo "FAIL $size hint: the hint was not taken"; exit 1; }
