#!/usr/bin/env bash
# The two ways of drawing (kiosk/platform/renderer.h) show the same screen: one UI script played
# with `--renderer gl` (here Mesa llvmpipe) and with `--renderer software` (SDL's renderer fed by
# the kiosk's own draw-list walker), and the two screenshots compared blurred over 3x3 pixels
# (png_check --same). Each run's log must name the renderer it used.
# Usage: renderers_agree.sh POSDRILL PNG_CHECK SRC_DIR WORK_DIR SCREEN SIZE PER_MILLE
set -euo pipefail
bin=$1 png_check=$2 src=$3 work=$4 screen=$5 size=$6 per_mille=$7
rm -rf "$work" && mkdir -p "$work"
"$src/tests/kiosk/setup_data.sh" "$bin" "$work/data" > /dev/null
args=()
[ "$screen" != attract ] && args=(--ui-script "$src/tests/kiosk/scripts/$screen.txt")
# GL is asked for by the config's renderer:, software by the flag: both ways of choosing are used.
printf 'renderer: gl\n' > "$work/gl.yaml"
for renderer in gl software; do
  rm -rf "$work/run" && cp -r "$work/data" "$work/run"
  choice=(--renderer software)
  [ "$renderer" = gl ] && choice=(--config "$work/gl.yaml")
  "$bin" --data "$work/run" "${choice[@]}" kiosk --windowed --size "$size" --content "$src/content" \
    --screenshot "$work/$renderer.png" --after-frames 3 "${args[@]}" 2> "$work/$renderer.log" ||
    { cat "$work/$renderer.log"; exit 1; }
  grep -q "SDL+$renderer+ImGui" "$work/$renderer.log" ||
    { echo "FAIL: the log does not name the $renderer renderer"; cat "$work/$renderer.log"; exit 1; }
done
"$png_check" --same "$work/gl.png" "$work/software.png" "$per_mille"
