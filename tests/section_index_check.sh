#!/usr/bin/env bash
# Every [SECTION] index tells the truth. A big source file opens with an index: the
# `// [SECTION] Name` lines of its leading comment. Further down, a marker line
# `// [SECTION] Name` (dashes around it allowed) starts each section. For every file under DIR...
# that has an index, each entry must name a marker of the file, each marker must be in the index,
# and the index must list them in the file's order. An entry may say more than its marker after
# the name: "Output (CSV, JSON)" and "Output: CSV and JSON" both index "// [SECTION] Output".
# Files without an index are not checked.
# Usage: section_index_check.sh ROOT DIR...
set -u
root=${1:?usage: section_index_check.sh ROOT DIR...}
shift
[ $# -gt 0 ] || { echo "usage: section_index_check.sh ROOT DIR..." >&2; exit 2; }

# Files whose index is known to be stale, each with the reason; remove an entry once its file is fixed.
known=()

cd "$root" || exit 2
# One awk over every file (a process per file is slow on a busy machine).
find "$@" -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.hpp' \) -print0 | sort -z | xargs -0 awk \
  -v known=" ${known[*]} " -v self="$0" -v dirs="$*" '
  function matches(entry, name,   c) {
    if (entry == name) return 1
    if (index(entry, name) != 1) return 0
    c = substr(entry, length(name) + 1, 1)
    return c == " " || c == ":" || c == ","
  }
  function finish(   i, j, bad, last, ordered, found, skip, out) {
    if (file == "" || ni == 0) return
    checked++
    file_name = file; sub(/^\.\//, "", file_name)
    skip = index(known, " " file_name " ") > 0
    bad = 0; last = 0; ordered = 1; out = ""
    for (j = 1; j <= nb; j++) used[j] = 0
    for (i = 1; i <= ni; i++) {
      found = 0
      for (j = 1; j <= nb; j++)
        if (!used[j] && matches(entry[i], marker[j])) { used[j] = 1; found = j; break }
      if (!found) {
        out = out sprintf("%s:%d: index entry \"%s\" names no section of the file\n", file_name, entry_line[i], entry[i])
        bad = 1
      } else {
        if (found < last) ordered = 0
        last = found
      }
    }
    for (j = 1; j <= nb; j++)
      if (!used[j]) {
        out = out sprintf("%s:%d: section \"%s\" is not in the index at the top of the file\n", file_name, marker_line[j], marker[j])
        bad = 1
      }
    if (!bad && !ordered)
      out = sprintf("%s:%d: the index lists the sections in another order than the file has them\n", file_name, entry_line[1])
    if (out != "" && skip) {
      print "known exception, not counted: " file_name
    } else if (out != "") {
      printf "%s", out
      failed++
    } else if (skip) {
      print "note: " file_name " has a true index now: remove it from the known exceptions in " self
    }
  }
  FNR == 1 { finish(); file = FILENAME; head = 1; ni = 0; nb = 0 }
  {
    if (head) {
      if ($0 ~ /^[ \t]*$/ || $0 ~ /^\/\//) {
        if ($0 ~ /^\/\/[ \t]*\[SECTION\]/) {
          e = $0; sub(/^\/\/[ \t]*\[SECTION\][ \t]*/, "", e); sub(/[ \t]+$/, "", e)
          ni++; entry[ni] = e; entry_line[ni] = FNR
        }
        next
      }
      head = 0
    }
    if ($0 ~ /^[ \t]*\/\/[ \t-]*\[SECTION\]/) {
      m = $0; sub(/^[ \t]*\/\/[ \t-]*\[SECTION\][ \t]*/, "", m); sub(/[ \t-]+$/, "", m)
      nb++; marker[nb] = m; marker_line[nb] = FNR
    }
  }
  END {
    finish()
    if (failed > 0) {
      printf "section index check failed: %d of %d indexed files have an index that does not match their sections\n", failed, checked
      exit 1
    }
    if (checked == 0) {
      print "section index check failed: no file under " dirs " has a [SECTION] index"
      exit 1
    }
    printf "section index check passed: %d indexed files under %s\n", checked, dirs
  }' || exit 1
