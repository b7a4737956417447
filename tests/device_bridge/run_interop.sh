#!/usr/bin/env bash
# ctest entry of the npm iso_8583 cross-check: installs the pinned package from package-lock.json
# when node_modules is missing, then runs interop_check.mjs against the interop_tool binary.
# Usage: run_interop.sh SRC_DIR INTEROP_TOOL
set -euo pipefail
src=${1:?usage: run_interop.sh SRC_DIR INTEROP_TOOL}
tool=${2:?usage: run_interop.sh SRC_DIR INTEROP_TOOL}

# A missing peer is a failure, never a skip: the cross-check is the only independent reader.
if ! command -v node >/dev/null 2>&1; then
  echo "interop check FAILED: node is not installed (Debian packages nodejs and npm)" >&2
  exit 1
fi
cd "$src"
# Installs the pinned peers from package-lock.json when node_modules is missing or stale.
"$src/tools/npm-deps.sh" "$src" || {
  echo "interop check FAILED: npm ci did not install iso_8583 (is the npm registry reachable?)" >&2
  exit 1
}
exec node tests/device_bridge/interop_check.mjs "$tool"
