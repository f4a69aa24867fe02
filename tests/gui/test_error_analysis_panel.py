"""The Error analysis tab: collect the dev mistakes through the engine process, tag them by
typing, read the tag table, save, and open a confusion cell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QLabel, QLineEdit,
                               QPushButton)

from engine.diagnosis.step import diagnose_project
from engine.diagnosis.error_analysis import cell_examples
from engine.diagnosis.error_tags import tag_table
from engine.project.project import open_project
from engine.words.formatting import fmt_count, fmt_share
from engine.core.texts import text
from engine.training.job import TrainingSpec, run_training
from gui.pages.diagnose.confusion_view import ConfusionView
from gui.pages.diagnose.page import DiagnosePage
from gui.pages.diagnose.error_analysis_panel import ErrorAnalysisPanel
from gui.pages.diagnose.error_examples_table import ExamplesTable
from gui.result_table import ResultTable
from gui.session import ProjectSession
from tests.gui.page_helpers import click, job_done, shot, tab_walk


def _page(qtbot, session, height=1900):
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.resize(1000, height)
    page.show()
    qtbot.waitExposed(page)
    panel = page.findChild(ErrorAnalysisPanel)
    page.tabs.setCurrentWidget(panel)
    return page, panel


def _collect(qtbot, session, panel):
    button = panel.findChild(QPushButton, "collectMistakesButton")
    with job_done(qtbot, session.runner, "error_analysis"):
        click(qtbot, button)
    qtbot.waitUntil(lambda: not session.runner.busy)


def _type_tags(qtbot, text_to_type: str):
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.objectName() == "tagsEditor"
    qtbot.keyClicks(editor, text_to_type)
    popup = editor.completer().popup()
    assert not popup.isVisible()  # the last tag typed matches no suggestion
    return editor


def test_collect_tag_by_typing_save_and_open_a_cell(qtbot, engine_runner, split_project):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page, panel = _page(qtbot, session)
    button = panel.findChild(QPushButton, "collectMistakesButton")
    reason = panel.findChild(QLabel, "collectReason")
    assert not button.isEnabled() and reason.isVisible()
    assert reason.text() == text("gui.error_analysis.no_choice")

    run = run_training(TrainingSpec(str(split_project.root), "linear"))
    diagnose_project(open_project(split_project.root), run.run_id)
    session.reload()
    assert button.isEnabled() and not reason.isVisible()
    _collect(qtbot, session, panel)
    analysis = session.project.error_analysis
    assert analysis.run == run.run_id and analysis.mistakes >= 2
    table = panel.findChild(ExamplesTable, "examplesTable")
    assert table.rowCount() == len(analysis.examples)
    assert [table.row_number(r) for r in range(table.rowCount())] == \
        [e.row for e in analysis.examples]
    assert table.item(0, 2).text() == analysis.examples[0].true
    assert table.item(0, 4).text() == fmt_share(analysis.examples[0].confidence)

    # Enter starts typing the tags; Tab keeps them and moves to the next example.
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key_Return)
    _type_tags(qtbot, "Mislabeled, odd font")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    assert table.currentRow() == 1
    editor = _type_tags(qtbot, "ambiguous, glare spot")
    qtbot.keyClick(editor, Qt.Key_Return)  # Qt commits on Enter at the next event turn
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState)
    first, second = table.row_number(0), table.row_number(1)
    project = session.project
    assert project.error_tags == {str(first): ["mislabeled", "odd font"],
                                  str(second): ["ambiguous", "glare spot"]}
    assert session.dirty
    assert table.tags_text(0) == "mislabeled, odd font"  # shown as the engine stored it

    expected = tag_table(project)
    tags = panel.findChild(ResultTable, "tagTable")
    assert tags.isVisible() and tags.rowCount() == len(expected.rows) == 4
    for r, row in enumerate(expected.rows):
        assert tags.cell_text(r, 0) == row.tag
        assert tags.cell_text(r, 1) == fmt_count(row.count)
        assert tags.cell_text(r, 2) == fmt_share(row.share) == "50%"

    # A quick button takes a suggested tag away again (Ctrl+1 = the first suggestion).
    table.setCurrentCell(0, 0)
    click(qtbot, panel.findChild(QPushButton, "quickTag1"))
    assert session.project.error_tags[str(first)] == ["odd font"]
    assert table.tags_text(0) == "odd font"

    # Every control is reached with Tab, in the order it is on screen.
    seen = tab_walk(qtbot, page, button, steps=40)
    wanted = ["collectMistakesButton", "confusionView", "tagTable", "quickTag1", "quickTag5",
              "showConfidentButton", "examplesTable", "confidentTable", "suspectsTable"]
    assert [n for n in seen if n in wanted] == wanted, seen

    assert session.save()
    saved = open_project(split_project.root).error_tags
    assert saved == {str(first): ["odd font"], str(second): ["ambiguous", "glare spot"]}

    page.resize(1000, page.widget().sizeHint().height() + 20)
    shot(qtbot, page, "diagnose_error_analysis")

    # A confusion cell lists its examples; "show all" brings the sample back.
    confusion = panel.findChild(ConfusionView, "confusionView")
    cells = analysis.confusion.cells
    i, j = next((int(k[0]), int(k[-1])) for k in cells if k[0] != k[-1])
    item = confusion.item(i, j)
    assert item.text() == fmt_count(analysis.confusion.matrix[i][j])
    qtbot.mouseClick(confusion.viewport(), Qt.LeftButton,
                     pos=confusion.visualItemRect(item).center())
    wanted = [c.row for c in cell_examples(analysis, i, j)]
    assert wanted and [table.row_number(r) for r in range(table.rowCount())] == wanted
    show_all = panel.findChild(QPushButton, "showAllButton")
    click(qtbot, show_all)
    assert table.rowCount() == len(analysis.examples)
    # The keyboard opens a cell too: move to it and press Enter.
    confusion.setFocus()
    confusion.setCurrentCell(i, j)
    qtbot.keyClick(confusion, Qt.Key_Return)
    assert table.rowCount() == len(wanted)
    assert show_all.isEnabled()


def test_digits_sample_shows_thumbnails(qtbot, engine_runner, tmp_path):
    from engine.goal.step import GoalChoice, new_project
    from engine.data.samples import SAMPLES
    from engine.split.step import split_project

    folder = SAMPLES["digits"].path  # the bundled folder
    project = new_project(tmp_path / "digits", GoalChoice(data=str(folder), target=None))
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), "linear"))
    diagnose_project(open_project(project.root), run.run_id)
    session = ProjectSession(engine_runner)
    assert session.open(project.root)
    page, panel = _page(qtbot, session, height=1600)
    _collect(qtbot, session, panel)
    table = panel.findChild(ExamplesTable, "examplesTable")
    analysis = session.project.error_analysis
    assert table.rowCount() == len(analysis.examples) > 0
    assert not table.item(0, 0).data(Qt.DecorationRole).isNull()  # a thumbnail
    assert table.rowHeight(0) >= 64
    page.resize(1000, page.widget().sizeHint().height() + 20)
    shot(qtbot, page, "diagnose_error_analysis_digits")


def test_several_labellers_the_model_s_mixups_beside_the_people_s(qtbot, engine_runner,
                                                                   tmp_path):
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project
    from tests.engine.goal.labelled_data import PEOPLE, planted

    frame, _ = planted(rows=500)
    data = tmp_path / "animals.csv"
    frame.to_csv(data, index=False)
    project = new_project(tmp_path / "animals", GoalChoice(data=str(data), target=None,
                                                           label_columns=PEOPLE))
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), "linear"))
    diagnose_project(open_project(project.root), run.run_id)
    session = ProjectSession(engine_runner)
    assert session.open(project.root)
    page, panel = _page(qtbot, session, height=1400)
    _collect(qtbot, session, panel)
    sentence = panel.findChild(QLabel, "peopleComparison")
    assert sentence.isVisible() and "people" in sentence.text()
    assert "%" in sentence.text() or "human level" in sentence.text()
    shot(qtbot, page, "diagnose_error_analysis_labellers")
