"""The details of an unexpected failure go to a new file only Practica creates (issue 15,
point 15): a link planted in advance, under the old fixed name or any other, is never
written through, and the file is private."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from engine.cli import main as cli
from engine.core import error_details
from engine.core.error_details import log_folder, save_error_details

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32",
                                reason="links and modes as on Linux and macOS")


def _crash(monkeypatch):
    def broken(_args):
        raise RuntimeError("boom inside")

    monkeypatch.setitem(cli.COMMANDS, "check", broken)


def test_a_planted_link_is_never_written_through(tmp_path, monkeypatch, capsys):
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (logs / "practica-last-error.txt").symlink_to(victim)  # the old fixed name
    monkeypatch.setenv("PRACTICA_LOG_DIR", str(logs))
    _crash(monkeypatch)
    assert cli.main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Details were saved to" in err
    saved = err.split("Details were saved to ")[1].strip().rstrip(".")
    assert victim.read_text() == "precious"
    path = os.path.realpath(saved)
    assert os.path.dirname(path) == str(logs) and not os.path.islink(saved)
    assert "boom inside" in open(path, encoding="utf-8").read()
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    # Two failures, two files: no name is ever used twice.
    assert cli.main(["check", str(tmp_path)]) == 1
    second = capsys.readouterr().err.split("Details were saved to ")[1].strip().rstrip(".")
    assert second != saved and victim.read_text() == "precious"


def test_a_link_under_the_next_name_is_not_followed(tmp_path, monkeypatch):
    """Even a link planted under the very name chosen next is skipped, not written through."""
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    monkeypatch.setenv("PRACTICA_LOG_DIR", str(logs))
    tokens = iter(["aaaa", "aaaa", "bbbb"])
    monkeypatch.setattr(error_details.secrets, "token_hex", lambda _n: next(tokens))
    monkeypatch.setattr(error_details.time, "strftime", lambda *_a: "20260101-000000")
    planted = logs / f"practica-error-20260101-000000-{os.getpid()}-aaaa.txt"
    planted.symlink_to(victim)
    path = save_error_details("details")
    assert path.name.endswith("-bbbb.txt") and path.read_text() == "details"
    assert victim.read_text() == "precious" and os.path.islink(planted)


def test_a_shared_or_linked_folder_gets_a_private_folder_inside(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp: anyone may plant files there
    monkeypatch.setenv("PRACTICA_LOG_DIR", str(shared))
    path = save_error_details("x")
    assert path.parent.parent == shared and path.parent.name.startswith("practica-error-")
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    linked = tmp_path / "linked"
    linked.symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.setenv("PRACTICA_LOG_DIR", str(linked))
    path = save_error_details("y")
    assert not path.is_relative_to(linked) and list(elsewhere.iterdir()) == []
    assert path.read_text() == "y"


def test_the_user_s_own_log_folder_is_made_private(tmp_path, monkeypatch):
    monkeypatch.delenv("PRACTICA_LOG_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = log_folder()
    assert folder.is_relative_to(tmp_path)
    path = save_error_details("z")
    assert path.parent == folder and stat.S_IMODE(folder.stat().st_mode) == 0o700
    chosen = tmp_path / "chosen" / "logs"  # PRACTICA_LOG_DIR that does not exist yet
    monkeypatch.setenv("PRACTICA_LOG_DIR", str(chosen))
    assert save_error_details("w").parent == chosen
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o700
