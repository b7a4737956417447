#!/usr/bin/env bash
# The posdrill command line as a user meets it: exit codes, JSON shapes, messages that name
# file:line:column. Usage: cli_test.sh POSDRILL SOURCE_DIR
set -u
bin=$1 src=$2
content="$src/content"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
passed=0 failed=0

# check NAME EXPECTED_EXIT PATTERN -- COMMAND…: runs COMMAND, checks its exit code and that its
# stdout+stderr contains PATTERN (grep -E; empty pattern: anything).
check() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, expected $want"; echo "$out" | head -20; failed=$((failed + 1)); return
  fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output lacks /$pattern/"; echo "$out" | head -20; failed=$((failed + 1)); return
  fi
  echo "ok   $name"; passed=$((passed + 1))
}

check "version" 0 '^[0-9]+\.[0-9]+\.[0-9]+' -- "$bin" --version
check "help lists the commands" 0 'lint.*' -- "$bin" --help
check "lint clean content" 0 '"errors": \[\]' -- "$bin" lint "$content" --json
check "lint counts topics" 0 '"reversal": [2-9]' -- "$bin" lint "$content" --json
check "lint broken corpus exits 1" 1 '\.yaml:[0-9]+:[0-9]+: ' -- "$bin" lint "$src/tests/content/broken"
check "lint broken corpus json" 1 '"line": [0-9]+' -- "$bin" lint "$src/tests/content/broken" --json
check "lint missing folder exits 2" 2 'no such file or folder' -- "$bin" lint "$work/nope"
check "list json" 0 '"decisions": [0-9]+' -- "$bin" list --json --content "$content"
check "list shows Chinese titles" 0 '预授权' -- "$bin" list --content "$content"
check "play unknown id suggests" 2 "did you mean 'reversal_debit_sms'" -- "$bin" play reversal_debit_sm --content "$content"
check "play bad auto mode" 2 'best' -- "$bin" play reversal_debit_sms --auto worst --content "$content"
check "play auto best passes" 0 '通过' -- "$bin" play reversal_debit_sms --auto best --content "$content"
check "play auto critical fails" 1 'FAILED' -- "$bin" play reversal_debit_sms --auto critical --lang en --content "$content"
check "play json result" 0 '"passed": true' -- "$bin" play frequent_swipe_lock --auto best --json --content "$content"
# --operator records the attempt for an existing, active operator (tests/cli/records_test.sh has the rest).
POSDRILL_PIN=73915062 "$bin" operators add --id E1001 --name T --role trainee >/dev/null
check "play json carries operator" 0 '"operator": "E1001"' -- "$bin" play frequent_swipe_lock --auto best --json --operator E1001 --content "$content"
check "play rejects odd operator ids" 2 'employee id' -- "$bin" play frequent_swipe_lock --auto best --operator 'a b' --content "$content"

# Scripted answers: choice ids are stable whatever the seed.
ids=$("$bin" play reversal_debit_sms --auto best --json --content "$content" |
      grep -E '"(choice|op)": "' | sed -E 's/.*"(choice|op)": "([^"]*)".*/\2/')
printf '%s\n' $ids > "$work/answers.txt"
check "play --inputs with ids passes" 0 'PASSED' -- "$bin" play reversal_debit_sms --inputs "$work/answers.txt" --seed 9 --lang en --content "$content"
check "play answers on stdin" 0 'PASSED' -- sh -c "\"$bin\" play reversal_debit_sms --lang en --content \"$content\" < \"$work/answers.txt\""
printf '2\nbanana\n' > "$work/bad.txt"
check "bad answer names file and line" 2 'bad.txt:2: expected' -- "$bin" play reversal_debit_sms --inputs "$work/bad.txt" --content "$content"
printf '2 @soon\n' > "$work/badtime.txt"
check "bad time names file and line" 2 'badtime.txt:1: expected a time like @45s' -- "$bin" play reversal_debit_sms --inputs "$work/badtime.txt" --content "$content"
printf '2\n' > "$work/short.txt"
check "answers ending early is a usage error" 2 'the answers ended at step' -- "$bin" play reversal_debit_sms --inputs "$work/short.txt" --content "$content"

# Config: errors name file:line:column; the config can set the language.
printf 'lang: en\ncontnt: x\n' > "$work/bad.yaml"
check "config unknown key" 2 'bad.yaml:2:1: unknown key' -- "$bin" --config "$work/bad.yaml" list
printf 'lang: fr\n' > "$work/fr.yaml"
check "config bad language" 2 "fr.yaml:1:7: expected 'lang' to be zh or en" -- "$bin" --config "$work/fr.yaml" list
printf 'lang: en\ncontent: %s\n' "$content" > "$work/good.yaml"
check "config sets language and content" 0 'Pre-authorization' -- "$bin" --config "$work/good.yaml" list
check "missing config file" 2 'config file not found' -- "$bin" --config "$work/none.yaml" list
mkdir -p "$XDG_CONFIG_HOME/posdrill"
printf 'lang: en\ncontent: %s\n' "$content" > "$XDG_CONFIG_HOME/posdrill/config.yaml"
check "default config from XDG_CONFIG_HOME" 0 'Pre-authorization' -- "$bin" list
check "flag beats config" 0 '预授权' -- "$bin" list --lang zh

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
