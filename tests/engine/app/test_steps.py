"""Step gating is a pure function of the project: locked / ready / done / stale."""

from dataclasses import replace
from engine.diagnosis.step import diagnose_project
from engine.project.project import create_project
from engine.report.step import export_report
from engine.split.step import split_project as make_split
from engine.app.steps import DONE, LOCKED, READY, STALE, step_states
from engine.training.job import TrainingSpec, run_training


def states(project):
    return {k: v.state for k, v in step_states(project).items()}


def test_a_new_project_only_offers_the_goal(tmp_path):
    s = states(create_project(tmp_path / "p"))
    assert s == {"goal": READY, "data": LOCKED, "baseline": LOCKED, "diagnose": LOCKED,
                 "tune": LOCKED, "final": LOCKED, "report": LOCKED, "use": LOCKED}


def test_steps_open_in_order_and_changes_mark_later_results_stale(split_project):
    p = split_project
    assert states(p)["data"] == DONE and states(p)["baseline"] == READY
    run_training(TrainingSpec(str(p.root), "linear"))
    p.reload_runs()
    assert states(p)["baseline"] == DONE and states(p)["diagnose"] == READY
    diagnose_project(p)
    s = states(p)
    assert s["diagnose"] == DONE and s["tune"] == READY and s["final"] == READY
    assert s["use"] == READY  # a chosen model can be used on new data
    export_report(p)
    assert states(p)["report"] == DONE

    # A model chosen without reading its ladder (the diagnosis is another model's): stale.
    run_training(TrainingSpec(str(p.root), "majority"))
    p.reload_runs()
    chosen = p.chosen_run
    p.chosen_run = next(r.id for r in p.runs if r.model == "majority")
    assert states(p)["diagnose"] == STALE
    p.chosen_run = chosen
    assert states(p)["diagnose"] == DONE

    # Judging runs differently makes the diagnosis (and the report) stale, not the runs.
    p.goal = replace(p.goal, metric="balanced_accuracy")
    p.log("metric_chosen", "Optimizing metric: balanced_accuracy.")
    s = states(p)
    assert s["baseline"] == DONE and s["diagnose"] == STALE and s["report"] == STALE

    # A new split makes the runs stale; the new split itself is done.
    make_split(p, seed=99)
    s = states(p)
    assert s["data"] == DONE and s["baseline"] == STALE and s["diagnose"] == LOCKED
    assert s["use"] == LOCKED  # its preprocessing was fitted on the old split


def test_changing_the_features_makes_the_split_stale(split_project):
    split_project.features = split_project.features[:-1]
    assert states(split_project)["data"] == STALE
    assert states(split_project)["baseline"] == LOCKED
