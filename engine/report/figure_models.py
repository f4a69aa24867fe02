"""The report's comparison of models: one horizontal bar per kind of model, its best dev error.

Drawn with matplotlib's object API on the Agg canvas, like ``engine.report.figures``, and
readable in grayscale: simple baselines are dotted light bars, the other models plain light
bars, the chosen model a dark cross-hatched bar; a dashed line marks the best baseline and
every bar carries its error.

Example:
    >>> png = models_chart([("Majority class", 0.37, "baseline"), ("MLP", 0.03, "chosen")],
    ...                    "accuracy", baseline=0.37)
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from matplotlib.ticker import FuncFormatter

from engine.report.figures import FONT, _figure, _finish, _style
from engine.words.formatting import error_is_share, fmt_error, t

_LOOK = {"baseline": {"color": "0.85", "hatch": ".."},
         "other": {"color": "0.7", "hatch": ""},
         "chosen": {"color": "0.3", "hatch": "xx"}}


def models_chart(bars: Sequence[tuple[str, float, str]], metric: str | None,
                 baseline: float | None = None, path: str | Path | None = None) -> bytes | None:
    """``bars``: (label, dev error, role) with role ``baseline``, ``other`` or ``chosen``,
    drawn top to bottom in the order given; None when there are none."""
    if not bars:
        return None
    share = error_is_share(metric)
    scale = 100.0 if share else 1.0
    n = len(bars)
    fig = _figure(0.55 + 0.32 * n)
    ax = fig.add_subplot()
    positions = list(range(n))[::-1]
    values = [scale * float(b[1]) for b in bars]
    drawn = ax.barh(positions, values, height=0.62, edgecolor="black", linewidth=0.8,
                    color=[_LOOK[b[2]]["color"] for b in bars])
    for bar, item, value in zip(drawn, bars, values):
        bar.set_hatch(_LOOK[item[2]]["hatch"])
        ax.annotate(fmt_error(item[1], metric), (value, bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=FONT)
    labels = [b[0] + (f" {t('compare.label_chosen')}" if b[2] == "chosen" else "")
              for b in bars]
    ax.set_yticks(positions, labels, fontsize=FONT)
    if baseline is not None:
        ax.axvline(scale * baseline, color="black", linestyle="--", linewidth=1.0)
    top = max(values + [scale * baseline if baseline is not None else 0.0, 1e-9])
    ax.set_xlim(0, top * 1.2)
    ax.set_xlabel(t("compare.axis"), fontsize=FONT)
    if share:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
    _style(ax)
    ax.grid(False, axis="y")
    return _finish(fig, path)
