"""Saving when the disk fails: a save cut in the middle (a kill) keeps the previous file, and
a read-only folder or a full disk gives one plain line in the CLI and changes nothing."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from engine.core import atomic
from engine.training.checkpoint_store import Checkpoint, load_checkpoint, write_checkpoint
from engine.cli.main import main
from engine.core.errors import ProjectError
from engine.project.project import PROJECT_FILE, open_project
from engine.training.job import TrainingSpec, run_training
from tests.engine.disk_faults import cut_writes, disk_fault, snapshot


class Killed(BaseException):
    """The process died here (not an error anything may catch)."""


@pytest.fixture(scope="module")
def trained_template(split_template) -> Path:
    """The split template with one finished run (a linear model: no Keras needed)."""
    run_training(TrainingSpec(str(split_template), "linear"))
    return split_template


@pytest.fixture
def trained_project(trained_template, tmp_path):
    """A fresh copy of the template project, for one test to damage."""
    shutil.copytree(trained_template, tmp_path / "proj")
    return open_project(tmp_path / "proj")


def test_a_project_save_cut_midway_keeps_the_previous_file(trained_project):
    root = trained_project.root
    before = (root / PROJECT_FILE).read_bytes()
    trained_project.name = "renamed"
    with pytest.MonkeyPatch.context() as mp:
        cut_writes(mp, root, after=40, make_error=Killed)
        with pytest.raises(Killed):
            trained_project.save()
    assert (root / PROJECT_FILE).read_bytes() == before
    assert open_project(root).name == "proj"
    assert not atomic.remove_temp_files(root)  # the interrupted write tidied up after itself


def _checkpoint(epoch: int, value: float) -> Checkpoint:
    return Checkpoint(epoch, [{"loss": value}] * epoch, [np.full((3, 2), value)],
                      [np.array(epoch)])


@pytest.mark.parametrize("cut", ["checkpoint-1.npz", "checkpoint.json"])
def test_a_checkpoint_save_cut_midway_keeps_the_previous_checkpoint(tmp_path, cut):
    write_checkpoint(tmp_path, _checkpoint(1, 0.5))
    write_checkpoint(tmp_path, _checkpoint(2, 0.25))
    before = snapshot(tmp_path)
    with pytest.MonkeyPatch.context() as mp:
        # Epoch 3 writes its arrays beside epoch 2's (by parity), then the JSON naming them.
        cut_writes(mp, tmp_path, after=100, make_error=Killed, name_part=cut)
        with pytest.raises(Killed):
            write_checkpoint(tmp_path, _checkpoint(3, 9.0))
    after = snapshot(tmp_path)
    assert {k: after[k] for k in ("checkpoint.json", "checkpoint-0.npz")} == \
        {k: before[k] for k in ("checkpoint.json", "checkpoint-0.npz")}
    assert set(after) == set(before)  # no temporary file left
    back = load_checkpoint(tmp_path)
    assert back.epoch == 2 and back.weights[0][0, 0] == 0.25


def test_a_model_save_cut_midway_keeps_the_previous_model(tmp_path):
    from engine.core.backend import import_keras

    keras = import_keras()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    target = tmp_path / "model.keras"
    with atomic.atomic_path(target, suffix=".keras") as tmp:
        model.save(tmp)
    before = target.read_bytes()
    weights = model.get_weights()
    model.set_weights([w + 1 for w in weights])
    with pytest.MonkeyPatch.context() as mp:
        # model.save writes its zip through io.open: cut it after the first kilobyte.
        cut_writes(mp, tmp_path, after=1024, make_error=Killed, name_part=".model.keras")
        with pytest.raises(Killed):
            with atomic.atomic_path(target, suffix=".keras") as tmp:
                model.save(tmp)
    assert target.read_bytes() == before
    back = keras.saving.load_model(target, compile=False, safe_mode=True)
    assert np.array_equal(back.get_weights()[0], weights[0])
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]


def test_temporary_files_are_never_read_and_are_tidied_in_a_run_folder(trained_project):
    run = trained_project.runs[0]
    folder = trained_project.run_dir(run.id)
    (folder / ".run.json.ab12cd34.tmp").write_text("{ half", encoding="utf-8")
    (folder / ".model.json.zz99yy88.json").write_bytes(b"\0\1")
    (trained_project.root / ".project.json.qq11ww22.tmp").write_text("[", encoding="utf-8")
    (folder / ".keep-me").write_text("not ours", encoding="utf-8")
    again = open_project(trained_project.root)
    assert [r.id for r in again.runs] == [run.id] and again.runs[0] == run
    assert atomic.remove_temp_files(folder) == 2
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [".keep-me"]


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("code, words", [(errno.EROFS, "read-only"),
                                         (errno.EACCES, "read-only"),
                                         (errno.ENOSPC, "disk that holds")])
def test_train_on_a_read_only_or_full_disk_says_one_line_and_changes_nothing(
        trained_project, capsys, monkeypatch, code, words):
    root = trained_project.root
    before = snapshot(root)
    disk_fault(monkeypatch, root, code)
    status, out, err = _cli(capsys, "train", str(root), "--model", "linear")
    monkeypatch.undo()
    assert status == 2, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("practica: ") and words in lines[0]
    assert "try again" in lines[0] and "Traceback" not in out + err
    assert snapshot(root) == before
    assert [r.id for r in open_project(root).runs] == [r.id for r in trained_project.runs]


@pytest.mark.parametrize("code, words", [(errno.EROFS, "read-only"),
                                         (errno.ENOSPC, "disk that holds")])
def test_tune_on_a_read_only_or_full_disk_says_one_line(trained_project, capsys,
                                                        monkeypatch, code, words):
    root = trained_project.root
    before = snapshot(root)
    disk_fault(monkeypatch, root, code)
    status, out, err = _cli(capsys, "tune", str(root), "--model", "mlp", "--trials", "1",
                            "--epochs", "1")
    monkeypatch.undo()
    assert status == 2, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], err
    if code == errno.EROFS:
        assert snapshot(root) == before
    else:  # a full disk leaves empty files at most; every file there before is unchanged
        after = snapshot(root)
        assert {k: after[k] for k in before} == before
        assert all(not after[k] for k in set(after) - set(before))


def test_a_project_save_on_a_full_disk_keeps_the_previous_project(trained_project,
                                                                  monkeypatch):
    root = trained_project.root
    before = (root / PROJECT_FILE).read_bytes()
    trained_project.name = "renamed"
    disk_fault(monkeypatch, root, errno.ENOSPC)
    with pytest.raises(ProjectError, match="full"):
        trained_project.save()
    monkeypatch.undo()
    assert (root / PROJECT_FILE).read_bytes() == before
    assert not [p for p in root.iterdir() if p.name.startswith(".")]


def _read_only_attempts(root) -> dict:
    """Train and save in the read-only project ``root``: what the user would see."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["train", str(root), "--model", "linear"])
    try:
        open_project(root).save()
        saved = "saved"
    except ProjectError as exc:
        saved = str(exc)
    return {"status": status, "err": err.getvalue(), "save": saved}


