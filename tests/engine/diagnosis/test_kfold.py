"""K-fold comparison on small data: stratified folds over the non-test rows only, every row
held out exactly once, a real run giving a table of models, the saved file, the refusals."""

import json

import numpy as np
import pandas as pd
import pytest

import engine.diagnosis.kfold as kfold
import engine.split.datasets as datasets
from engine.cli.main import main as cli_main
from engine.core.errors import ProjectError
from engine.core.texts import text


def _key(frame):
    return list(zip(frame["age"], frame["income"].fillna(-1), frame["city"].fillna("?")))


def test_folds_are_stratified_and_cover_every_row_once():
    groups = np.array(["a"] * 53 + ["b"] * 21 + ["c"] * 6)
    fold = kfold.stratified_folds(groups, 5, seed=2)
    assert sorted(set(fold)) == [0, 1, 2, 3, 4] and len(fold) == 80
    assert set(np.bincount(fold, minlength=5)) == {16}
    for g, n in (("a", 53), ("b", 21), ("c", 6)):
        per_fold = np.bincount(fold[groups == g], minlength=5)
        assert per_fold.max() - per_fold.min() <= 1 and per_fold.sum() == n
    assert np.array_equal(fold, kfold.stratified_folds(groups, 5, seed=2))
    assert not np.array_equal(fold, kfold.stratified_folds(groups, 5, seed=3))


def test_every_non_test_row_is_held_out_once_and_no_test_row_is_read(split_project,
                                                                     monkeypatch):
    asked = []
    real_split_frame = datasets.split_frame

    def spy(project, name):
        asked.append(name)
        return real_split_frame(project, name)

    monkeypatch.setattr(kfold, "split_frame", spy)
    fits = []
    real_fit = kfold.fit_point

    def record(project, kind, params, train, y_train, held, y_held, *rest):
        fits.append((kind, _key(train), _key(held)))
        return real_fit(project, kind, params, train, y_train, held, y_held, *rest)

    monkeypatch.setattr(kfold, "fit_point", record)
    result = kfold.compare_by_kfold(split_project, folds=4, models=("majority", "linear"))
    assert "test" not in asked

    splits = json.loads((split_project.root / "splits.json").read_text())
    source = pd.read_csv(split_project.source("main").path)
    test_rows = set(_key(source.iloc[splits["test"]["rows"]]))
    non_test = _key(source.drop(index=splits["test"]["rows"]))
    assert len(fits) == 8 and result.rows == len(non_test) == 128
    for kind in ("majority", "linear"):
        held = [row for k, _, h in fits if k == kind for row in h]
        assert sorted(held) == sorted(non_test)  # each non-test row held out exactly once
        for k, train, h in fits:
            if k == kind:
                assert set(train).isdisjoint(h) and len(train) + len(h) == 128
                assert test_rows.isdisjoint(train) and test_rows.isdisjoint(h)


def test_a_tiny_real_run_gives_a_table_of_models(split_project, capsys):
    root = str(split_project.root)
    assert cli_main(["kfold", root, "--folds", "3", "--models", "majority,linear,mlp",
                     "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    saved = json.loads((split_project.root / kfold.KFOLD_FILE).read_text())
    result = kfold.KfoldResult.from_dict(saved)
    assert [m.model for m in result.models] == ["majority", "linear", "mlp"]
    assert result.metric == "accuracy" and result.folds == 3 and result.small
    for m in result.models:
        assert len(m.scores) == 3 and all(0 <= s <= 1 for s in m.scores)
        assert m.mean == pytest.approx(np.mean(m.scores))
        assert m.spread == pytest.approx(np.std(m.scores, ddof=1))
        assert (m.p_value is None) == (m.model == result.best)
    # The learnable target: the linear model beats always answering the majority class.
    means = {m.model: m.mean for m in result.models}
    assert means["linear"] > means["majority"] + 0.1
    lines = out.splitlines()
    header = lines.index(next(l for l in lines if l.startswith("3-fold")))
    table = lines[header + 1:header + 5]
    assert table[0].split() == " ".join(kfold.kfold_headers()).split()
    # The table names the models in plain words, as the runs are labelled, not by kind.
    labels = [text("model.majority_classification"), text("model.linear_classification"),
              "Keras MLP, 2 x 64"]
    assert [m.label for m in result.models] == labels
    for row, label in zip(table[1:], labels):
        assert row.strip().startswith(label)
    assert not any(row.split()[0] in ("majority", "linear", "mlp") for row in table[1:])
    best = next(m for m in result.models if m.model == result.best)
    assert f"Best on average: {best.label}," in out
    assert text("kfold.caution") in out
    assert kfold.load_kfold(split_project) == result
    assert split_project.root.joinpath(kfold.KFOLD_FILE).is_file()


def test_large_data_needs_force_and_bad_settings_are_refused(split_project, monkeypatch):
    with pytest.raises(ProjectError, match="folds"):
        kfold.compare_by_kfold(split_project, folds=1, models=("majority", "linear"))
    with pytest.raises(ProjectError, match="at least two"):
        kfold.compare_by_kfold(split_project, models=("majority", "nonsense"))
    monkeypatch.setattr(kfold, "SMALL_ROWS", 100)
    assert not kfold.data_size(split_project).small  # 128 rows, rarest class above 50
    with pytest.raises(ProjectError, match="--force"):
        kfold.compare_by_kfold(split_project, folds=2, models=("majority", "linear"))
    result = kfold.compare_by_kfold(split_project, folds=2, models=("majority", "linear"),
                                    force=True)
    assert not result.small and text("kfold.big_data") in kfold.kfold_sentences(result)


def test_the_rarest_class_rule_and_the_command_line(split_project, monkeypatch, capsys):
    monkeypatch.setattr(kfold, "SMALL_ROWS", 100)
    size = kfold.data_size(split_project)
    assert size.rows == 128 and size.rarest == 63 and not size.small
    monkeypatch.setattr(kfold, "SMALL_RAREST", 64)  # few rows of the rarest class: small
    assert kfold.data_size(split_project).small
    root = str(split_project.root)
    assert cli_main(["kfold", root, "--folds", "1"]) == 2
    assert "folds" in capsys.readouterr().err
    assert cli_main(["kfold", root, "--folds", "2", "--models", "majority,linear",
                     "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["best"] == "linear" and [m["model"] for m in printed["models"]] == [
        "majority", "linear"] and printed["lines"][-1] == text("kfold.caution")
