# Practica — set-up, run, test, demo, bench.
# `make run` and `make test` work on a fresh machine: they create .venv when missing.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Prefer a Python >= 3.12 (PySide6 6.12.0 on 3.11 aborts during live plotting; see DESIGN.md).
PYTHON_CANDIDATES := python3.12 python3.13 \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) \
	$(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) \
	python3
FIND_PYTHON := for p in $(PYTHON_CANDIDATES); do \
	  if $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo $$p; exit 0; fi; \
	done; echo python3

.PHONY: install run test postgres-binaries test-slow test-backends demo bench soak kill-loop bench-big gpu-check installer installer-check guide clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  base=$$($(FIND_PYTHON)); echo "Creating $(VENV) with $$base ($$($$base --version))"; \
	  $$base -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: install
	$(VENV)/bin/practica

# The suite runs in parallel, one worker per core up to four (pytest-xdist); each test file
# stays on one worker, so the tiny models a file trains once are shared by its tests.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
test: install postgres-binaries
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=20

# The database-study tests start a real PostgreSQL server: from the pgserver wheel (test
# extra), else the system's binaries, installed here when neither is there.
postgres-binaries: install
	@$(PY) -c 'from tests.engine.tuning.pg_server import binaries; binaries()' 2>/dev/null || { \
	  echo "Installing PostgreSQL for the database tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q postgresql; \
	  else sudo apt-get install -y -q postgresql; fi; }

test-slow: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m slow

# The engine's tests on JAX and on PyTorch too (installs both into .venv; TensorFlow stays
# the default). PyTorch's CPU build comes from its own index where that answers (no nvidia-*
# or triton wheels), else the index's plain torch (the CUDA build: ~5.4 GB with its nvidia-*
# wheels; it trains on the processor too). test_backends.py trains once on each in a fresh
# interpreter; then the whole engine suite runs under each backend.
BACKEND_TESTS := tests/engine -n $(TEST_WORKERS) --dist loadfile
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
test-backends: install
	$(PY) -m pip install --quiet "jax[cpu]"
	$(PY) -m pip install --quiet --retries 1 --timeout 30 --index-url $(TORCH_CPU_INDEX) torch \
	  || $(PY) -m pip install --quiet torch
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/engine/core/test_backends.py
	KERAS_BACKEND=jax QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(BACKEND_TESTS)
	KERAS_BACKEND=torch QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(BACKEND_TESTS)

demo: install
	$(VENV)/bin/practica demo --out demo-output

bench: install
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

soak: install
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.soak --minutes 10

# A 1M-row x 20-column CSV read, checked and split, next to a plain pandas read (bench/big_data.py).
bench-big: install
	$(PY) -m bench.big_data

# On a machine with a GPU: the GPU bench (app fit vs bare fit, mixed precision) and the
# device tests, under 8 minutes (bench/gpu_check.sh); elsewhere it prints "no GPU: skipped".
# No install step: it runs offline with a .venv carried to the GPU machine.
gpu-check:
	PY=$(PY) bash bench/gpu_check.sh

# kill -9 during training and tuning, 200 times; prints "runs lost: 0 in 200 kills" (bench/kill_loop.py).
kill-loop: install
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.kill_loop --kills 200

# A one-folder app in dist/practica (PyInstaller); see installer/ and the README.
installer: install
	PY=$(PY) installer/build.sh

# Builds the bundle and runs it as a user would (installer/smoke.sh: the window, the demo,
# exports, the sound sample; slow).
installer-check: install
	PY=$(PY) installer/check.sh

# The README's pictures: the e2e wizard test's screenshots, scaled into resources/guide/.
guide: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/e2e/test_wizard.py
	$(PY) -m tests.e2e.guide_images

clean:
	rm -rf demo-output .pytest_cache
