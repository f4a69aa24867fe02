"""The child engine process: started with spawn, kept alive between jobs, restartable.

Why a process and not a thread, measured on this kind of machine: building and tracing a
Keras model in a thread of the GUI process froze the event loop 117-335 ms each time
(TensorFlow holds the GIL while importing, tracing and compiling); in a child process the
worst freeze was 4 ms at the same training speed. The child also isolates crashes, frees
GPU memory when it ends, and can be killed when a job will not stop.
"""

from __future__ import annotations

import multiprocessing as mp
import os

from engine.app import serve
from engine.project.lock import writer_token


def default_settings() -> dict:
    """Backend and threads for the child: ``KERAS_BACKEND`` (TensorFlow by default) and all
    cores but one for the math, leaving one for the window."""
    return {"backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
            "threads": max(1, (os.cpu_count() or 2) - 1)}


class EngineProcess:
    """One spawned engine process with its pipe and its cancel event."""

    def __init__(self, settings: dict | None = None) -> None:
        self.settings = settings or default_settings()
        self._ctx = mp.get_context("spawn")
        self.conn = None
        self.cancel = None
        self.process = None

    def start(self) -> None:
        writer_token()  # the child inherits it: it writes the projects this app holds
        parent, child = self._ctx.Pipe()
        self.cancel = self._ctx.Event()
        self.process = self._ctx.Process(target=serve, args=(child, self.cancel, self.settings),
                                         name="practica-engine", daemon=True)
        self.process.start()
        child.close()
        self.conn = parent

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def send(self, message: dict) -> None:
        self.conn.send(message)

    def kill(self) -> None:
        """Stop the process at once (the project keeps what finished before)."""
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self._close()

    def stop(self, timeout: float = 3.0) -> None:
        """Ask the process to end, then kill it if it does not."""
        if self.process is None:
            return
        try:
            if self.process.is_alive():
                self.conn.send({"stop": True})
                self.process.join(timeout)
        except (OSError, ValueError):
            pass
        self.kill()

    def _close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
