#!/usr/bin/env bash
# The terminal twin's keypad at a terminal task, in the real window with the real CJK font: every
# key is in view without scrolling, and it stays where it is when the main menu (nine lines)
# fills the LCD. Reads the kiosk's widget dump (--widgets-json) of two runs: idle, then after 菜单.
# Usage: twin_keypad_in_view.sh POSDRILL SRC_DIR WORK_DIR SIZE
set -euo pipefail
. "$(dirname "$0")/ui_script_run.sh"
bin=$1 src=$2 work=$3 size=$4
rm -rf "$work" && mkdir -p "$work"
"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
{ cat "$src/tests/kiosk/scripts/twin_task.txt"; echo "click twin.menu"; echo "wait 2"; } > "$work/menu.txt"
for run in idle menu; do
  script="$src/tests/kiosk/scripts/twin_task.txt"
  [ "$run" = menu ] && script="$work/menu.txt"
  run_ui_script "$bin" "$src" "$work" "$size" "$run" "$script"
done
status=0
for key in menu 0 1 9 enter cancel clear; do
  for run in idle menu; do
    line=$(grep "\"id\": \"twin.$key\"," "$work/$run.json" || true)
    if ! grep -q '"visible": true' <<< "$line"; then
      echo "FAIL $size $run: twin.$key is not wholly in view: ${line:-not drawn}"
      status=1
    fi
  done
  if [ "$(grep "\"id\": \"twin.$key\"," "$work/idle.json")" != "$(grep "\"id\": \"twin.$key\"," "$work/menu.json")" ]; then
    echo "FAIL $size: twin.$key moved when the menu showed"
    status=1
  fi
done
[ "$status" = 0 ] && echo "ok $size: the whole keypad in view and still"
exit "$status"
