"""Paths inside a project folder must stay inside it: checked when a project opens.

A project reads and writes its own files only: ``splits.json``, ``preprocess.json``,
``runs/<id>/`` with each run's model file and checkpoints, ``tuning/`` (the study's journal
and summary), ``final/``, ``reports/``, ``predictions/`` and ``data/cache/`` (the columnar
copy of the data file). A hand-edited or hostile ``project.json`` or ``run.json`` could
point those elsewhere (``../../etc/passwd``, an absolute path, a symbolic link out of the
folder), so opening refuses, with one line:

- a link, anywhere among the project's own files, that leads out of the folder;
- a run name (a run's ``id``, the chosen run, the tested run) that is not a plain folder
  name, and a run's ``model_file`` that is not a plain file name;
- a report path that is not a report (``pdf`` an existing file that is not a PDF, ``csv``
  a file rather than a folder). Reports may be exported anywhere the user chose, like data
  files, and the Report page shows where.

The data files (``sources``) may live anywhere: they are the user's, and the GUI and the
report show where.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath
from typing import Any, Iterable

from engine.core.errors import ProjectError
from engine.core.texts import text

OWN_ENTRIES = ("project.json", "splits.json", "preprocess.json", "runs", "tuning", "final",
               "reports", "predictions", "data")
"""What Practica keeps in a project folder (``engine.project.project``, ``engine.tuning.study``,
``engine.final.ensemble``, ``engine.use.prediction_job``, the columnar copy of the data
file in ``data/cache``: ``engine.data.columnar_copy``)."""
PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


def check_project_paths(root: Path, data: dict[str, Any], runs: Iterable[Any]) -> None:
    """Raise ``ProjectError`` when the project at ``root`` points outside itself.

    Args:
        root: the project folder (resolved).
        data: the parsed ``project.json``.
        runs: the run records read from ``runs/``.
    """
    project_file = root / "project.json"
    _plain(data.get("chosen_run"), project_file, "chosen_run")
    final = data.get("final_test")
    if isinstance(final, dict):
        _plain(final.get("run"), project_file, "final_test.run")
    for run in runs:
        run_file = root / "runs" / str(run.id) / "run.json"
        _plain(run.id, run_file, "id")
        if run.model_file is not None and not _is_file_name(run.model_file):
            raise ProjectError(text("paths.outside", file=run_file, what="model_file",
                                    path=run.model_file))
    _check_report(data.get("report"), project_file)
    _check_links(root)


def _plain(name: Any, file: Path, what: str) -> None:
    if name is None:
        return
    if not isinstance(name, str) or not PLAIN_NAME.match(name) or ".." in name:
        raise ProjectError(text("paths.bad_name", file=file, what=what, name=name))


def _is_file_name(name: Any) -> bool:
    return (isinstance(name, str) and bool(name) and PurePath(name).name == name
            and "/" not in name and "\\" not in name and name not in (".", ".."))


def _check_report(report: Any, file: Path) -> None:
    if not isinstance(report, dict):
        return
    pdf, csv = report.get("pdf"), report.get("csv")
    if pdf and (not isinstance(pdf, str) or (os.path.lexists(pdf) and not _is_pdf(Path(pdf)))):
        raise ProjectError(text("paths.bad_report", file=file, what="report.pdf", path=pdf))
    if csv and (not isinstance(csv, str) or (Path(csv).exists() and not Path(csv).is_dir())):
        raise ProjectError(text("paths.bad_report", file=file, what="report.csv", path=csv))


def _is_pdf(path: Path) -> bool:
    """Whether ``path`` is a PDF file (its first bytes say so; a report may be gone)."""
    try:
        with open(path, "rb") as fh:
            return path.is_file() and fh.read(5) == b"%PDF-"
    except OSError:
        return False


def _check_links(root: Path) -> None:
    """Every symbolic link among the project's own files must lead inside ``root``."""
    real = root.resolve()
    folders = []
    for name in OWN_ENTRIES:
        top = root / name
        if top.is_symlink():
            _inside(top, real, root)
        elif top.is_dir():
            folders.append(str(top))
    while folders:  # os.scandir: one system call per folder, links are not followed
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    _inside(Path(entry.path), real, root)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)


def _inside(path: Path, real_root: Path, root: Path) -> None:
    target = path.resolve()
    if not target.is_relative_to(real_root):
        raise ProjectError(text("paths.outside", file=path.relative_to(root),
                                what=text("paths.link"), path=target))
