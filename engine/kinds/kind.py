"""The face every data kind shows to the rest of Practica (``engine.kinds.registry``).

A data kind (table, images, text, sequence) is one object: declarative traits that higher
rooms read instead of comparing kind names, and the work that differs by kind — fitting and
loading its input coding, its row keys, its drift inputs, its source check and how one of
its examples is shown. Each kind lives in its own module (``engine.kinds.table``,
``engine.kinds.images``, ``engine.kinds.text``, ``engine.kinds.sequence``); the methods
import the heavy libraries they need when called, so looking a kind up stays light.

Example:
    >>> from engine.kinds.registry import data_kind
    >>> data_kind("text").augmentation, data_kind("images").folder
    ('none', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

AUGMENTATIONS = ("none", "noise", "series", "image", "sound")
"""What a kind's augmentation is: none, Gaussian noise on the inputs (tables), jitter,
scaling and time shifts (sequences), flips, rotations, zooms, shifts and contrast
(images), noise, time shifts, stretches, pitch shifts and crops of waveforms (sounds).
The models room keeps the Keras layers of each."""


EXPLAINED_BY = ("columns", "channels_and_windows", "word_bands", "regions")
"""What an input is when measuring which inputs matter: a table's columns, a series'
channels and time windows, bands of words, regions of a picture (covered, not shuffled)."""


@dataclass(frozen=True)
class DataKind:
    """One data kind. The traits:

    * ``name``: what projects store (``goal.data_kind``);
    * ``augmentation``: one of ``AUGMENTATIONS``;
    * ``default_family``: the model family of the zoo to start with;
    * ``folder``: its source is a folder (one sub-folder of files per class), not a table;
    * ``needs_text_column``: its source names the column that holds the text;
    * ``layouts``: the layouts its source may have (sequences: ``wide``, ``long``);
    * ``near_by_text``: near copies are texts equal but for case, punctuation and spaces
      (they are the same example when splitting);
    * ``repeats_by_chance``: repeated inputs may be normal (few distinct values);
    * ``word_inputs``: its models read word numbers (they need the vocabulary's size);
    * ``image_inputs``: its inputs are pictures (a model's first filters can be drawn);
    * ``error_tags``: the tags suggested for its mistakes in error analysis (keys of
      ``error_analysis.tag.*``);
    * ``explained_by``: what "an input" is when measuring which inputs matter, one of
      ``EXPLAINED_BY`` (``engine.diagnosis.importance``);
    * ``tree_baseline``: gradient-boosted trees are a fair baseline for it (its inputs are
      columns that each mean something on their own), so the baseline step trains them.
    """

    name: str
    augmentation: str
    default_family: str
    folder: bool = False
    needs_text_column: bool = False
    layouts: tuple[str, ...] = ()
    near_by_text: bool = False
    repeats_by_chance: bool = False
    word_inputs: bool = False
    image_inputs: bool = False
    error_tags: tuple[str, ...] = ("mislabeled", "ambiguous", "rare_case")
    explained_by: str = "columns"
    tree_baseline: bool = False

    # ----- the input coding (engine.kinds.input_coding)
    def fit_inputs(self, project, train, y_train, rows=None):
        """The coding of this kind fitted on the training rows (see ``fit_inputs``)."""
        raise NotImplementedError

    def coding_from_dict(self, d: dict[str, Any]):
        """The coding saved as ``d``."""
        raise NotImplementedError

    def input_columns(self, coding) -> list[dict[str, Any]]:
        """The inputs ``coding`` reads (see ``engine.use.usable_model.input_columns``)."""
        raise NotImplementedError

    # ----- rows: keys, key columns, drift
    def key_columns(self, features: Sequence[str], text_column: str | None) -> list[str]:
        """The columns that make an example what it is (default: the features)."""
        return list(features)

    def example_keys(self, frame, columns: Sequence[str], root: str | Path | None, cancel):
        """The ``ExampleKeys`` of every row of ``frame`` (``engine.kinds.row_keys``)."""
        raise NotImplementedError

    def drift_inputs(self, a, b, columns: list[str], images=None):
        """The two ``DriftInputs`` of rows ``a`` and ``b`` (``engine.kinds.drift_inputs``)."""
        raise NotImplementedError

    # ----- the source and the examples
    def check_source(self, path, target: str | None, text_column: str | None,
                     sequence: dict | None, progress, cancel):
        """The ``SourceCheck`` of the source at ``path`` read as this kind."""
        raise NotImplementedError

    def example_shower(self, features: Sequence[str], text_column: str | None,
                       root: Path) -> Callable[[Any], dict[str, Any]]:
        """What is shown of one example (a row, as a Series): ``{"values", "text",
        "image"}`` — short feature values, the text's start, or the image's path (and
        ``"sound"``, a recording's path, for sounds)."""
        # Imported here to keep pandas out of a kind's lookup.
        from engine.kinds.showing import row_shower

        return row_shower(features, text_column, with_text=False)
