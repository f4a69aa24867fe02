"""A folder of WAV recordings chosen on the Goal page: the page says it is a sound folder,
the rates and lengths found and what will be done, lists the files left out with their
reason, and makes a sound project."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

from engine.data.samples import SAMPLES
from tests.engine.data.test_sound_folder import write_wav
from tests.gui.page_helpers import (JOB_TIMEOUT, child, click, make_page, session,
                                    set_folder, shot, wait_for_suggestion)

__all__ = ["session"]  # fixtures


def test_a_sound_folder_is_read_and_made_a_project(qtbot, session, tmp_path, monkeypatch):
    data = tmp_path / "machine"
    for name in ("hum", "whistle", "clicks"):
        (data / name).mkdir(parents=True)
        for wav in sorted((SAMPLES["machine_sounds"].path / name).glob("*.wav"))[:12]:
            shutil.copy(wav, data / name / wav.name)
    write_wav(data / "hum" / "silent.wav", [0.0] * 4000)
    (data / "clicks" / "broken.wav").write_bytes(b"not a recording")
    page = make_page(qtbot, session)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(data)))
    click(qtbot, child(page, QPushButton, "chooseFolderButton"))
    wait_for_suggestion(qtbot, page)
    notes = child(page, QLabel, "readNotes")
    assert notes.isVisible() and "Found 36 usable recordings at 8,000 Hz (36)" in notes.text()
    assert "Every clip is brought to 8,000 Hz (0 resampled)" in notes.text()
    assert "36 recordings in 3 classes" in page.form.file_info.text()
    skipped = page.form.folder_info.skipped_list
    rows = [skipped.item(i).text() for i in range(skipped.count())]
    assert len(rows) == 2 and any("silent" in r for r in rows)
    shot(qtbot, page, "goal_sound_folder")
    set_folder(qtbot, page, tmp_path / "project")
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    assert session.project.goal.data_kind == "sound"
