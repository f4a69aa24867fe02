"""Step 8 — Use the model: predict a file of new examples with the chosen model, see the
first rows with the confidence and the abstain decision, save them as CSV, and export the
model (``use_export_box``).

Predicting runs the ``predict`` job in the engine process (progress and Stop in the job
panel); it writes every row to the project's ``predictions/`` folder and sends back the
first rows already written as text, which the page shows as they are. "Why this answer?"
runs the ``why_new_row`` job on the selected row and shows which inputs moved its answer.
For a sound model the first rows also show the picture of each recording's spectrogram
(drawn by the engine, ``clips`` in the job's result) and a Play button (Space in the table)
plays the selected one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QFileDialog, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSizePolicy, QVBoxLayout)

from engine.use.requests import PredictRequest, WhyNewRowRequest
from engine.core import PracticaError, text
from engine.words import fmt_count, fmt_error, fmt_time, fmt_value, metric_label
from engine.project import chosen_run
from engine.kinds import kind_of
from engine.project.parts import Goal
from gui.pages.base import StepPage, gui_text
from gui.pages.labels import note, set_role
from gui.pages.diagnose.error_examples_table import steady_icon
from gui.pages.sound_player import PLAY_KEYS, ClipPlayer
from gui.pages.use.export_box import ExportBox
from gui.pages.why_view import WhyView
from gui.result_table import ResultTable, settle_layout

PICTURE_WIDTH, PICTURE_HEIGHT = 96, 48  # a recording's spectrogram in the preview


def calibration_words(project, run_id: str) -> str:
    """Whether the confidence the page shows is calibrated, and how."""
    rule = project.decision_rule
    fit = rule.calibration if rule is not None and rule.applies_to(run_id) else None
    if fit is None:
        return gui_text("calibration.use_raw")
    # text keys: calibration.method_temperature, calibration.method_platt
    # text keys: calibration.method_isotonic
    return gui_text("calibration.use_calibrated", method=text(f"calibration.method_{fit.method}"))


class UsePage(StepPage):
    step = "use"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self._root: Path | None = None
        self._result: dict | None = None
        self._predicted_path = ""
        self._why_line = 0
        self.model_note = note("", "useModel")
        self.model_note.setTextFormat(Qt.RichText)
        self.body.addWidget(self.model_note)
        self.quality_note = note("", "useQuality")
        self.body.addWidget(self.quality_note)
        self.reject_note = note("", "useReject")
        self.body.addWidget(self.reject_note)
        self.calibration_note = note("", "useCalibration", muted=True)
        self.body.addWidget(self.calibration_note)

        box = QGroupBox(gui_text("use.data_title"))
        box.setObjectName("predictBox")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.data_edit = QLineEdit()
        self.data_edit.setObjectName("newDataEdit")
        self.data_edit.setMinimumWidth(380)
        self.data_edit.textChanged.connect(self._state_changed)
        self.data_edit.returnPressed.connect(self.predict)
        label = QLabel(gui_text("use.data_label"))
        label.setBuddy(self.data_edit)
        self.choose_button = QPushButton(gui_text("use.choose"))
        self.choose_button.setObjectName("chooseDataButton")
        self.choose_button.clicked.connect(self.choose_data)
        self.predict_button = QPushButton(gui_text("use.predict"))
        self.predict_button.setObjectName("predictButton")
        self.predict_button.setToolTip(gui_text("use.predict_tip"))
        self.predict_button.clicked.connect(self.predict)
        for widget, stretch in ((label, 0), (self.data_edit, 1), (self.choose_button, 0),
                                (self.predict_button, 0)):
            row.addWidget(widget, stretch)
        layout.addLayout(row)
        self.summary = note("", "predictSummary")
        layout.addWidget(self.summary)
        self.caption = note("", "previewCaption", muted=True)
        layout.addWidget(self.caption)
        self.player = ClipPlayer("usePlayer")
        self.player.hide()
        layout.addWidget(self.player)
        self.table = ResultTable("predictionsTable")
        self.table.currentCellChanged.connect(lambda line, *_: self._clip_selected(line))
        play = QShortcut(QKeySequence(PLAY_KEYS), self.table, self.player.toggle)
        play.setContext(Qt.WidgetShortcut)
        # New data can have dozens of columns: this table scrolls sideways within the page
        # instead of widening it past the window.
        self.table.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        layout.addWidget(self.table)
        save_row = QHBoxLayout()
        self.save_button = QPushButton(gui_text("use.save"))
        self.save_button.setObjectName("savePredictionsButton")
        self.save_button.setToolTip(gui_text("use.save_tip"))
        self.save_button.clicked.connect(self.save_as)
        self.why_button = QPushButton(gui_text("why.button"))
        self.why_button.setObjectName("whyRowButton")
        keys = QKeySequence("Ctrl+Y")
        self.why_button.setShortcut(keys)
        self.why_button.setToolTip(gui_text("why.button_tip",
                                            keys=keys.toString(QKeySequence.NativeText)))
        self.why_button.clicked.connect(self.explain_selected)
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.why_button)
        save_row.addStretch(1)
        layout.addLayout(save_row)
        self.why_note = note("", "whyRowNote", muted=True)
        self.why_note.hide()
        layout.addWidget(self.why_note)
        self.why_view = WhyView("useWhyView")
        layout.addWidget(self.why_view)
        self.saved_note = note("", "savedNote", muted=True)
        self.saved_note.hide()
        layout.addWidget(self.saved_note)
        self.body.addWidget(box)
        self.predict_box = box

        self.export_box = ExportBox(session)
        self.body.addWidget(self.export_box)
        session.runner.busy_changed.connect(self._state_changed)  # a slot: freed with the page
        self.finish_layout()

    # ----- actions
    def choose_data(self) -> None:
        start = self.data_edit.text() or (str(self._root) if self._root else "")
        if self._images():
            path = QFileDialog.getExistingDirectory(self, gui_text("use.folder_dialog"), start)
        else:
            path, _filter = QFileDialog.getOpenFileName(
                self, gui_text("use.file_dialog"), start, gui_text("use.file_filter"))
        if path:
            self.data_edit.setText(path)

    def predict(self) -> None:
        path = self.data_edit.text().strip()
        if not path:
            self.summary.setText(gui_text("use.need_file"))
            return
        self._predicted_path = path
        self.session.run(PredictRequest(path=path), then=self._predicted)

    def _predicted(self, result) -> None:
        if not isinstance(result, dict):
            return
        self._result = result
        self.saved_note.hide()
        self.why_view.show_why(None)
        self._show_result()
        self._update_buttons()
        settle_layout()

    def explain_selected(self) -> None:
        """Ask the engine why the model answered the selected row of the predictions."""
        line = self.table.currentRow()
        if not self._result or line < 0:
            self.why_note.setText(gui_text("why.pick_first"))
            self.why_note.show()
            return
        self.why_note.hide()
        self._why_line = line
        self.session.run(WhyNewRowRequest(path=self._predicted_path, row=line),
                         then=self._why_shown)

    def _why_shown(self, result) -> None:
        if isinstance(result, dict) and "parts" in result:
            self.why_view.show_why(result, gui_text("why.where_row", row=self._why_line + 1))
            settle_layout()

    def save_as(self) -> None:
        """Copy the predictions file to where the user says (an engine call, atomic)."""
        if not self._result:
            return
        from engine.use import copy_predictions

        start = str(Path.home() / Path(self._result["out"]).name)
        path, _filter = QFileDialog.getSaveFileName(self, gui_text("use.save_dialog"), start,
                                                    gui_text("use.save_filter"))
        if not path:
            return
        try:
            written = copy_predictions(self._result["out"], path)
        except (PracticaError, OSError) as exc:
            self.session.problem.emit(str(exc), "")
            return
        self.saved_note.setText(gui_text("use.saved", path=written))
        self.saved_note.show()

    # ----- showing the project
    def refresh(self) -> None:
        project = self.project
        root = project.root if project is not None else None
        if root != self._root:  # another project: forget the last predictions
            self._root, self._result = root, None
            self.data_edit.clear()
            self.saved_note.hide()
            self.why_view.show_why(None)
        self._show_model()
        self._show_result()
        self._update_buttons()
        settle_layout()

    def _show_model(self) -> None:
        project = self.project
        run = chosen_run(project) if project is not None else None
        for widget in (self.quality_note, self.reject_note, self.calibration_note):
            widget.setVisible(run is not None)
        if project is None or run is None:
            self.model_note.setText(gui_text("use.no_project" if project is None
                                             else "use.no_model"))
            return
        goal = project.goal or Goal()
        metric = goal.metric
        final = project.final_test
        tested = final is not None and final.run == run.id
        retrained = final.retrained_model if tested and final.retrained else None
        if tested and final.retrained:  # predicting and exporting use the retrained copy
            self.model_note.setText(gui_text(
                "use.model_retrained", label=run.label,
                rows=fmt_count(retrained.rows) if retrained else "?",
                epochs=retrained.epochs if retrained else "?",
                error=fmt_error(run.errors.get("dev"), metric)))
        else:
            self.model_note.setText(gui_text("use.model", label=run.label,
                                             error=fmt_error(run.errors.get("dev"), metric)))
        entry = final.metrics.get(metric) if tested else None
        if tested and entry is not None:
            words = gui_text("use.tested", when=fmt_time(final.evaluated_at),
                             metric=metric_label(metric), value=fmt_value(entry.value),
                             low=fmt_value(entry.low), high=fmt_value(entry.high))
        else:
            words = gui_text("use.not_tested")
        if run.after_vault:
            words += " " + gui_text("use.after_vault")
        self.quality_note.setText(words)
        set_role(self.quality_note, "" if tested and not run.after_vault else "warning")
        asked = goal.abstain_accuracy
        self.reject_note.setText(gui_text("use.reject_on", share=f"{float(asked):.0%}")
                                 if asked is not None and goal.task != "regression"
                                 else gui_text("use.reject_off"))
        self.calibration_note.setText(calibration_words(project, run.id))
        self.calibration_note.setVisible(goal.task != "regression")
        self.data_edit.setToolTip(gui_text("use.images_tip" if self._images()
                                           else "use.data_tip"))
        self.choose_button.setToolTip(gui_text("use.choose_images_tip" if self._images()
                                               else "use.choose_tip"))

    def _show_result(self) -> None:
        result = self._result
        for widget in (self.table, self.save_button, self.caption, self.why_button):
            widget.setVisible(bool(result))
        if not result:
            self.summary.setText("")
            self.summary.hide()
            self.table.fill([], [])
            return
        self.summary.setText(result.get("sentence", ""))
        self.summary.show()
        self.caption.setText(gui_text("use.preview_caption", shown=len(result["preview"]),
                                      rows=f"{result['rows']:,}"))
        clips = result.get("clips") or []
        self.player.setVisible(bool(clips))
        if clips:
            self._fill_with_pictures(result, clips)
        else:
            self.table.fill(result["headers"], result["preview"],
                            numeric=result.get("numeric", ()))
        self._clip_selected(self.table.currentRow())
        bar = self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(self.table.maximumHeight() + bar)

    def _fill_with_pictures(self, result: dict, clips: list[dict]) -> None:
        """The preview with a first column holding each recording's spectrogram."""
        rows = [["", *row] for row in result["preview"]]
        numeric = [c + 1 for c in result.get("numeric", ())]
        self.table.fill([gui_text("use.col_sound"), *result["headers"]], rows, numeric=numeric)
        size = QSize(PICTURE_WIDTH, PICTURE_HEIGHT)
        self.table.setIconSize(size)
        for r, clip in enumerate(clips[:len(rows)]):
            item = self.table.item(r, 0)
            pixmap = QPixmap(clip.get("picture") or "")
            if not pixmap.isNull():
                item.setData(Qt.DecorationRole, steady_icon(pixmap.scaled(
                    size, Qt.KeepAspectRatio, Qt.SmoothTransformation)))
            item.setToolTip(f"{clip['sound']}\n{gui_text('sound.picture_tip')}")
            self.table.setRowHeight(r, PICTURE_HEIGHT + 6)
        self.table.setColumnWidth(0, PICTURE_WIDTH + 12)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + sum(self.table.rowHeight(r) for r in range(len(rows)))
                                  + 2 * self.table.frameWidth())

    def _clip_selected(self, line: int) -> None:
        clips = (self._result or {}).get("clips") or []
        self.player.set_clip(clips[line]["sound"] if 0 <= line < len(clips) else None)

    def _state_changed(self, _value) -> None:
        self._update_buttons()

    def _images(self) -> bool:
        project = self.project
        return bool(project is not None and kind_of(project).folder)

    def _update_buttons(self) -> None:
        project = self.project
        states = self.session.states()
        usable = bool(states and states["use"].state != "locked")
        busy = self.session.runner.busy
        self.predict_box.setEnabled(usable)
        self.predict_button.setEnabled(usable and not busy and bool(self.data_edit.text()))
        self.choose_button.setEnabled(usable)
        self.save_button.setEnabled(bool(self._result) and not busy)
        self.why_button.setEnabled(bool(self._result) and not busy)
        self.export_box.setEnabled(usable)
        self.export_box.show_project(project, usable, busy)
