"""The engine process: runs one job at a time for the GUI and streams its events back.

The GUI starts ``serve`` in a spawned child process. The child applies the Keras backend and
thread settings before Keras is ever imported, then answers job requests until told to stop.
Keras is imported meanwhile on a thread of its own, which then says the process is ready
(with the backend and the training device): a job that needs no Keras (reading a file the
user just picked) is answered at once instead of after the 5-15 s import, and one that needs
it waits on Python's import lock. Messages are plain dicts over a ``multiprocessing`` pipe
(sent under one lock: the ready message and a job's replies come from two threads):

    request  {"id": 3, "request": {"type": "TrainRequest", "args": {...}}}   or   {"stop": True}
    replies  {"kind": "ready", "backend": ..., "device": ..., "device_sentence": ...,
              "mixed_precision_refusal": why it is not offered ("" where it is)}
             {"kind": "events", "id": 3, "events": [event dicts]}   (batched, ~20 per s)
             {"kind": "result", "id": 3, "result": {...}}
             {"kind": "error", "id": 3, "message": "...", "details": "...", "user": bool}
             {"kind": "cancelled", "id": 3}

A job's cancel token is a ``multiprocessing.Event`` the GUI sets. Jobs look at it between
batches, read chunks, checks and trials; a job in a phase that cannot (a model being traced,
a report's PDF, one long library call) is killed with the whole process by the GUI 0.6 s
after Cancel and the process restarts (``gui.jobs.JobRunner``), so the user has control
back within a second. Everything a job finished is already on disk, written atomically; a
job about to write sends a ``StageStarted`` with stage ``saving`` (a stopping fit sends
``stopping``) and is then let finish its writes.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from typing import Any

from engine.core.errors import JobCancelled, PracticaError
from engine.core.jobs import BatchEnded, Event, TelemetrySampled, decode_request
from engine.core.texts import text
from engine.app.job_catalog import JOBS
from engine.core.backend import backend_name
from engine.core.device import device_facts, mixed_precision_refusal

FLUSH_SECONDS = 0.05
FREQUENT = (BatchEnded, TelemetrySampled)
EXTRA_JOBS = "PRACTICA_EXTRA_JOBS"
"""An environment variable naming a module whose ``JOBS`` table (request type -> job) the
child adds to the catalogue; only the tests set it (jobs that fail or hang on purpose)."""


def job_table() -> dict:
    """The catalogue, plus the table of the module named by ``PRACTICA_EXTRA_JOBS``."""

    extra = os.environ.get(EXTRA_JOBS)
    if not extra:
        return JOBS
    import importlib

    return {**JOBS, **importlib.import_module(extra).JOBS}


def _plain_result(result):
    return result.to_dict() if hasattr(result, "to_dict") else result


def apply_settings(settings: dict[str, Any]) -> None:
    """Backend and thread pools, set before Keras is imported."""
    if settings.get("backend"):
        os.environ["KERAS_BACKEND"] = str(settings["backend"])
    threads = settings.get("threads")
    if threads:
        for name in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
            os.environ[name] = str(threads)
        os.environ["TF_NUM_INTEROP_THREADS"] = "2"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


class EventSender:
    """Sends events of one job, batching the frequent ones (batch ends, telemetry samples)
    every 50 ms."""

    def __init__(self, conn, job_id: int) -> None:
        self.conn = conn
        self.job_id = job_id
        self.buffer: list[dict] = []
        self.last = time.monotonic()

    def __call__(self, event: Event) -> None:
        self.buffer.append(event.to_dict())
        now = time.monotonic()
        if not isinstance(event, FREQUENT) or now - self.last >= FLUSH_SECONDS:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self.buffer:
            self.conn.send({"kind": "events", "id": self.job_id, "events": self.buffer})
            self.buffer = []
        self.last = time.monotonic() if now is None else now


def run_one(conn, request: dict, cancel) -> None:
    """Run one job request and send its events and its outcome."""
    job_id = request.get("id", 0)
    sender = EventSender(conn, job_id)
    try:
        table = job_table()
        job_request = decode_request(request["request"])
        result = _plain_result(table[type(job_request)](job_request, sender, cancel))
        sender.flush()
        if cancel.is_set():
            conn.send({"kind": "cancelled", "id": job_id, "result": result})
        else:
            conn.send({"kind": "result", "id": job_id, "result": result})
    except JobCancelled:
        sender.flush()
        conn.send({"kind": "cancelled", "id": job_id, "result": None})
    except PracticaError as exc:
        sender.flush()
        conn.send({"kind": "error", "id": job_id, "message": str(exc), "details": "",
                   "user": True})
    except Exception as exc:  # noqa: BLE001 - reported to the GUI, never lost
        sender.flush()
        conn.send({"kind": "error", "id": job_id, "user": False,
                   "message": text("engine.internal_error", problem=type(exc).__name__),
                   "details": traceback.format_exc()})


class _SharedPipe:
    """The pipe's end with ``send`` under a lock, for the two threads that send."""

    def __init__(self, conn) -> None:
        self._conn, self._lock = conn, threading.Lock()

    def send(self, message) -> None:
        with self._lock:
            self._conn.send(message)

    def recv(self):
        return self._conn.recv()


def _announce_ready(conn) -> None:
    """Import Keras, then tell the GUI the backend and the training device."""
    try:
        facts = device_facts()
        conn.send({"kind": "ready", "backend": backend_name(), "device": facts.label,
                   "device_sentence": facts.sentence(),
                   "mixed_precision_refusal": mixed_precision_refusal(facts),
                   "pid": os.getpid()})
    except Exception as exc:  # noqa: BLE001
        conn.send({"kind": "ready", "backend": "unavailable", "device": "none",
                   "pid": os.getpid(), "problem": str(exc)})


def serve(conn, cancel, settings: dict[str, Any] | None = None) -> None:
    """The child process' main loop (target of ``multiprocessing.Process``)."""
    apply_settings(settings or {})
    conn = _SharedPipe(conn)
    threading.Thread(target=_announce_ready, args=(conn,), name="practica-keras-import",
                     daemon=True).start()
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request.get("stop"):
            return
        cancel.clear()
        run_one(conn, request, cancel)
