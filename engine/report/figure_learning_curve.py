"""The report's learning-curve figure: training and dev error against training rows.

Drawn with matplotlib's object API on the Agg canvas, like ``engine.report.figures``, and
readable in grayscale: the training curve is a solid black line with circles, the dev curve
a dashed grey line with squares, the target a dotted line; error bars show one standard
deviation over the draws.

Use:
    png = learning_curve_chart(project.learning_curve)   # bytes, or None
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from engine.diagnosis.learning_curve_view import curve_series, has_curve
from engine.project.parts.learning_curve import LearningCurveRecord
from engine.report.figures import FONT, _figure, _finish, _style
from engine.words.formatting import fmt_count, t


def learning_curve_chart(curve: LearningCurveRecord | None,
                         path: str | Path | None = None) -> bytes | None:
    """The learning curves of ``curve`` (``project.learning_curve``); None when not drawn."""
    if not has_curve(curve):
        return None
    series = curve_series(curve)
    fig = _figure(3.0)
    ax = fig.add_subplot()
    bars = {"capsize": 3, "elinewidth": 0.9, "markersize": 5, "linewidth": 1.4}
    handles = [
        ax.errorbar(series.rows, series.train, yerr=series.train_std, color="black",
                    linestyle="-", marker="o", label=t("learning_curve.train"), **bars),
        ax.errorbar(series.rows, series.dev, yerr=series.dev_std, color="0.4",
                    linestyle="--", marker="s", markerfacecolor="white",
                    label=t("learning_curve.dev"), **bars)]
    if series.target is not None:
        handles.append(ax.axhline(series.target, color="0.2", linestyle=":", linewidth=1.2,
                                  label=t("learning_curve.target")))
    ax.set_xscale("log")
    ax.set_xticks(list(series.rows), [fmt_count(r) for r in series.rows])
    ax.xaxis.set_minor_locator(LogLocator(subs="all"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(t("learning_curve.axis_rows"), fontsize=FONT)
    ax.set_ylabel(t("learning_curve.axis_error"), fontsize=FONT)
    if series.percent:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
    ax.set_ylim(bottom=0)
    _style(ax)
    ax.legend(handles=handles, fontsize=FONT, frameon=False)
    return _finish(fig, path)
