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
check "lint fails a drill passed by picking the longest answer" 1 \
  'longest_wins.yaml:1:1: a trainee who picks the answer that looks the longest in zh at every question passes 100%' \
  -- "$bin" lint "$src/tests/content/blind"
check "list json" 0 '"decisions": [0-9]+' -- "$bin" list --json --content "$content"
check "list shows Chinese titles" 0 '预授权' -- "$bin" list --content "$content"
check "play unknown id suggests" 2 "did you mean 'reversal_debit_sms'" -- "$bin" play reversal_debit_sm --content "$content"
check "play bad auto mode" 2 'best' -- "$bin" play reversal_debit_sms --auto worst --content "$content"
check "play auto best passes" 0 '通过' -- "$bin" play reversal_debit_sms --auto best --content "$content"
check "play auto critical fails" 1 'FAILED' -- "$bin" play reversal_debit_sms --auto critical --lang en --content "$content"
check "play json result" 0 '"passed": true' -- "$bin" play frequent_swipe_lock --auto best --json --content "$content"
# Figures that vary: the seed picks the set, the same seed prints the same transcript.
check "play --seed 2 plays the second set of figures" 0 'RMB 459\.00' -- "$bin" play void_same_day --auto best --seed 2 --lang zh --content "$content"
check "play json says which figures" 0 '"figures": 3' -- "$bin" play void_same_day --auto best --seed 3 --json --content "$content"
check "lint counts the sets of figures" 0 'over [0-9]+ sets of figures' -- "$bin" lint "$content"
a=$("$bin" play void_same_day --auto best --seed 3 --lang en --content "$content" 2>&1)
b=$("$bin" play void_same_day --auto best --seed 3 --lang en --content "$content" 2>&1)
c=$("$bin" play void_same_day --auto best --lang en --content "$content" 2>&1)
if [ "$a" = "$b" ] && [ "$a" != "$c" ] && grep -q 'CNY 728\.00' <<<"$a" && ! grep -q '599' <<<"$a" && grep -q 'CNY 599\.00' <<<"$c"; then
  echo "ok   play: the same seed the same transcript, another seed other figures"; passed=$((passed + 1))
else
  echo "FAIL play: the same seed the same transcript, another seed other figures"; failed=$((failed + 1))
fi
# --operator records the attempt for an existing, active operator (tests/cli/records_test.sh has the rest).
POSDRILL_PIN=73915062 "$bin" operators add --id 1001 --name T --role trainee >/dev/null
check "play json carries operator" 0 '"operator": "1001"' -- "$bin" play frequent_swipe_lock --auto best --json --operator 1001 --content "$content"
check "play rejects odd operator ids" 2 'employee id' -- "$bin" play frequent_swipe_lock --auto best --operator 'a b' --content "$content"

# Scripted answers: choice ids are stable whatever the seed.
ids=$("$bin" play reversal_debit_sms --auto best --json --content "$content" |
      grep -E '"(choice|op)": "' | sed -E 's/.*"(choice|op)": "([^"]*)".*/\2/')
printf '%s\n' $ids > "$work/answers.txt"
check "play --inputs with ids passes" 0 'PASSED' -- "$bin" play reversal_debit_sms --inputs "$work/answers.txt" --seed 9 --lang en --content "$content"
check "play answers on stdin" 0 'PASSED' -- sh -c "\"$bin\" play reversal_debit_sms --lang en --content \"$content\" < \"$work/answers.txt\""
# Keyed on the device: the best path's own keys (from its --json record), each terminal task as
# one `keys` line; the transcript shows every key and screen and never the customer's PIN.
"$bin" play reversal_debit_sms --auto best --json --content "$content" > "$work/best.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const s of r.steps) {
    if (s.kind === "decision") console.log(s.choice);
    if (s.kind === "terminal") console.log("keys " + s.keyed.map(k => k.input === "pin ******" ? "pin" : k.input).join(" "));
  }' "$work/best.json" > "$work/keyed.txt"
check "keyed answers file has keys lines" 0 '^keys menu' -- cat "$work/keyed.txt"
check "play keyed on the twin passes" 0 'PASSED' -- "$bin" play reversal_debit_sms --inputs "$work/keyed.txt" --lang en --content "$content"
check "the transcript shows the keys and screens" 0 "Keyed cardholder's PIN \*\*\*\*\*\* → " -- "$bin" play reversal_debit_sms --inputs "$work/keyed.txt" --lang en --content "$content"
pin=$(grep -E '^  pin: "' "$content/scenarios/reversal_debit_sms.yaml" | sed -E 's/.*"([0-9]+)".*/\1/')
if [ -n "$pin" ] && "$bin" play reversal_debit_sms --inputs "$work/keyed.txt" --json --content "$content" | grep -q "$pin"; then
  echo "FAIL the customer's PIN appears in the keyed transcript"; failed=$((failed + 1))
