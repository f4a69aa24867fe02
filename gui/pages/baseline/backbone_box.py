"""The Baseline page's "Pretrained picture networks" box (image projects only): one row per
network Practica offers, with whether its weights are on this computer, "Get the pretrained
weights" (the ``fetch_weights`` job: download with progress, time left and Cancel in the job
strip, checksum checked), "Use a weights file I have…" (the ``add_weights`` job, same check)
and, once the weights are here, "Start from it" (the transfer setting becomes
``keras:<Name>``).

Which files are here and what they are checked against are the engine's
(``engine.models.pretrained``); this box only shows them and asks for the jobs. Emits
``job(request)`` and ``use(source)``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QGridLayout, QGroupBox, QLabel, QPushButton,
                               QVBoxLayout)

from engine.models.pretrained import pretrained_proposal, weights_status
from engine.models.pretrained.requests import AddWeightsRequest, FetchWeightsRequest
from gui.pages.base import gui_text
from gui.pages.labels import note


class BackboneBox(QGroupBox):
    """The offered networks, their weights' state and the buttons to get them."""

    job = Signal(object)
    use = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(gui_text("weights.title"), parent)
        self.setObjectName("backboneBox")
        layout = QVBoxLayout(self)
        layout.addWidget(note(gui_text("weights.about"), "backboneAbout", muted=True))
        self.proposal = note("", "backboneProposal")
        self.proposal.hide()
        layout.addWidget(self.proposal)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        layout.addLayout(self.grid)
        self.rows: dict[str, tuple[QLabel, QPushButton, QPushButton, QPushButton]] = {}
        self._enabled = True
        self.refresh()

    def _row(self, name: str) -> tuple[QLabel, QPushButton, QPushButton, QPushButton]:
        if name in self.rows:
            return self.rows[name]
        line = len(self.rows)
        state = QLabel()
        state.setObjectName(f"backboneState_{name}")
        get = QPushButton(gui_text("weights.get"))
        get.setObjectName(f"getWeightsButton_{name}")
        get.setToolTip(gui_text("weights.get_tip", name=name))
        get.clicked.connect(lambda _=False, n=name: self.job.emit(FetchWeightsRequest(name=n)))
        add = QPushButton(gui_text("weights.add"))
        add.setObjectName(f"addWeightsButton_{name}")
        add.setToolTip(gui_text("weights.add_tip", name=name))
        add.clicked.connect(lambda _=False, n=name: self.choose_file(n))
        use = QPushButton(gui_text("weights.use"))
        use.setObjectName(f"useBackboneButton_{name}")
        use.setToolTip(gui_text("weights.use_tip", name=name))
        use.clicked.connect(lambda _=False, n=name: self.use.emit(f"keras:{n}"))
        self.grid.addWidget(QLabel(f"<b>{name}</b>"), line, 0)
        self.grid.addWidget(state, line, 1)
        self.grid.addWidget(get, line, 2)
        self.grid.addWidget(add, line, 3)
        self.grid.addWidget(use, line, 2, alignment=Qt.AlignLeft)  # shown instead of get
        self.grid.setColumnStretch(4, 1)
        self.rows[name] = (state, get, add, use)
        return self.rows[name]

    def refresh(self) -> None:
        """Read again which weights are on this computer (after a fetch, an add)."""
        for row in weights_status():
            state, get, add, use = self._row(row["name"])
            here = bool(row["path"])
            state.setText(gui_text("weights.here", size=f"{row['bytes'] / 1e6:.1f}") if here
                          else gui_text("weights.missing"))
            state.setToolTip(row["path"] or gui_text("weights.missing_tip", file=row["file"]))
            get.setVisible(not here)
            add.setVisible(not here)
            use.setVisible(here)
            for button in (get, add, use):
                button.setEnabled(self._enabled)

    def show_proposal(self, train_rows: int | None) -> None:
        """Propose a pretrained network when the project has few training pictures (the
        rule and the words are the engine's)."""
        words = pretrained_proposal(train_rows)
        self.proposal.setText(words)
        self.proposal.setVisible(bool(words))

    def set_enabled(self, enabled: bool) -> None:
        """No new job while one runs."""
        self._enabled = enabled
        for _state, *buttons in self.rows.values():
            for button in buttons:
                button.setEnabled(enabled)

    def choose_file(self, name: str) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, gui_text("weights.add_title", name=name), str(Path.home()),
            gui_text("weights.add_filter"))
        if path:
            self.job.emit(AddWeightsRequest(name=name, path=path))
