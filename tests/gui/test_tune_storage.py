"""The Tune page's storage field: "Test the connection" asks the engine and shows one line;
a search started with an address keeps its study there."""

from engine.core.texts import text
from tests.engine.tuning.pg_server import free_port
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import click, job_done
from tests.gui.test_tune_page import _search, _type, tune_window  # noqa: F401 - the fixture


def _check(qtbot, window, address: str) -> str:
    controls = window.pages["tune"].controls
    _type(qtbot, controls.storage, address)
    assert not controls.storage_note.isVisible()
    with job_done(qtbot, window.runner, "storage_check"):
        click(qtbot, controls.test_button)
    qtbot.waitUntil(lambda: controls.storage_note.text() not in
                    ("", text("gui.tune.controls.testing_storage")), timeout=10_000)
    assert controls.storage_note.isVisible()
    return controls.storage_note.text()


def test_test_the_connection_says_in_one_line_and_a_search_keeps_its_study_there(
        qtbot, tune_window, tmp_path):
    window = tune_window
    page = window.pages["tune"]
    controls = page.controls
    assert controls.storage.text() == ""  # the journal file unless the user says otherwise
    assert controls.request_for({}, "p").storage == ""

    down = _check(qtbot, window, f"postgresql://me:s3cret@127.0.0.1:{free_port()}/practica")
    assert down.startswith("No database server answers")
    assert "s3cret" not in down and controls.storage_note.property("role") == "warning"
    save_screenshot(window, "tune_storage_down")

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    assert _check(qtbot, window, url) == text("tuning.db_ok")
    assert controls.storage_note.property("role") == "recommended"
    save_screenshot(window, "tune_storage_ok")

    controls.trials.setValue(1)
    controls.epochs.setValue(1)
    _search(qtbot, window, 1)
    assert page.summary.storage == url and (tmp_path / "shared.db").is_file()
    assert not (window.session.project.root / "tuning" / "study.journal").exists()
