"""An ensemble made a run of its own (engine.final.ensemble_run): scored by hand-averaged
members, chosen, tested after the vault opens, used to predict and exported."""

import shutil

import numpy as np
import pytest

import engine.final.ensemble
import engine.final.step
from engine.core.errors import ProjectError
from engine.final.ensemble_run import make_ensemble_run
from engine.final.step import run_final_test
from engine.goal.evaluation import optimizing_error, score, to_predictions
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.split.datasets import split_frame, target_values
from engine.training.predictor import load_predictor
from engine.tuning.choice import choose_run
from engine.use.model_export import export_model
from engine.use.usable_model import from_export, from_project

FEW = 40


@pytest.fixture
def project(trained_dir, tmp_path):
    shutil.copytree(trained_dir, tmp_path / "p")
    return open_project(tmp_path / "p")


def _mixed(project):
    """A network, boosted trees and the straight line."""
    kinds = {r.model: r for r in project.runs}
    return [kinds["mlp"], kinds["boosted"], kinds["linear"]]


def _by_hand(project, members, split):
    """The members' probabilities averaged by hand, each member loaded from its own run."""
    prep = load_preprocessor(project)
    X = prep.transform(split_frame(project, split))
    scores = [load_predictor(project.run_dir(r.id), r, prep).scores(X) for r in members]
    return (scores[0] + scores[1] + scores[2]) / 3


def test_a_mixed_ensemble_run_scores_as_its_members_averaged_by_hand(project):
    members = _mixed(project)
    made = make_ensemble_run(project, [r.id for r in members])
    run = made.run
    assert run.model == "ensemble" and run.status == "finished"
    assert run.params["members"] == [r.id for r in members]
    assert run.label.startswith("Ensemble of 3: ")
    goal = project.goal
    for split in ("train", "train_dev", "dev"):
        y = target_values(project, split_frame(project, split))
        expected = optimizing_error(goal, score(goal, to_predictions(
            goal, y, _by_hand(project, members, split))))
        assert run.errors[split] == pytest.approx(expected)
    assert run.measured["params"] == pytest.approx(sum(r.measured["params"] for r in members))
    # The folder holds every member: removing the members' own runs changes nothing.
    copy = project.root.parent / "alone"
    shutil.copytree(project.root, copy)
    for r in members:
        shutil.rmtree(copy / "runs" / r.id)
    alone = open_project(copy)
    prep = load_preprocessor(alone)
    X = prep.transform(split_frame(alone, "dev"))
    saved = alone.run(run.id)
    got = load_predictor(alone.run_dir(run.id), saved, prep).scores(X)
    assert np.allclose(got, _by_hand(project, members, "dev"))
    assert open_project(project.root).decisions[-1].kind == "ensemble_made"


def test_the_chosen_ensemble_is_tested_after_the_vault_opens_then_predicts_and_exports(
        project, monkeypatch, tmp_path):
    members = _mixed(project)
    made = make_ensemble_run(project, [r.id for r in members])
    choice = choose_run(project, made.run.id)
    assert choice.run.id == made.run.id and open_project(project.root).chosen_run == made.run.id
    reads = []

    def spy(module):
        real = module.split_frame

        def call(p, name, *args, **kwargs):
            reads.append((name, open_project(p.root).vault_open))
            return real(p, name, *args, **kwargs)
        monkeypatch.setattr(module, "split_frame", call)

    spy(engine.final.ensemble)
    spy(engine.final.step)
    project = open_project(project.root)
    final = run_final_test(project, seeds=3, n_resamples=FEW)
    assert ("test", False) not in reads and ("test", True) in reads
    assert final.run == made.run.id and final.seeds.asked == 3 and not final.seeds.applies
    y = target_values(project, split_frame(project, "test"))
    goal = project.goal
    by_hand = score(goal, to_predictions(goal, y, _by_hand(project, members, "test")))
    assert final.metrics[goal.metric].value == pytest.approx(by_hand[goal.metric])

    # Predict with the project and with its export: the same averaged answers.
    project = open_project(project.root)
    frame = split_frame(project, "dev")
    expected = _by_hand(project, members, "dev")
    usable = from_project(project)
    assert np.allclose(usable.predictor.scores(usable.coding.transform(frame)), expected)
    result = export_model(project, tmp_path / "export")
    names = {p.name for p in (tmp_path / "export").iterdir()}
    assert {"ensemble.json", "members", "manifest.json"} <= names
    assert "saved_model" not in names and any("SavedModel" in n for n in result.notes)
    import engine.models.safe_model_load as loader

    monkeypatch.setattr(loader, "restrict_child", lambda: None)  # in-process here
    exported = from_export(tmp_path / "export")
    assert exported.predictor.kind == "ensemble"
    assert np.allclose(exported.predictor.scores(exported.coding.transform(frame)), expected)


def test_refusals_are_one_plain_line(project):
    mlp, trees, line = _mixed(project)
    with pytest.raises(ProjectError, match="at least two"):
        make_ensemble_run(project, [mlp.id])
    with pytest.raises(ProjectError, match="named twice"):
        make_ensemble_run(project, [mlp.id, mlp.id])
    with pytest.raises(ProjectError, match="only 4 finished models"):
        make_ensemble_run(project, size=6)
    made = make_ensemble_run(project, [mlp.id, trees.id])
    with pytest.raises(ProjectError, match="already an ensemble"):
        make_ensemble_run(project, [made.run.id, line.id])
    # Top-k never takes an ensemble as a member.
    again = make_ensemble_run(project, size=4)
    assert "ensemble" not in {r.model for r in again.members}
    project.goal = project.goal.__class__.from_dict(
        {**project.goal.to_dict(), "constraints": [{"quantity": "params", "op": "<=",
                                                     "bound": 10}]})
    with pytest.raises(ProjectError, match="breaks a limit"):
        make_ensemble_run(project, [mlp.id, line.id])
    with pytest.raises(ProjectError, match="learning curve"):
        from engine.diagnosis.learning_curve import draw_learning_curve
        from engine.diagnosis.step import diagnose_project

        project.goal = open_project(project.root).goal
        diagnose_project(project, made.run.id)
        draw_learning_curve(project)
