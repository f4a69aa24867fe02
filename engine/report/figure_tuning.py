"""The report's tuning figures: the search's history with the best so far, and the
importance of each searched setting.

Drawn with matplotlib's object API on the Agg canvas, like ``engine.report.figures``, and
readable in grayscale: trials are black markers whose shape changes with the round (a
cross for a trial that breaks a constraint), the best so far is a solid step line, and
the importance bars are hatched and labelled with their share.

Use:
    png = history_chart(summary, "accuracy")          # bytes, or None
    png = importance_chart(summary.importance)
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from matplotlib.ticker import FuncFormatter, MaxNLocator

from engine.report.figures import FONT, _figure, _finish, _style
from engine.tuning.summary_types import TuningSummary
from engine.words.formatting import error_is_share, t

_ROUND_MARKERS = ("o", "s", "^", "D", "v", "P")


def history_chart(summary: TuningSummary | None, metric: str | None,
                  path: str | Path | None = None) -> bytes | None:
    """Dev error of every finished trial against its number, with the best feasible so far;
    None when no trial finished."""
    history = [h for h in (summary.history if summary else ()) if h.value is not None]
    if not history:
        return None
    share = error_is_share(metric)
    scale = 100.0 if share else 1.0
    fig = _figure(2.9)
    ax = fig.add_subplot()
    rounds = sorted({h.round for h in history})
    for i, rnd in enumerate(rounds):
        marker = _ROUND_MARKERS[i % len(_ROUND_MARKERS)]
        ok = [h for h in history if h.round == rnd and h.feasible]
        ax.plot([h.trial for h in ok], [scale * h.value for h in ok], linestyle="none",
                marker=marker, markersize=4.5, markerfacecolor="white", markeredgecolor="black",
                markeredgewidth=0.9,
                label=t("tuning.round_label", round=rnd) if len(rounds) > 1
                else t("tuning.trial_point"))
    broken = [h for h in history if not h.feasible]
    if broken:
        ax.plot([h.trial for h in broken], [scale * h.value for h in broken],
                linestyle="none", marker="x", markersize=5, color="0.35",
                label=t("tuning.breaks"))
    best = [(h.trial, scale * h.best_so_far) for h in history if h.best_so_far is not None]
    if best:
        last = history[-1].trial
        xs = [b[0] for b in best] + [last]
        ys = [b[1] for b in best] + [best[-1][1]]
        ax.step(xs, ys, where="post", color="black", linewidth=1.5,
                label=t("tuning.best_so_far"))
    ax.set_xlabel(t("tuning.axis_trial"), fontsize=FONT)
    ax.set_ylabel(t("tuning.axis_error"), fontsize=FONT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    values = [scale * h.value for h in history]
    span = max(max(values) - min(values), 1e-9)
    ax.set_ylim(min(values) - 0.08 * span, max(values) + 0.08 * span)  # points off the axes
    if share:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
    _style(ax)
    ax.legend(fontsize=FONT, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _finish(fig, path)


def importance_chart(importance: Mapping[str, float] | None,
                     path: str | Path | None = None) -> bytes | None:
    """One hatched horizontal bar per setting, most important on top; None when empty."""
    items = sorted((importance or {}).items(), key=lambda kv: kv[1])
    if not items:
        return None
    names = [name for name, _ in items]
    values = [100.0 * float(v) for _, v in items]
    fig = _figure(0.45 + 0.3 * len(items), width_in=5.2)
    ax = fig.add_subplot()
    bars = ax.barh(range(len(items)), values, height=0.6, color="0.75", edgecolor="black",
                   linewidth=0.8, hatch="//")
    for bar, value in zip(bars, values):
        ax.annotate(f"{value:.0f}%", (value, bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=FONT)
    ax.set_yticks(range(len(items)), names, fontsize=FONT)
    ax.set_xlim(0, max(values) * 1.18)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
    _style(ax)
    ax.grid(False, axis="y")
    return _finish(fig, path)
