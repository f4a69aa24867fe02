"""The widgets of the Goal page and how they show things; the page (``goal_page``) decides
what to show and starts the jobs. Sections, top to bottom: the data (new project only), the
goal of an open project, what to predict, how to judge a model, where things go / apply."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFileDialog, QGridLayout, QHBoxLayout, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from engine.data.requests import CheckFileRequest
from engine.goal.requests import NewProjectRequest, SuggestGoalRequest
from engine.goal import TASK_KINDS
from engine.kinds.registry import data_kind
from gui.pages.base import gui_text
from gui.pages.goal.costs_editor import CostsEditor
from gui.pages.goal.data_choice import DataChoice, sample_title
from gui.pages.goal.examples import ExamplesChoice, FolderInfo
from gui.pages.goal.judging import JudgingForm
from gui.pages.goal.labellers_box import LabellersChoice, LabellersView
from gui.pages.labels import (LABEL_WIDTH, field_label, heading, note, recommended_mark,
                              set_role)


def _section(name: str) -> tuple[QWidget, QVBoxLayout]:
    widget = QWidget()
    widget.setObjectName(name)
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    return widget, layout


def _labelled_row(label_key: str, widget: QWidget, *more: QWidget,
                  stretch: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field_label(label_key, widget))
    row.addWidget(widget, 1 if stretch else 0)
    for extra in more:
        row.addWidget(extra)
    if not stretch:
        row.addStretch(1)
    return row


def _indented(widget: QWidget) -> QHBoxLayout:
    """``widget`` under the fields, past the label column."""
    row = QHBoxLayout()
    row.addSpacing(LABEL_WIDTH + 6)
    row.addWidget(widget, 1)
    return row


class GoalForm(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.filling = False  # True while combos are filled by code, not the user
        self.second_path: str | None = None
        self.images = False  # the data is a folder of images or sounds (no column to predict)
        self.folder_kind = "images"  # which: the data kind the engine read the folder as
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)

        # --- the data (no project yet)
        self.new_box, box = _section("newSection")
        box.addWidget(heading("goal.data_heading"))
        self.choice = DataChoice()
        box.addWidget(self.choice)
        self.file_label = note(gui_text("goal.no_file"), "fileLabel")
        self.file_info = note(name="fileInfo")
        self.file_problem = note(name="fileProblem", role="warning")
        self.read_notes = note(name="readNotes", muted=True)  # how the file was read
        self.read_notes.setTextFormat(Qt.PlainText)
        self.folder_info = FolderInfo()
        self.examples = ExamplesChoice()
        for w in (self.file_label, self.file_info, self.file_problem, self.read_notes,
                  self.folder_info, self.examples):
            box.addWidget(w)
        self.target_box = QWidget()
        target = QVBoxLayout(self.target_box)
        target.setContentsMargins(0, 0, 0, 0)
        target.addWidget(heading("goal.target_heading"))
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("targetCombo")
        self.target_combo.setPlaceholderText(gui_text("goal.target_placeholder"))
        self.target_combo.setToolTip(gui_text("goal.target_tip"))
        self.target_combo.setMinimumWidth(320)
        target.addLayout(_labelled_row("goal.target_label", self.target_combo, stretch=False))
        self.target_status = note(name="targetStatus")
        target.addLayout(_indented(self.target_status))
        self.labellers = LabellersChoice()
        target.addLayout(_indented(self.labellers))
        box.addWidget(self.target_box)
        outer.addWidget(self.new_box)

        # --- the goal of an open project
        self.open_box, box = _section("openSection")
        box.addWidget(heading("goal.open_heading"))
        form = QGridLayout()
        form.setColumnMinimumWidth(0, LABEL_WIDTH)
        form.setColumnStretch(1, 1)
        self.open_labels = {}
        for row, key in enumerate(("file", "second", "target", "task")):
            value = note(name=f"open_{key}")
            form.addWidget(field_label(f"goal.open_{key}"), row, 0)
            form.addWidget(value, row, 1)
            self.open_labels[key] = value
        box.addLayout(form)
        box.addLayout(_indented(note(gui_text("goal.open_new_hint"), muted=True)))
        self.labellers_view = LabellersView()
        box.addWidget(self.labellers_view)
        outer.addWidget(self.open_box)

        # --- how to judge a model
        self.judge_box, box = _section("judgeSection")
        box.addWidget(heading("goal.judge_heading"))
        self.task_row = QWidget()
        task_layout = QHBoxLayout(self.task_row)
        task_layout.setContentsMargins(0, 0, 0, 0)
        self.task_combo = QComboBox()
        self.task_combo.setObjectName("taskCombo")
        for kind in TASK_KINDS:
            # text keys: gui.goal.task_{binary,multiclass,regression}
            self.task_combo.addItem(gui_text(f"goal.task_{kind}"), kind)
        self.task_combo.setMinimumWidth(320)
        task_label = field_label("goal.task_label", self.task_combo)
        self.task_mark = recommended_mark("taskRecommended")
        task_layout.addWidget(task_label)
        task_layout.addWidget(self.task_combo)
        task_layout.addWidget(self.task_mark)
        task_layout.addStretch(1)
        box.addWidget(self.task_row)
        self.task_reason = note(name="taskReason")
        self.task_reason_row = QWidget()
        self.task_reason_row.setLayout(_indented(self.task_reason))
        self.task_reason_row.layout().setContentsMargins(0, 0, 0, 6)
        box.addWidget(self.task_reason_row)
        self.judging = JudgingForm()
        box.addWidget(self.judging)
        outer.addWidget(self.judge_box)

        # --- what a mistake costs (a project with classes is open)
        self.costs_box, box = _section("costsSection")
        box.addWidget(heading("goal.costs.heading"))
        self.costs = CostsEditor()
        box.addWidget(self.costs)
        outer.addWidget(self.costs_box)
        self.costs.changed.connect(
            lambda: self.judging.set_costs_known(self.costs.check.isChecked()))

        # --- where things go, and Create (no project yet)
        self.new_tail, box = _section("createSection")
        box.addWidget(heading("goal.more_heading"))
        self.second_label = note(gui_text("goal.second_none"), "secondFileLabel")
        self.second_button = QPushButton(gui_text("goal.second_choose"))
        self.second_button.setObjectName("secondFileButton")
        self.second_clear = QPushButton(gui_text("goal.second_clear"))
        self.second_clear.setObjectName("clearSecondButton")
        self.second_clear.setEnabled(False)
        box.addLayout(_labelled_row("goal.second_label", self.second_label,
                                    self.second_button, self.second_clear))
        box.addLayout(_indented(note(gui_text("goal.second_hint"), muted=True)))
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("folderEdit")
        self.folder_edit.setToolTip(gui_text("goal.folder_tip"))
        self.folder_button = QPushButton(gui_text("goal.folder_change"))
        self.folder_button.setObjectName("folderButton")
        box.addSpacing(8)
        box.addLayout(_labelled_row("goal.folder_label", self.folder_edit, self.folder_button))
        box.addLayout(_indented(note(gui_text("goal.folder_tip"), muted=True)))
        self.create_button = QPushButton(gui_text("goal.create"))
        self.create_button.setObjectName("createButton")
        self.create_button.setToolTip(gui_text("goal.create_tip"))
        self.create_button.setDefault(True)
        self.create_button.setMinimumWidth(180)
        self.create_status = note(name="createStatus")
        create_row = QHBoxLayout()
        create_row.addSpacing(LABEL_WIDTH + 6)
        create_row.addWidget(self.create_button)
        create_row.addWidget(self.create_status, 1)
        box.addSpacing(6)
        box.addLayout(create_row)
        outer.addWidget(self.new_tail)

        # --- apply changes (a project is open)
        self.open_tail, box = _section("applySection")
        self.apply_button = QPushButton(gui_text("goal.apply"))
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setToolTip(gui_text("goal.apply_tip"))
        self.apply_button.setMinimumWidth(180)
        self.apply_status = note(name="applyStatus")
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.apply_button)
        apply_row.addWidget(self.apply_status, 1)
        box.addLayout(apply_row)
        box.addWidget(note(gui_text("goal.apply_note"), muted=True))
        outer.addWidget(self.open_tail)

        self.second_button.clicked.connect(self.choose_second)
        self.second_clear.clicked.connect(lambda: self.set_second(None))
        self.folder_button.clicked.connect(self.choose_folder)
        self.reset_new()

    # ----- modes
    def set_mode(self, open_project: bool, judged: bool) -> None:
        self.new_box.setVisible(not open_project)
        self.open_box.setVisible(open_project)
        self.task_row.setVisible(not open_project)
        self.task_reason_row.setVisible(not open_project)
        self.judge_box.setVisible(open_project or judged)
        self.costs_box.setVisible(open_project and not self.costs.isHidden())
        self.new_tail.setVisible(not open_project and judged)
        self.open_tail.setVisible(open_project)

    def set_busy(self, busy: bool) -> None:
        for button in (self.choice.choose_button, self.choice.folder_button, self.apply_button):
            button.setEnabled(not busy)

    def set_waiting(self, on: bool) -> None:
        if on:
            self._target_message(gui_text("goal.waiting"), warning=False)

    # ----- a new project
    def reset_new(self) -> None:
        self.choice.select_sample(None)
        self.file_label.setText(gui_text("goal.no_file"))
        self.file_info.hide()
        self.file_problem.hide()
        self.show_read_notes([])
        self.target_box.hide()
        self.folder_info.hide()
        self.examples.hide()
        self.examples.reset()
        self.images = False
        self.set_second(None)
        self.folder_edit.clear()
        self.set_create_status("")
        self.set_mode(open_project=False, judged=False)

    def show_file(self, path: str, sample: str | None) -> None:
        name = sample_title(sample) if sample else Path(path).name
        key = "goal.sample_chosen" if sample else "goal.file_chosen"
        self.file_label.setText(gui_text(key, name=name))
        self.file_label.setToolTip(path)
        self.file_info.setText(gui_text("goal.checking"))
        self.file_info.show()
        self.file_problem.hide()
        self.show_read_notes([])
        self.target_box.hide()
        self.folder_info.hide()
        self.examples.hide()
        self.examples.reset()  # a new file starts as a table unless said otherwise
        self.images = False
        self.set_mode(open_project=False, judged=False)

    def show_folder(self, path: str, result: dict) -> None:
        """An image or sound folder: its classes and skipped files (and, for sounds, the
        rates and lengths found and what is done to them); no column to choose."""
        self.images = True
        self.folder_kind = result.get("data_kind") or "images"
        sound = not data_kind(self.folder_kind).image_inputs  # a folder of recordings
        summary = result["summary"]
        counts = (summary.get("target") or {}).get("class_counts") or {}
        # text keys: gui.goal_source.folder_chosen, gui.goal_source.folder_info
        # text keys: gui.goal_source.sound_folder_chosen, gui.goal_source.sound_folder_info
        prefix = "goal_source.sound_folder" if sound else "goal_source.folder"
        self.file_label.setText(gui_text(f"{prefix}_chosen", name=Path(path).name))
        self.file_info.setText(gui_text(f"{prefix}_info", rows=f"{summary['rows']:,}",
                                        classes=len(counts)))
        problem = result.get("problem")
        self.set_file_problem(gui_text("goal.file_unusable", problem=problem)
                              if not result.get("usable") and problem else "")
        self.show_read_notes(result.get("notes") or [])
        self.folder_info.show_folder(counts, result.get("skipped") or [], sound=sound)
        self.folder_info.show()
        self.examples.hide()
        self.target_box.hide()

    def set_file_problem(self, message: str) -> None:
        self.file_problem.setText(message)
        self.file_problem.setVisible(bool(message))

    def show_read_notes(self, notes: list[str]) -> None:
        """What Practica guessed or left out while reading (encoding, separator, ...)."""
        self.read_notes.setText("\n".join(notes))
        self.read_notes.setVisible(bool(notes))

    def show_columns(self, result: dict, names: list[str], wanted: str | None) -> None:
        summary = result["summary"]
        self.file_info.setText(gui_text("goal.file_info", rows=f"{summary['rows']:,}",
                                        columns=summary["columns"]))
        problem = result.get("problem")
        self.set_file_problem(gui_text("goal.file_unusable", problem=problem)
                              if not result.get("usable") and problem else "")
        self.show_read_notes(result.get("notes") or [])
        self.filling = True
        self.target_combo.clear()
        self.target_combo.addItems(names)
        self.target_combo.setCurrentIndex(names.index(wanted) if wanted in names else -1)
        self.filling = False
        self._target_message("", warning=False)
        self.examples.set_columns(names)
        self.labellers.set_columns(names)
        self.examples.set_status("")
        self.examples.show()
        self.target_box.show()

    def show_looking(self) -> None:
        self._target_message(gui_text("goal.looking"), warning=False)
        self.set_mode(open_project=False, judged=False)

    def show_target_problem(self, problem: str) -> None:
        if self.images:
            self.set_file_problem(gui_text("goal.file_unusable", problem=problem))
            return
        self._target_message(gui_text("goal.target_unusable", problem=problem), warning=True)

    def _target_message(self, message: str, warning: bool) -> None:
        self.target_status.setText(message)
        self.target_status.setVisible(bool(message))
        set_role(self.target_status, "warning" if warning else "")

    def show_suggestion(self, result: dict) -> None:
        self._target_message("", warning=False)
        self.filling = True
        self.task_combo.setCurrentIndex(max(0, self.task_combo.findData(result["task"])))
        self.filling = False
        self.set_mode(open_project=False, judged=True)

    def show_task_reason(self, reason: str, guess: str | None) -> None:
        """The engine's reason for its guess; ``guess`` is set when the user chose otherwise."""
        self.task_mark.setVisible(guess is None)
        if guess is not None:
            reason = gui_text("goal.task_changed", guess=gui_text(f"goal.task_{guess}")) \
                + " " + reason
        self.task_reason.setText(reason)

    def show_job_problem(self, request, message: str) -> None:
        """Show why the page's own job (its ``request``) failed, where that job's answer
        would have gone."""
        if isinstance(request, CheckFileRequest):
            self.file_info.hide()
            self.set_file_problem(gui_text("goal.file_unusable", problem=message))
        elif isinstance(request, SuggestGoalRequest):
            self.show_target_problem(message)
        elif isinstance(request, NewProjectRequest):
            self.set_create_status(message, warning=True)

    def set_create_status(self, message: str, warning: bool = False) -> None:
        self.create_status.setText(message)
        set_role(self.create_status, "warning" if warning else "")

    def set_second(self, path: str | None) -> None:
        self.second_path = path
        self.second_label.setText(Path(path).name if path else gui_text("goal.second_none"))
        self.second_label.setToolTip(path or "")
        self.second_clear.setEnabled(path is not None)

    def choose_second(self) -> None:
        if self.images:  # the images you care about: another folder sorted the same way
            path = QFileDialog.getExistingDirectory(
                self, gui_text("goal_source.second_title"), str(Path.home()))
        else:
            path, _filter = QFileDialog.getOpenFileName(
                self, gui_text("goal.second_title"), str(Path.home()),
                gui_text("goal.file_filter"))
        if path:
            self.set_second(path)

    def choose_folder(self) -> None:
        current = Path(self.folder_edit.text().strip() or Path.home() / "Practica")
        parent = QFileDialog.getExistingDirectory(self, gui_text("goal.folder_title"),
                                                  str(current.parent))
        if parent:
            self.folder_edit.setText(str(Path(parent) / current.name))

    # ----- an open project
    def show_open_goal(self, project) -> None:
        goal = project.goal
        main, second = project.source("main"), project.source("target")
        self.open_labels["file"].setText(main.path if main else "")
        self.open_labels["second"].setText(second.path if second else
                                           gui_text("goal.open_second_none"))
        self.open_labels["target"].setText(
            goal.target if goal.labellers is None else gui_text(
                "goal.labellers.target", target=goal.target,
                columns=", ".join(goal.labellers.columns)))
        self.open_labels["task"].setText(f"{gui_text('goal.task_' + goal.task)}. "
                                         f"{goal.task_reason}")
        self.labellers_view.show_goal(goal)

    def set_apply_status(self, message: str) -> None:
        self.apply_status.setText(message)
