"""The Tune page: edit the ranges, run a tiny search through the real engine process, watch
the table fill, zoom in for a second round, export the table, use a trial."""

import math

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from engine.training.requests import TrainRequest
from engine.tuning.requests import TuneRequest
from tests.gui.fake_jobs import FakeJobs
from engine.diagnosis.requests import DiagnoseRequest
from engine.core.jobs import TrialEnded
from engine.words.formatting import fmt_error
from engine.core.texts import text
from engine.tuning.space import SearchSpace, default_space
from engine.tuning.table import trials_frame
from engine.tuning.summary_types import Axis
from gui.pages.tune.space_editor import SpaceEditor
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import choose, click, job_done

SEARCHED = ("learning_rate", "dropout", "l2")


def _type(qtbot, edit, words: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, words)


def _set_spin(qtbot, spin, value: int) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, str(value))
    assert spin.value() == value


def _ranges(space: dict) -> dict:
    return {p["name"]: p for p in space["params"]}


def test_the_ranges_editor_reads_back_what_the_user_set(qtbot, split_project):
    space = default_space(split_project, "mlp")
    editor = SpaceEditor()
    qtbot.addWidget(editor)
    editor.load(space.to_dict(), space.to_dict(), {})
    editor.show()
    assert SearchSpace.from_dict(editor.space()) == space  # the recommended ranges, unchanged

    lr = editor.row("learning_rate")
    choose(lr.scale, False)
    _type(qtbot, lr.low, "0.002")
    _type(qtbot, lr.high, "0.3")
    width = editor.row("width")
    width.search.click()
    _type(qtbot, width.fixed, "24")
    optimizer = editor.row("optimizer")
    optimizer.search.click()
    _type(qtbot, optimizer.choices, "adam, SGD")
    read = _ranges(editor.space())
    assert read["learning_rate"] == {**read["learning_rate"], "low": 0.002, "high": 0.3,
                                     "log": False, "fixed": None}
    assert read["width"]["fixed"] == 24 and read["width"]["log"] is True
    assert read["optimizer"]["choices"] == ["adam", "sgd"] and read["optimizer"]["fixed"] is None
    assert read["l2"] == _ranges(space.to_dict())["l2"]  # untouched: exact, not rounded

    # Mistakes are explained in plain words next to the table, and block the search.
    _type(qtbot, lr.low, "fast")
    dropout = editor.row("dropout")
    choose(dropout.scale, True)  # dropout starts at 0: no log scale there
    _type(qtbot, optimizer.choices, "adam, lion")
    problems = editor.problems()
    label = text("gui.tune.param.learning_rate")
    assert text("gui.tune.editor.problem_number", name=label, value="fast") in problems
    assert text("gui.tune.editor.problem_log", name=text("gui.tune.param.dropout")) in problems
    assert any("'lion'" in p for p in problems)
    assert editor.space() is None and editor.problems_note.isVisible()
    save_screenshot(editor, "tune_ranges_problems")
    _type(qtbot, lr.low, "0.002")
    choose(dropout.scale, False)
    _type(qtbot, optimizer.choices, "adam")
    assert editor.space() is not None and not editor.problems_note.isVisible()

    # What the study searched before keeps its scale and its choices (Optuna's rule).
    editor.set_axes({"learning_rate": Axis.from_dict({"low": 1e-4, "high": 0.1, "log": True,
                                                      "choices": []}),
                     "batch_size": Axis.from_dict({"choices": [16, 32, 64, 128, 256]})})
    assert not lr.scale.isEnabled() and lr.scale.currentData() is True
    assert "log" in lr.scale.toolTip()
    assert not editor.row("batch_size").choices.isEnabled()

    # Tab walks a row left to right, then the next row.
    chain = editor.tab_chain()
    for first, second in zip(chain, chain[1:]):
        QWidget.setTabOrder(first, second)  # what the page does with the chain
    lr.search.setFocus()
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    # (the locked scale, the hidden choices box and the unused fixed value are skipped)
    assert order[:3] == ["low_learning_rate", "high_learning_rate", "search_batch_size"]
    assert chain[-2:] == [editor.reset_button, editor.zoom_button]


