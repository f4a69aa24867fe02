"""engine/ never imports Qt or pyqtgraph (nor gui/): checked two ways."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT = re.compile(r"^\s*(from|import)\s+(PySide6|PyQt\d|pyqtgraph|shiboken6|gui)\b", re.M)


def test_import_linter_contract_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "engine never imports Qt or pyqtgraph KEPT" in out.stdout


def test_no_engine_file_mentions_a_qt_import():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "engine").rglob("*.py")
                 if QT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_check_catches_a_planted_import(tmp_path):
    planted = tmp_path / "bad.py"
    planted.write_text("import os\nfrom PySide6 import QtCore\n")
    assert QT.search(planted.read_text())


def test_importing_the_engine_loads_no_qt():
    code = ("import sys, engine.workflow, engine.cli.main, engine.report; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'shiboken6', 'gui')]; print(bad); assert not bad")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
