"""The telemetry digest kept beside a run: quantiles, unit shares, alerts, the file."""

import json

import numpy as np
import pytest

from engine.core.jobs import AlertRaised, EpochEnded, TelemetrySampled
from engine.training.monitor.digest import DIGEST_FILE, TelemetryDigest, read_digest


def _sample(step, ratios, grad=None, activations=None):
    return TelemetrySampled("r", step, 1, 0.01, ratios, {}, grad, activations)


def test_digest_keeps_quantiles_unit_shares_and_alerts_with_their_epoch(tmp_path):
    seen = []
    digest = TelemetryDigest()
    progress = digest.watching(seen.append)
    rng = np.random.default_rng(0)
    ratios = rng.lognormal(np.log(1e-3), 0.5, 40)
    for i, r in enumerate(ratios):
        progress(_sample(i, {"dense": float(r), "dense_1": float(r) / 10}, grad=float(i + 1),
                         activations={"dense": {"dead": 0.1 + i / 100}} if i % 10 == 0
                         else None))
        if i == 19:
            progress(EpochEnded("r", 1, 3, {"loss": 0.5}))
            progress(EpochEnded("r", 2, 3, {"loss": 0.4}))
    progress(AlertRaised("r", "dead_relu", "warning", "Many units are dead."))
    assert len(seen) == 43  # every event goes on to the monitor unchanged
    digest.save(tmp_path)

    saved = read_digest(tmp_path)
    assert saved == json.loads((tmp_path / DIGEST_FILE).read_text())
    dense = saved["layers"]["dense"]
    assert dense["update_ratio_median"] == pytest.approx(np.median(ratios))
    assert dense["update_ratio_low"] == pytest.approx(np.quantile(ratios, 0.1))
    assert dense["update_ratio_high"] == pytest.approx(np.quantile(ratios, 0.9))
    assert saved["layers"]["dense_1"]["update_ratio_median"] == pytest.approx(
        np.median(ratios) / 10)
    assert dense["dead_last"] == pytest.approx(0.4) and dense["dead_max"] == pytest.approx(0.4)
    assert saved["grad_norm"] == {"min": 1.0, "median": 20.5, "max": 40.0}
    assert saved["samples"] == 40 and saved["epochs"] == 2
    assert saved["alerts"] == [{"code": "dead_relu", "severity": "warning",
                                "text": "Many units are dead.", "after_epochs": 2}]


def test_a_run_without_samples_or_alerts_writes_no_file(tmp_path):
    digest = TelemetryDigest()
    digest.watching(lambda e: None)(EpochEnded("r", 1, 1, {"loss": 1.0}))
    digest.save(tmp_path)
    assert not (tmp_path / DIGEST_FILE).exists()
    assert read_digest(tmp_path) is None
    (tmp_path / DIGEST_FILE).write_text("{not json")
    assert read_digest(tmp_path) is None
