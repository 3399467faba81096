#!/usr/bin/env bash
# `npm start`: installs what is missing (no Chromium: only the browser tests need it), builds the
# bundles when a source is newer than them, and runs the main job: `webgpu-descent all` (all three
# workloads on WebGPU, a summary table, report/index.html). Flags go to it:
#   npm start -- --backend cpu      npm start -- --quick      npm start -- --report /tmp/r.html
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --no-browser
exec bash scripts/cli.sh all "$@"
