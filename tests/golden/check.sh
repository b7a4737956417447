#!/usr/bin/env bash
# Compares `posdrill play ID --auto best|critical --lang zh|en` with the approved transcripts, and,
# when GOLDEN_DIR/inputs/ID.wrongkey.txt exists, `play ID --inputs that-file --lang zh|en` too.
# Usage: check.sh POSDRILL ID GOLDEN_DIR CONTENT_DIR
# Exit 0 when all transcripts match; prints a unified diff and how to approve otherwise.
set -uo pipefail
bin=$1 id=$2 dir=$3 content=$4
status=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
modes=(best critical)
inputs="$dir/inputs/$id.wrongkey.txt"
[ -f "$inputs" ] && modes+=(wrongkey)
count=0
for mode in "${modes[@]}"; do
  for lang in zh en; do
    count=$((count + 1))
    golden="$dir/$id.$mode.$lang.txt"
    how=(--auto "$mode")
    [ "$mode" = wrongkey ] && how=(--inputs "$inputs")
    "$bin" play "$id" "${how[@]}" --lang "$lang" --content "$content" > "$tmp"
    rc=$?
    sed -i 's/[[:space:]]*$//' "$tmp"
    # best must pass and critical must fail; a wrong-keying path may do either (the golden file
    # holds its verdict), but any other exit is a usage error or a crash.
    case $mode in
      best) ok=$([ "$rc" -eq 0 ] && echo y) ;;
      critical) ok=$([ "$rc" -eq 1 ] && echo y) ;;
      *) ok=$([ "$rc" -le 1 ] && echo y) ;;
    esac
    if [ -z "$ok" ]; then
      echo "FAIL $id $mode $lang: exit code $rc"
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
[ $status -eq 0 ] && echo "ok $id: $count transcripts match"
exit $status
