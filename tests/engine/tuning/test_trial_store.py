"""Two workers in two project folders on one shared study: every trial has its own run, the
best trial's model reaches the other folder through the shared store (checked against its
checksum), and it is the model the final test tests.

The study is an SQLite file (a shared disk); the trials' models go to the folder beside it
(``engine.tuning.trial_store``). The workers are real ``practica worker`` processes started
at the same moment, each in its own folder at another path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from optuna.trial import TrialState

from engine.cli.main import main
from engine.core.file_hash import file_digest
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training
from engine.tuning.study import TuningSettings, open_study, run_tag
from engine.tuning.summary import read_summary, write_summary
from engine.tuning.trial_store import is_local, storage_file, store_folder
from tests.engine.tuning.test_study import tiny_space

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def two_folders(tmp_path_factory):
    """Folders A and B (copies of one split project with a chosen linear model, at other
    paths) after two worker processes ran 2 trials each on one SQLite study."""
    # Imported here to keep scikit-learn out of collection.
    from engine.diagnosis.step import diagnose_project
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project
    from tests.conftest import make_mixed_frame

    base = tmp_path_factory.mktemp("distributed")
    data = base / "customers.csv"
    make_mixed_frame().to_csv(data, index=False)
    a = base / "machine-a" / "proj"
    project = new_project(a, GoalChoice(data=str(data), target="bought"))
    split_project(project, seed=3)
    linear = run_training(TrainingSpec(str(a), "linear"))
    diagnose_project(open_project(a), linear.run_id)
    b = base / "elsewhere" / "machine-b" / "copy"
    shutil.copytree(a, b)
    storage = f"sqlite:///{base / 'shared' / 'study.db'}"
    (base / "shared").mkdir()
    open_study(a, storage, TuningSettings(tiny_space(open_project(a)).to_dict(), epochs=1))
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3",
           "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "engine.cli.main", "worker"]
    workers = [subprocess.Popen([*cmd, str(folder), "--trials", "2", "--storage", storage,
                                 "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for folder in (a, b)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in outputs]
    return a, b, storage


def test_every_trial_has_its_own_run_and_its_model_in_the_store(two_folders):
    a, b, storage = two_folders
    trials = open_study(a, storage).trials
    assert len(trials) == 4
    runs = [t.user_attrs["run_id"] for t in trials]
    assert len(set(runs)) == 4
    for t in trials:  # the id ends with the trial's number and its worker's token
        assert t.user_attrs["run_id"].split("-mlp-")[1].startswith(f"t{t.number + 1}-")
        assert (store_folder(a, storage) / t.user_attrs["run_artifact"]).is_file()
    here = {folder: {r for r in runs if is_local(folder, r)} for folder in (a, b)}
    assert len(here[a]) == len(here[b]) == 2 and not here[a] & here[b]
    assert store_folder(a, storage) == storage_file(storage).parent / "study-artifacts"


def test_the_best_trial_is_adopted_from_the_other_folder_and_tested(two_folders, capsys):
    # Imported here to keep scikit-learn out of collection.
    from engine.final.step import run_final_test

    a, b, storage = two_folders
    best = write_summary(a, storage).best
    owner, other = (a, b) if is_local(a, best.run_id) else (b, a)
    assert not is_local(other, best.run_id)
    assert main(["use-trial", str(other), str(best.trial), "--storage", storage]) == 0
    out = capsys.readouterr().out
    assert f"Run {best.run_id} of trial {best.trial} was fetched from the shared store" in out
    assert f"(run {best.run_id}) is now the chosen model" in out
    project = open_project(other)
    assert project.chosen_run == best.run_id
    fetched = [d for d in project.decisions if d.kind == "run_fetched"]
    assert [d.details["run"] for d in fetched] == [best.run_id]
    assert fetched[0].details["sha256"] == read_summary(other).trial_row(best.number).sha256
    model = project.run(best.run_id).model_file
    digest = file_digest(other / "runs" / best.run_id / model)
    assert digest == file_digest(owner / "runs" / best.run_id / model)
    assert digest == read_summary(other).trial_row(best.number).model_sha256
    assert read_summary(other).best.where == "this project folder"

    record = run_final_test(project, seeds=1)
    assert record.run == best.run_id  # the very model the search found, not a local one


def test_use_trial_refuses_in_one_line(two_folders, capsys):
    a, b, storage = two_folders
    study = open_study(a, storage)
    assert main(["use-trial", str(a), "99", "--storage", storage]) == 2
    assert "has no trial 99" in capsys.readouterr().err
    running = study.ask()  # a trial some worker is still running
    try:
        assert main(["use-trial", str(a), str(running.number + 1), "--storage", storage]) == 2
        assert "has not finished yet" in capsys.readouterr().err
    finally:
        study.tell(running, state=TrialState.FAIL)
    summary = write_summary(b, storage)
    elsewhere = [t for t in summary.trials if t.run_id and not is_local(b, t.run_id)]
    tampered = elsewhere[0]
    archive = Path(tampered.store) / tampered.artifact
    kept = archive.read_bytes()
    try:
        archive.write_bytes(kept + b"x")
        assert main(["use-trial", str(b), str(tampered.trial), "--storage", storage]) == 2
        assert "does not match the checksum" in capsys.readouterr().err
        assert not is_local(b, tampered.run_id)
        archive.unlink()
        assert main(["use-trial", str(b), str(tampered.trial)]) == 2
        assert "cannot be reached from here" in capsys.readouterr().err
    finally:  # the other tests of the module use the same store
        archive.write_bytes(kept)


def test_a_study_on_a_server_keeps_no_store_unless_given(tmp_path):
    assert store_folder(tmp_path, "postgresql://db.example/tuning") is None
    assert store_folder(tmp_path, "postgresql://x/y", str(tmp_path / "s")) == tmp_path / "s"
    assert store_folder(tmp_path, None) is None  # the project's own journal
    assert run_tag(0) != run_tag(1)


def test_json_summary_names_where_the_best_model_is(two_folders):
    a, _b, storage = two_folders
    write_summary(a, storage)
    data = json.loads((a / "tuning" / "summary.json").read_text(encoding="utf-8"))
    assert data["best"]["where"] in ("this project folder",
                                     f"the shared store {store_folder(a, storage)}")


def test_a_trial_whose_model_stayed_on_another_machine_is_never_named_best(split_project):
    import optuna

    from engine.tuning.study import FOLDER_ATTR, best_feasible_trial, folder_id

    here = run_training(TrainingSpec(str(split_project.root), "linear")).run_id
    study = optuna.create_study()
    for run, folder, value in (("20261207-010101-mlp-t1-abcdef", "other-host:/far/proj", 0.1),
                               (here, folder_id(split_project.root), 0.2)):
        study.enqueue_trial({})
        trial = study.ask()
        for key, attr in (("run_id", run), (FOLDER_ATTR, folder), ("feasible", True)):
            trial.set_user_attr(key, attr)
        study.tell(trial, value)
    project = open_project(split_project.root)
    assert best_feasible_trial(study).number == 0  # without a folder to reach it from
    assert best_feasible_trial(study, project).user_attrs["run_id"] == here


def test_use_this_trial_on_the_tune_page_fetches_a_trial_of_the_other_folder(two_folders):
    """The Tune page's "Use this trial" sends the trial's run id to the diagnose job."""
    from engine.app.job_catalog import JOBS
    from engine.core.jobs import NEVER, ignore
    from engine.diagnosis.requests import DiagnoseRequest

    a, b, storage = two_folders
    summary = write_summary(b, storage)
    row = next(t for t in summary.trials if t.run_id and not is_local(b, t.run_id)
               and t.run_id != summary.best.run_id)
    JOBS[DiagnoseRequest](DiagnoseRequest(project=str(b), run=row.run_id), ignore, NEVER)
    project = open_project(b)
    assert project.chosen_run == row.run_id and is_local(b, row.run_id)
    assert any(d.kind == "run_fetched" and d.details["run"] == row.run_id
               for d in project.decisions)