@pytest.fixture
def tune_window(qtbot, engine_runner, split_project):
    """The main window on a project with one diagnosed network (the Tune step is open)."""
    from gui.main_window import MainWindow

    window = MainWindow(runner=engine_runner)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    session = window.session
    assert session.open(split_project.root)
    page = window.pages["tune"]
    assert not page.locked.isHidden()  # nothing diagnosed yet: the page says why it waits
    assert text("gui.tune.locked") == page.locked.text()
    with job_done(qtbot, engine_runner, "train"):
        session.run(TrainRequest(model="mlp", params={"epochs": 1, "width": 8}))
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest(run=session.project.runs[-1].id))
    with job_done(qtbot, engine_runner, "tuning_overview"):
        window.show_step("tune")
    qtbot.waitUntil(lambda: bool(page.editor.rows), timeout=5000)
    yield window
    qtbot.waitUntil(lambda: not engine_runner.busy, timeout=60_000)  # the next test's turn
    window.close()


def _search(qtbot, window, trials: int) -> None:
    page = window.pages["tune"]
    with job_done(qtbot, window.runner, "tune"):
        click(qtbot, page.controls.start_button)
        assert page.controls.stop_button.isEnabled()
        assert not page.controls.start_button.isEnabled()
    qtbot.waitUntil(lambda: len(page.summary.trials if page.summary else ()) == trials,
                    timeout=10_000)


def test_a_search_from_the_page_fills_the_table_and_hands_on_a_trial(
        qtbot, tune_window, tmp_path, monkeypatch):
    window = tune_window
    page = window.pages["tune"]
    runner = window.runner
    assert not page.locked.isVisible() and not page.results.isVisible()
    assert page.empty.isVisible()
    save_screenshot(window, "tune_before_search")

    # Search the learning rate (linear here), dropout and L2 only; 2 trials of 1 epoch.
    editor = page.editor
    for name, row in editor.rows.items():
        if (name in SEARCHED) != row.search.isChecked():
            row.search.click()
    lr = editor.row("learning_rate")
    choose(lr.scale, False)
    _type(qtbot, lr.low, "0.001")
    _type(qtbot, lr.high, "0.05")
    _type(qtbot, editor.row("width").fixed, "24")
    controls = page.controls
    _set_spin(qtbot, controls.trials, 2)
    _set_spin(qtbot, controls.epochs, 1)
    events = []

    def watch(handle):
        handle.event.connect(events.append)

    runner.job_started.connect(watch)
    _search(qtbot, window, 2)
    runner.job_started.disconnect(watch)
    summary = page.summary
    assert [t.state for t in summary.trials] == ["complete", "complete"]
    ended = [e.number for e in events if isinstance(e, TrialEnded)]
    assert ended == [t.trial for t in summary.trials] == [1, 2]  # as users count
    assert page.live_refreshes and page.live_refreshes[0] >= 1  # filled while it ran
    space = _ranges(summary.settings.space)
    assert space["learning_rate"]["log"] is False
    assert (space["learning_rate"]["low"], space["learning_rate"]["high"]) == (0.001, 0.05)
    assert space["width"]["fixed"] == 24 and space["batch_size"]["fixed"] is not None
    assert summary.settings.epochs == 1 and summary.settings.round == 1
    for trial in summary.trials:
        assert set(trial.params) == set(SEARCHED)
        assert 0.001 <= trial.params["learning_rate"] <= 0.05

    table = page.results.table
    assert table.proxy.rowCount() == 2
    headers = table.headers()
    for name in SEARCHED:
        assert text(f"gui.tune.param.{name}") in headers
    best = summary.best.number
    assert table.selected_trial() == best  # the best feasible trial is preselected
    assert page.results.use_button.isEnabled()
    assert f"trial {summary.best.trial}," in page.status.text()  # counted from 1
    save_screenshot(window, "tune_after_search")

    # Keyboard: Tab goes from the ranges on to the search controls.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    editor.zoom_button.setFocus()
    qtbot.keyClick(editor.zoom_button, Qt.Key_Tab)
    assert QApplication.focusWidget() is controls.sampler

    # Coarse to fine: the proposal goes into the editor, the round becomes 2.
    click(qtbot, editor.zoom_button)
    proposal = _ranges(summary.proposal)
    got = _ranges(editor.space())
    assert got["learning_rate"]["low"] == pytest.approx(proposal["learning_rate"]["low"])
    assert got["learning_rate"]["high"] == pytest.approx(proposal["learning_rate"]["high"])
    assert controls.round.value() == summary.next_round == 2
    assert not lr.scale.isEnabled()  # the study searched it on a linear scale
    _search(qtbot, window, 4)
    summary = page.summary
    assert sorted({t.round for t in summary.trials}) == [1, 2]
    assert table.proxy.rowCount() == 4

    # The results views show both rounds (each drawn when its tab is opened).
    results = page.results
    results.setCurrentWidget(results.history)
    drawn = results.history.plotted()
    assert text("gui.tune.results.legend_round", round=1) in drawn
    assert text("gui.tune.results.legend_round", round=2) in drawn
    results.setCurrentWidget(results.parallel)
    assert set(results.parallel.lines) == {t.number for t in summary.trials}
    assert summary.importance  # 4 finished trials, 3 settings searched
    results.setCurrentWidget(results.importance)
    assert results.importance.shares == summary.importance
    assert not results.importance.none.isVisible()
    results.setCurrentWidget(results.score)
    results.score.choose("l2")
    assert results.score.is_log() and results.score.plot.getPlotItem().ctrl.logXCheck.isChecked()
    xs, ys = results.score.points()
    done = [t for t in summary.trials if t.state == "complete"]
    assert sorted(ys) == sorted(t.value for t in done)
    assert sorted(xs) == sorted(t.params["l2"] for t in done)
    for index in range(results.count()):
        results.setCurrentIndex(index)
        name = results.widget(index).objectName()
        save_screenshot(results, f"tune_view_{name}")
    results.setCurrentIndex(0)

    # Sorting by dev error; clicking a trial draws its curves.
    table.sortByColumn(3, Qt.AscendingOrder)
    shown = [table.cell_text(r, 3) for r in range(4)]
    values = sorted(t.value for t in done)
    assert shown[:len(values)] == [fmt_error(v, summary.metric) for v in values]
    other = next(t for t in done if t.number != summary.best.number)
    table.select_trial(other.number)
    curves = results.curves.drawn()
    assert curves["trial"] == ([p[0] for p in other.curve], [p[1] for p in other.curve])
    run = window.session.project.run(other.run_id)
    train = curves[text("gui.tune.results.curves_train")][1]
    assert train == [h["loss"] for h in run.history]

    # Export the table as CSV: the engine writes it, it parses, one row per trial.
    target = tmp_path / "trials.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "CSV files (*.csv)"))
    click(qtbot, results.export_button)
    frame = pd.read_csv(target)
    expected = trials_frame(summary)
    assert len(frame) == 4 and list(frame["trial"]) == list(expected["trial"])
    assert list(frame.columns) == list(expected.columns)
    assert all(math.isclose(a, b) for a, b in zip(frame["dev_error"], expected["dev_error"]))

    # Use this trial: it becomes the chosen model and the wizard moves to Diagnose.
    table.select_trial(other.number)
    assert other.feasible  # this goal sets no limits
    with job_done(qtbot, runner, "diagnose"):
        click(qtbot, results.use_button)
    assert window.session.project.chosen_run == other.run_id
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.pages["diagnose"],
                    timeout=5000)
    assert window.steps.currentRow() == 3


