"""Live statistics of a training run, sampled cheaply: the ``Telemetry`` Keras callback.

Every ``every`` steps it samples one step: a host copy of each layer's kernel before and
after that step gives the *update ratio* ``||W_after - W_before|| / ||W_before||`` (about
1e-3 is healthy); the optimizer of ``engine.training.monitor.optimizer`` has recorded each
variable's gradient norm inside the train step, read here per layer and over all layers;
the learning rate is read too. Every ``probe_every`` steps the hidden layers' outputs on a
fixed probe batch are summarised (``engine.training.monitor.activation_stats``). At each epoch end the first
Conv2D layer's filters are sent as small images (``engine.training.monitor.conv_filters``).

Cost stays small because all of it happens at a few steps only: never more often than
every ``min_interval`` seconds (50 ms, the same budget as ``BatchEnded``), and never so
often that it takes more than ``max_overhead`` (2 %) of the training time: half of it for
the samples, half for the activation probes. Each sample's and each probe's own cost is
timed and the next one waits ``cost / 1 %`` (the smaller of the last two costs, so a
one-off such as a first call compiling does not count), so on a slow or busy machine
(where reading weights is dearer) samples simply come less often. A sample whose time has
not come is skipped, not delayed. All work is done in ``on_train_batch_begin`` and at
epoch ends, which Keras calls on the training thread on every backend, so reading weights
is safe there and batch-end callbacks may still be dispatched asynchronously.

Use:
    telemetry = Telemetry("run-1", X_train[:64], events.append)
    model.fit(X_train, y_train, callbacks=[telemetry])
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np

from engine.training.monitor.activation_stats import probe_model, probe_stats
from engine.training.monitor.conv_filters import filter_images, first_conv2d
from engine.core.jobs import AlertRaised, FiltersSampled, ProgressFn, TelemetrySampled
from engine.training.monitor.callbacks import MIN_EVENT_INTERVAL
from engine.training.monitor.health import health_notes

PROBE_ROWS = 64
MAX_OVERHEAD = 0.02


def layer_key(path: str, model_name: str | None = None) -> str:
    """The layer a variable belongs to, from its path, without the model's own name.

    Use:
        layer_key("mlp/dense/kernel", "mlp")
    """
    parts = path.split("/")[:-1]
    if len(parts) > 1 and parts[0] == model_name:
        parts = parts[1:]
    return "/".join(parts) or path


def _host(variable) -> np.ndarray:
    """A host copy of a variable's value (never a view on the device buffer)."""
    return np.array(keras.ops.convert_to_numpy(variable.value), copy=True)


def _norm(values: np.ndarray) -> float:
    """L2 norm without BLAS: ``np.linalg.norm`` wakes OpenBLAS' threads, which then spin
    and slow the next training step (measured: +40 % on a small CNN's step)."""
    return math.sqrt(float(np.sum(np.square(values, dtype=np.float64))))


