"""The Goal page with data beyond a plain table: a folder of images (dialog or drop), a
column of texts and sequences; the choice reaches the engine's jobs."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QListWidget, QPushButton

from engine.core.jobs import job_name
from tests.gui.page_helpers import (JOB_TIMEOUT, child, choose, click, make_page, pick_sample,
                                    session, set_folder, shot, wait_for_suggestion)
from tests.gui.test_goal_page import drag_and_drop

__all__ = ["session"]  # fixtures


@pytest.fixture
def pets(tmp_path):
    """Two classes of six small PNGs each, and one file that is no image."""
    root = tmp_path / "pets"
    for name, colour in (("cats", (200, 60, 60)), ("dogs", (60, 60, 200))):
        (root / name).mkdir(parents=True)
        for i in range(6):
            pixels = np.full((8, 8, 3), colour, np.uint8)
            pixels[i, :] = 255
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    (root / "cats" / "notes.png").write_bytes(b"this is not an image")
    return root


@pytest.fixture
def calls(session, monkeypatch):
    """Every job the page asks the session to run, with its arguments."""
    seen = []
    real = session.run

    def spy(request, then=None):
        args = {k: v for k, v in request.to_dict().items() if v is not None}
        seen.append((job_name(request), args))
        return real(request, then)

    monkeypatch.setattr(session, "run", spy)
    return seen


def last_args(calls, job):
    return [args for name, args in calls if name == job][-1]


def test_an_image_folder_needs_no_column_and_lists_the_files_left_out(
        qtbot, session, calls, pets, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(pets)))
    page = make_page(qtbot, session)
    click(qtbot, child(page, QPushButton, "chooseFolderButton"))
    wait_for_suggestion(qtbot, page)
    assert last_args(calls, "check_file") == {"path": str(pets)}
    assert last_args(calls, "suggest_goal") == {"path": str(pets), "data_kind": "images"}
    assert "Image folder: pets" in child(page, QLabel, "fileLabel").text()
    assert "12 images in 2 classes" in child(page, QLabel, "fileInfo").text()
    assert not child(page, QComboBox, "targetCombo").isVisible()
    assert not child(page, QComboBox, "examplesCombo").isVisible()
    classes = child(page, QLabel, "classesNote").text()
    assert "cats (6 images)" in classes and "dogs (6 images)" in classes
    assert "sub-folder" in classes
    assert "One file" in child(page, QLabel, "skippedNote").text()
    skipped = child(page, QListWidget, "skippedList")
    assert not skipped.isVisible()
    button = child(page, QPushButton, "skippedButton")
    click(qtbot, button)
    assert skipped.isVisible() and skipped.count() == 1
    assert "cats/notes.png" in skipped.item(0).text()
    assert "not an image" in skipped.item(0).text()
    assert child(page, QComboBox, "taskCombo").currentData() == "binary"
    shot(qtbot, page, "goal_image_folder")

    set_folder(qtbot, page, tmp_path / "pets-project")
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    args = last_args(calls, "new_project")
    assert (args["data"], args.get("target"), args["data_kind"]) == (str(pets), None, "images")
    assert session.project.goal.data_kind == "images"
    assert session.project.goal.target == "class"


def test_dropping_a_folder_reads_it_as_images(qtbot, session, pets):
    page = make_page(qtbot, session)
    assert drag_and_drop(page, [QUrl.fromLocalFile(str(pets))]) == (True, True)
    classes = child(page, QLabel, "classesNote")
    qtbot.waitUntil(lambda: classes.isVisible() and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    assert "Image folder: pets" in child(page, QLabel, "fileLabel").text()
    assert page.form.folder_edit.text().endswith("pets")


@pytest.fixture
def reviews(tmp_path):
    rng = np.random.default_rng(0)
    good, bad = ["great", "lovely", "fine", "super"], ["bad", "awful", "poor", "dull"]
    rows = [{"review": " ".join(rng.choice(good if i % 2 else bad, 4)) + " product",
             "stars": int(rng.integers(1, 6)), "liked": "yes" if i % 2 else "no"}
            for i in range(60)]
    path = tmp_path / "reviews.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_texts_in_a_column_reach_the_jobs(qtbot, session, calls, reviews, tmp_path):
    page = make_page(qtbot, session)
    page.use_file(str(reviews))
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.count() == 3 and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    kind = child(page, QComboBox, "examplesCombo")
    assert kind.isVisible() and kind.currentData() == "table"
    text_column = child(page, QComboBox, "textColumnCombo")
    assert not text_column.isVisible()
    choose(kind, "text")
    assert text_column.isVisible() and text_column.currentIndex() == -1
    choose(target, "liked")
    status = child(page, QLabel, "examplesStatus")
    assert "column that holds the texts" in status.text()
    assert not child(page, QPushButton, "createButton").isVisible()
    assert not [job for job, _args in calls if job == "suggest_goal"]
    choose(text_column, "review")
    wait_for_suggestion(qtbot, page)
    assert last_args(calls, "suggest_goal") == {"path": str(reviews), "target": "liked",
                                                "data_kind": "text", "text_column": "review"}
    assert status.isHidden()
    shot(qtbot, page, "goal_text_column")
    set_folder(qtbot, page, tmp_path / "reviews-project")
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    args = last_args(calls, "new_project")
    assert (args["data_kind"], args["text_column"], args["target"]) == \
        ("text", "review", "liked")
    assert session.project.goal.inputs == {"text_column": "review"}


def test_sequences_one_step_per_row_need_their_columns(qtbot, session, calls, tmp_path):
    rng = np.random.default_rng(1)
    rows = [{"machine": s, "hour": t, "temp": float(rng.normal()), "load": float(rng.normal()),
             "fault": "yes" if s % 2 else "no"} for s in range(30) for t in range(5)]
    path = tmp_path / "machines.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    page = make_page(qtbot, session)
    page.use_file(str(path))
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.count() == 5 and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    choose(child(page, QComboBox, "examplesCombo"), "sequence")
    layout = child(page, QComboBox, "sequenceFormatCombo")
    assert layout.isVisible() and layout.currentData() == "wide"
    values = child(page, QListWidget, "valueColumnsList")
    assert not values.isVisible()
    choose(layout, "long")
    assert values.isVisible()
    choose(target, "fault")
    status = child(page, QLabel, "examplesStatus")
    assert "which series" in status.text()
    choose(child(page, QComboBox, "idColumnCombo"), "machine")
    choose(child(page, QComboBox, "timeColumnCombo"), "hour")
    assert "Tick at least one" in status.text()
    for row in range(values.count()):
        if values.item(row).text() in ("temp", "load"):
            values.item(row).setCheckState(Qt.Checked)
    wait_for_suggestion(qtbot, page)
    assert last_args(calls, "suggest_goal")["sequence"] == {
        "format": "long", "id": "machine", "time": "hour", "values": ["temp", "load"]}
    shot(qtbot, page, "goal_sequences")


def test_a_text_sample_comes_with_its_text_column(qtbot, session, calls):
    page = make_page(qtbot, session)
    pick_sample(qtbot, page, "support_messages")
    wait_for_suggestion(qtbot, page)
    assert child(page, QComboBox, "examplesCombo").currentData() == "text"
    assert child(page, QComboBox, "textColumnCombo").currentText() == "message"
    args = last_args(calls, "suggest_goal")
    assert (args["data_kind"], args["text_column"], args["target"]) == \
        ("text", "message", "topic")