else
  echo "ok   the customer's PIN never appears"; passed=$((passed + 1))
fi
head -n 2 "$work/keyed.txt" > "$work/badkeys.txt"
echo "keys menu banana" >> "$work/badkeys.txt"
check "a bad key names file and line" 2 'badkeys.txt:3: expected keys: digits, menu' -- "$bin" play reversal_debit_sms --inputs "$work/badkeys.txt" --content "$content"
printf '2\nbanana\n' > "$work/bad.txt"
check "bad answer names file and line" 2 'bad.txt:2: expected' -- "$bin" play reversal_debit_sms --inputs "$work/bad.txt" --content "$content"
printf '2 @soon\n' > "$work/badtime.txt"
check "bad time names file and line" 2 'badtime.txt:1: expected a time like @45s' -- "$bin" play reversal_debit_sms --inputs "$work/badtime.txt" --content "$content"
printf '2\n' > "$work/short.txt"
check "answers ending early is a usage error" 2 'the answers ended at step' -- "$bin" play reversal_debit_sms --inputs "$work/short.txt" --content "$content"

# Config: errors name file:line:column; the config can set the language.
printf 'lang: en\ncontnt: x\n' > "$work/bad.yaml"
check "config unknown key" 2 "bad.yaml:2:1: unknown key 'contnt' in the config \\(did you mean 'content'\\?\\)" -- "$bin" --config "$work/bad.yaml" list
# A help contact typed in Chinese and saved as GBK (王经理): refused where it is, never shown as ???.
printf 'lang: zh\nhelp_contact: "\xcd\xf5\xbe\xad\xc0\xed 400-800-1234"\n' > "$work/gbk.yaml"
check "config refuses text that is not UTF-8" 2 "gbk.yaml:2:15: 'help_contact' is not UTF-8 text: save the file as UTF-8" -- "$bin" --config "$work/gbk.yaml" list
printf 'lang:\ncontent: x\n' > "$work/novalue.yaml"
check "a key left without a value is named at the key" 2 "novalue.yaml:1:1: 'lang' has no value" -- "$bin" --config "$work/novalue.yaml" list
printf '# nothing set yet\n' > "$work/comments.yaml"
check "a config of comments only is fine" 0 '预授权' -- "$bin" --config "$work/comments.yaml" --content "$content" list
printf 'lrs:\n  batch_size: 0\n  timeout: 30s\n' > "$work/lrs_numbers.yaml"
check "lrs numbers say their range and unit" 2 "lrs_numbers.yaml:2:15: 'lrs.batch_size' must be between 1 and 500 statements, got 0" -- "$bin" --config "$work/lrs_numbers.yaml" list
check "every lrs mistake is reported at once" 2 "lrs_numbers.yaml:3:12: expected 'lrs.timeout' to be a whole number of seconds, got '30s'" -- "$bin" --config "$work/lrs_numbers.yaml" list
printf 'lang: fr\n' > "$work/fr.yaml"
check "config bad language" 2 "fr.yaml:1:7: expected 'lang' to be zh or en" -- "$bin" --config "$work/fr.yaml" list
printf 'lang: en\ncontent: %s\n' "$content" > "$work/good.yaml"
check "config sets language and content" 0 'Pre-authorization' -- "$bin" --config "$work/good.yaml" list
check "missing config file" 2 'config file not found' -- "$bin" --config "$work/none.yaml" list
printf 'help_contact: 培训热线 400-800-1234 王经理\ncontent: %s\n' "$content" > "$work/contact.yaml"
check "config takes a help contact" 0 'Pre-authorization' -- "$bin" --config "$work/contact.yaml" --lang en list
printf 'help_contact: "%0130d"\n' 0 > "$work/contact_long.yaml"
check "config refuses a help contact too long" 2 "contact_long.yaml:1:15: expected 'help_contact' to be one line of text, at most 120 bytes" -- "$bin" --config "$work/contact_long.yaml" list
printf 'help_contact: "call\\nme"\n' > "$work/contact_nl.yaml"
check "config refuses a help contact of two lines" 2 "contact_nl.yaml:1:15: expected 'help_contact' to be one line" -- "$bin" --config "$work/contact_nl.yaml" list
printf 'renderer: software\ncontent: %s\n' "$content" > "$work/renderer.yaml"
check "config takes a renderer" 0 'Pre-authorization' -- "$bin" --config "$work/renderer.yaml" --lang en list
printf 'renderer: vulkan\n' > "$work/renderer_bad.yaml"
check "config refuses an unknown renderer" 2 "renderer_bad.yaml:1:11: expected 'renderer' to be auto, gl or software, got 'vulkan'" -- "$bin" --config "$work/renderer_bad.yaml" list
mkdir -p "$XDG_CONFIG_HOME/posdrill"
printf 'lang: en\ncontent: %s\n' "$content" > "$XDG_CONFIG_HOME/posdrill/config.yaml"
check "default config from XDG_CONFIG_HOME" 0 'Pre-authorization' -- "$bin" list
check "flag beats config" 0 '预授权' -- "$bin" list --lang zh

