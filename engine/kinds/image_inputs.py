"""The coding from image files to model inputs, fitted on the training images only.

Every image is turned upright (as its camera marked it), laid on white where it is
transparent, converted to grey (one channel) when every training image is grey and to
colour (three channels) otherwise, resized to one size with a high-quality filter, scaled
to 0..1 and standardized per channel with the mean and standard deviation of the training
pixels. The size is the median training size, shrunk so that the longer side is at most
``max_side`` pixels. Decoded images are kept in memory (keyed on the file, its size and
modification time, and the target size), so coding the same images again is fast.

Use:
    coding = fit_image_inputs(train, "pets", "binary", ["cat", "dog"], y_train)
    coding.transform(dev).shape
"""

from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from PIL import Image

from engine.core.errors import DataError
from engine.data.image_folder import image_facts, map_files
from engine.kinds.target_coding import (TargetCoding, decode_regression, encode_target,
                                  fit_target_coding, target_from_dict, target_to_dict)
from engine.core.texts import text

FLAT_SIDE = 16  # the linear baseline sees images pooled to at most 16 x 16 pixels
MIN_SIDE = 8
CACHE_ENTRIES = 32768  # decoded images kept in memory (64 x 64 colour: 12 kB each)
_HIGH_BIT_MODES = ("I", "I;16", "I;16B", "I;16L", "F")


