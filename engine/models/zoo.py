"""The model zoo: which Keras model families fit which kind of data, and how to build one.

Kinds and the data they are for:

- ``mlp`` (``table``): dense layers (``engine.models.mlp``);
- ``cnn`` (``images``): small convolutional network (``engine.models.cnn``);
- ``sound_cnn`` (``sound``): the same network over a log-mel spectrogram it computes
  itself (``engine.models.cnn``);
- ``conv1d``, ``gru``, ``lstm`` (``sequence``): one ``SequenceParams`` with ``cell`` fixed
  by the kind (``engine.models.sequence_model``);
- ``text_pool``, ``text_conv`` (``text``): one ``TextParams`` with ``encoder`` fixed by the
  kind (``engine.models.text_model``).

Importing this module does not import Keras: the builders are named as ``module:function``
and imported when a model is built, so the GUI can list families cheaply.

Example:
    >>> kinds_for("sequence"), default_kind("images")
    (('conv1d', 'gru', 'lstm'), 'cnn')
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import Any, Callable

from engine.core.errors import ProjectError
from engine.models.arch_params import ArchParams
from engine.models.cnn_params import CnnParams, SoundCnnParams
from engine.models.mlp_params import MlpParams
from engine.models.sequence_params import SequenceParams
from engine.models.text_params import TextParams
from engine.models.train_params import sound_changes
from engine.core.texts import text
from engine.kinds.registry import DATA_KINDS, data_kind as kind_named


@dataclass(frozen=True)
class Family:
    """One model family of the zoo.

    Args:
        kind: the family's name (``mlp``, ``cnn``, ``gru``, ...).
        data_kind: the data it is for (``table``, ``images``, ``sequence``, ``text``).
        params: its architecture dataclass.
        builder: ``module:function`` of its builder, imported on first use.
        fixed: architecture fields the kind sets, as ``(name, value)`` pairs.

    Example:
        >>> FAMILIES["gru"].fixed
        (('cell', 'gru'),)
    """

    kind: str
    data_kind: str
    params: type
    builder: str
    fixed: tuple[tuple[str, Any], ...]

    def build_function(self) -> Callable[..., Any]:
        """The builder function, imported now (this imports Keras).

        Returns:
            The callable named by ``builder``.
        """
        module, name = self.builder.split(":")
        return getattr(importlib.import_module(module), name)

    def describe(self) -> str:
        """One plain sentence on what this family is and when it fits.

        Returns:
            The text ``models.about_<kind>``.
        """
        return text(f"models.about_{self.kind}")


def _family(kind: str, data_kind: str, params: type, builder: str, **fixed: Any) -> Family:
    return Family(kind, data_kind, params, f"engine.models.{builder}", tuple(fixed.items()))


FAMILIES: dict[str, Family] = {f.kind: f for f in (
    _family("mlp", "table", MlpParams, "mlp:build_mlp"),
    _family("cnn", "images", CnnParams, "cnn:build_cnn"),
    _family("sound_cnn", "sound", SoundCnnParams, "cnn:build_sound_cnn"),
    _family("conv1d", "sequence", SequenceParams, "sequence_model:build_sequence_model",
            cell="conv1d"),
    _family("gru", "sequence", SequenceParams, "sequence_model:build_sequence_model",
            cell="gru"),
    _family("lstm", "sequence", SequenceParams, "sequence_model:build_sequence_model",
            cell="lstm"),
    _family("text_pool", "text", TextParams, "text_model:build_text_model", encoder="pool"),
    _family("text_conv", "text", TextParams, "text_model:build_text_model",
            encoder="conv1d"),
)}

DEFAULT_KINDS = {name: kind_named(name).default_family for name in DATA_KINDS}
"""The family to start with for each data kind (the kinds' ``default_family``)."""


def is_keras_kind(kind: str) -> bool:
    """True when ``kind`` is a Keras family of the zoo (not a scikit-learn baseline).

    Args:
        kind: a model kind (``mlp``, ``majority``, ...).

    Returns:
        Whether the zoo builds it.

    Example:
        >>> is_keras_kind("gru"), is_keras_kind("linear")
        (True, False)
    """
    return kind in FAMILIES


def family(kind: str) -> Family:
    """The family of ``kind``; a ``ProjectError`` when the zoo has none by that name.

    Args:
        kind: a zoo kind.

    Returns:
        Its ``Family``.
    """
    try:
        return FAMILIES[kind]
    except KeyError:
        raise ProjectError(text("models.unknown_kind", kind=kind,
                                kinds=", ".join(FAMILIES))) from None


def kind_label(kind: str, task: str, params: dict[str, Any] | None = None) -> str:
    """Plain words for model ``kind``, as a run of it would be labelled: the baselines'
    names (``Logistic regression``, ``Boosted trees (LightGBM)``) and, for a network, the
    label of its architecture with ``params`` (the defaults when None); an unknown kind is
    returned as it is.

    Example:
        >>> kind_label("mlp", "classification"), kind_label("linear", "regression")
        ('Keras MLP, 2 x 64', 'Ridge regression')
    """
    if is_keras_kind(kind):
        return arch_params(kind, params or {}).label()
    if kind in ("majority", "linear", "boosted"):
        # text keys: model.{majority,linear,boosted}_{classification,regression}
        return text(f"model.{kind}_{'regression' if task == 'regression' else 'classification'}")
    return kind


def kinds_for(data_kind: str) -> tuple[str, ...]:
    """The zoo kinds that fit ``data_kind``, the default first.

    Args:
        data_kind: ``table``, ``images``, ``sequence`` or ``text``.

    Returns:
        The kinds (empty for an unknown data kind).

    Example:
        >>> kinds_for("text")
        ('text_pool', 'text_conv')
    """
    return tuple(k for k, f in FAMILIES.items() if f.data_kind == data_kind)


def default_kind(data_kind: str) -> str:
    """The family to start with for ``data_kind``: mlp, cnn, conv1d or text_pool.

    Args:
        data_kind: ``table``, ``images``, ``sequence`` or ``text``.

    Returns:
        The kind.

    Example:
        >>> default_kind("table")
        'mlp'
    """
    try:
        return DEFAULT_KINDS[data_kind]
    except KeyError:
        raise ProjectError(text("models.unknown_data_kind", data_kind=data_kind,
                                kinds=", ".join(DEFAULT_KINDS))) from None


def arch_params(kind: str, params: dict[str, Any] | None) -> ArchParams:
    """The architecture dataclass of ``kind`` from a flat dict that may hold training keys.

    Args:
        kind: a zoo kind.
        params: architecture and training settings; unknown keys are ignored and the
            fields the kind fixes (``cell``, ``encoder``) are set by the kind.

    Returns:
        An instance of the family's dataclass.

    Example:
        >>> arch_params("lstm", {"width": 16, "epochs": 3, "cell": "gru"}).cell
        'lstm'
    """
    fam = family(kind)
    arch = fam.params.from_dict(params)
    return replace(arch, **dict(fam.fixed)) if fam.fixed else arch


def build_model(kind: str, input_shape: tuple[int, ...] | int, task: str, n_classes: int,
                params: dict[str, Any] | None, augment: float = 0.0,
                vocab_size: int | None = None,
                vocabulary: tuple[str, ...] | None = None) -> Any:
    """Build the uncompiled Keras model of ``kind`` for one example shape and a task.

    Args:
        kind: a zoo kind.
        input_shape: one example's shape without the batch axis.
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        params: architecture and training settings in one flat dict (its ``seed``, if
            any, seeds the augmentation; its ``flip_keeps_label`` and
            ``rotate_keeps_label``, when true, let image augmentation mirror and turn
            the pictures; its ``sound_*`` switches pick the changes of sound
            augmentation).
        augment: augmentation strength, 0 (none) to 1 (strong); text has none.
        vocab_size: word numbers of a text model (needed for ``text_*`` kinds).
        vocabulary: a text model's words (needed with ``word_vectors`` pretrained).

    Returns:
        An uncompiled ``keras.Model``.

    Use:
        build_model("mlp", (5,), "binary", 2, {"width": 8}).output.shape
    """
    fam = family(kind)
    arch = arch_params(kind, params)
    seed = (params or {}).get("seed")
    build = fam.build_function()
    if kind_named(fam.data_kind).word_inputs:
        if vocab_size is None:
            raise ValueError("text models need vocab_size")
        return build(input_shape, task, n_classes, arch, vocab_size=vocab_size,
                     vocabulary=vocabulary)
    if kind_named(fam.data_kind).augmentation == "image":  # the only kind that can mirror
        return build(input_shape, task, n_classes, arch, augment=augment, seed=seed,
                     flip=(params or {}).get("flip_keeps_label") is True,
                     rotate=(params or {}).get("rotate_keeps_label") is True)
    if kind_named(fam.data_kind).augmentation == "sound":
        return build(input_shape, task, n_classes, arch, augment=augment, seed=seed,
                     sound=sound_changes(params))
    return build(input_shape, task, n_classes, arch, augment=augment, seed=seed)
