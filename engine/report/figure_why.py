"""The report's pictures of why the worst mistakes were made: each picture with its map of
where covering it mattered (``engine.diagnosis.why_picture``), side by side.

Drawn with matplotlib's object API on the Agg canvas, like ``engine.report.figures``.

Use:
    png = why_pictures_chart([("runs/r1/why/row-7.png", "row 7: says cat")])
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from engine.report.figures import FONT, _figure, _finish

PANEL_IN = 2.0  # the side of one picture, in inches


def why_pictures_chart(items: Sequence[tuple[str, str]],
                       path: str | Path | None = None) -> bytes | None:
    """``items``: (overlay PNG, title) drawn left to right; None when none can be read."""
    # Imported here to keep Pillow out of start-up.
    from PIL import Image

    pictures = []
    for file, title in items:
        try:
            with Image.open(file) as img:
                pictures.append((np.asarray(img.convert("RGB")), title))
        except OSError:
            continue
    if not pictures:
        return None
    fig = _figure(PANEL_IN + 0.45, PANEL_IN * len(pictures) + 0.2)
    for k, (pixels, title) in enumerate(pictures, start=1):
        ax = fig.add_subplot(1, len(pictures), k)
        ax.imshow(pixels, interpolation="nearest")
        ax.set_title(title, fontsize=FONT)
        ax.set_xticks([])
        ax.set_yticks([])
    return _finish(fig, path)
