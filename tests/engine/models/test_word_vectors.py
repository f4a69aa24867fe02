"""Pretrained word vectors for text models (WordLlama, read from its package's files): each
word starts from the average of its tokens' vectors, a text model on the bundled support
messages trains from them for real, its saved model predicts in a fresh process that cannot
import the package, and without the package the option says in one sentence how to get it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.cli.main import main
from engine.core.errors import WeightsError
from engine.goal.step import GoalChoice, new_project
from engine.kinds.preprocess_store import load_preprocessor
from engine.models import zoo
from engine.models.pretrained import word_vectors
from engine.models.pretrained.word_vectors import (TOKENIZER, WEIGHTS, word_vector_table,
                                                   word_vectors_status)
from engine.project.project import open_project
from engine.report.pdf.results import pretrained_sentence
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from engine.training.keras_fit import tuned_word_vector_rates
from engine.use.prediction import predict_file

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "resources" / "samples" / "support_messages.csv"
pytestmark = pytest.mark.skipif(not word_vectors_status().ready,
                                reason="the wordllama package is not installed")


def _raw():
    """WordLlama's token table and tokenizer, read here independently of Practica's code."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = word_vectors.package_folder()
    table = load_file(str(folder / WEIGHTS))["embedding.weight"].astype(np.float32)
    return table, Tokenizer.from_file(str(folder / TOKENIZER))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A text project on 300 of the bundled support messages, its text_pool model trained
    from the fixed WordLlama vectors."""
    root = tmp_path_factory.mktemp("wordvec")
    data = root / "messages.csv"
    pd.read_csv(SAMPLE).head(300).to_csv(data, index=False)
    project = new_project(root / "proj", GoalChoice(
        data=str(data), target="topic", data_kind="text", text_column="message"))
    split_project(project, seed=0)
    result = run_training(TrainingSpec(str(project.root), "text_pool",
                                       {"epochs": 15, "word_vectors": "wordllama",
                                        "learning_rate": 0.01}))
    project = open_project(project.root)
    project.chosen_run = result.run_id
    project.save()
    return project, result


def test_each_word_starts_from_the_average_of_its_tokens_vectors():
    raw, tokenizer = _raw()
    words = ("password", "parcel", "refund")
    table = word_vector_table(words)
    assert table.shape == (5, 256) and table.dtype == np.float32
    assert not table[:2].any()  # padding and unknown words start at zero
    for row, word in enumerate(words, start=2):
        ids = tokenizer.encode(word, add_special_tokens=False).ids
        np.testing.assert_allclose(table[row], raw[ids].mean(axis=0), rtol=1e-6)
    assert len(tokenizer.encode("password", add_special_tokens=False).ids) == 1
    np.testing.assert_array_equal(table[2], raw[4800])  # a one-token word: its very row
    assert len(tokenizer.encode("parcel", add_special_tokens=False).ids) == 2


def test_the_model_starts_from_the_vectors_fixed_or_tuned():
    vocabulary = ("crash", "parcel", "invoice")
    fixed = zoo.build_model("text_pool", (6,), "multiclass", 3,
                            {"word_vectors": "wordllama", "embed_dim": 32},
                            vocab_size=5, vocabulary=vocabulary)
    embed = fixed.get_layer("embed")
    np.testing.assert_array_equal(embed.get_weights()[0], word_vector_table(vocabulary))
    assert not embed.trainable and tuned_word_vector_rates(fixed, {"word_vectors": "wordllama"}) == {}
    params = {"word_vectors": "wordllama", "tune_word_vectors": True}
    tuned = zoo.build_model("text_conv", (6,), "multiclass", 3, params, vocab_size=5,
                            vocabulary=vocabulary)
    assert tuned.get_layer("embed").trainable
    assert list(tuned_word_vector_rates(tuned, params).values()) == [0.1]
    with pytest.raises(ValueError, match="vocabulary"):
        zoo.build_model("text_pool", (6,), "binary", 2, params, vocab_size=9,
                        vocabulary=vocabulary)


def test_a_text_model_trains_from_the_vectors_and_keeps_them(trained):
    project, result = trained
    assert result.status == "finished"
    assert result.errors["dev"] < 0.34, result.errors  # three classes: chance is about 0.67
    run = project.run(result.run_id)
    assert "WordLlama" in run.label and "(256 numbers)" in run.label
    assert run.params["word_vectors"] == "wordllama" and not run.params["tune_word_vectors"]
    import keras

    model = keras.saving.load_model(project.run_dir(run.id) / "model.keras", compile=False)
    coding = load_preprocessor(project)  # the words, as the manifest records them
    assert len(coding.vocabulary) > 50
    np.testing.assert_array_equal(model.get_layer("embed").get_weights()[0],
                                  word_vector_table(coding.vocabulary))  # frozen: unchanged
    assert "WordLlama vector" in pretrained_sentence(run.params)
    assert "kept as they were" in pretrained_sentence(run.params)


def test_predict_in_a_new_process_without_the_package(trained, tmp_path):
    project, _ = trained
    new = pd.DataFrame({"message": ["my parcel never arrived", "the app crashes at login",
                                    "I was charged twice on my card"]})
    path = tmp_path / "new.csv"
    new.to_csv(path, index=False)
    here = predict_file(project, path)
    script = ("import sys, json\n"
              "for name in ('wordllama', 'safetensors', 'tokenizers'):\n"
              "    sys.modules[name] = None  # importing any of them now fails\n"
              "from engine.use.prediction import predict_file\n"
              f"out = predict_file({str(project.root)!r}, {str(path)!r})\n"
              "print(json.dumps({'p': out['prediction'].tolist(),"
              " 'c': out['confidence'].tolist()}))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    there = json.loads(done.stdout.strip().splitlines()[-1])
    assert there["p"] == here["prediction"].tolist()
    np.testing.assert_allclose(there["c"], here["confidence"], atol=1e-5)


def test_without_the_package_one_sentence_says_how_to_install_it(monkeypatch, capsys,
                                                                  trained):
    monkeypatch.setattr(word_vectors, "package_folder", lambda: None)
    status = word_vectors_status()
    assert not status.ready
    assert "pip install 'practica[wordvectors]'" in status.message
    with pytest.raises(WeightsError) as caught:
        word_vector_table(("crash",))
    assert str(caught.value) == status.message
    with pytest.raises(WeightsError):
        zoo.build_model("text_pool", (6,), "binary", 2, {"word_vectors": "wordllama"},
                        vocab_size=3, vocabulary=("crash",))
    project, _ = trained
    before = sorted(p.name for p in project.runs_dir.iterdir())
    code = main(["train", str(project.root), "--model", "text_pool",
                 "--set", "word_vectors=wordllama"])
    assert code == 2
    err = capsys.readouterr().err
    assert status.message in err and err.strip().count("\n") == 0
    assert sorted(p.name for p in project.runs_dir.iterdir()) == before
