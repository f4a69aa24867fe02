"""The project: one folder that holds everything a user made, and its in-memory state.

Layout of a project folder::

    project.json        human-readable state, with a schema version
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core import atomic
from engine.project.decisions import Decision, now_iso
from engine.core.errors import ProjectError
from engine.project.paths import check_project_paths
from engine.project.schema import SCHEMA_VERSION, migrate
from engine.project.run_record import RunRecord, load_runs
from engine.project.source_changes import SourceChange, check_sources
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
        stamp = d.get("stamp")
        return cls(role=d["role"], path=d["path"], sha256=d["sha256"], rows=int(d["rows"]),
                   kind=d.get("kind", "csv"), options=dict(d.get("options") or {}),
                   stamp=dict(stamp) if isinstance(stamp, dict) else None)


@dataclass
class Project:
    """Everything about one piece of work, saved as a folder.

    The dict-valued fields (``goal``, ``split``, ``diagnosis``, ``learning_curve``,
    ``error_analysis``, ``final_test``, ``vault``) hold the ``to_dict()`` form of their engine
    objects so the file stays plain JSON. ``error_tags`` maps a data row (its number in the
    main file, as text) to the tags the user gave that dev mistake; they outlive any one
    error analysis.
    """

    root: Path
    name: str
    created: str = field(default_factory=now_iso)
    goal: dict[str, Any] | None = None
    sources: list[DataSource] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    split: dict[str, Any] | None = None
    sanity: dict[str, Any] | None = None
    chosen_run: str | None = None
    diagnosis: dict[str, Any] | None = None
    learning_curve: dict[str, Any] | None = None
    error_analysis: dict[str, Any] | None = None
    error_tags: dict[str, list[str]] = field(default_factory=dict)
    vault: dict[str, Any] = field(default_factory=lambda: {"opened_at": None, "evaluations": []})
    final_test: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
    decisions: list[Decision] = field(default_factory=list)
    runs: list[RunRecord] = field(default_factory=list)
    data_changes: list[SourceChange] = field(default_factory=list)
    """Data sources found changed or missing when the project was opened (not saved)."""

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
        return bool(self.vault.get("opened_at"))

    # ----- persistence
    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "app": "practica",
            "name": self.name,
            "created": self.created,
            "goal": self.goal,
            "sources": [s.to_dict() for s in self.sources],
            "summary": self.summary,
            "findings": self.findings,
            "features": self.features,
            "split": self.split,
            "sanity": self.sanity,
            "chosen_run": self.chosen_run,
            "diagnosis": self.diagnosis,
            "learning_curve": self.learning_curve,
            "error_analysis": self.error_analysis,
            "error_tags": self.error_tags,
            "vault": self.vault,
            "final_test": self.final_test,
            "report": self.report,
            "decisions": [d.to_dict() for d in self.decisions],
        }

    def save(self) -> None:
        """Write ``project.json`` atomically. Runs are written by their jobs."""
        self.root.mkdir(parents=True, exist_ok=True)
        atomic.write_json(self.root / PROJECT_FILE, self.to_dict())

    def reload_runs(self) -> None:
        """Re-read the run folders (after a job finished in another process)."""
        self.runs = load_runs(self.runs_dir)


def create_project(root: str | Path, name: str | None = None) -> Project:
    """Make a new, empty project folder. Refuses a folder that already holds a project."""
    root = Path(root).expanduser().resolve()
    if (root / PROJECT_FILE).exists():
        raise ProjectError(text("project.exists", path=root))
    if root.exists() and not root.is_dir():
        raise ProjectError(text("project.not_a_folder", path=root))
    project = Project(root=root, name=name or root.name)
    project.log("project_created", text("decision.project_created", name=project.name))
    project.save()
    return project


def open_project(root: str | Path) -> Project:
    """Read a project folder. Never runs anything; migrates old schemas in memory.

    Paths in the project's files must stay inside its folder (``engine.project.paths``);
    the data files' fingerprints are compared with the files on disk, and any that changed
    or went missing are listed in ``data_changes`` (``engine.project.source_changes``) for the
    caller to show.
    """
    root = Path(root).expanduser().resolve()
    path = root / PROJECT_FILE
    if not path.is_file():
        raise ProjectError(text("project.missing", path=root))
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectError(text("project.damaged", path=path, problem=exc)) from exc
    if not isinstance(raw, dict) or raw.get("app") != "practica":
        raise ProjectError(text("project.damaged", path=path, problem="not a Practica project"))
    data = migrate(raw)
    runs = load_runs(root / "runs")
    check_project_paths(root, data, runs)
    project = Project(
        root=root,
        name=data["name"],
        created=data["created"],
        goal=data.get("goal"),
        sources=[DataSource.from_dict(s) for s in data.get("sources", [])],
        summary=data.get("summary"),
        findings=list(data.get("findings") or []),
        features=list(data.get("features") or []),
        split=data.get("split"),
        sanity=data.get("sanity"),
        chosen_run=data.get("chosen_run"),
        diagnosis=data.get("diagnosis"),
        learning_curve=data.get("learning_curve"),
        error_analysis=data.get("error_analysis"),
        error_tags={str(k): [str(t) for t in v] for k, v in
                    (data.get("error_tags") or {}).items()},
        vault=dict(data.get("vault") or {"opened_at": None, "evaluations": []}),
        final_test=data.get("final_test"),
        report=data.get("report"),
        decisions=[Decision.from_dict(d) for d in data.get("decisions", [])],
        runs=runs,
    )
    project.data_changes = check_sources(project.sources)
    return project


def find_run(project: Project, run_id: str | None) -> RunRecord | None:
    """The run with id ``run_id``, or None (never raises)."""
    return next((r for r in project.runs if r.id == run_id), None) if run_id else None


def chosen_run(project: Project) -> RunRecord | None:
    """The run chosen in the diagnosis step, if any."""
    return find_run(project, project.chosen_run)
