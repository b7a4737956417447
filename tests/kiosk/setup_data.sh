#!/usr/bin/env bash
# Fresh records for the screenshot tests: one trainee (1001) and one manager (9001), created
# through the real command line. PINs come from the environment, as a careful user would pass them.
set -euo pipefail
posdrill="$1"
data="$2"
rm -rf "$data"
POSDRILL_PIN=2580 "$posdrill" --data "$data" operators add --id 1001 --name 王小明 --role trainee
POSDRILL_PIN=7391 "$posdrill" --data "$data" operators add --id 9001 --name 李店长 --role manager
