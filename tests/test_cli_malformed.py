"""Every malformed input of the corpus through the CLI, as a user types it.

``practica check ENTRY --target COLUMN`` and ``practica new DIR --data ENTRY --target COLUMN``
either list the findings and exit 0, or print exactly one line that says what is wrong and
what to do and exit 2; never a traceback, and a refused ``new`` leaves no folder behind.
What each entry must show is in ``tests/malformed_corpus.py``.
"""

from __future__ import annotations

import json

import pytest

from engine.cli.main import main
from tests.malformed_corpus import CASES, MALFORMED, build_generated


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return build_generated(tmp_path_factory.mktemp("malformed"))


def _target(case) -> list[str]:
    return ["--target", case.target] if case.target else []


def _one_line(case, err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("practica: ") and case.message in line, line
    assert line.endswith(".") and len(line) > len("practica: " + case.message) + 20, line
    return line


def _listed(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.startswith("  [")]


def _assert_findings(case, out: str, notes: bool = True) -> None:
    listed = _listed(out)
    assert len(listed) == len(case.findings), "\n".join(listed)
    for line, (severity, start) in zip(listed, case.findings):
        assert line.startswith(f"[{severity}] {start}"), line
    if notes:
        shown = [line for line in out.splitlines() if line.startswith("  note: ")]
        for piece in case.notes:
            assert any(piece in note for note in shown), (piece, shown)


def test_the_corpus_is_complete():
    committed = {p.name for p in MALFORMED.iterdir() if p.suffix != ".py"}
    listed = {c.name for c in CASES if not c.generated}
    assert committed == listed  # every committed file has its expected outcome
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name.rstrip("/"))
def test_check_lists_the_findings_or_says_what_to_do_in_one_line(case, generated, capsys):
    path = case.path(generated)
    assert path.exists()
    code = main(["check", str(path), *_target(case)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if not case.splits:  # read and listed, then refused: the split could not be made
        assert code == 2, out + err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "could not split it" in lines[0], err
        _assert_findings(case, out)
        assert "usable." not in out
        return
    assert code == case.exit_code, out + err
    if code == 2:
        line = _one_line(case, err)
        if case.where != "file" or "one column" in line:
            assert f"[blocker] {line[len('practica: '):]}" in _listed(out)
        else:
            assert out == ""  # nothing could be read: the one line is all there is
        return
    assert err == ""
    _assert_findings(case, out)
    last = out.strip().splitlines()[-1]
    assert last == ("The folder is usable." if case.is_folder else "The file is usable.")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name.rstrip("/"))
def test_new_makes_the_project_or_refuses_in_one_line(case, generated, tmp_path, capsys):
    folder = tmp_path / "project"
    code = main(["new", str(folder), "--data", str(case.path(generated)), *_target(case)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == case.exit_code, out + err
    if code == 2:
        _one_line(case, err)
        assert not folder.exists()  # nothing half-made
        return
    assert out.startswith(f"Project made in {folder}.")
    _assert_findings(case, out, notes=False)  # the reading notes are check's to print
    saved = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    assert len(saved["findings"]) == len(case.findings)
    for finding, (severity, start) in zip(saved["findings"], case.findings):
        assert finding["severity"] == severity and finding["message"].startswith(start)


def test_images_of_every_mode_and_size_become_model_inputs(generated, tmp_path, capsys):
    """The folder of grey, colour, transparent, palette and 16-bit images of many sizes
    (and files left out) makes a project whose images all code to finite model inputs."""
    import numpy as np

    from engine.kinds.image_inputs import fit_image_inputs
    from engine.project.project import open_project
    from engine.data.source_reading import read_source

    assert main(["new", str(tmp_path / "p"), "--data", str(generated / "images_mixed")]) == 0
    project = open_project(tmp_path / "p")
    source = project.source("main")
    frame = read_source(source.path, source.kind)
    coding = fit_image_inputs(frame, source.path, "binary", ["cats", "dogs"], None)
    X = coding.transform(frame)
    assert X.shape == (18, *coding.input_shape) and coding.channels == 3
    assert np.isfinite(X).all()
