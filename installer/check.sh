#!/usr/bin/env bash
# Build the bundle, then run it as a user would (installer/smoke.sh): --version, the window,
# the whole demo, ONNX and LiteRT exports, the sound sample, a PostgreSQL address and, when
# WordLlama is installed, its word vectors; each timed.
# Slow (about 10 minutes, ~1.2 GB of disk): run it before a release, not on every CI run.
set -euo pipefail
cd "$(dirname "$0")/.."
installer/build.sh
installer/smoke.sh dist/practica/practica
echo "Installer check passed: the bundle ran the demo, the exports and the sound sample."
