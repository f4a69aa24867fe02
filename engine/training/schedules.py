"""The learning rate over training: a constant, or one of the schedules of ``TrainParams``.

The seeds' advice: a rate that falls as training goes on lets the model settle into a
minimum; a short warm-up helps large models start; cutting the rate when the dev loss stops
improving is a safe default when nothing is known. Keras' own schedules do the arithmetic;
this module turns the plain settings (in epochs) into them (in optimizer steps).

Use:
    from engine.models.train_params import TrainParams
    rate, callbacks = learning_rate_plan(TrainParams(schedule="step"), steps_per_epoch=10)
"""

from __future__ import annotations

import keras

from engine.models.train_params import TrainParams


def learning_rate_plan(p: TrainParams, steps_per_epoch: int):
    """The optimizer's ``learning_rate`` argument and the callbacks the schedule needs.

    Args:
        p: the training settings (``learning_rate``, ``schedule``, ``decay_rate``,
            ``decay_epochs``, ``warmup_epochs``, ``epochs``, ``patience``).
        steps_per_epoch: optimizer steps in one epoch.

    Returns:
        ``(learning_rate, callbacks)``: a float or a ``LearningRateSchedule``, and a list
        of Keras callbacks (only ``plateau`` needs one).
    """
    lr = float(p.learning_rate)
    steps = max(1, int(steps_per_epoch))
    decay_steps = max(1, int(p.decay_epochs)) * steps
    schedules = keras.optimizers.schedules
    if p.schedule == "step":
        return schedules.ExponentialDecay(lr, decay_steps, p.decay_rate, staircase=True), []
    if p.schedule == "exponential":
        return schedules.ExponentialDecay(lr, decay_steps, p.decay_rate), []
    if p.schedule == "inverse_time":
        return schedules.InverseTimeDecay(lr, decay_steps, p.decay_rate), []
    if p.schedule == "warmup_cosine":
        warmup = max(0, min(int(p.warmup_epochs), max(0, p.epochs - 1))) * steps
        total = max(1, int(p.epochs) * steps - warmup)
        return schedules.CosineDecay(lr * 0.01 if warmup else lr, total, alpha=0.0,
                                     warmup_target=lr if warmup else None,
                                     warmup_steps=warmup), []
    if p.schedule == "plateau":
        # Waits less than early stopping does, so the rate is cut before the run ends.
        wait = max(1, min(int(p.decay_epochs), max(1, int(p.patience) // 2)))
        return lr, [keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=p.decay_rate,
                                                      patience=wait, min_lr=lr * 1e-3)]
    return lr, []


def rate_at(learning_rate, step: int) -> float:
    """The rate a ``learning_rate_plan`` result gives at optimizer step ``step``."""
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        return float(keras.ops.convert_to_numpy(learning_rate(step)))
    return float(learning_rate)
