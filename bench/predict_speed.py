"""How long predicting new rows takes: 1 row and 10,000 rows, with the model already loaded
(the page or a server answering again) and from scratch (``practica predict``: open the
project, load the model, choose the abstain threshold on dev, read, code, score, write).

The scoring itself is compared with Keras' ``predict`` on the same rows, which builds a
data pipeline on every call. Run it with ``python -m bench.predict_speed``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

REPEATS = 7


def _customers(n: int, seed: int):
    """A table like the tests' (numbers, categories, gaps) with a learnable target."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    age = rng.normal(40, 12, n).round(1)
    city = rng.choice(["Lyon", "Graz", "Turin", "Porto"], n)
    score = 0.08 * (age - 40) + (city == "Graz") * 1.5 + rng.normal(0, 0.7, n)
    frame = pd.DataFrame({"age": age, "income": rng.lognormal(10, 0.5, n).round(0),
                          "city": city, "bought": np.where(score > 0.4, "yes", "no")})
    frame.loc[rng.random(n) < 0.05, "income"] = np.nan
    return frame


def _median_s(fn, repeats: int = REPEATS) -> float:
    fn()  # warm-up: the first call traces the model
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import pandas as pd

    from engine.goal.step import GoalChoice, new_project
    from engine.use.prediction import predict_new
    from engine.use.prediction_job import predict_to_csv
    from engine.split.step import split_project
    from engine.training.job import TrainingSpec, run_training
    from engine.project.project import open_project
    from engine.use.usable_model import load_usable

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _customers(1000, 0).to_csv(tmp / "data.csv", index=False)
        project = new_project(tmp / "proj", GoalChoice(data=str(tmp / "data.csv"),
                                                       target="bought",
                                                       abstain_accuracy=0.8))
        split_project(project, seed=0)
        run = run_training(TrainingSpec(str(project.root), "mlp", {"epochs": 2}))
        project = open_project(project.root)
        project.chosen_run = run.run_id
        project.save()
        files = {}
        for n in (1, 10_000):
            frame = _customers(n, 7).drop(columns=["bought"])
            files[n] = tmp / f"new{n}.csv"
            frame.to_csv(files[n], index=False)

        usable = load_usable(project)
        coding, model = usable.coding, usable.predictor.model
        print("predict new rows (median of 7, ms)")
        for n, path in files.items():
            warm = _median_s(lambda: predict_new(usable, path))
            X = coding.transform(pd.read_csv(path))
            on_batch = _median_s(lambda: model.predict_on_batch(X))
            keras_predict = _median_s(lambda: model.predict(X, verbose=0, batch_size=1024))
            cold = _median_s(lambda: predict_to_csv(project.root, path, tmp / "out.csv"),
                             repeats=3)
            print(f"  {n:>6,} rows: loaded model {1000 * warm:8.1f}   "
                  f"(scoring alone: predict_on_batch {1000 * on_batch:7.1f}, "
                  f"Keras predict {1000 * keras_predict:7.1f})   "
                  f"from scratch {1000 * cold:8.1f}")


if __name__ == "__main__":
    main()
