"""Measuring a model's footprint on this machine: latency per example and per batch,
parameters, file size; a slow model is measured as slow and measuring stays cheap."""

import os
import time

import numpy as np
import pytest

from engine.training.footprint import (BATCH_ROWS, describe_measured, measure_footprint,
                              scoring_function)


# Upper bounds hold on a machine of its own; `make test` runs one test worker per core, and
# another worker's training stretches sleeps and timings.
SHARED = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)


class SleepyModel:
    """A stand-in Keras model whose answer costs a fixed time plus a time per row."""

    def __init__(self, per_call_s: float, per_row_s: float = 0.0) -> None:
        self.per_call_s, self.per_row_s = per_call_s, per_row_s
        self.calls: list[int] = []

    def predict_on_batch(self, x):
        self.calls.append(len(x))
        time.sleep(self.per_call_s + self.per_row_s * len(x))
        return np.zeros((len(x), 2))


class FakePredictor:
    kind = "mlp"

    def __init__(self, model) -> None:
        self.model = model


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "model.keras"
    path.write_bytes(b"\0" * 2_500_000)
    return path


def test_a_slow_model_is_measured_as_slow(model_file):
    model = SleepyModel(per_call_s=0.03)
    fp = measure_footprint(scoring_function(FakePredictor(model)), np.zeros((5, 3)),
                           model_file, params=1234)
    assert 29 <= fp.latency_ms < 45 * SHARED and 29 <= fp.batch_latency_ms < 45 * SHARED
    assert fp.size_mb == pytest.approx(2.5) and fp.params == 1234
    assert set(model.calls) == {1, BATCH_ROWS}  # single rows, and 5 rows repeated to 32
    # the budget caps the repeats: 4 warm-up calls plus a few timed ones, well under a second
    assert fp.single_repeats >= 3 and fp.batch_repeats >= 3 and fp.cost_s < 0.8 * SHARED
    assert fp.measured()["latency_ms"] == fp.latency_ms


def test_batch_time_and_throughput_follow_the_rows(model_file):
    model = SleepyModel(per_call_s=0.0, per_row_s=0.002)
    fp = measure_footprint(scoring_function(FakePredictor(model)), np.zeros((50, 3)),
                           model_file, params=10)
    assert 1.9 <= fp.latency_ms < 6 * SHARED  # one row: about 2 ms
    assert 63 <= fp.batch_latency_ms < 90 * SHARED  # 32 rows: about 64 ms
    assert fp.batch_latency_ms > 5 * fp.latency_ms  # time follows the rows
    assert fp.throughput_per_s == pytest.approx(BATCH_ROWS / fp.batch_latency_ms * 1000)
    assert 350 / SHARED < fp.throughput_per_s < 510
    sentence = describe_measured(fp.measured())
    assert "one example alone" in sentence and f"a batch of {BATCH_ROWS}" in sentence
    assert describe_measured({"latency_ms": 3.0}) == ""
    with pytest.raises(ValueError):
        measure_footprint(lambda x: x, np.zeros((0, 3)), model_file, params=1)


def test_a_trained_run_records_its_footprint_cheaply(split_project):
    from engine.project.project import open_project
    from engine.training.job import TrainingSpec, run_training

    result = run_training(TrainingSpec(str(split_project.root), "mlp",
                                       {"epochs": 1, "width": 8}))
    run = open_project(split_project.root).run(result.run_id)
    m = run.measured
    assert {"latency_ms", "batch_latency_ms", "throughput_per_s", "params", "size_mb",
            "measure_s"} <= set(m)
    assert 0 < m["latency_ms"] <= m["batch_latency_ms"] * 1.5 * SHARED
    assert m["params"] > 0 and m["size_mb"] > 0
    # a small network is measured in well under a second (first-call compilation included)
    assert m["measure_s"] < 1.5 * SHARED
