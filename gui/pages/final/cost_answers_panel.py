"""The "Answer by the lowest cost" box of the Final page (several classes with a cost table).

With three or more classes one threshold cannot say when to answer what; the goal's cost
table can: the engine (``engine.decision.cost_answers``) makes the chosen model answer, for
each example, the class whose expected cost is lowest, measured on the dev rows against
answering the most likely class. The box shows what is saved, one button to make (or redo)
the change, and the engine's sentence. Read-only with the reason once the vault is open.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout

from engine.decision.cost_answers import describe_cost_answers
from engine.decision.requests import ThresholdRequest
from engine.goal.decision import rule_for
from engine.project import find_run
from engine.project.parts import Goal
from gui.pages.base import gui_text
from gui.pages.labels import note


def _key(name: str, **values) -> str:
    return gui_text(f"threshold.{name}", **values)


class CostAnswersPanel(QGroupBox):
    """What a model of several classes answers when mistakes have costs."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(_key("cost_title"), parent)
        self.setObjectName("costAnswersPanel")
        self.session = session
        layout = QVBoxLayout(self)
        layout.addWidget(note(_key("cost_about"), "costAnswersAbout"))
        row = QHBoxLayout()
        self.button = QPushButton(_key("cost_button"))
        self.button.setObjectName("costAnswersButton")
        self.button.setToolTip(_key("cost_button_tip"))
        self.button.clicked.connect(self.apply)
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = note("", "costAnswersStatus")
        self.locked = note(_key("cost_locked"), "costAnswersLocked", role="warning")
        layout.addWidget(self.status)
        layout.addWidget(self.locked)
        self._busy = False
        session.project_changed.connect(self.refresh)
        # A method, not a lambda: Qt drops the connection when this box is deleted.
        session.runner.busy_changed.connect(self._busy_changed)
        self.refresh()

    def apply(self) -> None:
        """Run the engine's choice on the dev rows and save it."""
        handle = self.session.run(ThresholdRequest(rule="cost", save=True), then=self._done)
        self._busy = handle is not None
        if handle is not None:
            handle.failed.connect(self._ended)
            handle.cancelled.connect(self._ended)
        self._update_button()

    def _done(self, result: dict) -> None:
        self._busy = False
        self.refresh()
        self.status.setText(result.get("line", ""))

    def _ended(self, *_args) -> None:
        self._busy = False
        self._update_button()

    def refresh(self) -> None:
        project = self.session.project
        goal = (project.goal or Goal()) if project is not None else Goal()
        run = find_run(project, project.chosen_run) if project is not None else None
        shown = (project is not None and run is not None and goal.task == "multiclass"
                 and goal.costs is not None)
        self.setVisible(shown)
        if not shown:
            return
        rule = rule_for(project.decision_rule, run.id)
        if rule is not None and rule.cost_answers is not None:
            self.status.setText(describe_cost_answers(rule.cost_answers, run.label,
                                                      goal.costs.unit, rule.after_test_seen))
        else:
            self.status.setText(_key("cost_none_yet", label=run.label))
        self._update_button()

    def _busy_changed(self, _busy: bool) -> None:
        self._update_button()

    def _update_button(self) -> None:
        project = self.session.project
        opened = bool(project is not None and project.vault.is_open)
        self.locked.setVisible(opened)
        self.button.setEnabled(not opened and not self._busy
                               and not self.session.runner.busy)
