"""The table kind: one example per row, the feature columns as inputs.

Its coding is ``engine.kinds.preprocess`` (numbers scaled, categories one-hot); copies are
the same values in every feature column; drift compares the columns one at a time.

Example:
    >>> TABLE.default_family, TABLE.augmentation, TABLE.tree_baseline
    ('mlp', 'noise', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.kinds.kind import DataKind
from engine.project.parts.goal import Goal


@dataclass(frozen=True)
class TableKind(DataKind):
    """Tables (see the module doc); sequences share its keys and drift inputs."""

    def fit_inputs(self, project, train, y_train, rows=None):
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.preprocess import fit_preprocessor

        goal = project.goal or Goal()
        return fit_preprocessor(train, project.features, goal.task, labels=list(goal.labels),
                                y_train=y_train, rows=rows)

    def coding_from_dict(self, d: dict[str, Any]):
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.preprocess import Preprocessor

        return Preprocessor.from_dict(d)

    def input_columns(self, coding) -> list[dict[str, Any]]:
        columns = [{"name": c.name, "kind": "number", "missing_becomes": c.fill}
                   for c in coding.numeric]
        columns += [{"name": c.name, "kind": "category", "missing_becomes": c.fill,
                     "categories": list(c.categories)} for c in coding.categorical]
        return columns

    def example_keys(self, frame, columns, root, cancel):
        # Imported here to keep Pillow out of start-up.
        from engine.kinds.row_keys import column_keys

        return column_keys(frame, columns, self.name, cancel)

    def drift_inputs(self, a, b, columns, images=None):
        # Imported here to keep scikit-learn, SciPy out of start-up.
        from engine.kinds.drift_inputs import table_sides

        return table_sides(a[columns], b[columns])

    def check_source(self, path, target, text_column, sequence, progress, cancel):
        # Imported here to keep pandas out of start-up.
        from engine.data.source_check import check_table_source

        return check_table_source(path, target, progress, cancel)


TABLE = TableKind("table", augmentation="noise", default_family="mlp", repeats_by_chance=True,
                  tree_baseline=True,
                  error_tags=("mislabeled", "ambiguous", "rare_case", "missing_value",
                              "outlier"))
