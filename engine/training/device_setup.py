"""Putting a model on the device that trains it: mixed precision, several GPUs, the batch.

``on_device(params)`` is the context every Keras model of a run (training, tuning trials,
the final test's retraining and seed repeats, learning curves) is built and compiled in:

* with mixed precision chosen (``mixed_precision`` ``auto`` on a GPU that gains from it,
  or ``on``; see ``engine.core.device.mixed_precision_choice``) the layers are made under
  Keras' ``mixed_float16`` policy (16-bit arithmetic, 32-bit weights; the output layer
  stays float32, ``engine.models.blocks.output_head``), and ``compile`` wraps the optimizer
  in a ``LossScaleOptimizer``; the global policy is put back afterwards, so the engine
  process' next job starts from float32;
* with several GPUs on TensorFlow, inside ``tf.distribute.MirroredStrategy``'s scope, so
  ``fit`` splits every batch between them.

``auto_batch_size`` turns ``batch_size=auto`` into a number: on a GPU the largest power of
two whose activations fit in its free memory (``engine.core.device.suggested_batch_size``),
on the processor the default.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator

import keras

from engine.core.device import (DeviceFacts, device_facts, mixed_precision_choice,
                                suggested_batch_size, uses_mirrored_strategy)
from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.models.train_params import TrainParams

MIXED_POLICY = "mixed_float16"


def mixed_precision_used(params: dict[str, Any], facts: DeviceFacts | None = None) -> bool:
    """Whether a run with ``params`` trains with mixed precision on this computer.

    Raises:
        ProjectError: ``mixed_precision=on`` where it does not pay, with the reason.
    """
    use, refusal = mixed_precision_choice(params.get("mixed_precision", "auto"),
                                          facts or device_facts())
    if refusal:
        raise ProjectError(refusal)
    return use


@contextlib.contextmanager
def on_device(params: dict[str, Any], facts: DeviceFacts | None = None,
              mixed: bool | None = None) -> Iterator[None]:
    """Build and compile a model inside this: the run's precision and GPUs apply.

    Args:
        params: the run's settings (``mixed_precision`` is read).
        facts: the devices (asked from the backend when None).
        mixed: force mixed precision on or off (tests; None: decided from ``params``).
    """
    facts = facts or device_facts()
    if mixed is None:
        # 'on' where it does not pay builds in 32 bits: a new run is refused beforehand
        # (run_training), while a run made on another computer's GPU still retrains here.
        mixed = mixed_precision_choice(params.get("mixed_precision", "auto"), facts)[0]
    with contextlib.ExitStack() as stack:
        if mixed:
            stack.enter_context(_policy(MIXED_POLICY))
        if uses_mirrored_strategy(facts):
            # Imported here to keep TensorFlow out of start-up.
            import tensorflow as tf

            stack.enter_context(tf.distribute.MirroredStrategy().scope())
        yield


@contextlib.contextmanager
def _policy(name: str) -> Iterator[None]:
    before = keras.mixed_precision.dtype_policy()
    keras.mixed_precision.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_dtype_policy(before)


def activation_numbers(model: keras.Model) -> int:
    """Numbers one example's forward pass keeps for the backward pass: every layer's
    output size (inputs included)."""
    total = 0
    for layer in model.layers:
        try:
            outputs = layer.output
        except (AttributeError, ValueError):  # a layer never called on a symbolic input
            continue
        for tensor in keras.tree.flatten(outputs):
            shape = getattr(tensor, "shape", None)
            if shape is None:
                continue
            total += math.prod(int(d) for d in shape[1:] if d is not None)
    return total


def auto_batch_size(build, params: dict[str, Any], rows: int,
                    facts: DeviceFacts | None = None) -> tuple[int, str]:
    """The batch size ``batch_size=auto`` stands for, and one plain line saying why.

    Args:
        build: ``build(params) -> keras.Model`` (the run's model, built to be measured).
        params: the run's settings.
        rows: training rows (the batch never exceeds them).
        facts: the devices (asked from the backend when None).
    """
    facts = facts or device_facts(fresh=True)
    default = TrainParams().batch_size
    free = facts.gpus[0].free_bytes if facts.on_gpu else 0
    if not free:
        return default, text("device.batch_auto_cpu", batch=default)
    mixed = mixed_precision_used(params, facts)
    model = build({**params, "batch_size": default})
    dtype_bytes = 2 if mixed else 4
    # Each activation is kept for the backward pass and has a gradient of its own.
    example_bytes = 2 * activation_numbers(model) * dtype_bytes
    batch = suggested_batch_size(free, int(model.count_params()), example_bytes,
                                 dtype_bytes=4, rows=rows)
    if uses_mirrored_strategy(facts) and batch * len(facts.gpus) <= rows:
        batch *= len(facts.gpus)  # each GPU takes its share of a batch
    return batch, text("device.batch_auto", batch=batch, free=f"{free / 1024 ** 3:.1f}")
