import numpy as np
import pytest

from engine.split.datasets import split_frame, target_values
from engine.core.backend import backend_name
from engine.core.jobs import BatchEnded, CancelToken, EpochEnded, RunFinished
from engine.goal.metrics import compute_all
from engine.training.predictor import load_predictor
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training


def test_mlp_run_emits_epochs_and_saves_a_reloadable_model(split_project):
    events = []
    result = run_training(TrainingSpec(str(split_project.root), "mlp",
                                       {"epochs": 3, "patience": 5, "width": 8}),
                          events.append)
    assert result.status == "finished"
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    assert [e.epoch for e in epochs] == [1, 2, 3]
    assert {"loss", "val_loss"} <= set(epochs[0].logs)
    assert any(isinstance(e, BatchEnded) for e in events)
    assert isinstance(events[-1], RunFinished)
    project = open_project(split_project.root)
    run = project.run(result.run_id)
    assert len(run.history) == 3
    assert set(run.errors) == {"train", "train_dev", "dev"}
    assert run.measured["params"] > 0 and run.measured["latency_ms"] > 0
    # The saved model gives the scores the run was judged by.
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    proba = predictor.scores(prep.transform(dev))
    labels = np.array(project.goal.labels)
    y_true = target_values(project, dev).to_numpy()
    pos = project.goal.labels.index(project.goal.positive_label)
    again = compute_all("binary", y_true, labels[proba.argmax(1)], proba[:, pos],
                        labels=project.goal.labels,
                        positive_label=project.goal.positive_label)
    assert again["accuracy"] == pytest.approx(run.metrics["dev"]["accuracy"])


def test_cancel_mid_epoch_stops_and_keeps_the_run(split_project):
    token = CancelToken()
    seen = []

    def progress(event):
        seen.append(event)
        if isinstance(event, BatchEnded) and event.step == 1:  # always sent: first of epoch
            token.cancel()

    result = run_training(TrainingSpec(str(split_project.root), "mlp",
                                       {"epochs": 50, "batch_size": 8}), progress, token)
    assert result.status == "cancelled"
    batches = [e for e in seen if isinstance(e, BatchEnded)]
    # Stopped right after the batch that asked, inside epoch 1: had it run on, the epoch's
    # last batch would have been sent too. JAX and PyTorch hand batch ends to a thread, so
    # the next batch may already have begun when the stop is seen: one batch later at most.
    steps = [e.step for e in batches]
    assert steps == [1] or (backend_name() != "tensorflow" and steps == [1, 2]), steps
    assert not [e for e in seen if isinstance(e, EpochEnded) and e.epoch > 1]
    assert open_project(split_project.root).run(result.run_id).status == "cancelled"


@pytest.mark.parametrize("kind", ["majority", "linear"])
def test_simple_baselines_round_trip(split_project, kind):
    result = run_training(TrainingSpec(str(split_project.root), kind))
    project = open_project(split_project.root)
    run = project.run(result.run_id)
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    scores = load_predictor(project.run_dir(run.id), run, prep).scores(prep.transform(dev))
    assert scores.shape == (len(dev), 2)
    assert np.allclose(scores.sum(axis=1), 1.0)
    if kind == "majority":
        assert run.errors["dev"] >= run.errors["train"] - 0.2


def test_run_ids_made_at_once_never_collide(split_project):
    """Tuning workers start runs at the same second: each still gets its own folder."""
    from concurrent.futures import ThreadPoolExecutor

    from engine.training.job import new_run_id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda _i: new_run_id(split_project, "mlp"), range(16)))
    assert len(set(ids)) == 16
    assert all(split_project.run_dir(i).is_dir() for i in ids)


def test_a_stopped_run_is_scored_on_an_even_sample_of_each_split():
    import pandas as pd

    from engine.training.job import STOPPED_RUN_ROWS, _stopped_run_sample

    n = 3 * STOPPED_RUN_ROWS
    X = {"train": np.arange(n * 2, dtype=float).reshape(n, 2), "dev": np.ones((7, 2))}
    y = {"train": pd.Series(np.arange(n), index=np.arange(n) + 100), "dev": np.arange(7)}
    sx, sy = _stopped_run_sample(X, y)
    assert len(sx["train"]) == STOPPED_RUN_ROWS and len(sx["dev"]) == 7
    assert sx["train"][0, 0] == 0 and sx["train"][-1, 0] == (n - 1) * 2  # spread end to end
    assert np.array_equal(sx["train"][:, 0] / 2, sy["train"].to_numpy())  # rows stay paired
    assert np.array_equal(sy["dev"], np.arange(7))
