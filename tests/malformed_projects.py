"""The corpus of malformed project files: a project made by Practica, then one file edited by
hand or damaged, and the command that must answer in one plain line with exit 2.

Each ``ProjectCase`` names the file it breaks, how (``edit`` gets the project folder), the
command that reads it (``check`` opens the project; ``train`` reads the split and the
input coding; ``predict`` reads a run's model file) and a piece of the one line.

A project's state comes from its record (``journal.jsonl``); ``project.json`` is its
readable copy, and an edit there is reported and not used. So the ``project.json`` cases
edit a project saved before the record existed (no ``journal.jsonl``: the copy is all
there is), and the ``journal.jsonl`` cases write a record whose chain of hashes is intact
(someone who rewrites the whole chain is not stopped by it), with a malformed value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

DEEP = "[" * 100_000 + "]" * 100_000


@dataclass(frozen=True)
class ProjectCase:
    name: str
    edit: Callable[[Path], None]
    command: str
    message: str


def _json(name: str, change: Callable[[dict], object]) -> Callable[[Path], None]:
    """Edit ``name`` (a JSON file of the project): ``change`` alters its parsed content."""
    def edit(folder: Path) -> None:
        path = folder / name
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)  # in place; what it returns is ignored
        path.write_text(json.dumps(data), encoding="utf-8")
    return edit


def _before_the_record(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    """``edit`` applied to the project as saved before the record: ``project.json`` only."""
    def before(folder: Path) -> None:
        (folder / "journal.jsonl").unlink()
        path = folder / "project.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("journal", None)
        path.write_text(json.dumps(data), encoding="utf-8")
        edit(folder)
    return before


def _copy(change: Callable[[dict], object]) -> Callable[[Path], None]:
    """``project.json`` of a project saved before the record, altered by ``change``."""
    return _before_the_record(_json(PROJECT, change))


def _record(key: str, value: object) -> Callable[[Path], None]:
    """A record whose last ``key`` entry (or last decision, for ``decision``) now holds
    ``value``, every hash after it chained again."""
    def edit(folder: Path) -> None:
        from engine.project.journal import GENESIS, make_entry

        path = folder / "journal.jsonl"
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        wanted = [d for d in lines if (d["kind"] == "decision" if key == "decision"
                                       else d["key"] == key)]
        wanted[-1]["value"] = value
        prev, out = GENESIS, []
        for d in lines:
            entry = make_entry(d["seq"], d["kind"], d["key"], d["value"], prev, time=d["time"])
            out.append(entry.line())
            prev = entry.hash
        path.write_text("".join(out), encoding="utf-8")
    return edit


def _text(name: str, content: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        (folder / name).write_text(content, encoding="utf-8")
    return edit


def _schema_1e400(folder: Path) -> None:
    path = folder / "project.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema"] = "SCHEMA"
    path.write_text(json.dumps(data).replace('"SCHEMA"', "1e400"), encoding="utf-8")


def _run_file(name: str, content: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        for run in (folder / "runs").iterdir():
            (run / name).write_text(content, encoding="utf-8")
    return edit


PROJECT = "project.json"
SPLITS = "splits.json"
CODING = "preprocess.json"
NEVER_WRITES = "holds something Practica never writes"

CASES = (
    ProjectCase("schema text", _copy(lambda d: d.update(schema="abc")), "check",
                "the format number 'abc' is not a whole number"),
    ProjectCase("schema 1e400", _before_the_record(_schema_1e400), "check",
                "the format number 'inf'"),
    ProjectCase("schema list", _copy(lambda d: d.update(schema=[1])), "check",
                "is not a whole number"),
    ProjectCase("nested 100k deep", _before_the_record(
        _text(PROJECT, '{"app": "practica", "x": ' + DEEP + "}")), "check", "nested too deep"),
    ProjectCase("decision without kind", _copy(lambda d: d["decisions"][0].pop("kind")),
                "check", "'kind' is missing"),
    ProjectCase("decision not a record", _copy(lambda d: d["decisions"].append("x")), "check",
                NEVER_WRITES),
    ProjectCase("decisions a record", _copy(lambda d: d.update(decisions={"a": 1})), "check",
                NEVER_WRITES),
    ProjectCase("vault open", _copy(lambda d: d.update(vault="open")), "check", "in 'vault'"),
    ProjectCase("vault opened true", _copy(lambda d: d["vault"].update(opened_at=True)),
                "check", "in 'vault'"),
    ProjectCase("goal a text", _copy(lambda d: d.update(goal="abc")), "check", "in 'goal'"),
    ProjectCase("summary rows a word", _copy(lambda d: d.update(summary={"rows": "x"})),
                "check", "in 'summary'"),
    ProjectCase("sources a text", _copy(lambda d: d.update(sources="abc")), "check",
                NEVER_WRITES),
    ProjectCase("source without rows", _copy(lambda d: d["sources"][0].pop("rows")), "check",
                "'rows' is missing"),
    ProjectCase("source path a number", _copy(lambda d: d["sources"][0].update(path=5)),
                "check", NEVER_WRITES),
    ProjectCase("goal target a number", _copy(lambda d: d["goal"].update(target=5)), "check",
                "in 'goal'"),
    ProjectCase("goal task unknown", _copy(lambda d: d["goal"].update(task="junk")), "check",
                "in 'goal'"),
    ProjectCase("goal labels a text", _copy(lambda d: d["goal"].update(labels="ab")), "check",
                "in 'goal'"),
    ProjectCase("goal target not a column", _copy(lambda d: d["goal"].update(target="nope")),
                "train", "The column to predict, 'nope', is not in the project's data file"),
    ProjectCase("decision details a list",
                _copy(lambda d: d["decisions"][0].update(details=[1])), "check", NEVER_WRITES),
    ProjectCase("error tags a list", _copy(lambda d: d.update(error_tags=[1])), "check",
                NEVER_WRITES),
    ProjectCase("findings a number", _copy(lambda d: d.update(findings=5)), "check",
                NEVER_WRITES),
    ProjectCase("split rows words", _json(SPLITS, lambda d: d["train"].update(rows=["a", "b"])),
                "train", "the rows of 'train' are not all row numbers"),
    ProjectCase("split rows negative", _json(SPLITS, lambda d: d["dev"].update(rows=[-1, 2])),
                "train", "the rows of 'dev' are not all row numbers"),
    ProjectCase("split rows fractions", _json(SPLITS, lambda d: d["train"].update(rows=[1.5])),
                "train", "the rows of 'train'"),
    ProjectCase("split rows too big", _json(SPLITS, lambda d: d["train"].update(rows=[10**30])),
                "train", "the rows of 'train'"),
    ProjectCase("split rows true", _json(SPLITS, lambda d: d["train"].update(rows=[True])),
                "train", "the rows of 'train'"),
    ProjectCase("splits a list", _text(SPLITS, "[1, 2]"), "train", "splits.json " + NEVER_WRITES),
    ProjectCase("splits not JSON", _text(SPLITS, "{nope"), "train", "splits.json " + NEVER_WRITES),
    ProjectCase("splits nested deep", _text(SPLITS, DEEP), "train", "nested too deep"),
    ProjectCase("split missing", _json(SPLITS, lambda d: d.pop("train")), "train",
                "splits.json was changed outside Practica (the train rows"),
    ProjectCase("coding junk", _text(CODING, "junk"), "train", "preprocess.json " + NEVER_WRITES),
    ProjectCase("coding a list", _text(CODING, "[1]"), "train", "preprocess.json " + NEVER_WRITES),
    ProjectCase("coding unknown kind", _json(CODING, lambda d: d.update(kind="nope")), "train",
                "preprocess.json " + NEVER_WRITES),
    ProjectCase("coding numbers a text", _json(CODING, lambda d: d.update(numeric="abc")),
                "train", "preprocess.json " + NEVER_WRITES),
    ProjectCase("coding fill a word", _json(CODING, lambda d: d["numeric"][0].update(fill="x")),
                "train", "preprocess.json " + NEVER_WRITES),
    ProjectCase("coding nested deep", _text(CODING, DEEP), "train", "nested too deep"),
    ProjectCase("record: vault open", _record("vault", "open"), "check", "in 'vault'"),
    ProjectCase("record: decision without kind", _record("decision", {"text": "x"}), "check",
                "'kind' is missing"),
    ProjectCase("record: schema text", _record("schema", "abc"), "check",
                "the format number 'abc'"),
    ProjectCase("record: goal a list", _record("goal", [1]), "check", "in 'goal'"),
    ProjectCase("record: sources a text", _record("sources", "abc"), "check", NEVER_WRITES),
    ProjectCase("baseline model junk", _run_file("model.json", "[1]"), "predict",
                "model.json " + NEVER_WRITES),
    ProjectCase("baseline model not JSON", _run_file("model.json", "{nope"), "predict",
                "model.json " + NEVER_WRITES),
)
