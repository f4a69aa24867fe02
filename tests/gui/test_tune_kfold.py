"""The Tune page with k-fold: the 'Score over' choice sends the folds to the real engine,
the table shows each trial's mean over the folds with its spread, the selected trial's
fold errors, and the sentence that the best score of a search is optimistic."""

from PySide6.QtWidgets import QLabel

from engine.core.texts import text
from engine.tuning import optimism_sentence
from engine.words.formatting import fmt_error
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import choose
from tests.gui.test_tune_page import _search, _set_spin, tune_window  # noqa: F401 (fixture)


def test_a_search_scored_over_folds_shows_means_spreads_and_the_optimism(qtbot, tune_window):
    window = tune_window
    page = window.pages["tune"]
    controls = page.controls
    editor = page.editor
    for name, row in editor.rows.items():  # only the learning rate searched: quick trials
        if (name == "learning_rate") != row.search.isChecked():
            row.search.click()
    _set_spin(qtbot, controls.trials, 2)
    _set_spin(qtbot, controls.epochs, 1)
    assert controls.kfold.currentData() == 0  # the dev rows unless asked
    choose(controls.kfold, 3)
    assert controls.request_for({}).kfold == 3
    assert text("gui.tune.controls.kfold_ready", n=3) in controls.state_note.text()
    _search(qtbot, window, 2)
    summary = page.summary
    assert summary.settings.kfold == 3
    best = summary.trial_row(summary.best_number)
    assert len(best.fold_errors) == 3 and best.fold_spread is not None
    table = page.results.table
    assert text("gui.tune.results.col_error_kfold", folds=3) in table.headers()
    row = next(r for r in range(table.proxy.rowCount())
               if table.cell_text(r, 0).startswith(str(best.trial)))
    assert table.cell_text(row, 3) == text(
        "gui.tune.results.error_spread", error=fmt_error(best.value, summary.metric),
        spread=fmt_error(best.fold_spread, summary.metric))
    results = page.results
    said = results.selection_note.text()
    assert text("gui.tune.results.selected_best_kfold", trial=best.trial,
                error=fmt_error(best.value, summary.metric)) in said
    assert all(fmt_error(e, summary.metric) in said for e in best.fold_errors)
    optimism = results.findChild(QLabel, "tuneOptimism")
    assert optimism.isVisible()
    assert optimism.text() == optimism_sentence(2, 3) and "nested" in optimism.text()
    save_screenshot(window, "tune_kfold")
