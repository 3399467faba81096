#!/usr/bin/env bash
# `npm start`: installs what is missing (no Chromium: only the browser tests need it), builds
# the bundles when a source is newer than them, and runs the main job (dist/node/cli.js).
# Arguments go to the program: npm start -- --steps 200 --backend cpu
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --no-browser
source scripts/vulkan_env.sh

cli=dist/node/cli.js
if [ ! -f "$cli" ] || [ -n "$(find src shaders esbuild.config.mjs package-lock.json -newer "$cli" -print -quit)" ]; then
  node esbuild.config.mjs >/dev/null
fi
exec node "$cli" "$@"
