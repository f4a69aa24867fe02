"""What the monitor saw during a run, kept beside it as ``runs/<id>/telemetry.json``.

The live telemetry (``engine.training.monitor.telemetry``) streams samples to the monitor and is gone when
the run ends. ``TelemetryDigest`` watches the same events on their way out and keeps a
small summary the report can quote later: per layer, the spread of the weight-update
ratio and the last and largest share of dead or saturated units; the range of the
gradient norm; and every alert raised, with the number of epochs finished when it came.

Use:
    digest = TelemetryDigest()
    progress = digest.watching(progress)     # pass this on to the callbacks
    ...                                      # model.fit(...)
    digest.save(run_dir)
    read_digest(run_dir)["alerts"]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from engine.core import atomic
from engine.core.jobs import AlertRaised, EpochEnded, ProgressFn, TelemetrySampled

DIGEST_FILE = "telemetry.json"
VERSION = 1
MAX_VALUES = 2000
"""Update ratios kept per layer (the most recent ones); enough for stable quantiles."""


class TelemetryDigest:
    """Collects the telemetry samples and alerts of one run (see the module docstring)."""

    def __init__(self, start_epoch: int = 0) -> None:
        self.samples = 0
        self.epoch = start_epoch  # epochs finished (a resumed run starts past 0)
        self._ratios: dict[str, list[float]] = {}
        self._units: dict[str, dict[str, float]] = {}
        self._grad: list[float] = []
        self.alerts: list[dict[str, Any]] = []

    def watching(self, progress: ProgressFn) -> ProgressFn:
        """``progress`` with this digest looking at every event first."""

        def forward(event) -> None:
            self.observe(event)
            progress(event)

        return forward

    def observe(self, event) -> None:
        if isinstance(event, EpochEnded):
            self.epoch = max(self.epoch, int(event.epoch))
        elif isinstance(event, TelemetrySampled):
            self._sample(event)
        elif isinstance(event, AlertRaised):
            self.alerts.append({"code": event.code, "severity": event.severity,
                                "text": event.text, "after_epochs": self.epoch})

    def _sample(self, sample: TelemetrySampled) -> None:
        self.samples += 1
        for layer, ratio in sample.update_ratio.items():
            values = self._ratios.setdefault(layer, [])
            values.append(float(ratio))
            if len(values) > MAX_VALUES:
                del values[: len(values) - MAX_VALUES]
        if sample.global_grad_norm is not None:
            self._grad.append(float(sample.global_grad_norm))
            if len(self._grad) > MAX_VALUES:
                del self._grad[: len(self._grad) - MAX_VALUES]
        for layer, stats in (sample.activations or {}).items():
            kept = self._units.setdefault(layer, {})
            for key in ("dead", "saturated"):
                if key in stats:
                    value = float(stats[key])
                    kept[f"{key}_last"] = value
                    kept[f"{key}_max"] = max(value, kept.get(f"{key}_max", 0.0))

    @property
    def empty(self) -> bool:
        return not self.samples and not self.alerts

    def to_dict(self) -> dict[str, Any]:
        layers: dict[str, dict[str, float]] = {}
        for layer, values in self._ratios.items():
            low, mid, high = np.quantile(np.asarray(values), [0.1, 0.5, 0.9])
            layers[layer] = {"update_ratio_median": float(mid), "update_ratio_low": float(low),
                             "update_ratio_high": float(high)}
        for layer, kept in self._units.items():
            layers.setdefault(layer, {}).update(kept)
        grad = None
        if self._grad:
            grad = {"min": float(np.min(self._grad)), "median": float(np.median(self._grad)),
                    "max": float(np.max(self._grad))}
        return {"version": VERSION, "samples": self.samples, "epochs": self.epoch,
                "layers": layers, "grad_norm": grad, "alerts": list(self.alerts)}

    def save(self, run_dir: str | Path) -> None:
        """Write ``telemetry.json`` into ``run_dir`` (nothing when nothing was seen)."""
        if not self.empty:
            atomic.write_json(Path(run_dir) / DIGEST_FILE, self.to_dict())


def read_digest(run_dir: str | Path) -> dict[str, Any] | None:
    """The digest saved for a run, or None (no file, or one that cannot be read)."""
    try:
        data = json.loads((Path(run_dir) / DIGEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == VERSION else None
