"""Transfer learning: reuse a trained network's layers and give it a new output for this task.

``source`` is a saved ``.keras`` model (its inputs must be shaped like this project's;
``engine.models.safe_model_load`` copies the file into a private folder, checks the copy in a
throw-away process and has Keras load that very copy, with safe mode on) or ``keras:<Name>``
for a pretrained backbone of ``keras.applications`` whose weights are in the local Keras
cache (``engine.models.backbones``; never downloaded here).

The new model is the source's layers up to, not including, its output layer, then a new
output layer ``head`` for this task (after ``pool_global``, an average over the picture,
for backbones). A saved model that is a plain chain of layers is rebuilt flat from the
same layer objects (so layer names stay readable and the weights are shared); its old
augmentation layers are dropped and new ones added when ``augment`` > 0. Any other graph,
and every backbone, sits in the new model as one nested model.

"Layers" below count the base's layers that hold weights, with each batch-normalisation
layer counted with the layer before it. ``freeze_layers=N`` freezes the first N of them
(-1: all). With ``transfer_rates=True`` nothing is frozen and ``lr_multipliers`` maps the
path of each trainable base variable to 0.01 (lower layers) or 0.1 (top layer); the new
head is absent from the dict (rate 1.0). The fit code's optimizer applies the multipliers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

from engine.core.errors import ProjectError
from engine.models.augmentation import augmentation_layers  # also registers its layers
from engine.models.backbones import first_line, check_backbone, load_backbone
from engine.models.blocks import output_head
from engine.models.safe_model_load import ModelUnreadableError, load_keras_model
from engine.core.texts import text

LOWER_RATE = 0.01
TOP_RATE = 0.1


@dataclass(frozen=True)
class Varied:
    """The augmentation of the new model: strength, seed, whether pictures may be
    mirrored / turned, and the changes made to sounds (see
    ``engine.models.augmentation.augmentation_layers``)."""

    strength: float = 0.0
    seed: int | None = None
    flip: bool = False
    rotate: bool = False
    sound: tuple[str, ...] = ("noise", "shift")


@dataclass(frozen=True)
class TransferredModel:
    """A model built on a trained source, and how its base is to be trained.

    Args:
        model: the uncompiled ``keras.Model``.
        lr_multipliers: ``variable.path`` -> learning-rate factor (absent: 1.0).
        frozen: names of the frozen layers.
        note: one plain sentence on what was reused and how it trains.
    """

    model: Any
    lr_multipliers: dict[str, float]
    frozen: tuple[str, ...]
    note: str


def transfer_model(source: str, input_shape: tuple[int, ...], task: str, n_classes: int,
                   freeze_layers: int = 0, transfer_rates: bool = False, *,
                   augment: float = 0.0, data_kind: str | None = None,
                   seed: int | None = None, flip: bool = False,
                   rotate: bool = False,
                   sound: tuple[str, ...] = ("noise", "shift")) -> TransferredModel:
    """Build this task's model on the layers of ``source``.

    Args:
        source: path of a ``.keras`` file, or ``keras:<ApplicationName>``.
        input_shape: one example's shape without the batch axis (must match the source's).
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        freeze_layers: how many of the base's first layers to freeze (-1: all).
        transfer_rates: train every layer, the base's at lower rates, instead of freezing.
        augment: augmentation strength for the new model (0: none).
        data_kind: picks the augmentation; None guesses it from the source (word numbers:
            text; else its augmentation layers; else 1 axis: table, 2: sequence, 3: images).
        seed: seed of the augmentation's draws.
        flip, rotate: image augmentation may mirror / turn the pictures too (only when
            that keeps their label).
        sound: the changes sound augmentation makes (see ``augmentation_layers``).

    Returns:
        The ``TransferredModel``.

    Use:
        moved = transfer_model("old/model.keras", (5,), "multiclass", 3, freeze_layers=1)
        moved.frozen
    """
    if int(freeze_layers) < -1:
        raise ProjectError(text("transfer.bad_freeze", n=freeze_layers))
    shape = tuple(int(n) for n in input_shape)
    varied = Varied(augment, seed, flip, rotate, tuple(sound))
    if source.startswith("keras:"):
        model, base_layers, label = _on_backbone(source[len("keras:"):], shape, task,
                                                 n_classes, varied)
    else:
        model, base_layers, label = _on_saved_model(source, shape, task, n_classes, varied,
                                                    data_kind)
    groups = layer_groups(base_layers)
    if transfer_rates:
        rates = lr_multipliers(groups)
        note = text("transfer.note_rates", source=label, layers=len(groups))
        return TransferredModel(model, rates, (), note)
    n = len(groups) if int(freeze_layers) == -1 else min(int(freeze_layers), len(groups))
    frozen = tuple(layer.name for group in groups[:n] for layer in group)
    for group in groups[:n]:
        for layer in group:
            layer.trainable = False
    key = ("transfer.note_free" if n == 0 else
           "transfer.note_all_frozen" if n == len(groups) else "transfer.note_frozen")
    note = text(key, source=label, frozen=n, layers=len(groups))
    return TransferredModel(model, {}, frozen, note)


def layer_groups(layers: list[Any]) -> list[list[Any]]:
    """The base's layers that hold weights, each batch-norm layer grouped with the one before.

    Args:
        layers: the base's layers, in order.

    Returns:
        One list per counted layer (``[dense_1, dense_1_bn]``, ``[dense_2]``, ...).

    Use:
        [[l.name for l in g] for g in layer_groups(model.layers)]
    """
    groups: list[list[Any]] = []
    for layer in layers:
        if not layer.weights or isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.layers.BatchNormalization) and groups:
            groups[-1].append(layer)
        else:
            groups.append([layer])
    return groups


def lr_multipliers(groups: list[list[Any]]) -> dict[str, float]:
    """``variable.path`` -> 0.01 for the lower groups' trainable variables, 0.1 for the top's.

    Args:
        groups: from ``layer_groups``.

    Returns:
        The multipliers (the new head is not in it: it trains at the full rate).
    """
    rates: dict[str, float] = {}
    for i, group in enumerate(groups):
        rate = TOP_RATE if i == len(groups) - 1 else LOWER_RATE
        for layer in group:
            for variable in layer.trainable_weights:
                rates[variable.path] = rate
    return rates


def _on_saved_model(source: str, shape: tuple[int, ...], task: str, n_classes: int,
                    varied: Varied, data_kind: str | None):
    path = Path(source).expanduser()
    if not path.is_file():
        raise ProjectError(text("transfer.no_file", path=path))
    try:  # a file from anywhere: a private copy, checked in a throw-away process, is loaded
        src = load_keras_model(path, outside=True)
    except ModelUnreadableError as exc:  # damaged, unknown layers: say so plainly
        raise ProjectError(text("transfer.unreadable", path=path,
                                reason=first_line(exc.__cause__ or exc))) from exc
    if len(src.inputs) != 1 or tuple(src.inputs[0].shape[1:]) != shape:
        source_shape = tuple(tuple(t.shape[1:]) for t in src.inputs)
        raise ProjectError(text("transfer.shape_mismatch", path=path, target=shape,
                                source=source_shape[0] if len(source_shape) == 1
                                else source_shape))
    body = [layer for layer in src.layers if not isinstance(layer, keras.layers.InputLayer)]
    body = body[:-1]
    if not any(layer.weights for layer in body):
        raise ProjectError(text("transfer.too_small", path=path))
    dtype = src.inputs[0].dtype
    kind = data_kind or _guess_data_kind(src, shape, dtype)
    inputs = keras.Input(shape=shape, dtype=dtype, name="input")
    if _is_chain(src, body):
        x, added = inputs, False
        for layer in body:
            if layer.name.startswith("augment_"):
                continue
            if not added and layer.name != "channels":
                x, added = _augmented(x, kind, varied), True
            x = layer(x)
        base_layers = body
    else:
        base = keras.Model(src.inputs, src.layers[-1].input, name="base")
        x = base(_augmented(inputs, kind, varied))
        base_layers = base.layers
    if len(x.shape) > 2:
        x = keras.layers.Flatten(name="features_flat")(x)
    model = keras.Model(inputs, output_head(x, task, n_classes), name=f"{src.name}_transfer")
    return model, base_layers, path.name


def _on_backbone(name: str, shape: tuple[int, ...], task: str, n_classes: int,
                 varied: Varied):
    check_backbone(name)
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (1, 3)):
        raise ProjectError(text("transfer.not_images", name=name, shape=shape))
    backbone = load_backbone(name, (shape[0], shape[1], 3))
    inputs = keras.Input(shape=shape, name="input")
    x = inputs
    if len(shape) == 2:
        x = keras.layers.Reshape(shape + (1,), name="channels")(x)
    x = _augmented(x, "images", varied)
    if len(shape) == 2 or shape[2] == 1:
        x = keras.layers.Concatenate(name="to_rgb")([x, x, x])  # grey into three channels
    x = backbone(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool_global")(x)
    model = keras.Model(inputs, output_head(x, task, n_classes), name=f"{name}_transfer")
    return model, backbone.layers, name


def _augmented(x: Any, data_kind: str, varied: Varied) -> Any:
    for layer in augmentation_layers(data_kind, varied.strength, varied.seed,
                                     flip=varied.flip, rotate=varied.rotate,
                                     sound=varied.sound):
        x = layer(x)
    return x


def _guess_data_kind(src: Any, shape: tuple[int, ...], dtype: str) -> str:
    """The source's data kind: word numbers, its augmentation layers, else its input rank."""
    if "int" in str(dtype):
        return "text"
    names = {layer.name for layer in src.layers}
    for name, kind in (("augment_sound_shift", "sound"), ("augment_sound_noise", "sound"),
                       ("augment_time_shift", "sequence"), ("augment_zoom", "images"),
                       ("augment_flip", "images"), ("augment_noise", "table")):
        if name in names:
            return kind
    if "channels" in names:  # the zoo's builders add a channel axis to (steps,), (h, w)
        shape = tuple(src.get_layer("channels").output.shape[1:])
    return {1: "table", 2: "sequence", 3: "images"}.get(len(shape), "table")


def _is_chain(src: Any, body: list[Any]) -> bool:
    """True when each layer of ``body`` takes exactly the previous one's output."""
    previous = src.inputs[0]
    try:
        for layer in body:
            if layer.input is not previous:
                return False
            previous = layer.output
    except (AttributeError, ValueError):  # a layer used twice has no single input
        return False
    return True
