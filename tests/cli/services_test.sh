#!/usr/bin/env bash
# `posdrill host` and `posdrill terminal` as services on loopback: a console terminal signs on and
# sells over a real socket; its trace and batch go on across runs (kept in the data folder); the
# host survives garbage and abrupt disconnects; SIGINT stops it cleanly.
# Usage: services_test.sh POSDRILL
set -u
bin=$1
work=$(mktemp -d)
host_pid=""
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
. "$(dirname "$0")/../check_lib.sh"

"$bin" host --listen 127.0.0.1:0 > "$work/host.out" 2> "$work/host.err" &
host_pid=$!
port=$(port_of "$work/host.out")
[ -n "$port" ] && ok "host listens on a free port" || { bad "host did not start"; cat "$work/host.err"; exit 1; }

# Menu 6 signs on; menu 1 is a sale: amount, confirm, card, confirm, the customer's PIN.
sale_script='m\n6\nm\n1\n32800\ne\ninsert 6200000000000047\ne\npin\n123456\nquit\n'
data="$work/data"
printf "$sale_script" | "$bin" --data "$data" terminal --host "127.0.0.1:$port" --lang en > "$work/t1.out" 2>&1
expect "sign-on over the socket" "$work/t1.out" "Signed on"
expect "sale approved" "$work/t1.out" "RMB 328.00"
expect "slip shows the masked card" "$work/t1.out" "620000\*\*\*\*\*\*0047"
expect "slip is marked training" "$work/t1.out" "培训 TRAINING"
if grep -q 6200000000000047 "$work/t1.out" "$work/host.err"; then bad "full card number printed"; else ok "no full card number on screen, slip or host log"; fi
if grep -q 123456 "$work/host.err"; then bad "PIN in the host log"; else ok "no PIN in the host log"; fi

# Garbage: a frame claiming 65535 bytes, a frame that is not ISO 8583, a connection cut mid-frame.
exec 3<>"/dev/tcp/127.0.0.1/$port" && printf '\xff\xffgarbage' >&3 && exec 3>&-
exec 3<>"/dev/tcp/127.0.0.1/$port" && printf '\x00\x05hello' >&3 && sleep 0.2 && exec 3>&-
exec 3<>"/dev/tcp/127.0.0.1/$port" && printf '\x00\x40half' >&3 && exec 3>&-
sleep 0.3
kill -0 "$host_pid" 2>/dev/null && ok "host still running after garbage" || bad "host died on garbage"

counters="$data/terminal/10000001.counters"
expect "the trace is kept in the data folder" "$counters" "^trace=000003$"
expect "so is the batch" "$counters" "^batch=000001$"

printf 'm\n6\nm\n5\ninsert 6200000000000047\ne\npin\n123456\nquit\n' |
  "$bin" --data "$data" terminal --host "127.0.0.1:$port" --lang en > "$work/t2.out" 2>&1
expect "a balance inquiry after the garbage" "$work/t2.out" "[Bb]alance"
expect "the second run says where its trace starts" "$work/t2.out" "trace 000003, batch 000001"
expect "the second run's sign-on goes on from the first run's trace" "$work/host.err" "0800 STAN 000003 -> 0810 RC 00"

printf 'm\n1\nswipe 5555555555554444\nquit\n' | "$bin" --data "$data" terminal --host "127.0.0.1:$port" --lang en > "$work/t3.out" 2>&1
if grep -q 5555555555554444 "$work/t3.out"; then bad "a non-test card number was echoed"; else ok "a non-test card is refused without echoing it"; fi

# A trainer drops the sale's answer: the terminal fails, then reverses before the next inquiry.
printf 'm\n6\nfault answer_lost\nm\n1\n32800\ne\ninsert 6200000000000047\ne\npin\n123456\nm\n5\ninsert 6200000000000047\ne\npin\n123456\nquit\n' |
  "$bin" --data "$data" terminal --host "127.0.0.1:$port" --lang en > "$work/t5.out" 2>&1
expect "a lost answer fails the sale on the terminal" "$work/t5.out" "no answer|timed out|Transaction failed"
sleep 0.2
expect "the automatic reversal reaches the host" "$work/host.err" "0400 STAN [0-9]+ -> 0410 RC 00"
if grep -q "RC 94" "$work/host.err"; then bad "a run reused a trace (RC 94)"; else ok "no run reused a trace"; fi

# A counters file that is not ours is refused with file:line, not silently reset to 000001.
printf 'trace=12\n' > "$counters"
printf 'quit\n' | "$bin" --data "$data" terminal --host "127.0.0.1:$port" > "$work/t6.out" 2>&1
[ $? -eq 2 ] && ok "a malformed counters file is a usage error" || bad "a malformed counters file was accepted"
expect "the error names file and line" "$work/t6.out" "10000001.counters:1:7: expected 'trace' to be 6 digits"

kill -INT "$host_pid"
wait "$host_pid"
rc=$?
host_pid=""
[ "$rc" -eq 0 ] && ok "SIGINT stops the host cleanly" || bad "host exit code $rc after SIGINT"
expect "host counts the undecodable request" "$work/host.out" "[1-9][0-9]* undecodable"
expect "host counts the bad frame" "$work/host.out" "[1-9][0-9]* bad frames"

"$bin" --data "$data" terminal --host 127.0.0.1 < /dev/null > "$work/t4.out" 2>&1
[ $? -eq 2 ] && ok "a host without a port is a usage error" || bad "bad --host accepted"
expect "usage error names the form" "$work/t4.out" "ADDRESS:PORT"

summary
