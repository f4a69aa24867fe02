"""What a trained model costs to use on this machine: time to answer, parameters, file size.

``measure_footprint`` times the model the way it would be used: one example at a time
(*latency*: the median time of single-row calls) and a batch of ``BATCH_ROWS`` examples at
once (the batch's median time, and the examples per second that gives). Every timing starts
after warm-up calls, because first calls compile or allocate. The timings cover scoring
already coded inputs (the model itself); reading and coding the raw row are not included.

Measuring stays cheap: the repeats stop once ``budget_s`` seconds have been spent (with at
least ``MIN_REPEATS`` of each kind), so a slow model is measured with fewer repeats rather
than for longer. ``Footprint.cost_s`` says how long the measuring took.

Use:
    fp = measure_footprint(scoring_function(predictor), X_dev, "runs/r1/model.keras",
                           params=4_226)
    fp.latency_ms, fp.batch_latency_ms
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

import numpy as np

from engine.models import simple_baselines
from engine.training.ensemble_model import ENSEMBLE
from engine.core.texts import text

BATCH_ROWS = 32
WARMUP_CALLS = 2
MIN_REPEATS = 3
SINGLE_REPEATS = 25
BATCH_REPEATS = 9
BUDGET_S = 0.3


@dataclass(frozen=True)
class Footprint:
    """The measured cost of a model.

    Args:
        latency_ms: median time to answer one example alone, in milliseconds.
        batch_latency_ms: median time to answer a batch of ``batch_rows`` examples.
        batch_rows: the batch size used.
        throughput_per_s: examples answered per second in batches (``batch_rows`` divided
            by the batch time).
        params: number of parameters of the model.
        size_mb: size of the model file on disk, in megabytes (10^6 bytes).
        single_repeats, batch_repeats: how many timed calls each median is taken over.
        cost_s: seconds spent measuring, warm-up included.
    """

    latency_ms: float
    batch_latency_ms: float
    batch_rows: int
    throughput_per_s: float
    params: float
    size_mb: float
    single_repeats: int
    batch_repeats: int
    cost_s: float

    def measured(self) -> dict[str, float]:
        """The quantities a run record keeps (``RunRecord.measured``); constraints read them."""
        return {"latency_ms": self.latency_ms, "batch_latency_ms": self.batch_latency_ms,
                "throughput_per_s": self.throughput_per_s, "params": self.params,
                "size_mb": self.size_mb, "measure_s": self.cost_s}

    def to_dict(self) -> dict:
        return asdict(self)


def measure_footprint(score: Callable[[object], object], X, model_path: str | os.PathLike,
                      params: float, budget_s: float = BUDGET_S) -> Footprint:
    """Time ``score`` on rows of ``X`` and read the model file's size.

    Args:
        score: the function that answers coded inputs (see ``scoring_function``).
        X: coded example rows (an array, one example per entry of its first axis); fewer
            than ``BATCH_ROWS`` rows are repeated to fill the batch.
        model_path: the saved model file.
        params: the model's parameter count (known from training).
        budget_s: soft limit on the seconds spent on timed repeats.

    Raises:
        ValueError: ``X`` has no rows.
    """
    started = time.perf_counter()
    rows = len(X)
    if rows == 0:
        raise ValueError("measure_footprint needs at least one row")
    singles = [_take(X, [i % rows]) for i in range(SINGLE_REPEATS)]
    batch = _take(X, np.arange(BATCH_ROWS) % rows)
    for _ in range(WARMUP_CALLS):
        score(singles[0])
        score(batch)
    single_times = _timed(score, singles, budget_s / 2)
    batch_times = _timed(score, [batch] * BATCH_REPEATS, budget_s / 2)
    latency = 1000.0 * statistics.median(single_times)
    batch_latency = 1000.0 * statistics.median(batch_times)
    return Footprint(
        latency_ms=latency, batch_latency_ms=batch_latency, batch_rows=BATCH_ROWS,
        throughput_per_s=BATCH_ROWS / (batch_latency / 1000.0) if batch_latency > 0 else
        float("inf"),
        params=float(params), size_mb=os.path.getsize(model_path) / 1e6,
        single_repeats=len(single_times), batch_repeats=len(batch_times),
        cost_s=time.perf_counter() - started)


def describe_measured(measured: Mapping[str, float]) -> str:
    """The timings of a run's ``measured`` in one plain sentence; empty for runs measured
    before batch timings existed."""
    single, batch = measured.get("latency_ms"), measured.get("batch_latency_ms")
    rate = measured.get("throughput_per_s")
    if single is None or batch is None or rate is None:
        return ""
    return text("footprint.summary", single=f"{single:.3g}", batch=f"{batch:.3g}",
                rows=BATCH_ROWS, rate=f"{rate:,.0f}")


def scoring_function(predictor) -> Callable[[object], object]:
    """How a trained model answers a few rows at a time.

    A Keras model is called through ``predict_on_batch``: ``predict`` builds a data
    pipeline on every call, which costs tens of milliseconds whatever the number of rows
    and would be measured instead of the model. A scikit-learn baseline answers through
    the predictor itself, and so does an ensemble (its members one after another).
    """
    if predictor.kind in simple_baselines.KINDS or predictor.kind == ENSEMBLE:
        return predictor.scores
    model = predictor.model
    return lambda x: np.asarray(model.predict_on_batch(x))


def _timed(score: Callable, inputs: list, budget_s: float) -> list[float]:
    times: list[float] = []
    spent = 0.0
    for x in inputs:
        start = time.perf_counter()
        score(x)
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
        if len(times) >= MIN_REPEATS and spent >= budget_s:
            break
    return times


def _take(X, index) -> np.ndarray:
    """Rows ``index`` of the coded inputs ``X``."""
    return np.take(np.asarray(X), np.asarray(index), axis=0)
