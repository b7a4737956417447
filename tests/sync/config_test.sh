#!/usr/bin/env bash
# The LRS settings as a user writes them: every mistake is a config error that names
# file:line:column (or the environment variable) and stops every command, while the kiosk starts out
# of service with sync off, and an endpoint `sync now` refuses gets nothing from anyone. "Elsewhere" is a listener on 127.0.0.2
# that logs every connection.
# Usage: config_test.sh POSDRILL SOURCE_DIR
set -u
bin=$1 src=$2
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/xdg" SDL_VIDEODRIVER=offscreen
unset POSDRILL_LRS_ENDPOINT POSDRILL_LRS_KEY POSDRILL_LRS_SECRET POSDRILL_PIN
. "$src/tests/check_lib.sh"
data="$work/data"
mkdir -p "$data"

# run NAME WANT_EXIT PATTERN CONFIG_TEXT -- ARGS…: writes the config (mode 600), runs posdrill with
# it and checks the exit code and that the output matches PATTERN (grep -E).
run() {
  local name=$1 want=$2 pattern=$3 text=$4
  shift 5
  printf '%s' "$text" > "$work/cfg.yaml"
  chmod 600 "$work/cfg.yaml"
  "$bin" --data "$data" --config "$work/cfg.yaml" "$@" > "$work/out.txt" 2>&1
  local rc=$?
  if [ "$rc" -ne "$want" ]; then bad "$name: exit $rc, expected $want"; sed -n '1,20p' "$work/out.txt"; return; fi
  expect "$name" "$work/out.txt" "$pattern"
}

POSDRILL_PIN=73915062 "$bin" --data "$data" operators add --id 101 --name 王小明 --role trainee > /dev/null

good='lrs:
  endpoint: http://127.0.0.1:9/xAPI/
  key: kiosk1
  secret: secret1
'
run "a good config works" 0 'sync: +http://127.0.0.1:9/xAPI/' "$good" -- sync status

# ---- duplicate keys: both positions, whatever the level -------------------------------------------
run "a second endpoint: is refused with both positions" 2 \
  "cfg.yaml:5:3: duplicate key 'lrs.endpoint' in the 'lrs' section \(first given at line 2\)" \
  "${good}  endpoint: https://other.example.com/xapi/
" -- sync status
run "a second lrs: section is refused" 2 "cfg.yaml:5:1: duplicate key 'lrs' in the config \(first given at line 1\)" \
  "${good}lrs:
  endpoint: https://other.example.com/xapi/
" -- list
run "a duplicate inside terminal.proxy is refused" 2 \
  "cfg.yaml:4:5: duplicate key 'terminal.proxy.listen' in the 'terminal.proxy' section \(first given at line 3\)" \
  'terminal:
  proxy:
    listen: 127.0.0.1:6000
    listen: 127.0.0.1:6001
    upstream: 127.0.0.1:5000
' -- list
run "a duplicate top-level key is refused" 2 "cfg.yaml:2:1: duplicate key 'lang'" 'lang: zh
lang: en
' -- list

# ---- endpoints curl cannot use are config errors, placed on the value -------------------------------
for url in 'http://127.0.0.1:99999/xAPI/' 'http://127.0.0.1:80x/xAPI/' 'http://[::1/xAPI/' 'https://lrs.example.com/xapi/?x=1'; do
  run "endpoint $url is a config error" 2 "cfg.yaml:2:13: lrs.endpoint" "lrs:
  endpoint: $url
  key: kiosk1
  secret: secret1
" -- sync now
done
: > "$work/empty.yaml"
POSDRILL_LRS_ENDPOINT='http://127.0.0.1:80x/xAPI/' POSDRILL_LRS_KEY=k POSDRILL_LRS_SECRET=s \
  "$bin" --data "$data" --config "$work/empty.yaml" sync status > "$work/out.txt" 2>&1
rc=$?
[ "$rc" -eq 2 ] && ok "an endpoint from the environment is checked too" || bad "environment endpoint: exit $rc"
expect "the environment variable is named" "$work/out.txt" '^\$POSDRILL_LRS_ENDPOINT \(environment\): lrs.endpoint'
run "a missing secret is placed at the endpoint that needs it" 2 'cfg.yaml:2:13: lrs.secret' 'lrs:
  endpoint: https://lrs.example.com/xapi/
  key: kiosk1