def test_the_live_monitor_keeps_a_trials_curves_when_a_trial_without_run_ends(qtbot):
    from engine.core.jobs import EpochEnded
    from gui.jobs import JobRunner
    from gui.live_monitor import LiveMonitor

    runner = JobRunner()
    monitor = LiveMonitor(runner)
    qtbot.addWidget(monitor)
    jobs = FakeJobs(runner)
    jobs.start(TuneRequest())
    jobs.emit(EpochEnded("run-a", 1, 2, {"loss": 0.7, "val_loss": 0.8}))
    jobs.emit(TrialEnded(1, "fail", None, ""))  # failed before its run began
    qtbot.waitUntil(lambda: len(monitor.series("loss")[0]) == 1, timeout=2000)
    assert "run-a" in monitor.title.text()
    jobs.emit(EpochEnded("run-b", 1, 2, {"loss": 0.5}))  # the next trial
    qtbot.waitUntil(lambda: list(monitor.series("loss")[1]) == [0.5], timeout=2000)


def test_a_learning_rate_the_engine_refuses_is_caught_on_the_page(qtbot, tune_window):
    """The engine's own limits (``setting_problem``) check the ranges as they are typed:
    the message shows next to the table, Start stays off and no job starts."""
    window = tune_window
    page = window.pages["tune"]
    lr = page.editor.row("learning_rate")
    choose(lr.scale, False)
    _type(qtbot, lr.low, "-0.01")
    words = text("training.bad_setting", name="learning rate", low="1e-10", high="1e+06",
                 value="-0.01")
    assert words in page.editor.problems() and page.editor.problems_note.isVisible()
    assert words in page.editor.problems_note.text()
    assert page.editor.space() is None
    assert not page.controls.start_button.isEnabled()
    page.start()  # even asked directly, nothing starts
    assert not window.runner.busy
    _type(qtbot, lr.low, "0.001")
    assert page.editor.space() is not None and page.controls.start_button.isEnabled()
