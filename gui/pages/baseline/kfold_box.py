"""The Baseline page's "Compare by k-fold" box, for small data: the number of folds and the
network's epochs, a button that starts the ``kfold`` job, then the engine's table (model,
mean, spread over folds, p-value against the best) and its sentences.

The folds, fits, statistics and words are the engine's (``engine.diagnosis.kfold``); this
box only shows ``kfold.json`` as the engine wrote it. Emits ``compare(request)``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from engine.core import text
from engine.diagnosis import kfold_headers, kfold_rows, kfold_sentences
from engine.diagnosis.requests import KfoldRequest
from engine.words import fmt_time
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.pages.setting_rows import int_spin
from gui.result_table import ResultTable


class KfoldBox(QGroupBox):
    """Settings, the button, and the last comparison (or nothing yet)."""

    compare = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(gui_text("kfold.title"), parent)
        self.setObjectName("kfoldBox")
        layout = QVBoxLayout(self)
        layout.addWidget(note(text("kfold.about"), "kfoldAbout", muted=True))
        row = QHBoxLayout()
        self.folds = int_spin("kfoldFolds", 2, 10, 5)
        self.epochs = int_spin("kfoldEpochs", 1, 1000, 20)
        for name, field in (("folds", self.folds), ("epochs", self.epochs)):
            label = QLabel(gui_text(f"kfold.{name}"))
            label.setBuddy(field)
            field.setToolTip(gui_text(f"kfold.{name}_tip"))
            row.addWidget(label)
            row.addWidget(field)
            row.addSpacing(12)
        self.button = QPushButton(gui_text("kfold.run"))
        self.button.setObjectName("kfoldButton")
        self.button.setToolTip(gui_text("kfold.run_tip"))
        self.button.clicked.connect(self._clicked)
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        self.made = note("", "kfoldMade", muted=True)
        layout.addWidget(self.made)
        self.table = ResultTable("kfoldTable")
        layout.addWidget(self.table)
        self.sentences = note("", "kfoldSentences")
        layout.addWidget(self.sentences)
        self.show_result(None)

    def _clicked(self) -> None:
        self.compare.emit(KfoldRequest(folds=self.folds.value(), epochs=self.epochs.value()))

    def set_enabled(self, enabled: bool) -> None:
        self.button.setEnabled(enabled)

    def show_result(self, result) -> None:
        """Show a ``KfoldResult`` (None: nothing compared yet)."""
        shown = result is not None
        for widget in (self.made, self.table, self.sentences):
            widget.setVisible(shown)
        if not shown:
            return
        self.made.setText(gui_text("kfold.made", folds=result.folds, rows=f"{result.rows:,}",
                                   metric=result.metric, when=fmt_time(result.created)))
        rows = kfold_rows(result)
        best = [i for i, m in enumerate(result.models) if m.model == result.best]
        self.table.fill(kfold_headers(), rows, numeric={1, 2, 3}, bold_rows=best)
        self.sentences.setText("\n\n".join(kfold_sentences(result)))
