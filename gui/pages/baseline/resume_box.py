"""A strip on the Baseline page that offers to continue a training run that was interrupted
(stopped, or the app was closed) and kept its progress. The engine's ``resumable`` job says
which runs can; the page starts ``train`` with ``resume`` when the user asks."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QPushButton

from gui.pages.base import gui_text
from gui.pages.labels import note


class ResumeBox(QFrame):
    """Hidden unless runs can be continued; emits ``resume(run_id)``."""

    resume = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("resumeBox")
        self.setFrameShape(QFrame.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        self.text = note(name="resumeText")
        self.combo = QComboBox()
        self.combo.setObjectName("resumeCombo")
        self.combo.setToolTip(gui_text("resume.combo_tip"))
        self.button = QPushButton(gui_text("resume.button"))
        self.button.setObjectName("resumeButton")
        self.button.setToolTip(gui_text("resume.tip"))
        row.addWidget(self.text, 1)
        row.addWidget(self.combo)
        row.addWidget(self.button)
        self.button.clicked.connect(self._clicked)
        self.show_runs([])

    def show_runs(self, runs: list[str]) -> None:
        """Offer ``runs`` (ids, oldest first); the newest is preselected."""
        self.combo.clear()
        self.combo.addItems(runs)
        self.combo.setCurrentIndex(len(runs) - 1)
        self.combo.setVisible(len(runs) > 1)
        self.text.setText(gui_text("resume.one", run=runs[0]) if len(runs) == 1
                          else gui_text("resume.many", n=len(runs)))
        self.setVisible(bool(runs))

    def runs(self) -> list[str]:
        return [self.combo.itemText(i) for i in range(self.combo.count())]

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)

    def _clicked(self) -> None:
        if self.combo.currentIndex() >= 0:
            self.resume.emit(self.combo.currentText())
