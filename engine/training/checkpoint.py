"""Saving a run's progress after every epoch, and continuing it after an interruption.

``Checkpointer`` is a Keras callback: at each epoch end it copies to host memory the
model's weights and random-seed states (on PyTorch also its global generator), the
optimizer's variables, the epoch number, the history rows and the early-stopping state,
then writes them to the run folder (``engine.training.checkpoint_store``) in a background
thread so training does not wait for the disk. A write still running when the next epoch ends, or when training ends, is waited for.

To continue: build and compile the same model, ``restore`` the checkpoint into it, and fit
from the saved epoch with a ``ResumableEarlyStopping`` and a ``Checkpointer`` that starts
from the saved history. Put the ``Checkpointer`` last among the callbacks, so the epoch's
logs and early stopping's verdict on it are complete when it saves.

Use:
    checkpoint = load_checkpoint(run_dir)
    stopper = ResumableEarlyStopping(patience=5, restore_best_weights=True)
    start = 0
    if checkpoint is not None:
        restore(model, checkpoint, stopper)
        start = checkpoint.epoch
    saver = Checkpointer(run_dir, stopper, checkpoint.history if checkpoint else None)
    model.fit(X, y, epochs=50, initial_epoch=start, callbacks=[stopper, saver])
    remove_checkpoint(run_dir)   # the run is finished
"""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path

import keras
import numpy as np

from engine.training.checkpoint_store import (Checkpoint, load_checkpoint, remove_checkpoint,
                                     write_checkpoint)
from engine.core.errors import ProjectError
from engine.training.resumable_stopping import ResumableEarlyStopping, stopper_state
from engine.core.texts import text

__all__ = ["Checkpoint", "Checkpointer", "load_checkpoint", "random_state_variables",
           "remove_checkpoint", "restore"]


def _host_copy(variables) -> list[np.ndarray]:
    """Numpy copies of variables, safe to write while training changes the originals.

    ``Variable.numpy()`` is about a third faster than ``keras.ops.convert_to_numpy`` on
    TensorFlow; the explicit copy guards backends whose numpy view shares the buffer.
    """
    return [np.array(v.numpy(), copy=True) for v in variables]


def random_state_variables(model: keras.Model) -> list:
    """The model's random-seed states (dropout, noise layers): variables that are neither
    weights nor metric state, in ``model.variables`` order.

    Args:
        model: a built Keras model.

    Returns:
        The variables (empty for a model without random layers).

    Use:
        [v.path for v in random_state_variables(model)]
    """
    weights = {id(v) for v in model.weights}
    metrics = {id(v) for v in model.metrics_variables}
    return [v for v in model.variables if id(v) not in weights and id(v) not in metrics]


def backend_random_states() -> list[np.ndarray]:
    """The backend's global random generators, where the model's layers draw from them.

    On PyTorch a Dropout layer without a seed draws its masks from torch's global generator
    (Keras' fast path), not from its seed-state variable, so a resumed run repeats the
    uninterrupted one only if that generator is saved too: the processor's generator, then
    each GPU's once CUDA is in use. Other backends keep all randomness in the model's
    seed-state variables: empty.

    Use:
        states = backend_random_states()
    """
    if keras.backend.backend() != "torch":
        return []
    # Imported here to keep PyTorch out of start-up (on PyTorch it is loaded already).
    import torch
    states = [torch.random.get_rng_state()]
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states += list(torch.cuda.get_rng_state_all())
    return [np.array(state.numpy(), copy=True) for state in states]


# Generator states that ``restore`` put back, to be put back again when the resumed fit
# begins (its Checkpointer does it): on PyTorch, fit's own set-up draws from the global
# generator, which the uninterrupted run did once, before its first epoch.
_PENDING_RANDOM: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def set_backend_random_states(states: list[np.ndarray]) -> None:
    """Put back what ``backend_random_states`` saved (on the same backend; nothing for a
    checkpoint from another backend, and the GPUs' generators only when the GPU count is
    the same).

    Use:
        set_backend_random_states(checkpoint.backend_random_states)
    """
    if not len(states) or keras.backend.backend() != "torch":
        return
    # Imported here to keep PyTorch out of start-up (on PyTorch it is loaded already).
    import torch
    tensors = [torch.from_numpy(np.ascontiguousarray(s, dtype=np.uint8)) for s in states]
    torch.random.set_rng_state(tensors[0])
    if torch.cuda.is_available() and len(tensors) - 1 == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(tensors[1:])


