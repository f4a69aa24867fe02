"""The images kind: a folder with one sub-folder of image files per class.

Its coding is ``engine.kinds.image_inputs``; keys come from the files' content and small
grey thumbnails (``engine.kinds.image_fingerprints``), which drift compares too; an example
is shown as its image.

Example:
    >>> IMAGES.folder, IMAGES.default_family, IMAGES.key_columns(["file"], None)
    (True, 'cnn', ['file'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.kinds.kind import DataKind
from engine.project.parts.goal import Goal


@dataclass(frozen=True)
class ImagesKind(DataKind):
    """Image folders (see the module doc)."""

    def fit_inputs(self, project, train, y_train, rows=None):
        # Imported here to keep Pillow, scikit-learn out of start-up.
        from engine.kinds.image_inputs import fit_image_inputs

        goal = project.goal or Goal()
        if rows is not None:
            train = train.iloc[rows]
        return fit_image_inputs(train, project.source("main").path, goal.task,
                                list(goal.labels), y_train)

    def coding_from_dict(self, d: dict[str, Any]):
        # Imported here to keep Pillow, scikit-learn out of start-up.
        from engine.kinds.image_inputs import ImageInputs

        return ImageInputs.from_dict(d)

    def input_columns(self, coding) -> list[dict[str, Any]]:
        return [{"name": "file", "kind": "image", "height": coding.height,
                 "width": coding.width, "channels": coding.channels}]

    def key_columns(self, features, text_column):
        return ["file"]

    def example_keys(self, frame, columns, root, cancel):
        # Imported here to keep Pillow out of start-up.
        from engine.kinds.row_keys import image_keys

        return image_keys(frame, root, self.name)

    def drift_inputs(self, a, b, columns, images=None):
        # Imported here to keep scikit-learn, SciPy out of start-up.
        from engine.kinds.drift_inputs import image_side

        return image_side(images[0]), image_side(images[1])

    def check_source(self, path, target, text_column, sequence, progress, cancel):
        # Imported here to keep pandas, Pillow out of start-up.
        from engine.data.source_check import check_image_folder

        return check_image_folder(path)

    def example_shower(self, features, text_column, root):
        # Imported here to keep pandas out of a kind's lookup.
        from engine.kinds.showing import image_shower

        return image_shower(root)


IMAGES = ImagesKind("images", augmentation="image", default_family="cnn", folder=True,
                     image_inputs=True,
                     explained_by="regions",
                     error_tags=("mislabeled", "ambiguous", "rare_case", "blurry", "cropped",
                                 "dark"))
