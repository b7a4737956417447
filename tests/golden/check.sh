#!/usr/bin/env bash
# Compares `posdrill play ID --auto best|critical --lang zh|en` with the approved transcripts.
# Usage: check.sh POSDRILL ID GOLDEN_DIR CONTENT_DIR
# Exit 0 when all four match; prints a unified diff and how to approve otherwise.
set -uo pipefail
bin=$1 id=$2 dir=$3 content=$4
status=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for mode in best critical; do
  for lang in zh en; do
    golden="$dir/$id.$mode.$lang.txt"
    want_rc=0; [ "$mode" = critical ] && want_rc=1
    "$bin" play "$id" --auto "$mode" --lang "$lang" --content "$content" > "$tmp"
    rc=$?
    sed -i 's/[[:space:]]*$//' "$tmp"
    if [ "$rc" -ne "$want_rc" ]; then
      echo "FAIL $id $mode $lang: exit code $rc, expected $want_rc"
      status=1
    fi
    if [ ! -f "$golden" ]; then
      echo "FAIL $id $mode $lang: no approved transcript $golden (run: make approve)"
      status=1
      continue
    fi
    if ! diff -u "$golden" "$tmp"; then
      echo "FAIL $id $mode $lang: transcript differs from $golden (if intended: make approve, then review git diff)"
      status=1
    fi
  done
done
[ $status -eq 0 ] && echo "ok $id: 4 transcripts match"
exit $status
