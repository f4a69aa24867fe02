"""Final page: check the members of an ensemble, make it a model of its own (the real
``ensemble_run`` job), then use it (the ``diagnose`` job makes it the chosen model)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton

from engine.baseline.step import run_baselines
from engine.diagnosis.step import diagnose_project
from engine.project.project import open_project
from gui.pages.final.page import FinalTestPage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


def test_an_ensemble_of_the_checked_runs_becomes_a_model_and_can_be_used(
        qtbot, engine_runner, split_project):
    run_baselines(split_project, deep_params={"epochs": 2, "width": 8}, sanity=False)
    linear = next(r for r in split_project.runs if r.model == "linear")
    diagnose_project(split_project, linear.id)
    split_project.save()
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page = FinalTestPage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    page.refresh()
    maker = page.options.maker
    listing = maker.findChild(QListWidget, "ensembleMembersList")
    make = maker.findChild(QPushButton, "ensembleMakeButton")
    size = maker.findChild(QLabel, "ensembleSize")
    assert listing.count() == 4  # majority, linear, boosted trees, the network
    assert len(maker.checked_ids()) == 3 and "3 models checked" in size.text()
    assert not maker.findChild(QPushButton, "ensembleUseButton").isVisible()
    # The network, the boosted trees and the straight line: mixed kinds.
    wanted = {r.id for r in split_project.runs if r.model in ("mlp", "boosted", "linear")}
    for i in range(listing.count()):
        item = listing.item(i)
        item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in wanted else Qt.Unchecked)
    assert set(maker.checked_ids()) == wanted and make.isEnabled()
    for i in range(listing.count()):  # one checked: no ensemble
        if listing.item(i).data(Qt.UserRole) != linear.id:
            listing.item(i).setCheckState(Qt.Unchecked)
    assert not make.isEnabled()
    for i in range(listing.count()):
        item = listing.item(i)
        item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in wanted else Qt.Unchecked)

    with job_done(qtbot, engine_runner, "ensemble_run") as outcome:
        qtbot.mouseClick(make, Qt.LeftButton)
    made_id = outcome["result"]["run"]
    project = open_project(split_project.root)
    made = project.run(made_id)
    assert made.model == "ensemble" and set(made.params["members"]) == wanted
    use = maker.findChild(QPushButton, "ensembleUseButton")
    qtbot.waitUntil(lambda: use.isVisible(), timeout=10_000)
    said = maker.findChild(QLabel, "ensembleMade")
    assert made_id in said.text() and said.isVisible()
    page.ensureWidgetVisible(maker)
    save_screenshot(page.options, "final_ensemble_maker")
    with job_done(qtbot, engine_runner, "diagnose"):
        qtbot.mouseClick(use, Qt.LeftButton)
    qtbot.waitUntil(lambda: not use.isVisible(), timeout=10_000)
    assert open_project(split_project.root).chosen_run == made_id
    assert "chosen model" in said.text()
    assert made.label in page.findChild(QLabel, "chosenModel").text()
    qtbot.waitUntil(lambda: not engine_runner.busy, timeout=60_000)
    session.deleteLater()
    qtbot.wait(10)
