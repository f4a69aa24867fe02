"""The Baseline page of a text project offers pretrained word vectors (WordLlama) with their
licence line; the choice reaches the baselines job; without the package the choice is greyed
out and one sentence says how to install it; other projects do not see the box."""

import pandas as pd
import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QWidget

from engine.core.jobs import job_name
from engine.goal.step import GoalChoice, new_project
from engine.models.pretrained import word_vectors
from engine.split.step import split_project as split
from gui.pages.baseline.page import BaselinePage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import child, click
from tests.engine.models.test_word_vectors import SAMPLE

pytestmark = pytest.mark.skipif(not word_vectors.word_vectors_status().ready,
                                reason="the wordllama package is not installed")


@pytest.fixture
def text_project(tmp_path):
    data = tmp_path / "messages.csv"
    pd.read_csv(SAMPLE).head(120).to_csv(data, index=False)
    project = new_project(tmp_path / "proj", GoalChoice(
        data=str(data), target="topic", data_kind="text", text_column="message"))
    split(project, seed=0)
    return project


@pytest.fixture
def page_for(qtbot, engine_runner, monkeypatch):
    seen = []
    monkeypatch.setattr(ProjectSession, "run",
                        lambda self, request, then=None: seen.append(request))
    sessions = []

    def make(project):
        session = ProjectSession(engine_runner)
        assert session.open(project.root)
        sessions.append(session)
        page = BaselinePage(session)
        qtbot.addWidget(page)
        page.resize(980, 1400)
        page.show()
        return page, seen

    yield make
    for session in sessions:
        session.deleteLater()


def test_text_projects_can_start_from_word_vectors(qtbot, page_for, text_project):
    page, seen = page_for(text_project)
    box = child(page, QWidget, "wordVectorsBox")
    use = child(page, QCheckBox, "wordVectorsCheck")
    tune = child(page, QCheckBox, "tuneWordVectorsCheck")
    status = child(page, QLabel, "wordVectorsStatus")
    assert box.isVisible() and use.isEnabled() and not tune.isEnabled()
    assert "WordLlama" in use.text() and "MIT licence" in use.text()
    assert status.text() == word_vectors.word_vectors_status().message
    assert "MIT licence" in status.text()
    assert "word_vectors" not in page.deep_params()  # off until asked for
    use.setChecked(True)
    assert tune.isEnabled()
    save_screenshot(box, "baseline_word_vectors")
    click(qtbot, child(page, QPushButton, "trainBaselinesButton"))
    request = seen[-1]
    assert job_name(request) == "baselines"
    assert request.deep_kind == "text_pool"
    assert request.deep_params["word_vectors"] == "wordllama"
    assert request.deep_params["tune_word_vectors"] is False
    tune.setChecked(True)
    assert page.deep_params()["tune_word_vectors"] is True


def test_without_the_package_the_choice_is_greyed_out(qtbot, page_for, text_project,
                                                      monkeypatch):
    monkeypatch.setattr(word_vectors, "package_folder", lambda: None)
    page, _ = page_for(text_project)
    use = child(page, QCheckBox, "wordVectorsCheck")
    status = child(page, QLabel, "wordVectorsStatus")
    assert not use.isEnabled() and not child(page, QCheckBox, "tuneWordVectorsCheck").isEnabled()
    assert "pip install 'practica[wordvectors]'" in status.text()
    assert status.property("role") == "warning"
    save_screenshot(child(page, QWidget, "wordVectorsBox"), "baseline_word_vectors_missing")
    use.setChecked(True)  # even if forced, nothing reaches the job
    assert "word_vectors" not in page.deep_params()


def test_table_projects_do_not_see_the_box(page_for, split_project):
    page, _ = page_for(split_project)
    assert not child(page, QWidget, "wordVectorsBox").isVisible()
    assert "word_vectors" not in page.deep_params()
