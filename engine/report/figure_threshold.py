"""The report's figure of the decision threshold: precision, recall (and the optimizing
metric) against the threshold on the dev rows, the expected cost on a second axis when the
goal has a cost table, and the chosen threshold as a vertical line. Drawn with matplotlib's
object API on the Agg canvas like ``engine.report.figures``; readable in grayscale (line
styles differ, not only colours).

Use:
    png = threshold_chart(load_curve(project), 0.31)   # bytes, or None
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.core.texts import text
from engine.decision.threshold_curve import ThresholdCurve
from engine.goal.metrics import METRICS
from engine.report.figures import FONT, _figure, _finish, _style


def threshold_chart(curve: ThresholdCurve | None, value: float | None,
                    path: str | Path | None = None) -> bytes | None:
    """The dev curve with the threshold ``value`` marked; None without a curve."""
    if curve is None or not curve.thresholds:
        return None
    fig = _figure(2.6)
    ax = fig.subplots()
    x = np.asarray(curve.thresholds, dtype=float)
    ax.plot(x, curve.precision, color="#1f5fa8", linestyle="-", linewidth=1.3,
            label=_t("precision"))
    ax.plot(x, curve.recall, color="#c2571a", linestyle="--", linewidth=1.3, label=_t("recall"))
    if curve.values and curve.metric not in ("precision", "recall"):
        ax.plot(x, curve.values, color="0.2", linestyle=":", linewidth=1.5,
                label=METRICS[curve.metric].label if curve.metric in METRICS else curve.metric)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(_t("axis_threshold"), fontsize=FONT)
    ax.set_ylabel(_t("axis_value"), fontsize=FONT)
    _style(ax)
    handles, labels = ax.get_legend_handles_labels()
    if curve.costs:
        twin = ax.twinx()
        line, = twin.plot(x, curve.costs, color="#7b1fa2", linestyle="-.", linewidth=1.2,
                          label=_t("cost", unit=curve.cost_unit))
        twin.set_ylabel(_t("cost", unit=curve.cost_unit), fontsize=FONT)
        twin.tick_params(labelsize=FONT)
        handles.append(line)
        labels.append(line.get_label())
    if value is not None:
        ax.axvline(float(value), color="black", linewidth=1.0)
        ax.annotate(f"{float(value):.3g}", (float(value), 0.0), xytext=(3, 4),
                    textcoords="offset points", fontsize=FONT,
                    bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none"})
    fig.legend(handles, labels, loc="outside lower center", fontsize=FONT - 1,
               ncol=len(handles), frameon=False)
    return _finish(fig, path)


def _t(key: str, **values) -> str:
    return text(f"report.threshold.{key}", **values)
