"""The Baseline page's "Compare by k-fold" box: the button runs the real ``kfold`` job with
the folds and epochs shown, and the box shows the engine's table and sentences."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSpinBox

from engine.diagnosis.kfold import kfold_rows, kfold_sentences, load_kfold
from engine.project.project import open_project
from gui.pages.baseline.page import BaselinePage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


def test_comparing_by_kfold_shows_the_engines_table(qtbot, engine_runner, split_project):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page = BaselinePage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    box = page.kfold
    table = box.table
    assert not table.isVisible()  # nothing compared yet
    button = box.findChild(QPushButton, "kfoldButton")
    assert button.isEnabled()
    box.findChild(QSpinBox, "kfoldFolds").setValue(3)
    box.findChild(QSpinBox, "kfoldEpochs").setValue(2)
    with job_done(qtbot, engine_runner, "kfold"):
        qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: table.isVisible(), timeout=10_000)
    result = load_kfold(open_project(split_project.root))
    assert result is not None and result.folds == 3 and result.epochs == 2
    assert page.settings.kind() == "mlp"  # the network kind chosen in the settings
    assert [m.model for m in result.models] == ["majority", "linear", "boosted", "mlp"]
    shown = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert shown == kfold_rows(result)
    assert [row[0] for row in shown][-1] == "Keras MLP, 2 x 64"  # labels, not kind keys
    assert not {row[0] for row in shown} & {"majority", "linear", "boosted", "mlp"}
    sentences = box.findChild(QLabel, "kfoldSentences").text()
    assert all(html.escape(line) in sentences or line in sentences
               for line in kfold_sentences(result))
    page.ensureWidgetVisible(box)
    save_screenshot(box, "baseline_kfold")
    qtbot.waitUntil(lambda: not engine_runner.busy, timeout=60_000)
    session.deleteLater()
    qtbot.wait(10)
