"""Final page option: train the chosen network again on the training and dev rows."""

from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QSpinBox

from engine.baseline.step import run_baselines
from engine.diagnosis.step import diagnose_project
from gui.pages.final.options import FinalOptions
from tests.gui.conftest import save_screenshot


def test_retrain_on_dev_is_offered_for_a_network_and_reaches_the_request(qtbot,
                                                                         split_project):
    run_baselines(split_project, deep_params={"epochs": 1, "width": 4}, sanity=False)
    session = SimpleNamespace(project=split_project, runner=SimpleNamespace(busy=True))
    mlp = next(r for r in split_project.runs if r.model == "mlp")
    linear = next(r for r in split_project.runs if r.model == "linear")
    diagnose_project(split_project, linear.id)
    options = FinalOptions(session)
    qtbot.addWidget(options)
    options.resize(900, 560)
    options.show()
    options.refresh()
    retrain = options.findChild(QCheckBox, "retrainOnDevCheck")
    seeds = options.findChild(QSpinBox, "seedsSpin")
    plan = options.findChild(QLabel, "finalPlan")
    assert not retrain.isEnabled()  # a logistic regression has no epochs to carry over
    assert options.request().retrain_on_dev is False
    diagnose_project(split_project, mlp.id)
    options.refresh()
    assert retrain.isEnabled() and not retrain.isChecked() and seeds.isEnabled()
    assert "dev score then no longer describes it" in retrain.toolTip()
    retrain.setFocus()
    qtbot.keyClick(retrain, Qt.Key_Space)
    assert retrain.isChecked() and not seeds.isEnabled()
    assert "again on the training and dev rows" in plan.text()
    request = options.request()
    assert request.retrain_on_dev is True and request.seeds == 1
    options.resize(900, options.sizeHint().height())
    save_screenshot(options, "final_retrain_option")
    qtbot.keyClick(retrain, Qt.Key_Space)
    assert seeds.isEnabled() and options.request().retrain_on_dev is False
