"""After a final test of the settings trained again on train + dev rows: predicting and
exporting use that retrained model (the one the vault scored) and say so; naming the run
gives the dev run's own model; the ladder and the report do not read a dev-test gap."""

import json
import shutil

import numpy as np
import pytest

from engine.core.backend import import_keras
from engine.core.errors import ProjectError
from engine.diagnosis.step import diagnose_project
from engine.final.retrain import retrained_path
from engine.final.step import run_final_test
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.split.datasets import split_frame
from engine.use.model_export import export_model
from engine.use.prediction_job import predict_to_csv
from engine.use.usable_model import from_export, load_usable
from engine.words.result_tables import error_ladder_table

FEW = 40


@pytest.fixture(scope="module")
def retrained_dir(trained_dir, tmp_path_factory):
    """The shared project after one final test of the MLP trained again on train + dev."""
    root = tmp_path_factory.mktemp("retrained") / "p"
    shutil.copytree(trained_dir, root)
    project = open_project(root)
    mlp = next(r for r in project.runs if r.model == "mlp")
    diagnose_project(project, mlp.id)
    run_final_test(project, seeds=1, n_resamples=FEW, override="testing the option",
                   retrain_on_dev=True)
    return root


@pytest.fixture
def project(retrained_dir, tmp_path):
    shutil.copytree(retrained_dir, tmp_path / "p")
    return open_project(tmp_path / "p")


def _new_rows(project, tmp_path):
    """Dev rows without their answers, as a file of new data."""
    path = tmp_path / "new.csv"
    split_frame(project, "dev").drop(columns=["bought"]).to_csv(path, index=False)
    return path


def _direct_scores(project, path):
    """final/retrained/model.keras loaded by hand (safe mode) on the rows of ``path``."""
    import pandas as pd

    keras = import_keras()
    model = keras.saving.load_model(retrained_path(project, project.final_test.retrained_model),
                                    safe_mode=True)
    X = load_preprocessor(project).transform(pd.read_csv(path))
    return np.asarray(model.predict(np.asarray(X), verbose=0))


def test_predict_uses_the_retrained_model_and_says_so(project, tmp_path):
    final = project.final_test
    assert final.retrained_model is not None and final.retrained_model.rows == (
        len(split_frame(project, "train")) + len(split_frame(project, "dev")))
    new = _new_rows(project, tmp_path)
    usable = load_usable(project.root)  # as `practica predict DIR FILE` does
    assert usable.retrained == final.retrained_model
    X = usable.coding.transform(split_frame(project, "dev").drop(columns=["bought"]))
    direct = _direct_scores(project, new)
    scores = usable.predictor.scores(X)
    np.testing.assert_allclose(scores, direct.reshape(scores.shape), rtol=1e-5, atol=1e-6)
    assert any("the model the final test scored" in n for n in usable.notes)
    summary = predict_to_csv(project.root, new, tmp_path / "out.csv")
    assert "trained again on the training and dev rows" in summary.sentence()
    # Naming the run gives the dev run's own model, which answers differently.
    run = project.chosen_run
    own = load_usable(project.root, run)
    assert own.retrained is None
    assert any("NOT the model the final test scored" in n for n in own.notes)
    assert not np.allclose(own.predictor.scores(X), scores)


def test_export_holds_the_retrained_model_and_its_test_score(project, tmp_path):
    final = project.final_test
    result = export_model(project, tmp_path / "export")
    assert any("the model the final test scored" in n for n in result.notes)
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["retrained"]["rows"] == final.retrained_model.rows
    assert manifest["retrained"]["epochs"] == final.retrained_model.epochs
    assert manifest["test"]["value"] == final.metrics[final.metric].value
    assert manifest["vault"]["model_tested"] is True and manifest["dev"]["applies"] is False
    assert "trained again on the training and dev rows" in manifest["which_model"]
    readme = (tmp_path / "export" / "README.txt").read_text()
    assert manifest["which_model"] in readme
    new = _new_rows(project, tmp_path)
    exported = from_export(tmp_path / "export")
    assert exported.retrained == final.retrained_model
    X = exported.coding.transform(split_frame(project, "dev").drop(columns=["bought"]))
    direct = _direct_scores(project, new)
    scores = exported.predictor.scores(X)
    np.testing.assert_allclose(scores, direct.reshape(scores.shape), rtol=1e-5, atol=1e-6)
    summary = predict_to_csv(tmp_path / "export", new, tmp_path / "out.csv")
    assert "trained again on the training and dev rows" in summary.sentence()
    # The dev run exported on request: no test score, and it says it is not the tested one.
    export_model(project, tmp_path / "dev-run", run_id=project.chosen_run)
    manifest = json.loads((tmp_path / "dev-run" / "manifest.json").read_text())
    assert manifest["retrained"] is None and manifest["test"] is None
    assert manifest["vault"]["model_tested"] is False
    assert "does not describe this one" in manifest["which_model"]


