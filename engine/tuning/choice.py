"""Which model is the chosen one: a run or a tuning trial named by the user, or the search's
best trial when it wins.

``choose_run`` makes a run (by its id) or a trial (by the number users see, from 1) the
chosen model the way the GUI does ("Use this trial" on the Tune page, a run picked on the
Diagnose page): ``engine.diagnosis.step.diagnose_project`` with that run, which reads its
error ladder, logs the choice and saves. It also says which limits of the goal the run
breaks, so that the caller can warn.

``adopt_best_trial`` is the one rule that ``practica tune`` and ``run --until tune`` follow
after a search: the best finished trial that meets every limit of the goal (checked again
on its saved run, on the current split) becomes the chosen model when its dev error is lower
than the chosen model's, or when the chosen model is out of date (another split, not
finished) or breaks a limit (in a search with k-fold the best trial is the one with the
lowest mean error over the folds, and its run's dev error is what is compared with the chosen
model's, on the same dev rows). A chosen model that is at least as good is left alone; before
anything was chosen (no diagnosis yet) nothing is adopted: the Diagnose step chooses among
every run.

Use:
    choice = choose_run(project, "3")        # trial 3 of the search
    choice.broken                            # limits it breaks ([] when none)
    adoption = adopt_best_trial(project)
    adoption.adopted, adoption.sentence
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.goal.run_choice import why_not_offered
from engine.project.fingerprints import split_key
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.tuning.summary import current_summary
from engine.tuning.trial_store import fetch_run


@dataclass(frozen=True)
class Choice:
    """A run made the chosen model: the run, its trial (from 1; None for a plain run) and
    one sentence per limit of the goal it breaks."""

    run: RunRecord
    trial: int | None
    broken: tuple[str, ...] = ()


@dataclass(frozen=True)
class Adoption:
    """What ``adopt_best_trial`` did: whether the best feasible trial became the chosen
    model, that trial (from 1) and run, both dev errors, and a sentence saying why."""

    adopted: bool
    trial: int | None
    run: str
    error: float | None
    before: float | None
    sentence: str

    def to_dict(self) -> dict:
        return {"adopted": self.adopted, "trial": self.trial, "run": self.run,
                "error": self.error, "before": self.before, "sentence": self.sentence}


def named_run(project: Project, name: str, artifacts: str = "") -> tuple[RunRecord, int | None]:
    """The run ``name`` stands for: a trial number of the search (``3``, ``trial 3``,
    ``#3``: counted from 1 as the Tune page shows them) or a run id. A trial's run that
    another worker trained is fetched from the shared store (``artifacts``, else the one the
    trial recorded) and checked first (``engine.tuning.trial_store.fetch_run``).

    Raises:
        ProjectError: no such trial or run, the trial has not finished or made no run, or
            its run cannot be reached.
    """
    raw = str(name).strip()
    digits = raw.lower().removeprefix("trial").strip().lstrip("#").strip()
    if digits.isdigit() and not any(r.id == raw for r in project.runs):
        number = int(digits)
        summary = current_summary(project.root)
        row = summary.trial_row(number - 1) if summary is not None else None
        if row is None:
            raise ProjectError(text("tuning.no_such_trial", trial=number))
        if row.state == "running":
            raise ProjectError(text("tuning.trial_running", trial=number, state=row.state))
        if not row.run_id:
            raise ProjectError(text("tuning.trial_without_run", trial=number, state=row.state))
        fetch_run(project, row.run_id, artifacts)
        return project.run(row.run_id), number
    if not any(r.id == raw for r in project.runs):
        fetch_run(project, raw, artifacts)
    return project.run(raw), _trial_of(project, raw)


def _trial_of(project: Project, run_id: str) -> int | None:
    summary = current_summary(project.root)
    for row in (summary.trials if summary is not None else ()):
        if row.run_id == run_id:
            return row.trial
    return None


def choose_run(project: Project, name: str, artifacts: str = "") -> Choice:
    """Make the run or trial ``name`` the chosen model, as the GUI does (its ladder is read,
    the choice logged and the project saved); say which limits it breaks. A trial's run
    trained by another worker is fetched from the shared store first (``named_run``).

    Raises:
        ProjectError: no such run or trial, or its run did not finish with a dev error, or
            cannot be reached.
    """
    # Imported here to keep scikit-learn out of start-up.
    from engine.diagnosis.step import diagnose_project

    run, trial = named_run(project, name, artifacts)
    if run.status != "finished" or not math.isfinite(run.errors.get("dev", math.nan)):
        raise ProjectError(text("tuning.run_not_finished", run=run.id, status=run.status))
    if run.split_key != split_key(project):
        raise ProjectError(text("tuning.run_of_old_split", run=run.id))
    diagnose_project(project, run.id)
    return Choice(run, trial, tuple(why_not_offered(project, run)))


def best_feasible_trial_run(project: Project) -> tuple[int, RunRecord] | None:
    """The finished trial (from 1) whose run has the lowest dev error among those that meet
    every limit of the goal now and were trained on the current split; None when none. In a
    search with k-fold the trials are ranked by their mean error over the folds instead.
    A run another worker trained is fetched from the shared store when its trial comes first
    (``engine.tuning.trial_store``); one that cannot be reached is passed over."""
    summary = current_summary(project.root)
    if summary is None:
        return None
    current = split_key(project)
    by_folds = summary.settings is not None and bool(summary.settings.kfold)
    rows = sorted((r for r in summary.trials if r.state == "complete" and r.run_id
                   and r.value is not None), key=lambda r: (r.value, r.trial))
    found = []
    for row in rows:
        run = _reached(project, row.run_id)
        if run is None or run.status != "finished" or run.split_key != current:
            continue
        dev = run.errors.get("dev", math.nan)
        if by_folds:
            dev = row.value if row.value is not None else math.nan
        if math.isfinite(dev) and not why_not_offered(project, run):
            found.append((dev, row.trial, run))
            break  # the rows come in order of their error: no better one follows, and no
            # other run is fetched
    if not found:
        return None
    _dev, trial, run = min(found, key=lambda f: f[:2])
    return trial, run


def _reached(project: Project, run_id: str) -> RunRecord | None:
    """Run ``run_id``, fetched from the shared store when it is not here; None when it
    cannot be reached."""
    try:
        fetch_run(project, run_id)
        return project.run(run_id)
    except ProjectError:
        return None


def adopt_best_trial(project: Project) -> Adoption:
    """Make the best feasible trial the chosen model when it beats the chosen model (see the
    module docstring); the choice is logged and the ladder read again, as ``choose_run``."""
    # Imported here to keep scikit-learn out of start-up.
    from engine.diagnosis.step import diagnose_project

    if not project.chosen_run:  # the Diagnose step chooses first, among every run
        return Adoption(False, None, "", None, None, text("tuning.adopt_nothing_chosen"))
    best = best_feasible_trial_run(project)
    if best is None:
        return Adoption(False, None, "", None, None, text("tuning.adopt_none"))
    trial, run = best
    error = float(run.errors["dev"])
    chosen = _chosen(project)
    if chosen is not None and chosen.id == run.id:
        return Adoption(False, trial, run.id, error, error,
                        text("tuning.adopt_already", trial=trial, run=run.id))
    before = None if chosen is None else float(chosen.errors["dev"])
    chosen_breaks = chosen is not None and bool(why_not_offered(project, chosen))
    if before is not None and not chosen_breaks and error >= before:
        return Adoption(False, trial, run.id, error, before,
                        text("tuning.adopt_kept", trial=trial, error=f"{error:.4g}",
                             label=chosen.label, before=f"{before:.4g}"))
    project.log("tuning_chosen", text("decision.tuning_chosen", trial=trial, run=run.id,
                                      error=f"{error:.4g}",
                                      before="-" if before is None else f"{before:.4g}"),
                run=run.id, trial=trial)
    diagnose_project(project, run.id)
    return Adoption(True, trial, run.id, error, before,
                    text("tuning.adopt_done", trial=trial, run=run.id, error=f"{error:.4g}"))


def _chosen(project: Project) -> RunRecord | None:
    """The chosen run when it is a finished run of the current split with a dev error."""
    for run in project.runs:
        if run.id == project.chosen_run:
            ok = (run.status == "finished" and run.split_key == split_key(project)
                  and math.isfinite(run.errors.get("dev", math.nan)))
            return run if ok else None
    return None
