"""The table of dev mistakes a person reviews and tags (Error analysis tab).

Each line shows one example the engine collected (``engine.diagnosis.error_analysis``): its image as a
thumbnail (a recording: the picture of its spectrogram the engine drew), its text, or its
feature values; the true and the predicted value, the
confidence, and a Tags cell the user types into (comma-separated, with completion of the
suggested tags and the tags in use). Enter or F2 starts typing; Enter keeps the tags; Tab
keeps them and moves to the next example's tags. The right-click menu (or the menu key)
adds or takes away a suggested tag. Space asks to play the selected recording
(``play_requested``). The table never changes the project: it emits ``tags_edited`` and
``tag_toggled`` and the panel applies them through the session.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QCompleter,
                               QHeaderView, QLineEdit, QMenu, QStyledItemDelegate,
                               QTableWidget, QTableWidgetItem)

from engine.diagnosis import case_details, case_line
from engine.project.parts import ErrorCase
from engine.words import fmt_number, fmt_share
from gui.pages.base import gui_text

THUMB = 64
EXAMPLE_WIDTH = 340
MAX_HEIGHT = 560
ROW_ROLE = Qt.UserRole + 1
SOUND_ROLE = Qt.UserRole + 2
SOUND_WIDTH = 2 * THUMB  # a spectrogram is wider than high: time runs across


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma, keeping the ones before it."""

    def __init__(self, words: list[str], parent=None) -> None:
        super().__init__(words, parent)
        self.setCaseSensitivity(Qt.CaseInsensitive)
        self.setFilterMode(Qt.MatchContains)
        self.setCompletionMode(QCompleter.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt API
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802 - Qt API
        widget = self.widget()
        before = widget.text().rsplit(",", 1)[0] if widget and "," in widget.text() else ""
        word = super().pathFromIndex(index)
        return f"{before.strip()}, {word}" if before.strip() else word


class TagsDelegate(QStyledItemDelegate):
    """A line editor with tag completion for the Tags column."""

    def __init__(self, table: "ExamplesTable") -> None:
        super().__init__(table)
        self.table = table

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt API
        editor = QLineEdit(parent)
        editor.setObjectName("tagsEditor")
        editor.setPlaceholderText(gui_text("error_analysis.col_tags"))
        editor.setCompleter(TagCompleter(self.table.suggestions, editor))
        return editor

    def setEditorData(self, editor, index) -> None:  # noqa: N802 - Qt API
        editor.setText(str(index.data(Qt.EditRole) or ""))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802 - Qt API
        model.setData(index, editor.text(), Qt.EditRole)


class ExamplesTable(QTableWidget):
    """The examples, one per line, with an editable Tags column (the last one)."""

    tags_edited = Signal(int, str)    # row number in the data file, the typed text
    tag_toggled = Signal(int, str)    # row number, a suggested tag
    play_requested = Signal()         # Space: play the selected recording

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("examplesTable")
        self.suggestions: list[str] = []
        self._filling = False
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the table unless a tag is being typed
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu_at)
        self.itemChanged.connect(self._item_changed)

    @property
    def tags_column(self) -> int:
        return self.columnCount() - 1

    # ----- filling
    def fill(self, cases: list[ErrorCase], task: str, tags: dict[int, str],
             suggestions: list[str]) -> None:
        """Show ``cases`` (examples from the analysis) with their tags (row -> text)."""
        self._filling = True
        self.suggestions = list(suggestions)
        regression = task == "regression"
        last = ["error"] if regression else ["confidence", "p_true"]
        columns = ["example", "row", "true", "predicted", *last, "tags"]
        self.clear()
        self.setColumnCount(len(columns))
        self.setRowCount(len(cases))
        self.setHorizontalHeaderLabels([gui_text(f"error_analysis.col_{c}") for c in columns])
        self.setItemDelegateForColumn(self.tags_column, TagsDelegate(self))
        tip = gui_text("error_analysis.confidence_tip")
        for c in range(len(columns)):
            if columns[c] in ("confidence", "p_true"):
                self.horizontalHeaderItem(c).setToolTip(tip)
        images = any(case.image for case in cases)
        sounds = any(case.sound for case in cases)
        thumb = QSize(SOUND_WIDTH if sounds else THUMB, THUMB)
        metrics = QFontMetrics(self.font())
        for r, case in enumerate(cases):
            example = self._example_item(case, metrics, thumb)
            values = [str(case.row), _value(case.true), _value(case.predicted)]
            if regression:
                values.append(fmt_number(case.error))
            else:
                values += [fmt_share(case.confidence), fmt_share(case.p_true)]
            self.setItem(r, 0, example)
            for c, value in enumerate(values, start=1):
                item = _fixed(value)
                if c == 1 or c >= 4:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.setItem(r, c, item)
            tag_item = QTableWidgetItem(tags.get(case.row, ""))
            tag_item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable)
            tag_item.setToolTip(gui_text("error_analysis.examples_help"))
            self.setItem(r, self.tags_column, tag_item)
            for c in range(self.columnCount()):
                self.item(r, c).setData(ROW_ROLE, case.row)
        header = self.horizontalHeader()
        for c in range(len(columns)):
            header.setSectionResizeMode(c, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Interactive)
        header.setSectionResizeMode(self.tags_column, QHeaderView.Stretch)
        self.resizeColumnsToContents()
        self.setColumnWidth(0, EXAMPLE_WIDTH + (thumb.width() + 8 if images else 0))
        if images:
            self.setIconSize(thumb)
            for r in range(len(cases)):
                self.setRowHeight(r, THUMB + 6)
        else:
            self.resizeRowsToContents()
        self._filling = False
        self.setFixedHeight(min(MAX_HEIGHT, self._content_height()))

    def set_tags(self, tags: dict[int, str]) -> None:
        """Show the tags each row has now, without rebuilding the table."""
        self._filling = True
        for r in range(self.rowCount()):
            item = self.item(r, self.tags_column)
            wanted = tags.get(self.row_number(r), "")
            if item is not None and item.text() != wanted:
                item.setText(wanted)
        self._filling = False

    def row_number(self, line: int) -> int:
        """The data-file row number of table line ``line``."""
        item = self.item(line, 0)
        return int(item.data(ROW_ROLE)) if item is not None else -1

    def current_row_number(self) -> int | None:
        line = self.currentRow()
        return self.row_number(line) if 0 <= line < self.rowCount() else None

    def sound(self, line: int) -> str | None:
        """The recording of table line ``line`` (None: not a recording)."""
        item = self.item(line, 0)
        return item.data(SOUND_ROLE) if item is not None else None

    def tags_text(self, line: int) -> str:
        item = self.item(line, self.tags_column)
        return item.text() if item is not None else ""

    # ----- keys and editing
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if (event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.state() !=
                QAbstractItemView.EditingState and self.currentRow() >= 0):
            self.edit_tags(self.currentRow())
            return
        if (event.key() == Qt.Key_Space and self.state() != QAbstractItemView.EditingState
                and self.sound(self.currentRow())):
            self.play_requested.emit()
            return
        if event.key() == Qt.Key_Menu and self.currentRow() >= 0:
            rect = self.visualItemRect(self.item(self.currentRow(), self.tags_column))
            self._menu_at(rect.center())
            return
        super().keyPressEvent(event)

    def edit_tags(self, line: int) -> None:
        """Start typing the tags of table line ``line``."""
        item = self.item(line, self.tags_column)
        if item is None:
            return
        self.setCurrentCell(line, self.tags_column)
        self.scrollToItem(item)
        self.editItem(item)

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 - Qt API
        """Tab and Shift+Tab move to the next or previous example's tags."""
        step = {QAbstractItemDelegate.EditNextItem: 1,
                QAbstractItemDelegate.EditPreviousItem: -1}.get(hint)
        if step is None:
            super().closeEditor(editor, hint)
            return
        line = self.currentRow() + step
        super().closeEditor(editor, QAbstractItemDelegate.NoHint)
        if 0 <= line < self.rowCount():
            self.edit_tags(line)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() == self.tags_column:
            self.tags_edited.emit(self.row_number(item.row()), item.text())

    def _menu_at(self, pos: QPoint) -> None:
        line = self.rowAt(pos.y())
        if line < 0:
            return
        self.setCurrentCell(line, self.tags_column)
        row = self.row_number(line)
        have = {t.strip().casefold() for t in self.tags_text(line).split(",")}
        menu = QMenu(self)
        menu.setObjectName("tagMenu")
        for tag in self.suggestions:
            action = menu.addAction(tag)
            action.setCheckable(True)
            action.setChecked(tag.casefold() in have)
            action.triggered.connect(lambda _c=False, t=tag: self.tag_toggled.emit(row, t))
        menu.popup(self.viewport().mapToGlobal(pos))

    # ----- pieces
    def _example_item(self, case: ErrorCase, metrics: QFontMetrics,
                      thumb: QSize) -> QTableWidgetItem:
        line = case_line(case)
        details = case_details(case)
        item = _fixed(metrics.elidedText(line, Qt.ElideRight, EXAMPLE_WIDTH - 12))
        item.setToolTip(details or line)
        if case.image:
            pixmap = QPixmap(str(case.image))
            if pixmap.isNull():
                item.setText(gui_text("error_analysis.no_image") + " " + item.text())
            else:
                item.setData(Qt.DecorationRole, _thumbnail(pixmap, thumb))
                item.setToolTip(str(case.image))
        if case.sound:
            item.setData(SOUND_ROLE, str(case.sound))
            item.setToolTip(f"{case.sound}\n{gui_text('sound.picture_tip')}")
        return item

    def _content_height(self) -> int:
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        for r in range(self.rowCount()):
            height += self.rowHeight(r)
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().height()
        return height + 2


def _thumbnail(pixmap: QPixmap, size: QSize) -> QIcon:
    """The image scaled to fit ``size``; small images keep sharp pixels. A selected line
    shows it untinted, so the picture reads the same when selected."""
    small = pixmap.width() < size.width() and pixmap.height() < size.height()
    mode = Qt.FastTransformation if small else Qt.SmoothTransformation
    return steady_icon(pixmap.scaled(size, Qt.KeepAspectRatio, mode))


def steady_icon(pixmap: QPixmap) -> QIcon:
    """An icon that looks the same on a selected line as on any other."""
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Selected)
    return icon


def _fixed(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
    return item


def _value(value) -> str:
    if value is None:
        return ""
    return fmt_number(value) if isinstance(value, float) else str(value)
