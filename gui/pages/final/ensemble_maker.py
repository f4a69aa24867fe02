"""The Final page's "Make an ensemble a model" box: a checkable list of the runs that may
join an ensemble (the best few checked at first), how many are checked and what they weigh
together, a button that runs the ``ensemble_run`` job, then the new run with a button that
makes it the chosen model (the ``diagnose`` job, as choosing any run does).

Which runs may join, the sums and the scores are the engine's
(``engine.final.ensemble.eligible_members``, ``engine.final.ensemble_run``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QGroupBox, QHBoxLayout, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout)

from engine.diagnosis.requests import DiagnoseRequest
from engine.final import DEFAULT_MEMBERS, eligible_members, summed_measures
from engine.final.requests import EnsembleRunRequest
from engine.project import find_run
from engine.project.parts import Goal
from engine.words import fmt_error, quantities
from gui.pages.base import gui_text
from gui.pages.labels import note

ROW_HEIGHT_ROWS = 6  # rows the list shows before it scrolls


class EnsembleMaker(QGroupBox):
    """Pick the members, make the ensemble a run, then offer to use it."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(gui_text("ensemble_run.title"), parent)
        self.setObjectName("ensembleMaker")
        self.session = session
        layout = QVBoxLayout(self)
        layout.addWidget(note(gui_text("ensemble_run.intro"), "ensembleMakerIntro", muted=True))
        self.members = QListWidget()
        self.members.setObjectName("ensembleMembersList")
        self.members.setSelectionMode(QAbstractItemView.NoSelection)
        self.members.setToolTip(gui_text("ensemble_run.list_tip"))
        self.members.itemChanged.connect(self._checks_changed)
        layout.addWidget(self.members)
        self.size = note("", "ensembleSize")
        layout.addWidget(self.size)
        row = QHBoxLayout()
        self.make_button = QPushButton(gui_text("ensemble_run.make"))
        self.make_button.setObjectName("ensembleMakeButton")
        self.make_button.setToolTip(gui_text("ensemble_run.make_tip"))
        self.make_button.clicked.connect(self.make)
        row.addWidget(self.make_button)
        self.use_button = QPushButton(gui_text("ensemble_run.use"))
        self.use_button.setObjectName("ensembleUseButton")
        self.use_button.setToolTip(gui_text("ensemble_run.use_tip"))
        self.use_button.clicked.connect(self.use)
        row.addWidget(self.use_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.made = note("", "ensembleMade")
        layout.addWidget(self.made)
        self._shown: tuple[str, ...] = ()
        self._made_id = ""
        self._working = False

    # ----- what the user asked for
    def checked_ids(self) -> list[str]:
        return [self.members.item(i).data(Qt.UserRole) for i in range(self.members.count())
                if self.members.item(i).checkState() == Qt.Checked]

    def make(self) -> None:
        ids = self.checked_ids()
        if len(ids) < 2 or self._working:
            return
        handle = self.session.run(EnsembleRunRequest(runs=tuple(ids), size=len(ids)),
                                  then=self._made)
        if handle is not None:
            self._working = True
            handle.failed.connect(self._ended)
            handle.cancelled.connect(self._ended)
        self.update_buttons()

    def use(self) -> None:
        if self._made_id:
            self.session.run(DiagnoseRequest(run=self._made_id))

    # ----- showing the project
    def refresh(self, project) -> None:
        runs = eligible_members(project) if project is not None else []
        ids = tuple(r.id for r in runs)
        if ids != self._shown:  # new runs: the best few checked again
            self._shown = ids
            self.members.blockSignals(True)
            self.members.clear()
            metric = (project.goal or Goal()).metric if project is not None else None
            for i, run in enumerate(runs):
                item = QListWidgetItem(gui_text("ensemble_run.item", label=run.label,
                                                error=fmt_error(run.errors.get("dev"), metric)))
                item.setData(Qt.UserRole, run.id)
                item.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled)
                item.setCheckState(Qt.Checked if i < DEFAULT_MEMBERS else Qt.Unchecked)
                self.members.addItem(item)
            self.members.blockSignals(False)
            rows = max(1, min(len(runs), ROW_HEIGHT_ROWS))
            self.members.setFixedHeight(rows * self.members.sizeHintForRow(0)
                                        + 2 * self.members.frameWidth() + 4 if runs else 0)
        self.members.setVisible(bool(runs))
        made = find_run(project, self._made_id) if project is not None else None
        self.made.setVisible(made is not None)
        if made is not None:
            self.made.setText(self._made_words(project, made))
        self._checks_changed()

    def _made_words(self, project, run) -> str:
        metric = (project.goal or Goal()).metric
        words = gui_text("ensemble_run.made", label=run.label, run=run.id,
                         error=fmt_error(run.errors.get("dev"), metric))
        if project.chosen_run == run.id:
            words += " " + gui_text("ensemble_run.chosen")
        return words

    def _checks_changed(self, _item=None) -> None:
        project = self.session.project
        ids = self.checked_ids()
        if project is None or len(self._shown) < 2:
            self.size.setText(gui_text("ensemble_run.too_few", n=len(self._shown)))
        else:
            runs = [project.run(i) for i in ids]
            self.size.setText(gui_text("ensemble_run.size", n=len(ids),
                                       **quantities(summed_measures(runs))))
        self.update_buttons()

    def update_buttons(self) -> None:
        """Enable what can be done now (the page calls it when the engine gets busy or
        idle)."""
        idle = not self.session.runner.busy and not self._working
        self.make_button.setEnabled(idle and len(self.checked_ids()) >= 2)
        project = self.session.project
        chosen = project is not None and project.chosen_run == self._made_id
        self.use_button.setVisible(bool(self._made_id) and not chosen)
        self.use_button.setEnabled(idle)

    def _made(self, result) -> None:
        self._working = False
        self._made_id = str((result or {}).get("run") or "")
        self.refresh(self.session.project)

    def _ended(self, *_args) -> None:
        self._working = False
        self.update_buttons()
