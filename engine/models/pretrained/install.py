"""Checking a weights file against its published checksum and placing it in the Keras cache;
"Use a weights file I have" (``add_weights_file``); which backbones have their weights here
(``weights_status``).

A file whose digest is not the published one is refused with one line that gives both
digests. A backbone without a published digest (MobileNet, MobileNetV2) is checked by
loading the file into the backbone instead. The file reaches the cache under a temporary
name and is renamed in one step, so the cache never holds half a file.

Example:
    >>> weights_status()[0]["name"]
    'MobileNetV2'
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from engine.core.errors import WeightsError
from engine.core.file_hash import file_digest
from engine.core.texts import text
from engine.models.backbones import BACKBONES, cache_folders, first_line
from engine.models.pretrained.catalogue import WeightsEntry, weights_entry


def check_weights(entry: WeightsEntry, path: Path, side: tuple[int, int] | None = None) -> None:
    """Raise a ``WeightsError`` unless ``path`` is ``entry``'s file: its published digest, or
    (none published) it loads into the backbone."""
    if entry.algorithm:
        found = file_digest(path, entry.algorithm)
        if found.lower() != entry.digest.lower():
            raise WeightsError(text("weights.wrong_checksum", name=entry.name,
                                    algorithm=entry.algorithm.upper(), expected=entry.digest,
                                    found=found))
        return
    _check_fits(entry, path, side)


def _check_fits(entry: WeightsEntry, path: Path, side: tuple[int, int] | None) -> None:
    # Imported here to keep Keras out of start-up.
    import keras

    rows, cols = side or (224, 224)
    try:
        model = getattr(keras.applications, entry.name)(
            include_top=False, weights=None, input_shape=(rows, cols, 3),
            **BACKBONES[entry.name][1])
        model.load_weights(str(path))
    except Exception as exc:  # any reason the file does not load: say it in one line
        raise WeightsError(text("weights.does_not_fit", name=entry.name,
                                reason=first_line(exc))) from exc


def cache_folder() -> Path:
    """The first Keras cache folder that can be written (made if missing)."""
    folders = cache_folders()
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise WeightsError(text("weights.no_cache", folder=folders[0]))


def place(entry: WeightsEntry, checked: Path, folder: Path) -> Path:
    """Rename the checked file ``checked`` (already in ``folder``) to its cache name."""
    target = folder / entry.file
    os.replace(checked, target)
    return target


def add_weights_file(name: str, path: str | Path,
                     side: tuple[int, int] | None = None) -> dict[str, Any]:
    """Copy the user's weights file ``path`` for backbone ``name`` into the Keras cache, after
    the same check as a download.

    Returns:
        ``{"name", "file", "path", "bytes"}`` of the placed file.

    Raises:
        WeightsError: no such file, or it is not the published file of ``name``.
    """
    entry = weights_entry(name, side)
    source = Path(path).expanduser()
    if not source.is_file():
        raise WeightsError(text("weights.no_file", path=source))
    check_weights(entry, source, side)
    folder = cache_folder()
    part = folder / (entry.file + ".adding")
    try:
        shutil.copyfile(source, part)
        check_weights(entry, part, side)  # the copy, not only the original
        target = place(entry, part, folder)
    finally:
        part.unlink(missing_ok=True)
    return {"name": name, "file": entry.file, "path": str(target),
            "bytes": target.stat().st_size}


def weights_status(side: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """Each offered backbone: its file, whether it is in the cache (``path``, ``bytes``;
    "" and 0 when not) and the checksum Practica checks (``algorithm``, "" for none)."""
    rows = []
    for name in BACKBONES:
        entry = weights_entry(name, side)
        found = next((folder / entry.file for folder in cache_folders()
                      if (folder / entry.file).is_file()), None)
        rows.append({"name": name, "file": entry.file, "url": entry.url,
                     "algorithm": entry.algorithm, "path": str(found or ""),
                     "bytes": found.stat().st_size if found else 0})
    return rows
