#!/usr/bin/env bash
# Re-blesses the golden transcripts from the current build. Review `git diff tests/golden` after.
# Usage: approve.sh POSDRILL [ID…]   (default: every scenario in content/scenarios)
# Modes: best and critical (--auto), and wrongkey for a scenario with inputs/ID.wrongkey.txt
# (a scripted path that keys the terminal wrong; it may pass or fail).
set -euo pipefail
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
content="$here/../../content"
ids=("$@")
if [ ${#ids[@]} -eq 0 ]; then
  for f in "$content"/scenarios/*.yaml; do ids+=("$(basename "$f" .yaml)"); done
fi
# approve_one ID MODE LANG: play one transcript and keep it when it is whole.
approve_one() {
  local id=$1 mode=$2 lang=$3 rc=0
  local out="$here/$id.$mode.$lang.txt"
  local how=(--auto "$mode")
  [ "$mode" = wrongkey ] && how=(--inputs "$here/inputs/$id.wrongkey.txt")
  # Exit 0 (passed) and 1 (failed) are transcripts; anything else is a crash or a refusal whose
  # partial output must never become the golden file.
  "$bin" play "$id" "${how[@]}" --lang "$lang" --content "$content" > "$out.new" || rc=$?
  if [ "$rc" -gt 1 ] || ! grep -Eq '^(成绩|Result): ' "$out.new"; then
    rm -f "$out.new"
    echo "approve: $id $mode $lang: posdrill play exited $rc without a whole transcript;" \
         "$(basename "$out") left as it was" >&2
    exit 1
  fi
  sed 's/[[:space:]]*$//' "$out.new" > "$out"
  rm -f "$out.new"
}
for id in "${ids[@]}"; do
  modes=(best critical)
  # A scripted wrong-keying path, for the scenarios that have one.
  [ -f "$here/inputs/$id.wrongkey.txt" ] && modes+=(wrongkey)
  for mode in "${modes[@]}"; do
    for lang in zh en; do
      approve_one "$id" "$mode" "$lang"
    done
  done
  echo "approved $id"
done
# Drop transcripts of scenarios that no longer exist.
for f in "$here"/*.txt "$here"/inputs/*.txt; do
  [ -e "$f" ] || continue
  id=$(basename "$f" | cut -d. -f1)
  [ -f "$content/scenarios/$id.yaml" ] || { rm -f "$f"; echo "removed $(basename "$f")"; }
done
# Drop wrong-keying transcripts whose input script is gone.
for f in "$here"/*.wrongkey.*.txt; do
  [ -e "$f" ] || continue
  id=$(basename "$f" | cut -d. -f1)
  [ -f "$here/inputs/$id.wrongkey.txt" ] || { rm -f "$f"; echo "removed $(basename "$f")"; }
done
