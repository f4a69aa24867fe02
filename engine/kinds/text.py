"""The text kind: one column of free text per example (other columns are not inputs).

Its coding is ``engine.kinds.text_inputs`` (word numbers); near copies are texts equal but
for case, punctuation and spaces, and they stay together when splitting; drift compares
lengths and hashed word counts; it takes no augmentation.

Example:
    >>> TEXT.needs_text_column, TEXT.near_by_text, TEXT.word_inputs
    (True, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.kinds.kind import DataKind
from engine.project.parts.goal import Goal


@dataclass(frozen=True)
class TextKind(DataKind):
    """Text (see the module doc)."""

    def fit_inputs(self, project, train, y_train, rows=None):
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.text_inputs import fit_text_inputs

        goal = project.goal or Goal()
        if rows is not None:
            train = train.iloc[rows]
        return fit_text_inputs(train, goal.text_column, goal.task, list(goal.labels), y_train)

    def coding_from_dict(self, d: dict[str, Any]):
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.text_inputs import TextInputs

        return TextInputs.from_dict(d)

    def input_columns(self, coding) -> list[dict[str, Any]]:
        return [{"name": coding.column, "kind": "text", "words_kept": coding.max_len}]

    def key_columns(self, features, text_column):
        return [text_column]

    def example_keys(self, frame, columns, root, cancel):
        # Imported here to keep Pillow out of start-up.
        from engine.kinds.row_keys import text_keys

        return text_keys(frame, columns, self.name, group_by_near=self.near_by_text)

    def drift_inputs(self, a, b, columns, images=None):
        # Imported here to keep scikit-learn, SciPy out of start-up.
        from engine.kinds.drift_inputs import text_side

        return text_side(a[columns[0]]), text_side(b[columns[0]])

    def check_source(self, path, target, text_column, sequence, progress, cancel):
        # Imported here to keep pandas out of start-up.
        from engine.data.source_check import check_text_source

        return check_text_source(path, target, text_column, progress, cancel)

    def example_shower(self, features, text_column, root):
        # Imported here to keep pandas out of a kind's lookup.
        from engine.kinds.showing import row_shower

        return row_shower(features, text_column, with_text=True)


TEXT = TextKind("text", augmentation="none", default_family="text_pool",
                needs_text_column=True, near_by_text=True, word_inputs=True,
                explained_by="word_bands",
                error_tags=("mislabeled", "ambiguous", "rare_case", "typo", "sarcasm",
                            "too_short", "other_language"))
