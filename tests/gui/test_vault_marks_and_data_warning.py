"""The GUI marks runs made after the test set was seen, in every list of runs, and warns when
the open project's data changed underneath it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from engine.project.parts.final_test import FinalTestRecord
from engine.project.project import open_project
from engine.core.texts import text
from engine.training.job import TrainingSpec, run_training
from engine.project.vault import open_vault
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot

MARK = text("gui.vault_mark.after")


@pytest.fixture
def opened(split_project):
    """A project with one run made before the vault was opened and one after."""
    early = run_training(TrainingSpec(str(split_project.root), "majority", {}))
    project = open_project(split_project.root)
    open_vault(project, reason="a test")
    project.save()
    late = run_training(TrainingSpec(str(split_project.root), "linear", {}))
    project = open_project(split_project.root)
    project.chosen_run = late.run_id
    project.save()
    assert project.run(late.run_id).after_vault and not project.run(early.run_id).after_vault
    return project, early.run_id, late.run_id


def test_runs_made_after_the_test_set_are_marked(qtbot, engine_runner, opened):
    from gui.pages.diagnose.page import DiagnosePage
    from gui.pages.final.comparisons import ComparisonsBox
    from gui.pages.final.options import FinalOptions
    from gui.pages.tune.trials_table import FIXED, TrialsTable
    from engine.tuning import TuningSummary

    project, early, late = opened
    session = ProjectSession(engine_runner)
    assert session.open(project.root)
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.refresh()
    combo = page.findChild(QComboBox, "runCombo")
    items = {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
    assert MARK in items[late] and MARK not in items[early]
    tip = combo.itemData(combo.findData(late), Qt.ToolTipRole)
    assert text("gui.vault_mark.tip") in tip

    options = FinalOptions(session)
    qtbot.addWidget(options)
    options.refresh()
    cells = [options.finalists.cell_text(r, 0) for r in range(options.finalists.rowCount())]
    assert [MARK in c for c in cells] == [True, False]  # the chosen (late) run, the baseline

    table = TrialsTable()
    qtbot.addWidget(table)
    trials = [{"number": n, "trial": n + 1, "state": "complete", "value": 0.3,
               "run_id": run, "params": {}} for n, run in enumerate((early, late))]
    table.show_summary(TuningSummary.from_dict({"metric": "accuracy", "trials": trials}),
                       frozenset(r.id for r in session.project.runs if r.after_vault))
    state = FIXED.index("state")
    assert MARK not in table.cell_text(0, state) and MARK in table.cell_text(1, state)

    box = ComparisonsBox()
    qtbot.addWidget(box)
    final = FinalTestRecord.from_dict({"metric": "accuracy", "comparisons": [], "finalists": [
        {"label": "Linear", "role": "chosen", "run": late, "dev_error": 0.2,
         "test_error": 0.25, "seeds": 1},
        {"label": "Majority", "role": "baseline", "run": early, "dev_error": 0.5,
         "test_error": 0.5, "seeds": 1}]})
    box.show_final(final, frozenset({late}))
    assert MARK in box.finalists.cell_text(0, 0) and MARK not in box.finalists.cell_text(1, 0)
    page.resize(980, 700)
    page.show()
    save_screenshot(page, "vault-marked-runs")


def test_a_changed_data_file_is_shown_when_the_project_opens(qtbot, engine_runner,
                                                            split_project, mixed_csv):
    from gui.main_window import MainWindow

    window = MainWindow(runner=engine_runner, build_pages=False)
    qtbot.addWidget(window)
    window.show()
    banner = window.findChild(QLabel, "dataWarning")
    assert window.session.open(split_project.root)
    assert not banner.isVisible()
    original = mixed_csv.read_bytes()
    mixed_csv.write_bytes(original + b"1,2,Lyon,yes\n")
    assert window.session.open(split_project.root)
    assert banner.isVisible() and str(mixed_csv) in banner.text()
    assert "changed since the project was made" in banner.text()
    save_screenshot(window, "data-changed-warning")
    mixed_csv.write_bytes(original)  # put back: the warning goes when the project is read
    window.session.reload()
    assert not banner.isVisible()
