"""The report's figure of the final test's curves (``project.final_test.curves``).

A classifier gets four panels: ROC, precision-recall, calibration and the coverage-vs-accuracy
curve of refusing when unsure; a regression gets predicted against true values. Drawn with
matplotlib's object API on the Agg canvas like ``engine.report.figures``, and readable in
grayscale: the model is a solid black line, the references (guessing, random flagging,
perfect calibration) dashed grey lines, the accuracy asked for a dotted line and the chosen
threshold a star; several classes differ by line style and marker, not by colour alone.

Use:
    png = final_curves_chart(project.final_test.curves)   # bytes, or None
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.ticker import FuncFormatter, PercentFormatter

from engine.words.curve_words import classes_to_draw
from engine.report.figures import FONT, _figure, _finish, _style
from engine.core.texts import text
from engine.project.parts.test_curves import Calibration, CurveBundle, RejectCurve

_LINES = ("-", "--", ":", "-.")
_MARKS = ("o", "s", "^", "D", "v", "P", "X", "*")
_GRAYS = ("0.0", "0.45", "0.25", "0.6")
_REFERENCE = {"color": "0.55", "linestyle": "--", "linewidth": 0.9}


def final_curves_chart(bundle: CurveBundle | None,
                       path: str | Path | None = None) -> bytes | None:
    """The curves of ``bundle``; None when there are none to draw."""
    if bundle is None:
        return None
    if bundle.is_regression:
        return _regression(bundle, path)
    if bundle.roc is None or not bundle.roc.curves:
        return None
    fig = _figure(5.6)
    axes = fig.subplots(2, 2)
    drawn = classes_to_draw(bundle)
    _roc(axes[0][0], bundle, drawn)
    _pr(axes[0][1], bundle, drawn)
    _calibration(axes[1][0], bundle)
    _coverage(axes[1][1], bundle)
    if bundle.task != "binary":
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles[1:], labels[1:], loc="outside lower center", fontsize=FONT - 1,
                   ncol=min(len(drawn), 4), frameon=False)
    return _finish(fig, path)


def _t(key: str, **values) -> str:
    return text(f"test_curves.{key}", **values)


def _class_style(bundle: CurveBundle, j: int) -> dict:
    if bundle.task == "binary":
        return {"color": "black", "linestyle": "-", "linewidth": 1.4}
    return {"color": _GRAYS[j % len(_GRAYS)], "linestyle": _LINES[j % len(_LINES)],
            "marker": _MARKS[j % len(_MARKS)], "markersize": 3.2, "linewidth": 1.1}


def _unit_axes(ax, title: str, x_key: str, y_key: str) -> None:
    ax.set_title(title, fontsize=FONT + 0.5)
    ax.set_xlabel(_t(x_key), fontsize=FONT)
    ax.set_ylabel(_t(y_key), fontsize=FONT)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.04)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    _style(ax)


def _roc(ax, bundle: CurveBundle, drawn: list[int]) -> None:
    curves = bundle.roc.curves
    ax.plot([0, 1], [0, 1], label=_t("legend_chance"), **_REFERENCE)
    for j, i in enumerate(drawn):
        c = curves[i]
        every = max(1, len(c.fpr) // 8)
        ax.plot(c.fpr, c.tpr, label=c.label, markevery=every, **_class_style(bundle, j))
    _unit_axes(ax, text("gui.curves.roc_title"), "axis_fpr", "axis_tpr")


def _pr(ax, bundle: CurveBundle, drawn: list[int]) -> None:
    curves = bundle.pr.curves if bundle.pr else ()
    for j, i in enumerate(drawn):
        c = curves[i]
        every = max(1, len(c.recall) // 8)
        style = _class_style(bundle, j)
        ax.plot(c.recall, c.precision, label=c.label, markevery=every, **style)
        if c.base_rate is not None:
            ax.axhline(c.base_rate, **{**_REFERENCE, "color": style["color"]
                                       if bundle.task != "binary" else "0.55"})
    _unit_axes(ax, text("gui.curves.pr_title"), "axis_recall", "axis_precision")


def _calibration(ax, bundle: CurveBundle) -> None:
    cal = bundle.calibration or Calibration()
    ax.plot([0, 1], [0, 1], label=_t("legend_perfect"), **_REFERENCE)
    ax.plot(cal.predicted, cal.observed, color="black", marker="o",
            markersize=3.5, linewidth=1.2, label=_t("legend_model"))
    _unit_axes(ax, text("gui.curves.calibration_title"), "axis_predicted_probability",
               "axis_observed")
    ax.legend(fontsize=FONT - 1, frameon=False, loc="upper left")


def _coverage(ax, bundle: CurveBundle) -> None:
    cov = bundle.coverage or RejectCurve()
    ax.plot(cov.coverage, cov.accuracy, color="black", linewidth=1.4,
            label=_t("legend_model"))
    if cov.target_accuracy is not None:
        ax.axhline(cov.target_accuracy, color="0.2", linestyle=":", linewidth=1.2,
                   label=_t("legend_target"))
    chosen = cov.chosen
    if chosen is not None:
        ax.plot([chosen.coverage], [chosen.accuracy], linestyle="none", marker="*",
                markersize=10, color="white", markeredgecolor="black",
                label=_t("legend_chosen"))
    ax.set_title(text("gui.curves.coverage_title"), fontsize=FONT + 0.5)
    ax.set_xlabel(_t("axis_coverage"), fontsize=FONT)
    ax.set_ylabel(_t("axis_accuracy"), fontsize=FONT)
    ax.set_xlim(-0.02, 1.02)
    ax.margins(y=0.12)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{100 * v:.4g}%"))
    _style(ax)
    ax.legend(fontsize=FONT - 1, frameon=False, loc="lower left")


def _regression(bundle: CurveBundle, path) -> bytes | None:
    reg = bundle.regression
    if reg is None or not reg.true:
        return None
    fig = _figure(3.6, width_in=4.2)
    ax = fig.add_subplot()
    ax.scatter(reg.true, reg.predicted, s=9, facecolors="none", edgecolors="black",
               linewidths=0.7, label=_t("legend_model"))
    x_lim, y_lim = ax.get_xlim(), ax.get_ylim()
    ax.axline((0, 0), slope=1, label=_t("legend_perfect"), **_REFERENCE)
    ax.set_xlim(x_lim)
    ax.set_ylim(y_lim)
    ax.set_xlabel(_t("axis_true"), fontsize=FONT)
    ax.set_ylabel(_t("axis_predicted"), fontsize=FONT)
    ax.set_title(text("gui.curves.regression_title"), fontsize=FONT + 0.5)
    _style(ax)
    ax.legend(fontsize=FONT - 1, frameon=False, loc="upper left")
    return _finish(fig, path)
