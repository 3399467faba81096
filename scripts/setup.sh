#!/usr/bin/env bash
# Everything `npm start` and `npm test` need, installed only when missing: the system packages
# (scripts/setup-system.sh: lavapipe, Chromium) and node_modules (`npm ci` when it is missing or
# older than package-lock.json). Quick when all is in place. Flags go to setup-system.sh
# (--no-browser skips Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
need_node_minor=19
if ! command -v node >/dev/null; then
  echo "setup: Node.js >= $need_node_major.$need_node_minor is needed; install it first" >&2
  exit 1
fi
node_version=$(node -p 'process.versions.node')
IFS=. read -r major minor _ <<<"$node_version"
if [ "$major" -lt "$need_node_major" ] || { [ "$major" = "$need_node_major" ] && [ "$minor" -lt "$need_node_minor" ]; }; then
  echo "setup: Node.js $node_version is too old; $need_node_major.$need_node_minor or newer is needed" >&2
  exit 1
fi

bash scripts/setup-system.sh "$@"

# npm writes node_modules/.package-lock.json on every install: when package-lock.json is newer,
# the installed tree may not match it (a pull, a branch switch, an edit).
installed=node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ package-lock.json -nt "$installed" ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