def test_a_replaced_retrained_file_is_refused(project, trained_dir):
    model = retrained_path(project, project.final_test.retrained_model)
    shared = open_project(trained_dir)
    own = next(r for r in shared.runs if r.model == "mlp")  # the dev run's model file
    shutil.copyfile(shared.run_dir(own.id) / own.model_file, model)
    with pytest.raises(ProjectError, match="no longer the one the final test scored"):
        load_usable(project.root)
    model.unlink()
    with pytest.raises(ProjectError, match="is missing"):
        load_usable(project.root)
    assert load_usable(project.root, project.chosen_run).retrained is None  # still usable


def test_the_ladder_and_report_do_not_read_a_dev_test_gap(project):
    diagnosis = project.diagnosis
    assert diagnosis.gaps["dev_overfit"] is None
    assert diagnosis.rung("test").error == pytest.approx(project.final_test.test_error)
    assert "not read as dev overfitting" in diagnosis.explanation
    assert diagnosis.verdict != "dev_overfit"
    ladder = error_ladder_table(project)
    test_row = ladder[ladder["step"] == "test"].iloc[0]
    assert test_row["gap_name"] == "" and "dev_overfit" not in set(ladder["gap_name"])
    from engine.report.pdf.results import final_section

    words = " ".join(f.getPlainText() for f in final_section(project)
                     if hasattr(f, "getPlainText"))
    assert "not a sign that the dev set was over-used" in words


def test_cli_predict_and_export_say_which_model(project, tmp_path, capsys):
    from engine.cli.main import main as cli_main

    new = _new_rows(project, tmp_path)
    assert cli_main(["predict", str(project.root), str(new), "--out",
                     str(tmp_path / "p.csv")]) == 0
    assert "This is the model the final test scored" in capsys.readouterr().out
    assert cli_main(["predict", str(project.root), str(new), "--out", str(tmp_path / "d.csv"),
                     "--run", project.chosen_run]) == 0
    assert "NOT the model the final test scored" in capsys.readouterr().out
    assert cli_main(["export", str(project.root), "--to", str(tmp_path / "e")]) == 0
    assert "This is the model the final test scored" in capsys.readouterr().out
    assert cli_main(["predict", str(tmp_path / "e"), str(new), "--out",
                     str(tmp_path / "e.csv")]) == 0
    assert "This is the model the final test scored" in capsys.readouterr().out
    import pandas as pd

    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "p.csv"),
                                  pd.read_csv(tmp_path / "e.csv"))
    assert not pd.read_csv(tmp_path / "p.csv").equals(pd.read_csv(tmp_path / "d.csv"))


def test_a_later_retraining_keeps_the_model_the_vault_scored(project, tmp_path):
    """Each retraining has its own folder: training again (here without a test after it)
    leaves the tested model in place, and predictions still use it."""
    from engine.final.retrain import retrain_on_dev

    tested = project.final_test.retrained_model
    before = load_usable(project.root).predictor.scores(
        load_preprocessor(project).transform(split_frame(project, "dev")))
    again = retrain_on_dev(project, project.run(project.chosen_run))
    assert again.folder != tested.folder
    assert retrained_path(project, tested).is_file() and retrained_path(project, again).is_file()
    after = load_usable(open_project(project.root).root).predictor.scores(
        load_preprocessor(project).transform(split_frame(project, "dev")))
    np.testing.assert_array_equal(before, after)
