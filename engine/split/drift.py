"""Drift: are the rows of two splits spread the same way?

Three measures, with deepchecks' train-test thresholds:

* per column (``feature_drift``): for numbers the Kolmogorov-Smirnov statistic (SciPy's
  ``ks_2samp``: the largest gap between the two cumulative distributions, 0 to 1); for
  categories Cramér's V between "which split" and the category, computed on the two
  splits' shares weighted equally so a large training set does not dilute it (SciPy's
  ``association``). Above ``FEATURE_DRIFT`` (0.2) a column has drifted;
* the target (``label_drift``), between train and dev only (test labels stay in the vault):
  the same measures, above ``LABEL_DRIFT`` (0.15);
* a domain classifier (``domain_drift``): scikit-learn's HistGradientBoostingClassifier
  (logistic regression on hashed words for text) learns to tell the rows of one split from
  the other's on 60% of them and is scored on the other 40%; the drift score is
  2 x ROC AUC - 1 (0 = cannot tell them apart, 1 = always can). Above ``DOMAIN_DRIFT``
  (0.25, deepchecks' multivariate default) the splits differ, and the columns that help it
  most (permutation importance) are named.

Small samples vary by chance, so a measure counts as drift only when it is also
statistically significant: p below ``ALPHA`` (0.1%; Bonferroni-corrected over the
columns); for the domain classifier, in a one-sided Mann-Whitney test on its scores of the
held-out rows, which are independent of the fitted model (pooled cross-validated scores are
not, and raised ten times too many false alarms on small random splits).

Use:
    drifts = feature_drift(train_rows, dev_rows)
    [d.column for d in drifts if d.drifted]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.stats.contingency import association
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from engine.kinds.drift_inputs import DriftInputs

FEATURE_DRIFT = 0.2
LABEL_DRIFT = 0.15
DOMAIN_DRIFT = 0.25
ALPHA = 0.001  # a random split cannot drift: every alarm there is false and costs trust
TOP_CATEGORIES = 20
MIN_ROWS = 10  # fewer rows on either side: too few to compare
EXACT_KS_ROWS = 100  # up to this many rows a side, exact Kolmogorov-Smirnov p-values
HELD_OUT = 0.4  # share of the rows the domain classifier is scored on
MIN_IMPORTANCE = 0.01  # ROC AUC lost when a column is shuffled, to name it
SHOWN_COLUMNS = 5
_SCALE = 1_000_000  # shares as whole counts for SciPy's association


@dataclass(frozen=True)
class ColumnDrift:
    """The drift of one column: ``score`` (0 to 1), its ``p_value``, the ``method`` (``ks``
    or ``cramers_v``) and whether it counts as ``drifted`` (score and significance)."""

    column: str
    score: float
    p_value: float
    method: str
    drifted: bool

    def to_dict(self) -> dict:
        return {"column": self.column, "score": self.score, "p_value": self.p_value,
                "method": self.method, "drifted": self.drifted}


@dataclass(frozen=True)
class DomainDrift:
    """How well a classifier tells two splits apart: ``auc`` (ROC AUC on held-out rows),
    ``score`` = max(0, 2 AUC - 1), ``p_value``, ``drifted``, and the ``top`` columns that
    help it most (empty when the inputs have no names or there is no drift)."""

    auc: float
    score: float
    p_value: float
    drifted: bool
    top: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"auc": self.auc, "score": self.score, "p_value": self.p_value,
                "drifted": self.drifted, "top": list(self.top)}


def feature_drift(a: pd.DataFrame, b: pd.DataFrame) -> list[ColumnDrift]:
    """The drift of every column shared by ``a`` and ``b``, largest score first."""
    names = [c for c in a.columns if c in b.columns]
    raw = [_column_drift(str(c), a[c], b[c]) for c in names]
    raw = [d for d in raw if d is not None]
    limit = ALPHA / max(len(raw), 1)
    out = [ColumnDrift(d.column, d.score, d.p_value, d.method,
                       d.score > FEATURE_DRIFT and d.p_value < limit) for d in raw]
    return sorted(out, key=lambda d: -d.score)


def label_drift(a: pd.Series, b: pd.Series, classification: bool) -> ColumnDrift | None:
    """The drift of the target between two splits (None when either is too small)."""
    d = _categorical(str(a.name), a, b) if classification else _numeric(str(a.name), a, b)
    if d is None:
        return None
    return ColumnDrift(d.column, d.score, d.p_value, d.method,
                       d.score > LABEL_DRIFT and d.p_value < ALPHA)


def domain_drift(a: DriftInputs, b: DriftInputs, seed: int = 0) -> DomainDrift | None:
    """Train a classifier to tell ``a``'s rows from ``b``'s (see the module doc); None when
    either side has fewer than ``MIN_ROWS`` rows or there are no inputs."""
    n_a, n_b = a.matrix.shape[0], b.matrix.shape[0]
    if min(n_a, n_b) < MIN_ROWS or a.matrix.shape[1] == 0:
        return None
    if sparse.issparse(a.matrix):
        X = sparse.vstack([a.matrix, b.matrix]).tocsr()
    else:
        X = np.vstack([a.matrix, b.matrix])
    side = np.r_[np.zeros(n_a, dtype=int), np.ones(n_b, dtype=int)]
    fit_X, held_X, fit_y, held_y = train_test_split(X, side, test_size=HELD_OUT, stratify=side,
                                                    random_state=seed)
    model = _classifier(a, seed)
    with threadpool_limits(1):  # small fits: threads cost more than they save
        model.fit(fit_X, fit_y)
        scores = model.predict_proba(held_X)[:, 1]
    auc = float(roc_auc_score(held_y, scores))
    p = float(stats.mannwhitneyu(scores[held_y == 1], scores[held_y == 0],
                                 alternative="greater").pvalue)
    score = max(0.0, 2 * auc - 1)
    drifted = score > DOMAIN_DRIFT and p < ALPHA
    top: tuple[str, ...] = ()
    if drifted and a.names:
        with threadpool_limits(1):
            top = _top_columns(model, held_X, held_y, a.names, seed)
    return DomainDrift(auc, score, p, drifted, top)


def shown_columns(drifts: Sequence[ColumnDrift]) -> str:
    """The drifted columns with their scores, for a message: "age (0.45), city (0.31)"."""
    drifted = [d for d in drifts if d.drifted]
    shown = ", ".join(f"{d.column} ({d.score:.2f})" for d in drifted[:SHOWN_COLUMNS])
    return shown + (", ..." if len(drifted) > SHOWN_COLUMNS else "")


def _column_drift(name: str, a: pd.Series, b: pd.Series) -> ColumnDrift | None:
    numeric = all(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
                  for s in (a, b))
    return _numeric(name, a, b) if numeric else _categorical(name, a, b)


def _numeric(name: str, a: pd.Series, b: pd.Series) -> ColumnDrift | None:
    x = a.to_numpy(dtype=float, na_value=np.nan)
    y = b.to_numpy(dtype=float, na_value=np.nan)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if min(len(x), len(y)) < MIN_ROWS:
        return None
    method = "exact" if max(len(x), len(y)) <= EXACT_KS_ROWS else "asymp"
    with warnings.catch_warnings():  # SciPy falls back to "asymp" itself when it must
        warnings.filterwarnings("ignore", "ks_2samp: Exact calculation", RuntimeWarning)
        result = stats.ks_2samp(x, y, method=method)
    return ColumnDrift(name, float(result.statistic), float(result.pvalue), "ks", False)


def _categorical(name: str, a: pd.Series, b: pd.Series) -> ColumnDrift | None:
    """Cramér's V of the two splits' category shares weighted equally (the top
    ``TOP_CATEGORIES`` categories, the rest together, missing values as a category)."""
    if min(len(a), len(b)) < MIN_ROWS:
        return None
    sa, sb = _as_text(a), _as_text(b)
    common = pd.concat([sa, sb]).value_counts().index[:TOP_CATEGORIES]
    ca = sa.where(sa.isin(common), "\0other").value_counts()
    cb = sb.where(sb.isin(common), "\0other").value_counts()
    counts = pd.concat([ca, cb], axis=1).fillna(0).to_numpy(dtype=float).T
    if counts.shape[1] < 2:
        return ColumnDrift(name, 0.0, 1.0, "cramers_v", False)
    shares = counts / counts.sum(axis=1, keepdims=True)
    weighted = np.rint(shares * _SCALE).astype(np.int64)
    weighted = weighted[:, weighted.sum(axis=0) > 0]
    v = float(association(weighted, method="cramer")) if weighted.shape[1] > 1 else 0.0
    p = float(stats.chi2_contingency(counts[:, counts.sum(axis=0) > 0]).pvalue)
    return ColumnDrift(name, v, p, "cramers_v", False)


def _as_text(s: pd.Series) -> pd.Series:
    return s.astype(str).where(s.notna(), "\0missing")


def _classifier(a: DriftInputs, seed: int):
    if sparse.issparse(a.matrix):
        return LogisticRegression(max_iter=300)
    categorical = a.categorical if a.categorical is not None and a.categorical.any() else None
    return HistGradientBoostingClassifier(max_iter=20, learning_rate=0.3, max_leaf_nodes=15,
                                          early_stopping=False, random_state=seed,
                                          categorical_features=categorical)


def _top_columns(model, X, side, names: list[str], seed: int) -> tuple[str, ...]:
    """The columns whose shuffling hurts the fitted classifier most on the held-out rows."""
    result = permutation_importance(model, X, side, scoring="roc_auc", n_repeats=3,
                                    random_state=seed)
    order = np.argsort(-result.importances_mean)
    return tuple(names[i] for i in order[:SHOWN_COLUMNS]
                 if result.importances_mean[i] > MIN_IMPORTANCE)
