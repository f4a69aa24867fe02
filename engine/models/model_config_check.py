"""The rules a Keras model's ``config.json`` must meet before Keras may build it.

Read as plain data (no Keras, no NumPy, nothing written), the parsed config is refused for:

- Python code: ``Lambda`` layers, ``__lambda__`` functions and layers that wrap other
  frameworks' code or files (``TFSMLayer``, ``TorchModuleWrapper``, ...);
- any ``module`` outside Keras' public layer, initializer, optimizer, loss, metric and op
  modules (the import gadget). Keras' private ``keras.src.*`` modules are refused too, but
  for the few classes Keras itself writes there (``Functional`` and the operations of
  ``keras.src.ops``): any other name in them reaches whatever those modules import (a
  layer claiming ``keras.src.layers.core.lambda_layer`` is one such trick);
- functions outside Keras' public activations, losses and metrics;
- custom objects (a ``registered_name`` that is not Keras' own nor one of Practica's
  layers) and any mention of switching unsafe deserialization on;
- a lookup layer (``StringLookup``, ``IntegerLookup``, ``TextVectorization``) whose
  vocabulary or weights are given as a file name: Keras would read that file from anywhere
  on the computer, or from the network (CVE-2025-12058). A model file carries its
  vocabulary in the config or in its own ``assets`` folder.

Use it through ``engine.models.safe_model_check.check_model_file``.

Example:
    >>> check_config({"module": "keras", "class_name": "Sequential", "config": {}})
    >>> try:
    ...     check_config({"module": "keras.src.layers.core.lambda_layer",
    ...                   "class_name": "Lambda2", "config": {}})
    ... except UnsafeModelError as exc:
    ...     print("refused:", "keras.src.layers.core.lambda_layer" in str(exc))
    refused: True
"""

from __future__ import annotations

from collections import deque
from typing import Any

from engine.core.errors import ProjectError
from engine.core.texts import text

ALLOWED_MODULES = ("keras.layers", "keras.initializers", "keras.regularizers",
                   "keras.constraints", "keras.activations", "keras.optimizers",
                   "keras.losses", "keras.metrics", "keras.models", "keras.ops",
                   "keras.dtype_policies", "keras.random")
"""Public modules (and their sub-modules) a config may name: layers, their parts and math."""
KERAS_SRC_CLASSES = {
    "keras.src.models.functional": frozenset({"Functional"}),
    "keras.src.models.sequential": frozenset({"Sequential"}),
    "keras.src.models.model": frozenset({"Model"}),
    # On PyTorch a plain keras.optimizers.Adam (...) is made as its fused twin and saved
    # under that twin's module: the same optimizer, one class per module.
    **{f"keras.src.backend.torch.optimizers.torch_{module}": frozenset({name})
       for module, name in (("adadelta", "Adadelta"), ("adagrad", "Adagrad"),
                            ("adam", "Adam"), ("adamax", "Adamax"), ("adamw", "AdamW"),
                            ("lion", "Lion"), ("nadam", "Nadam"), ("rmsprop", "RMSprop"),
                            ("sgd", "SGD"))},
}
"""The classes Keras writes under its private ``keras.src`` modules (not exported)."""
KERAS_SRC_OPS = ("keras.src.ops.numpy", "keras.src.ops.nn", "keras.src.ops.math",
                 "keras.src.ops.core", "keras.src.ops.image", "keras.src.ops.linalg")
"""Modules of Keras' operations (a mask's ``NotEqual``, ...): a capitalised name in them is
an operation class (a test checks it), never one of the module's imports."""
NOT_OPS = frozenset({"KerasTensor"})
KERAS_TOP_LEVEL = frozenset({"DTypePolicy", "FloatDTypePolicy", "QuantizedDTypePolicy",
                             "QuantizedFloat8DTypePolicy", "Sequential", "Model",
                             "Functional", "InputLayer", "Layer", "Variable",
                             "SeedGenerator"})
"""Classes a config may take from the ``keras`` module itself."""
FUNCTION_MODULES = ("keras.activations", "keras.losses", "keras.metrics")
"""The only modules a plain function (``class_name: function``) may come from."""
CODE_CLASSES = frozenset({"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer",
                          "FlaxLayer", "__lambda__", "__function__", "__typespec__"})
"""Layers and objects that carry or load code (Python bytecode, SavedModels, pickles)."""
DATA_DUNDERS = frozenset({"__keras_tensor__", "__tensor__", "__numpy__", "__bytes__",
                          "__ellipsis__", "__slice__"})
