"""``practica diagnose``: the error ladder, its verdict and the advice, for a project folder or
for errors typed on the command line. Both forms print the same lines (or the same JSON).

A project is read as it is: its saved diagnosis when that is up to date, otherwise the ladder
of the chosen model (or the best model that meets the limits) is read now, which trains
nothing and is saved like the Diagnose step's reading. For a project the recommended move
follows, with the ``practica train`` command that makes it.
"""

from __future__ import annotations

import json
import sys

from engine.baseline.tree_verdict import trees_sentence
from engine.diagnosis.step import diagnose_project
from engine.cli.move_printer import print_move
from engine.diagnosis.ladder import Diagnosis, diagnose
from engine.core.errors import GoalError
from engine.project.project import open_project
from engine.words.formatting import fmt_error
from engine.app.steps import step_states
from engine.core.texts import text
from engine.project.parts.goal import Goal
from engine.tuning.choice import choose_run
from engine.cli.use_command import refresh_trials


def cmd_diagnose(args) -> int:
    metric = None
    if getattr(args, "run", None) and not args.dir:
        raise GoalError(text("cli.diagnose_run_needs_dir"))
    if args.dir:
        result, metric = _project_diagnosis(args.dir, getattr(args, "run", None),
                                            args.storage, args.artifacts)
    else:
        if args.train is None or args.dev is None:
            raise GoalError(text("cli.diagnose_needs"))
        result = _typed_diagnosis(args).to_dict()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    _print(result, metric)
    if args.dir:
        project = open_project(args.dir)
        trees = trees_sentence(project)
        if trees:
            print(f"  - {trees}")
        print_move(project)
    return 0


def _typed_diagnosis(args) -> Diagnosis:
    def frac(v):
        return None if v is None else v / 100.0

    return diagnose(train=frac(args.train), dev=frac(args.dev), target=frac(args.target_error),
                    train_dev=frac(args.train_dev), test=frac(args.test))


def _project_diagnosis(folder: str, run: str | None = None, storage: str | None = None,
                       artifacts: str | None = None) -> tuple[dict, str | None]:
    project = open_project(folder)
    if storage:  # the trials other workers ran, read from the study first
        refresh_trials(project, storage)
    if run:  # the same choice as 'practica use' and the GUI's; the warning goes to stderr
        choice = choose_run(project, run, artifacts or "")
        if choice.broken:
            print(text("cli.use.warning", warning=text(
                "workflow.chosen_breaks", label=choice.run.label,
                reasons=" ".join(choice.broken))), file=sys.stderr)
        return project.diagnosis.to_dict(), (project.goal or Goal()).metric
    current = project.diagnosis is not None and step_states(project)["diagnose"].state == "done"
    if not current:
        chosen = project.chosen_run if any(r.id == project.chosen_run for r in project.runs) \
            else None
        diagnose_project(project, chosen)
    return project.diagnosis.to_dict(), (project.goal or Goal()).metric


def _print(result: dict, metric: str | None) -> None:
    for row in result["ladder"]:
        shown = fmt_error(row["error"], metric) if metric else f"{row['error'] * 100:.2f}%"
        print(f"  {row['name']:<12} {shown:>8}")
    print(text("cli.verdict", verdict=result["verdict"]))
    print(result["explanation"])
    for move in result["advice"]:
        print(f"  - {move}")
