#!/usr/bin/env bash
# The GPU check in one go (`make gpu-check`): the GPU variant of the telemetry bench
# (bench/gpu_check.py: app fit vs bare model.fit on the GPU, mixed precision, batch
# suggestion), then the tests of the device code. Made for a lent GPU machine with a fresh
# checkout and its .venv carried (no internet needed); about 4 minutes on one H100, with
# time limits that keep it under 8. Without a GPU the bench prints "no GPU: skipped" and
# the tests run on the processor.
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export QT_QPA_PLATFORM=offscreen
export PYTHONUNBUFFERED=1  # each figure shows as it comes, even if a time limit cuts the run
# This checkout first, whatever folder the carried .venv was installed from.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
start=$(date +%s)
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,memory.used,compute_cap,driver_version --format=csv
else
  echo "nvidia-smi: not on this machine"
fi
timeout 330 "$PY" -m bench.gpu_check
bench_rc=$?
timeout 120 "$PY" -m pytest -q -p no:cacheprovider \
  tests/engine/core/test_device.py tests/engine/training/test_device_setup.py \
  tests/engine/training/test_nan_oom.py tests/engine/training/test_mirrored_build.py
tests_rc=$?
echo "gpu-check: bench exit ${bench_rc}, device tests exit ${tests_rc}, $(( $(date +%s) - start )) s"
[ "$bench_rc" = 0 ] && [ "$tests_rc" = 0 ]
