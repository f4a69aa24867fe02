"""Step 7 — Report: write the PDF and the CSV tables (``report`` job), show where they went
and open their folder in the system's file manager.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QWidget)

from engine.app.requests import ReportRequest
from engine.words import fmt_time
from gui.pages.base import StepPage, gui_text


class ReportPage(StepPage):
    step = "report"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self._root: Path | None = None
        self._written: dict | None = None
        box = QGroupBox(gui_text("report.where_title"))
        box.setObjectName("reportWhere")
        form = QFormLayout(box)
        self.pdf_edit, self.pdf_button = self._path_row(form, "pdf", self.choose_pdf)
        self.csv_edit, self.csv_button = self._path_row(form, "csv", self.choose_csv)
        self.body.addWidget(box)

        row = QHBoxLayout()
        self.export_button = QPushButton(gui_text("report.export"))
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip(gui_text("report.export_tip"))
        self.export_button.clicked.connect(self.export)
        self.open_button = QPushButton(gui_text("report.open_folder"))
        self.open_button.setObjectName("openFolderButton")
        self.open_button.clicked.connect(self.open_folder)
        row.addWidget(self.export_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.state = QLabel()
        self.state.setObjectName("reportState")
        self.state.setWordWrap(True)
        self.files = QLabel()
        self.files.setObjectName("writtenFiles")
        self.files.setWordWrap(True)
        self.files.setTextFormat(Qt.RichText)
        self.files.setTextInteractionFlags(Qt.TextSelectableByMouse
                                           | Qt.TextSelectableByKeyboard)
        self.body.addWidget(self.state)
        self.body.addWidget(self.files)
        session.runner.busy_changed.connect(self._busy_changed)
        self.finish_layout()

    def _path_row(self, form: QFormLayout, kind: str, choose) -> tuple[QLineEdit, QPushButton]:
        edit = QLineEdit()
        edit.setObjectName(f"{kind}PathEdit")
        edit.setMinimumWidth(380)
        button = QPushButton(gui_text("report.change"))
        button.setObjectName(f"change{kind.capitalize()}Button")
        button.setToolTip(gui_text(f"report.change_{kind}_tip"))
        button.clicked.connect(choose)
        line = QWidget()
        layout = QHBoxLayout(line)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addWidget(button)
        label = QLabel(gui_text(f"report.{kind}_label"))
        label.setBuddy(edit)
        form.addRow(label, line)
        return edit, button

    # ----- actions
    def choose_pdf(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, gui_text("report.pdf_dialog"), self.pdf_edit.text(),
            gui_text("report.pdf_filter"))
        if path:
            self.pdf_edit.setText(path)

    def choose_csv(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, gui_text("report.csv_dialog"),
                                                  self.csv_edit.text())
        if folder:
            self.csv_edit.setText(folder)

    def export(self) -> None:
        pdf, csv = self.pdf_edit.text().strip(), self.csv_edit.text().strip()
        self.session.run(ReportRequest(pdf=pdf or None, csv=csv or None), then=self._exported)

    def _exported(self, result) -> None:
        if isinstance(result, dict):
            self._written = result
            self._show_files()

    def open_folder(self) -> None:
        """Show the report's folder in the file manager."""
        folder = self._folder()
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _written_paths(self) -> tuple[Path | None, Path | None, list[str]]:
        """The PDF, the CSV folder and the CSV file names of the latest report."""
        if self._written:
            csv = [Path(p) for p in self._written.get("csv") or []]
            pdf = self._written.get("pdf")
            return (Path(pdf) if pdf else None, csv[0].parent if csv else None,
                    [p.name for p in csv])
        report = self.project.report if self.project is not None else None
        pdf, csv = (report.pdf, report.csv) if report is not None else ("", "")
        return Path(pdf) if pdf else None, Path(csv) if csv else None, []

    def _folder(self) -> Path | None:
        """The PDF's folder when the CSV folder lies inside it (the default), else the
        CSV folder: the one place that shows everything that was written."""
        pdf, csv, _names = self._written_paths()
        if pdf is not None and (csv is None or pdf.parent in (csv, *csv.parents)):
            return pdf.parent
        return csv

    # ----- showing the project
    def refresh(self) -> None:
        project = self.project
        root = project.root if project is not None else None
        if root != self._root:  # another project: its own default paths
            self._root, self._written = root, None
            reports = root / "reports" if root is not None else None
            self.pdf_edit.setText(str(reports / "report.pdf") if reports else "")
            self.csv_edit.setText(str(reports / "csv") if reports else "")
        self._show_files()

    def _show_files(self) -> None:
        project = self.project
        report = project.report if project is not None else None
        states = self.session.states()
        if report is None:
            self.state.setText(gui_text("report.not_yet"))
        else:
            key = "report.stale" if states and states["report"].state == "stale" \
                else "report.written"
            self.state.setText(gui_text(key, when=fmt_time(report.time)))
        pdf, csv, names = self._written_paths()
        lines = []
        if pdf is not None:
            lines.append(gui_text("report.written_pdf", path=html.escape(str(pdf))))
        if csv is not None and names:
            lines.append(gui_text("report.written_csv", folder=html.escape(str(csv)),
                                  names=html.escape(", ".join(names))))
        elif csv is not None:
            lines.append(gui_text("report.written_csv_folder", folder=html.escape(str(csv))))
        self.files.setText("<br>".join(lines))
        self._update_buttons()

    def _busy_changed(self, _busy: bool) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        project = self.project
        states = self.session.states()
        ready = states is not None and states["report"].state != "locked"
        self.export_button.setEnabled(ready and not self.session.runner.busy)
        self.open_button.setEnabled(project is not None and self._folder() is not None)
