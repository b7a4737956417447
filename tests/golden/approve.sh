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
      # Exit 0 (passed) and 1 (failed: the critical path) are transcripts; anything else is a
      # crash or a refusal whose partial output must never become the golden file.
      rc=0
      "$bin" play "$id" --auto "$mode" --lang "$lang" --content "$content" > "$out.new" || rc=$?
      if [ "$rc" -gt 1 ] || ! grep -Eq '^(成绩|Result): ' "$out.new"; then
        rm -f "$out.new"
        echo "approve: $id $mode $lang: posdrill play exited $rc without a whole transcript;" \
             "$(basename "$out") left as it was" >&2
        exit 1
      fi
      sed 's/[[:space:]]*$//' "$out.new" > "$out"
      rm -f "$out.new"
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
