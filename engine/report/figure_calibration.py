"""The report's reliability diagram: how often the model was right against how sure it
said it was, before and after calibration, on the dev rows (``engine.decision``).

Drawn with matplotlib's object API on the Agg canvas, like ``engine.report.figures``, and
readable in grayscale: the diagonal (what honest probabilities give) is a thin dotted line,
the bins before calibration grey squares on a dashed line, after it black circles on a
solid line; a marker's size grows with the rows in its bin.

Example:
    >>> png = reliability_chart(((0.95, 0.7, 40), (0.75, 0.6, 10)),
    ...                         ((0.72, 0.7, 38), (0.6, 0.62, 12)))
    >>> png[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from matplotlib.ticker import PercentFormatter

from engine.report.figures import FONT, _figure, _finish, _style
from engine.words.formatting import t

Bins = Sequence[tuple[float, float, int]]


def reliability_chart(before: Bins, after: Bins, path: str | Path | None = None) -> bytes | None:
    """Bins ``(mean confidence, share right, rows)`` before and after; None when both are
    empty."""
    if not before and not after:
        return None
    fig = _figure(3.4, 4.6)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="0.45", linestyle=":", linewidth=1.0,
            label=t("calibration.diagonal"))
    most = max([n for _, _, n in (*before, *after)] or [1])
    for bins, look, key in ((before, {"color": "0.55", "linestyle": "--", "marker": "s"},
                             "calibration.before"),
                            (after, {"color": "black", "linestyle": "-", "marker": "o"},
                             "calibration.after")):
        if not bins:
            continue
        ordered = sorted(bins)
        x, y = [b[0] for b in ordered], [b[1] for b in ordered]
        ax.plot(x, y, linewidth=1.3, marker=look["marker"], markersize=4, label=t(key),
                color=look["color"],
                linestyle=look["linestyle"])
        ax.scatter(x, y, s=[12 + 60 * b[2] / most for b in ordered], color=look["color"],
                   marker=look["marker"], zorder=3)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(t("calibration.axis_confidence"), fontsize=FONT)
    ax.set_ylabel(t("calibration.axis_right"), fontsize=FONT)
    _style(ax)
    ax.legend(fontsize=FONT, frameon=False, loc="upper left")
    return _finish(fig, path)
