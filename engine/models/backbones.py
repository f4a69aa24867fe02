"""Pretrained image backbones of ``keras.applications``, with weights from the local cache only.

Practica never downloads during training. A backbone's ImageNet weights (without the top)
must already be in the Keras cache, ``$KERAS_HOME/models`` or ``~/.keras/models`` (where
``keras.applications.<Name>(include_top=False)`` puts them on a computer with internet
access). ``load_backbone`` checks the file first, builds the network with ``weights=None``
and then loads that file, so Keras has no reason to reach the network.

Only backbones that expect pixels centred on 0 (about -1..1, or standardized per channel)
are offered, because Practica's image coding standardizes each channel; backbones that
expect 0..255 pixels (ResNet50, VGG, EfficientNet) are left out. MobileNetV3 is built
without its own rescaling layer for the same reason.

Example:
    >>> weights_file("MobileNetV2", (160, 160))
    'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from engine.core.errors import ProjectError
from engine.core.texts import text


def _sized(template: str, sizes: tuple[int, ...]) -> Callable[[tuple[int, int]], str]:
    def name(side: tuple[int, int]) -> str:
        rows = side[0] if side[0] == side[1] and side[0] in sizes else 224
        return template.format(rows=rows)
    return name


def _fixed(file: str) -> Callable[[tuple[int, int]], str]:
    return lambda side: file


# name -> (weights file for a (height, width), extra constructor arguments)
BACKBONES: dict[str, tuple[Callable[[tuple[int, int]], str], dict[str, Any]]] = {
    "MobileNetV2": (_sized("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}"
                           "_no_top.h5", (96, 128, 160, 192, 224)), {}),
    "MobileNet": (_sized("mobilenet_1_0_{rows}_tf_no_top.h5", (128, 160, 192, 224)), {}),
    "MobileNetV3Small": (_fixed("weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5"),
                         {"include_preprocessing": False}),
    "MobileNetV3Large": (_fixed("weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5"),
                         {"include_preprocessing": False}),
    "ResNet50V2": (_fixed("resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5"), {}),
    "DenseNet121": (_fixed("densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5"), {}),
    "Xception": (_fixed("xception_weights_tf_dim_ordering_tf_kernels_notop.h5"), {}),
    "InceptionV3": (_fixed("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"), {}),
}


def cache_folders() -> list[Path]:
    """Where Keras keeps downloaded weights, read now (so a changed ``KERAS_HOME`` counts).

    Like ``keras.utils.get_file``: ``$KERAS_HOME/models`` (default ``~/.keras/models``),
    and ``/tmp/.keras/models`` when the Keras home cannot be written.

    Returns:
        The folders to look in, in order.

    Example:
        >>> cache_folders()[0].name
        'models'
    """
    home = Path(os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")))
    folders = [home / "models"]
    if not os.access(home, os.W_OK):
        folders.append(Path("/tmp/.keras/models"))
    return folders


def check_backbone(name: str) -> None:
    """Raise a ``ProjectError`` unless ``name`` is a backbone Practica offers.

    Args:
        name: a ``keras.applications`` name such as ``MobileNetV2``.

    Returns:
        None.
    """
    if name not in BACKBONES:
        raise ProjectError(text("transfer.unknown_backbone", name=name,
                                names=", ".join(BACKBONES)))


def weights_file(name: str, side: tuple[int, int]) -> str:
    """The file name of ``name``'s ImageNet weights without the top, for pictures ``side``.

    Args:
        name: a backbone of ``BACKBONES``.
        side: (height, width) of the pictures (some backbones have weights per size).

    Returns:
        The bare file name Keras caches it under.
    """
    check_backbone(name)
    return BACKBONES[name][0]((int(side[0]), int(side[1])))


def weights_path(name: str, side: tuple[int, int]) -> Path:
    """The cached weights file of backbone ``name``; a ``ProjectError`` when it is absent.

    Args:
        name: a backbone of ``BACKBONES``.
        side: (height, width) of the pictures.

    Returns:
        The path of the existing file.
    """
    file = weights_file(name, side)
    folders = cache_folders()
    for folder in folders:
        if (folder / file).is_file():
            return folder / file
    raise ProjectError(text("transfer.no_weights", name=name, file=file, folder=folders[0]))


def load_backbone(name: str, input_shape: tuple[int, int, int]) -> Any:
    """Backbone ``name`` without its top, for colour pictures ``input_shape``, with weights.

    Args:
        name: a backbone of ``BACKBONES``.
        input_shape: (height, width, 3).

    Returns:
        A ``keras.Model`` named ``base`` with its pretrained weights loaded from the cache.

    Use:
        load_backbone("MobileNetV2", (96, 96, 3)).output.shape
    """
    path = weights_path(name, input_shape[:2])  # before building: no file, no network
    import keras

    build = getattr(keras.applications, name)
    try:
        model = build(include_top=False, weights=None, input_shape=tuple(input_shape),
                      name="base", **BACKBONES[name][1])
    except ValueError as exc:
        raise ProjectError(text("transfer.bad_backbone", name=name, shape=tuple(input_shape),
                                reason=first_line(exc))) from exc
    try:
        model.load_weights(str(path))
    except Exception as exc:  # a damaged or mismatched file: say which one
        raise ProjectError(text("transfer.bad_weights", name=name, file=path,
                                reason=first_line(exc))) from exc
    return model


def first_line(exc: BaseException) -> str:
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return line if len(line) <= 160 else line[:157] + "..."
