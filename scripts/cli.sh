#!/usr/bin/env bash
# `npm run cli -- <command> [flags]`: the command line in a checkout. Rebuilds the bundles when a
# source is newer than dist/node/cli.js, then runs it. No set-up: `npm start` or `npm run setup`
# installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/vulkan_env.sh

cli=dist/node/cli.js
if [ ! -f "$cli" ] || [ -n "$(find src shaders esbuild.config.mjs package-lock.json -newer "$cli" -print -quit)" ]; then
  # Build messages go to stderr: with --json, stdout carries the result alone.
  node esbuild.config.mjs >&2
fi
exec node "$cli" "$@"
