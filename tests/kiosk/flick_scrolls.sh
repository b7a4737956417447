#!/usr/bin/env bash
# A quick flick on the catalog in the real window scrolls the list and opens nothing: the widget
# dump of the last frame still shows the catalog, with the cards 300 px higher than before the
# flick (a run without the flick gives "before").
# Usage: flick_scrolls.sh POSDRILL SRC_DIR WORK_DIR
set -euo pipefail
. "$(dirname "$0")/ui_script_run.sh"
bin=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
grep -v '^flick' "$src/tests/kiosk/scripts/flick_catalog.txt" > "$work/still.txt"
for run in still flick; do
  script="$work/still.txt"
  [ "$run" = flick ] && script="$src/tests/kiosk/scripts/flick_catalog.txt"
  run_ui_script "$bin" "$src" "$work" 1280x800 "$run" "$script"
done
y_of() { grep '"id": "card.frequent_swipe_lock",' "$1" | sed -E 's/.*"y": (-?[0-9]+).*/\1/'; }
before=$(y_of "$work/still.json") after=$(y_of "$work/flick.json")
if [ -z "$before" ] || [ -z "$after" ]; then
  echo "FAIL: the catalog is not on screen after the flick"; cat "$work/flick.json"; exit 1
fi
if grep -q '"id": "continue"' "$work/flick.json"; then echo "FAIL: the flick opened a drill"; exit 1; fi
if [ "$((before - after))" -lt 250 ]; then
  echo "FAIL: the flick scrolled the catalog by $((before - after)) px (card at $before, then $after)"; exit 1
fi
echo "ok: the flick scrolled the catalog by $((before - after)) px and opened nothing"
