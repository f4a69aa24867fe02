"""Step 6 page, the checks before the vault (real engine): a diagnosis made before the limits
changed is offered to be redone and the vault stays closed; a hand-picked model that breaks
a limit is tested only through "Test anyway" with a reason and a ticked box; a second look
only through "New experiment"."""

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton, QSpinBox

from engine.baseline.requests import BaselinesRequest
from engine.core.texts import text
from engine.diagnosis.requests import DiagnoseRequest
from engine.project.parts.goal import GoalConstraint
from gui.pages.final.gate_dialog import ReasonDialog
from gui.pages.final.page import FinalTestPage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


class Dialogs:
    """Stands in for ``ReasonDialog.exec``: answers each dialog in turn as a person would
    (types the reason, ticks the box, clicks "Go ahead"), or cancels for ``None``."""

    def __init__(self, qtbot, *answers):
        self.qtbot, self.answers, self.seen = qtbot, list(answers), []

    def __call__(self, dialog: ReasonDialog):
        self.seen.append((dialog.windowTitle(), dialog.findChild(QLabel, "gateFound").text()))
        answer = self.answers.pop(0)
        if answer is None:
            return QDialog.Rejected
        go = dialog.findChild(QPushButton, "gateGo")
        assert not go.isEnabled()
        self.qtbot.keyClicks(dialog.findChild(QLineEdit, "gateReason"), answer)
        assert not go.isEnabled()  # a reason alone is not enough: the box must be ticked
        dialog.findChild(QCheckBox, "gateConfirm").setChecked(True)
        assert go.isEnabled()
        dialog.resize(620, dialog.sizeHint().height())
        save_screenshot(dialog, f"final_gate_dialog_{len(self.seen)}")
        go.click()
        return dialog.result()


def _shot(page, name):
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, name)


def test_the_checks_stop_a_stale_or_limit_breaking_choice(qtbot, engine_runner,
                                                          split_project, monkeypatch):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    with job_done(qtbot, engine_runner, "baselines"):
        session.run(BaselinesRequest(deep_params={"epochs": 2, "width": 8}))
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest(run=next(r.id for r in session.project.runs
                                             if r.model == "linear")))
    page = FinalTestPage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    button = page.findChild(QPushButton, "openVaultButton")
    redo = page.findChild(QPushButton, "redoDiagnosisButton")
    new = page.findChild(QPushButton, "newExperimentButton")
    found = page.findChild(QLabel, "vaultChecks")
    assert button.isEnabled() and not found.isVisible() and not redo.isVisible()
    page.findChild(QSpinBox, "seedsSpin").setValue(1)
    linear = session.project.run(session.project.chosen_run)
    fewer = min(r.measured["params"] for r in session.project.runs)
    assert fewer < linear.measured["params"]

    # The limits change after the diagnosis: the page says so and offers to redo it.
    limit = (GoalConstraint("params", "<", linear.measured["params"]),)
    assert session.edit(lambda p: setattr(p, "goal", replace(p.goal, constraints=limit)))
    assert session.save()
    assert found.isVisible() and text("gate.judging_changed") in found.text()
    assert not button.isEnabled() and redo.isVisible() and redo.isEnabled()
    _shot(page, "final_gate_stale")
    qtbot.mouseClick(button, Qt.LeftButton)  # disabled: nothing happens
    assert not engine_runner.busy

    # Redone: the logistic regression breaks the new limit, so the best model that meets it
    # is chosen.
    with job_done(qtbot, engine_runner, "diagnose"):
        qtbot.mouseClick(redo, Qt.LeftButton)
    assert session.project.chosen_run != linear.id and not redo.isVisible()
    assert not found.isVisible() and button.isEnabled()

    # Picked again by hand (as the Diagnose list allows): "Test anyway" asks for a reason.
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest(run=linear.id))
    assert found.isVisible() and "breaks a limit" in found.text()
    assert button.isEnabled() and button.text() == text("gui.final.gate.anyway")
    _shot(page, "final_gate_breaks_limit")
    dialogs = Dialogs(qtbot, None)
    monkeypatch.setattr(ReasonDialog, "exec", lambda dialog: dialogs(dialog))
    qtbot.mouseClick(button, Qt.LeftButton)  # cancelled: the vault stays closed
    assert len(dialogs.seen) == 1 and "breaks a limit" in dialogs.seen[0][1]
    assert not engine_runner.busy
    session.reload()
    project = session.project
    assert not project.vault_open and project.final_test is None
    assert not project.vault.evaluations

    dialogs = Dialogs(qtbot, "a pilot for the data owner")
    monkeypatch.setattr(ReasonDialog, "exec", lambda dialog: dialogs(dialog))
    with job_done(qtbot, engine_runner, "final_test"):
        qtbot.mouseClick(button, Qt.LeftButton)
    project = session.project
    final = project.final_test
    assert project.vault_open and final.run == linear.id
    assert final.checks.override_reason == "a pilot for the data owner"
    logged = [d for d in project.decisions if d.kind == "vault_override"]
    assert len(logged) == 1 and logged[0].details["reason"] == "a pilot for the data owner"
    marks = page.findChild(QLabel, "finalChecks")
    assert marks.isVisible() and "a pilot for the data owner" in marks.text()
    assert not button.isVisible() and new.isVisible() and new.isEnabled()
    assert not found.isVisible()  # the new experiment's dialogs say what the checks find
    _shot(page, "final_gate_overridden")

    # A second look: a new experiment, then the override again (the limit still breaks).
    dialogs = Dialogs(qtbot, "the owner wants a rerun", "still a pilot")
    monkeypatch.setattr(ReasonDialog, "exec", lambda dialog: dialogs(dialog))
    with job_done(qtbot, engine_runner, "final_test"):
        qtbot.mouseClick(new, Qt.LeftButton)
    assert [title for title, _ in dialogs.seen] == [text("gui.final.gate.new_title"),
                                                    text("gui.final.gate.override_title")]
    project = session.project
    assert project.final_test.checks.look == 2 and len(project.final_test.earlier) == 1
    assert project.final_test.earlier[0].evaluated_at == final.evaluated_at
    assert [d.kind for d in project.decisions].count("new_experiment") == 1
    assert "look number 2" in marks.text()
    _shot(page, "final_gate_new_experiment")