# Config `terminal:` section (cli/terminal_settings.h): every field accepted when right, and each
# mistake named by file:line:column with what was expected. `tcfg NAME LINES…` writes
# $work/NAME.yaml: `terminal:` then one line each.
tcfg() {
  local name=$1
  shift
  { echo 'terminal:'; printf '%s\n' "$@"; } > "$work/$name.yaml"
}
tcheck() {  # NAME EXPECTED_EXIT PATTERN CONFIG
  check "$1" "$2" "$3" -- "$bin" --config "$work/$4.yaml" --content "$content" list
}
tcfg t_full '  nexo: http://192.0.2.10:8080/nexo' '  poi_id: TRAINING-01' '  acquirer: example_acquirer_uat' \
  '  timeout: 120' '  ca_file: terminal-ca.pem' '  proxy:' '    listen: 0.0.0.0:6000' '    upstream: 192.0.2.50:5000' \
  '  test_hosts: [192.0.2.50:5000]'
tcheck "terminal: every field accepted" 0 '' t_full
tcfg t_hosts_first '  test_hosts: [192.0.2.50, "[2001:db8::5]:5000"]' '  proxy: {listen: "[::1]:0", upstream: "[2001:db8::5]:5000"}' \
  '  nexo: https://[2001:db8::10]:8443/nexo' '  timeout: 5' '  poi_id: "POI 7 (till #3)"'
tcheck "terminal: test_hosts before proxy, IPv6, https, a port-less test host" 0 '' t_hosts_first
tcfg t_loopback '  proxy:' '    listen: 127.0.0.1:0' '    upstream: localhost:5000' '  timeout: 600' '  ca_file: /etc/ssl/x.pem'
tcheck "terminal: a loopback upstream needs no test_hosts" 0 '' t_loopback
printf 'terminal: yes\n' > "$work/t_scalar.yaml"
tcheck "terminal: not a map" 2 "t_scalar.yaml:1:11: expected 'terminal' to be a map with keys nexo, poi_id" t_scalar
tcfg t_unknown '  nexo: http://192.0.2.10:8080/nexo' '  nexus: x'
tcheck "terminal: unknown key lists the expected ones" 2 \
  "t_unknown.yaml:3:3: unknown key 'terminal.nexus' in the 'terminal' section \\(did you mean 'nexo'\\?\\); expected one of: nexo, poi_id, acquirer, timeout, answer_timeout, ca_file, proxy, wire, test_hosts" t_unknown
