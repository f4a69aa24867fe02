"""The split's rows are part of its record (issue 15, point 11): an edited ``splits.json``
is reported when the project opens and refused by every step that reads its rows."""

from __future__ import annotations

import json

import pytest

from dataclasses import replace

from engine.cli.main import main as cli_main
from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.project.fingerprints import split_key
from engine.project.project import open_project
from engine.project.split_integrity import rows_digest
from engine.split.datasets import split_frame, split_rows
from engine.split.step import split_project as make_split_again
from engine.training.job import TrainingSpec, run_training

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _error_line(err: str) -> str:
    """The command's one-line error (after any warnings about the project's files)."""
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("practica: ") for line in lines), err
    return lines[-1]


def _swap(root, a="dev", b="test"):
    path = root / "splits.json"
    entries = json.loads(path.read_text())
    entries[a], entries[b] = entries[b], entries[a]
    path.write_text(json.dumps(entries))
    return entries


def test_the_split_record_holds_a_digest_of_each_splits_rows(split_project):
    entries = json.loads((split_project.root / "splits.json").read_text())
    hashes = open_project(split_project.root).split.row_hashes
    assert hashes == {name: rows_digest(e["source"], e["rows"]) for name, e in entries.items()}
    assert len(set(hashes.values())) == 4
    made = [d for d in split_project.decisions if d.kind == "split_made"][-1]
    assert made.details["row_hashes"] == hashes  # in the decisions record too
    assert open_project(split_project.root).integrity_problems == []


def test_swapping_dev_and_test_is_reported_and_nothing_trains_on_it(split_project, capsys):
    root = split_project.root
    _swap(root)
    project = open_project(root)
    assert project.integrity_problems == [text("split_integrity.altered", splits="dev and test")]
    with pytest.raises(ProjectError, match="splits.json was changed"):
        split_frame(project, "dev")
    with pytest.raises(ProjectError, match="splits.json was changed"):
        split_rows(project)
    assert cli_main(["train", str(root), "--model", "linear"]) == 2
    assert "splits.json was changed" in _error_line(capsys.readouterr().err)
    assert open_project(root).runs == []  # no "dev error" was measured on the test rows
    assert cli_main(["check", str(root)]) == 2  # the split check says so too
    printed = capsys.readouterr()
    assert "[blocker] " + text("split_integrity.altered", splits="dev and test") in printed.out
    assert _error_line(printed.err) == f"practica: {text('split_integrity.cli_unusable')}"
    # The way out the message names: split again.
    make_split_again(open_project(root), seed=0)
    project = open_project(root)
    assert project.integrity_problems == [] and len(split_frame(project, "dev"))


@pytest.mark.parametrize("edit", ["rows not numbers", "not json", "one row moved"])
def test_other_edits_are_reported_in_one_line(split_project, edit, capsys):
    root = split_project.root
    path = root / "splits.json"
    entries = json.loads(path.read_text())
    if edit == "rows not numbers":
        entries["train"]["rows"] = ["abc"]
        path.write_text(json.dumps(entries))
    elif edit == "not json":
        path.write_text("{")
    else:
        entries["dev"]["rows"].append(entries["test"]["rows"].pop())
        path.write_text(json.dumps(entries))
    problems = open_project(root).integrity_problems
    assert len(problems) == 1 and "splits.json" in problems[0]
    assert cli_main(["train", str(root), "--model", "linear"]) == 2
    line = _error_line(capsys.readouterr().err)  # what is wrong with it, or that it changed
    assert "splits.json" in line and ("was changed" in line or "never writes" in line)


def test_a_split_made_before_the_digests_is_not_checked(split_project):
    root = split_project.root
    old = open_project(root)
    old.split = replace(old.split, row_hashes={})  # as a split of an earlier release
    old.save()
    old = open_project(root)
    _swap(root)
    project = open_project(root)
    assert project.integrity_problems == []  # nothing recorded: nothing to check against
    assert split_key(project) == split_key(old)
    assert project.split.row_hashes == {} and "row_hashes" not in project.split.to_dict()


def test_digests_that_match_an_edited_file_still_leave_the_runs_behind(split_project):
    """Whoever records the digests of an edited file too gets a split whose key differs:
    every run trained on the real split is from an earlier split."""
    root = split_project.root
    run_training(TrainingSpec(str(root), "linear", {}))
    project = open_project(root)
    assert project.runs[0].split_key == split_key(project)
    entries = _swap(root)
    project.split = replace(project.split, row_hashes={
        n: rows_digest(e["source"], e["rows"]) for n, e in entries.items()})
    project.save()
    after = open_project(root)
    assert after.integrity_problems == []
    assert after.runs[0].split_key != split_key(after)
