"""The "Export the model" box of the Use page: a folder, a Change… button, a check box per
format (a format the chosen model or the backend cannot make is greyed out with the reason)
and Export, which runs the ``export_model`` job in the engine process and lists what it
wrote, with how closely each runtime format matched Keras on the dev rows."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout)

from engine.use.export_formats import FORMATS, KERAS, format_name, unavailable
from engine.use.requests import ExportModelRequest
from gui.pages.base import gui_text
from gui.pages.labels import note

DEFAULT_FOLDER = "model-export"


class ExportBox(QGroupBox):
    """Export the chosen model to a folder the user picks."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(gui_text("use.export_title"), parent)
        self.setObjectName("exportBox")
        self.session = session
        self._root: Path | None = None
        self._chosen: str | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(note(gui_text("use.export_intro"), "exportIntro"))
        row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("exportFolderEdit")
        self.folder_edit.setMinimumWidth(380)
        label = QLabel(gui_text("use.export_label"))
        label.setBuddy(self.folder_edit)
        self.change_button = QPushButton(gui_text("use.export_change"))
        self.change_button.setObjectName("changeExportButton")
        self.change_button.setToolTip(gui_text("use.export_change_tip"))
        self.change_button.clicked.connect(self.choose_folder)
        self.export_button = QPushButton(gui_text("use.export"))
        self.export_button.setObjectName("exportModelButton")
        self.export_button.setToolTip(gui_text("use.export_tip"))
        self.export_button.clicked.connect(self.export)
        row.addWidget(label)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.change_button)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        formats = QHBoxLayout()
        formats.addWidget(QLabel(gui_text("use.export_formats")))
        self.format_boxes: dict[str, QCheckBox] = {}
        for fmt in FORMATS:
            box = QCheckBox(format_name(fmt))
            box.setObjectName(f"exportFormat_{fmt}")
            box.setChecked(True)
            box.setEnabled(fmt != KERAS)
            box.setToolTip(gui_text("use.export_keras_always") if fmt == KERAS else "")
            self.format_boxes[fmt] = box
            formats.addWidget(box)
        formats.addStretch(1)
        layout.addLayout(formats)
        self.reasons = note("", "exportFormatReasons")
        self.reasons.hide()
        layout.addWidget(self.reasons)
        self.state = note("", "exportState")
        self.state.setTextFormat(Qt.RichText)
        self.state.hide()
        layout.addWidget(self.state)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, gui_text("use.export_dialog"),
                                                  self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def export(self) -> None:
        folder = self.folder_edit.text().strip()
        if folder:
            self.session.run(ExportModelRequest(to=folder, formats=",".join(self.formats())),
                             then=self._exported)

    def formats(self) -> list[str]:
        """The formats ticked and available (the Keras file always)."""
        return [f for f, box in self.format_boxes.items()
                if box.isChecked() and (box.isEnabled() or f == KERAS)]

    def _exported(self, result) -> None:
        if not isinstance(result, dict):
            return
        names = ", ".join(Path(f).name for f in result.get("files") or [])
        words = gui_text("use.exported", folder=html.escape(result["folder"]),
                         files=html.escape(names))
        notes = " ".join(html.escape(n) for n in [*(result.get("notes") or []),
                                                  *(result.get("skipped_lines") or [])])
        checks = "".join("<br>" + html.escape(gui_text(
            "use.export_check", format=format_name(c['format']),
            diff=f"{c['max_difference']:.2g}", rows=c["rows"],
            ms=f"{c['ms_per_example']:.3g}", keras=f"{c['keras_ms_per_example']:.3g}"))
            for c in result.get("checks") or [])
        self.state.setText(words + checks + (f"<br>{notes}" if notes else ""))
        self.state.show()

    def show_project(self, project, usable: bool, busy: bool) -> None:
        """Default folder for a newly opened project (an earlier export's words go when the
        project or its chosen model changes); buttons follow the project state."""
        root = project.root if project is not None else None
        chosen = project.chosen_run if project is not None else None
        if (root, chosen) != (self._root, self._chosen):  # another project or model
            self._chosen = chosen
            if root != self._root:
                self.folder_edit.setText(str(root / DEFAULT_FOLDER) if root is not None
                                         else "")
            self._root = root
            self.state.hide()
        self.export_button.setEnabled(usable and not busy)
        self._show_formats(project)

    def _show_formats(self, project) -> None:
        """Grey out the formats the chosen model cannot be written in, with the reasons."""
        run = None
        if project is not None and project.chosen_run:
            run = next((r for r in project.runs if r.id == project.chosen_run), None)
        missing = unavailable(run.model) if run is not None else {}
        for fmt, box in self.format_boxes.items():
            if fmt == KERAS:
                continue
            if fmt not in missing and not box.isEnabled():  # a network chosen again
                box.setChecked(True)
            box.setEnabled(fmt not in missing)
            box.setToolTip(missing.get(fmt, ""))
            if fmt in missing:
                box.setChecked(False)
        by_reason: dict[str, list[str]] = {}
        for fmt, why in missing.items():  # one line per reason, the formats it concerns
            by_reason.setdefault(why, []).append(format_name(fmt))
        lines = [f"{', '.join(names)}: {why}" for why, names in by_reason.items()]
        self.reasons.setText("\n".join(lines))
        self.reasons.setVisible(bool(lines))
