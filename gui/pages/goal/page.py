"""Step 1 — Goal. With no project open: choose a file or a folder of images (dialog, drop or
a sample), what one example is (a row, a text, a series), the column to predict (none for
images: the sub-folders are the classes), how to judge models, and create the project.
With a project open: show its goal and let the user change the metric, the constraints and
the target error.

Reading the file and suggesting the goal are engine jobs (``check_file``, ``suggest_goal``,
``new_project``); changes to an open project are quick engine edits (``engine.goal.edit``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QTimer

from engine.goal import edit as goal_edit
from engine.goal import find_metric, metrics_for
from engine.data import SAMPLES
from engine.core import text
from engine.data.requests import CheckFileRequest
from engine.kinds.registry import data_kind
from engine.goal.requests import NewProjectRequest, SuggestGoalRequest
from gui.pages.base import StepPage, gui_text
from engine.project import default_project_folder
from gui.pages.goal.form import GoalForm


def default_folder(data_file: str) -> Path:
    return default_project_folder(data_file)


class GoalPage(StepPage):
    step = "goal"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.form = GoalForm(self)
        self.body.addWidget(self.form)
        f = self.form
        self._path: str | None = None
        self._sample: str | None = None
        self._wanted_target: str | None = None
        self._wanted_examples: dict | None = None
        self._suggestion: dict | None = None
        self._shown: object = ()  # what the open-project view shows (to keep user edits)
        self._active = None  # the handle of the job this page started and waits for
        self._queued: tuple | None = None
        self.setAcceptDrops(True)
        f.choice.file_chosen.connect(self.use_file)
        f.choice.sample_chosen.connect(self.use_sample)
        f.target_combo.currentIndexChanged.connect(self._target_chosen)
        f.examples.changed.connect(self._target_chosen)
        f.labellers.changed.connect(self._target_chosen)
        f.task_combo.currentIndexChanged.connect(self._task_chosen)
        f.create_button.clicked.connect(self.create_project)
        f.apply_button.clicked.connect(self.apply_changes)
        runner = session.runner
        runner.busy_changed.connect(self._busy)
        self.finish_layout()
        self._busy(runner.busy)

    # ----- drag and drop (the whole page is a drop target)
    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.DragEnter, QEvent.DragMove):
            self.dragEnterEvent(event)
            return True
        if kind == QEvent.DragLeave:
            self.form.choice.set_hover(False)
            return True
        if kind == QEvent.Drop:
            self.dropEvent(event)
            return True
        return super().event(event)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.project is not None:
            event.ignore()
        elif self._dropped_file(event) is None:
            self.form.set_file_problem(gui_text("goal_source.drop_not_a_file"))
            event.ignore()
        else:
            event.acceptProposedAction()
            self.form.choice.set_hover(True)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.form.choice.set_hover(False)
        path = self._dropped_file(event)
        if self.project is not None or path is None:
            self.form.set_file_problem(gui_text("goal_source.drop_not_a_file"))
            event.ignore()
            return
        event.acceptProposedAction()
        self.use_file(path)

    @staticmethod
    def _dropped_file(event) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        return urls[0].toLocalFile()

    # ----- choosing the data
    def use_sample(self, name: str) -> None:
        sample = SAMPLES[name]
        self.use_file(str(sample.path), target=sample.target, sample=name,
                      examples={"data_kind": sample.data_kind,
                                "text_column": sample.text_column,
                                "sequence": sample.sequence})

    def use_file(self, path: str, target: str | None = None, sample: str | None = None,
                 examples: dict | None = None) -> None:
        """Read ``path`` (a ``check_file`` job) and list its columns; preselect ``target``
        and what an example is (``examples``: data_kind, text_column, sequence)."""
        if self.project is not None:
            return
        self._path, self._sample, self._wanted_target = path, sample, target
        self._wanted_examples = examples
        self._suggestion = None
        f = self.form
        f.choice.select_sample(sample)
        f.show_file(path, sample)
        f.folder_edit.setText(str(default_folder(path)))
        self._start(CheckFileRequest(path=path),
                    lambda result, p=path: self._file_checked(p, result))

    def _file_checked(self, path: str, result: dict) -> None:
        if path != self._path:
            return  # an older request; a newer one is on its way
        if result.get("data_kind") and data_kind(result["data_kind"]).folder:
            self.form.show_folder(path, result)
            if result.get("usable"):
                self._target_chosen()  # nothing to choose: the sub-folders are the classes
            return
        names = [c["name"] for c in result["summary"]["column_info"]]
        self.form.show_columns(result, names, self._wanted_target)
        if self._wanted_examples:
            self.form.examples.select(self._wanted_examples)
        if self.form.target_combo.currentIndex() >= 0:
            self._target_chosen()

    def _source_args(self) -> dict | None:
        """What the engine needs to read the data as the user means it: the file or folder,
        the column to predict, what an example is. None while something is still missing."""
        f = self.form
        if self._path is None:
            return None
        if f.images:
            return {"path": self._path, "data_kind": f.folder_kind}
        labels = f.labellers.columns()
        if labels:  # the vote has the first label column's classes: suggest from it
            return {"path": self._path, "target": labels[0], **f.examples.choice()}
        if f.target_combo.currentIndex() < 0:
            return None
        return {"path": self._path, "target": f.target_combo.currentText(),
                **f.examples.choice()}

    def _target_chosen(self, _index: int = 0) -> None:
        f = self.form
        f.target_combo.setEnabled(not f.labellers.columns())  # the vote is the target
        args = self._source_args()
        if f.filling or f.examples.filling or args is None:
            return
        self._suggestion = None
        missing = None if f.images else f.examples.missing()
        f.examples.set_status(missing or "")
        if missing:
            f.set_mode(open_project=False, judged=False)
            self._update_create()
            return
        f.show_looking()
        self._start(SuggestGoalRequest(**args), lambda result, a=args: self._suggested(a, result))

    def _suggested(self, args: dict, result: dict) -> None:
        f = self.form
        if args != self._source_args():
            return  # the user changed something since; a newer request is on its way
        if not result.get("usable"):
            f.show_target_problem(result.get("problem") or "")
            return
        self._suggestion = result
        f.show_suggestion(result)
        self._task_chosen()

    def _task_chosen(self, _index: int = 0) -> None:
        s, f = self._suggestion, self.form
        if s is None or f.filling:
            return
        task = f.task_combo.currentData()
        guessed = task == s["task"]
        f.show_task_reason(s["task_reason"], None if guessed else s["task"])
        f.judging.set_task(task, s["metrics"][task],
                           suggested=s["metric"] if guessed else None,
                           reasons={s["metric"]: s["metric_reason"]} if guessed else {},
                           fallback=gui_text("goal.metric_no_suggestion"))
        self._update_create()

    def create_project(self) -> None:
        s, f = self._suggestion, self.form
        if s is None or self._path is None or self.session.runner.busy:
            return
        folder = f.folder_edit.text().strip()
        if not folder:
            f.set_create_status(gui_text("goal.folder_missing"), warning=True)
            f.folder_edit.setFocus()
            return
        source = self._source_args()
        if source is None:
            return
        task, metric = f.task_combo.currentData(), f.judging.metric()
        suggested = task == s["task"] and metric == s["metric"]
        data, target = source.pop("path"), source.pop("target", None)
        labels = f.labellers.columns()
        if labels:
            source["label_columns"], target = labels, None
        args = {"project": folder, "data": data, "target": target, **source,
                "target_data": f.second_path, "task": task,
                "metric": None if suggested else metric,
                "constraints": f.judging.expressions(),
                "target_error": f.judging.target_error(),
                "abstain_accuracy": f.judging.abstain_accuracy()}
        f.set_create_status(gui_text("goal.creating"))
        self._start(NewProjectRequest(**args), self._created)

    def _created(self, _result: dict) -> None:
        self.form.set_create_status("")
        window = self.window()
        if self.session.project is not None and hasattr(window, "show_step"):
            window.show_step("data")

    # ----- jobs
    def _start(self, request, then) -> None:
        """Run ``request``; while another job runs, keep only the latest request and run it
        next."""
        if self.session.runner.busy:
            self._queued = (request, then)
            self.form.set_waiting(True)
            return
        handle = self.session.run(request, then=then)
        self._active = handle
        if handle is None:
            return
        # Bound methods, not lambdas: Qt drops these connections when the page goes away.
        handle.finished.connect(self._job_finished)
        handle.failed.connect(self._job_failed)
        handle.cancelled.connect(self._job_cancelled)

    def _job_finished(self, _result) -> None:
        self._job_ended(None)

    def _job_failed(self, message: str, _details: str) -> None:
        self._job_ended(message)

    def _job_cancelled(self, _message: str) -> None:
        self._job_ended("")

    def _job_ended(self, message: str | None) -> None:
        job, self._active = self._active, None
        if job is not None and message:
            self.form.show_job_problem(job.request, message)

    def _next(self) -> None:
        """Run the request kept while another job ran, once the runner is free."""
        if self._queued is not None and not self.session.runner.busy:
            (request, then), self._queued = self._queued, None
            self.form.set_waiting(False)
            self._start(request, then)

    def _busy(self, busy: bool) -> None:
        self.form.set_busy(busy)
        self._update_create()
        if not busy:  # after the ended job's own slots (and the session's reload)
            QTimer.singleShot(0, self, self._next)

    def _update_create(self) -> None:
        ready = self._suggestion is not None and not self.session.runner.busy
        self.form.create_button.setEnabled(ready)

    # ----- an open project
    def apply_changes(self) -> None:
        project = self.project
        if project is None or project.goal is None or self.session.runner.busy:
            return
        j = self.form.judging
        metric, expressions, error = j.metric(), j.expressions(), j.target_error()
        abstain = j.abstain_accuracy()
        costs = self.form.costs.table()
        before = len(project.decisions)
        notes: list[str] = []  # what the engine says about new costs

        def change(p) -> None:
            if costs is not None and costs != p.goal.costs:
                # first: the metric and the limits may use them
                notes.extend(goal_edit.set_costs(p, costs))
            goal_edit.set_constraints(p, expressions)
            goal_edit.set_target_error(p, error)
            goal_edit.set_abstain_accuracy(p, abstain)
            goal_edit.set_metric(p, metric)
            if costs is None:  # last: once nothing uses them any more
                goal_edit.set_costs(p, None)

        if self.session.edit(change):
            changed = len(self.session.project.decisions) > before
            said = gui_text("goal.applied" if changed else "goal.no_changes")
            self.form.set_apply_status(" ".join([said, *notes]))

    def refresh(self) -> None:
        project, f = self.project, self.form
        if project is None or project.goal is None:
            if self._shown != ():
                self._shown = ()
                self._path = self._sample = self._suggestion = None
                f.reset_new()
            f.set_mode(open_project=False, judged=self._suggestion is not None)
            return
        goal = project.goal
        shown = (str(project.root), repr(goal))
        f.set_mode(open_project=True, judged=True)
        if shown == self._shown:
            return  # keep what the user is editing
        self._shown = shown
        f.show_open_goal(project)
        task = goal.task
        user_choice = goal.metric_reason == text("setup.metric_user_choice")
        f.costs.set_goal(goal)
        f.set_mode(open_project=True, judged=True)  # the cost box fits the task
        f.judging.set_task(task, [[m.name, m.label] for m in metrics_for(task, goal.costs)],
                           suggested=None if user_choice else goal.metric,
                           reasons={goal.metric: goal.metric_reason},
                           current=goal.metric if find_metric(goal.metric) else None)
        f.judging.set_costs_known(goal.costs is not None)
        f.judging.set_constraints(goal.constraints)
        f.judging.set_target_error(goal.target_error)
        f.judging.set_abstain_accuracy(goal.abstain_accuracy)
        f.set_apply_status("")
