"""The Error analysis tab of the Diagnose page: look at the chosen model's dev mistakes,
tag them, and see which kind of mistake is worth fixing first.

The button runs the ``error_analysis`` job (``engine.diagnosis.error_analysis``); everything shown is
read from ``project.error_analysis`` and the tag table from ``engine.diagnosis.error_tags``. Tags are
changed through ``session.edit`` (``set_tags``, ``toggle_tag``), like every other edit, so
the tag table is recomputed by the engine after each one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget)

from engine.diagnosis.requests import ErrorAnalysisRequest, WhyExampleRequest
from engine.diagnosis import analysis_state, cell_count, cell_examples
from engine.diagnosis import (ceiling_words, error_words, project_suggestions, set_tags, tag_table,
                              tags_of, tags_text, toggle_tag)
from engine.project.parts import ErrorAnalysisRecord
from engine.words import fmt_count, fmt_share, split_name
from gui.pages.base import gui_text
from engine.goal import comparison_sentence, people_and_model
from gui.pages.diagnose.confusion_view import ConfusionView
from gui.pages.diagnose.error_examples_table import ExamplesTable
from gui.pages.sound_player import ClipPlayer
from gui.pages.labels import note
from gui.pages.why_view import WhyView
from gui.result_table import ResultTable

MAX_QUICK = 9  # quick tag buttons (Ctrl+1 .. Ctrl+9)
WHY_KEYS = "Ctrl+Y"  # "why?" for the selected mistake


class ErrorAnalysisPanel(QWidget):
    """The tab's content; takes the session and follows its project."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("errorAnalysisPanel")
        self._shown: tuple | None = None
        self._filter: tuple = ("all",)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(note(gui_text("error_analysis.intro"), "errorAnalysisIntro"))
        row = QHBoxLayout()
        self.collect_button = QPushButton(gui_text("error_analysis.collect"))
        self.collect_button.setObjectName("collectMistakesButton")
        self.collect_button.setToolTip(gui_text("error_analysis.collect_tip"))
        self.collect_button.clicked.connect(self.collect)
        row.addWidget(self.collect_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.reason = note("", "collectReason", role="warning")
        self.stale = note(gui_text("error_analysis.stale"), "errorAnalysisStale", role="warning")
        self.summary = note("", "errorAnalysisSummary")
        for widget in (self.reason, self.stale, self.summary):
            layout.addWidget(widget)

        self.content = QWidget()
        self.content.setObjectName("errorAnalysisContent")
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.content)
        top = QHBoxLayout()
        body.addLayout(top)
        self.confusion_box = QGroupBox(gui_text("error_analysis.confusion_title"))
        self.confusion_box.setObjectName("confusionBox")
        box = QVBoxLayout(self.confusion_box)
        box.addWidget(note(gui_text("error_analysis.confusion_help"), muted=True))
        self.confusion = ConfusionView()
        self.confusion.cell_opened.connect(self.open_cell)
        box.addWidget(self.confusion)
        self.people = note(name="peopleComparison")  # several labellers: model vs people
        box.addWidget(self.people)
        box.addStretch(1)
        top.addWidget(self.confusion_box, 0)
        self.tags_box = QGroupBox(gui_text("error_analysis.tags_title"))
        self.tags_box.setObjectName("tagTableBox")
        box = QVBoxLayout(self.tags_box)
        self.tag_table = ResultTable("tagTable")
        self.tags_empty = note(gui_text("error_analysis.tags_empty"), "tagTableEmpty", muted=True)
        self.tags_note = note("", "tagTableNote", muted=True)
        box.addWidget(self.tags_empty)
        box.addWidget(self.tag_table)
        box.addWidget(self.tags_note)
        box.addStretch(1)
        top.addWidget(self.tags_box, 1)

        self.examples_box = QGroupBox(gui_text("error_analysis.examples_title"))
        self.examples_box.setObjectName("examplesBox")
        box = QVBoxLayout(self.examples_box)
        box.addWidget(note(gui_text("error_analysis.examples_help"), muted=True))
        self.quick_row = QHBoxLayout()
        box.addLayout(self.quick_row)
        self.quick_buttons: list[QPushButton] = []
        shown_row = QHBoxLayout()
        self.showing = note("", "examplesShowing")
        self.show_all_button = QPushButton(gui_text("error_analysis.show_all"))
        self.show_all_button.setObjectName("showAllButton")
        self.show_all_button.clicked.connect(lambda: self.set_filter(("all",)))
        self.confident_button = QPushButton(gui_text("error_analysis.show_confident"))
        self.confident_button.setObjectName("showConfidentButton")
        self.confident_button.clicked.connect(lambda: self.set_filter(("confident",)))
        self.why_button = QPushButton(gui_text("why.button"))
        self.why_button.setObjectName("whyButton")
        keys = QKeySequence(WHY_KEYS)
        self.why_button.setShortcut(keys)
        self.why_button.setToolTip(gui_text("why.button_tip",
                                            keys=keys.toString(QKeySequence.NativeText)))
        self.why_button.clicked.connect(self.explain_selected)
        shown_row.addWidget(self.showing, 1)
        shown_row.addWidget(self.why_button)
        shown_row.addWidget(self.confident_button)
        shown_row.addWidget(self.show_all_button)
        box.addLayout(shown_row)
        self.player = ClipPlayer("errorPlayer")
        self.player.hide()
        box.addWidget(self.player)
        self.examples = ExamplesTable()
        self.examples.tags_edited.connect(self._tags_typed)
        self.examples.tag_toggled.connect(self._tag_toggled)
        self.examples.play_requested.connect(self.player.toggle)
        self.examples.currentCellChanged.connect(
            lambda line, *_: self.player.set_clip(self.examples.sound(line)))
        box.addWidget(self.examples)
        self.why_view = WhyView("errorWhyView")
        box.addWidget(self.why_view)
        body.addWidget(self.examples_box)

        bottom = QHBoxLayout()
        body.addLayout(bottom)
        self.confident_box, self.confident_table = _table_box(
            "confident_title", "confident_help", "confidentTable", "confidentBox")
        self.suspects_box, self.suspects_table = _table_box(
            "suspects_title", "suspects_help", "suspectsTable", "suspectsBox")
        self.suspects_note = note("", "suspectsNote", muted=True)
        self.suspects_box.layout().insertWidget(2, self.suspects_note)
        bottom.addWidget(self.confident_box, 1)
        bottom.addWidget(self.suspects_box, 1)
        layout.addStretch(1)
        session.project_changed.connect(self.refresh)
        session.runner.busy_changed.connect(self._busy_changed)  # a method: disconnected
        self.refresh()

    @property
    def project(self):
        return self.session.project

    # ----- actions
    def collect(self) -> None:
        self.session.run(ErrorAnalysisRequest())

    def open_cell(self, i: int, j: int) -> None:
        """Show the examples of confusion cell (true ``i``, predicted ``j``)."""
        self.set_filter(("cell", i, j))

    def set_filter(self, which: tuple) -> None:
        self._filter = which
        self._fill_examples()

    def explain_selected(self) -> None:
        """Ask the engine why the model answered the selected mistake as it did."""
        row = self.examples.current_row_number()
        if row is None and self.examples.rowCount():
            self.examples.selectRow(0)
            row = self.examples.current_row_number()
        if row is None:
            return
        self.session.run(WhyExampleRequest(row=row), then=self._why_shown)

    def _why_shown(self, result) -> None:
        if isinstance(result, dict) and "parts" in result:
            self.why_view.show_why(result, gui_text("why.where_row", row=result["row"]))

    def _tags_typed(self, row: int, words: str) -> None:
        self.session.edit(lambda p: set_tags(p, row, words))

    def _tag_toggled(self, row: int, tag: str) -> None:
        self.session.edit(lambda p: toggle_tag(p, row, tag))

    def _quick(self, tag: str) -> None:
        row = self.examples.current_row_number()
        if row is None and self.examples.rowCount():
            self.examples.setCurrentCell(0, self.examples.tags_column)
            row = self.examples.current_row_number()
        if row is not None:
            self._tag_toggled(row, tag)

    # ----- showing the project
    def refresh(self) -> None:
        project = self.project
        analysis = project.error_analysis if project is not None else None
        state = analysis_state(project) if project is not None else "missing"
        self._update_button()
        self.stale.setVisible(state == "stale")
        self.content.setVisible(analysis is not None)
        self.summary.setVisible(analysis is not None)
        if analysis is None:
            self._shown = None
            return
        key = (project.root, analysis.created, analysis.run)
        if key != self._shown:
            self._shown = key
            self._filter = ("all",)
            self.why_view.show_why(None)
            self._fill_all(analysis)
        else:
            self.examples.set_tags(self._tags_by_row())
            self._fill_confident(analysis)
        self._fill_tag_table(analysis)

    def _busy_changed(self, _busy: bool) -> None:
        self._update_button()

    def _update_button(self) -> None:
        project = self.project
        reason = ""
        if project is None:
            reason = gui_text("error_analysis.no_project")
        elif not project.chosen_run:
            reason = gui_text("error_analysis.no_choice")
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
        self.collect_button.setEnabled(not reason and not self.session.runner.busy)
        self.why_button.setEnabled(not reason and not self.session.runner.busy)
        again = project is not None and project.error_analysis is not None
        self.collect_button.setText(gui_text("error_analysis.collect_again" if again
                                             else "error_analysis.collect"))

    def _fill_all(self, analysis: ErrorAnalysisRecord) -> None:
        task = analysis.task
        values = dict(label=analysis.label, mistakes=fmt_count(analysis.mistakes),
                      rows=fmt_count(analysis.rows),
                      error=error_words(analysis.dev_error, task),
                      shown=fmt_count(len(analysis.examples)),
                      part=error_words(analysis.mistakes_error, task))
        key = "summary_regression" if task == "regression" else "summary_classification"
        mistakes = bool(analysis.mistakes)
        self.summary.setText(gui_text(f"error_analysis.{key}", **values) if mistakes else
                             gui_text("error_analysis.no_mistakes", **values))
        for box in (self.examples_box, self.tags_box, self.confident_box):
            box.setVisible(mistakes)
        self._fill_quick_buttons()
        confusion = analysis.confusion
        self.confusion_box.setVisible(confusion is not None)
        if confusion is not None:
            self.confusion.fill(list(confusion.labels), confusion.matrix,
                                confusion.shares or confusion.matrix)
        self._fill_people(confusion)
        self.confident_button.setVisible(task != "regression")
        self._fill_examples()
        self._fill_confident(analysis)
        self._fill_suspects(analysis)

    def _fill_quick_buttons(self) -> None:
        while self.quick_row.count():
            widget = self.quick_row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.quick_buttons = []
        for n, tag in enumerate(project_suggestions(self.project)[:MAX_QUICK], start=1):
            button = QPushButton(tag)
            button.setObjectName(f"quickTag{n}")
            keys = QKeySequence(f"Ctrl+{n}")
            button.setShortcut(keys)
            button.setToolTip(gui_text("error_analysis.quick_tip", tag=tag,
                                       keys=keys.toString(QKeySequence.NativeText)))
            button.setFocusPolicy(Qt.TabFocus)
            button.clicked.connect(lambda _c=False, t=tag: self._quick(t))
            self.quick_row.addWidget(button)
            self.quick_buttons.append(button)
        self.quick_row.addStretch(1)
        # Made after the rest: put them in the Tab order where they are on screen.
        chain = [self.tag_table, *self.quick_buttons, self.why_button, self.confident_button]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    def _fill_people(self, confusion) -> None:
        """One sentence: the model's worst mix-up beside how often people make it."""
        goal = self.project.goal if self.project is not None else None
        sentence = None
        if goal is not None and goal.labellers is not None and confusion is not None:
            sentence = comparison_sentence(people_and_model(
                goal.labellers, confusion.labels, confusion.matrix))
        self.people.setText(sentence or "")
        self.people.setVisible(bool(sentence))

    def _fill_examples(self) -> None:
        analysis = self.project.error_analysis
        labels = analysis.confusion.labels if analysis and analysis.confusion else ()
        which = self._filter
        if which[0] == "cell":
            i, j = which[1], which[2]
            cases = cell_examples(analysis, i, j)
            count = cell_count(analysis, i, j)
            key = "showing_cell_correct" if i == j else "showing_cell"
            words = gui_text(f"error_analysis.{key}", true=labels[i], predicted=labels[j],
                             shown=fmt_count(len(cases)), count=fmt_count(count))
        elif which[0] == "confident":
            cases = list(analysis.confident if analysis else ())
            words = gui_text("error_analysis.showing_confident", n=len(cases))
        else:
            cases = list(analysis.examples if analysis else ())
            words = gui_text("error_analysis.showing_all", n=len(cases))
        self.showing.setText(words)
        self.show_all_button.setEnabled(which[0] != "all")
        self.examples.fill(cases, analysis.task if analysis else "", self._tags_by_row(),
                           project_suggestions(self.project))
        self.player.setVisible(any(case.sound for case in cases))
        self.player.set_clip(self.examples.sound(self.examples.currentRow()))

    def _tags_by_row(self) -> dict[int, str]:
        return {int(k): tags_text(v) for k, v in self.project.error_tags.items() if k.isdigit()}

    def _fill_tag_table(self, analysis: ErrorAnalysisRecord) -> None:
        table = tag_table(self.project)
        task = analysis.task
        rows = [[r.tag, fmt_count(r.count), fmt_share(r.share), ceiling_words(r.ceiling, task)]
                for r in table.rows]
        headers = [gui_text(f"error_analysis.col_{c}") for c in ("tag", "count", "share",
                                                                  "ceiling")]
        self.tag_table.fill(headers, rows, numeric={1, 2, 3})
        self.tag_table.setVisible(bool(rows))
        self.tags_empty.setVisible(not rows)
        key = "tags_note_regression" if task == "regression" else "tags_note_classification"
        self.tags_note.setText(gui_text(f"error_analysis.{key}", reviewed=table.reviewed,
                                        mistakes=table.mistakes,
                                        error=error_words(table.base, task)))
        self.tags_note.setVisible(bool(rows))

    def _fill_confident(self, analysis: ErrorAnalysisRecord) -> None:
        regression = analysis.task == "regression"
        self.confident_box.setVisible(not regression and bool(analysis.mistakes))
        cases = analysis.confident
        rows = [[str(c.row), str(c.true), str(c.predicted), fmt_share(c.confidence),
                 tags_text(tags_of(self.project, c.row))]
                for c in cases]
        headers = [gui_text(f"error_analysis.col_{c}") for c in ("row", "true", "predicted",
                                                                  "confidence", "tags")]
        self.confident_table.fill(headers, rows, numeric={0, 3}, wrap={4: 160})

    def _fill_suspects(self, analysis: ErrorAnalysisRecord) -> None:
        suspects = analysis.suspects
        check = analysis.suspect_check
        # text keys: report.split_name.test
        rows = [[str(s.row), split_name(s.split), s.given, s.suggested, fmt_share(s.confidence)]
                for s in suspects]
        headers = [gui_text(f"error_analysis.col_{c}") for c in
                   ("row", "split", "given", "suggested", "suggested_confidence")]
        self.suspects_table.fill(headers, rows, numeric={0, 4})
        self.suspects_table.setVisible(bool(rows))
        notes = list(check.notes)
        if check.checked_total and analysis.task != "regression":
            notes.insert(0, gui_text("error_analysis.suspects_counts",
                                     checked=fmt_count(check.checked_total),
                                     flagged=fmt_count(check.flagged_total),
                                     shown=fmt_count(len(rows))) if rows else
                         gui_text("error_analysis.suspects_none"))
        self.suspects_note.setText("\n".join(notes))
        self.suspects_note.setVisible(bool(notes))


def _table_box(title: str, help_key: str, table_name: str, box_name: str):
    box = QGroupBox(gui_text(f"error_analysis.{title}"))
    box.setObjectName(box_name)
    layout = QVBoxLayout(box)
    layout.addWidget(note(gui_text(f"error_analysis.{help_key}"), muted=True))
    table = ResultTable(table_name)
    layout.addWidget(table)
    layout.addStretch(1)
    return box, table
