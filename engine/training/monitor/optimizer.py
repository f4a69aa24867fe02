"""Keras optimizers that record gradient norms and scale learning rates per variable.

``make_optimizer`` returns a standard Keras optimizer (SGD, Adam, RMSprop, Adagrad,
Adadelta, Nadam) extended in two ways, both inside the compiled train step, so there is no
custom training loop and almost no cost:

* **Gradient norms.** ``apply()`` stores the squared L2 norm of each variable's gradient
  in an optimizer variable (one float per trainable variable). Being an optimizer
  variable, it travels with JAX's stateless state like the optimizer's own slots.
  ``gradient_norms()`` reads it: the norms of the last step. Measured on TensorFlow
  (``bench/telemetry_overhead.py``): about 1 % of a small MLP's step, nothing measurable
  on a small CNN's.
* **Learning-rate multipliers.** ``update_step()`` gets ``learning_rate * factor`` for the
  variables named in ``lr_multipliers`` (``variable.path`` -> factor, or a layer's path for
  all its variables), e.g. 0.1 or 0.01 for the lower layers of a pre-trained network.

TensorFlow hands ``update_step`` its own ``tf.Variable`` rather than the Keras variable, so
factors are looked up by the optimizer's variable index, which works on every backend.
On PyTorch the subclass runs Keras' generic per-variable update instead of its fused one.
Weight decay (not offered here) would not be scaled by the factors.

Use:
    opt = make_optimizer("adam", 1e-3, lr_multipliers={"mlp/dense/kernel": 0.1})
    model.compile(optimizer=opt, loss="mse")
    model.fit(X, y)
    opt.gradient_norms()
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

OPTIMIZERS: dict[str, type[keras.optimizers.Optimizer]] = {
    "sgd": keras.optimizers.SGD,
    "adam": keras.optimizers.Adam,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
    "adadelta": keras.optimizers.Adadelta,
    "nadam": keras.optimizers.Nadam,
}

_CLASSES: dict[type, type] = {}


class _TelemetryMixin:
    """Adds gradient-norm recording and per-variable learning-rate factors to a Keras
    optimizer class (mixed in before it)."""

    def __init__(self, *args, lr_multipliers: dict[str, float] | None = None,
                 record_gradients: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Plain tuples: the optimizer's attribute tracking leaves them alone.
        self._multiplier_items = tuple(sorted((str(k), float(v))
                                              for k, v in (lr_multipliers or {}).items()))
        self.record_gradients = bool(record_gradients)
        self._factors: tuple[float, ...] = ()
        self._grad_norms = None
        self._strict = True

    def build(self, variables):
        """Build the optimizer's slots, the gradient-norm variable and the factors."""
        super().build(variables)
        paths = [v.path for v in variables]
        self._factors = tuple(_factors_for(paths, dict(self._multiplier_items), self._strict))
        if self.record_gradients:
            # Squared L2 norms of the last step's gradients, one per variable.
            self._grad_norms = self.add_variable((len(variables),), initializer="zeros",
                                                 dtype="float32", name="gradient_sq_norms")

    def apply(self, grads, trainable_variables=None):
        """Update the variables (as Keras does) and record each gradient's squared L2 norm
        (of the raw gradient, before any clipping)."""
        result = super().apply(grads, trainable_variables)
        if self._grad_norms is not None and len(grads) > 0:
            variables = (self._trainable_variables if trainable_variables is None
                         else list(trainable_variables))
            self._record(grads, variables)
        return result

    def _record(self, grads, variables) -> None:
        # Squared norms (the square root is taken on the host when read): two small ops
        # per variable, a stack and an assign; nothing more runs in the train step.
        squares = [None] * len(self._trainable_variables)
        for grad, variable in zip(grads, variables):
            if grad is None:
                continue
            # Sparse (embedding) gradients: the norm of the rows that were touched.
            # (A PyTorch tensor has indices() and values() methods too: not sparse.)
            values = grad.values if hasattr(grad, "indices") and hasattr(grad, "values") \
                and not callable(grad.values) else grad
            if keras.backend.standardize_dtype(values.dtype) != "float32":
                values = ops.cast(values, "float32")
            squares[self._get_variable_index(variable)] = ops.sum(ops.square(values))
        if any(sq is None for sq in squares):
            zero = ops.zeros((), dtype="float32")
            squares = [zero if sq is None else sq for sq in squares]
        vector = ops.stack(squares)
        if self.loss_scale_factor is not None:
            vector = vector / float(self.loss_scale_factor) ** 2
        self._grad_norms.assign(vector)

    def update_step(self, gradient, variable, learning_rate):
        """The base optimizer's step with this variable's learning-rate factor applied."""
        if self._factors:
            factor = self._factors[self._get_variable_index(variable)]
            if factor != 1.0:
                learning_rate = ops.multiply(ops.cast(learning_rate, variable.dtype), factor)
        return super().update_step(gradient, variable, learning_rate)

    def gradient_norms(self) -> dict[str, float]:
        """The L2 norm of each variable's gradient at the last step, by variable path.

        Returns:
            ``{variable.path: norm}``; empty before the optimizer is built or when
            ``record_gradients`` is off. On JAX the value read in the middle of an epoch is
            current only once the model's state was synced (``Telemetry`` does that).
        """
        if self._grad_norms is None:
            return {}
        squares = np.asarray(ops.convert_to_numpy(self._grad_norms.value), dtype=float)
        return {v.path: math.sqrt(max(sq, 0.0)) if math.isfinite(sq) else sq
                for v, sq in zip(self._trainable_variables, squares)}

    def lr_factors(self) -> dict[str, float]:
        """The learning-rate factor of each trainable variable, by path (after build)."""
        return {v.path: f for v, f in zip(self._trainable_variables, self._factors)}

    def lr_factor(self, path: str) -> float:
        """The learning-rate factor a variable with this path gets (also before build,
        which TensorFlow defers to the first training step)."""
        return _factors_for([path], dict(self._multiplier_items), strict=False)[0]

    def get_config(self):
        config = super().get_config()
        config["lr_multipliers"] = dict(self._multiplier_items)
        config["record_gradients"] = self.record_gradients
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a saved optimizer. A reloaded model's variable paths can differ from
        the saved ones (the model's own name is dropped), so factors whose name matches
        no variable are ignored here instead of raising."""
        optimizer = super().from_config(config, custom_objects=custom_objects)
        optimizer._strict = False
        return optimizer


def _factors_for(paths: list[str], multipliers: dict[str, float],
                 strict: bool = True) -> list[float]:
    """Each path's factor: an exact match, else its longest matching layer path. With
    ``strict`` a multiplier that matches no path is an error."""
    factors = []
    used = set()
    for path in paths:
        best, factor = -1, 1.0
        for key, value in multipliers.items():
            if (path == key or path.startswith(key.rstrip("/") + "/")) and len(key) > best:
                best, factor = len(key), value
                used.add(key)
        factors.append(factor)
    unknown = sorted(set(multipliers) - used)
    if unknown and strict:
        raise ValueError(f"lr_multipliers name no trainable variable: {unknown}; "
                         f"the variables are {paths}")
    return factors


def telemetry_class(base: type[keras.optimizers.Optimizer]) -> type:
    """The recording subclass of the Keras optimizer class ``base`` (made once, cached).

    Args:
        base: e.g. ``keras.optimizers.Adam``.

    Returns:
        A class named ``Telemetry<Base>``, registered for Keras serialization under the
        package ``practica``.

    Use:
        telemetry_class(keras.optimizers.SGD).__name__
    """
    if base not in _CLASSES:
        cls = type(f"Telemetry{base.__name__}", (_TelemetryMixin, base),
                   {"__module__": __name__, "__doc__": f"{base.__name__} that records "
                    "gradient norms and scales learning rates per variable."})
        _CLASSES[base] = keras.saving.register_keras_serializable(package="practica")(cls)
    return _CLASSES[base]


def make_optimizer(name: str, learning_rate, *, momentum: float = 0.9, nesterov: bool = True,
                   lr_multipliers: dict[str, float] | None = None,
                   record_gradients: bool = True) -> keras.optimizers.Optimizer:
    """A Keras optimizer that records gradient norms and applies learning-rate factors.

    Args:
        name: ``sgd``, ``adam``, ``rmsprop``, ``adagrad``, ``adadelta`` or ``nadam``.
        learning_rate: a float or a ``keras.optimizers.schedules.LearningRateSchedule``.
        momentum: SGD's momentum (ignored by the others).
        nesterov: SGD's Nesterov momentum (ignored by the others).
        lr_multipliers: ``variable.path`` (or a layer's path) -> factor on the learning
            rate; unnamed variables keep factor 1. A name that matches no variable is an
            error when the optimizer is built.
        record_gradients: record each variable's gradient norm at every step.

    Returns:
        An instance of ``telemetry_class(<the Keras class>)``.

    Use:
        opt = make_optimizer("sgd", 0.01, momentum=0.0, nesterov=False)
        type(opt).__name__
    """
    key = name.lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
    if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        learning_rate = float(learning_rate)
    kwargs = {"momentum": float(momentum), "nesterov": bool(nesterov)} if key == "sgd" else {}
    cls = telemetry_class(OPTIMIZERS[key])
    return cls(learning_rate=learning_rate, lr_multipliers=lr_multipliers,
               record_gradients=record_gradients, **kwargs)
