#!/usr/bin/env bash
# A slip coming out of the twin's printer is in view: at 1280x800 the printer sits below the
# keypad, and a slip there was out of sight while the story talked about it. Plays the void drill
# to an approved void and reads the kiosk's widget dump (--widgets-json): the tear-off button under
# the hanging slip must be wholly in view. Then tears it off: the next drill starts with the
# terminal's 菜单 key in view again. And at the question about the voucher number, with the shop's
# slips below the keypad, a button over the terminal says so; tapping it brings the slips up.
# Usage: twin_slip_in_view.sh POSDRILL SRC_DIR WORK_DIR SIZE
set -euo pipefail
. "$(dirname "$0")/ui_script_run.sh"
bin=$1 src=$2 work=$3 size=$4
rm -rf "$work" && mkdir -p "$work"
"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
script="$src/tests/kiosk/scripts/twin_slip.txt"
{ cat "$script"; echo "click twin.tear"; echo "click back"; echo "click confirm.yes";
  echo "click card.void_same_day"; echo "click continue"; echo "wait 2"; } > "$work/again.txt"
below="$src/tests/kiosk/scripts/void_slips_below.txt"
{ cat "$below"; echo "click twin.slips"; echo "wait 1"; } > "$work/below_tap.txt"
for run in slip again below below_tap; do
  s="$script"
  [ "$run" = again ] && s="$work/again.txt"
  [ "$run" = below ] && s="$below"
  [ "$run" = below_tap ] && s="$work/below_tap.txt"
  run_ui_script "$bin" "$src" "$work" "$size" "$run" "$s"
done
status=0
line=$(grep '"id": "twin.tear",' "$work/slip.json" || true)
if ! grep -q '"visible": true' <<< "$line"; then
  echo "FAIL $size: the slip's tear-off button is not wholly in view: ${line:-not drawn}"
  status=1
fi
line=$(grep '"id": "twin.menu",' "$work/again.json" || true)
if ! grep -q '"visible": true' <<< "$line"; then
  echo "FAIL $size: the next drill starts without the terminal in view: ${line:-not drawn}"
  status=1
fi
line=$(grep '"id": "twin.slips",' "$work/below.json" || true)
if ! grep -q '"visible": true' <<< "$line"; then
  echo "FAIL $size: nothing over the terminal says slips lie below: ${line:-not drawn}"
  status=1
fi
if grep -q '"id": "twin.slips",' "$work/below_tap.json"; then
  echo "FAIL $size: after the tap the slips are still out of view"
  status=1
fi
[ "$status" = 0 ] && echo "ok $size: the new slip in view, the next drill starts at the terminal, slips below are announced"
exit "$status"
