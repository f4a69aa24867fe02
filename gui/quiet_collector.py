"""Keeping Python's garbage collector from freezing the window.

A full collection walks every object the process holds; with Qt, PySide6, NumPy and the
pages built that took 0.1-1.3 s on the GUI thread during a search (``bench.event_loop``),
long enough for the window to stutter. What exists once the window and its pages are built
lives as long as the app, so it is moved out of the collector's sight (``gc.freeze``); the
collector then only walks what was made since, which takes a few milliseconds.
"""

from __future__ import annotations

import gc


def settle_collector() -> None:
    """Collect once, then exempt every object alive now from later full collections.

    Call it when a batch of long-lived objects was just made (the window, a page built on
    first visit); calling it again is cheap and freezes what was added since.
    """
    gc.collect()
    gc.freeze()
