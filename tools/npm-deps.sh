#!/usr/bin/env bash
# Installs node_modules/ (the npm test peers: xapi-statements, xapi-validation, @xapi/xapi, ...)
# from the committed package-lock.json when it is missing or stale, and does nothing otherwise.
# Tests and benchmarks call it before using node_modules:
#   tools/npm-deps.sh [REPO_ROOT]        (REPO_ROOT defaults to the folder above this script)
# Concurrent callers are serialised with flock on /tmp/posdrill-npm-ci.lock, so two test runs
# never run `npm ci` at the same time. Exit 1 with a message if node/npm are missing or the
# install fails.
set -euo pipefail

root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
lock_file=/tmp/posdrill-npm-ci.lock

die() { echo "npm-deps: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node is missing (install Node.js >= 18, e.g. tools/install-deps.sh)"
command -v npm >/dev/null 2>&1 || die "npm is missing (install npm, e.g. tools/install-deps.sh)"
[ -f "$root/package.json" ] || die "no package.json in $root"
[ -f "$root/package-lock.json" ] || die "no package-lock.json in $root"

# Prints nothing and exits 0 when node_modules matches package-lock.json; otherwise prints why.
# The check: every top-level devDependency has its folder with a package.json, and every package
# of the lockfile is recorded in npm's hidden lockfile (node_modules/.package-lock.json) with the
# same version and integrity (optional packages for other platforms may be absent).
up_to_date() {
  node - "$root" <<'EOF'
const fs = require('fs');
const path = require('path');
const root = process.argv[2];
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const fail = (why) => { console.log(why); process.exit(1); };
const deps = Object.assign({}, pkg.dependencies || {}, pkg.devDependencies || {});
for (const name of Object.keys(deps)) {
  if (!fs.existsSync(path.join(root, 'node_modules', name, 'package.json'))) {
    fail(`node_modules/${name} is missing`);
  }
}
const hiddenPath = path.join(root, 'node_modules', '.package-lock.json');
if (!fs.existsSync(hiddenPath)) fail('node_modules/.package-lock.json is missing');
let hidden;
try { hidden = JSON.parse(fs.readFileSync(hiddenPath, 'utf8')); } catch (e) { fail('node_modules/.package-lock.json is unreadable'); }
const have = hidden.packages || {};
for (const [key, want] of Object.entries(lock.packages || {})) {
  if (key === '') continue;
  const got = have[key];
  if (!got) {
    if (want.optional) continue;
    fail(`${key} is not installed`);
  }
  if (got.version !== want.version || (want.integrity && got.integrity !== want.integrity)) {
    fail(`${key} is ${got.version}, the lockfile wants ${want.version}`);
  }
}
EOF
}

if why=$(up_to_date); then
  exit 0
fi

exec 9>"$lock_file" || die "cannot open $lock_file"
flock 9 || die "cannot lock $lock_file"
# Someone else may have installed while we waited for the lock.
if why=$(up_to_date); then
  exit 0
fi
echo "npm-deps: installing node_modules in $root ($why)" >&2
if ! (cd "$root" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error --include=dev); then
  die "npm ci failed in $root (is the npm registry reachable?)"
fi
if why=$(up_to_date); then
  exit 0
fi
die "node_modules is still not in line with package-lock.json after npm ci: $why"
