"""The sequence kind: one series of numbers (one or more channels) per example, in a wide
layout (one row per example) or a long one (one row per time step).

Its coding is ``engine.kinds.sequence_inputs``; keys and drift are a table's, over the
series' columns; an example is shown as the first steps of each channel.

Example:
    >>> SEQUENCE.layouts, SEQUENCE.augmentation
    (('wide', 'long'), 'series')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.kinds.table import TableKind
from engine.project.parts.goal import Goal


@dataclass(frozen=True)
class SequenceKind(TableKind):
    """Sequences (see the module doc)."""

    def fit_inputs(self, project, train, y_train, rows=None):
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.sequence_inputs import columns_by_channel, fit_sequence_inputs

        goal = project.goal or Goal()
        if rows is not None:
            train = train.iloc[rows]
        return fit_sequence_inputs(train, columns_by_channel(project.features), goal.task,
                                   list(goal.labels), y_train)

    def coding_from_dict(self, d: dict[str, Any]):
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.sequence_inputs import SequenceInputs

        return SequenceInputs.from_dict(d)

    def input_columns(self, coding) -> list[dict[str, Any]]:
        return [{"name": name, "kind": "series", "channel": channel, "step": step}
                for channel, names in zip(coding.channels, coding.columns)
                for step, name in enumerate(names)]

    def check_source(self, path, target, text_column, sequence, progress, cancel):
        # Imported here to keep pandas out of start-up.
        from engine.data.source_check import check_sequence_source

        return check_sequence_source(path, target, sequence, progress, cancel)

    def example_shower(self, features, text_column, root):
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.sequence_inputs import columns_by_channel
        from engine.kinds.showing import series_shower

        return series_shower(columns_by_channel(list(features)) if features else {})


SEQUENCE = SequenceKind("sequence", augmentation="series", default_family="conv1d",
                        layouts=("wide", "long"), repeats_by_chance=True,
                        explained_by="channels_and_windows",
                        error_tags=("mislabeled", "ambiguous", "rare_case", "noisy",
                                    "too_short", "missing_value"))
