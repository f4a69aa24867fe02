"""Step 3 page: the network's kind and settings become the job's arguments, the sanity
checks are shown with their proposed learning rate, an interrupted run can be continued, and
the four runs fill the table (majority, linear, boosted trees, network)."""

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox, QComboBox, QGroupBox,
                               QDoubleSpinBox, QFileDialog, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QToolButton)

from engine.baseline import trees_sentence
from engine.baseline.requests import BaselinesRequest, SanityRequest
from engine.core.jobs import job_name
from engine.core.texts import text
from engine.training.requests import ResumableRequest, TrainRequest
from engine.goal.run_choice import feasibility
from engine.goal.edit import set_constraints
from engine.models import zoo
from engine.words.formatting import fmt_error
from engine.baseline.sanity_result import CheckResult, LrRangeResult
from engine.project.parts.sanity import SanityRecord
from engine.models.train_params import TrainParams
from gui.live_monitor import LiveMonitor
from gui.pages.baseline.page import BaselinePage
from gui.pages.baseline.deep_settings import DeepSettings
from gui.result_table import ResultTable
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import child, choose, click, job_done, tab_walk


def _type(qtbot, spin: QAbstractSpinBox, value: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, value)
    spin.interpretText()


@pytest.fixture
def open_page(qtbot, engine_runner, split_project):
    """Opens the split project on a Baseline page. At the test's end the engine is idle and
    the sessions are gone, so no job of this test reaches a page of the next one."""
    sessions = []

    def make(height=900):
        session = ProjectSession(engine_runner)
        assert session.open(split_project.root)
        sessions.append(session)
        page = BaselinePage(session)
        qtbot.addWidget(page)
        page.resize(980, height)
        page.show()
        return session, page

    yield make
    qtbot.waitUntil(lambda: not engine_runner.busy, timeout=240_000)
    for session in sessions:
        session.deleteLater()
    qtbot.wait(10)


@pytest.fixture
def jobs(monkeypatch):
    """Jobs the page asks for, recorded instead of run (``resumable`` still runs)."""
    seen = []
    real = ProjectSession.run

    def spy(self, request, then=None):
        seen.append((job_name(request), request))
        return real(self, request, then) if isinstance(request, ResumableRequest) else None

    monkeypatch.setattr(ProjectSession, "run", spy)
    return seen


def idle_after_resume_check(qtbot, runner, jobs):
    """Wait until the page has asked which runs can be continued, and the engine answered."""
    qtbot.waitUntil(lambda: ("resumable", ResumableRequest()) in jobs and not runner.busy,
                    timeout=240_000)


def sanity_report(passed_overfit=True, rate=0.0031, keep_default=False):
    """A report as ``engine.baseline.sanity_step.run_sanity`` keeps it (``keep_default``:
    the range test found a clear descent but no better rate than the default)."""
    rates = np.geomspace(1e-6, 1.0, 60)
    losses = 0.7 - 0.4 / (1 + np.exp(-(np.log10(rates) + 3.5) * 3))
    losses[rates > 0.05] = 0.3 + (np.log10(rates[rates > 0.05]) + 1.3) * 2
    initial = CheckResult("initial_loss", True, "ok", "The loss before training, 0.694, is "
                          "where it should be (0.693 for two classes).", 0.694, 0.693)
    overfit = CheckResult("overfit", passed_overfit,
                          "passed" if passed_overfit else "no_progress",
                          "It learned 16 rows by heart in 80 steps." if passed_overfit else
                          "It could not learn 16 rows by heart: check the data and the "
                          "learning rate.", 0.01 if passed_overfit else 0.6, 0.05, 80)
    lr = LrRangeResult(rate is not None or keep_default,
                       "found" if rate else "keep_default" if keep_default else "no_decrease",
                       f"The loss fell fastest near {rate}." if rate else
                       "No better rate: keep 0.001." if keep_default else "No decrease.",
                       rate, None, 0.01, tuple(rates), tuple(losses), tuple(losses), 60,
                       candidate=rate or (0.002 if keep_default else None))
    passed = passed_overfit and (rate is not None or keep_default)
    return SanityRecord(passed, "All three checks passed." if passed else
                        "A check found a problem.", initial, overfit, lr, model="mlp")


