"""What the GUI process was doing when the event loop fired late (used by bench.event_loop).

A background thread samples the stacks of every Python thread of the process every 2 ms;
garbage collections are timed through ``gc.callbacks``. After a run, each late tick is
explained by the samples taken while it was late (the main thread's innermost frames of
Practica, pyqtgraph or Qt-calling code, and what the other threads held) and by any
collection that overlapped it.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
import traceback
from collections import Counter

SAMPLE_S = 0.002
DEPTH = int(os.environ.get("STALL_DEPTH", "3"))  # frames named per late tick
OWN_PREFIXES = ("gui", "engine", "pyqtgraph", "bench")


def _where(frame, depth: int = 3) -> str:
    """The innermost frames of a stack that belong to code we can change, as one line."""
    stack = traceback.extract_stack(frame)
    own = [f for f in stack if any(f"/{p}/" in f.filename for p in OWN_PREFIXES)]
    chosen = (own or stack)[-depth:]
    return " <- ".join(f"{f.filename.rsplit('/', 2)[-2]}/{f.filename.rsplit('/', 1)[-1]}:"
                       f"{f.lineno} {f.name}" for f in reversed(chosen))


class StallSampler:
    """Stack samples of all threads and garbage-collection pauses, with time stamps."""

    def __init__(self) -> None:
        self.main_id = threading.main_thread().ident
        self.samples: list[tuple[float, str, str]] = []  # (time, main stack, others)
        self.collections: list[tuple[float, float, int]] = []  # (start, end, generation)
        self._gc_start = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="stall-sampler")

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_start = now
        else:
            self.collections.append((self._gc_start, now, info.get("generation", -1)))

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(SAMPLE_S):
            frames = sys._current_frames()
            main = frames.get(self.main_id)
            others = "; ".join(_where(f, 1) for ident, f in frames.items()
                               if ident not in (self.main_id, me))
            self.samples.append((time.perf_counter(), _where(main, DEPTH) if main else "",
                                 others))

    def explain(self, late: list[tuple[float, float]], top: int = 5) -> list[str]:
        """Lines naming what ran during each late tick: ``late`` holds (end time, lateness s)."""
        causes: Counter = Counter()
        worst: dict[str, float] = {}
        for end, lateness in late:
            begin = end - lateness
            gcs = [c for c in self.collections if c[1] > begin and c[0] < end]
            paused = sum(min(c[1], end) - max(c[0], begin) for c in gcs)
            if gcs and paused > lateness / 2:  # the collection was most of the delay
                key = f"garbage collection (generation {max(c[2] for c in gcs)})"
            else:
                inside = [s for s in self.samples if begin <= s[0] <= end]
                stacks = Counter(s[1] for s in inside)
                key = stacks.most_common(1)[0][0] if stacks else "no sample (C++ without Python)"
            causes[key] += 1
            worst[key] = max(worst.get(key, 0.0), lateness)
        return [f"{count} x up to {worst[key] * 1000:.0f} ms: {key}"
                for key, count in causes.most_common(top)]

    def gc_summary(self) -> str:
        if not self.collections:
            return "no garbage collection"
        longest = max(self.collections, key=lambda c: c[1] - c[0])
        by_gen = Counter(c[2] for c in self.collections)
        return (f"{len(self.collections)} collections ({dict(sorted(by_gen.items()))} by "
                f"generation), longest {(longest[1] - longest[0]) * 1000:.1f} ms "
                f"(generation {longest[2]})")
