"""The open project as the GUI sees it: the ``Project``, unsaved edits and the job runner.

Pages never write project files themselves: quick edits go through engine functions via
``edit`` (the project becomes unsaved), long work goes to the engine process via ``run``.
Before a job starts, unsaved edits are saved so the engine process reads them; after it
ends, the project is read again from disk (autosave after every finished job).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from engine.core import PracticaError
from engine.project import Project, open_project
from engine.app import step_states
from gui.jobs import JobRunner
from gui.recent import add_recent


class ProjectSession(QObject):
    project_changed = Signal()
    dirty_changed = Signal(bool)
    problem = Signal(str, str)  # a plain message and details, for the error dialog

    def __init__(self, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.project: Project | None = None
        self.dirty = False
        self._then: dict[str, Callable[[Any], None]] = {}
        runner.job_finished.connect(self._finished)
        runner.job_cancelled.connect(self._cancelled)  # a method: dropped with the session
        runner.job_failed.connect(self._failed)

    # ----- project
    def open(self, folder: str | Path) -> bool:
        """Open the project in ``folder``; a problem becomes a message, nothing changes."""
        try:
            project = open_project(folder)
        except PracticaError as exc:
            self.problem.emit(str(exc), "")
            return False
        self.project = project
        add_recent(str(project.root))
        self._set_dirty(False)
        self.project_changed.emit()
        return True

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
        try:
            change(self.project)
        except PracticaError as exc:
            self.problem.emit(str(exc), "")
            return False
        self._set_dirty(True)
        self.project_changed.emit()
        return True

    def save(self) -> bool:
        if self.project is None:
            return True
        try:
            self.project.save()
        except PracticaError as exc:
            self.problem.emit(str(exc), "")
            return False
        self._set_dirty(False)
        return True

    # ----- jobs
    def run(self, job: str, args: dict | None = None,
            then: Callable[[Any], None] | None = None) -> bool:
        """Run an engine job on this project (``args`` gets ``project``); ``then`` gets the
        result once the project has been read again."""
        if self.dirty and not self.save():
            return False
        args = dict(args or {})
        if self.project is not None:
            args.setdefault("project", str(self.project.root))
        if not self.runner.run(job, args):
            return False
        if then is not None:
            self._then[job] = then
        return True

    def _finished(self, job: str, result: Any) -> None:
        if job == "new_project" and isinstance(result, dict) and result.get("project"):
            self.open(result["project"])
        self._after_job(job, result, call=True)

    def _cancelled(self, job: str, _message: str) -> None:
        self._after_job(job, None, call=False)

    def _failed(self, job: str, message: str, details: str) -> None:
        self._after_job(job, None, call=False)
        self.problem.emit(message, details)

    def _after_job(self, job: str, result: Any, call: bool) -> None:
        then = self._then.pop(job, None)
        if self.project is not None:
            try:
                self.reload()
            except PracticaError as exc:
                self.problem.emit(str(exc), "")
        if call and then is not None:
            then(result)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirty_changed.emit(dirty)
