"""The final test of the chosen settings trained again on training + dev rows
(engine.final.retrain): which model the vault scored, and no test row read before it opened."""

import shutil

import pytest

import engine.final.retrain
import engine.final.step
from engine.core.errors import ProjectError
from engine.diagnosis.step import diagnose_project
from engine.final.retrain import retrain_epochs, retrained_path
from engine.final.step import run_final_test
from engine.project.project import open_project
from engine.split.datasets import split_frame

FEW = 40


@pytest.fixture
def project(trained_dir, tmp_path):
    shutil.copytree(trained_dir, tmp_path / "p")
    return open_project(tmp_path / "p")


def test_retraining_on_dev_tests_that_model_and_reads_no_test_row_first(project, monkeypatch):
    mlp = next(r for r in project.runs if r.model == "mlp")
    diagnose_project(project, mlp.id)
    reads = []  # (split asked for, vault open then)

    def spy(module):
        real = module.split_frame

        def call(p, name, *args, **kwargs):
            reads.append((name, open_project(p.root).vault_open))
            return real(p, name, *args, **kwargs)
        monkeypatch.setattr(module, "split_frame", call)

    spy(engine.final.retrain)
    spy(engine.final.step)
    final = run_final_test(project, seeds=3, n_resamples=FEW, override="testing the option",
                           retrain_on_dev=True)
    # Train and dev rows first, with the vault shut; the test rows only once it is open.
    assert reads[:2] == [("train", False), ("dev", False)]
    assert ("test", False) not in reads and ("test", True) in reads
    n_rows = len(split_frame(project, "train")) + len(split_frame(project, "dev"))
    assert "trained again on the training and dev rows" in final.retrained
    assert f"{n_rows} rows" in final.retrained
    assert f"{retrain_epochs(mlp)} epochs" in final.retrained
    assert "dev score no longer applies" in final.retrained
    assert final.seeds.asked == 1  # one seed: no copies trained without the dev rows
    saved = open_project(project.root).final_test
    assert saved.retrained == final.retrained and saved.run == mlp.id
    model = retrained_path(project, saved.retrained_model)
    assert model.is_file()
    # The report's test predictions are those of the model tested.
    from engine.report.prediction_tables import predictions_table

    table = predictions_table(open_project(project.root), "test")
    assert table["correct"].mean() == pytest.approx(final.metrics["accuracy"].value)
    # The vault scored the retrained model, not the dev run's own.
    plain = run_final_test(open_project(project.root), seeds=1, n_resamples=FEW,
                           override="testing the option", new_experiment="compare")
    assert plain.retrained == ""
    assert plain.metrics != final.metrics
    table = predictions_table(open_project(project.root), "test")
    assert table["correct"].mean() == pytest.approx(plain.metrics["accuracy"].value)


def test_only_a_network_can_be_trained_again(project):
    linear = next(r for r in project.runs if r.model == "linear")
    diagnose_project(project, linear.id)
    with pytest.raises(ProjectError, match="Only a neural network"):
        run_final_test(project, seeds=1, n_resamples=FEW, retrain_on_dev=True,
                       override="testing the option")
    assert not open_project(project.root).vault_open


def test_cli_run_until_test_with_retrain_on_dev(project, capsys):
    from engine.cli.main import main as cli_main

    mlp = next(r for r in project.runs if r.model == "mlp")
    diagnose_project(project, mlp.id)
    assert cli_main(["run", str(project.root), "--until", "test", "--retrain-on-dev",
                     "--seeds", "1", "--override", "testing the option"]) == 0
    out = capsys.readouterr().out
    assert "again on the training and dev rows" in out  # the stage, before the vault
    assert "dev score no longer applies" in out  # which model the vault scored
    assert "does not depend on a seed" not in out and "tested with one seed" in out
    final = open_project(project.root).final_test
    assert final.run == mlp.id and "dev score no longer applies" in final.retrained
