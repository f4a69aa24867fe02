"""The checks before the vault: a stale or limit-breaking choice is stopped before any test
row is read; an override and a new experiment go through, are logged and are shown in the
report; ``run --until final`` redoes a stale diagnosis."""

from dataclasses import replace
import functools
import json
import shutil

import pandas as pd
import pytest
from pypdf import PdfReader

import engine.app.workflow
import engine.final.step
from engine.app.workflow import run_until
from engine.cli.main import main
from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.diagnosis.step import diagnose_project
from engine.final.gate import VaultGateError, redo_diagnosis, vault_gate
from engine.final.step import run_final_test
from engine.project.fingerprints import judging_key, split_key
from engine.project.parts.goal import GoalConstraint
from engine.project.project import open_project
from engine.project.source_changes import SourceChange
from engine.report.step import export_report
from engine.split.step import split_project

FEW = 40  # bootstrap resamples: the intervals are not under test here


@pytest.fixture
def project(trained_dir, tmp_path):
    shutil.copytree(trained_dir, tmp_path / "p")
    return open_project(tmp_path / "p")


@pytest.fixture
def watched(monkeypatch):
    """Which test-set reads and seed trainings the final test starts; few resamples."""
    seen = []

    def spy(name, real):
        def call(*args, **kwargs):
            seen.append((name, args[1] if len(args) > 1 else kwargs))
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(engine.final.step, "split_frame",
                        spy("split_frame", engine.final.step.split_frame))
    monkeypatch.setattr(engine.final.step, "train_repeats",
                        spy("train_repeats", engine.final.step.train_repeats))
    quick = functools.partial(engine.final.step.run_final_test, n_resamples=FEW)
    monkeypatch.setattr(engine.app.workflow, "run_final_test", quick)
    return seen


def _same(a, b) -> bool:
    """Records compared as saved (a spread over one seed holds NaN in memory, null on disk)."""
    def saved(record):
        return json.dumps(record.to_dict(), sort_keys=True).replace("NaN", "null")

    return saved(a) == saved(b)


def _model(project, model):
    return next(r for r in project.runs if r.model == model)


def _limit(project, bound):
    """Only models with fewer than ``bound`` weights meet the goal now."""
    project.goal = replace(project.goal, constraints=(GoalConstraint("params", "<", bound),))
    project.save()


def _closed(project, watched):
    again = open_project(project.root)
    assert not again.vault_open and again.final_test is None
    assert not again.vault.evaluations
    assert watched == []  # no test row read, no seed copy trained


def test_a_choice_diagnosed_before_the_limits_changed_is_stopped(project, watched):
    linear = _model(project, "linear")
    diagnose_project(project, linear.id)  # boosted trees may score as well on this table
    assert project.chosen_run == linear.id and vault_gate(project).clear
    _limit(project, 5)  # the logistic regression (7 weights) breaks the new limit
    verdict = vault_gate(project)
    assert verdict.stale == (text("gate.judging_changed"),)
    assert len(verdict.reasons) == 1 and "breaks a limit" in verdict.reasons[0]
    assert verdict.redo_run == _model(project, "majority").id  # the best that meets it
    with pytest.raises(VaultGateError, match="changed after the diagnosis"):
        run_final_test(project, seeds=1, n_resamples=FEW)
    # An override does not skip a stale diagnosis: it must be redone first.
    with pytest.raises(VaultGateError, match="Redo the diagnosis"):
        run_final_test(project, seeds=1, override="I know", n_resamples=FEW)
    _closed(project, watched)


