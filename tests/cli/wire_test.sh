#!/usr/bin/env bash
# `posdrill play --wire` with the real binaries: the console terminal (`posdrill terminal --host`)
# stands in for a hand-keyed CUP terminal, dials `play --wire`, which relays to `posdrill host`
# and scores the drill from the line. The best path keyed by hand scores as `play --auto best`
# does on the emulator; a line that is not CUP is relayed and the drill says it cannot score it;
# an upstream that is not a test host is refused.
# Usage: wire_test.sh POSDRILL
set -u
bin=$1
work=$(mktemp -d)
# Only the configs this test writes: never the one of whoever runs it.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
host_pid="" play_pid="" term_pid=""
cleanup() {
  exec 3>&- 2>/dev/null
  for p in "$term_pid" "$play_pid" "$host_pid"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
. "$(dirname "$0")/../check_lib.sh"
# wait_for FILE PATTERN [COUNT]: until FILE has COUNT lines matching PATTERN (the event, not a
# time); gives up after 60 s so a broken binary fails instead of hanging.
wait_for() {
  local n=${3:-1}
  for _ in $(seq 1 600); do
    [ "$(grep -cE -- "$2" "$1" 2>/dev/null)" -ge "$n" ] && return 0
    sleep 0.1
  done
  return 1
}
id=user_exception_identity
customer=6200000000000005 customer_pin=147258 friend=6200000000000047 friend_pin=123456

# The emulator's best path: its decisions are the answers for the wire run, its outcomes the bar.
"$bin" play "$id" --auto best --json > "$work/best.json" 2> "$work/best.err"
grep -o '"choice": "[^"]*"' "$work/best.json" | sed 's/.*: "\(.*\)"/\1/' > "$work/answers.txt"
[ -s "$work/answers.txt" ] && ok "the best path's decisions" || { bad "no decisions in the best path"; exit 1; }

"$bin" play "$id" --wire 127.0.0.1:0 --upstream 192.0.2.7:8583 > "$work/refused.out" 2>&1
[ $? -eq 1 ] && ok "a non-test upstream is refused (exit 1)" || bad "play --wire accepted a non-test upstream"
expect "the refusal says why" "$work/refused.out" "not an allowed acquirer TEST host"

"$bin" host --listen 127.0.0.1:0 --scenario "$id" > "$work/host.out" 2> "$work/host.err" &
host_pid=$!
host_port=$(port_of "$work/host.out")
[ -n "$host_port" ] && ok "host listens" || { bad "host did not start"; cat "$work/host.err"; exit 1; }

# The attempt is recorded for a trainee, as played on a real terminal.
POSDRILL_PIN=2580 "$bin" operators add --id 1001 --name 王小明 --role trainee > /dev/null ||
  bad "operators add for the recorded run"
"$bin" play "$id" --wire 127.0.0.1:0 --upstream "127.0.0.1:$host_port" --inputs "$work/answers.txt" --json \
  --operator 1001 > "$work/wire.json" 2> "$work/wire.err" &
play_pid=$!
wire_port=$(port_of "$work/wire.err")
[ -n "$wire_port" ] && ok "wire: listening on ADDR:PORT" || { bad "play --wire did not listen"; cat "$work/wire.err"; exit 1; }

mkfifo "$work/keys"
"$bin" terminal --host "127.0.0.1:$wire_port" --scenario "$id" --lang en < "$work/keys" > "$work/t.out" 2>&1 &
term_pid=$!
exec 3> "$work/keys"
printf 'm\n6\n' >&3  # the terminal signs on: not the trainee's task
wait_for "$work/wire.err" "waiting for sale" && ok "wire: waiting for the first task" || bad "no 'waiting for sale'"
# The customer's card: the acquirer's risk control declines it (57).
printf 'm\n1\n529900\ne\ninsert %s\ne\npin\n%s\n' "$customer" "$customer_pin" >&3
wait_for "$work/wire.err" "收到：57|answer: 57" && ok "the decline seen on the line" || bad "no 57 on the line"
# After the decisions, the friend pays with his own card.
wait_for "$work/wire.err" "waiting for sale" 2 && ok "wire: waiting for the friend's sale" || bad "no second task"
printf 'm\n1\n529900\ne\ninsert %s\ne\npin\n%s\n' "$friend" "$friend_pin" >&3
wait "$play_pid"
rc=$?
play_pid=""
printf 'quit\n' >&3
exec 3>&-
wait "$term_pid"
term_pid=""
[ "$rc" -eq 0 ] && ok "the attempt keyed by hand passed (exit 0)" || { bad "play --wire exit $rc"; sed -n '1,60p' "$work/wire.err"; }
grep -o '"outcome": "[^"]*"' "$work/best.json" > "$work/best.outcomes"
grep -o '"outcome": "[^"]*"' "$work/wire.json" > "$work/wire.outcomes"
cmp -s "$work/best.outcomes" "$work/wire.outcomes" && ok "every task's outcome as on the emulator" ||
  { bad "outcomes differ"; diff "$work/best.outcomes" "$work/wire.outcomes"; }
[ "$(grep -o '"score": [0-9.e-]*' "$work/best.json")" = "$(grep -o '"score": [0-9.e-]*' "$work/wire.json")" ] &&
  ok "the same score as on the emulator" || bad "the scores differ"
expect "the records are marked as from the wire" "$work/wire.json" '"source": "wire"'
expect "the attempt is recorded for the trainee" "$work/wire.json" '"operator": "1001"'
expect "…with its record's id" "$work/wire.json" '"attempt": "[0-9a-f-]{36}"'
expect "the exchange shown as it happened" "$work/wire.err" "终端发出：消费 5299.00 … 收到：00|Terminal sent: sale 5299.00 … answer: 00"
if grep -qE "$customer|$friend|$customer_pin" "$work/wire.err" "$work/wire.json"; then
  bad "a card number or PIN in play's output"
else
  ok "no card number or PIN in play's output"
fi

# A line that is not CUP ISO 8583: relayed, and the drill says it cannot score it.
"$bin" play "$id" --wire 127.0.0.1:0 --upstream "127.0.0.1:$host_port" --inputs "$work/answers.txt" \
  > "$work/other.out" 2> "$work/other.err" &
play_pid=$!
other_port=$(port_of "$work/other.err")
wait_for "$work/other.err" "waiting for sale" || bad "no task to wait at"
printf '\000\010ABCD0200' > "/dev/tcp/127.0.0.1/$other_port"
wait "$play_pid"
rc=$?
play_pid=""
[ "$rc" -eq 1 ] && ok "a non-CUP terminal ends the drill unscored (exit 1)" || bad "exit $rc for a non-CUP line"
expect "it says why" "$work/other.err" "cannot score this terminal: a message that is not the CUP dialect"
expect "the proxy relayed it" "$work/host.err" "undecodable request"

kill -INT "$host_pid"
wait "$host_pid"
host_pid=""
summary
