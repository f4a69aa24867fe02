"""What one example is, on the Goal page: a row of a table, a text in one column, or a
series of numbers; and, for an image folder, which classes were found and which files were
left out.

``ExamplesChoice`` only collects the choice and says what is still missing; the page passes
``choice()`` to the engine's ``suggest_goal`` and ``new_project`` jobs, which check it.
``FolderInfo`` shows what the engine's ``check_file`` found in an image folder.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QGridLayout, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from engine.kinds.registry import DATA_KINDS, data_kind
from gui.pages.base import gui_text
from gui.pages.labels import LABEL_WIDTH, field_label, heading, note, set_role

KINDS = tuple(k for k in DATA_KINDS if not data_kind(k).folder)  # a folder is images
FORMATS = ("wide", "long")
MAX_CLASSES_NAMED = 10


def _combo(name: str, tip_key: str, placeholder_key: str | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(gui_text(tip_key))
    combo.setMinimumWidth(320)
    if placeholder_key:
        combo.setPlaceholderText(gui_text(placeholder_key))
    return combo


class ExamplesChoice(QWidget):
    """Emits ``changed`` when the user changes what an example is or picks a column."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("examplesSection")
        self.filling = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(heading("examples.heading"))
        grid = QGridLayout()
        grid.setColumnMinimumWidth(0, LABEL_WIDTH)
        grid.setColumnStretch(2, 1)
        self.kind_combo = _combo("examplesCombo", "examples.kind_tip")
        for kind in KINDS:
            self.kind_combo.addItem(gui_text(f"examples.kind_{kind}"), kind)
        self.text_combo = _combo("textColumnCombo", "examples.text_tip",
                                 "examples.column_placeholder")
        self.format_combo = _combo("sequenceFormatCombo", "examples.format_tip")
        for layout in FORMATS:
            self.format_combo.addItem(gui_text(f"examples.format_{layout}"), layout)
        self.id_combo = _combo("idColumnCombo", "examples.id_tip",
                               "examples.column_placeholder")
        self.time_combo = _combo("timeColumnCombo", "examples.time_tip",
                                 "examples.column_placeholder")
        self.values_list = QListWidget()
        self.values_list.setObjectName("valueColumnsList")
        self.values_list.setToolTip(gui_text("examples.values_tip"))
        self.values_list.setMinimumWidth(320)
        self._rows: dict[str, list[QWidget]] = {}
        for row, (key, widget) in enumerate((("kind", self.kind_combo),
                                             ("text", self.text_combo),
                                             ("format", self.format_combo),
                                             ("id", self.id_combo),
                                             ("time", self.time_combo),
                                             ("values", self.values_list))):
            label = field_label(f"examples.{key}_label", widget)
            label.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            grid.addWidget(label, row, 0, Qt.AlignTop if key == "values" else Qt.AlignVCenter)
            grid.addWidget(widget, row, 1)
            self._rows[key] = [label, widget]
        self.hint = note(name="examplesHint", muted=True)
        self.status = note(name="examplesStatus")
        grid.addWidget(self.hint, len(self._rows), 1, 1, 2)
        grid.addWidget(self.status, len(self._rows) + 1, 1, 1, 2)
        outer.addLayout(grid)
        for combo in (self.kind_combo, self.text_combo, self.format_combo, self.id_combo,
                      self.time_combo):
            combo.currentIndexChanged.connect(self._changed)
        self.values_list.itemChanged.connect(self._changed)
        self._show_rows()

    # ----- filling
    def set_columns(self, names: list[str]) -> None:
        """Offer the file's columns; forget the columns picked for another file."""
        self.filling = True
        for combo in (self.text_combo, self.id_combo, self.time_combo):
            combo.clear()
            combo.addItems(names)
            combo.setCurrentIndex(-1)
        self.values_list.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.values_list.addItem(item)
        shown = sum(self.values_list.sizeHintForRow(i) for i in range(min(len(names), 6)))
        self.values_list.setFixedHeight(max(shown, 20) + 2 * self.values_list.frameWidth() + 4)
        self.filling = False
        self._show_rows()

    def select(self, choice: dict) -> None:
        """Show ``choice`` (data_kind, text_column, sequence; a sample's) as chosen."""
        self.filling = True
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(
            choice.get("data_kind") or "table")))
        self.text_combo.setCurrentIndex(self.text_combo.findText(choice.get("text_column")
                                                                 or ""))
        sequence = choice.get("sequence") or {}
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(
            sequence.get("format") or "wide")))
        self.id_combo.setCurrentIndex(self.id_combo.findText(sequence.get("id") or ""))
        self.time_combo.setCurrentIndex(self.time_combo.findText(sequence.get("time") or ""))
        for i in range(self.values_list.count()):
            item = self.values_list.item(i)
            item.setCheckState(Qt.Checked if item.text() in (sequence.get("values") or ())
                               else Qt.Unchecked)
        self.filling = False
        self._show_rows()

    def reset(self) -> None:
        self.filling = True
        self.kind_combo.setCurrentIndex(0)
        self.format_combo.setCurrentIndex(0)
        self.filling = False
        self.set_columns([])
        self.set_status("")

    # ----- what was chosen
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def choice(self) -> dict:
        """The choice as the engine's jobs take it (nothing for a plain table)."""
        kind = data_kind(self.kind())
        if kind.needs_text_column:
            return {"data_kind": kind.name,
                    "text_column": self.text_combo.currentText() or None}
        if kind.layouts:
            if self.format_combo.currentData() == "wide":
                return {"data_kind": kind.name, "sequence": {"format": "wide"}}
            return {"data_kind": kind.name, "sequence": {
                "format": "long", "id": self.id_combo.currentText() or None,
                "time": self.time_combo.currentText() or None, "values": self.values()}}
        return {}

    def values(self) -> list[str]:
        """The ticked value columns, in file order."""
        return [self.values_list.item(i).text() for i in range(self.values_list.count())
                if self.values_list.item(i).checkState() == Qt.Checked]

    def missing(self) -> str | None:
        """What the user still has to pick, in plain words (None when nothing)."""
        kind = data_kind(self.kind())
        if kind.needs_text_column and self.text_combo.currentIndex() < 0:
            return gui_text("examples.need_text")
        if kind.layouts and self.format_combo.currentData() == "long":
            if self.id_combo.currentIndex() < 0 or self.time_combo.currentIndex() < 0:
                return gui_text("examples.need_id_time")
            if not self.values():
                return gui_text("examples.need_values")
        return None

    def set_status(self, message: str, warning: bool = False) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))
        set_role(self.status, "warning" if warning else "")

    # ----- showing
    def _changed(self, *_args) -> None:
        self._show_rows()
        if not self.filling:
            self.changed.emit()

    def _show_rows(self) -> None:
        kind, layout = data_kind(self.kind()), self.format_combo.currentData()
        long = bool(kind.layouts) and layout == "long"
        shown = {"kind": True, "text": kind.needs_text_column, "format": bool(kind.layouts),
                 "id": long, "time": long, "values": long}
        for key, widgets in self._rows.items():
            for widget in widgets:
                widget.setVisible(shown[key])
        # text keys: gui.examples.hint_{table,text,long,wide}
        hint = f"examples.hint_{layout}" if kind.layouts else f"examples.hint_{kind.name}"
        self.hint.setText(gui_text(hint))


