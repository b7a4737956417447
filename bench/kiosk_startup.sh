#!/usr/bin/env bash
# Kiosk start-up and idle cost, measured on the real binary under SDL's offscreen driver, cold and
# warm (atlas_cache.h): time to the first finished frame, the glyph set's and the font atlas's time
# and size, peak RSS, and the CPU an idle kiosk burns over 10 s on the attract screen, the catalog
# and inside a drill. Each figure for both ways of drawing (kiosk/platform/renderer.h): `gl`
# (here Mesa llvmpipe, no GPU) and `software` (SDL's renderer, what `auto` picks without a GPU).
# Prints median and spread over RUNS runs; asserts nothing.
#
#   bench/kiosk_startup.sh build/release/posdrill [RUNS] [RENDERERS]   (RENDERERS: "gl software")
set -euo pipefail
posdrill="$1"
runs="${2:-5}"
renderers="${3:-gl software}"
content="$(cd "$(dirname "$0")/.." && pwd)/content"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SDL_VIDEODRIVER=offscreen

POSDRILL_PIN=2580 "$posdrill" --data "$work/data" operators add --id 1001 --name 王小明 --role trainee >/dev/null
POSDRILL_PIN=7391 "$posdrill" --data "$work/data" operators add --id 9001 --name 李店长 --role manager >/dev/null

# median min max of the numbers on stdin
spread() { sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "median %.1f (min %.1f, max %.1f, n=%d)", m, v[1], v[NR], NR}'; }

# Cold: no cache (the glyph set collected and the atlas built, as on a first start or after a
# content change); warm: what the previous start kept in <data>/cache (atlas_cache.h).
for renderer in $renderers; do
for size in 1280x800 1920x1080; do
  for start in cold warm; do
    : >"$work/first" ; : >"$work/atlas" ; : >"$work/rss" ; : >"$work/glyphs" ; : >"$work/content"
    for _ in $(seq "$runs"); do
      [ "$start" = cold ] && rm -rf "$work/data/cache"
      /usr/bin/time -f "%M" -o "$work/time" "$posdrill" --data "$work/data" kiosk --windowed --size "$size" \
        --renderer "$renderer" --content "$content" --screenshot "$work/shot.png" --after-frames 3 2>"$work/log"
      grep -o 'first frame after [0-9.]*' "$work/log" | awk '{print $4}' >>"$work/first"
      grep -Eo '(built|read from the cache) in [0-9.]*' "$work/log" | awk '{print $NF}' >>"$work/atlas"
      grep -o 'glyphs [0-9.]*' "$work/log" | tail -1 | awk '{print $2}' >>"$work/glyphs"
      grep -o 'worker: content [0-9.]*' "$work/log" | awk '{print $3}' >>"$work/content"
      awk '{print $1/1024}' "$work/time" >>"$work/rss"
      atlas_size="$(grep -o 'glyphs, atlas [0-9x]*' "$work/log")"
    done
    echo "kiosk $renderer $size $start: first frame ms: $(spread <"$work/first")"
    echo "kiosk $renderer $size $start: content load ms (worker): $(spread <"$work/content")"
    echo "kiosk $renderer $size $start: glyph set ms: $(spread <"$work/glyphs")"
    echo "kiosk $renderer $size $start: font atlas ms: $(spread <"$work/atlas"); $atlas_size"
    echo "kiosk $renderer $size $start: peak RSS MiB: $(spread <"$work/rss")"
  done
done
done

# Idle: the kiosk left alone for 10 s on the attract screen, on the catalog and inside a drill
# (the runner's clock ticks), CPU seconds from /proc (user + system, every thread: llvmpipe's
# rasterizer threads included). The catalog and the drill are reached by the UI scripts the
# screenshot tests play; the script's last frame has to settle first, so the count starts 6 s in.
# Twice when Xvfb is installed: under SDL's offscreen driver, and in a real X window (Xvfb; GL is
# llvmpipe through GLX, software draws into X shared memory) — what a kiosk on a desktop session
# does. The offscreen driver cannot
# sleep in a display server's socket (the kiosk polls every 16 ms there) and its GL surface is
# slower to draw into, so the X window's figure is the one to compare with a kiosk in a store.
hz="$(getconf CLK_TCK)"
scripts="$(cd "$(dirname "$0")/.." && pwd)/tests/kiosk/scripts"
displays=(offscreen)
xvfb_pid=""
if command -v Xvfb >/dev/null; then
  for n in $(seq 90 99); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
    [ -e "/tmp/.X11-unix/X$n" ] && displays+=(":$n")
    break
  done
fi
trap 'rm -rf "$work"; [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null; true' EXIT
for renderer in $renderers; do
for display in "${displays[@]}"; do
  for screen in attract catalog runner; do
    : >"$work/idle"
    for _ in $(seq "$runs"); do
      rm -rf "$work/run" && cp -r "$work/data" "$work/run"
      args=()
      [ "$screen" != attract ] && args=(--ui-script "$scripts/$screen.txt")
      if [ "$display" = offscreen ]; then
        SDL_VIDEODRIVER=offscreen "$posdrill" --data "$work/run" kiosk --windowed --size 1920x1080 \
          --renderer "$renderer" --content "$content" "${args[@]}" 2>/dev/null &
      else
        env -u SDL_VIDEODRIVER DISPLAY="$display" "$posdrill" --data "$work/run" kiosk --windowed \
          --size 1920x1080 --renderer "$renderer" --content "$content" "${args[@]}" 2>/dev/null &
      fi
      pid=$!
      sleep 6  # start-up and the script are not idle
      before="$(awk '{print $14+$15}' /proc/$pid/stat)"
      sleep 10
      after="$(awk '{print $14+$15}' /proc/$pid/stat)"
      kill "$pid"; wait "$pid" 2>/dev/null || true
      echo "$before $after" | awk -v hz="$hz" '{print ($2-$1)/hz/10*100}' >>"$work/idle"
    done
    where="$([ "$display" = offscreen ] && echo "offscreen driver" || echo "X window (Xvfb)")"
    echo "kiosk $renderer idle 10 s on the $screen screen, 1920x1080, $where: % of one core: $(spread <"$work/idle")"
  done
done
done