UNSAFE_WORDS = ("enable_unsafe_deserialization", "unsafe_deserialization", "safe_mode")
FILE_SETTINGS = ("vocabulary", "idf_weights")
"""Settings of the lookup layers that Keras reads as a file name when given as text."""
OWN_PACKAGE = "practica"
OWN_OBJECTS = {
    "engine.models.augmentation": frozenset({"RandomScaling", "RandomTimeShift"}),
    "engine.models.sound_augmentation": frozenset({"SoundNoise", "RandomStretch",
                                                   "RandomPitch", "RandomExcerpt"}),
    "engine.training.monitor.optimizer": frozenset({f"Telemetry{name}" for name in (
        "SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Nadam")}),
}
"""Practica's own registered layers and optimizers, by module; a test keeps this in step
with what Practica registers under the package ``practica``."""


class UnsafeModelError(ProjectError):
    """A model file was refused before loading; the message says why, in one line."""


def check_config(config: Any, name: str = "the model") -> None:
    """Raise ``UnsafeModelError`` when a Keras config (parsed ``config.json``) is unsafe.

    Args:
        config: the parsed JSON.
        name: the file's name, for the message.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise UnsafeModelError(text("model_check.not_keras", name=name))
    objects = []
    queue: deque[Any] = deque([config])
    while queue:  # every word first (the worst sign), then every object, outermost first
        node = queue.popleft()
        if isinstance(node, dict):
            for key, value in node.items():
                _check_words(str(key), name)
                queue.append(value)
            if "class_name" in node:
                objects.append(node)
        elif isinstance(node, list):
            queue.extend(node)
        elif isinstance(node, str):
            _check_words(node, name)
    for node in objects:
        _check_object(node, name)


def _check_words(value: str, name: str) -> None:
    low = value.lower()
    if any(word in low for word in UNSAFE_WORDS):
        raise UnsafeModelError(text("model_check.unsafe_switch", name=name))


def _check_object(node: dict, name: str) -> None:
    """One serialized object: ``{"module", "class_name", "config", "registered_name"}``."""
    class_name = node.get("class_name")
    module = node.get("module")
    registered = node.get("registered_name")
    if not isinstance(class_name, str) or not isinstance(module, (str, type(None))) \
            or not isinstance(registered, (str, type(None))):
        raise UnsafeModelError(text("model_check.not_keras", name=name))
    if class_name in CODE_CLASSES:
        raise UnsafeModelError(text("model_check.code", name=name, what=class_name))
    _check_file_settings(node.get("config"), class_name, name)
    if class_name.startswith("__"):
        if class_name in DATA_DUNDERS:
            return
        raise UnsafeModelError(text("model_check.custom", name=name, what=class_name))
    if module in OWN_OBJECTS or (registered or "").startswith(OWN_PACKAGE + ">"):
        if (class_name in OWN_OBJECTS.get(module, ())
                and registered in (None, f"{OWN_PACKAGE}>{class_name}")):
            return
        raise UnsafeModelError(text("model_check.custom", name=name,
                                    what=registered or f"{module}.{class_name}"))
    if registered not in (None, class_name):
        raise UnsafeModelError(text("model_check.custom", name=name, what=registered))
    if module is None:
        return
    if class_name == "function":
        function = node.get("config")
        if not _within(module, FUNCTION_MODULES) or not isinstance(function, str) \
                or not function.isidentifier():
            raise UnsafeModelError(text("model_check.import", name=name,
                                        what=f"{module}.{function}"))
        return
    if module == "keras":
        if class_name not in KERAS_TOP_LEVEL:
            raise UnsafeModelError(text("model_check.import", name=name,
                                        what=f"keras.{class_name}"))
        return
    if not (_within(module, ALLOWED_MODULES) or _keras_src_class(module, class_name)):
        raise UnsafeModelError(text("model_check.import", name=name,
                                    what=f"{module}.{class_name}"))


def _keras_src_class(module: str, class_name: str) -> bool:
    """True for one of the few classes Keras writes under ``keras.src``."""
    if class_name in KERAS_SRC_CLASSES.get(module, ()):
        return True
    return (module in KERAS_SRC_OPS and class_name.isidentifier()
            and class_name[:1].isupper() and class_name not in NOT_OPS)


def _check_file_settings(config: Any, class_name: str, name: str) -> None:
    """A lookup layer's vocabulary (or weights) given as a file name reads a file from
    anywhere: only a list of words (or numbers), or nothing, is accepted."""
    if not isinstance(config, dict):
        return
    for setting in FILE_SETTINGS:
        value = config.get(setting)
        if value is not None and not isinstance(value, list):
            raise UnsafeModelError(text("model_check.outside_file", name=name,
                                        layer=class_name, setting=setting,
                                        path=str(value)[:200]))


def _within(module: str, allowed: tuple[str, ...]) -> bool:
    return any(module == m or module.startswith(m + ".") for m in allowed)