def test_settings_start_at_the_recommended_values(qtbot, engine_runner, split_project, jobs,
                                                  open_page):
    _session, page = open_page()
    train, arch = TrainParams(), zoo.arch_params("mlp", {})
    kind = child(page, QComboBox, "modelKindCombo")
    assert [kind.itemData(i) for i in range(kind.count())] == list(zoo.kinds_for("table"))
    assert kind.currentData() == "mlp" and kind.currentText() == "Dense network (MLP)"
    for name, value in [("epochsSpin", train.epochs), ("widthSpin", arch.width),
                        ("depthSpin", arch.depth), ("learningRateSpin", train.learning_rate)]:
        spin = page.findChild(QAbstractSpinBox, name)
        assert spin.value() == value
        assert spin.focusPolicy() & Qt.TabFocus and spin.toolTip()
    mark = page.findChild(QLabel, "epochsRecommended")
    assert mark.property("role") == "recommended" and str(train.epochs) in mark.text()
    assert "Dense network" in child(page, QLabel, "kindRecommended").text()
    _type(qtbot, page.findChild(QSpinBox, "widthSpin"), "7")
    assert page.deep_params()["width"] == 7
    click(qtbot, child(page, QPushButton, "resetMlpButton"))
    expected = {"epochs": train.epochs, "width": arch.width, "depth": arch.depth,
                "learning_rate": train.learning_rate, "optimizer": "adam", "schedule": "none",
                "batch_size": train.batch_size, "patience": train.patience,
                "imbalance": "none", "augment": 0.0}
    assert page.request() == BaselinesRequest(deep_params=expected, deep_kind="mlp")
    assert page.findChild(ResultTable, "runsTable").isHidden()  # nothing trained yet
    train_button = child(page, QPushButton, "trainBaselinesButton")
    idle_after_resume_check(qtbot, engine_runner, jobs)
    qtbot.waitUntil(train_button.isEnabled, timeout=10_000)  # Tab skips disabled buttons
    # The keyboard reaches every setting in the order shown, and Alt + letter jumps.
    click(qtbot, child(page, QToolButton, "moreSettingsButton"))
    order = tab_walk(qtbot, page, kind, steps=30)
    keyboard = ["modelKindCombo", "epochsSpin", "widthSpin", "depthSpin", "learningRateSpin",
                "moreSettingsButton", "optimizerCombo", "scheduleCombo", "batchSizeSpin",
                "patienceSpin", "imbalanceCombo", "augmentSpin", "transferEdit",
                "transferBrowseButton", "resetMlpButton", "runSanityButton",
                "trainBaselinesButton"]
    assert [name for name in order if name in keyboard] == keyboard
    qtbot.keyClick(page, Qt.Key_R, Qt.AltModifier)
    assert QApplication.focusWidget() is child(page, QDoubleSpinBox, "learningRateSpin")
    qtbot.keyClick(page, Qt.Key_O, Qt.AltModifier)
    assert QApplication.focusWidget() is child(page, QComboBox, "optimizerCombo")
    click(qtbot, train_button)
    assert jobs[-1] == ("baselines", BaselinesRequest(deep_params=expected, deep_kind="mlp"))


