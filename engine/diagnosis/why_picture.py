"""The map of where a picture mattered, and the picture with the map laid over it.

``heat_map`` turns the drops of the covered patches (``engine.diagnosis.why_inputs``) into
one value per pixel of the coded picture: the mean drop of the patches that cover the
pixel, negatives (covering helped the answer) counted as zero, scaled so the largest is 1.
``overlay_png`` lays the map, in red, over the original picture (turned upright, a little
dimmed, at most ``SIDE`` pixels on its longer side) and writes a PNG for the GUI and the report; the red is
as strong as the largest change allows (``strength_of``), so a picture where no patch
changes much does not look as if one place decided everything.

Example:
    >>> m = heat_map([(0, 2, 0, 2), (2, 4, 2, 4)], [0.5, -0.1], 4, 4)
    >>> float(m[0, 0]), float(m[3, 3]), m.shape
    (1.0, 0.0, (4, 4))
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from engine.core.atomic import atomic_path

SIDE = 320          # the overlay's longer side, in pixels
STRONGEST = 0.8     # how much red covers the pixels that mattered most
DIM = 0.75          # the picture is dimmed a little so the red stands out on white
COLOUR = (235, 20, 0)
FULL_DROP = 0.2     # a fall in confidence that gets the full red


def heat_map(boxes: Sequence[tuple[int, int, int, int]], drops: Sequence[float],
             height: int, width: int) -> np.ndarray:
    """One value in 0..1 per pixel: the mean positive drop of the patches over it, divided
    by the largest (all zeros when no patch lowered the answer)."""
    total = np.zeros((height, width))
    count = np.zeros((height, width))
    for (top, bottom, left, right), drop in zip(boxes, drops):
        total[top:bottom, left:right] += max(float(drop), 0.0) if np.isfinite(drop) else 0.0
        count[top:bottom, left:right] += 1
    mean = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
    top = float(mean.max()) if mean.size else 0.0
    return mean / top if top > 0 else mean


def strength_of(largest_drop: float) -> float:
    """How strong the red of an overlay is: full when covering a patch lowers the confidence
    by ``FULL_DROP`` or more, never under a quarter (the map stays visible).

    Example:
        >>> strength_of(0.5), strength_of(0.05), strength_of(0.0)
        (1.0, 0.25, 0.25)
    """
    if not np.isfinite(largest_drop):
        return 1.0
    return float(np.clip(largest_drop / FULL_DROP, 0.25, 1.0))


def overlay_png(picture: str | Path, heat: np.ndarray, out: str | Path,
                strength: float = 1.0) -> Path:
    """Write the picture with ``heat`` (values 0..1, any size) laid over it in red;
    ``strength`` (0..1) scales the red, so a map of tiny changes stays faint.

    Raises:
        OSError: the picture cannot be read or the PNG cannot be written.
    """
    # Imported here to keep Pillow out of start-up.
    from PIL import Image, ImageOps

    with Image.open(picture) as img:
        base = ImageOps.exif_transpose(img).convert("RGB")
    scale = SIDE / max(base.size)
    size = (max(1, round(base.width * scale)), max(1, round(base.height * scale)))
    resample = Image.Resampling.NEAREST if scale > 2 else Image.Resampling.LANCZOS
    base = base.resize(size, resample)
    heat_img = Image.fromarray(np.asarray(heat, dtype=np.float32), mode="F")
    spread = np.asarray(heat_img.resize(size, Image.Resampling.BILINEAR), dtype=np.float64)
    alpha = (STRONGEST * float(np.clip(strength, 0.0, 1.0))
             * np.clip(spread, 0.0, 1.0))[:, :, None]
    pixels = DIM * np.asarray(base, dtype=np.float64)
    mixed = pixels * (1 - alpha) + np.asarray(COLOUR, dtype=np.float64) * alpha
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out, suffix=".png") as tmp:
        Image.fromarray(np.clip(mixed, 0, 255).astype(np.uint8), "RGB").save(tmp, "PNG")
    return out
