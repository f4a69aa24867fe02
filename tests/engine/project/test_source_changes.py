"""The data fingerprint is checked whenever a project opens; a change underneath is reported."""

from __future__ import annotations

import json
import os

import pytest

import engine.data.tabular
from engine.cli.main import main
from engine.project.project import DataSource, open_project
from engine.project.source_changes import SourceChange, check_sources, describe
from tests.project_record import forge


def _no_reading(monkeypatch) -> None:
    """Make hashing a file fail, to prove a code path never reads the data."""
    def refuse(*_a, **_k):
        raise AssertionError("the data file was read")

    monkeypatch.setattr(engine.data.tabular, "file_fingerprint", refuse)


def test_an_unchanged_file_costs_one_stat(split_project, monkeypatch):
    assert split_project.source("main").stamp is not None  # taken when the project was made
    _no_reading(monkeypatch)
    assert open_project(split_project.root).data_changes == []


def test_a_touched_file_with_the_same_content_is_not_a_change(split_project, mixed_csv):
    before = split_project.source("main").stamp
    os.utime(mixed_csv, ns=(before["mtime_ns"] + 10**9, before["mtime_ns"] + 10**9))
    project = open_project(split_project.root)
    assert project.data_changes == []
    assert project.source("main").stamp["mtime_ns"] == before["mtime_ns"] + 10**9
    project.save()  # the confirmed stamp is kept: the next opening reads nothing
    assert json.loads((project.root / "project.json").read_text())["sources"][0]["stamp"] \
        == project.source("main").stamp


def test_a_changed_file_is_reported(split_project, mixed_csv, monkeypatch):
    data = mixed_csv.read_bytes()
    mixed_csv.write_bytes(data.replace(b"Lyon", b"Lyom", 1))  # same size, new content
    project = open_project(split_project.root)
    assert project.data_changes == [SourceChange("main", str(mixed_csv), "changed")]
    assert "has changed since the project was made" in describe(project.data_changes)
    mixed_csv.write_bytes(data + b"1,2,Lyon,yes\n")  # another size: known without reading
    _no_reading(monkeypatch)
    assert open_project(split_project.root).data_changes[0].state == "changed"


def test_a_missing_file_is_reported_and_the_project_still_opens(split_project, mixed_csv):
    mixed_csv.unlink()
    project = open_project(split_project.root)
    assert [c.state for c in project.data_changes] == ["missing"]
    assert describe(project.data_changes).startswith(f"the data file {mixed_csv} is missing")


def test_a_project_saved_before_stamps_is_hashed_once(split_project):
    def drop_stamps(raw):
        for source in raw["sources"]:
            source.pop("stamp")

    forge(split_project.root, drop_stamps)
    project = open_project(split_project.root)
    assert project.data_changes == [] and project.source("main").stamp is not None


def test_an_image_folder_is_compared_by_its_files(tmp_path):
    from engine.data.image_folder import folder_fingerprint

    folder = tmp_path / "pictures"
    (folder / "cats").mkdir(parents=True)
    (folder / "cats" / "a.png").write_bytes(b"x")
    source = DataSource("main", str(folder), folder_fingerprint(folder), 1, "images")
    assert check_sources([source]) == []
    (folder / "cats" / "b.png").write_bytes(b"y")
    changes = check_sources([source])
    assert changes == [SourceChange("main", str(folder), "changed", folder=True)]
    assert "image folder" in describe(changes)
    second = SourceChange("target", "/gone.csv", "missing")
    assert "1 more" in describe([*changes, second])


def test_the_cli_warns_in_one_line_and_goes_on(split_project, mixed_csv, capsys):
    assert main(["check", str(split_project.root)]) == 0
    assert "warning" not in capsys.readouterr().err
    mixed_csv.write_bytes(mixed_csv.read_bytes() + b"1,2,Lyon,yes\n")
    assert main(["check", str(split_project.root)]) == 0
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("practica: warning: the data file")
    assert out.out  # the command itself still ran


@pytest.mark.parametrize("command", [["new", "{dir}", "--data", "{csv}"], ["demo"]])
def test_commands_without_a_project_do_not_warn(command, tmp_path, capsys, mixed_csv):
    from engine.cli.main import warn_about_data
    from engine.cli.parser import build_parser

    argv = [a.format(dir=tmp_path / "p", csv=mixed_csv) for a in command]
    warn_about_data(build_parser().parse_args(argv))
    assert capsys.readouterr().err == ""
