"""Recordings are shown as the engine's pictures of their spectrograms, in error analysis
and on the Use page, with a Play button (Space in the table) that plays the selected clip
through Qt Multimedia, or says plainly why this computer cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from engine.core.texts import text
from engine.diagnosis.step import diagnose_project
from engine.project.project import open_project
from gui.pages.diagnose.error_analysis_panel import ErrorAnalysisPanel
from gui.pages.diagnose.error_examples_table import THUMB, ExamplesTable
from gui.pages.diagnose.page import DiagnosePage
from gui.pages import sound_player
from gui.pages.sound_player import ClipPlayer
from gui.pages.use.page import PICTURE_HEIGHT, UsePage
from gui.result_table import ResultTable
from gui.session import ProjectSession
from tests.engine.data.test_sound_picture import tone, write_wav
from tests.engine.diagnosis.test_error_analysis import trained
from tests.engine.diagnosis.test_error_analysis_sound import sound_folder
from tests.gui.page_helpers import click, job_done, shot

CANNOT = {text("gui.sound.no_device"), text("gui.sound.no_library")}

# pytest-qt's capture of Qt's log messages is a Python handler: Qt Multimedia's audio thread
# logs while the GUI thread, holding Python's lock, waits on that thread inside
# QMediaPlayer.stop(), and both wait for ever (seen once in a whole-suite run). The app
# keeps Qt's own handler, which needs no Python lock.
pytestmark = pytest.mark.no_qt_log


def _cannot_play_here(qtbot, player: ClipPlayer, press) -> None:
    """Offscreen there is no loudspeaker (or no sound library): pressing says so plainly."""
    press()
    qtbot.waitUntil(lambda: player.status.text() in CANNOT)
    assert not player.playing and player.button.isEnabled()


def _plays_with_a_loudspeaker(qtbot, player: ClipPlayer, monkeypatch, folder: Path) -> None:
    """Where Qt Multimedia loads, a press really starts Qt's player on the clip (it plays to
    no device here, which Qt allows) and a second press stops it."""
    if sound_player.multimedia() is None:
        return  # no sound library on this computer: the plain sentence above is all
    monkeypatch.setattr(sound_player, "has_output", lambda module: True)
    shown = player.clip
    long_clip = folder / "three seconds.wav"  # long enough to be caught playing
    write_wav(long_clip, tone(440, 8000, 3.0), 8000)
    player.set_clip(str(long_clip))
    player.button.setFocus()
    qtbot.keyClick(player.button, Qt.Key_Space)  # the focused button takes Space too
    assert Path(player.player.source().toLocalFile()) == long_clip
    qtbot.waitUntil(lambda: player.playing, timeout=5000)
    assert player.button.text() == text("gui.sound.stop")
    assert player.status.text() == text("gui.sound.playing", name=long_clip.name)
    click(qtbot, player.button)
    qtbot.waitUntil(lambda: not player.playing)
    assert player.button.text() == text("gui.sound.play")
    player.set_clip(shown)
    monkeypatch.undo()


def test_error_analysis_and_the_use_page_show_and_play_recordings(
        qtbot, engine_runner, tmp_path, monkeypatch):
    data = sound_folder(tmp_path / "sounds", per_class=12)
    project = trained(tmp_path / "a", None, None, model="majority", data=data)
    project.save()
    diagnose_project(open_project(project.root), project.chosen_run)
    session = ProjectSession(engine_runner)
    assert session.open(project.root)

    # ----- error analysis
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.resize(1100, 1900)
    page.show()
    qtbot.waitExposed(page)
    panel = page.findChild(ErrorAnalysisPanel)
    page.tabs.setCurrentWidget(panel)
    with job_done(qtbot, session.runner, "error_analysis"):
        click(qtbot, panel.findChild(QPushButton, "collectMistakesButton"))
    qtbot.waitUntil(lambda: not session.runner.busy)
    analysis = session.project.error_analysis
    table = panel.findChild(ExamplesTable, "examplesTable")
    assert table.rowCount() == len(analysis.examples) > 0
    for line, case in enumerate(analysis.examples):
        icon = table.item(line, 0).data(Qt.DecorationRole).pixmap(table.iconSize())
        assert (icon.width(), icon.height()) == (2 * THUMB, THUMB)
        assert table.sound(line) == case.sound and Path(case.sound).is_file()
        assert case.image.startswith(str(project.root))  # drawn by the engine
    player = panel.findChild(ClipPlayer, "errorPlayer")
    assert player.isVisible() and not player.button.isEnabled()  # nothing selected yet
    assert player.status.text() == text("gui.sound.pick_first")
    table.setFocus()
    table.setCurrentCell(1, 0)
    assert player.clip == analysis.examples[1].sound and player.button.isEnabled()
    assert Path(player.clip).name in player.status.text()
    assert player.button.focusPolicy() & Qt.TabFocus
    _cannot_play_here(qtbot, player, lambda: qtbot.keyClick(table, Qt.Key_Space))
    _plays_with_a_loudspeaker(qtbot, player, monkeypatch, tmp_path)
    table.setCurrentCell(0, 0)
    page.resize(1100, page.widget().sizeHint().height() + 20)
    shot(qtbot, page, "diagnose_error_analysis_sound")

    # ----- the Use page: a folder of new recordings
    new = sound_folder(tmp_path / "new", per_class=4, last=True)
    use = UsePage(session)
    qtbot.addWidget(use)
    use.resize(1100, 900)
    use.show()
    qtbot.waitExposed(use)
    use.refresh()
    use.findChild(QLineEdit, "newDataEdit").setText(str(new))
    with job_done(qtbot, engine_runner, "predict") as done:
        click(qtbot, use.findChild(QPushButton, "predictButton"))
    clips = done["result"]["clips"]
    assert len(clips) == 12
    preview = use.findChild(ResultTable, "predictionsTable")
    assert preview.horizontalHeaderItem(0).text() == text("gui.use.col_sound")
    assert preview.horizontalHeaderItem(1).text() == "prediction"
    for line, clip in enumerate(clips):
        icon = preview.item(line, 0).data(Qt.DecorationRole).pixmap(preview.iconSize())
        assert icon.height() == PICTURE_HEIGHT
        assert clip["sound"] in preview.item(line, 0).toolTip()
        assert Path(clip["sound"]).relative_to(new).as_posix() in [
            preview.cell_text(line, c) for c in range(preview.columnCount())]
    use_player = use.findChild(ClipPlayer, "usePlayer")
    assert use_player.isVisible() and not use_player.button.isEnabled()
    preview.setFocus()
    preview.setCurrentCell(2, 1)
    assert use_player.clip == clips[2]["sound"]
    _cannot_play_here(qtbot, use_player, lambda: qtbot.keyClick(preview, Qt.Key_Space))
    _plays_with_a_loudspeaker(qtbot, use_player, monkeypatch, tmp_path)
    assert use.findChild(QLabel, "usePlayerStatus").isVisible()
    use.resize(1100, use.widget().sizeHint().height() + 20)
    shot(qtbot, use, "use_predicted_sounds")


def test_without_a_sound_library_the_button_says_so(qtbot, tmp_path, monkeypatch):
    clip = sound_folder(tmp_path / "s", per_class=1) / "hum" / "hum_000.wav"
    player = ClipPlayer("lonePlayer")
    qtbot.addWidget(player)
    player.show()
    player.set_clip(str(clip))
    monkeypatch.setattr(sound_player, "multimedia", lambda: None)
    click(qtbot, player.button)
    assert player.status.text() == text("gui.sound.no_library")
    assert player.player is None and player.button.isEnabled()
    player.set_clip(None)
    assert not player.button.isEnabled()
