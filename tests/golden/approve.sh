#!/usr/bin/env bash
# Re-blesses the golden transcripts from the current build. Review `git diff tests/golden` after.
# Usage: approve.sh POSDRILL [ID…]   (default: every scenario in content/scenarios)
set -euo pipefail
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
content="$here/../../content"
ids=("$@")
if [ ${#ids[@]} -eq 0 ]; then
  for f in "$content"/scenarios/*.yaml; do ids+=("$(basename "$f" .yaml)"); done
fi
for id in "${ids[@]}"; do
  for mode in best critical; do
    for lang in zh en; do
      out="$here/$id.$mode.$lang.txt"
      "$bin" play "$id" --auto "$mode" --lang "$lang" --content "$content" | sed 's/[[:space:]]*$//' > "$out" || true
    done
  done
  echo "approved $id"
done
# Drop transcripts of scenarios that no longer exist.
for f in "$here"/*.txt; do
  [ -e "$f" ] || continue
  id=$(basename "$f" | cut -d. -f1)
  [ -f "$content/scenarios/$id.yaml" ] || { rm -f "$f"; echo "removed $(basename "$f")"; }
done
