#!/usr/bin/env bash
# Renders the README's screenshot set: each main screen at 1280x800 and 1920x1080, in Chinese and
# English, from the UI scripts the screenshot tests play, on records with a few drills in them.
# Usage: tools/screenshots.sh POSDRILL [OUT_DIR]   (default OUT_DIR: docs/screens)
# Needs no display: SDL's offscreen driver renders through Mesa (llvmpipe).
set -euo pipefail
bin=$(realpath "${1:?usage: tools/screenshots.sh POSDRILL [OUT_DIR]}")
root=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$root/docs/screens}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
content="$root/content"
# Records per language (a trainee's own language is what the kiosk speaks once they sign in): the
# trainee passed one drill and failed another on its critical branch; a second trainee has not
# started.
for lang in zh en; do
  data="$work/data_$lang"
  POSDRILL_PIN=2580 "$bin" --data "$data" operators add --id 1001 --name 王小明 --role trainee --lang "$lang" > /dev/null
  POSDRILL_PIN=7391 "$bin" --data "$data" operators add --id 9001 --name 李店长 --role manager --lang "$lang" > /dev/null
  POSDRILL_PIN=2580 "$bin" --data "$data" operators add --id 1002 --name 张伟 --role trainee --lang "$lang" > /dev/null
  "$bin" --data "$data" play frequent_swipe_lock --auto best --operator 1001 --content "$content" > /dev/null
  "$bin" --data "$data" play reversal_debit_sms --auto critical --operator 1001 --content "$content" > /dev/null || true
done
export SDL_VIDEODRIVER=offscreen
for size in 1280x800 1920x1080; do
  for lang in zh en; do
    for screen in sign_in home catalog runner debrief console; do
      # The drills the debrief and runner scripts play are recorded too: each render on a copy.
      rm -rf "$work/run" && cp -r "$work/data_$lang" "$work/run"
      "$bin" kiosk --windowed --size "$size" --lang "$lang" --content "$content" --data "$work/run" \
        --ui-script "$root/tests/kiosk/scripts/$screen.txt" --screenshot "$out/${screen}_${size}_${lang}.png" \
        --after-frames 3 2> "$work/log" || { cat "$work/log" >&2; exit 1; }
      echo "$out/${screen}_${size}_${lang}.png"
    done
  done
done
