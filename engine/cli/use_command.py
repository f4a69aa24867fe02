"""``practica use DIR [RUN_OR_TRIAL]``: make a run or a tuning trial the chosen model, or list
the ones that can be chosen; ``practica use-trial DIR N``: adopt trial N of the search, read
from the study itself (``--storage``) and fetched from the shared store (``--artifacts``)
when another worker trained it.

Choosing goes through ``engine.tuning.choice.choose_run``, the engine function behind the
GUI's "Use this trial" and the run picked on the Diagnose page: the run's error ladder is
read, the choice is logged and saved. A run that breaks a limit of the goal can be chosen,
with a plain warning (the final test needs a model that meets every limit).
"""

from __future__ import annotations

import json
import math

from engine.core.texts import text


def add_parser(sub) -> None:
    """The ``use`` subcommand and its options."""
    p = sub.add_parser("use", help="make a run or a tuning trial the chosen model "
                                   "(without one: list those that can be chosen)")
    p.add_argument("dir", help="the project folder")
    p.add_argument("choice", nargs="?", metavar="RUN_OR_TRIAL",
                   help="a run id, or a trial number of the search as the Tune step shows "
                        "it (3 or trial3)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    study_options(p)
    t = sub.add_parser("use-trial", help="make trial N of the tuning search the chosen model, "
                                         "fetching its model when another worker trained it")
    t.add_argument("dir", help="the project folder")
    t.add_argument("trial", metavar="N", help="the trial's number, as 'practica tune' and the "
                                              "Tune step show it (from 1), or 'best': the "
                                              "best trial that meets every limit")
    t.add_argument("--json", action="store_true", help="print a JSON object")
    study_options(t)


def study_options(p) -> None:
    """``--storage`` and ``--artifacts``: where a command reads the study and the trials'
    models."""
    p.add_argument("--storage", metavar="URL",
                   help="the study's database URL (as given to 'practica tune'); the trials "
                        "are read from it first")
    p.add_argument("--artifacts", metavar="PATH",
                   help="the shared folder holding the trials' models (default: the one "
                        "each trial recorded, beside a study kept in a file)")


def refresh_trials(project, storage: str | None) -> None:
    """Rebuild the project's ``tuning/summary.json`` from the study (the database at
    ``storage``, else the project's own journal when there is one), so that trials other
    workers ran since are known."""
    # Imported here to keep Optuna, pandas out of start-up.
    from engine.tuning.journal_lock import journal_path
    from engine.tuning.summary import write_summary

    if storage or journal_path(project.root).is_file():
        write_summary(project.root, storage or None, importance=False)


def cmd_use_trial(args) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.core.errors import GoalError, ProjectError
    from engine.project.project import open_project

    # Imported here to keep pandas out of start-up.
    from engine.tuning.summary import read_summary

    raw = str(args.trial).strip().lower().removeprefix("trial").strip().lstrip("#")
    if raw != "best" and (not raw.isdigit() or int(raw) < 1):
        raise GoalError(text("cli.use.bad_trial", trial=args.trial))
    project = open_project(args.dir)
    refresh_trials(project, args.storage)
    if raw == "best":
        summary = read_summary(project.root)
        if summary is None or summary.best is None:
            raise ProjectError(text("tuning.cli_no_best"))
        raw = str(summary.best.trial)
    return _chosen(project, raw, args)


def cmd_use(args) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.project.project import open_project

    project = open_project(args.dir)
    if getattr(args, "storage", None):
        refresh_trials(project, args.storage)
    if not args.choice:
        return _list(project, args.json)
    return _chosen(project, args.choice, args)


def _chosen(project, name: str, args) -> int:
    """Choose run or trial ``name`` and print what happened."""
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.tuning.choice import choose_run
    from engine.tuning.summary import read_summary

    before = len(project.decisions)
    choice = choose_run(project, name, getattr(args, "artifacts", None) or "")
    fetched = [d for d in project.decisions[before:] if d.kind == "run_fetched"]
    if args.json:
        row = None
        if choice.trial is not None:
            summary = read_summary(project.root)
            row = summary.trial_row(choice.trial - 1) if summary else None
        print(json.dumps({"run": choice.run.id, "trial": choice.trial,
                          "label": choice.run.label, "broken": list(choice.broken),
                          "verdict": project.diagnosis.verdict,
                          "fetched": bool(fetched),
                          "model_sha256": row.model_sha256 if row else ""}, indent=2))
        return 0
    for d in fetched:
        print(d.text)
    print(text("cli.use.chosen", label=choice.run.label, run=choice.run.id,
               dev=_error(project, choice.run.errors["dev"])))
    if choice.broken:
        print(text("cli.use.warning", warning=text("workflow.chosen_breaks",
                                                   label=choice.run.label,
                                                   reasons=" ".join(choice.broken))))
    print(text("cli.verdict", verdict=project.diagnosis.verdict))
    return 0


def _list(project, as_json: bool) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.goal.run_choice import why_not_offered
    from engine.project.fingerprints import split_key
    from engine.tuning.summary import read_summary

    summary = read_summary(project.root)
    trials = {t.run_id: t.trial for t in (summary.trials if summary else ()) if t.run_id}
    current = split_key(project)
    rows = []
    for run in project.runs:
        dev = run.errors.get("dev", math.nan)
        if run.status != "finished" or run.split_key != current or not math.isfinite(dev):
            continue
        rows.append({"run": run.id, "label": run.label, "dev_error": float(dev),
                     "trial": trials.get(run.id), "chosen": run.id == project.chosen_run,
                     "broken": why_not_offered(project, run)})
    rows.sort(key=lambda r: (r["dev_error"], r["run"]))
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(text("cli.use.none"))
        return 0
    print(text("cli.use.header"))
    for r in rows:
        mark = "*" if r["chosen"] else " "
        broken = text("cli.use.breaks", reasons=" ".join(r["broken"])) if r["broken"] else ""
        print(f"{mark} {r['run']:<24} {_error(project, r['dev_error']):>9}  "
              f"{r['label']}{broken}")
    return 0


def _error(project, value: float) -> str:
    # Imported here to keep pandas out of start-up.
    from engine.words.formatting import fmt_error

    return fmt_error(value, project.goal.metric if project.goal else "accuracy")