class Telemetry(keras.callbacks.Callback):
    """Send ``TelemetrySampled`` every few steps and ``FiltersSampled`` every epoch.

    Args:
        run_id: the run the events belong to.
        probe: training rows for the activation statistics (at most ``PROBE_ROWS`` are
            kept); None for no activation statistics.
        progress: receives the events.
        every: sample a step at most every this many steps.
        probe_every: summarise activations at most every this many steps.
        min_interval: seconds between two events of each kind at least; None means
            ``MIN_EVENT_INTERVAL`` (50 ms).
        max_overhead: the largest fraction of the wall time sampling and probing may take
            (half each); None for no limit (with ``min_interval=0`` it then samples
            exactly every ``every`` steps and probes every ``probe_every``).
    """

    async_safe = True

    def __init__(self, run_id: str, probe, progress: ProgressFn, *, every: int = 10,
                 probe_every: int = 50, min_interval: float | None = None,
                 max_overhead: float | None = MAX_OVERHEAD) -> None:
        super().__init__()
        self.run_id = run_id
        self.probe = None if probe is None else np.asarray(probe)[:PROBE_ROWS]
        self.progress = progress
        self._alerted: set[str] = set()
        self._unhealthy_before: set[str] = set()
        self.every = max(1, every)
        self.probe_every = max(1, probe_every)
        self.min_interval = MIN_EVENT_INTERVAL if min_interval is None else min_interval
        self.max_overhead = max_overhead
        self._step = 0
        self._epoch = 0
        self._last_sample = -math.inf    # step of the last sample taken
        self._last_probe = -math.inf     # step of the last activation summary
        self._next_sample = -math.inf    # the earliest time of the next sample
        self._next_probe = -math.inf     # the earliest time of the next activation probe
        self._cost = 0.0                 # seconds spent on the open sample so far
        self._last_cost: float | None = None  # seconds the last sample took
        self._samples_taken = 0
        self._last_probe_cost = 0.0      # seconds the last probe took
        self._last_filters = -math.inf   # time of the last FiltersSampled
        self._filters_due: int | None = None
        self._before: dict[str, np.ndarray] | None = None
        self._sample = (0, 0, False, None)  # (step, epoch, probe due, learning rate)
        self._kernels: dict[str, object] = {}
        self._groups: dict[str, list[str]] = {}
        self._probe_model = None
        self._probe_layers: list = []
        self._conv = None

    # --- set-up -------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        model = self.model
        optimizer = getattr(model, "optimizer", None)
        factor = getattr(optimizer, "lr_factor", lambda path: 1.0)
        self._kernels, self._groups = {}, {}
        for variable in model.trainable_variables:
            key = layer_key(variable.path, model.name)
            self._groups.setdefault(key, []).append(variable.path)
            # Layers the optimizer does not move (factor 0) would only look "too small".
            if variable.path.split("/")[-1].endswith("kernel") and \
                    factor(variable.path) != 0.0 and key not in self._kernels:
                self._kernels[key] = variable
        if self.probe is not None and len(self.probe):
            self._probe_model, self._probe_layers = probe_model(model)
        self._conv = first_conv2d(model)

    # --- sampling -----------------------------------------------------------------
    def _sync(self) -> None:
        """JAX keeps the weights outside the model during an epoch: put them back."""
        sync = getattr(self.model, "jax_state_sync", None)
        if sync is not None:
            sync()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self._before is not None:  # the sampled step has run
            self._finish()
        self._step += 1
        start = time.perf_counter()
        if self._step - self._last_sample >= self.every and start >= self._next_sample:
            self._sync()
            self._before = {key: _host(v) for key, v in self._kernels.items()}
            probe_due = (self._probe_model is not None and start >= self._next_probe
                         and self._step - self._last_probe >= self.probe_every)
            # The rate this step uses (a schedule moves on once the step has run).
            self._sample = (self._step, self._epoch + 1, probe_due, self._learning_rate())
            self._last_sample = self._step
            self._cost = time.perf_counter() - start

    def _finish(self) -> None:
        """Measure the sampled step (it has run) and send the sample."""
        start = time.perf_counter()
        self._sync()
        before, self._before = self._before, None
        step, epoch, probe_due, learning_rate = self._sample
        ratios = {}
        for key, variable in self._kernels.items():
            scale = _norm(before[key])
            if scale > 0.0:
                ratios[key] = _norm(_host(variable) - before[key]) / scale
        grads, total = self._gradient_norms()
        activations, probe_cost = None, 0.0
        if probe_due:
            probe_start = time.perf_counter()
            try:
                activations = probe_stats(self._probe_model, self._probe_layers, self.probe)
            except (TypeError, ValueError):
                # Rows the sub-model cannot take as they are: watch without activations
                # rather than stop the training.
                self._probe_model = None
            probe_cost = time.perf_counter() - probe_start
            self._last_probe = step
        sample = TelemetrySampled(self.run_id, step, epoch, learning_rate, ratios, grads,
                                  total, activations)
        self.progress(sample)
        self._raise_health_alerts(sample)
        end = time.perf_counter()
        # Half the overhead budget each for the samples and for the (dearer) probes. The
        # smaller of the last two costs counts: a one-off (the first call compiling or
        # warming up, a pause of the machine) does not hold back the samples after it.
        # The first sample waits for nothing (its cost may be such a one-off); the second
        # then waits for both, at the smaller cost, so the run's first two samples keep to
        # the budget too (on a backend whose first steps are fast, two free samples came
        # to 6-7 % of a 2 s fit against a 5 % share).
        share = self.max_overhead / 2 if self.max_overhead else math.inf
        cost = self._cost + end - start - probe_cost
        if self._last_cost is None:
            wait = 0.0
        else:
            wait = min(cost, self._last_cost) / share * (2 if self._samples_taken == 1 else 1)
        self._samples_taken += 1
        self._next_sample = end + max(self.min_interval, wait)
        self._last_cost = cost
        if probe_due:
            self._next_probe = end + min(probe_cost, self._last_probe_cost) / share
            self._last_probe_cost = probe_cost

    def _raise_health_alerts(self, sample: TelemetrySampled) -> None:
        """Warn once per run about what two samples in a row find unhealthy (one sample
        alone may be a passing spike)."""
        notes = {code: (severity, words) for code, severity, words in health_notes(sample)}
        for code in notes.keys() & self._unhealthy_before:
            if code not in self._alerted:
                self._alerted.add(code)
                severity, words = notes[code]
                self.progress(AlertRaised(self.run_id, code, severity, words))
        self._unhealthy_before = set(notes)

    def _gradient_norms(self) -> tuple[dict[str, float], float | None]:
        optimizer = getattr(self.model, "optimizer", None)
        norms = optimizer.gradient_norms() if hasattr(optimizer, "gradient_norms") else {}
        if not norms:
            return {}, None
        per_layer = {key: math.sqrt(sum(norms.get(p, 0.0) ** 2 for p in paths))
                     for key, paths in self._groups.items()}
        return per_layer, math.sqrt(sum(n * n for n in norms.values()))

    def _learning_rate(self) -> float | None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return None
        return float(keras.ops.convert_to_numpy(optimizer.learning_rate))

    # --- epoch ends -----------------------------------------------------------------
    def _send_filters(self, epoch: int) -> None:
        self._last_filters = time.monotonic()
        self._filters_due = None
        self.progress(FiltersSampled(self.run_id, epoch, self._conv.name,
                                     filter_images(self._conv.kernel)))

    def on_epoch_end(self, epoch, logs=None):
        if self._before is not None:
            self._finish()
        if self._conv is not None:
            if time.monotonic() - self._last_filters >= self.min_interval:
                self._send_filters(epoch + 1)
            else:  # epochs this fast: send the last one when training ends
                self._filters_due = epoch + 1

    def on_train_end(self, logs=None):
        # A sample still open here could see weights restored by early stopping: drop it.
        self._before = None
        if self._conv is not None and self._filters_due is not None:
            self._send_filters(self._filters_due)
