"""The project's record (issue 15, delivery 2): append-only, chained by hashes, the source of
``project.json``; an edited, cut or deleted record is reported on open, in the CLI too."""

from __future__ import annotations

import json

import pytest

from engine.cli.main import main
from engine.core.errors import ProjectChangedError
from engine.project.journal import JOURNAL_FILE, read_journal
from engine.project.project import PROJECT_FILE, create_project, open_project
from engine.project.vault import open_vault, record_evaluation
from tests.project_record import edit_copy


@pytest.fixture
def project(tmp_path):
    p = create_project(tmp_path / "p")
    p.chosen_run = "r1"
    p.log("model_accepted", "chose r1")
    p.save()
    return p


def _lines(root):
    return (root / JOURNAL_FILE).read_text(encoding="utf-8").splitlines(keepends=True)


def test_each_save_appends_only_what_changed(project):
    before = _lines(project.root)
    project.chosen_run = "r2"
    project.save()
    after = _lines(project.root)
    assert after[:len(before)] == before  # nothing rewritten
    added = [json.loads(line) for line in after[len(before):]]
    assert [(e["kind"], e["key"], e["value"]) for e in added] == [("set", "chosen_run", "r2")]
    assert added[0]["prev"] == json.loads(before[-1])["hash"]
    project.save()  # nothing changed: nothing appended
    assert _lines(project.root) == after


def test_project_json_is_the_readable_copy_of_the_record(project):
    raw = json.loads((project.root / PROJECT_FILE).read_text())
    read = read_journal(project.root)
    assert raw["journal"] == {"entries": len(read.entries), "head": read.head}
    assert [d["kind"] for d in raw["decisions"]] == ["project_created", "model_accepted"]
    (project.root / PROJECT_FILE).unlink()
    again = open_project(project.root)
    assert again.chosen_run == "r1" and len(again.decisions) == 2
    assert any("rebuilt" in p for p in again.integrity_problems)
    again.save()
    assert json.loads((project.root / PROJECT_FILE).read_text())["chosen_run"] == "r1"


def test_an_edited_line_is_detected_and_named(project):
    lines = _lines(project.root)
    entry = json.loads(lines[-1])
    entry["value"]["text"] = "chose something else"
    lines[-1] = json.dumps(entry) + "\n"
    (project.root / JOURNAL_FILE).write_text("".join(lines))
    problems = open_project(project.root).integrity_problems
    assert len(problems) == 1
    assert problems[0].startswith("The record of this project was altered outside Practica "
                                  "after ") and f"entry {len(lines)} was edited" in problems[0]


def test_removed_lines_are_detected_in_the_middle_and_at_the_end(project):
    lines = _lines(project.root)
    (project.root / JOURNAL_FILE).write_text("".join(lines[:2] + lines[3:]))
    assert any("removed" in p for p in open_project(project.root).integrity_problems)
    (project.root / JOURNAL_FILE).write_text("".join(lines[:-1]))
    problems = open_project(project.root).integrity_problems
    assert any("cut short" in p for p in problems), problems


def test_a_deleted_record_is_reported(project):
    (project.root / JOURNAL_FILE).unlink()
    assert any("deleted" in p for p in open_project(project.root).integrity_problems)


def test_an_edited_project_json_is_ignored_and_reported(project):
    open_vault(project, reason="final test")
    record_evaluation(project, "r1", metric="accuracy")
    project.save()
    edit_copy(project.root, lambda d: d.update(vault=None, chosen_run="r9", decisions=[]))
    again = open_project(project.root)
    assert again.vault.is_open and again.vault.uses == 1 and again.chosen_run == "r1"
    assert "vault_opened" in [d.kind for d in again.decisions]
    assert any("project.json was edited" in p and "vault" in p
               for p in again.integrity_problems)


def test_the_vault_stays_open_whatever_a_later_entry_says(project):
    open_vault(project, reason="final test")
    project.save()
    project.vault = type(project.vault)()  # a closed vault, as a stale program would hold
    project.save()
    assert open_project(project.root).vault.is_open


def test_a_crash_in_the_middle_of_an_append_loses_only_that_save(project):
    with (project.root / JOURNAL_FILE).open("a", encoding="utf-8") as fh:
        fh.write('{"seq": 99, "kind": "set", "key": "chos')  # the process died here
    again = open_project(project.root)
    assert again.integrity_problems == [] and again.chosen_run == "r1"
    again.chosen_run = "r3"
    again.save()
    assert open_project(project.root).chosen_run == "r3"
    assert read_journal(project.root).problems == ()


def test_a_second_copy_cannot_save_over_newer_work(project):
    other = open_project(project.root)
    other.chosen_run = "r2"
    other.save()
    project.chosen_run = "r5"
    with pytest.raises(ProjectChangedError):
        project.save()
    assert open_project(project.root).chosen_run == "r2"


def test_the_cli_prints_what_was_altered(project, capsys):
    lines = _lines(project.root)
    (project.root / JOURNAL_FILE).write_text("".join(lines[:-1]))
    main(["diagnose", str(project.root)])
    err = capsys.readouterr().err
    assert "practica: The record of this project was cut short outside Practica" in err


def test_the_report_says_the_record_was_altered(project, tmp_path):
    from pypdf import PdfReader

    from engine.report import build_report

    lines = _lines(project.root)
    (project.root / JOURNAL_FILE).write_text("".join(lines[:-1]))
    files = build_report(open_project(project.root), pdf_path=tmp_path / "r.pdf",
                         csv_dir=tmp_path / "csv")
    content = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(files.pdf)).pages)
                       .split())
    assert "this project's record was changed outside Practica" in content
    assert "The record of this project was cut short outside Practica" in content


def test_two_identical_evaluations_count_as_two_uses(project):
    open_vault(project, reason="final test")
    record_evaluation(project, "r1", metric="accuracy")
    record_evaluation(project, "r1", metric="accuracy")  # the same second, the same facts
    project.save()
    assert open_project(project.root).vault.uses == 2
