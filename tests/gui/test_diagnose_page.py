"""Step 4 page: reading the ladder shows the engine's verdict; the move trains and re-reads;
what the move only proposes is used only when the user ticks it."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton

from engine.baseline.requests import BaselinesRequest
from engine.goal.run_choice import best_run
from engine.goal.edit import set_target_error
from engine.diagnosis.next_move import recommended_move
from engine.diagnosis.ladder import diagnose
from engine.diagnosis.step import diagnose_project
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training
from engine.words.formatting import fmt_error
from engine.core.texts import text
from gui.pages.diagnose.page import DiagnosePage
from gui.result_table import ResultTable
from gui.session import ProjectSession
from engine.baseline import trees_sentence
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done

def _trained_page(qtbot, engine_runner, split_project):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    with job_done(qtbot, engine_runner, "baselines"):
        session.run(BaselinesRequest(deep_params={"epochs": 2, "width": 8}))
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    return session, page


def _choose(page, model: str) -> None:
    combo = page.findChild(QComboBox, "runCombo")
    run = next(r for r in page.project.runs if r.model == model)
    combo.setCurrentIndex(combo.findData(run.id))


def test_reading_the_ladder_shows_the_engines_verdict(qtbot, engine_runner, split_project):
    session, page = _trained_page(qtbot, engine_runner, split_project)
    combo = page.findChild(QComboBox, "runCombo")
    assert combo.count() == 4  # majority, linear, boosted trees, network
    assert combo.currentData() == best_run(session.project).id  # the default choice
    verdict = page.findChild(QLabel, "verdictLabel")
    assert not verdict.isVisible()  # nothing read yet

    # Diagnose the majority-class run: it learned nothing, so it underfits (bias).
    _choose(page, "majority")
    with job_done(qtbot, engine_runner, "diagnose"):
        qtbot.mouseClick(page.findChild(QPushButton, "diagnoseButton"), Qt.LeftButton)
    diagnosis = session.project.diagnosis
    assert session.project.run(diagnosis.run).model == "majority"
    assert diagnosis.verdict == "bias"
    assert verdict.isVisible() and verdict.text() == diagnosis.verdict_label
    assert page.findChild(QLabel, "explanationText").text() == diagnosis.explanation
    advice = page.findChild(QLabel, "adviceList").text()
    assert all(a in advice for a in diagnosis.advice)
    # The advice says so when the network does not beat the boosted trees on dev.
    said = trees_sentence(session.project)
    assert said is None or said in advice
    ladder = page.findChild(ResultTable, "ladderTable")
    assert ladder.rowCount() == len(diagnosis.ladder)
    metric = session.project.goal.metric
    for row, rung in enumerate(diagnosis.ladder):
        assert ladder.cell_text(row, 0) == rung.label
        assert ladder.cell_text(row, 1) == fmt_error(rung.error, metric)
    assert ladder.item(1, 0).font().bold()  # the training rung: the bias gap ends there
    move = recommended_move(session.project)
    button = page.findChild(QPushButton, "moveButton")
    assert button.isVisible() and button.text() == move.label
    assert not page.findChild(QLabel, "noMoveText").isVisible()

    # The move trains a bigger network, then the ladder is read again on its own.
    runs_before = len(session.project.runs)
    with job_done(qtbot, engine_runner, "diagnose"):  # started by the page itself
        with job_done(qtbot, engine_runner, "train") as trained:
            qtbot.mouseClick(button, Qt.LeftButton)
        assert trained["result"]["status"] == "finished"
    project = session.project
    assert len(project.runs) == runs_before + 1
    new = project.run(trained["result"]["run_id"])
    assert (new.params["width"], new.params["depth"]) == (move.params["width"],
                                                          move.params["depth"])
    assert project.diagnosis.run == best_run(project).id  # re-read for the best run
    assert [d.kind for d in project.decisions].count("diagnosed") == 2
    assert verdict.text() == project.diagnosis.verdict_label
    assert new.label in page.findChild(QLabel, "moveOutcome").text()
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "diagnose_done")


def test_no_move_button_when_nothing_is_left_to_fix(qtbot, engine_runner, split_project):
    session, page = _trained_page(qtbot, engine_runner, split_project)
    # With a target error of 100% no gap of the majority run matters: verdict "none".
    assert session.edit(lambda p: set_target_error(p, 1.0))
    _choose(page, "majority")
    with job_done(qtbot, engine_runner, "diagnose"):
        qtbot.mouseClick(page.findChild(QPushButton, "diagnoseButton"), Qt.LeftButton)
    assert session.project.diagnosis.verdict == "none"
    assert recommended_move(session.project) is None
    assert not page.findChild(QPushButton, "moveButton").isVisible()
    no_move = page.findChild(QLabel, "noMoveText")
    assert no_move.isVisible() and no_move.text() == text("gui.diagnose.no_move.none")

    # Changing how runs are judged makes the reading out of date, and the page says so.
    assert session.edit(lambda p: set_target_error(p, None))
    assert page.findChild(QLabel, "diagnosisStale").isVisible()
    assert no_move.text() == text("gui.diagnose.no_move.stale")


def test_the_variance_move_proposes_augmentation_and_uses_it_only_when_ticked(
        qtbot, engine_runner, split_project, monkeypatch):
    run = run_training(TrainingSpec(str(split_project.root), "linear")).run_id
    project = open_project(split_project.root)
    diagnose_project(project, run)
    # The ladder of an overfitting model, read as for that run (so it is not out of date).
    overfits = diagnose(train=0.01, train_dev=0.2, dev=0.21, target=0.0)
    assert overfits.verdict == "variance"
    project.diagnosis = overfits.record(run, project.diagnosis.judged_by)
    project.save()
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    asked = []
    monkeypatch.setattr(ProjectSession, "run",
                        lambda self, request, then=None: asked.append(request))
    move = recommended_move(session.project)
    assert move.params["augment"] == 0.0 and move.extra == {"augment": 0.5}
    button = page.findChild(QPushButton, "moveButton")
    proposal = page.findChild(QLabel, "moveProposal")
    extra = page.findChild(QCheckBox, "moveExtraCheck")
    assert button.isVisible() and button.text() == move.label
    assert proposal.isVisible() and proposal.text() == move.proposal
    assert extra.isVisible() and not extra.isChecked()  # proposed, not switched on
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "diagnose_variance_move")
    qtbot.mouseClick(button, Qt.LeftButton)
    assert asked[-1].params == move.params and asked[-1].params["augment"] == 0.0
    qtbot.mouseClick(extra, Qt.LeftButton, pos=QPoint(8, extra.height() // 2))  # one click
    assert extra.isChecked()
    qtbot.mouseClick(button, Qt.LeftButton)
    assert asked[-1].params == {**move.params, "augment": 0.5}
    assert not extra.isChecked()  # for that run only: the next move asks again
