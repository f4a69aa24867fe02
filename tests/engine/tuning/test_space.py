import math

import numpy as np
import optuna
import pytest
from scipy import stats

from engine.tuning.space import (POWERS_OF_TWO, ParamRange, SearchSpace, default_space, grid,
                                 grid_size, suggest)
from engine.tuning.study import TuningSettings, make_sampler


def _samples(space, n, sampler=None):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = []

    def objective(trial):
        out.append(suggest(trial, space))
        return 0.0

    study = optuna.create_study(sampler=sampler or optuna.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=n)
    return out


def test_default_space_searches_the_learning_rate_first_on_a_log_scale(split_project):
    space = default_space(split_project, "mlp")
    first = space.params[0]
    assert (first.name, first.low, first.high, first.log) == ("learning_rate", 1e-4, 1e-1, True)
    assert space.get("batch_size").choices == POWERS_OF_TWO
    assert space.get("width").log and space.get("l2").log and not space.get("dropout").log
    assert (space.get("depth").low, space.get("depth").high) == (1, 4)
    assert not space.get("optimizer").searched and "sgd" in space.get("optimizer").choices
    assert "imbalance" in {p.name for p in space.params}  # a classification project
    assert SearchSpace.from_dict(space.to_dict()) == space


def test_log_sampling_gives_each_decade_its_share(split_project):
    space = SearchSpace("mlp", (ParamRange("learning_rate", "float", 1e-4, 1e-1, log=True),))
    rates = np.array([s["learning_rate"] for s in _samples(space, 3000)])
    assert rates.min() >= 1e-4 and rates.max() <= 1e-1
    counts = np.histogram(np.log10(rates), bins=[-4, -3, -2, -1])[0]
    # Even over the three decades: each holds about a third (a linear scale would put ~90%
    # in the top decade).
    assert stats.chisquare(counts).pvalue > 1e-3
    assert all(abs(c / len(rates) - 1 / 3) < 0.05 for c in counts)


def test_fixed_values_are_copied_and_int_log_ranges_stay_in_bounds(split_project):
    space = default_space(split_project, "mlp")
    for params in _samples(space, 200):
        assert params["optimizer"] == "adam" and params["augment"] == 0.0
        assert 16 <= params["width"] <= 256 and isinstance(params["width"], int)
        assert params["batch_size"] in POWERS_OF_TWO
        assert 0.0 <= params["dropout"] <= 0.5


def test_bad_ranges_are_refused():
    with pytest.raises(ValueError):
        ParamRange("l2", "float", 0.0, 1e-2, log=True)
    with pytest.raises(ValueError):
        ParamRange("width", "int", 64, 16)
    with pytest.raises(ValueError):
        ParamRange("optimizer", "categorical")
    assert not ParamRange("optimizer", "categorical", fixed="adam").searched


def test_grid_sampler_walks_the_discretised_space():
    space = SearchSpace("mlp", (ParamRange("learning_rate", "float", 1e-4, 1e-1, log=True),
                                ParamRange("batch_size", "categorical", choices=(16, 64)),
                                ParamRange("width", "int", 16, 64, fixed=32)))
    assert grid(space, 4)["learning_rate"] == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1])
    assert grid_size(space, 4) == 8
    sampler = make_sampler(TuningSettings(space.to_dict(), sampler="grid", seed=0))
    seen = {(p["learning_rate"], p["batch_size"]) for p in _samples(space, 8, sampler)}
    assert len(seen) == 8  # each grid point once
    assert {round(math.log10(lr)) for lr, _ in seen} == {-4, -3, -2, -1}