def test_a_hand_picked_model_that_breaks_a_limit_is_stopped_then_overridden(project,
                                                                           watched, tmp_path):
    _limit(project, 5)
    linear = _model(project, "linear")
    diagnose_project(project, linear.id)  # picked by hand, as the Diagnose list allows
    verdict = vault_gate(project)
    assert not verdict.stale and not verdict.seen
    assert len(verdict.reasons) == 1
    assert verdict.reasons[0].startswith(f"{linear.label} breaks a limit you set. ")
    with pytest.raises(VaultGateError) as refused:
        run_final_test(project, seeds=1, n_resamples=FEW)
    assert "--override" in str(refused.value) and "breaks a limit" in str(refused.value)
    with pytest.raises(VaultGateError):
        run_final_test(project, seeds=1, override="   ", n_resamples=FEW)  # no reason given
    _closed(project, watched)

    final = run_final_test(project, seeds=1, override="the limit was a guess",
                           n_resamples=FEW)
    assert final.run == linear.id and final.checks.overridden == verdict.reasons
    assert final.checks.override_reason == "the limit was a guess" and final.checks.look == 1
    again = open_project(project.root)
    assert again.final_test.checks == final.checks
    kinds = [d.kind for d in again.decisions]
    assert kinds.index("vault_override") < kinds.index("vault_opened")
    logged = next(d for d in again.decisions if d.kind == "vault_override")
    assert logged.details == {"run": linear.id, "reasons": list(verdict.reasons),
                              "reason": "the limit was a guess"}

    # The report says so: a note in the PDF's final test section, the CSV's README and
    # decisions file.
    files = export_report(again, pdf=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    pdf = " ".join(" ".join(p.extract_text() or "" for p in
                            PdfReader(str(files.pdf)).pages).split())
    assert "were overridden for this test" in pdf and "the limit was a guess" in pdf
    readme = (tmp_path / "csv" / "README.txt").read_text(encoding="utf-8")
    assert "were overridden for this test" in readme and "the limit was a guess" in readme
    decisions = pd.read_csv(tmp_path / "csv" / "decisions.csv")
    assert "vault_override" in set(decisions["kind"])


def test_a_second_final_test_needs_a_new_experiment_and_keeps_the_first(project, watched,
                                                                        tmp_path):
    diagnose_project(project)
    first = run_final_test(project, seeds=1, n_resamples=FEW)
    assert first.checks.look == 1 and first.earlier == ()
    watched.clear()
    with pytest.raises(VaultGateError, match="already used") as refused:
        run_final_test(project, seeds=1, n_resamples=FEW)
    assert "--new-experiment" in str(refused.value)
    assert watched == [] and _same(open_project(project.root).final_test, first)

    second = run_final_test(project, seeds=1, n_resamples=FEW,
                            new_experiment="the data owner asked for a rerun")
    assert second.checks.look == 2 and second.checks.look_reason.startswith("the data")
    assert len(second.earlier) == 1 and _same(second.earlier[0], first)  # kept whole
    again = open_project(project.root)
    assert _same(again.final_test, second) and again.vault.uses == 2
    asked = [d for d in again.decisions if d.kind == "new_experiment"]
    assert len(asked) == 1 and asked[0].details["look"] == 2
    assert asked[0].details["previous"]["evaluated_at"] == first.evaluated_at
    assert [d.kind for d in again.decisions].count("final_test") == 2

    files = export_report(again, pdf=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    pdf = " ".join(" ".join(p.extract_text() or "" for p in
                            PdfReader(str(files.pdf)).pages).split())
    assert "look number 2 at the test set" in pdf and "Earlier final test, kept" in pdf
    assert "likely better than what the model will do" in pdf
    readme = (tmp_path / "csv" / "README.txt").read_text(encoding="utf-8")
    assert "look number 2" in readme

    # A third look is a new experiment too, and keeps both earlier tests.
    third = run_final_test(again, seeds=1, n_resamples=FEW, new_experiment="again")
    assert third.checks.look == 3 and len(third.earlier) == 2
    assert _same(third.earlier[0], first) and _same(third.earlier[1], replace(second,
                                                                               earlier=()))


def test_a_model_that_is_not_current_is_stopped(project, watched):
    linear = _model(project, "linear")
    diagnose_project(project, linear.id)  # boosted trees may score as well on this table
    assert vault_gate(project).clear
    project.data_changes = [SourceChange("main", "data.csv", "changed")]
    project.integrity_problems = ["The record of this project was altered."]
    assert vault_gate(project).reasons == (text("gate.files_changed"),
                                           text("gate.record_altered"))
    project.data_changes, project.integrity_problems = [], []
    split_project(project, seed=9)  # the rows split again: the runs are of the old split
    verdict = vault_gate(project)
    assert verdict.reasons == (text("gate.old_split", label=linear.label),)
    assert verdict.old_split and not verdict.stale
    assert verdict.redo_run == ""  # no model of the new split yet
    with pytest.raises(VaultGateError, match="earlier split"):
        run_final_test(project, seeds=1, n_resamples=FEW)
    with pytest.raises(ProjectError, match="No model trained on the current split"):
        redo_diagnosis(project)  # run --until final would choose again: nothing to choose
    _closed(project, watched)


def test_run_until_final_redoes_a_stale_diagnosis(project, watched):
    linear = _model(project, "linear")
    diagnose_project(project, linear.id)  # boosted trees may score as well on this table
    _limit(project, 100)  # the chosen model still meets the new goal: it stays chosen
    assert redo_diagnosis(project) and project.chosen_run == linear.id
    assert project.diagnosis.judged_by == judging_key(project)
    assert not redo_diagnosis(project)  # nothing stale any more

    _limit(project, 5)  # now it does not: the best model that does is chosen and tested
    done = run_until(project, "final")
    majority = _model(project, "majority")
    assert "diagnose" in done and "final" in done
    assert project.chosen_run == majority.id and project.final_test.run == majority.id
    assert project.final_test.checks.plain
    assert project.diagnosis.judged_by == judging_key(project)


def test_cli_stops_a_stale_or_limit_breaking_choice_with_one_line(project, watched, capsys):
    linear = _model(project, "linear")
    diagnose_project(project, linear.id)  # boosted trees may score as well on this table
    _limit(project, 1)  # after the diagnosis, a limit no model meets
    code = main(["run", str(project.root), "--until", "test", "--seeds", "1"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    _closed(project, watched)

    # The user keeps the choice on purpose: the diagnosis is redone for it, the override
    # recorded and printed.
    code = main(["run", str(project.root), "--until", "test", "--seeds", "1",
                 "--override", "only a pilot"])
    out = capsys.readouterr().out
    assert code == 0, out
    again = open_project(project.root)
    assert again.final_test.run == linear.id and again.final_test.checks.overridden
    assert again.diagnosis.judged_by == judging_key(again)
    assert "Checks overridden for this final test" in out and "only a pilot" in out

    # A second run is refused (one line, exit 2) unless a new experiment is asked for.
    code = main(["run", str(project.root), "--until", "test", "--new-experiment", "x",
                 "--seeds", "1"])
    out = capsys.readouterr()
    assert code == 2 and "breaks a limit" in out.err  # still needs the override
    code = main(["run", str(project.root), "--until", "test", "--new-experiment",
                 "a second look", "--override", "only a pilot", "--seeds", "1"])
    out = capsys.readouterr().out
    assert code == 0 and "look number 2" in out
    assert open_project(project.root).vault.uses == 2


def test_cli_stops_a_hand_picked_limit_breaking_choice(project, watched, capsys):
    _limit(project, 5)
    diagnose_project(project, _model(project, "mlp").id)
    code = main(["run", str(project.root), "--until", "report", "--seeds", "1"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "breaks a limit" in err and "--override" in err
    _closed(project, watched)


def test_run_until_chooses_again_after_the_rows_are_split_again(project, watched):
    diagnose_project(project)
    old = project.chosen_run
    done = run_until(project, "diagnose", split_seed=9,
                     deep_params={"epochs": 2, "width": 8, "patience": 5})
    assert done == ["data", "baseline", "diagnose"]
    chosen = project.run(project.chosen_run)
    assert chosen.id != old and chosen.split_key == split_key(project)
    assert vault_gate(project).clear