def test_more_settings_reach_the_job(qtbot, engine_runner, split_project, jobs, monkeypatch,
                                     tmp_path, open_page):
    _session, page = open_page(1400)
    more = child(page, QToolButton, "moreSettingsButton")
    optimizer = child(page, QComboBox, "optimizerCombo")
    assert not optimizer.isVisible()
    click(qtbot, more)
    assert optimizer.isVisible() and optimizer.currentData() == "adam"
    assert "Adam" in child(page, QLabel, "optimizerRecommended").text()
    choose(optimizer, "sgd")
    choose(child(page, QComboBox, "scheduleCombo"), "plateau")
    _type(qtbot, child(page, QSpinBox, "batchSizeSpin"), "64")
    _type(qtbot, child(page, QSpinBox, "patienceSpin"), "4")
    imbalance = child(page, QComboBox, "imbalanceCombo")
    assert imbalance.isVisible()  # a classification project
    choose(imbalance, "class_weights")
    augment = child(page, QDoubleSpinBox, "augmentSpin")
    assert augment.value() == 0 and augment.text() == "off"
    augment.setValue(0.3)
    child(page, QDoubleSpinBox, "hardExamplesSpin").setValue(0.6)
    freeze = child(page, QSpinBox, "freezeSpin")
    assert not freeze.isVisible()  # no saved model chosen
    saved = tmp_path / "earlier.keras"
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(saved), "")))
    click(qtbot, child(page, QPushButton, "transferBrowseButton"))
    assert child(page, QLineEdit, "transferEdit").text() == str(saved)
    assert freeze.isVisible() and freeze.text() == "all"
    freeze.setValue(2)
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page.settings, "baseline_more_settings")
    idle_after_resume_check(qtbot, engine_runner, jobs)
    click(qtbot, child(page, QPushButton, "trainBaselinesButton"))
    job, request = jobs[-1]
    assert job == "baselines" and request.deep_kind == "mlp"
    params = request.deep_params
    assert {k: params[k] for k in ("optimizer", "schedule", "batch_size", "patience",
                                   "imbalance", "augment", "hard_examples", "transfer_from",
                                   "freeze_layers", "transfer_rates")} == {
        "optimizer": "sgd", "schedule": "plateau", "batch_size": 64, "patience": 4,
        "imbalance": "class_weights", "augment": pytest.approx(0.3), "hard_examples": 0.6,
        "transfer_from": str(saved), "freeze_layers": 2, "transfer_rates": False}
    TrainParams.from_dict(params)  # the engine takes them
    choose(child(page, QComboBox, "transferModeCombo"), "rates")
    assert not freeze.isVisible()
    assert page.deep_params()["transfer_rates"] is True
    click(qtbot, child(page, QPushButton, "transferClearButton"))
    assert "transfer_from" not in page.deep_params()


def test_the_families_and_fields_follow_the_data(qtbot):
    settings = DeepSettings()
    qtbot.addWidget(settings)
    settings.show()
    settings.more_button.setChecked(True)
    settings.set_project("text", "regression")
    kinds = [settings.kind_combo.itemData(i) for i in range(settings.kind_combo.count())]
    assert kinds == list(zoo.kinds_for("text")) and settings.kind() == "text_pool"
    assert settings.width_spin.value() == zoo.arch_params("text_pool", {}).width
    params = settings.params()
    assert "imbalance" not in params and "augment" not in params  # regression, text
    assert not settings.more.augment.isVisible() and not settings.more.imbalance.isVisible()
    settings.set_project("sequence", "multiclass")
    assert settings.kind() == "conv1d"
    choose(settings.kind_combo, "lstm")
    assert "memory" in settings.about.text()
    assert "imbalance" in settings.params() and "augment" in settings.params()
    settings.set_project("sequence", "multiclass")  # the same data: the choice stays
    assert settings.kind() == "lstm"


def test_hard_examples_warn_about_wrong_labels_once_turned_on(qtbot):
    settings = DeepSettings()
    qtbot.addWidget(settings)
    settings.resize(900, 760)
    settings.show()
    settings.more_button.setChecked(True)
    settings.set_project("table", "binary")
    hard = settings.findChild(QDoubleSpinBox, "hardExamplesSpin")
    note = settings.findChild(QLabel, "hardExamplesNote")
    assert hard.isVisible() and hard.value() == 0 and hard.text() == "off"
    assert not note.isVisible() and "hard_examples" not in settings.params()
    assert "wrong label" in hard.toolTip()
    _type(qtbot, hard, "0.5")  # typed, as a user would
    assert note.isVisible() and "wrong label" in note.text()
    assert "label check looks at the training rows first" in note.text()
    assert settings.params()["hard_examples"] == 0.5
    assert TrainParams.from_dict(settings.params()).hard_examples == 0.5
    settings.resize(900, settings.sizeHint().height())
    save_screenshot(settings, "baseline_hard_examples")
    settings.reset()
    assert hard.value() == 0 and not note.isVisible()
    assert "hard_examples" not in settings.params()


