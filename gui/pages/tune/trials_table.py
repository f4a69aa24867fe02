"""The sortable table of a study's trials on the Tune page.

One row per trial of the summary (``engine.tuning.summary``): number, round, state, dev
error, whether it meets the goal's limits (and which it breaks), epochs, seconds, then one
column per searched setting. Cells show text formatted by the engine's report helpers and
sort by the value behind them; the best trial that meets every limit is bold and starred.
Selecting a row emits the trial's number.
"""

from __future__ import annotations

import math

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt,
                            Signal)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from engine.tuning import HistoryPoint, TrialRow, TuningSummary
from engine.words import fmt_error, fmt_number, is_number
from gui.pages.base import gui_text
from gui.pages.tune.range_row import param_label
from gui.result_table import vault_marked, vault_tip

SORT_ROLE = Qt.UserRole + 1
NUMBER_ROLE = Qt.UserRole + 2  # the trial number of the row
FIXED = ("trial", "round", "state", "error", "limits", "epochs", "seconds")
MISSING = math.inf  # missing numbers sort last
RIGHT = Qt.AlignRight | Qt.AlignVCenter
LEFT = Qt.AlignLeft | Qt.AlignVCenter
_ROLE = {Qt.DisplayRole.value: "text", SORT_ROLE: "sort", NUMBER_ROLE: "number",
         Qt.TextAlignmentRole.value: "align", Qt.FontRole.value: "font",
         Qt.ToolTipRole.value: "tip"}
SIZE_ROWS = 40
NUMERIC = {0, 1, 3, 5, 6}  # the fixed columns that hold numbers


def _rt(key: str, **values) -> str:
    return gui_text(f"tune.results.{key}", **values)


def param_columns(summary: TuningSummary) -> list[str]:
    """The settings any trial searched, in the order of the last search's space."""
    used: list[str] = []
    for trial in summary.trials:
        used += [n for n in trial.params if n not in used]
    space = (summary.settings.space if summary.settings else {}).get("params") or []
    order = [p["name"] for p in space]
    return [n for n in order if n in used] + [n for n in used if n not in order]


def shown_number(trial: TrialRow | HistoryPoint) -> int:
    """The trial's number as the user sees it (counted from 1; ``number`` is Optuna's)."""
    return trial.trial


def state_words(state: str) -> str:
    try:
        return _rt(f"state_{state}")
    except KeyError:
        return state


def limits_words(trial: TrialRow) -> str:
    """"yes", "no: <limits broken>" or a dash (not finished)."""
    if trial.feasible is None:
        return fmt_number(None)
    if trial.feasible:
        return _rt("limits_ok")
    return _rt("limits_broken", broken="; ".join(trial.broken))


