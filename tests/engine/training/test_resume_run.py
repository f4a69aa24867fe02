"""A run stopped part-way keeps a checkpoint and continues where it stopped; the same seed
gives the same run on the CPU."""

from engine.core.jobs import CancelToken, EpochEnded
from engine.project.project import open_project
from engine.training.job import TrainingSpec, resumable_runs, run_training

PARAMS = {"epochs": 4, "patience": 10, "width": 8, "batch_size": 16, "seed": 5}


def test_a_cancelled_run_resumes_to_its_planned_end(split_project):
    root = str(split_project.root)
    token = CancelToken()

    def stop_after_two(event):
        if isinstance(event, EpochEnded) and event.epoch == 2:
            token.cancel()

    first = run_training(TrainingSpec(root, "mlp", PARAMS), stop_after_two, token)
    assert first.status == "cancelled"
    assert resumable_runs(open_project(root)) == [first.run_id]

    epochs = []
    resumed = run_training(TrainingSpec(root, "mlp", {}, resume=first.run_id),
                           lambda e: epochs.append(e.epoch) if isinstance(e, EpochEnded)
                           else None)
    assert resumed.run_id == first.run_id and resumed.status == "finished"
    assert epochs == [3, 4]
    run = open_project(root).run(first.run_id)
    assert len(run.history) == 4 and run.params["epochs_run"] == 4
    assert resumable_runs(open_project(root)) == []


def test_the_same_seed_gives_the_same_run(split_project):
    root = str(split_project.root)
    params = {**PARAMS, "epochs": 2}
    a = run_training(TrainingSpec(root, "mlp", params))
    b = run_training(TrainingSpec(root, "mlp", params))
    runs = open_project(root)
    assert runs.run(a.run_id).history == runs.run(b.run_id).history
    assert a.errors == b.errors