def test_pictures_ask_whether_mirrored_or_turned_ones_keep_their_answer(qtbot):
    settings = DeepSettings()
    qtbot.addWidget(settings)
    settings.resize(900, 700)
    settings.show()
    settings.more_button.setChecked(True)
    settings.set_project("table", "binary")
    flip = settings.findChild(QCheckBox, "flipKeepsLabelCheck")
    rotate = settings.findChild(QCheckBox, "rotateKeepsLabelCheck")
    assert not flip.isVisible() and not rotate.isVisible()  # tables cannot be mirrored
    assert "flip_keeps_label" not in settings.params()
    settings.set_project("images", "multiclass")  # as for the digits sample
    assert flip.isVisible() and rotate.isVisible()
    assert not flip.isChecked() and not rotate.isChecked()  # off until the user says so
    params = settings.params()
    assert params["flip_keeps_label"] is False and params["rotate_keeps_label"] is False
    assert "mirrored 2" in flip.toolTip() and "6 can look like a 9" in rotate.toolTip()
    assert "mirrored or turned as well only if you tick" in settings.more.augment.toolTip()
    settings.more.augment.setValue(0.5)
    qtbot.mouseClick(flip, Qt.LeftButton)  # a mirrored picture keeps its answer here
    params = settings.params()
    assert params["flip_keeps_label"] is True and params["rotate_keeps_label"] is False
    chosen = TrainParams.from_dict(params)  # the engine takes them as they are
    assert (chosen.augment, chosen.flip_keeps_label, chosen.rotate_keeps_label) == (
        0.5, True, False)
    save_screenshot(settings, "baseline_picture_augmentation")
    settings.reset()
    assert not flip.isChecked() and settings.params()["flip_keeps_label"] is False


def test_sanity_checks_are_shown_and_their_rate_can_be_used(
        qtbot, engine_runner, split_project, jobs, open_page):
    split_project.sanity = sanity_report()
    split_project.save()
    _session, page = open_page(1500)
    box = page.sanity
    assert child(page, QLabel, "sanityVerdict").text() == "All three checks passed."
    for check in ("initial_loss", "overfit", "lr_range"):
        mark = child(page, QLabel, f"{check}Mark")
        assert mark.text() == "\u2713" and mark.accessibleName() == "passed"
    assert "16 rows by heart" in child(page, QLabel, "overfitText").text()
    assert "0.0031" in child(page, QLabel, "proposedRate").text()
    x, y = box.curve.getOriginalDataset()
    assert len(x) == 60 and x[0] == pytest.approx(1e-6)
    assert box.proposal.value() == pytest.approx(math.log10(0.0031))
    assert not child(page, QLabel, "sanityStale").isVisible()
    spin = child(page, QDoubleSpinBox, "learningRateSpin")
    assert spin.value() == pytest.approx(1e-3)
    click(qtbot, child(page, QPushButton, "useRateButton"))
    assert spin.value() == pytest.approx(0.0031)
    assert page.deep_params()["learning_rate"] == pytest.approx(0.0031)
    save_screenshot(box, "baseline_sanity")
    click(qtbot, child(page, QPushButton, "runSanityButton"))
    assert jobs[-1] == ("sanity", SanityRequest(kind="mlp", params=page.deep_params()))

    # A failed check, and no proposal: marked, and the button cannot be used.
    split_project.sanity = sanity_report(passed_overfit=False, rate=None)
    split_project.save()
    page.session.reload()
    assert child(page, QLabel, "overfitMark").accessibleName() == "found a problem"
    assert child(page, QLabel, "sanityVerdictMark").text() == "\u2717"
    assert not child(page, QPushButton, "useRateButton").isEnabled()


