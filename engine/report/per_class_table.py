"""The final test's metrics for each class on its own, as a table for ``per_class.csv``.

The numbers are those the final test stored (``project.final_test.curves``: precision,
recall and F1 by scikit-learn, the number of test rows of the class, and the class's ROC
area against all the others); nothing is computed again. No rows while the vault is
locked, and none for a model that predicts a number.

Use:
    per_class_table(project).set_index("class").loc["yes", "recall"]
"""

from __future__ import annotations

import math

import pandas as pd

from engine.project.project import Project
from engine.words.curve_words import class_areas
from engine.words.formatting import is_number

PER_CLASS_COLUMNS = ("class", "precision", "recall", "f1", "support", "roc_auc")


def per_class_table(project: Project) -> pd.DataFrame:
    """One row per class of the final test, in the order the test stored them."""
    bundle = project.final_test.curves if project.final_test else None
    if bundle is None or not project.vault_open or not bundle.per_class:
        return pd.DataFrame(columns=list(PER_CLASS_COLUMNS))
    areas = class_areas(bundle)  # two classes: one area for both
    out = [{"class": r.label, "precision": _num(r.precision), "recall": _num(r.recall),
            "f1": _num(r.f1), "support": r.support, "roc_auc": _num(areas.get(r.label))}
           for r in bundle.per_class]
    return pd.DataFrame(out, columns=list(PER_CLASS_COLUMNS))


def _num(value) -> float:
    return float(value) if is_number(value) else math.nan
