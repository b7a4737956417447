#!/usr/bin/env bash
# No source file under DIR... is longer than LIMIT lines: a file that grows past it is split along
# its seams (its [SECTION]s), with an internal header for what the parts share.
# Usage: source_size_check.sh ROOT LIMIT DIR...
set -u
root=${1:?usage: source_size_check.sh ROOT LIMIT DIR...}
limit=${2:?usage: source_size_check.sh ROOT LIMIT DIR...}
shift 2
[ $# -gt 0 ] || { echo "usage: source_size_check.sh ROOT LIMIT DIR..." >&2; exit 2; }

# Files allowed over the limit for now, each with the reason; remove an entry once its file is split.
known=()

cd "$root" || exit 2
count=0 over=0
# wc -l over all files at once (a process per file is slow on a busy machine); its "total" lines
# are skipped.
while read -r lines rel; do
  [ "$rel" = total ] && continue
  rel=${rel#./}
  count=$((count + 1))
  skip=0
  for k in "${known[@]}"; do [ "$rel" = "$k" ] && skip=1; done
  if [ "$lines" -gt "$limit" ]; then
    if [ "$skip" = 1 ]; then
      echo "known exception, not counted: $rel has $lines lines"
    else
      echo "$rel: $lines lines, over $limit lines: split it along its sections"
      over=$((over + 1))
    fi
  elif [ "$skip" = 1 ]; then
    echo "note: $rel has $lines lines now: remove it from the known exceptions in $0"
  fi
done < <(find "$@" -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.hpp' -o -name '*.c' \) -print0 | sort -z |
         xargs -0 wc -l)

if [ "$count" -eq 0 ]; then
  echo "source size check failed: no source files under $*"
  exit 1
fi
if [ "$over" -gt 0 ]; then
  echo "source size check failed: $over of $count source files are over $limit lines"
  exit 1
fi
echo "source size check passed: $count source files under $*, none over $limit lines"
