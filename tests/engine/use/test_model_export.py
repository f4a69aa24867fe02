"""Exporting a model: the folder reloads with Keras' safe mode and predicts as the project
does, its ONNX and LiteRT files run in their own runtimes with Keras' answers; the manifest
says what the model is; the model card has every section; folders of other things are
refused."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engine.core.backend import import_keras
from engine.split.datasets import split_frame
from engine.core.errors import ProjectError
from engine.diagnosis.step import diagnose_project
from engine.final.step import run_final_test
from engine.use.model_export import export_model
from engine.use.prediction import predict_file
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.use.usable_model import load_usable
from tests.conftest import make_mixed_frame
from tests.engine.use.test_prediction import _project, own_scores


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    return _project(root, make_mixed_frame(n=300), abstain_accuracy=0.8)


def test_the_exported_folder_reloads_and_predicts_the_same(trained, tmp_path):
    project, ids = trained
    folder = tmp_path / "churn model"
    result = export_model(project, folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["README.txt", "manifest.json", "model.keras", "model.onnx",
                     "model.tflite", "model_card.md", "preprocess.json", "saved_model",
                     "vault_guard.json"]  # the guard: made before the vault
    assert "vault_guard.json" in (folder / "README.txt").read_text()
    assert result.saved_model and len(result.files) == 9 and not result.skipped

    manifest = json.loads((folder / "manifest.json").read_text())
    usable = load_usable(project)
    assert manifest["run"] == ids[0] and manifest["task"] == "binary"
    assert manifest["labels"] == list(project.goal.labels) and manifest["target"] == "bought"
    assert [(c["name"], c["kind"]) for c in manifest["inputs"]] == \
        [("age", "number"), ("income", "number"), ("city", "category")]
    assert manifest["reject_option"] == {"on": True, "target_accuracy": 0.8,
                                         "threshold": usable.threshold}
    assert manifest["vault"]["model_made_after_vault_opened"] is False
    assert manifest["vault"]["model_tested"] is False and manifest["test"] is None
    assert manifest["vault"]["test_rows_guarded"] is True
    assert manifest["project_identity"]["folder"] == str(project.root)
    assert manifest["versions"]["keras"] and manifest["versions"]["practica"]
    assert json.loads((folder / "preprocess.json").read_text()) == \
        load_preprocessor(project).to_dict()

    # Keras' safe mode loads it; it scores the dev rows as the run's own model does.
    dev = split_frame(project, "dev")
    X = load_preprocessor(project).transform(dev)
    keras = import_keras()
    model = keras.saving.load_model(folder / "model.keras", compile=False, safe_mode=True)
    expected = own_scores(project, ids[0], dev)
    np.testing.assert_allclose(model.predict_on_batch(X), expected, atol=1e-5)
    import tensorflow as tf

    reloaded = tf.saved_model.load(str(folder / "saved_model"))  # kept: it owns the weights
    np.testing.assert_allclose(reloaded.serve(X).numpy(), expected, atol=1e-5)

    # ONNX Runtime and the LiteRT interpreter, each on its own, answer as Keras does.
    import onnxruntime
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # no LiteRT wheel for this system: TensorFlow's own interpreter
        Interpreter = tf.lite.Interpreter

    session = onnxruntime.InferenceSession(str(folder / "model.onnx"),
                                           providers=["CPUExecutionProvider"])
    onnx_out = session.run(None, {session.get_inputs()[0].name: X.astype(np.float32)})[0]
    assert np.abs(onnx_out - expected).max() < 1e-4
    lite = Interpreter(model_path=str(folder / "model.tflite"))
    entry = lite.get_input_details()[0]
    lite.resize_tensor_input(entry["index"], X.shape)
    lite.allocate_tensors()
    lite.set_tensor(entry["index"], X.astype(np.float32))
    lite.invoke()
    lite_out = lite.get_tensor(lite.get_output_details()[0]["index"])
    assert np.abs(lite_out - expected).max() < 1e-4
    # The export measured the same on the dev rows and says so in its manifest.
    for fmt, runtime in (("onnx", "onnxruntime"), ("litert", "")):
        check = manifest["formats"][fmt]
        assert check["rows"] == len(dev) and check["agrees"]
        assert 0 <= check["max_difference"] < 1e-4 and check["runtime"].startswith(runtime)
        assert check["ms_per_example"] > 0 and check["keras_ms_per_example"] > 0
    assert manifest["formats_skipped"] == {}
    card = (folder / "model_card.md").read_text()
    for title in ("Intended use", "Data", "Splits and the test vault", "Results",
                  "Limits set in the goal", "Known weaknesses", "Threshold and calibration",
                  "Environment"):
        assert f"\n## {title}\n" in card
    assert "Predicts bought" in card and "still locked" in card and "onnxruntime" in card

    # practica predict on the folder gives what it gives on the project.
    path = tmp_path / "dev.csv"
    dev.drop(columns=["bought"]).to_csv(path, index=False)
    pd.testing.assert_frame_equal(predict_file(folder, path), predict_file(project, path))
    assert "practica predict" in (folder / "README.txt").read_text()


def test_a_baseline_exports_its_json_and_replaces_an_earlier_export(trained, tmp_path):
    project, ids = trained
    folder = tmp_path / "out"
    export_model(project, folder)
    assert (folder / "saved_model").is_dir()
    result = export_model(project, folder, run_id=ids[1])  # the linear model, same folder
    assert not result.saved_model and not (folder / "saved_model").exists()
    assert not (folder / "model.onnx").exists() and not (folder / "model.tflite").exists()
    assert set(result.skipped) == {"onnx", "litert"}  # a baseline never had a SavedModel
    assert all("only a neural network" in why.lower() for why in result.skipped.values())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["model_format"] == "baseline-json" and manifest["run"] == ids[1]
    assert not (folder / "model.keras").exists()  # the earlier export's model is gone
    path = tmp_path / "dev.csv"
    dev = split_frame(project, "dev")
    dev.to_csv(path, index=False)
    np.testing.assert_allclose(predict_file(folder, path)["confidence"],
                               own_scores(project, ids[1], dev).max(axis=1), atol=1e-9)


def test_a_folder_holding_other_files_is_refused(trained, tmp_path):
    project, _ = trained
    (tmp_path / "holiday.jpg").write_bytes(b"photo")
    with pytest.raises(ProjectError, match="already holds other files"):
        export_model(project, tmp_path)
    with pytest.raises(ProjectError, match="already holds other files"):
        export_model(project, project.root)
    assert not (project.root / "manifest.json").exists()
    stopped = tmp_path / "stopped"  # an export stopped before its manifest: may be redone
    stopped.mkdir()
    (stopped / "model.keras").write_bytes(b"half")
    export_model(project, stopped)
    assert (stopped / "manifest.json").is_file()


def test_after_the_final_test_the_manifest_holds_the_test_result(tmp_path):
    project, ids = _project(tmp_path, make_mixed_frame(n=200), models=("linear",),
                            abstain_accuracy=0.75)
    diagnose_project(project, project.chosen_run)  # the checks before the vault ask for it
    run_final_test(project, seeds=1, n_resamples=50)
    project = open_project(project.root)
    coverage = project.final_test.curves.coverage
    folder = tmp_path / "export"
    export_model(project, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    entry = project.final_test.metrics[project.goal.metric]
    assert manifest["test"] == {"value": entry.value, "low": entry.low, "high": entry.high}
    assert manifest["vault"]["model_tested"] is True
    assert manifest["vault"]["opened_at"] == project.vault.opened_at
    # the threshold the final test chose on the dev rows is the one the export uses
    assert manifest["reject_option"]["threshold"] == coverage.chosen.threshold
    # with the vault open, the project's own file may be predicted
    out = predict_file(project, project.source("main").path)
    assert len(out) == 200


def test_formats_asked_for_are_the_ones_written(trained, tmp_path):
    project, _ = trained
    folder = tmp_path / "out"
    export_model(project, folder)
    result = export_model(project, folder, formats="keras,onnx")  # an earlier export's go
    names = sorted(p.name for p in folder.iterdir())
    assert "model.onnx" in names and "model.tflite" not in names and "saved_model" not in names
    assert [c["format"] for c in result.checks] == ["onnx"] and result.checks[0]["agrees"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert list(manifest["formats"]) == ["onnx"] and manifest["saved_model"] is None
    with pytest.raises(ProjectError, match="Unknown export format: pickle"):
        export_model(project, folder, formats="onnx,pickle")


def test_formats_a_model_or_a_missing_package_cannot_make_say_why(monkeypatch):
    from engine.models import simple_baselines
    from engine.use import export_formats

    assert export_formats.NETWORK_FREE == simple_baselines.KINDS
    # A network gets every format on every backend (TensorFlow writes them; see below).
    for backend in ("tensorflow", "jax", "torch"):
        monkeypatch.setenv("KERAS_BACKEND", backend)
        assert export_formats.unavailable("mlp") == {}
    boosted = export_formats.unavailable("boosted")
    assert set(boosted) == {"savedmodel", "onnx", "litert"}
    # the skipped formats are one plain line each
    from engine.use.model_export import ExportResult

    lines = ExportResult("f", (), False, skipped=boosted).skipped_lines()
    assert len(lines) == 3 and lines[2].startswith("LiteRT (TensorFlow Lite) not written: ")
    assert "ensemble" in export_formats.unavailable("ensemble")["litert"]
    assert list(export_formats.unavailable("sound_cnn")) == ["onnx"]
    real = export_formats.importlib.util.find_spec
    monkeypatch.setattr(export_formats.importlib.util, "find_spec",
                        lambda name: None if name == "tf2onnx" else real(name))
    missing = export_formats.unavailable("mlp")
    assert list(missing) == ["onnx"] and "pip install tf2onnx" in missing["onnx"]


def test_another_backend_gets_the_tensorflow_formats_from_a_tensorflow_process(
        trained, tmp_path, monkeypatch):
    """On JAX or PyTorch a TensorFlow child process writes the SavedModel, ONNX and LiteRT
    from the .keras file; its stages reach the job, and a stop ends it at once."""
    from engine.core.jobs import CancelToken, StageStarted
    from engine.core.errors import JobCancelled
    from engine.use import tensorflow_formats

    project, ids = trained
    monkeypatch.setattr(tensorflow_formats, "backend_name", lambda: "jax")
    children = []
    real_popen = tensorflow_formats.subprocess.Popen

    def popen(*args, **kwargs):
        assert kwargs["env"]["KERAS_BACKEND"] == "tensorflow"
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(tensorflow_formats.subprocess, "Popen", popen)
    folder, cancel, stages = tmp_path / "out", CancelToken(), []

    def stop_at_onnx(event):
        stages.append(event)
        if isinstance(event, StageStarted) and event.stage == "onnx":
            cancel.cancel()

    with pytest.raises(JobCancelled):
        export_model(project, folder, progress=stop_at_onnx, cancel=cancel)
    assert children[0].poll() is not None  # ended, not left running
    assert not (folder / "manifest.json").exists() and not (folder / "model.onnx").exists()

    stages.clear()
    result = export_model(project, folder, progress=stages.append)
    assert [e.stage for e in stages if isinstance(e, StageStarted)][-3:] == \
        ["saved_model", "onnx", "litert"]
    assert result.saved_model and not result.skipped and len(children) == 2
    assert {c["format"]: c["agrees"] for c in result.checks} == {"onnx": True, "litert": True}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["formats"]) == {"onnx", "litert"} and manifest["formats_skipped"] == {}
    import tensorflow as tf

    dev = split_frame(project, "dev")
    X = load_preprocessor(project).transform(dev)
    reloaded = tf.saved_model.load(str(folder / "saved_model"))
    np.testing.assert_allclose(reloaded.serve(X).numpy(), own_scores(project, ids[0], dev),
                               atol=1e-5)


def test_a_model_fresh_from_its_file_is_written_and_checked(trained, tmp_path):
    """A model loaded from its file has never been called (what ``--formats onnx`` alone
    meets in a new process): it is written and checked all the same."""
    from engine.core.jobs import NEVER, ignore
    from engine.use.tensorflow_formats import write_tensorflow_formats

    project, ids = trained
    keras = import_keras()
    X = load_preprocessor(project).transform(split_frame(project, "dev"))
    source = project.run_dir(ids[0]) / "model.keras"
    for fmt, name in (("onnx", "model.onnx"), ("litert", "model.tflite")):
        fresh = keras.saving.load_model(source, compile=False, safe_mode=True)
        done = write_tensorflow_formats(fresh, source, None, {fmt: tmp_path / name},
                                        lambda: X, ignore, NEVER)
        check, = done.checks
        assert check["agrees"] and check["rows"] == len(X) and (tmp_path / name).is_file()