class FolderInfo(QWidget):
    """The classes found in an image folder and, behind a button, the files left out."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("folderSection")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(heading("goal_source.folder_heading"))
        self.classes = note(name="classesNote")
        outer.addWidget(self.classes)
        self.skipped_note = note(name="skippedNote", role="warning")
        outer.addWidget(self.skipped_note)
        self.skipped_button = QPushButton()
        self.skipped_button.setObjectName("skippedButton")
        self.skipped_button.setCheckable(True)
        self.skipped_button.setToolTip(gui_text("goal_source.skipped_tip"))
        self.skipped_button.toggled.connect(self._toggle)
        outer.addWidget(self.skipped_button, 0, Qt.AlignLeft)
        self.skipped_list = QListWidget()
        self.skipped_list.setObjectName("skippedList")
        self.skipped_list.setAlternatingRowColors(True)
        outer.addWidget(self.skipped_list)
        self.show_folder({}, [])

    def show_folder(self, class_counts: dict, skipped: list, sound: bool = False) -> None:
        """``class_counts``: class name -> number of images (or recordings, ``sound``);
        ``skipped``: [file, reason]."""
        # text keys: gui.goal_source.class_count, gui.goal_source.class_count_sound
        count_key = "goal_source.class_count_sound" if sound else "goal_source.class_count"
        names = [gui_text(count_key, name=name, n=f"{count:,}")
                 for name, count in list(class_counts.items())[:MAX_CLASSES_NAMED]]
        more = len(class_counts) - MAX_CLASSES_NAMED
        if more > 0:
            names.append(gui_text("goal_source.more_classes", n=more))
        self.classes.setText(gui_text("goal_source.classes", names=", ".join(names)))
        self.skipped_list.clear()
        for file, reason in skipped:
            item = QListWidgetItem(gui_text("goal_source.skipped_row", file=file,
                                            reason=reason))
            item.setToolTip(file)
            self.skipped_list.addItem(item)
        rows = sum(self.skipped_list.sizeHintForRow(i) for i in range(min(len(skipped), 8)))
        self.skipped_list.setFixedHeight(rows + 2 * self.skipped_list.frameWidth() + 4)
        self.skipped_note.setText(gui_text("goal_source.skipped_one" if len(skipped) == 1
                                           else "goal_source.skipped", n=len(skipped)))
        for widget in (self.skipped_note, self.skipped_button):
            widget.setVisible(bool(skipped))
        self.skipped_button.setChecked(False)
        self._toggle(False)

    def _toggle(self, on: bool) -> None:
        self.skipped_list.setVisible(on)
        self.skipped_button.setText(gui_text("goal_source.skipped_hide" if on
                                             else "goal_source.skipped_show",
                                             n=self.skipped_list.count()))

    def skipped_files(self) -> list[str]:
        """The texts of the listed files (for tests and screen readers)."""
        return [self.skipped_list.item(i).text() for i in range(self.skipped_list.count())]