tcfg t_nexo_scheme '  nexo: ftp://192.0.2.10:21/nexo'
tcheck "terminal: nexo needs http or https" 2 "t_nexo_scheme.yaml:2:9: expected 'terminal.nexo' to be the terminal's nexo URL.*http:// or https://" t_nexo_scheme
tcfg t_nexo_name '  nexo: http://terminal.example:8080/nexo'
tcheck "terminal: nexo needs a numeric address" 2 "t_nexo_name.yaml:2:9: .*numeric address and port" t_nexo_name
tcfg t_nexo_port '  nexo: http://192.0.2.10/nexo'
tcheck "terminal: nexo needs a port" 2 "t_nexo_port.yaml:2:9: .*numeric address and port" t_nexo_port
tcfg t_nexo_query '  nexo: http://192.0.2.10:8080/nexo?debug=1'
tcheck "terminal: nexo without a query" 2 "t_nexo_query.yaml:2:9: .*without user, query or fragment" t_nexo_query
tcfg t_nexo_empty '  nexo: ""'
tcheck "terminal: empty nexo" 2 "t_nexo_empty.yaml:2:9: 'terminal.nexo' is empty" t_nexo_empty
tcfg t_poi_long "  poi_id: $(printf 'P%.0s' {1..65})"
tcheck "terminal: poi_id over 64 characters" 2 "t_poi_long.yaml:2:11: expected 'terminal.poi_id' to be 1-64 printable ASCII" t_poi_long
tcfg t_poi_cjk '  poi_id: 终端1'
tcheck "terminal: poi_id not ASCII" 2 "t_poi_cjk.yaml:2:11: expected 'terminal.poi_id' to be 1-64 printable ASCII" t_poi_cjk
tcfg t_acq_empty "  acquirer: ''"
tcheck "terminal: empty acquirer" 2 "t_acq_empty.yaml:2:13: 'terminal.acquirer' is empty" t_acq_empty
tcfg t_acq_map '  acquirer: {id: x}'
tcheck "terminal: acquirer as a map" 2 "t_acq_map.yaml:2:13: expected 'terminal.acquirer' to be a single value" t_acq_map
for bad in 4 601 -30 99999999999; do
  tcfg t_timeout "  timeout: $bad"
  tcheck "terminal: timeout $bad refused" 2 \
    "t_timeout.yaml:2:12: 'terminal.timeout' must be between 5 and 600 seconds, got $bad" t_timeout
done
for bad in 12.5 2m 0x10; do
  tcfg t_timeout "  timeout: $bad"
  tcheck "terminal: timeout $bad refused" 2 \
    "t_timeout.yaml:2:12: expected 'terminal.timeout' to be a whole number of seconds, got '$bad'" t_timeout
done
tcfg t_ca_list '  ca_file: [a.pem, b.pem]'
tcheck "terminal: ca_file is one file" 2 "t_ca_list.yaml:2:12: expected 'terminal.ca_file' to be a single value" t_ca_list
tcfg t_proxy_scalar '  proxy: 192.0.2.50:5000'
tcheck "terminal: proxy must be a map" 2 "t_proxy_scalar.yaml:2:10: expected 'terminal.proxy' to be a map" t_proxy_scalar
tcfg t_proxy_half '  proxy:' '    listen: 0.0.0.0:6000'
tcheck "terminal: proxy needs upstream too" 2 "t_proxy_half.yaml:3:5: expected 'terminal.proxy' to have both listen and upstream; upstream is missing" t_proxy_half
tcfg t_proxy_half_bad '  proxy: {listen: everywhere}'
out=$("$bin" --config "$work/t_proxy_half_bad.yaml" --content "$content" list 2>&1)
if grep -q "expected 'terminal.proxy.listen' to be ADDR:PORT" <<<"$out" && grep -q "upstream is missing" <<<"$out"; then
  echo "ok   terminal: a bad listen and a missing upstream are both reported"; passed=$((passed + 1))
else
  echo "FAIL terminal: a bad listen and a missing upstream are both reported"; echo "$out"; failed=$((failed + 1))
fi
tcfg t_proxy_half2 '  proxy: {upstream: 127.0.0.1:5000}'
tcheck "terminal: proxy needs listen too" 2 "t_proxy_half2.yaml:2:10: .*listen is missing" t_proxy_half2
tcfg t_proxy_key '  proxy:' '    listen: 0.0.0.0:6000' '    upstream: 127.0.0.1:5000' '    upstrem: 127.0.0.1:5001'
tcheck "terminal: unknown proxy key" 2 "t_proxy_key.yaml:5:5: unknown key 'terminal.proxy.upstrem' in the 'terminal.proxy' section \\(did you mean 'upstream'\\?\\); expected one of: listen, upstream" t_proxy_key
tcfg t_listen_bad '  proxy:' '    listen: everywhere' '    upstream: 127.0.0.1:5000'
tcheck "terminal: proxy listen not ADDR:PORT" 2 "t_listen_bad.yaml:3:13: expected 'terminal.proxy.listen' to be ADDR:PORT" t_listen_bad
tcfg t_up_name '  proxy:' '    listen: 0.0.0.0:6000' '    upstream: acquirer.example:5000'
tcheck "terminal: proxy upstream host name refused" 2 "t_up_name.yaml:4:15: expected 'terminal.proxy.upstream' to be ADDR:PORT" t_up_name
tcfg t_up_port0 '  proxy:' '    listen: 0.0.0.0:6000' '    upstream: 127.0.0.1:0'
tcheck "terminal: proxy upstream port 0" 2 "t_up_port0.yaml:4:15: .*port 0 cannot be dialled" t_up_port0
tcfg t_up_refused '  proxy:' '    listen: 0.0.0.0:6000' '    upstream: 192.0.2.50:5000'
tcheck "terminal: upstream not a test host is refused" 2 \
  "t_up_refused.yaml:4:15: 'terminal.proxy.upstream' is refused: .*not an allowed acquirer TEST host" t_up_refused