class TrialsModel(QAbstractTableModel):
    """The cells of the trial table: text to show and a value to sort by, served when the
    view asks (hundreds of trials refresh in a few milliseconds)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[list[tuple[str, object]]] = []
        self.numbers: list[int] = []
        self.right: set[int] = set()
        self.bold: set[int] = set()
        self.tips: dict[tuple[int, int], str] = {}
        self.font = QFont()
        self.font.setBold(True)

    def set_rows(self, headers, rows, numbers, right, bold, tips) -> None:
        self.beginResetModel()
        self.headers, self.rows, self.numbers = headers, rows, numbers
        self.right, self.bold, self.tips = right, bold, tips
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.DisplayRole):
        # Roles as plain ints: comparing Qt's enums costs ~30 us a call, and the view asks
        # several roles of every cell.
        role = _ROLE.get(role if isinstance(role, int) else role.value)
        if role is None:
            return None
        r, c = index.row(), index.column()
        if role == "text":
            return self.rows[r][c][0]
        if role == "sort":
            return self.rows[r][c][1]
        if role == "number":
            return self.numbers[r]
        if role == "align":
            return RIGHT if c in self.right else LEFT
        if role == "font":
            return self.font if r in self.bold else None
        return self.tips.get((r, c)) or (_rt("best_tip") if r in self.bold else None)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.headers[section]
        return None


class TrialsTable(QTableView):
    """The trials, sortable by any column; ``trial_selected`` gives the chosen number."""

    trial_selected = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("trialsTable")
        self.source = TrialsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.AscendingOrder)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setDefaultAlignment(LEFT)
        # Column widths from the first rows only: measuring every cell of hundreds of
        # trials after each trial would hold up the window.
        self.horizontalHeader().setResizeContentsPrecision(SIZE_ROWS)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self._quiet = False

    def show_summary(self, summary: TuningSummary | None, late_runs: frozenset[str] = frozenset()
                     ) -> None:
        """Fill the table from ``summary``, keeping the selected trial and the sort; trials
        whose run is in ``late_runs`` (made after the test set was seen) are marked."""
        summary = summary or TuningSummary()
        keep = self.selected_trial()
        metric = summary.metric
        best = summary.best_number
        params = param_columns(summary)
        trials = summary.trials
        # text keys: gui.tune.param.{augment,depth,dropout,filters,imbalance,l2,optimizer,schedule}
        # text keys: gui.tune.param.{width,batch_norm,batch_size,embed_dim,learning_rate}
        headers = [_rt(f"col_{c}") for c in FIXED] + [param_label(p) for p in params]
        folds = summary.settings.kfold if summary.settings is not None else 0
        if folds:
            headers[FIXED.index("error")] = _rt("col_error_kfold", folds=folds)
        numeric = [any(is_number(t.params.get(p)) for t in trials) for p in params]
        rows, tips = [], {}
        for r, trial in enumerate(trials):
            cells = self._cells(trial, metric, best, params, numeric)
            if trial.run_id and trial.run_id in late_runs:
                state = FIXED.index("state")
                words = vault_marked(cells[state][0], True)
                cells[state] = (words, words)
                tips[(r, state)] = vault_tip()
            rows.append(cells)
            if trial.broken:
                tips[(r, FIXED.index("limits"))] = "\n".join(trial.broken)
        right = NUMERIC | {len(FIXED) + i for i, on in enumerate(numeric) if on}
        bold = {r for r, t in enumerate(trials) if t.number == best}
        self.source.set_rows(headers, rows, [t.number for t in trials], right, bold, tips)
        self.resizeColumnsToContents()
        self._fit_height()
        if keep is not None:
            self.select_trial(keep, quiet=True)

    @staticmethod
    def _cells(trial, metric, best, params, numeric) -> list[tuple[str, object]]:
        number = trial.number
        value = trial.value
        seconds = trial.seconds
        mark = "best_mark" if number == best else None
        # text keys: gui.tune.results.{state_complete,state_fail,state_pruned,state_running}
        # text keys: gui.tune.results.state_waiting
        words = state_words(trial.state)
        limits = limits_words(trial)
        cells = [
            (_rt(mark, trial=shown_number(trial)) if mark else str(shown_number(trial)),
             number),
            (str(trial.round), trial.round),
            (words, words),
            (fmt_error(value, metric) if trial.fold_spread is None else
             _rt("error_spread", error=fmt_error(value, metric),
                 spread=fmt_error(trial.fold_spread, metric)),
             value if is_number(value) else MISSING),
            (limits, limits),
            (fmt_number(trial.epochs), trial.epochs or 0),
            (fmt_number(seconds), seconds if is_number(seconds) else MISSING),
        ]
        for p, is_numeric in zip(params, numeric):
            v = trial.params.get(p)
            if is_numeric:
                key = float(v) if is_number(v) else MISSING
            else:
                key = fmt_number(v) if v is not None else ""
            cells.append((fmt_number(v), key))
        return cells

    def _fit_height(self) -> None:
        """As tall as the rows, between a few rows and about twelve (then it scrolls)."""
        rows = self.verticalHeader().defaultSectionSize() * max(3, min(12, self.proxy.rowCount()))
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + rows
                            + 2 * self.frameWidth() + 2)

    # ----- selection
    def selected_trial(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        number = index.sibling(index.row(), 0).data(NUMBER_ROLE)
        return int(number) if number is not None else None

    def select_trial(self, number: int, quiet: bool = False) -> None:
        """Select the row of trial ``number`` (``quiet``: without ``trial_selected``)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(NUMBER_ROLE) == number:
                self._quiet = quiet
                self.setCurrentIndex(index)
                self._quiet = False
                self.scrollTo(index)
                return

    def _current_changed(self, current, _previous) -> None:
        if current.isValid() and not self._quiet:
            number = current.sibling(current.row(), 0).data(NUMBER_ROLE)
            if number is not None:
                self.trial_selected.emit(int(number))

    # ----- for tests
    def cell_text(self, row: int, column: int) -> str:
        """The text shown at ``row`` (in the sorted order) and ``column``."""
        return str(self.proxy.index(row, column).data() or "")

    def headers(self) -> list[str]:
        return [str(self.proxy.headerData(c, Qt.Horizontal) or "")
                for c in range(self.proxy.columnCount())]
