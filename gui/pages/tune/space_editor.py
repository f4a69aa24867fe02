"""The ranges editor of the Tune page: which hyperparameters the search varies, and how.

One row per hyperparameter of the search space (``gui.pages.tune.range_row``): searched or
fixed, from / to, log or linear, choices or the fixed value. The editor starts from the
recommended space (``summary["default_space"]``) or the last search's, checks what the user
types as they type and lists the problems in plain words; ``space()`` gives the space as
``SearchSpace.to_dict`` for the ``tune`` job. "Reset to recommended" and "Zoom in around
the best trials" are buttons here; the page decides what they load.
"""

from __future__ import annotations

from typing import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from engine.tuning import Axis, ParamRange, SearchSpace
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.pages.tune.range_row import RangeRow

COLUMNS = ("name", "search", "low", "high", "scale", "choices", "fixed")


def _ed(key: str, **values) -> str:
    return gui_text(f"tune.editor.{key}", **values)


class SpaceEditor(QGroupBox):
    """The ranges table with its Reset and Zoom-in buttons."""

    changed = Signal()
    reset_requested = Signal()
    rebuilt = Signal()  # new rows: the page puts them in its Tab order
    zoom_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(_ed("title"), parent)
        self.setObjectName("tuneSpaceEditor")
        self.kind = ""
        self.rows: dict[str, RangeRow] = {}
        self._enabled = True
        layout = QVBoxLayout(self)
        layout.addWidget(note(_ed("help"), "tuneEditorHelp", muted=True))
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        layout.addWidget(self.grid_host)
        self.problems_note = note("", "tuneRangeProblems", role="warning")
        self.problems_note.hide()
        layout.addWidget(self.problems_note)
        buttons = QHBoxLayout()
        self.reset_button = QPushButton(_ed("reset"))
        self.reset_button.setObjectName("resetRangesButton")
        self.reset_button.setToolTip(_ed("reset_tip"))
        self.reset_button.clicked.connect(self.reset_requested)
        self.zoom_button = QPushButton(_ed("zoom"))
        self.zoom_button.setObjectName("zoomInButton")
        self.zoom_button.setToolTip(_ed("zoom_tip"))
        self.zoom_button.clicked.connect(self.zoom_requested)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.zoom_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.zoom_note = note("", "zoomNote", muted=True)
        self.zoom_note.hide()
        layout.addWidget(self.zoom_note)
        self._problems: list[str] = []

    # ----- loading
    def load(self, space: dict, recommended: dict | None = None,
             axes: Mapping[str, Axis] | None = None) -> None:
        """Show ``space`` (a ``SearchSpace`` dict); ``recommended`` gives each categorical's
        allowed choices; ``axes`` (the summary's) locks what the study fixed."""
        parsed = SearchSpace.from_dict(space)
        allowed = {}
        if recommended:
            for p in SearchSpace.from_dict(recommended).params:
                allowed[p.name] = p.choices
        for p in parsed.params:
            extra = [c for c in p.choices if c not in allowed.get(p.name, ())]
            allowed[p.name] = tuple(allowed.get(p.name, ())) + tuple(extra)
        self.kind = parsed.kind
        if [p.name for p in parsed.params] != list(self.rows):
            self._build(parsed.params, allowed)
        for p in parsed.params:
            self.rows[p.name].load(p)
        self.set_axes(axes or {})
        self._check()

    def set_axes(self, axes: Mapping[str, Axis]) -> None:
        """Lock the scale and choices of the settings the study searched already."""
        for name, row in self.rows.items():
            row.lock(axes.get(name))
        self._check()

    def _build(self, params: tuple[ParamRange, ...], allowed: dict) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for row in self.rows.values():
            row.deleteLater()
        self.rows = {}
        for c, column in enumerate(COLUMNS):
            head = QLabel(_ed(f"col_{column}"))
            head.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(head, 0, c)
        for r, p in enumerate(params, start=1):
            row = RangeRow(p, allowed.get(p.name, ()), self)
            for c, widget in enumerate(row.widgets()):
                wide = COLUMNS[c] == "choices"  # the long lists get the room left
                self.grid.addWidget(widget, r, c, Qt.AlignVCenter if wide
                                    else Qt.AlignLeft | Qt.AlignVCenter)
            row.changed.connect(self._row_changed)
            row.set_enabled(self._enabled)
            self.rows[p.name] = row
        self.grid.setColumnStretch(COLUMNS.index("choices"), 1)
        self.rebuilt.emit()

    def tab_chain(self) -> list[QWidget]:
        """The editor's fields in Tab order: the rows left to right, top to bottom, then the
        buttons (rows built after the page would otherwise come last in the window)."""
        chain = [w for row in self.rows.values() for w in row.widgets()[1:]]
        return chain + [self.reset_button, self.zoom_button]

    # ----- reading
    def space(self) -> dict | None:
        """The space as ``SearchSpace.to_dict``; None while a row has a problem."""
        params, problems = self._read()
        if problems:
            return None
        return SearchSpace(self.kind, tuple(params)).to_dict()

    def problems(self) -> list[str]:
        return list(self._problems)

    def _read(self) -> tuple[list[ParamRange], list[str]]:
        params, problems = [], []
        for row in self.rows.values():
            p, issues = row.param()
            problems += issues
            if p is not None:
                params.append(p)
        if not problems and self.rows and not any(p.searched for p in params):
            problems.append(_ed("problem_nothing"))
        return params, problems

    def _row_changed(self) -> None:
        self._check()
        self.changed.emit()

    def _check(self) -> None:
        _params, self._problems = self._read()
        if self._problems:
            lines = "\n".join(f"\u2022 {p}" for p in self._problems)
            self.problems_note.setText(f"{_ed('problems_title')}\n{lines}")
        self.problems_note.setVisible(bool(self._problems))

    # ----- state
    def set_enabled(self, on: bool, zoom: bool = False) -> None:
        """Allow editing (not while a search runs); ``zoom``: a proposal can be loaded."""
        self._enabled = on
        for row in self.rows.values():
            row.set_enabled(on)
        self.reset_button.setEnabled(on)
        self.zoom_button.setEnabled(on and zoom)
        self.zoom_button.setToolTip(_ed("zoom_tip") if zoom else _ed("zoom_none"))

    def say(self, words: str) -> None:
        """A short note under the buttons (what Zoom in loaded)."""
        self.zoom_note.setText(words)
        self.zoom_note.setVisible(bool(words))

    def row(self, name: str) -> RangeRow:
        return self.rows[name]