tcfg t_up_wrong_port '  proxy:' '    listen: 0.0.0.0:6000' '    upstream: 192.0.2.50:5000' '  test_hosts: [192.0.2.50:5001]'
tcheck "terminal: a test host on another port does not allow it" 2 "t_up_wrong_port.yaml:4:15: .*is refused" t_up_wrong_port
# terminal.wire (play --wire) follows the proxy's rules: both addresses, a test host upstream.
tcfg t_wire_ok '  wire:' '    listen: 0.0.0.0:6001' '    upstream: 192.0.2.50:5000' '  test_hosts: [192.0.2.50:5000]'
tcheck "terminal: a wire section to a listed test host" 0 '' t_wire_ok
tcfg t_wire_half '  wire: {listen: 0.0.0.0:6001}'
tcheck "terminal: wire needs upstream too" 2 "t_wire_half.yaml:2:9: expected 'terminal.wire' to have both listen and upstream; upstream is missing" t_wire_half
tcfg t_wire_refused '  wire:' '    listen: 0.0.0.0:6001' '    upstream: 192.0.2.50:5000'
tcheck "terminal: wire upstream not a test host is refused" 2 \
  "t_wire_refused.yaml:4:15: 'terminal.wire.upstream' is refused: .*not an allowed acquirer TEST host" t_wire_refused
tcfg t_wire_key '  wire:' '    listen: 0.0.0.0:6001' '    upstream: 127.0.0.1:5000' '    upsteam: 127.0.0.1:5001'
tcheck "terminal: unknown wire key" 2 "t_wire_key.yaml:5:5: unknown key 'terminal.wire.upsteam' in the 'terminal.wire' section \\(did you mean 'upstream'\\?\\); expected one of: listen, upstream" t_wire_key
tcfg t_answer_ok '  answer_timeout: 30'
tcheck "terminal: the terminal's answer time-out" 0 '' t_answer_ok
tcfg t_answer_long '  answer_timeout: 3600'
tcheck "terminal: an answer time-out no terminal has" 2 \
  "t_answer_long.yaml:2:19: 'terminal.answer_timeout' must be between 5 and 180 seconds, got 3600" t_answer_long
tcfg t_hosts_scalar '  test_hosts: 192.0.2.50'
tcheck "terminal: test_hosts must be a list" 2 "t_hosts_scalar.yaml:2:15: expected 'terminal.test_hosts' to be a list" t_hosts_scalar
tcfg t_hosts_range '  test_hosts: [192.0.2.50, 192.0.2.0/24]'
tcheck "terminal: a network range is not a test host" 2 "t_hosts_range.yaml:2:28: expected a 'terminal.test_hosts' entry to be a numeric ADDR or ADDR:PORT, got '192.0.2.0/24'" t_hosts_range
tcfg t_hosts_any '  test_hosts:' '    - 0.0.0.0'
tcheck "terminal: the unspecified address is not a test host" 2 "t_hosts_any.yaml:3:7: .*got '0.0.0.0'" t_hosts_any
tcfg t_hosts_name '  test_hosts: [uat.acquirer.example]'
tcheck "terminal: a host name is not a test host" 2 "t_hosts_name.yaml:2:16: .*got 'uat.acquirer.example'" t_hosts_name
tcfg t_hosts_nested '  test_hosts: [[192.0.2.50]]'
tcheck "terminal: a test_hosts entry is one value" 2 "t_hosts_nested.yaml:2:16: expected each 'terminal.test_hosts' entry" t_hosts_nested
tcfg t_many '  nexo: x' '  timeout: 1' '  poi_id: ""'
out=$("$bin" --config "$work/t_many.yaml" --content "$content" list 2>&1)
[ "$(grep -c 't_many.yaml:' <<<"$out")" -eq 3 ] && { echo "ok   terminal: every mistake is reported at once"; passed=$((passed + 1)); } ||
  { echo "FAIL terminal: every mistake is reported at once"; echo "$out"; failed=$((failed + 1)); }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
