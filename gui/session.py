"""The open project as the GUI sees it: the ``Project``, unsaved edits and the job runner.

Pages never write project files themselves: quick edits go through engine functions via
``edit`` (the project becomes unsaved), long work goes to the engine process via ``run``
(a typed request; the page keeps the returned ``JobHandle`` to hear how its own job ended).
Before a job starts, unsaved edits are saved so the engine process reads them; after it
ends, the project is read again from disk (autosave after every finished job).
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from engine.core import PracticaError, ProjectLockedError, text
from engine.project import Project, ProjectLock, hold, open_project
from engine.app import step_states
from engine.goal.requests import NewProjectRequest
from gui.jobs import JobHandle, JobRunner
from gui.recent import add_recent


TAKE_OVER = "take over"


class ProjectSession(QObject):
    project_changed = Signal()
    dirty_changed = Signal(bool)
    problem = Signal(str, str)  # a plain message and details, for the error dialog

    def __init__(self, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.project: Project | None = None
        self.dirty = False
        self.lock: ProjectLock | None = None
        self.read_only_reason = ""
        """Why the open project is read-only (another program holds it); empty when not."""
        self.ask_read_only: Callable[[str], bool | str] = lambda _message: False
        """Asked with the holder's message when the project is in use elsewhere: True opens
        it read-only, ``TAKE_OVER`` takes over a lock left on another computer
        (``blocked_by`` is the holder). The window asks the user; without a window the
        answer is no."""
        self.blocked_by = None
        runner.job_started.connect(self._watch)  # a method: dropped with the session

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    # ----- project
    def open(self, folder: str | Path) -> bool:
        """Open the project in ``folder`` and hold it (one writer at a time); when another
        program holds it, offer to open it read-only. A problem becomes a message and
        nothing changes."""
        lock, reason = None, ""
        try:
            lock = hold(folder, program=text("lock.program_app"))
        except ProjectLockedError as exc:
            self.blocked_by = getattr(exc, "holder", None)
            answer = self.ask_read_only(str(exc))
            if not answer:
                return False
            if answer == TAKE_OVER:
                return self._take_over(folder)
            reason = str(exc)
        except PracticaError as exc:
            self.problem.emit(str(exc), "")
            return False
        try:
            project = open_project(folder)
        except PracticaError as exc:
            if lock is not None:
                lock.release()
            self.problem.emit(str(exc), "")
            return False
        self.close()
        self.lock, self.read_only_reason = lock, reason
        self.project = project
        add_recent(str(project.root))
        self._set_dirty(False)
        self.project_changed.emit()
        return True

    def _take_over(self, folder: str | Path) -> bool:
        """Take over a project left held by a program on another computer (the user said
        that computer no longer uses it), then open it."""
        try:
            hold(folder, program=text("lock.program_app"), take_over=True).release()
        except PracticaError as exc:
            self.problem.emit(str(exc), "")
            return False
        return self.open(folder)

    def close(self) -> None:
        """Forget the open project (unsaved edits too) and give its lock back."""
        if self.lock is not None:
            self.lock.release()
        self.lock, self.read_only_reason, self.project = None, "", None
        self._set_dirty(False)

    def reload(self) -> None:
        if self.project is not None:
            self.project = open_project(self.project.root)
            self.project_changed.emit()

    def states(self):
        return step_states(self.project) if self.project is not None else None

    def edit(self, change: Callable[[Project], None]) -> bool:
        """Apply ``change`` (an engine function) to the project; False if it was refused."""
        if self.project is None:
            return False
        if self.read_only:
            self.problem.emit(text("gui.read_only.refused"), self.read_only_reason)
            return False
        try:
            change(self.project)
        except PracticaError as exc:
            self.problem.emit(str(exc), "")
            return False
        self._set_dirty(True)
        self.project_changed.emit()
        return True

    def save(self) -> bool:
        if self.project is None or self.read_only:
            return True
        try:
            self.project.save()
        except PracticaError as exc:
            self.problem.emit(str(exc), "")
            return False
        self._set_dirty(False)
        return True

    # ----- jobs
    def run(self, request, then: Callable[[Any], None] | None = None) -> JobHandle | None:
        """Run the job of ``request`` (a ``JobRequest``) on this project: a request with an
        empty ``project`` gets the open project's folder. ``then`` gets the result once the
        project has been read again. Returns the job's handle (None when it did not start);
        the caller connects to it for its own job's end."""
        if self.read_only and self.project is not None:
            self.problem.emit(text("gui.read_only.refused"), self.read_only_reason)
            return None
        if self.dirty and not self.save():
            return None
        if (self.project is not None and "project" in {f.name for f in fields(request)}
                and not request.project):
            request = replace(request, project=str(self.project.root))
        handle = self.runner.run(request)
        if handle is not None and then is not None:
            handle.finished.connect(then)  # after ``_watch``'s reload, connected first
        return handle

    def _watch(self, handle: JobHandle) -> None:
        """Every job's end: read the project again; a failure becomes ``problem``.
        Bound methods, not lambdas: Qt drops them when the session goes away."""
        handle.finished.connect(self._finished)
        handle.cancelled.connect(self._cancelled)
        handle.failed.connect(self._failed)

    def _finished(self, result: Any) -> None:
        handle = self.sender()
        if (isinstance(getattr(handle, "request", None), NewProjectRequest)
                and isinstance(result, dict) and result.get("project")):
            self.open(result["project"])
        self._after_job()

    def _cancelled(self, _message: str) -> None:
        self._after_job()

    def _failed(self, message: str, details: str) -> None:
        self._after_job()
        self.problem.emit(message, details)

    def _after_job(self) -> None:
        if self.project is not None:
            try:
                self.reload()
            except PracticaError as exc:
                self.problem.emit(str(exc), "")

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirty_changed.emit(dirty)
