# Sourced by the widget-dump tests. run_ui_script POSDRILL SRC_DIR WORK_DIR SIZE NAME SCRIPT: one
# kiosk run in a real window, on a fresh copy of WORK_DIR/data, driven by the UI script; leaves
# NAME.png (the last frame), NAME.json (its widget dump) and NAME.log in WORK_DIR, and stops the
# test with the log when the kiosk fails.
run_ui_script() {
  local bin=$1 src=$2 work=$3 size=$4 name=$5 script=$6
  rm -rf "$work/run" && cp -r "$work/data" "$work/run"
  "$bin" kiosk --windowed --size "$size" --content "$src/content" --data "$work/run" --ui-script "$script" \
    --screenshot "$work/$name.png" --after-frames 3 --widgets-json "$work/$name.json" 2> "$work/$name.log" ||
    { cat "$work/$name.log"; exit 1; }
}