' -- sync status

# ---- time-outs ------------------------------------------------------------------------------------------
run "timeout: 5 alone is valid (the default connect_timeout follows it)" 0 'sync:' "${good}  timeout: 5
" -- sync status
run "an explicit connect_timeout above the timeout is refused where it is written" 2 \
  'cfg.yaml:6:20: lrs.connect_timeout must be 1 second up to lrs.timeout \(5 s\)' "${good}  timeout: 5
  connect_timeout: 20
" -- sync status

# ---- an endpoint on another machine over plain http: no sender sends there -----------------------------
node -e '
const net = require("net"), fs = require("fs");
const [portFile, log] = process.argv.slice(1);
const s = net.createServer((c) => { fs.appendFileSync(log, "connection\n"); c.on("data", (d) => fs.appendFileSync(log, d.toString("latin1"))); c.on("error", () => {}); });
s.listen(0, "127.0.0.2", () => fs.writeFileSync(portFile, String(s.address().port)));
' "$work/else.port" "$work/else.log" &
pids+=($!)
for _ in $(seq 300); do [ -s "$work/else.port" ] && break; sleep 0.1; done
port=$(cat "$work/else.port")
: > "$work/else.log"
elsewhere="lrs:
  endpoint: http://127.0.0.2:$port/xAPI/
  key: kiosk1
  secret: secret1
"
# Statements waiting, recorded while sync pointed at a valid (dead) endpoint.
printf '%s' "$good" > "$work/good.yaml"
chmod 600 "$work/good.yaml"
"$bin" --data "$data" --config "$work/good.yaml" play reversal_debit_sms --auto best --operator 101 > /dev/null 2>&1
queued=$(sqlite3 "$data/posdrill.db" "SELECT count(*) FROM outbox WHERE state = 'queued'")
[ "$queued" -gt 0 ] && ok "statements are waiting ($queued)" || bad "no statements waiting"
run "sync now refuses plain http to 127.0.0.2" 2 'cfg.yaml:2:13: lrs.endpoint must use https://' "$elsewhere" -- sync now
# The kiosk opens a real GL window: Mesa's EGL driver leaks a few KB and is unloaded before
# LeakSanitizer reports, so an ASan build checks leaks in the unit tests, not in this window.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
run "the kiosk starts out of service" 0 'out of service: 1 problem' "$elsewhere" -- \
  kiosk --windowed --screenshot "$work/oos.png" --after-frames 3
expect "the kiosk names the config's problem" "$work/out.txt" 'cfg.yaml:2:13: lrs.endpoint must use https://'
if grep -q 'sync to ' "$work/out.txt"; then bad "the kiosk started its sync worker"; else ok "the kiosk started no sync worker"; fi
run "play --operator refuses it (no statements for a refused endpoint)" 2 'cfg.yaml:2:13: lrs.endpoint' "$elsewhere" -- \
  play reversal_debit_sms --auto best --operator 101
[ -s "$work/oos.png" ] && ok "the kiosk showed its out-of-service screen" || bad "the kiosk drew nothing"
# Probe the listener ourselves: once our own connection is logged, any earlier one would be too.
exec 3<>"/dev/tcp/127.0.0.2/$port" && printf 'PROBE\r\n' >&3
for _ in $(seq 300); do grep -q PROBE "$work/else.log" && break; sleep 0.1; done
exec 3>&-
expect "the probe reached the listener" "$work/else.log" PROBE
conns=$(grep -c '^connection$' "$work/else.log")
[ "$conns" -eq 1 ] && ok "127.0.0.2 received nothing but the probe" || { bad "127.0.0.2 received $conns connections"; cat "$work/else.log"; }
if grep -qi 'authorization' "$work/else.log"; then bad "credentials reached 127.0.0.2"; else ok "no credentials reached 127.0.0.2"; fi
after=$(sqlite3 "$data/posdrill.db" "SELECT count(*) FROM outbox WHERE state = 'queued'")
[ "$after" -eq "$queued" ] && ok "nothing was lost ($after still waiting)" || bad "queue changed: $queued -> $after"

summary
