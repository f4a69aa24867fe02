"""Step 7 page: the report goes where the user said, the page lists it and opens its folder."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit, QPushButton

from gui.pages.report.page import ReportPage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done

def test_export_writes_the_files_and_opens_their_folder(qtbot, engine_runner, split_project,
                                                        tmp_path, monkeypatch):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page = ReportPage(session)
    qtbot.addWidget(page)
    page.resize(980, 600)
    page.show()
    pdf_edit = page.findChild(QLineEdit, "pdfPathEdit")
    csv_edit = page.findChild(QLineEdit, "csvPathEdit")
    reports = split_project.root / "reports"
    assert Path(pdf_edit.text()) == reports / "report.pdf"  # defaults in the project
    assert Path(csv_edit.text()) == reports / "csv"
    open_button = page.findChild(QPushButton, "openFolderButton")
    assert not open_button.isEnabled()  # nothing written yet

    # "Change…" asks the system's dialogs; here they answer with folders of the test.
    pdf = tmp_path / "out" / "my report.pdf"
    csv = tmp_path / "tables"
    csv.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), "PDF"))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(csv))
    qtbot.mouseClick(page.findChild(QPushButton, "changePdfButton"), Qt.LeftButton)
    qtbot.mouseClick(page.findChild(QPushButton, "changeCsvButton"), Qt.LeftButton)
    assert pdf_edit.text() == str(pdf) and csv_edit.text() == str(csv)

    with job_done(qtbot, engine_runner, "report") as done:
        qtbot.mouseClick(page.findChild(QPushButton, "exportButton"), Qt.LeftButton)
    result = done["result"]
    assert Path(result["pdf"]) == pdf and pdf.stat().st_size > 1000
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert (csv / "runs.csv").is_file() and (csv / "decisions.csv").is_file()
    assert all(Path(p).parent == csv for p in result["csv"])
    listed = page.findChild(QLabel, "writtenFiles").text()
    assert str(pdf) in listed and str(csv) in listed and "runs.csv, " in listed
    assert "written" in page.findChild(QLabel, "reportState").text()
    assert session.project.report.pdf == str(pdf)

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    assert open_button.isEnabled()
    qtbot.mouseClick(open_button, Qt.LeftButton)
    assert [Path(u.toLocalFile()) for u in opened] == [csv]
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "report_done")
