#!/usr/bin/env bash
# At a decision, every answer is wholly in view without scrolling, in the real window with the
# real font: the runner script's first decision, read from the widget dump of the last frame.
# Usage: answers_in_view.sh POSDRILL SRC_DIR WORK_DIR SIZE
set -euo pipefail
bin=$1 src=$2 work=$3 size=$4
rm -rf "$work" && mkdir -p "$work"
"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
"$bin" kiosk --windowed --size "$size" --content "$src/content" --data "$work/data" \
  --ui-script "$src/tests/kiosk/scripts/runner.txt" --screenshot "$work/runner.png" --after-frames 3 \
  --widgets-json "$work/runner.json" 2> "$work/log" || { cat "$work/log"; exit 1; }
n=$(grep -c '"id": "choice\.' "$work/runner.json" || true)
if [ "$n" -lt 2 ]; then echo "FAIL $size: no decision on screen"; cat "$work/runner.json"; exit 1; fi
if grep '"id": "choice\.' "$work/runner.json" | grep -v '"visible": true'; then
  echo "FAIL $size: the answers above are not wholly in view"; exit 1
fi
echo "ok $size: all $n answers in view"