@dataclass(frozen=True)
class ImageInputs:
    """The fitted image coding: target size, channels and the training pixel statistics."""

    root: str
    height: int
    width: int
    channels: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    target: TargetCoding

    kind: ClassVar[str] = "images"

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """The shape of one example: (height, width, channels)."""
        return (self.height, self.width, self.channels)

    @property
    def n_inputs(self) -> int:
        """The width of ``flat(X)``."""
        return min(self.height, FLAT_SIDE) * min(self.width, FLAT_SIDE) * self.channels

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Model inputs for the images named in ``frame["file"]``.

        Args:
            frame: rows with a ``file`` column (paths relative to ``root``).

        Returns:
            float32 array (n, height, width, channels), standardized.

        Raises:
            DataError: the column is missing, or an image is gone or cannot be decoded.

        Use:
            coding.transform(frame.iloc[:2]).shape
        """
        pixels = decode_images(self.root, _files(frame), self.height, self.width,
                               self.channels)
        mean = np.asarray(self.mean, dtype=np.float32)
        std = np.asarray(self.std, dtype=np.float32)
        return ((pixels.astype(np.float32) / 255.0 - mean) / std).astype(np.float32)

    def flat(self, X: np.ndarray) -> np.ndarray:
        """Inputs for a linear baseline: ``X`` average-pooled to at most 16 x 16, flattened.

        Args:
            X: output of ``transform`` (n, height, width, channels).

        Returns:
            float32 array (n, n_inputs).

        Use:
            coding.flat(coding.transform(frame)).shape[1] == coding.n_inputs
        """
        X = np.asarray(X, dtype=np.float32)
        pooled = _average_pool(X, min(self.height, FLAT_SIDE), min(self.width, FLAT_SIDE))
        return pooled.reshape(len(X), -1).astype(np.float32)

    def encode_target(self, y: pd.Series) -> np.ndarray:
        """Training targets: class indices, or the standardized value for regression."""
        return encode_target(self.target, y)

    def decode_regression(self, z: np.ndarray) -> np.ndarray:
        """Standardized regression outputs back in the target's units."""
        return decode_regression(self.target, z)

    def to_dict(self) -> dict[str, Any]:
        """The coding as JSON-able data (``"kind": "images"``)."""
        return {"kind": self.kind, "root": self.root, "height": self.height,
                "width": self.width, "channels": self.channels, "mean": list(self.mean),
                "std": list(self.std), "target": target_to_dict(self.target)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ImageInputs":
        """The coding saved by ``to_dict``.

        Use:
            ImageInputs.from_dict(coding.to_dict()) == coding
        """
        return cls(str(d["root"]), int(d["height"]), int(d["width"]), int(d["channels"]),
                   tuple(float(v) for v in d["mean"]), tuple(float(v) for v in d["std"]),
                   target_from_dict(d["target"]))


def fit_image_inputs(train_frame: pd.DataFrame, root: str | Path, task: str,
                     labels: list[str] | None, y_train: pd.Series | None,
                     max_side: int = 64) -> ImageInputs:
    """Fit the image coding on the training rows only.

    Args:
        train_frame: the training rows (a ``file`` column relative to ``root``).
        root: the image folder.
        task: ``binary``, ``multiclass`` or ``regression``.
        labels: the class labels in output order (classification).
        y_train: the training targets (regression).
        max_side: the longest side of the coded images, in pixels (at least 8).

    Returns:
        The fitted ``ImageInputs``.

    Raises:
        DataError: there are no training images, or one cannot be opened.

    Use:
        fit_image_inputs(train, "pets", "binary", ["cat", "dog"], None).input_shape
    """
    files = _files(train_frame)
    if not files:
        raise DataError(text("images.no_training_images"))
    root = str(Path(root))
    facts = map_files(lambda rel: _facts_or_error(root, rel), files)
    height, width = fitted_size(np.median([f.height for f in facts]),
                                np.median([f.width for f in facts]), max_side)
    channels = 1 if all(f.grayscale for f in facts) else 3
    total = np.zeros(channels)
    squares = np.zeros(channels)
    for start in range(0, len(files), 512):  # in slices, so memory stays small
        part = decode_images(root, files[start:start + 512], height, width, channels)
        values = part.reshape(-1, channels).astype(np.float64) / 255.0
        total += values.sum(axis=0)
        squares += (values ** 2).sum(axis=0)
    count = len(files) * height * width
    mean = total / count
    std = np.sqrt(np.maximum(squares / count - mean ** 2, 0.0))
    std = np.where(std < 1e-6, 1.0, std)
    return ImageInputs(root, height, width, channels, tuple(map(float, mean)),
                       tuple(map(float, std)), fit_target_coding(task, labels, y_train))


def fitted_size(median_height: float, median_width: float, max_side: int) -> tuple[int, int]:
    """The coded image size: the median size shrunk so the longer side is at most
    ``max_side`` (never enlarged), each side at least 8 pixels.

    Args:
        median_height: the median training height.
        median_width: the median training width.
        max_side: the largest allowed side.

    Returns:
        (height, width).

    Example:
        >>> fitted_size(480, 640, 64)
        (48, 64)
    """
    scale = min(1.0, max_side / max(median_height, median_width, 1.0))
    return (max(MIN_SIDE, int(round(median_height * scale))),
            max(MIN_SIDE, int(round(median_width * scale))))


def decode_images(root: str, files: list[str], height: int, width: int,
                  channels: int) -> np.ndarray:
    """Decode and resize images (remembered in memory), on a few threads when many.

    Args:
        root: the image folder.
        files: paths relative to ``root``.
        height, width, channels: the target size and 1 (grey) or 3 (colour).

    Returns:
        uint8 array (n, height, width, channels).

    Raises:
        DataError: a file is gone or cannot be decoded.

    Use:
        decode_images("pets", ["cat/1.png"], 8, 8, 3).shape
    """
    arrays = map_files(lambda rel: _decoded_file(root, rel, height, width, channels), files)
    if not arrays:
        return np.zeros((0, height, width, channels), dtype=np.uint8)
    return np.stack(arrays)


def _files(frame: pd.DataFrame) -> list[str]:
    if "file" not in frame.columns:
        raise DataError(text("images.no_file_column"))
    return [str(f) for f in frame["file"]]


def _facts_or_error(root: str, rel: str):
    try:
        return image_facts(os.path.join(root, rel))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DataError(text("images.cannot_open", file=rel, root=root)) from exc


def _decoded_file(root: str, rel: str, height: int, width: int, channels: int) -> np.ndarray:
    try:
        stat = os.stat(os.path.join(root, rel))
    except OSError as exc:
        raise DataError(text("images.cannot_open", file=rel, root=root)) from exc
    return _decoded(root, rel, stat.st_mtime_ns, stat.st_size, height, width, channels)


@functools.lru_cache(maxsize=CACHE_ENTRIES)
def _decoded(root: str, rel: str, mtime_ns: int, size: int, height: int, width: int,
             channels: int) -> np.ndarray:
    """One image as read-only uint8 (height, width, channels); the stamp keys the memo."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(os.path.join(root, rel)) as img:
                picture = _upright_8bit(img, max(height, width))
                picture = picture.convert("L" if channels == 1 else "RGB")
                picture = picture.resize((width, height), Image.Resampling.LANCZOS,
                                         reducing_gap=3.0)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DataError(text("images.cannot_open", file=rel, root=root)) from exc
    array = np.asarray(picture, dtype=np.uint8).reshape(height, width, channels)
    array.setflags(write=False)
    return array


def _upright_8bit(img: Image.Image, side: int) -> Image.Image:
    """Decoded, turned upright, transparency on white, 16-bit grey scaled to 8 bits."""
    if img.format == "JPEG":  # let the decoder shrink big photos cheaply (never below side)
        img.draft(img.mode, (side, side))
    orientation = img.getexif().get(0x0112, 1)
    img.load()
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        from PIL import ImageOps

        img = ImageOps.exif_transpose(img)
    if img.mode in _HIGH_BIT_MODES:
        values = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or values.max() > 255 else 255.0
        if img.mode == "F" and values.max() <= 1.0:
            top = 1.0
        img = Image.fromarray(np.clip(values / top * 255.0, 0, 255).astype(np.uint8), "L")
    transparent = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info
    if transparent:
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return img


def _average_pool(X: np.ndarray, out_h: int, out_w: int) -> np.ndarray:
    """Mean over near-equal blocks so (n, H, W, C) becomes (n, out_h, out_w, C)."""
    n, h, w, c = X.shape
    rows = np.floor(np.linspace(0, h, out_h + 1)).astype(int)
    cols = np.floor(np.linspace(0, w, out_w + 1)).astype(int)
    sums = np.add.reduceat(np.add.reduceat(X, rows[:-1], axis=1), cols[:-1], axis=2)
    counts = np.diff(rows)[:, None] * np.diff(cols)[None, :]
    return sums / counts[None, :, :, None]
