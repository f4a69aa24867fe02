"""The Baseline page's "Pretrained word vectors" box (text projects only): start the text
model's word vectors from WordLlama's (MIT licence, from the ``wordllama`` package), kept
fixed or fine-tuned, with the licence line. When the package is missing the choice is greyed
out and one sentence says how to install it. The engine reads the vectors when it builds
the model (``engine.models.pretrained.word_vectors``); this box only collects the choice.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QVBoxLayout

from engine.models.pretrained import word_vectors_status
from gui.pages.base import gui_text
from gui.pages.labels import note, set_role


class WordVectorsBox(QGroupBox):
    """Whether the text model starts from pretrained word vectors, and whether they learn."""

    def __init__(self, parent=None) -> None:
        super().__init__(gui_text("word_vectors.title"), parent)
        self.setObjectName("wordVectorsBox")
        layout = QVBoxLayout(self)
        self.use = QCheckBox(gui_text("word_vectors.use"))
        self.use.setObjectName("wordVectorsCheck")
        self.use.setToolTip(gui_text("word_vectors.use_tip"))
        self.tune = QCheckBox(gui_text("word_vectors.tune"))
        self.tune.setObjectName("tuneWordVectorsCheck")
        self.tune.setToolTip(gui_text("word_vectors.tune_tip"))
        self.status = note("", "wordVectorsStatus")
        layout.addWidget(self.use)
        layout.addWidget(self.tune)
        layout.addWidget(self.status)
        self.use.toggled.connect(self._update)
        self.ready = False
        self.refresh()

    def refresh(self) -> None:
        """Look again whether the package is installed (cheap: nothing is loaded)."""
        status = word_vectors_status()
        self.ready = status.ready
        self.status.setText(status.message)
        set_role(self.status, "" if status.ready else "warning")
        if not status.ready:
            self.use.setChecked(False)
        self._update()

    def _update(self, _checked: bool = False) -> None:
        self.use.setEnabled(self.ready)
        self.tune.setEnabled(self.ready and self.use.isChecked())

    def params(self) -> dict:
        """``word_vectors`` and ``tune_word_vectors`` for the run's settings ({} when off)."""
        if not (self.ready and self.use.isChecked()):
            return {}
        return {"word_vectors": "wordllama", "tune_word_vectors": self.tune.isChecked()}
