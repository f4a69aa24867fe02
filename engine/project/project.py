"""The project: one folder that holds everything a user made, and its in-memory state.

Layout of a project folder::

    journal.jsonl       the record: append-only, hash-chained (engine.project.journal)
    project.json        its human-readable copy, with a schema version
    practica.lock       who holds the project now (engine.project.lock)
    splits.json         row numbers of each split (test rows are guarded by the vault)
    preprocess.json     the transform fitted on the training rows
    runs/<id>/run.json  one finished (or stopped) training run, with its model file
    reports/            exported PDF and CSV files

Runs live in their own folders and are discovered when the project opens, so a run that
finished just before a crash is never lost even if ``project.json`` was not saved again.
Opening a project never runs anything.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core import atomic
from engine.project.decisions import Decision, now_iso
from engine.project.journal import JOURNAL_FILE, commit, read_journal
from engine.project.lock import writing
from engine.project.record_state import state_from_record
from engine.core.errors import ProjectError
from engine.project.malformed import reading
from engine.project.paths import check_project_paths
from engine.project.parts.decision_rule import DecisionRule
from engine.project.parts.diagnosis import DiagnosisRecord
from engine.project.parts.error_analysis import ErrorAnalysisRecord
from engine.project.parts.final_test import FinalTestRecord
from engine.project.parts.goal import Goal
from engine.project.parts.learning_curve import LearningCurveRecord
from engine.project.parts.report import ReportRecord
from engine.project.parts.sanity import SanityRecord
from engine.project.parts.split import SplitRecord
from engine.project.parts.summary import DataSummary
from engine.project.parts.vault import Vault
from engine.project.schema import (PARTS, SCHEMA_VERSION, dump_parts, load_parts, migrate,
                                   refuse_newer)
from engine.project.run_record import RunRecord, load_runs
from engine.project.source_changes import SourceChange, check_sources
from engine.project.split_integrity import split_problems
from engine.core.texts import text

PROJECT_FILE = "project.json"
SPLITS_FILE = "splits.json"
PREPROCESS_FILE = "preprocess.json"


@dataclass
class DataSource:
    """A data file the project reads. ``role`` is ``main`` or ``target`` (the data you care about).

    ``kind`` says how it is read: a table (``csv``, ``excel``, ``parquet``), an image folder
    (``images``), or a long-format sequence table (``sequence_long``, with its id, time and
    value columns in ``options``).
    """

    role: str
    path: str
    sha256: str
    rows: int
    kind: str = "csv"
    options: dict[str, Any] = field(default_factory=dict)
    stamp: dict[str, int] | None = None  # size and mtime_ns when sha256 was last confirmed

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "path": self.path, "sha256": self.sha256,
                "rows": self.rows, "kind": self.kind, "options": self.options,
                "stamp": self.stamp}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DataSource":
        if not all(isinstance(d[k], str) for k in ("role", "path", "sha256")) \
                or not isinstance(d.get("kind", "csv"), str):
            raise TypeError("sources")  # a hand edit; open_project says so in one line
        stamp = d.get("stamp")
        return cls(role=d["role"], path=d["path"], sha256=d["sha256"], rows=int(d["rows"]),
                   kind=d.get("kind", "csv"), options=dict(d.get("options") or {}),
                   stamp=dict(stamp) if isinstance(stamp, dict) else None)


@dataclass
class Project:
    """Everything about one piece of work, saved as a folder.

    The parts (``goal``, ``summary``, ``split``, ``sanity``, ``diagnosis``,
    ``learning_curve``, ``error_analysis``, ``decision_rule``, ``vault``, ``final_test``, ``report``) are read
    and written through ``engine.project.schema``; each has its type in
    ``engine.project.parts``. ``error_tags`` maps a data row (its number in the
    main file, as text) to the tags the user gave that dev mistake; they outlive any one
    error analysis.
    """

    root: Path
    name: str
    created: str = field(default_factory=now_iso)
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)
    """A random name of this project, unlike any other (exports name their project by it);
    projects made before it get one at their first save."""
    goal: Goal | None = None
    sources: list[DataSource] = field(default_factory=list)
    summary: DataSummary | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    split: SplitRecord | None = None
    sanity: SanityRecord | None = None
    chosen_run: str | None = None
    diagnosis: DiagnosisRecord | None = None
    learning_curve: LearningCurveRecord | None = None
    error_analysis: ErrorAnalysisRecord | None = None
    error_tags: dict[str, list[str]] = field(default_factory=dict)
    decision_rule: DecisionRule | None = None
    """How the chosen run turns scores into answers (calibration, threshold); see
    ``engine.project.parts.decision_rule``."""
    vault: Vault = field(default_factory=Vault)
    final_test: FinalTestRecord | None = None
    report: ReportRecord | None = None
    decisions: list[Decision] = field(default_factory=list)
    runs: list[RunRecord] = field(default_factory=list)
    data_changes: list[SourceChange] = field(default_factory=list)
    """Data sources found changed or missing when the project was opened (not saved)."""
    integrity_problems: list[str] = field(default_factory=list)
    """Plain sentences about the project's own files found altered outside Practica when it
    was opened (an edited record, an edited split file); shown by the app, the CLI and the
    report. Not saved: found again on every open."""
    journal_head: str | None = field(default=None, repr=False, compare=False)
    """The hash of the last record entry this copy was read from (None: no record yet)."""

    # ----- paths
    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def run_dir(self, run_id: str) -> Path:
        return self.runs_dir / run_id

    def source(self, role: str) -> DataSource | None:
        return next((s for s in self.sources if s.role == role), None)

    def run(self, run_id: str) -> RunRecord:
        for r in self.runs:
            if r.id == run_id:
                return r
        raise ProjectError(text("project.no_such_run", run=run_id))

    # ----- log
    def log(self, kind: str, message: str, **details: Any) -> Decision:
        """Record a decision in the log (saved with the project)."""
        decision = Decision(kind=kind, text=message, details=details)
        self.decisions.append(decision)
        return decision

    @property
    def vault_open(self) -> bool:
        return self.vault.is_open

    # ----- persistence
    def to_dict(self) -> dict[str, Any]:
        parts = dump_parts({name: getattr(self, name) for name in PARTS})
        return {
            "schema": SCHEMA_VERSION,
            "app": "practica",
            "name": self.name,
            "created": self.created,
            "uid": self.uid,
            "goal": parts["goal"],
            "sources": [s.to_dict() for s in self.sources],
            "summary": parts["summary"],
            "findings": self.findings,
            "features": self.features,
            "split": parts["split"],
            "sanity": parts["sanity"],
            "chosen_run": self.chosen_run,
            "diagnosis": parts["diagnosis"],
            "learning_curve": parts["learning_curve"],
            "error_analysis": parts["error_analysis"],
            "error_tags": self.error_tags,
            "decision_rule": parts["decision_rule"],
            "vault": parts["vault"],
            "final_test": parts["final_test"],
            "report": parts["report"],
            "decisions": [d.to_dict() for d in self.decisions],
        }

    def save(self) -> None:
        """Append what changed to the project's record (``engine.project.journal``) and
        rewrite ``project.json`` from it, atomically. Runs are written by their jobs.

        Refused with ``ProjectLockedError`` while another program holds the project, and
        with ``ProjectChangedError`` when the record moved on since this copy was read (a
        save never undoes another program's work)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.uid = self.uid or uuid.uuid4().hex
        state = self.to_dict()
        with writing(self.root):
            read, folded = commit(self.root, self.journal_head, state)
            cache = {**{k: folded.get(k) for k in state}, **folded,
                     "journal": {"entries": len(read.entries), "head": read.head}}
            atomic.write_json(self.root / PROJECT_FILE, cache)
        self.journal_head = read.head

    def reload_runs(self) -> None:
        """Re-read the run folders (after a job finished in another process)."""
        self.runs = load_runs(self.runs_dir)


def create_project(root: str | Path, name: str | None = None) -> Project:
    """Make a new, empty project folder. Refuses a folder that already holds a project."""
    root = Path(root).expanduser().resolve()
    if (root / PROJECT_FILE).exists() or (root / JOURNAL_FILE).exists():
        raise ProjectError(text("project.exists", path=root))
    if root.exists() and not root.is_dir():
        raise ProjectError(text("project.not_a_folder", path=root))
    project = Project(root=root, name=name or root.name)
    project.log("project_created", text("decision.project_created", name=project.name))
    project.save()
    return project


def open_project(root: str | Path) -> Project:
    """Read a project folder. Never runs anything; migrates old schemas in memory.

    The project's state comes from its record (``journal.jsonl``); ``project.json`` is the
    readable copy, and is rebuilt from the record when it is missing or damaged. A record
    altered outside Practica, or a copy that disagrees with it, is listed in
    ``integrity_problems``. Paths in the project's files must stay inside its folder
    (``engine.project.paths``); the data files' fingerprints are compared with the files on
    disk, and any that changed or went missing are listed in ``data_changes``
    (``engine.project.source_changes``) for the caller to show.
    """
    root = Path(root).expanduser().resolve()
    path = root / PROJECT_FILE
    read = read_journal(root)
    cache, damage = _read_copy(path)
    if cache is None and not read.entries:
        if damage is None:
            raise ProjectError(text("project.missing", path=root))
        raise ProjectError(text("project.damaged", path=path, problem=damage))
    if cache is not None and isinstance(cache.get("schema"), int):
        refuse_newer(cache["schema"])
    data, problems = state_from_record(read, cache)
    data = migrate(data, str(path))
    runs = load_runs(root / "runs")
    check_project_paths(root, data, runs)
    with reading(path):  # a hand-edited field ends in one line (engine.project.malformed)
        project = Project(
            root=root,
            name=str(data.get("name") or root.name),
            created=str(data.get("created") or ""),
            uid=str(data.get("uid") or ""),
            sources=[DataSource.from_dict(s) for s in data.get("sources", [])],
            findings=list(data.get("findings") or []),
            features=list(data.get("features") or []),
            chosen_run=data.get("chosen_run"),
            error_tags={str(k): [str(t) for t in v] for k, v in
                        (data.get("error_tags") or {}).items()},
            decisions=[Decision.from_dict(d) for d in data.get("decisions", [])],
            runs=runs,
            **load_parts(data, str(path)),
        )
    project.journal_head = read.head
    project.integrity_problems = problems
    project.data_changes = check_sources(project.sources)
    project.integrity_problems += split_problems(root / SPLITS_FILE, project.split)
    return project


def _read_copy(path: Path) -> tuple[dict[str, Any] | None, Any]:
    """``project.json`` as a dict, or None with why (None when it is simply absent)."""
    if not path.is_file():
        return None, None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, exc if not isinstance(exc, RecursionError) else "nested too deeply"
    if not isinstance(raw, dict) or raw.get("app") != "practica":
        return None, "not a Practica project"
    return raw, None


def find_run(project: Project, run_id: str | None) -> RunRecord | None:
    """The run with id ``run_id``, or None (never raises)."""
    return next((r for r in project.runs if r.id == run_id), None) if run_id else None


def chosen_run(project: Project) -> RunRecord | None:
    """The run chosen in the diagnosis step, if any."""
    return find_run(project, project.chosen_run)
