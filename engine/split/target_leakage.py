"""Target leakage: a feature column that gives the answer away on its own.

Each feature column is tried alone on the training rows (at most ``MAX_ROWS``):

* a copy or a one-to-one recoding of the target (every value of the column stands for
  exactly one class and every class for exactly one value; for a number to predict, a
  column whose order is exactly the target's order) is a blocker: a model would learn only
  to read it;
* a column that alone predicts the target almost perfectly — a shallow decision tree on it
  (a lookup of the most common answer per value for text columns, and for number columns
  of at most ``LOOKUP_VALUES`` values, which act as codes), cross-validated over ``FOLDS``
  folds — is a warning. Its "power" is scored against the guess that ignores the
  inputs: adjusted balanced accuracy for classes (0 = a guess, 1 = perfect), R² for numbers.
  From ``POWER_WARN`` (0.95) it is flagged; a strong but imperfect column (say a
  correlation of 0.9, R² 0.81) is not.

Use:
    powers = column_powers(train, y_train, ["age", "paid_back"], "binary")
    [f.code for f in leakage_findings(powers, "defaulted")]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import balanced_accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from engine.data.findings import Finding, make_finding

MAX_ROWS = 10_000
FOLDS = 3
POWER_WARN = 0.95
REGRESSION_DEPTH = 6
LOOKUP_VALUES = 64  # a number column with at most this many values is looked up like text
EXACT_ORDER = 1 - 1e-9  # Spearman correlation from which a column orders rows as the target


@dataclass(frozen=True)
class ColumnPower:
    """How well ``column`` alone predicts the target: ``power`` (see the module doc) and
    whether it is a ``copy`` (or one-to-one recoding) of the target."""

    column: str
    power: float
    copy: bool

    def to_dict(self) -> dict:
        return {"column": self.column, "power": self.power, "copy": self.copy}


def column_powers(frame: pd.DataFrame, y: pd.Series, columns: Sequence[str], task: str,
                  seed: int = 0, cancel=None, rows: np.ndarray | None = None
                  ) -> list[ColumnPower]:
    """The power of each of ``columns`` of the training rows ``frame`` for target ``y``.

    Args:
        frame: the training rows (features), or a bigger table whose rows at positions
            ``rows`` are the training rows (only the subsample is then copied).
        y: their target values (text labels for classes, numbers for regression), one per
            training row.
        columns: the feature columns to try.
        task: ``binary``, ``multiclass`` or ``regression``.
        seed: the random seed for the subsample and the folds.
        cancel: checked between columns; the columns done so far are returned when set.
    """
    classification = task != "regression"
    keep = y.notna().to_numpy()
    positions = (np.arange(len(frame)) if rows is None else np.asarray(rows))[keep]
    y = y[keep]
    if len(y) > MAX_ROWS:
        pick = np.sort(np.random.default_rng(seed).choice(len(y), MAX_ROWS, replace=False))
        positions, y = positions[pick], y.iloc[pick]
    frame = frame.iloc[positions]
    if len(y) < 2 * FOLDS or y.nunique() < 2:
        return []
    if classification:  # class numbers: much quicker to sort and count than text
        target = pd.factorize(y.astype(str))[0].astype(np.int64)
    else:
        target = y.to_numpy(dtype=float)
    folds = list(_folds(target, classification, seed).split(np.zeros(len(target)), target))
    out = []
    for name in columns:
        if cancel is not None and cancel.is_set():
            break
        if name not in frame.columns:
            continue
        col = frame[name]
        numeric = pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
        copy = _is_copy(col, target, classification, numeric)
        power = 1.0 if copy else _power(col, target, classification, numeric, folds)
        out.append(ColumnPower(str(name), power, copy))
    return out


def leakage_findings(powers: Sequence[ColumnPower], target: str) -> list[Finding]:
    """A blocker per copy of the target, a warning per column that predicts it almost
    perfectly."""
    out = []
    for p in powers:
        if p.copy:
            out.append(make_finding("target_copy", "blocker", p.column, "checks",
                                    target=target))
        elif p.power >= POWER_WARN:
            out.append(make_finding("target_leak", "warning", p.column, "checks",
                                    target=target, power=f"{p.power:.2f}"))
    return out


def _folds(target: np.ndarray, classification: bool, seed: int):
    if classification:
        smallest = pd.Series(target).value_counts().min()
        if smallest >= FOLDS:
            return StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    return KFold(FOLDS, shuffle=True, random_state=seed)


def _is_copy(col: pd.Series, target: np.ndarray, classification: bool, numeric: bool) -> bool:
    """An exact copy or a one-to-one recoding of the target (see the module doc)."""
    if classification:
        pairs = pd.DataFrame({"x": _values(col, numeric), "y": target})
        if pairs["x"].nunique(dropna=False) != pairs["y"].nunique():
            return False
        return bool(pairs.groupby("x", dropna=False)["y"].nunique().max() == 1
                    and pairs.groupby("y")["x"].nunique(dropna=False).max() == 1)
    if not numeric:
        return False
    x = col.to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(x)
    if ok.sum() < 3 or np.unique(x[ok]).size < 3:
        return False
    rho = stats.spearmanr(x[ok], target[ok]).statistic
    return bool(np.isfinite(rho) and abs(rho) >= EXACT_ORDER and ok.all())


def _power(col: pd.Series, target: np.ndarray, classification: bool, numeric: bool,
           folds) -> float:
    if numeric and col.nunique() > LOOKUP_VALUES:
        x = col.to_numpy(dtype=float, na_value=np.nan, copy=True).reshape(-1, 1)
        x[~np.isfinite(x)] = np.nan  # the tree sends missing values their own way
        if classification:
            depth = max(4, math.ceil(math.log2(max(len(np.unique(target)), 2))) + 1)
            model = DecisionTreeClassifier(max_depth=depth, random_state=0)
        else:
            model = DecisionTreeRegressor(max_depth=REGRESSION_DEPTH, random_state=0)
        predicted = np.empty(len(target), dtype=target.dtype)
        for fit_rows, test_rows in folds:
            model.fit(x[fit_rows], target[fit_rows])
            predicted[test_rows] = model.predict(x[test_rows])
    else:  # text, or a few numbers that act as codes
        predicted = _lookup_predictions(_values(col, False), target, classification, folds)
    if classification:
        score = balanced_accuracy_score(target, predicted, adjusted=True)
    else:
        score = r2_score(target, predicted)
    return float(max(0.0, score))


def _lookup_predictions(codes: np.ndarray, target: np.ndarray, classification: bool,
                        folds) -> np.ndarray:
    """Out-of-fold predictions of "the most common answer for this value" (the mean for
    numbers); values not seen in the other folds get the overall answer."""
    predicted = np.empty(len(target), dtype=target.dtype)
    for fit_rows, test_rows in folds:
        seen = pd.DataFrame({"x": codes[fit_rows], "y": target[fit_rows]})
        if classification:
            overall = seen["y"].mode().iloc[0]
            counts = seen.groupby(["x", "y"]).size().sort_values(ascending=False,
                                                                 kind="stable")
            answers = counts.reset_index().drop_duplicates("x").set_index("x")["y"]
        else:
            overall = seen["y"].mean()
            answers = seen.groupby("x")["y"].mean()
        looked_up = pd.Series(codes[test_rows]).map(answers)
        predicted[test_rows] = looked_up.fillna(overall).to_numpy()
    return predicted


def _values(col: pd.Series, numeric: bool) -> np.ndarray:
    """The column's values as codes (missing is a value of its own)."""
    if numeric:
        return col.to_numpy(dtype=float, na_value=np.nan)
    codes, _ = pd.factorize(col.astype(str).where(col.notna(), "\0missing"))
    return codes