def _as_nobody(work) -> dict:
    """Run ``work()`` in a forked child that gave up root (root ignores permissions)."""
    read, write = os.pipe()
    with warnings.catch_warnings():
        # The child only runs Python and numpy code before it exits.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            os.write(write, json.dumps(work()).encode("utf-8"))
            code = 0
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            os.write(write, json.dumps({"error": repr(exc)}).encode("utf-8"))
        finally:
            os._exit(code)
    os.close(write)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks) or b'{"error": "no answer"}')


NOBODY = 65534


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(os, "geteuid"),
                    reason="POSIX permissions")
def test_a_really_read_only_project_folder(mixed_csv):
    """chmod 555 on every folder of a project; as root, the attempt runs in a child that
    gave up root (root may write anywhere)."""
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project

    base = Path(tempfile.mkdtemp(prefix="practica-ro-"))  # readable by the other user
    try:
        base.chmod(0o755)
        data = base / "customers.csv"
        shutil.copyfile(mixed_csv, data)
        data.chmod(0o644)
        project = new_project(base / "proj", GoalChoice(data=str(data), target="bought"))
        split_project(project, seed=3)
        run_training(TrainingSpec(str(project.root), "linear"))
        root = project.root
        before = snapshot(root)
        folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
        for folder in folders:
            folder.chmod(0o555)
        for path in root.rglob("*"):
            if path.is_file():
                path.chmod(0o644)
        try:
            seen = _as_nobody(lambda: _read_only_attempts(root)) if os.geteuid() == 0 \
                else _read_only_attempts(root)
        finally:
            for folder in folders:
                folder.chmod(0o755)
        assert "error" not in seen, seen
        lines = seen["err"].strip().splitlines()
        assert seen["status"] == 2 and len(lines) == 1 and "read-only" in lines[0], seen
        assert "Traceback" not in seen["err"] and "read-only" in seen["save"]
        assert snapshot(root) == before
        assert json.loads((root / PROJECT_FILE).read_text(encoding="utf-8"))["name"] == "proj"
    finally:
        shutil.rmtree(base, ignore_errors=True)