def test_a_kept_default_rate_is_said_and_can_be_put_back(qtbot, engine_runner, split_project,
                                                          jobs, open_page):
    # The range test found a clear descent but no better rate than the default.
    split_project.sanity = sanity_report(rate=None, keep_default=True)
    split_project.save()
    _session, page = open_page(1500)
    assert child(page, QLabel, "lr_rangeMark").accessibleName() == "passed"
    assert child(page, QLabel, "proposedRate").text() == text("gui.sanity.keep_default",
                                                              rate="0.001")
    assert page.sanity.proposal.value() == pytest.approx(-3.0)
    spin = child(page, QDoubleSpinBox, "learningRateSpin")
    spin.setValue(0.05)
    click(qtbot, child(page, QPushButton, "useRateButton"))
    assert spin.value() == pytest.approx(1e-3)


def test_no_checks_yet_says_when_they_run(qtbot, engine_runner, split_project, jobs, open_page):
    _session, page = open_page()
    assert child(page, QLabel, "sanityIntro").isVisible()
    assert not child(page, QLabel, "proposedRate").isVisible()
    assert not child(page, QPushButton, "useRateButton").isVisible()


def test_an_interrupted_run_can_be_continued(qtbot, engine_runner, split_project, jobs,
                                             open_page):
    session, page = open_page()
    box = page.resume_box
    idle_after_resume_check(qtbot, engine_runner, jobs)
    qtbot.wait(100)  # the reload after the job does not ask again
    assert [job for job, _args in jobs].count("resumable") == 1
    assert not box.isVisible()  # nothing to continue in a fresh project
    page._resumable_found({"runs": ["20250101-mlp-1"]})
    assert box.isVisible() and "20250101-mlp-1" in child(page, QLabel, "resumeText").text()
    assert not child(page, QComboBox, "resumeCombo").isVisible()
    click(qtbot, child(page, QPushButton, "resumeButton"))
    assert jobs[-1] == ("train", TrainRequest(resume="20250101-mlp-1"))  # the session adds
    # the open project's folder
    page._resumable_found({"runs": ["a", "b"]})
    combo = child(page, QComboBox, "resumeCombo")
    assert combo.isVisible() and combo.currentText() == "b"


def test_training_the_baselines_fills_the_runs_table(qtbot, engine_runner, split_project,
                                                      open_page):
    session, page = open_page()
    assert page.findChild(LiveMonitor) is not None
    _type(qtbot, page.findChild(QSpinBox, "epochsSpin"), "2")
    _type(qtbot, page.findChild(QSpinBox, "widthSpin"), "8")
    button = page.findChild(QPushButton, "trainBaselinesButton")
    qtbot.waitUntil(lambda: page._resumable_key is not None and not engine_runner.busy,
                    timeout=240_000)  # the check for resumable runs has ended
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    with job_done(qtbot, engine_runner, "baselines"):
        qtbot.mouseClick(button, Qt.LeftButton)
        assert not button.isEnabled()  # one job at a time
    qtbot.waitUntil(lambda: button.isEnabled(), timeout=240_000)

    project = session.project
    # Runs made within the same second are listed by id, so compare without the order.
    assert sorted(r.model for r in project.runs) == ["boosted", "linear", "majority", "mlp"]
    mlp = next(r for r in project.runs if r.model == "mlp")
    assert mlp.params["epochs"] == 2 and mlp.params["width"] == 8  # the spin boxes' values
    assert project.sanity is not None and project.sanity.model == "mlp"
    assert page.sanity.verdict.isVisible()
    table = page.findChild(ResultTable, "runsTable")
    assert table.isVisible() and table.rowCount() == 4
    metric = project.goal.metric
    for row, run in enumerate(project.runs):
        assert table.cell_text(row, 0) == run.label
        assert table.cell_text(row, 2) == fmt_error(run.errors["train"], metric)
        assert table.cell_text(row, 3) == fmt_error(run.errors["train_dev"], metric)
        assert table.cell_text(row, 4) == fmt_error(run.errors["dev"], metric)
        assert table.cell_text(row, 9) == "no"  # made before the vault was opened
    assert {table.cell_text(row, 8) for row in range(4)} == {"no limits set"}
    # Under the table: whether the network beats the boosted trees on dev, as the engine says.
    note = page.findChild(QLabel, "treesNote")
    said = trees_sentence(project)
    trees, mlp = (next(r for r in project.runs if r.model == m) for m in ("boosted", "mlp"))
    assert (said is not None) == (mlp.errors["dev"] >= trees.errors["dev"])
    assert note.isVisible() == bool(said) and note.text() == (said or "")
    save_screenshot(page.findChild(QGroupBox, "runsBox"), "baseline_runs_trees")

    # A limit on the size: the table says which runs meet it, as the engine checks it.
    assert session.edit(lambda p: set_constraints(p, ["params <= 50"]))
    for row, run in enumerate(session.project.runs):
        ok = all(c.ok for c in feasibility(session.project, run))
        assert table.cell_text(row, 8) == ("yes" if ok else "no")
        assert "parameters" in table.item(row, 8).toolTip()
    column = {run.model: table.cell_text(row, 8) for row, run in enumerate(project.runs)}
    assert column == {"majority": "yes", "linear": "yes", "boosted": "no", "mlp": "no"}
    session.edit(lambda p: set_constraints(p, []))
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "baseline_done")


