"""The main window: steps on the left, the page of the chosen step, jobs at the bottom."""

from __future__ import annotations

import html
import importlib

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMainWindow, QMessageBox,
                               QStackedWidget, QVBoxLayout, QWidget)

from engine import __version__
from engine.project import describe
from engine.app import STEPS
from engine.core import step_help
from gui.error_dialog import show_problem
from gui.job_panel import JobPanel
from gui.jobs import JobRunner
from gui.quiet_collector import settle_collector
from gui.pages.base import gui_text
from gui.recent import recent_projects
from gui.session import TAKE_OVER, ProjectSession
from gui.sidebar import StepList
from gui.window_size import place_window, remember_window

# Pages are imported when they are built, each the first time it is shown: the later steps'
# modules pull in pandas and pyqtgraph (about 1 s here), which must not delay the window
# nor the Goal page (see gui/app.py). None of them imports scikit-learn, SciPy, Optuna,
# matplotlib or Keras: the engine process computes (tests/gui/test_light_gui.py).
PAGES = {"goal": "gui.pages.goal.page:GoalPage", "data": "gui.pages.data.page:DataPage",
         "baseline": "gui.pages.baseline.page:BaselinePage",
         "diagnose": "gui.pages.diagnose.page:DiagnosePage",
         "tune": "gui.pages.tune.page:TunePage", "final": "gui.pages.final.page:FinalTestPage",
         "report": "gui.pages.report.page:ReportPage",
         "use": "gui.pages.use.page:UsePage"}