class Checkpointer(keras.callbacks.Callback):
    """Save what a resumed run needs at the end of every epoch (see the module text).

    Args:
        run_dir: the run's folder.
        stopper: the run's early stopping, whose state is saved too; ``None`` if none.
        history: the history rows of the epochs before this ``fit`` (when resuming).
        background: write the files in a background thread (``False``: write at once).

    Attributes:
        history: one row of epoch logs per finished epoch.
        copy_seconds: per epoch, the time training waited for the host copy (and for a
            previous write still running).
        write_seconds: per epoch, the time the file write took (in the background).

    Raises:
        ProjectError: (at an epoch end or at train end) a checkpoint could not be written.
        RuntimeError: the stopper runs after this callback, so its state would be stale.

    Use:
        saver = Checkpointer(run_dir, stopper)
        model.fit(X, y, epochs=20, callbacks=[stopper, saver])
    """

    def __init__(self, run_dir: str | Path,
                 stopper: keras.callbacks.EarlyStopping | None = None,
                 history: list[dict[str, float]] | None = None,
                 background: bool = True) -> None:
        super().__init__()
        self.run_dir = Path(run_dir)
        self.stopper = stopper
        self.history: list[dict[str, float]] = [dict(r) for r in history or []]
        self.background = background
        self.copy_seconds: list[float] = []
        self.write_seconds: list[float] = []
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def _snapshot(self, epoch: int) -> Checkpoint:
        model = self.model
        optimizer = getattr(model, "optimizer", None)
        state = None
        if self.stopper is not None:
            if (isinstance(self.stopper, ResumableEarlyStopping)
                    and self.stopper.last_epoch_end != epoch):
                raise RuntimeError("put the Checkpointer after the early stopping callback")
            state = stopper_state(self.stopper)
        return Checkpoint(
            epoch=epoch + 1, history=[dict(r) for r in self.history],
            weights=_host_copy(model.weights),
            optimizer_variables=_host_copy(optimizer.variables if optimizer else []),
            stopper_state=state, random_states=_host_copy(random_state_variables(model)),
            backend_random_states=backend_random_states())

    def _write(self, checkpoint: Checkpoint) -> None:
        started = time.perf_counter()
        try:
            write_checkpoint(self.run_dir, checkpoint)
        except BaseException as exc:  # noqa: BLE001 - handed to the training thread
            self._error = exc
        self.write_seconds.append(time.perf_counter() - started)

    def flush(self) -> None:
        """Wait for the write in progress, if any.

        Raises:
            ProjectError: that write failed (raised once).
        """
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def on_epoch_end(self, epoch, logs=None):
        started = time.perf_counter()
        self.flush()
        self.history.append({k: float(keras.ops.convert_to_numpy(v))
                             for k, v in (logs or {}).items()})
        checkpoint = self._snapshot(epoch)
        self.copy_seconds.append(time.perf_counter() - started)
        if self.background:
            self._thread = threading.Thread(target=self._write, args=(checkpoint,),
                                            name="practica-checkpoint")
            self._thread.start()
        else:
            self._write(checkpoint)
            self.flush()

    def on_train_begin(self, logs=None):
        # A restored run's backend generators, as they were when the saved epoch ended.
        set_backend_random_states(_PENDING_RANDOM.pop(self.model, []))

    def on_train_end(self, logs=None):
        self.flush()


def _check_shapes(what: str, variables, values) -> None:
    if len(variables) != len(values) or any(
            tuple(v.shape) != tuple(np.shape(a)) for v, a in zip(variables, values)):
        raise ProjectError(text("checkpoint.mismatch", what=what))


def restore(model: keras.Model, checkpoint: Checkpoint,
            stopper: ResumableEarlyStopping | None = None) -> None:
    """Put a checkpoint's state back into a freshly built and compiled model.

    Sets the weights and random-seed states (and the backend's global generator where it
    was saved; the fit's ``Checkpointer`` sets that again as training begins), builds the optimizer if needed and sets its
    variables (so the iteration count, learning rate and moments continue), and hands the
    early-stopping state to ``stopper``. Then call
    ``model.fit(..., initial_epoch=checkpoint.epoch)``; do not compile again (that makes a
    new optimizer).

    Args:
        model: the same architecture as the checkpointed one, built and compiled.
        checkpoint: from ``load_checkpoint``.
        stopper: the early stopping of the resumed fit; it must be a
            ``ResumableEarlyStopping`` (a plain one forgets the state when training begins).

    Raises:
        ProjectError: the checkpoint does not fit the model or its optimizer, or early
            stopping watched another quantity.
        ValueError: the model is not compiled.
        TypeError: ``stopper`` is a plain ``EarlyStopping``.

    Use:
        restore(model, load_checkpoint(run_dir), stopper)
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError("compile the model before restoring a checkpoint into it")
    if stopper is not None and not isinstance(stopper, ResumableEarlyStopping):
        raise TypeError("use engine.training.resumable_stopping.ResumableEarlyStopping to resume")
    _check_shapes(text("checkpoint.what_weights"), model.weights, checkpoint.weights)
    randoms = random_state_variables(model)
    _check_shapes(text("checkpoint.what_randoms"), randoms, checkpoint.random_states)
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    _check_shapes(text("checkpoint.what_optimizer"), optimizer.variables,
                  checkpoint.optimizer_variables)
    state = checkpoint.stopper_state
    if stopper is not None and state is not None and state.get("monitor") != stopper.monitor:
        raise ProjectError(text("checkpoint.stopper_mismatch", saved=state.get("monitor"),
                                now=stopper.monitor))
    model.set_weights(checkpoint.weights)
    for variable, value in zip(randoms, checkpoint.random_states):
        variable.assign(value)
    set_backend_random_states(checkpoint.backend_random_states)
    if len(checkpoint.backend_random_states):
        _PENDING_RANDOM[model] = checkpoint.backend_random_states
    for variable, value in zip(optimizer.variables, checkpoint.optimizer_variables):
        variable.assign(value)
    if stopper is not None and state is not None:
        stopper.resume_from(state)