def test_a_setting_the_engine_refuses_is_caught_before_a_job(qtbot, engine_runner,
                                                             split_project, jobs, open_page):
    """The deep-model settings are checked with the engine's limits (``params_problem``, the
    same as ``TrainParams`` in the engine process) when the page builds the request."""
    _session, page = open_page()
    idle_after_resume_check(qtbot, engine_runner, jobs)
    button = child(page, QPushButton, "trainBaselinesButton")
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    spin = page.findChild(QAbstractSpinBox, "learningRateSpin")
    spin.setMinimum(-1.0)  # the field's own range keeps this out; the engine's check too
    spin.setValue(-0.1)
    words = text("training.bad_setting", name="learning rate", low="1e-10", high="1e+06",
                 value="-0.1")
    note = child(page, QLabel, "deepSettingsProblem")
    assert note.isVisible() and note.text() == words
    assert not button.isEnabled()
    before = len(jobs)
    page.train()
    page.run_sanity()
    assert len(jobs) == before  # no job asked for
    spin.setValue(0.01)
    assert not note.isVisible() and button.isEnabled()


def test_mixed_precision_is_greyed_out_with_the_engines_reason_on_the_processor(
        qtbot, engine_runner, open_page):
    qtbot.waitUntil(lambda: engine_runner.ready_info is not None, timeout=120_000)
    info = engine_runner.ready_info
    _session, page = open_page(1400)
    click(qtbot, child(page, QToolButton, "moreSettingsButton"))
    combo = child(page, QComboBox, "mixedPrecisionCombo")
    note = child(page, QLabel, "mixedPrecisionNote")
    assert combo.isVisible() and combo.currentData() == "auto"
    assert "tensor cores" in combo.toolTip()
    if info["device"] != "CPU":  # a GPU machine: offered where it pays
        assert combo.isEnabled() == (info["mixed_precision_refusal"] == "")
        return
    assert info["mixed_precision_refusal"] == text("device.mixed_cpu")
    assert not combo.isEnabled() and note.isVisible()
    assert note.text() == text("device.mixed_cpu") and "processor" in note.text()
    assert "mixed_precision" not in page.deep_params()
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page.settings, "baseline_mixed_precision_cpu")
    # Where the engine offers it (a GPU with tensor cores), it can be picked.
    page.settings.more.set_device({"mixed_precision_refusal": ""})
    assert combo.isEnabled() and not note.isVisible()
    choose(combo, "off")
    assert page.deep_params()["mixed_precision"] == "off"
    TrainParams.from_dict(page.deep_params())
