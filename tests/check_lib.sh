# Shared by the shell tests: counted checks and the port a service printed. Source it after
# `set -u`; end the script with `summary`.
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
expect() {  # NAME FILE PATTERN: ok when FILE has a line matching PATTERN (grep -E)
  if grep -qE -- "$3" "$2"; then ok "$1"; else bad "$1: no /$3/ in $2"; sed -n '1,40p' "$2"; fi
}
port_of() {  # FILE -> the port after "listening on 127.0.0.1:", waiting up to 10 s for it
  local p=""
  for _ in $(seq 1 100); do
    p=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1")
    [ -n "$p" ] && break
    sleep 0.1
  done
  echo "$p"
}
summary() {  # the counts; the exit status says whether all passed
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
