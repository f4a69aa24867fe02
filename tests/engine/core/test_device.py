"""Device facts and the decisions made from them, with device lists written as plain data
(the GPUs of real cards: names, memory and compute capability as their backends report
them), and the facts this computer's backend really gives."""

from __future__ import annotations

import pytest

from engine.core.device import (GIB, DeviceFacts, Gpu, device_facts, mixed_precision_choice,
                                mixed_precision_refusal, suggested_batch_size,
                                uses_mirrored_strategy)
from engine.core.errors import ProjectError
from engine.core.out_of_memory import out_of_memory_advice
from engine.models.train_params import TrainParams, params_problem

H100 = Gpu("NVIDIA H100 80GB HBM3", 80 * GIB, 79 * GIB, (9, 0))
T4 = Gpu("Tesla T4", 15 * GIB, 14 * GIB, (7, 5))
K80 = Gpu("Tesla K80", 12 * GIB, 11 * GIB, (3, 7))
CPU = DeviceFacts("tensorflow")


def test_mixed_precision_pays_from_compute_capability_7():
    assert [g.gains_from_mixed_precision for g in (H100, T4, K80, Gpu("unknown"))] == \
        [True, True, False, False]
    one = DeviceFacts("tensorflow", (H100,))
    assert mixed_precision_choice("auto", one) == (True, "")
    assert mixed_precision_choice("on", one) == (True, "")
    assert mixed_precision_choice(True, one) == (True, "")
    assert mixed_precision_choice("off", one) == (False, "")
    assert mixed_precision_choice(False, one) == (False, "")
    # One older card among them: all would wait for it, so not used.
    assert mixed_precision_choice("auto", DeviceFacts("tensorflow", (H100, K80)))[0] is False


def test_on_the_processor_mixed_precision_is_refused_with_the_reason():
    assert mixed_precision_choice("auto", CPU) == (False, "")
    assert mixed_precision_choice("off", CPU) == (False, "")
    use, refusal = mixed_precision_choice("on", CPU)
    assert use is False
    assert "processor" in refusal and "mixed_precision=auto or off" in refusal
    assert refusal.startswith(mixed_precision_refusal(CPU))  # the GUI's note: no setting
    use, refusal = mixed_precision_choice("on", DeviceFacts("jax", (K80,)))
    assert not use and "Tesla K80 has 3.7" in refusal and "7.0" in refusal
    assert mixed_precision_refusal(DeviceFacts("torch", (T4,))) == ""
    assert "auto, on or off, not maybe" in mixed_precision_choice("maybe", CPU)[1]


def test_several_gpus_share_batches_only_on_tensorflow():
    assert uses_mirrored_strategy(DeviceFacts("tensorflow", (H100, H100)))
    assert not uses_mirrored_strategy(DeviceFacts("tensorflow", (H100,)))
    assert not uses_mirrored_strategy(CPU)
    for backend in ("jax", "torch"):
        facts = DeviceFacts(backend, (H100, H100))
        assert not uses_mirrored_strategy(facts)
        assert f"The {backend} backend trains on the first of its 2 GPUs only." \
            in facts.sentence()
    assert "Its 2 GPUs train together" in DeviceFacts("tensorflow", (H100, H100)).sentence()


def test_the_sentence_and_label_name_the_device():
    assert CPU.label == "CPU" and "processor" in CPU.sentence()
    one = DeviceFacts("tensorflow", (H100,))
    assert one.label == "NVIDIA H100 80GB HBM3"
    assert one.sentence().startswith(
        "Training runs on NVIDIA H100 80GB HBM3 (80 GB, 79 GB free). Mixed precision")
    assert DeviceFacts("tensorflow", (H100, H100)).label == "2 x NVIDIA H100 80GB HBM3"
    assert DeviceFacts("tensorflow", (H100, T4)).label == "NVIDIA H100 80GB HBM3, Tesla T4"
    assert "would not speed this GPU up" in DeviceFacts("tensorflow", (K80,)).sentence()
    no_memory = DeviceFacts("torch", (Gpu("GPU 0"),))
    assert no_memory.sentence().startswith("Training runs on GPU 0. ")
    assert one.to_dict()["gpus"][0] == {"name": H100.name, "total_bytes": 80 * GIB,
                                        "free_bytes": 79 * GIB, "compute_capability": [9, 0]}


def test_suggested_batch_size_fits_the_free_memory():
    # An MLP of 1M weights, 100k numbers of activations per example kept and their
    # gradients in float32 (800 kB an example), on 10 GB free: half of it for the batch.
    free, params, example = 10 * GIB, 1_000_000, 800_000
    batch = suggested_batch_size(free, params, example, rows=1_000_000)
    assert batch == 4096
    need = 4 * params * 4 + batch * example
    assert need <= free * 0.5 < 4 * params * 4 + 2 * batch * example  # the largest that fits
    # Mixed precision halves each example's activations: twice the batch.
    assert suggested_batch_size(free, params, example // 2, rows=1_000_000) == 8192
    # Capped by the rows (a power of two at most them) and by the largest allowed.
    assert suggested_batch_size(free, params, example, rows=3000) == 2048
    assert suggested_batch_size(80 * GIB, 1000, 100, rows=10 ** 9) == 65_536
    # A model whose weights alone fill the budget: one example at a time.
    assert suggested_batch_size(1 * GIB, 200_000_000, 1000) == 1
    assert suggested_batch_size(0, 10, 10) == 1
    # A ResNet-50-like net (25.6M weights, ~100 MB of activations an example) on a T4.
    assert suggested_batch_size(14 * GIB, 25_600_000, 100_000_000, rows=50_000) == 64


def test_the_setting_is_auto_on_or_off():
    assert TrainParams().mixed_precision == "auto"
    assert TrainParams(mixed_precision=True).mixed_precision == "on"
    assert TrainParams(mixed_precision="OFF").mixed_precision == "off"
    with pytest.raises(ProjectError, match="auto, on or off, not sometimes"):
        TrainParams(mixed_precision="sometimes")
    assert "auto, on or off" in params_problem({"mixed_precision": "sometimes"})


def test_out_of_memory_on_a_gpu_says_what_to_do():
    advice = out_of_memory_advice(512, gpu="Tesla T4", mixed_hint=True)
    assert advice.startswith("The GPU (Tesla T4) ran out of its memory (batch size 512).")
    for step in ("batch_size=256", "mixed_precision=on", "a smaller model"):
        assert step in advice
    assert "mixed_precision" not in out_of_memory_advice(512, gpu="Tesla T4")
    assert "GPU" not in out_of_memory_advice(512)  # the processor's memory: as before


def test_this_computers_backend_is_asked_for_real():
    facts = device_facts(fresh=True)
    assert facts.backend in ("tensorflow", "jax", "torch")
    assert device_facts() is facts  # kept for the process
    for gpu in facts.gpus:  # on a GPU machine: what the backend said
        assert gpu.name and gpu.free_bytes <= gpu.total_bytes
    if not facts.gpus:
        assert facts.label == "CPU"
        assert mixed_precision_choice("auto", facts) == (False, "")
