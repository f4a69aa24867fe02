#!/usr/bin/env bash
# Build the bundle, then run it as a user would: --version and the whole demo workflow.
# Slow (several minutes, ~2 GB of disk): run it before a release, not on every CI run.
set -euo pipefail
cd "$(dirname "$0")/.."
installer/build.sh
app=dist/practica/practica
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$app" --version
( cd "$out" && env -i HOME="$out" PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen \
    "$OLDPWD/$app" demo --out "$out/demo" )
test -s "$out/demo/report.pdf"
echo "Installer check passed: the bundle runs --version and the demo, report written."