class MainWindow(QMainWindow):
    pages_ready = Signal()

    def __init__(self, runner: JobRunner | None = None, build_pages: bool = True) -> None:
        super().__init__()
        self._owns_runner = runner is None
        self.runner = runner or JobRunner(parent=self)
        self.session = ProjectSession(self.runner, parent=self)
        self.steps = StepList()
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        # While the pages load, the first step's "why" text is already there to read.
        self.loading = QLabel(f"{step_help('goal')}\n\n*{gui_text('status.loading')}*")
        self.loading.setObjectName("loadingText")
        self.loading.setTextFormat(Qt.MarkdownText)
        self.loading.setWordWrap(True)
        self.loading.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.loading.setContentsMargins(24, 24, 24, 24)
        self.stack.addWidget(self.loading)
        self._wanted_step = "goal"
        self._pages_open = False  # True once pages may be built (on demand, see page())
        self.job_panel = JobPanel(self.runner, self)
        # Shown while the open project's data files changed or went missing underneath it.
        self.data_warning = QLabel()
        self.data_warning.setObjectName("dataWarning")
        self.data_warning.setProperty("role", "warning")
        self.data_warning.setWordWrap(True)
        self.data_warning.setContentsMargins(12, 6, 12, 6)
        self.data_warning.hide()
        self._build_layout()
        self._build_menus()
        self._build_status()
        self.steps.step_chosen.connect(self.show_step)
        self.session.project_changed.connect(self._project_changed)
        self.session.dirty_changed.connect(lambda _d: self._update_title())
        self.session.problem.connect(lambda m, d: show_problem(self, m, d))
        self.session.ask_read_only = self._ask_read_only
        self.runner.engine_ready.connect(self._engine_ready)
        # What exists when a job starts (pages, tables) lives on: kept out of full garbage
        # collections, which otherwise froze the window for 0.1-1 s during a search.
        self.runner.job_started.connect(lambda _handle: settle_collector())
        if self.runner.ready_info:
            self._engine_ready(self.runner.ready_info)
        place_window(self)
        self._project_changed()
        self.steps.select("goal")
        if build_pages:
            self.build_pages()

    def open_pages(self) -> None:
        """Build the chosen step's page now, every other page the first time it is shown;
        then the window is usable (``pages_ready``)."""
        if self._pages_open:
            return
        self._pages_open = True
        self.show_step(self._wanted_step)
        self.pages_ready.emit()

    def build_pages(self) -> None:
        """Create every step page at once (imports their modules); then the window is usable."""
        for step in STEPS:
            self.page(step)
        self.open_pages()

    def page(self, step: str) -> QWidget:
        """The page of ``step``, created (its module imported) the first time it is asked for."""
        if step not in self.pages:
            module, name = PAGES[step].split(":")
            page = getattr(importlib.import_module(module), name)(self.session)
            self.pages[step] = page
            self.stack.addWidget(page)
            if self.stack.indexOf(self.loading) >= 0:
                self.stack.removeWidget(self.loading)
        return self.pages[step]

    # ----- layout
    def _build_layout(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.data_warning)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.steps.setFixedWidth(210)
        row.addWidget(self.steps)
        row.addWidget(self.stack, 1)
        outer.addLayout(row, 1)
        outer.addWidget(self.job_panel)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(gui_text("menu.file"))
        self._action(file_menu, "menu.new", QKeySequence.New, self.new_project)
        self._action(file_menu, "menu.open", QKeySequence.Open, self.open_dialog)
        self.recent_menu = file_menu.addMenu(gui_text("menu.recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file_menu, "menu.save", QKeySequence.Save, self.session.save)
        self._action(file_menu, "menu.export", QKeySequence("Ctrl+E"),
                     lambda: self.show_step("report"))
        file_menu.addSeparator()
        self._action(file_menu, "menu.quit", QKeySequence.Quit, self.close)
        help_menu = self.menuBar().addMenu(gui_text("menu.help"))
        self._action(help_menu, "menu.about", None, self._about)

    def _action(self, menu, key, shortcut, slot) -> QAction:
        action = QAction(gui_text(key), self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_status(self) -> None:
        self.engine_label = QLabel(gui_text("status.starting"))
        self.statusBar().addPermanentWidget(self.engine_label)

    # ----- behaviour
    def show_step(self, step: str) -> None:
        self._wanted_step = step
        if self._pages_open or step in self.pages:
            self.stack.setCurrentWidget(self.page(step))
        if self.steps.currentRow() != STEPS.index(step):
            self.steps.select(step)

    def new_project(self) -> None:
        if not self._may_leave():
            return
        self.session.close()
        self.session.project_changed.emit()
        self.show_step("goal")

    def open_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, gui_text("menu.open_title"))
        if folder and self._may_leave():
            self.session.open(folder)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        items = recent_projects()
        if not items:
            self.recent_menu.addAction(gui_text("menu.no_recent")).setEnabled(False)
        for folder in items:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _c=False, f=folder: self._open_recent(f))

    def _open_recent(self, folder: str) -> None:
        if self._may_leave():
            self.session.open(folder)

    def _project_changed(self) -> None:
        self.steps.set_states(self.session.states())
        self._update_title()
        project = self.session.project
        changes = project.data_changes if project else []
        line = describe(changes)
        parts = [f"<b>{gui_text('data_check.title')}:</b> {html.escape(line)}"] if line else []
        for problem in project.integrity_problems if project else []:
            parts.append(f"<b>{gui_text('record.title')}:</b> {html.escape(problem)}")
        if self.session.read_only:
            parts.append(f"<b>{gui_text('read_only.title')}:</b> "
                         f"{html.escape(self.session.read_only_reason)}")
        self.data_warning.setText("<br>".join(parts))
        self.data_warning.setToolTip("\n".join(c.sentence() for c in changes))
        self.data_warning.setVisible(bool(parts))

    def _update_title(self) -> None:
        project = self.session.project
        name = project.name if project else gui_text("title.no_project")
        mark = "*" if self.session.dirty else ""
        if self.session.read_only:
            name = gui_text("read_only.in_title", name=name)
        self.setWindowTitle(f"{name}{mark} — Practica")
        self.setWindowModified(self.session.dirty)

    def _engine_ready(self, info: dict) -> None:
        self.engine_label.setText(gui_text("status.engine", backend=info.get("backend", "?"),
                                           device=info.get("device", "?")))
        # What trains, in a sentence: memory, mixed precision, several GPUs.
        self.engine_label.setToolTip(info.get("device_sentence", ""))

    def _about(self) -> None:
        QMessageBox.about(self, "Practica", gui_text("about", version=__version__))

    def _ask_read_only(self, message: str) -> bool | str:
        """The project is in use by another program: open it read-only, take over a lock
        left on another computer, or do not open it."""
        box = QMessageBox(QMessageBox.Question, gui_text("read_only.title"),
                          f"{message}\n\n{gui_text('read_only.question')}", parent=self)
        view = box.addButton(gui_text("read_only.open"), QMessageBox.AcceptRole)
        holder = self.session.blocked_by
        take = (box.addButton(gui_text("read_only.take_over"), QMessageBox.DestructiveRole)
                if holder is not None and not holder.here else None)
        box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(view)
        box.exec()
        if take is not None and box.clickedButton() is take:
            return TAKE_OVER
        return box.clickedButton() is view

    def _may_leave(self) -> bool:
        """Ask about unsaved changes; False when the user wants to stay."""
        if not self.session.dirty:
            return True
        answer = QMessageBox.question(
            self, gui_text("unsaved.title"), gui_text("unsaved.text"),
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return self.session.save()
        return answer == QMessageBox.Discard

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if not self._may_leave():
            event.ignore()
            return
        if self.runner.busy:
            answer = QMessageBox.question(self, gui_text("quit.title"), gui_text("quit.busy"))
            if answer != QMessageBox.Yes:
                event.ignore()
                return
        remember_window(self)
        self.session.close()
        if self._owns_runner:
            self.runner.shutdown()
        elif self.runner.busy:
            self.runner.cancel()
        event.accept()
