"""engine/ never imports Qt or pyqtgraph (nor gui/): checked two ways. The rooms of engine/
keep their order (a lower room never imports a higher one), the GUI imports no report module,
and no engine folder grows past about 25 modules."""

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
    assert "engine rooms: a lower room never imports a higher one KEPT" in out.stdout
    assert "never the report's modules KEPT" in out.stdout
    assert "the GUI never imports the heavy computing libraries itself KEPT" in out.stdout


def test_the_layers_contract_catches_a_room_importing_upward(tmp_path):
    """A copy of the tree with one planted upward import (core -> app) breaks the contract."""
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(ROOT / "engine", copy / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "gui", copy / "gui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    planted = copy / "engine" / "core" / "planted.py"
    planted.write_text("from engine.app.steps import step_states  # noqa: F401\n")
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=copy, capture_output=True, text=True,
                         env={"PYTHONPATH": str(copy), "PATH": ""})
    assert out.returncode != 0
    assert "engine rooms: a lower room never imports a higher one BROKEN" in out.stdout
    assert "engine.core.planted -> engine.app.steps" in out.stdout


def test_no_engine_folder_holds_more_than_about_25_modules():
    crowded = {str(d.relative_to(ROOT)): n for d in [ROOT / "engine", *(ROOT / "engine").rglob("*")]
               if d.is_dir() and d.name != "__pycache__"
               and (n := len(list(d.glob("*.py")))) > 26}
    assert crowded == {}


def test_no_engine_file_mentions_a_qt_import():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "engine").rglob("*.py")
                 if QT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_check_catches_a_planted_import(tmp_path):
    planted = tmp_path / "bad.py"
    planted.write_text("import os\nfrom PySide6 import QtCore\n")
    assert QT.search(planted.read_text())


def test_importing_the_engine_loads_no_qt():
    code = ("import sys, engine.app.workflow, engine.cli.main, engine.report; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'shiboken6', 'gui')]; print(bad); assert not bad")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
