"""What the kill loop (``bench.kill_loop``) checks after each kill, and how it reads a child.

A killed child's last report lines say what it had saved (``Claims``) and where it died
(``phase_at_death``); ``check_project`` reopens the project and compares it with the
claims, adding what is wrong to ``Findings``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

TEMP_PREFIX = "."
"""Atomic writes use hidden temporary files (``engine.core.atomic``)."""


@dataclass
class Claims:
    """What the children said was saved before they died (the truth to check against)."""

    runs: set[str] = field(default_factory=set)
    trials: set[int] = field(default_factory=set)
    decisions: int = 0

    def add(self, lines: list[str]) -> None:
        for line in lines:
            parts = line.split()
            if parts[:1] == ["R"] and len(parts) == 3 and parts[2] == "finished":
                self.runs.add(parts[1])
            elif parts[:1] == ["T"] and len(parts) >= 3 and parts[2] == "complete":
                self.trials.add(int(parts[1]))
            elif parts[:1] == ["D"] and len(parts) == 2:
                self.decisions = max(self.decisions, int(parts[1]))


@dataclass
class Findings:
    """What the checks found wrong: runs and trials lost, damaged files and the like."""

    problems: list[str] = field(default_factory=list)
    runs_lost: set[str] = field(default_factory=set)
    trials_lost: set[int] = field(default_factory=set)

    def note(self, problem: str) -> None:
        """Add ``problem`` once (the same damage is seen again at every later check)."""
        if problem not in self.problems:
            self.problems.append(problem)


def phase_at_death(lines: list[str]) -> str:
    """Where a child was when it died, from the last lines it reported."""
    saving: list[str] = []
    stalled: dict[str, str] = {}
    journal = False
    stage = "starting"
    for line in lines:
        code, _, rest = line.partition(" ")
        if code == "S":
            saving.append(rest)
        elif code in ("H", "W"):
            stalled[rest] = code
        elif code == "E" and rest in saving:
            saving.remove(rest)
            stalled.pop(rest, None)
        elif code in ("J", "j"):
            journal = code == "J"
        elif code == "G":
            stage = {"load": "loading data", "train": "training", "evaluate": "evaluating",
                     "stopping": "stopping", "trial": "starting a trial"}.get(rest, rest)
        elif code in ("B", "R", "D"):
            stage = "between runs"
    if saving:
        name = saving[-1]
        kind = ("checkpoint arrays" if name.endswith(".npz") else
                "model file" if name.endswith(".keras") else name)
        how = {"H": " (half written)", "W": " (written, not yet in place)"}
        return f"saving {kind}{how.get(stalled.get(name), '')}"
    return "writing the tuning journal" if journal else stage


def resumed_runs(lines: list[str]) -> int:
    """Runs a child resumed from a checkpoint (``B <run>``) and saved finished."""
    resumed = {line.split()[1] for line in lines if line.startswith("B ")} - {"-"}
    return sum(1 for line in lines if line.startswith("R ") and line.endswith(" finished")
               and line.split()[1] in resumed)


def temp_files(root: Path) -> list[Path]:
    """Hidden files an interrupted write left (never read as project files)."""
    return [p for p in root.rglob(f"{TEMP_PREFIX}*") if p.is_file()]


def interrupted_runs(root: Path) -> tuple[int, int]:
    """Run folders without a record (their process was killed), and how many of them hold
    a checkpoint to resume from."""
    from engine.project.project import open_project
    from engine.project.run_record import RUN_FILE
    from engine.training.job import resumable_runs

    project = open_project(root)
    folders = [p for p in project.runs_dir.iterdir() if p.is_dir()]
    waiting = set(resumable_runs(project))
    unrecorded = [p.name for p in folders if not (p / RUN_FILE).is_file()]
    return len(unrecorded), len(waiting & set(unrecorded))


def check_project(root: Path, claims: Claims, verified: dict, findings: Findings) -> None:
    """Reopen the project and check it against ``claims``; add what is wrong to ``findings``.

    Checked: the project opens; ``project.json`` holds every decision a child saved; every
    ``run.json``, ``spec.json`` and ``checkpoint.json`` parses; a checkpoint present loads;
    every run folder with a ``run.json`` is listed; every finished run's model loads with
    the project's own loader (``engine.training.predictor.load_predictor``, Keras safe mode); every
    run a child reported finished is still there and finished; the tuning journal opens
    and holds every trial a child reported complete, each with its finished run; the
    tuning summary, when present, reads; no temporary file is listed as a run.
    """
    from engine.training.checkpoint_store import JSON_FILE, load_checkpoint
    from engine.core.errors import PracticaError
    from engine.training.predictor import load_predictor
    from engine.kinds.preprocess_store import load_preprocessor
    from engine.project.project import open_project
    from engine.project.run_record import RUN_FILE
    from engine.training.job import SPEC_FILE
    from engine.tuning.summary import read_summary, summary_path
    from engine.tuning.study import journal_path

    try:
        project = open_project(root)
    except PracticaError as exc:
        findings.note(f"the project does not open: {exc}")
        return
    if len(project.decisions) < claims.decisions:
        findings.note(f"project.json lost decisions: {len(project.decisions)} of "
                      f"{claims.decisions}")
    runs = {r.id: r for r in project.runs}
    for folder in sorted(p for p in project.runs_dir.iterdir() if p.is_dir()):
        for name in (RUN_FILE, SPEC_FILE, JSON_FILE):
            path = folder / name
            if path.is_file():
                try:
                    json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    findings.note(f"{folder.name}/{name} is damaged: {exc}")
        if (folder / JSON_FILE).is_file() and load_checkpoint(folder) is None:
            findings.note(f"{folder.name}: its checkpoint does not load")
        if (folder / RUN_FILE).is_file() and folder.name not in runs:
            findings.note(f"{folder.name}: run.json present but the run is not listed")
    prep = None
    for run in runs.values():
        if run.id.startswith(TEMP_PREFIX) or (run.model_file or "").startswith(TEMP_PREFIX):
            findings.note(f"a temporary file is taken for a run: {run.id}")
        if run.status != "finished":
            continue
        path = project.run_dir(run.id) / (run.model_file or "")
        try:
            stat = path.stat()
            key = (stat.st_size, stat.st_mtime_ns)
            if verified.get(run.id) != key:
                prep = prep or load_preprocessor(project)
                load_predictor(project.run_dir(run.id), run, prep)
                verified[run.id] = key
        except Exception as exc:  # noqa: BLE001 - any failure to load is the finding
            findings.note(f"the model of finished run {run.id} does not load: "
                          f"{type(exc).__name__}: {exc}")
    for run_id in claims.runs:
        if run_id not in runs or runs[run_id].status != "finished":
            findings.runs_lost.add(run_id)
    if journal_path(root).is_file():
        _check_journal(root, runs, claims, findings)
    if summary_path(root).is_file() and read_summary(root) is None:
        findings.note("tuning/summary.json is damaged")


def _check_journal(root: Path, runs: dict, claims: Claims, findings: Findings) -> None:
    import optuna
    from optuna.trial import TrialState

    from engine.tuning.study import STUDY_NAME, journal_path, make_storage

    raw = journal_path(root).read_bytes()
    if raw and not raw.endswith(b"\n"):
        findings.note("the tuning journal ends in a cut line")
    try:
        study = optuna.load_study(study_name=STUDY_NAME, storage=make_storage(root))
    except Exception as exc:  # noqa: BLE001 - a journal that does not open is the finding
        findings.note(f"the tuning journal does not open: {type(exc).__name__}: {exc}")
        return
    complete = {t.number: t for t in study.get_trials(deepcopy=False,
                                                      states=(TrialState.COMPLETE,))}
    findings.trials_lost |= {n for n in claims.trials if n not in complete}
    for trial in complete.values():
        run_id = str(trial.user_attrs.get("run_id", ""))
        if run_id not in runs or runs[run_id].status != "finished":
            findings.note(f"complete trial {trial.number + 1}: its run {run_id} "
                          "is missing or not finished")
