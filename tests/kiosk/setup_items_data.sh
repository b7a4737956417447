#!/usr/bin/env bash
# Records for the question analysis screenshots, made by the real command line: refund_next_day
# drilled 25 times by four trainees (mostly the best path, some weaker answers, three critical
# errors that end the drill at the first question), so each of its questions has enough answers
# for figures and a flag or two; void_same_day drilled 3 times, too few for figures.
# Usage: setup_items_data.sh POSDRILL DATA_DIR CONTENT_DIR
set -euo pipefail
posdrill="$1"
data="$2"
content="$3"
rm -rf "$data"
POSDRILL_PIN=7391 "$posdrill" --data "$data" operators add --id 9001 --name 李店长 --role manager > /dev/null
for id in 1001 1002 1003 1004; do
  POSDRILL_PIN=2580 "$posdrill" --data "$data" operators add --id "$id" --name "学员$id" --role trainee > /dev/null
done
inputs=$(mktemp -d)
trap 'rm -rf "$inputs"' EXIT
# Strong trainees who take the long way round at first and do not staple the log.
printf '%s\n' void_try original_card refund bank_days log_contact > "$inputs/detour.txt"
# Weak answers all the way, slowly, after a hint or two.
printf '%s\n' hint 'ask_bank @40s' 'prove_owner @35s' refund 'instant @20s' no_note > "$inputs/weak.txt"
play() { "$posdrill" --data "$data" play refund_next_day --content "$content" --operator "$1" "${@:2}" > /dev/null 2>&1 || true; }
for n in $(seq 1 13); do play 100$(( n % 4 + 1 )) --auto best; done
for n in 1 2 3 4; do play 100$n --inputs "$inputs/detour.txt"; done
for n in 1 2 3; do play 100$n --inputs "$inputs/weak.txt"; done
for n in 2 3 4; do play 100$n --auto critical; done
# A critical error at the card question (a debit card for a credit card sale).
printf '%s\n' refund_it debit_ok > "$inputs/debit.txt"
for n in 1 2; do play 100$n --inputs "$inputs/debit.txt"; done
for n in 1 2 3; do "$posdrill" --data "$data" play void_same_day --content "$content" --operator 100$n --auto best > /dev/null 2>&1; done
