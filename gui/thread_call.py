"""Run a short engine call (reading a file for a preview) off the GUI thread.

For work that needs no Keras and returns an object the GUI must hold (a data frame behind a
table model). Keras work always goes to the engine process instead (``gui.jobs``).
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from engine.core import PracticaError


class ThreadCall(QObject):
    """``ThreadCall(fn, *args).start()``; ``done(result)`` or ``failed(message, details)``
    arrive on the GUI thread. Keep a reference until one of them fired."""

    done = Signal(object)
    failed = Signal(str, str)

    def __init__(self, fn: Callable[..., Any], *args: Any, parent=None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._args = args
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "ThreadCall":
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            result = self._fn(*self._args)
        except PracticaError as exc:
            self.failed.emit(str(exc), "")
        except Exception as exc:  # noqa: BLE001 - shown as a dialog, never a crash
            self.failed.emit(type(exc).__name__, traceback.format_exc())
        else:
            self.done.emit(result)
