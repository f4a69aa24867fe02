"""Running engine jobs from the GUI: one at a time, in the child engine process.

``JobRunner`` sends a job to the engine process and a reader thread relays what comes back
as queued Qt signals, so slots run on the GUI thread. Cancel sets the job's token; a job
checks it between batches, chunks, checks or trials and ends within a fraction of a second.
One that has not ended after ``grace_ms`` (0.6 s: with the kill, the user has control back
within a second) is in a phase that cannot look at the token — a model being traced, one
long C call — so the process is killed and restarted (everything the job finished is
already on disk, written atomically). A job that has said it is saving (a
``StageStarted`` with stage ``stopping`` or ``saving``) is not killed in the middle of its
writes: it gets up to ``ACKED_GRACE_MS``. A job that fails becomes ``job_failed`` with a
plain message and the details; the app keeps running. ``shutdown`` cancels and awaits on
quit.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal

from engine.core import event_from_dict
from engine.core import text
from gui.engine_process import EngineProcess


class JobRunner(QObject):
    """Drives the engine process. Signals carry plain Python data only."""

    engine_ready = Signal(dict)        # {"backend": ..., "device": ...}
    job_started = Signal(str)          # job name
    job_event = Signal(object)         # an engine.core.jobs.Event
    job_finished = Signal(str, object)  # job name, result dict
    job_failed = Signal(str, str, str)  # job name, plain message, details
    job_cancelled = Signal(str, str)   # job name, plain message ("" for a clean stop)
    busy_changed = Signal(bool)
    cancel_requested = Signal()        # whoever asked: the job panel says "Stopping..."
    GRACE_MS = 600                     # cancel -> killed, for a job that does not stop
    ACKED_GRACE_MS = 30_000            # ... for a job that said it is saving
    SAVING_STAGES = ("stopping", "saving")
    _engine_died = Signal()            # emitted by the reader thread, handled on the GUI thread

    def __init__(self, settings: dict | None = None, grace_ms: int | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.grace_ms = self.GRACE_MS if grace_ms is None else grace_ms
        self.engine: EngineProcess | None = None
        self.ready_info: dict | None = None
        self._job: tuple[int, str] | None = None
        self._next_id = 1
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._closing = False
        self._acknowledged = False
        self._engine_died.connect(self.start)

    # ----- engine life
    def start(self) -> None:
        """Start (or restart) the engine process and its reader thread."""
        self._closing = False
        engine = EngineProcess(self.settings)
        engine.start()
        self.engine = engine
        self._reader = threading.Thread(target=self._read, args=(engine,),
                                        name="practica-engine-reader", daemon=True)
        self._reader.start()

    def shutdown(self) -> None:
        """Cancel a running job, stop the engine and wait for the reader (call on quit)."""
        self._closing = True
        if self.engine is not None:
            if self.busy:
                self.engine.cancel.set()
            self.engine.stop(timeout=3.0)
        if self._reader is not None:
            self._reader.join(5)

    @property
    def busy(self) -> bool:
        return self._job is not None

    # ----- jobs
    def run(self, job: str, args: dict) -> bool:
        """Start ``job`` with ``args``; False when another job is still running."""
        if self.busy:
            return False
        if self.engine is None or not self.engine.alive:
            self.start()
        job_id = self._next_id
        self._next_id += 1
        with self._lock:
            self._job = (job_id, job)
        self._acknowledged = False
        self.engine.cancel.clear()
        self.engine.send({"id": job_id, "job": job, "args": args})
        self.job_started.emit(job)
        self.busy_changed.emit(True)
        return True

    def cancel(self) -> None:
        """Ask the running job to stop; stop the engine outright if it does not obey.

        A job that has said it is saving what it finished (a "stopping" or "saving" stage)
        gets ``ACKED_GRACE_MS`` in all; any other job is stopped after ``grace_ms``.
        """
        if not self.busy:
            return
        self.engine.cancel.set()
        self.cancel_requested.emit()
        job = self._job
        QTimer.singleShot(self.grace_ms, lambda: self._hard_stop(job, patient=True))
        QTimer.singleShot(self.ACKED_GRACE_MS, lambda: self._hard_stop(job, patient=False))

    def _hard_stop(self, job, patient: bool) -> None:
        if self._job is None or self._job != job:
            return  # it stopped in time
        if patient and self._acknowledged:
            return  # it is saving; the second deadline still applies
        engine, self.engine = self.engine, None  # the reader must not restart it as well
        self._end_job()
        engine.kill()
        self.job_cancelled.emit(job[1], text("engine.hard_stop"))
        if self.engine is None:  # a slot of the signal may have started the next job
            self.start()

    def _end_job(self) -> tuple[int, str] | None:
        with self._lock:
            job, self._job = self._job, None
        if job is not None:
            self.busy_changed.emit(False)
        return job

    # ----- the reader thread
    def _read(self, engine: EngineProcess) -> None:
        while True:
            try:
                message = engine.conn.recv()
            except (EOFError, OSError):
                break
            self._dispatch(message)
        if engine is self.engine and not self._closing:
            # The process died (or was killed by the GUI, which restarts it itself).
            job = self._end_job()
            if job is not None:
                self.job_failed.emit(job[1], text("engine.stopped"), "")
            self._engine_died.emit()

    def _dispatch(self, message: dict) -> None:
        kind = message.get("kind")
        if kind == "ready":
            self.ready_info = message
            self.engine_ready.emit(message)
            return
        with self._lock:
            current = self._job
        if current is None or message.get("id") != current[0]:
            return  # a late message of a job already given up on
        if kind == "events":
            for data in message["events"]:
                if (data.get("type") == "StageStarted"
                        and data.get("stage") in self.SAVING_STAGES):
                    self._acknowledged = True
                self.job_event.emit(event_from_dict(data))
        elif kind == "result":
            self._end_job()
            self.job_finished.emit(current[1], message.get("result"))
        elif kind == "cancelled":
            self._end_job()
            self.job_cancelled.emit(current[1], "")
        elif kind == "error":
            self._end_job()
            self.job_failed.emit(current[1], message.get("message", ""),
                                 message.get("details", ""))
