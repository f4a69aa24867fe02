"""The device a run trains on, exercised on this computer's processor: mixed precision
refused here with its reason, the mixed-precision build (float16 layers, float32 output,
loss scaling) trained for real on the processor as a GPU would run it, batch_size=auto,
and what the run records."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from engine.cli.main import main
from engine.core.backend import import_keras
from engine.core.device import GIB, DeviceFacts, Gpu, device_facts, mixed_precision_choice
from engine.core.errors import ProjectError
from engine.project.project import open_project
from engine.training.job import SPEC_FILE, TrainingSpec, run_training

H100 = DeviceFacts("tensorflow", (Gpu("NVIDIA H100 80GB HBM3", 80 * GIB, 2 * GIB, (9, 0)),))


@pytest.fixture
def project(split_template, tmp_path):
    shutil.copytree(split_template, tmp_path / "proj")
    return open_project(tmp_path / "proj")


@pytest.fixture
def coding(project):
    from engine.kinds.preprocess_store import load_preprocessor

    import_keras()
    return load_preprocessor(project)


def _on_cpu():
    return not device_facts().on_gpu


@pytest.mark.skipif("not _on_cpu()")
def test_mixed_precision_on_the_processor_is_refused_before_a_run_is_made(project, capsys):
    code = main(["train", str(project.root), "--model", "mlp", "--set", "width=4",
                 "--set", "epochs=1", "--set", "mixed_precision=on"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Mixed precision is only offered on a GPU" in err and "processor" in err
    assert not project.runs_dir.is_dir() or not any(project.runs_dir.iterdir())


@pytest.mark.skipif("not _on_cpu()")
def test_a_run_on_the_processor_records_it_and_auto_keeps_the_default_batch(project):
    said = []
    result = run_training(TrainingSpec(str(project.root), "mlp",
                                       {"width": 4, "epochs": 1, "telemetry": False,
                                        "batch_size": "auto"}),
                          lambda e: said.append(getattr(e, "text", "")))
    run = open_project(project.root).run(result.run_id)
    assert run.device == "CPU" and run.mixed_precision is False
    assert run.params["batch_size"] == 32 and run.params["mixed_precision"] == "auto"
    spec = json.loads((project.run_dir(run.id) / SPEC_FILE).read_text())
    assert spec["params"]["batch_size"] == 32  # a resumed run goes on with the number
    assert any("batch_size=auto keeps 32 on the processor" in s for s in said)
    # The model card and the report's appendix say it; a GPU run's record too.
    from dataclasses import replace

    from engine.report.pdf.reproduce import device_rows
    from engine.use.model_card import model_card

    assert "Trained on CPU, in 32-bit arithmetic." in \
        model_card(open_project(project.root), run.id).section("environment")
    gpu_run = replace(run, id=f"{run.id}-gpu", device="NVIDIA H100 80GB HBM3",
                      mixed_precision=True)
    (project.runs_dir / gpu_run.id).mkdir()
    gpu_run.save(project.runs_dir / gpu_run.id)
    reopened = open_project(project.root)
    assert "Trained on NVIDIA H100 80GB HBM3 with mixed precision (16-bit arithmetic, " \
        "32-bit weights and output)." in model_card(reopened, gpu_run.id).section("environment")
    reopened.chosen_run = gpu_run.id
    rows = dict(map(tuple, device_rows(reopened)))
    assert rows["trained the chosen model"] == "NVIDIA H100 80GB HBM3"
    assert rows["arithmetic of the chosen model's training"].startswith("mixed precision")
    assert rows["trained the networks"] == "CPU, NVIDIA H100 80GB HBM3"


def test_a_mixed_precision_model_trains_with_float32_output_and_loss_scaling(coding):
    """What a GPU that gains from it gets, built and trained here on the processor."""
    keras = import_keras()
    from engine.training.device_setup import on_device
    from engine.training.keras_fit import build_compiled
    from engine.training.monitor.telemetry import Telemetry

    params = {"width": 8, "telemetry": True, "learning_rate": 0.01}
    with on_device(params, facts=H100):
        model = build_compiled("mlp", coding, params, 4).model
    assert keras.mixed_precision.dtype_policy().name == "float32"  # put back afterwards
    assert model.dtype_policy.name == "mixed_float16"
    assert model.get_layer("head").dtype_policy.name == "float32"
    hidden = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)][0]
    assert hidden.compute_dtype == "float16" and hidden.variable_dtype == "float32"
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(128, coding.input_shape[0])).astype("float32")
    y = (X[:, 0] > 0).astype("int64")
    events = []
    history = model.fit(X, y, epochs=3, batch_size=32, verbose=0,
                        callbacks=[Telemetry("mixed", X[:16], events.append)])
    losses = history.history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert str(model.predict(X[:4], verbose=0).dtype) == "float32"
    # The same settings on this computer's own device: float32 unless a capable GPU.
    plain = build_compiled("mlp", coding, params, 4).model
    assert (plain.dtype_policy.name == "mixed_float16") == (
        device_facts().on_gpu and all(g.gains_from_mixed_precision
                                      for g in device_facts().gpus))


def test_a_run_made_with_mixed_precision_elsewhere_builds_in_32_bits_here(coding):
    """'on' from a GPU's run (the final test retrains it on this processor): 32-bit, no
    refusal; a new run with 'on' is refused by run_training instead."""
    from engine.training.device_setup import mixed_precision_used, on_device
    from engine.training.keras_fit import build_compiled

    params = {"width": 4, "mixed_precision": "on"}
    with on_device(params, facts=DeviceFacts("tensorflow")):
        model = build_compiled("mlp", coding, params, 1).model
    here = mixed_precision_choice("on", device_facts())[0]  # False on the processor
    assert model.dtype_policy.name == ("mixed_float16" if here else "float32")
    with pytest.raises(ProjectError, match="processor"):
        mixed_precision_used(params, DeviceFacts("tensorflow"))


def test_auto_batch_size_from_free_memory(coding):
    from engine.training.device_setup import activation_numbers, auto_batch_size
    from engine.training.keras_fit import build_compiled

    def build(params):
        return build_compiled("mlp", coding, params, 1).model

    model = build({"width": 8, "depth": 2})
    # input, two hidden layers of 8 (each with its activation) and the two-class output
    assert activation_numbers(model) >= coding.input_shape[0] + 2 * 8 + 2
    batch, said = auto_batch_size(build, {"width": 8, "depth": 2}, rows=100_000, facts=H100)
    assert batch == 65_536 and "2.0 GB" in said and str(batch) in said
    big = {"width": 4096, "depth": 3}
    wide, _ = auto_batch_size(build, big, rows=10 ** 9, facts=H100)
    per_example = 2 * activation_numbers(build(big)) * 2  # float16 under mixed precision
    weights = 4 * build(big).count_params() * 4
    assert wide * per_example + weights <= 2 * GIB * 0.5 < 2 * wide * per_example + weights
    assert auto_batch_size(build, big, rows=96, facts=H100)[0] == 64
    assert auto_batch_size(build, big, rows=96, facts=DeviceFacts("tensorflow"))[0] == 32


@pytest.mark.skipif("_on_cpu()")
def test_a_run_on_the_gpu_records_it_with_mixed_precision_and_an_auto_batch(project):
    """Runs where the backend sees a GPU (``make gpu-check``)."""
    facts = device_facts(fresh=True)
    pays = all(g.gains_from_mixed_precision for g in facts.gpus)
    said = []
    result = run_training(TrainingSpec(str(project.root), "mlp",
                                       {"width": 16, "epochs": 2, "batch_size": "auto"}),
                          lambda e: said.append(getattr(e, "text", "")))
    run = open_project(project.root).run(result.run_id)
    assert result.status == "finished"
    assert run.device == facts.label and run.mixed_precision is pays
    batch = run.params["batch_size"]
    assert batch & (batch - 1) == 0 and batch <= open_project(project.root).split.sizes["train"]
    assert any("from the GPU's free memory" in s for s in said)


def test_a_run_out_of_gpu_memory_is_saved_with_what_to_try(project):
    from engine.training.job import _out_of_memory_record, new_run_id

    spec = TrainingSpec(str(project.root), "mlp",
                        {"width": 4, "batch_size": 1024, "mixed_precision": "off"})
    run_id = new_run_id(project, "mlp")
    record = _out_of_memory_record(spec, project, run_id, H100)
    assert record.status == "failed" and record.device == "NVIDIA H100 80GB HBM3"
    assert record.message.startswith(
        "The GPU (NVIDIA H100 80GB HBM3) ran out of its memory (batch size 1024).")
    for step in ("batch_size=512", "mixed_precision=on", "a smaller model"):
        assert step in record.message
    # Mixed precision already on (auto on this GPU): not advised again.
    auto = TrainingSpec(str(project.root), "mlp", {"width": 4, "batch_size": 1024})
    assert "mixed_precision" not in _out_of_memory_record(auto, project, run_id, H100).message
    # On the processor: the computer's memory, as before.
    cpu = _out_of_memory_record(spec, project, run_id, DeviceFacts("tensorflow"))
    assert cpu.message.startswith("Training ran out of memory (batch size 1024).")
