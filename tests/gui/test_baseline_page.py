"""Step 3 page: the network's settings reach the engine, the three runs fill the table."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QLabel, QPushButton, QSpinBox

from engine.diagnose_step import feasibility
from engine.goal_edit import set_constraints
from engine.models.mlp_params import MlpParams
from engine.report.formatting import fmt_error
from gui.live_monitor import LiveMonitor
from gui.pages.baseline_page import BaselinePage
from gui.result_table import ResultTable
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done

def _type(qtbot, spin: QAbstractSpinBox, value: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, value)
    spin.interpretText()


def _page(qtbot, engine_runner, split_project):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page = BaselinePage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    return session, page


def test_settings_start_at_the_recommended_values(qtbot, engine_runner, split_project):
    _session, page = _page(qtbot, engine_runner, split_project)
    defaults = MlpParams()
    for name, value in [("epochsSpin", defaults.epochs), ("widthSpin", defaults.width),
                        ("depthSpin", defaults.depth),
                        ("learningRateSpin", defaults.learning_rate)]:
        spin = page.findChild(QAbstractSpinBox, name)
        assert spin.value() == value
        assert spin.focusPolicy() & Qt.TabFocus
    mark = page.findChild(QLabel, "epochsRecommended")
    assert mark.property("role") == "recommended" and str(defaults.epochs) in mark.text()
    _type(qtbot, page.findChild(QSpinBox, "widthSpin"), "7")
    assert page.mlp_params()["width"] == 7
    qtbot.mouseClick(page.findChild(QPushButton, "resetMlpButton"), Qt.LeftButton)
    assert page.mlp_params() == {"epochs": defaults.epochs, "width": defaults.width,
                                 "depth": defaults.depth,
                                 "learning_rate": defaults.learning_rate}
    assert page.findChild(ResultTable, "runsTable").isHidden()  # nothing trained yet


def test_training_the_baselines_fills_the_runs_table(qtbot, engine_runner, split_project):
    session, page = _page(qtbot, engine_runner, split_project)
    assert page.findChild(LiveMonitor) is not None
    _type(qtbot, page.findChild(QSpinBox, "epochsSpin"), "2")
    _type(qtbot, page.findChild(QSpinBox, "widthSpin"), "8")
    button = page.findChild(QPushButton, "trainBaselinesButton")
    with job_done(qtbot, engine_runner, "baselines"):
        qtbot.mouseClick(button, Qt.LeftButton)
        assert not button.isEnabled()  # one job at a time
    assert button.isEnabled()

    project = session.project
    # Runs made within the same second are listed by id, so compare without the order.
    assert sorted(r.model for r in project.runs) == ["linear", "majority", "mlp"]
    mlp = next(r for r in project.runs if r.model == "mlp")
    assert mlp.params["epochs"] == 2 and mlp.params["width"] == 8  # the spin boxes' values
    table = page.findChild(ResultTable, "runsTable")
    assert table.isVisible() and table.rowCount() == 3
    metric = project.goal["metric"]
    for row, run in enumerate(project.runs):
        assert table.cell_text(row, 0) == run.label
        assert table.cell_text(row, 2) == fmt_error(run.errors["train"], metric)
        assert table.cell_text(row, 3) == fmt_error(run.errors["train_dev"], metric)
        assert table.cell_text(row, 4) == fmt_error(run.errors["dev"], metric)
        assert table.cell_text(row, 9) == "no"  # made before the vault was opened
    assert {table.cell_text(row, 8) for row in range(3)} == {"no limits set"}

    # A limit on the size: the table says which runs meet it, as the engine checks it.
    assert session.edit(lambda p: set_constraints(p, ["params <= 50"]))
    for row, run in enumerate(session.project.runs):
        ok = all(c.ok for c in feasibility(session.project, run))
        assert table.cell_text(row, 8) == ("yes" if ok else "no")
        assert "parameters" in table.item(row, 8).toolTip()
    column = {run.model: table.cell_text(row, 8) for row, run in enumerate(project.runs)}
    assert column == {"majority": "yes", "linear": "yes", "mlp": "no"}
    session.edit(lambda p: set_constraints(p, []))
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "baseline_done")
