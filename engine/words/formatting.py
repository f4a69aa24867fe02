"""How the report writes numbers, dates and names for a reader who does not program.

Every function here turns one project value into a short string; missing values become
the report's dash. Names of metrics come from the metric registry's help texts when those
exist, and fall back to the metric's code name, so the report never fails on a label.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from engine.core.texts import text

# Metrics whose error is not a share in [0, 1] (used when the registry cannot be read).
_UNBOUNDED = {"log_loss", "mae", "rmse", "r2"}


def t(key: str, **values: Any) -> str:
    """The report text ``report.<key>`` (see ``resources/help/report.toml``)."""
    return text(f"report.{key}", **values)


def t_or(key: str, fallback: str, **values: Any) -> str:
    """``t(key)``, or ``fallback`` when there is no such text."""
    try:
        return text(key, **values)
    except KeyError:
        return fallback


def dash() -> str:
    return t("none")


def is_number(value: Any) -> bool:
    """True for a finite int or float (bools are not numbers here)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(float(value)))


def metric_label(name: str | None) -> str:
    """The plain name of a metric, e.g. ``F1 score``; the code name when no label exists."""
    if not name:
        return dash()
    return t_or(f"metric.{name}.label", name)


def metric_title(name: str | None) -> str:
    """``label (code)``, so the reader can match the PDF with the CSV files."""
    label = metric_label(name)
    return label if not name or label == name else f"{label} ({name})"


def error_is_share(metric: str | None) -> bool:
    """Whether the error of ``metric`` is a share in [0, 1] (shown in percent)."""
    if not metric:
        return True
    try:
        # Imported here to keep pandas, scikit-learn out of start-up.
        from engine.goal.metrics import get_metric

        return bool(get_metric(metric).bounded)
    except Exception:  # the registry or its texts may be unavailable; a guess is enough
        return metric not in _UNBOUNDED


def fmt_error(value: Any, metric: str | None) -> str:
    """An error: ``12.34%`` for shares, ``0.4321`` for unbounded errors (RMSE, log loss)."""
    if not is_number(value):
        return dash()
    if error_is_share(metric):
        return f"{100 * float(value):.2f}%"
    return f"{float(value):.4g}"


def fmt_points(value: Any, metric: str | None) -> str:
    """A difference of two errors: ``+3.10 points`` of percent, or a plain signed number."""
    if not is_number(value):
        return dash()
    if error_is_share(metric):
        return f"{100 * float(value):+.2f} pt"
    return f"{float(value):+.4g}"


def fmt_value(value: Any) -> str:
    """A metric value: three decimals below 1000, otherwise four significant digits."""
    if not is_number(value):
        return dash()
    v = float(value)
    return f"{v:.3f}" if abs(v) < 1000 else f"{v:.4g}"


def fmt_count(value: Any) -> str:
    """A whole number with thousands separators: ``12,345``."""
    if not is_number(value):
        return dash()
    return f"{int(round(float(value))):,}"


def fmt_number(value: Any) -> str:
    """Any setting or measured value, short: ``0.001``, ``64``, ``1.5e-05``, ``adam``."""
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return dash()
        if value.is_integer() and abs(value) < 1e15:
            return fmt_count(value)
        return f"{value:.4g}"
    if value is None:
        return dash()
    return str(value)


def fmt_share(value: Any) -> str:
    """A fraction as a percent: ``60%``, ``0.5%``."""
    if not is_number(value):
        return dash()
    return f"{100 * float(value):.3g}%"


def fmt_confidence(value: Any) -> str:
    """The interval level: ``95%``."""
    return fmt_share(value if is_number(value) else 0.95)


def fmt_time(value: Any) -> str:
    """An ISO time as ``2024-05-01 10:02``; anything unreadable is shown as it is."""
    if not value:
        return dash()
    try:
        return _dt.datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)


def split_name(name: str) -> str:
    """``train_dev`` -> ``train-dev`` (the reader's word for each split)."""
    return t_or(f"report.split_name.{name}", name.replace("_", "-"))


def step_name(row: dict) -> str:
    """The plain name of one rung of the error ladder."""
    name = str(row.get("name", ""))
    # text keys: report.step.{dev,target,test,train}, report.step.train_dev
    return str(row.get("label") or t_or(f"report.step.{name}", name.replace("_", " ")))


def verdict_words(verdict: Any) -> str:
    """The diagnosis verdict in a sentence fragment, e.g. ``variance - the model ...``."""
    code = str(verdict or "")
    # text keys: report.verdict.{none,bias,variance,mismatch,dev_overfit}
    return t_or(f"report.verdict.{code}", code.replace("_", " "))


def gap_words(gap: str | None) -> str:
    if not gap:
        return ""
    return t_or(f"report.gap.{gap}", gap.replace("_", " "))


def task_words(task: str | None) -> str:
    if not task:
        return dash()
    # text keys: report.goal.task_{binary,multiclass,regression}
    return t_or(f"report.goal.task_{task}", task)
