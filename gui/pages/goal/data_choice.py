"""Choosing the data on the Goal page: a drop zone with "Choose file…" and "Choose folder of
images…" buttons, and the bundled samples offered for a first try. Dropping is handled by
the page (the whole page is a drop target); this widget only shows where to drop and emits
what was chosen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from engine.data import SAMPLES
from gui.pages.base import gui_text

_ZONE_STYLE = ("QFrame#dropZone { border: 2px dashed #9aa7b8; border-radius: 6px;"
               " background: #fafbfc; }"
               "QFrame#dropZone[hover=\"true\"] { border-color: #4a78b5;"
               " background: #eaf1fb; }")
_LIST_STYLE = "QListWidget#sampleList::item { padding: 5px 6px; }"


def sample_title(name: str) -> str:
    return name.replace("_", " ").capitalize()


class DataChoice(QWidget):
    """Emits ``file_chosen(path)`` from the file or folder dialog, ``sample_chosen(name)``
    from the list."""

    file_chosen = Signal(str)
    sample_chosen = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.zone = QFrame()
        self.zone.setObjectName("dropZone")
        self.zone.setStyleSheet(_ZONE_STYLE)
        self.zone.setMinimumHeight(64)
        zone_row = QHBoxLayout(self.zone)
        zone_row.setContentsMargins(16, 12, 16, 12)
        hint = QLabel(gui_text("goal_source.drop_hint"))
        hint.setWordWrap(True)
        self.choose_button = QPushButton(gui_text("goal.choose_file"))
        self.choose_button.setObjectName("chooseFileButton")
        self.folder_button = QPushButton(gui_text("goal_source.choose_folder"))
        self.folder_button.setObjectName("chooseFolderButton")
        self.folder_button.setToolTip(gui_text("goal_source.choose_folder_tip"))
        zone_row.addWidget(hint, 1)
        zone_row.addWidget(self.choose_button)
        zone_row.addWidget(self.folder_button)
        outer.addWidget(self.zone)

        samples_label = QLabel(gui_text("goal.samples_label"))
        samples_label.setWordWrap(True)
        self.sample_list = QListWidget()
        self.sample_list.setObjectName("sampleList")
        self.sample_list.setToolTip(gui_text("goal.samples_tip"))
        self.sample_list.setWordWrap(True)
        self.sample_list.setAlternatingRowColors(True)
        self.sample_list.setStyleSheet(_LIST_STYLE)
        self.sample_list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        samples_label.setBuddy(self.sample_list)
        for name, sample in SAMPLES.items():
            item = QListWidgetItem(f"{sample_title(name)} — {sample.description}")
            item.setData(Qt.UserRole, name)
            item.setToolTip(sample.description)
            self.sample_list.addItem(item)
        outer.addSpacing(4)
        outer.addWidget(samples_label)
        outer.addWidget(self.sample_list)
        self.fit_list_height()

        self.choose_button.clicked.connect(self.choose_file)
        self.folder_button.clicked.connect(self.choose_folder)
        self.sample_list.itemClicked.connect(self._sample_item)
        self.sample_list.itemActivated.connect(self._sample_item)

    def fit_list_height(self) -> None:
        """Show every sample without an inner scroll bar."""
        rows = sum(self.sample_list.sizeHintForRow(i) for i in range(self.sample_list.count()))
        self.sample_list.setFixedHeight(rows + 2 * self.sample_list.frameWidth() + 6)

    def set_hover(self, on: bool) -> None:
        self.zone.setProperty("hover", on)
        self.zone.style().unpolish(self.zone)
        self.zone.style().polish(self.zone)

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, gui_text("goal.choose_title"), str(Path.home()), gui_text("goal.file_filter"))
        if path:
            self.file_chosen.emit(path)

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, gui_text("goal_source.choose_folder_title"), str(Path.home()))
        if path:
            self.file_chosen.emit(path)

    def _sample_item(self, item: QListWidgetItem) -> None:
        self.sample_chosen.emit(item.data(Qt.UserRole))

    def select_sample(self, name: str | None) -> None:
        """Mark ``name`` as the chosen sample in the list (or none)."""
        for row in range(self.sample_list.count()):
            item = self.sample_list.item(row)
            if item.data(Qt.UserRole) == name:
                self.sample_list.setCurrentItem(item)
                return
        self.sample_list.clearSelection()
