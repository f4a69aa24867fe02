"""Step 2 — Data & split: a preview of the data file, what the checks found, the split sizes,
and after the split what the checks of the split found (with buttons for the fixes
Practica can apply), the rows per set, the classes per set and the vault.

The preview frame is read off the GUI thread (``ThreadCall`` on ``engine.split.datasets``); the
split is the engine's ``split`` job. Nothing here computes on the data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from engine.split.requests import SplitRequest
from engine.split import source_frame
from engine.split import default_fractions
from engine.app import STALE
from gui.frame_model import FrameModel, fit_columns
from gui.pages.base import StepPage, gui_text
from gui.pages.labels import heading, note
from gui.pages.data.split_checks_view import SplitChecksView, finding_html
from gui.pages.data.split_editor import SplitEditor
from gui.pages.data.split_summary import SplitSummary
from gui.thread_call import ThreadCall

class DataPage(StepPage):
    step = "data"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self._preview_key: tuple | None = None
        self._loaders: set[ThreadCall] = set()
        self._split_key: tuple | None = None
        self._findings_shown: list | None = None
        self.no_project = note(gui_text("data.no_project"), "dataNoProject")
        self.body.addWidget(self.no_project)
        self.content = QWidget()
        box = QVBoxLayout(self.content)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)

        box.addWidget(heading("data.preview_heading"))
        self.preview_label = note(name="previewLabel")
        box.addWidget(self.preview_label)
        self.preview = QTableView()
        self.preview.setObjectName("previewTable")
        self.preview.setMinimumHeight(220)
        self.preview.setMaximumHeight(260)
        self.preview.setTabKeyNavigation(False)
        self.preview.setAlternatingRowColors(True)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        box.addWidget(self.preview)

        box.addWidget(heading("data.findings_heading"))
        self.findings = QWidget()
        self.findings.setObjectName("findingsBox")
        self.findings_layout = QVBoxLayout(self.findings)
        self.findings_layout.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.findings)

        box.addWidget(heading("data.split_heading"))
        self.editor = SplitEditor()
        box.addWidget(self.editor)
        self.runs_note = note(gui_text("data.runs_will_go_stale"), "runsNote", role="warning")
        box.addWidget(self.runs_note)
        self.checks = SplitChecksView()
        box.addWidget(self.checks)
        self.summary = SplitSummary()
        box.addWidget(self.summary)
        self.body.addWidget(self.content)

        self.editor.split_requested.connect(self.split)
        self.checks.drop_copies_requested.connect(self.drop_copies)
        self.checks.leave_out_requested.connect(self.leave_out)
        session.runner.busy_changed.connect(self.editor.set_busy)
        session.runner.busy_changed.connect(self.checks.set_busy)
        self.editor.set_busy(session.runner.busy)
        self.checks.set_busy(session.runner.busy)
        self.finish_layout()

    # ----- showing the project
    def refresh(self) -> None:
        project = self.project
        has_goal = project is not None and project.goal is not None
        self.no_project.setVisible(not has_goal)
        self.content.setVisible(has_goal)
        if not has_goal:
            self._preview_key = self._split_key = self._findings_shown = None
            return
        self._load_preview(project)
        self._show_findings(project.findings)
        self._show_split(project)

    def _load_preview(self, project) -> None:
        main = project.source("main")
        key = (str(project.root), main.path, main.sha256) if main else None
        if key is None or key == self._preview_key:
            return
        self._preview_key = key
        self.preview.setModel(None)
        self.preview_label.setText(gui_text("data.preview_loading", name=Path(main.path).name))
        loader = ThreadCall(source_frame, project, "main")
        loader.key = key
        loader.done.connect(self._preview_loaded)
        loader.failed.connect(self._preview_failed)
        self._loaders.add(loader)
        loader.start()

    def _preview_loaded(self, frame) -> None:
        loader = self.sender()
        self._loaders.discard(loader)
        if getattr(loader, "key", None) != self._preview_key:
            return
        old = self.preview.model()
        self.preview.setModel(FrameModel(frame, self))
        fit_columns(self.preview)
        if old is not None:
            old.deleteLater()
        name = Path(self._preview_key[1]).name
        self.preview_label.setText(gui_text("data.preview_info", name=name,
                                            rows=f"{len(frame):,}", columns=frame.shape[1]))

    def _preview_failed(self, message: str, details: str) -> None:
        loader = self.sender()
        self._loaders.discard(loader)
        if getattr(loader, "key", None) == self._preview_key:
            self.preview_label.setText(gui_text("data.preview_failed", problem=message))

    def _show_findings(self, findings: list[dict]) -> None:
        if findings == self._findings_shown:
            return
        self._findings_shown = findings
        while self.findings_layout.count():
            widget = self.findings_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        if not findings:
            label = note(gui_text("data.findings_none"), "findingsNone")
            self.findings_layout.addWidget(label)
            label.show()
            return
        for finding in findings:
            label = QLabel(finding_html(finding))
            label.setObjectName("finding")
            label.setTextFormat(Qt.RichText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            label.setStyleSheet("padding: 6px 10px; background: #f7f8fa;"
                                " border-radius: 4px;")
            self.findings_layout.addWidget(label)
            label.show()

    def _show_split(self, project) -> None:
        main, second = project.source("main"), project.source("target")
        rows = main.rows if main else 0
        split = project.split
        key = (str(project.root), rows, second is not None, repr(split))
        stale = self.session.states()["data"].state == STALE
        if key != self._split_key:  # otherwise keep what the user is typing
            self._split_key = key
            current = split.fractions if split is not None and not stale else None
            self.editor.set_context(rows, second is not None,
                                    default_fractions(rows, second_file=second is not None),
                                    current, split.seed if current else 0)
        self.editor.set_blocked(gui_text("data.vault_blocks") if project.vault_open else "")
        self.runs_note.setVisible(bool(project.runs) and not project.vault_open)
        self.summary.setVisible(split is not None)
        self.checks.setVisible(split is not None and not stale)
        if split is not None:
            self.summary.show_split(project, stale)
            self.checks.show_checks(split)

    # ----- splitting
    def split(self, fractions: dict, seed: int) -> None:
        if self.project is None or self.session.runner.busy:
            return
        self.editor.set_status(gui_text("data.splitting"))
        self._watch(self.session.run(SplitRequest(fractions=fractions, seed=seed),
                                     then=lambda _result: self.editor.set_status("")))

    def drop_copies(self) -> None:
        """Split again with the same shares and seed, leaving out the copies."""
        self._split_again({"drop_copies": True})

    def leave_out(self, column: str) -> None:
        """Split again with the same shares and seed, without ``column`` among the inputs."""
        self._split_again({"leave_out": (column,)})

    def _split_again(self, fix: dict) -> None:
        split = self.project.split if self.project is not None else None
        if split is None or self.session.runner.busy:
            return
        self.checks.set_status(gui_text("checks.working"))
        fractions = split.fractions.to_dict() if split.fractions is not None else None
        request = SplitRequest(fractions=fractions, seed=split.seed, **fix)
        self._watch(self.session.run(request, then=lambda _result: self.checks.set_status("")))

    def _watch(self, handle) -> None:
        if handle is not None:
            handle.failed.connect(self._job_failed)

    def _job_failed(self, message: str, _details: str) -> None:
        self.editor.set_status(message, warning=True)
        self.checks.set_status(message)
