"""The report's figures, drawn with matplotlib's object API on the Agg canvas (no display).

Each figure is returned as PNG bytes and, when a path is given, also written atomically.
They are meant to survive a black-and-white printer: lines differ by style and marker,
bars by hatching, and the confusion matrix prints its counts in the cells.

Use:
    png = training_curves(run)              # bytes, or None when there is no history
    error_ladder_chart(ladder_frame, "f1", path="ladder.png")
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from engine.core.atomic import atomic_path
from engine.words.formatting import fmt_error, step_name, t
from engine.project.run_record import RunRecord

DPI = 200
WIDTH_IN = 6.4
FONT = 8.5
_HATCHES = ("", "//", "..", "xx", "\\\\", "++")
_GRAYS = ("0.85", "0.65", "0.75", "0.55", "0.45", "0.35")


def _figure(height_in: float, width_in: float = WIDTH_IN) -> Figure:
    fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _finish(fig: Figure, path: str | Path | None) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    data = buffer.getvalue()
    if path is not None:
        with atomic_path(path, suffix=".png") as tmp:
            tmp.write_bytes(data)
    return data


def _style(ax) -> None:
    ax.tick_params(labelsize=FONT)
    ax.grid(True, color="0.85", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _series(history: list[dict], key: str) -> list[float]:
    return [float(h[key]) if isinstance(h.get(key), (int, float)) else math.nan
            for h in history]


def training_curves(run: RunRecord, path: str | Path | None = None) -> bytes | None:
    """Training loss and dev loss per epoch of ``run``; None when it has no loss history."""
    history = [h for h in run.history if isinstance(h, dict)]
    if not history or not any("loss" in h for h in history):
        return None
    epochs = list(range(1, len(history) + 1))
    every = max(1, len(epochs) // 15)
    fig = _figure(3.0)
    ax = fig.add_subplot()
    ax.plot(epochs, _series(history, "loss"), color="black", linestyle="-", marker="o",
            markersize=3.5, markevery=every, linewidth=1.4, label=t("curves.train"))
    if any("val_loss" in h for h in history):
        dev = _series(history, "val_loss")
        ax.plot(epochs, dev, color="0.35", linestyle="--", marker="s", markersize=3.5,
                markevery=every, linewidth=1.4, label=t("curves.dev"))
        best = run.params.get("best_epoch")
        finite = [(v, i + 1) for i, v in enumerate(dev) if math.isfinite(v)]
        if not (isinstance(best, int) and 1 <= best <= len(epochs)) and finite:
            best = min(finite)[1]
        if isinstance(best, int) and best >= 1:
            ax.axvline(best, color="0.2", linestyle=":", linewidth=1.1,
                       label=t("curves.best", epoch=best))
    ax.set_xlabel(t("curves.axis_epoch"), fontsize=FONT)
    ax.set_ylabel(t("curves.axis_loss"), fontsize=FONT)
    ax.set_xlim(0.5, len(epochs) + 0.5)
    _style(ax)
    ax.legend(fontsize=FONT, frameon=False)
    return _finish(fig, path)


def error_ladder_chart(ladder: pd.DataFrame, metric: str | None,
                       path: str | Path | None = None) -> bytes | None:
    """One hatched bar per rung of the error ladder, labelled with its error."""
    if ladder.empty:
        return None
    errors = [float(e) if pd.notna(e) else 0.0 for e in ladder["error"]]
    names = [step_name({"name": n}) for n in ladder["step"]]
    fig = _figure(2.8)
    ax = fig.add_subplot()
    positions = range(len(errors))
    bars = ax.bar(positions, errors, width=0.62, edgecolor="black", linewidth=0.8,
                  color=[_GRAYS[i % len(_GRAYS)] for i in positions])
    for i, bar in enumerate(bars):
        bar.set_hatch(_HATCHES[i % len(_HATCHES)])
    top = max(errors + [1e-9])
    for bar, err in zip(bars, errors):
        ax.annotate(fmt_error(err, metric), (bar.get_x() + bar.get_width() / 2, err),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontsize=FONT)
    ax.set_xticks(list(positions), names, fontsize=FONT)
    ax.set_ylim(0, top * 1.22)
    ax.set_ylabel(t("diagnosis.axis_error"), fontsize=FONT)
    if metric is None or fmt_error(0.5, metric).endswith("%"):
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{100 * v:.0f}%" if top >= 0.05
                                     else f"{100 * v:.1f}%")
    _style(ax)
    ax.grid(False, axis="x")
    return _finish(fig, path)


def confusion_chart(confusion: pd.DataFrame, path: str | Path | None = None) -> bytes | None:
    """The confusion matrix as a grey grid with the count printed in every cell."""
    if confusion.empty:
        return None
    labels = [str(c) for c in confusion.columns if c != "true_class"]
    counts = confusion[labels].to_numpy(dtype=float)
    n = len(labels)
    side = min(6.0, max(2.8, 0.45 * n + 1.8))
    fig = _figure(side, width_in=min(WIDTH_IN, side + 0.4))
    ax = fig.add_subplot()
    ax.imshow(counts, cmap="Greys", vmin=0, vmax=max(counts.max(), 1))
    size = FONT if n <= 8 else max(5.0, FONT - 0.25 * (n - 8))
    limit = 0.55 * max(counts.max(), 1)
    for i in range(n):
        for j in range(n):
            value = int(counts[i, j])
            ax.text(j, i, f"{value:,}", ha="center", va="center", fontsize=size,
                    color="white" if counts[i, j] > limit else "black",
                    fontweight="bold" if i == j else "normal")
    rotate = 45 if n > 4 or max(len(lab) for lab in labels) > 8 else 0
    ax.set_xticks(range(n), labels, fontsize=size, rotation=rotate,
                  ha="right" if rotate else "center")
    ax.set_yticks(range(n), labels, fontsize=size)
    ax.set_xlabel(t("final.axis_predicted"), fontsize=FONT)
    ax.set_ylabel(t("final.axis_true"), fontsize=FONT)
    ax.set_xticks([x - 0.5 for x in range(1, n)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n)], minor=True)
    ax.grid(which="minor", color="0.5", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    return _finish(fig, path)
