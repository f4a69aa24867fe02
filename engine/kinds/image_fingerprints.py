"""Fingerprints of the images of an image folder, for the checks made when the data are split.

Each image gets a hash of its file's bytes (two files with the same hash are the same image,
whatever their names), a small grey thumbnail (THUMB x THUMB pixels) and its width and
height. Two images whose thumbnails, coarsely quantised, are equal are near copies: the same
picture saved again, resized or re-compressed. The thumbnails also let a classifier try to
tell the images of two splits apart (``engine.split.drift``).

Example:
    >>> prints = image_fingerprints("flowers", ["daisy/1.jpg", "rose/2.jpg"])
    >>> prints.thumbs.shape
    (2, 256)
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image

from engine.data.image_folder import map_files

THUMB = 16
NEAR_LEVELS = 8  # grey levels kept when thumbnails are compared for near copies


@dataclass(frozen=True, eq=False)
class ImageFingerprints:
    """Per image, in the order asked: ``content`` (uint64 from the file bytes), ``thumbs``
    (float32, ``(n, THUMB * THUMB)``, grey 0-1), ``width`` and ``height`` (pixels)."""

    content: np.ndarray
    thumbs: np.ndarray
    width: np.ndarray
    height: np.ndarray

    def take(self, rows: np.ndarray) -> "ImageFingerprints":
        """The fingerprints of the images at positions ``rows``."""
        return ImageFingerprints(self.content[rows], self.thumbs[rows], self.width[rows],
                                 self.height[rows])

    @property
    def near(self) -> np.ndarray:
        """uint64 per image: equal for images whose quantised thumbnails are equal."""
        levels = np.clip((self.thumbs * NEAR_LEVELS).astype(np.uint8), 0, NEAR_LEVELS - 1)
        near = np.array([_digest(row.tobytes()) for row in levels], dtype=np.uint64)
        return np.where(self.width > 0, near, self.content)  # unreadable: matches nothing


def image_fingerprints(root: str | Path, files: Sequence[str]) -> ImageFingerprints:
    """Read every image in ``files`` (paths relative to ``root``) once.

    An image that cannot be read any more (changed since the folder was checked) gets a
    hash of its name and an empty thumbnail, so it matches no other image.
    """
    root = Path(root)
    facts = map_files(lambda rel: _one(root / rel, rel), list(files))
    if not facts:
        empty = np.zeros(0, dtype=np.uint64)
        return ImageFingerprints(empty, np.zeros((0, THUMB * THUMB), np.float32),
                                 np.zeros(0), np.zeros(0))
    content = np.array([f[0] for f in facts], dtype=np.uint64)
    thumbs = np.stack([f[1] for f in facts]).astype(np.float32)
    return ImageFingerprints(content, thumbs, np.array([f[2] for f in facts], dtype=float),
                             np.array([f[3] for f in facts], dtype=float))


def _one(path: Path, rel: str) -> tuple[int, np.ndarray, int, int]:
    try:
        raw = path.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if img.format == "JPEG":  # decode at a reduced scale: much faster
                    img.draft("L", (THUMB * 4, THUMB * 4))
                grey = img.convert("L").resize((THUMB, THUMB), Image.Resampling.BILINEAR)
                thumb = np.asarray(grey, dtype=np.float32).reshape(-1) / 255.0
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return _digest(("missing:" + rel).encode()), np.zeros(THUMB * THUMB), 0, 0
    return _digest(raw), thumb, width, height


def _digest(raw: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")
