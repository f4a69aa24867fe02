"""Running engine jobs from the GUI: one at a time, in the child engine process.

``JobRunner`` sends a job's request (``engine.core.jobs.encode_request``) to the engine
process; a reader thread hands what comes back to the GUI thread through a queued signal,
where it becomes the job handle's signals. Cancel sets the job's token; a job
checks it between batches, chunks, checks or trials and ends within a fraction of a second.
One that has not ended after ``grace_ms`` (0.6 s: with the kill, the user has control back
within a second) is in a phase that cannot look at the token — a model being traced, one
long C call — so the process is killed and restarted (everything the job finished is
already on disk, written atomically). A job that has said it is saving (a
``StageStarted`` with stage ``stopping`` or ``saving``) is not killed in the middle of its
writes: it gets up to ``ACKED_GRACE_MS``. Each job started gets its own ``JobHandle``
whose signals say what became of it (events, the result, a failure with a plain message and
the details, a stop); the app keeps running. ``shutdown`` cancels and awaits on
quit.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal

from engine.core import encode_request, event_from_dict, job_name
from engine.core import text
from gui.engine_process import EngineProcess


class JobHandle(QObject):
    """One job started by ``JobRunner.run``: whoever started it connects to its signals.

    Signals are emitted on the GUI thread and carry plain Python data only; ``finished``
    carries the result as the engine sent it (the result type's ``to_dict``).
    """

    event = Signal(object)           # an engine.core.jobs.Event
    finished = Signal(object)        # the result dict
    failed = Signal(str, str)        # plain message, details
    cancelled = Signal(str)          # plain message ("" for a clean stop)

    def __init__(self, request, job_id: int = 0, parent=None) -> None:
        super().__init__(parent)
        self.request = request
        self.id = job_id
        self.done = False

    @property
    def name(self) -> str:
        """The job's short name (``tune``, ``check_file``), for the words shown."""
        return job_name(self.request)


class JobRunner(QObject):
    """Drives the engine process. Signals carry plain Python data only."""

    engine_ready = Signal(dict)        # {"backend": ..., "device": ...}
    job_started = Signal(object)       # the JobHandle of the job just started
    busy_changed = Signal(bool)
    cancel_requested = Signal()        # whoever asked: the job panel says "Stopping..."
    GRACE_MS = 600                     # cancel -> killed, for a job that does not stop
    ACKED_GRACE_MS = 30_000            # ... for a job that said it is saving
    SAVING_STAGES = ("stopping", "saving")
    _message = Signal(object, object)  # (engine, message) from the reader thread, queued

    def __init__(self, settings: dict | None = None, grace_ms: int | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.grace_ms = self.GRACE_MS if grace_ms is None else grace_ms
        self.engine: EngineProcess | None = None
        self.ready_info: dict | None = None
        self._job: JobHandle | None = None
        self._next_id = 1
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._closing = False
        self._acknowledged = False
        self._message.connect(self._dispatch)

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

    @property
    def current(self) -> JobHandle | None:
        """The handle of the running job (None when idle)."""
        return self._job

    # ----- jobs
    def run(self, request) -> JobHandle | None:
        """Start the job of ``request`` (a ``JobRequest``); its handle, or None when another
        job is still running."""
        if self.busy:
            return None
        if self.engine is None or not self.engine.alive:
            self.start()
        handle = JobHandle(request, self._next_id)  # dropped when nobody holds it any more
        self._next_id += 1
        with self._lock:
            self._job = handle
        self._acknowledged = False
        self.engine.cancel.clear()
        self.engine.send({"id": handle.id, "request": encode_request(request)})
        self.job_started.emit(handle)
        self.busy_changed.emit(True)
        return handle

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

    def _hard_stop(self, job: JobHandle, patient: bool) -> None:
        if self._job is None or self._job is not job:
            return  # it stopped in time
        if patient and self._acknowledged:
            return  # it is saving; the second deadline still applies
        engine, self.engine = self.engine, None  # the reader must not restart it as well
        self._end_job()
        engine.kill()
        self._emit_end(job, job.cancelled, text("engine.hard_stop"))
        if self.engine is None:  # a slot of the signal may have started the next job
            self.start()

    def _end_job(self) -> JobHandle | None:
        with self._lock:
            job, self._job = self._job, None
        if job is not None:
            job.done = True
            self.busy_changed.emit(False)
        return job

    @staticmethod
    def _emit_end(_job: JobHandle, signal, *values) -> None:
        signal.emit(*values)

    # ----- the reader thread
    def _read(self, engine: EngineProcess) -> None:
        while True:
            try:
                message = engine.conn.recv()
            except (EOFError, OSError):
                break
            self._message.emit(engine, message)
        self._message.emit(engine, {"kind": "died"})

    # ----- on the GUI thread
    def _dispatch(self, engine: EngineProcess, message: dict) -> None:
        what = message.get("kind")
        if what == "died":
            if engine is self.engine and not self._closing:
                # The process died (or was killed by the GUI, which restarts it itself).
                job = self._end_job()
                if job is not None:
                    self._emit_end(job, job.failed, text("engine.stopped"), "")
                self.start()
            return
        if what == "ready":
            self.ready_info = message
            self.engine_ready.emit(message)
            return
        current = self._job
        if current is None or message.get("id") != current.id:
            return  # a late message of a job already given up on
        if what == "events":
            for data in message["events"]:
                if (data.get("type") == "StageStarted"
                        and data.get("stage") in self.SAVING_STAGES):
                    self._acknowledged = True
                current.event.emit(event_from_dict(data))
        elif what == "result":
            self._end_job()
            self._emit_end(current, current.finished, message.get("result"))
        elif what == "cancelled":
            self._end_job()
            self._emit_end(current, current.cancelled, "")
        elif what == "error":
            self._end_job()
            self._emit_end(current, current.failed, message.get("message", ""),
                           message.get("details", ""))
