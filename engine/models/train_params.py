"""How a Keras model is trained, as one plain dataclass shared by every model family.

The architecture lives in one dataclass per family (``engine.models.*_params``); this one
holds the optimizer, its learning-rate schedule, batches and epochs, early stopping, class
imbalance, augmentation and transfer learning. Reading or writing it never imports Keras.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from engine.core.errors import ProjectError
from engine.core.texts import text

OPTIMIZERS = ("sgd", "adam", "rmsprop", "adagrad", "adadelta", "nadam")
SCHEDULES = ("none", "step", "exponential", "inverse_time", "plateau", "warmup_cosine")
IMBALANCE = ("none", "class_weights", "oversample", "undersample")
MIXED_PRECISION = ("auto", "on", "off")
"""``mixed_precision``: on where the GPU gains from it (auto), asked for (on), or never."""
SOUND_CHANGES = ("noise", "shift", "stretch", "pitch", "crop")
"""The changes sound augmentation may make, each switched on or off by the setting
``sound_<change>`` (``engine.models.sound_augmentation``)."""
SOUND_SWITCHES = tuple(f"sound_{change}" for change in SOUND_CHANGES)
LABEL_KEEPING = ("flip_keeps_label", "rotate_keeps_label")
"""The user's word that a mirrored / turned picture keeps its label (see ``TrainParams``)."""
LIMITS: dict[str, tuple[float, float]] = {
    # the numbers a setting may take (both ends included), training and architecture alike;
    # the learning rate's are wide on purpose: a rate that blows the loss up is a lesson the
    # monitor explains (stop at the bad batch, advice), not a typing error
    "learning_rate": (1e-10, 1e6), "momentum": (0.0, 1.0), "batch_size": (1, 1_000_000),
    "epochs": (1, 1_000_000), "patience": (0, 1_000_000), "decay_epochs": (1, 1_000_000),
    "warmup_epochs": (0, 1_000_000), "augment": (0.0, 1.0), "dropout": (0.0, 0.95),
    "l2": (0.0, 10.0), "width": (1, 1_000_000), "depth": (1, 1000),
    "hard_examples": (0.0, 1.0),
}
"""Numbers the engine accepts per setting; the GUI checks what is typed with the same table
(``setting_problem``) before a job starts, the engine process when it reads the settings."""


def setting_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be the setting ``name`` (plain words), or None when it can
    (settings without limits are not checked here).

    Example:
        >>> setting_problem("learning_rate", 0.01) is None
        True
        >>> setting_problem("learning_rate", -0.1)
        'The learning rate must be between 1e-10 and 1e+06; -0.1 cannot be used.'
    """
    if name not in LIMITS or value is None or isinstance(value, bool):
        return None
    low, high = LIMITS[name]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isfinite(number) and low <= number <= high:
        return None
    return text("training.bad_setting", name=name.replace("_", " "), low=f"{low:g}",
                high=f"{high:g}", value=f"{value:g}" if math.isfinite(number) else str(value))


@dataclass(frozen=True)
class TrainParams:
    """Training settings.

    ``schedule``: ``step`` multiplies the rate by ``decay_rate`` every ``decay_epochs``;
    ``exponential`` does the same smoothly; ``inverse_time`` divides it by
    ``1 + decay_rate * epoch / decay_epochs``; ``plateau`` multiplies it by ``decay_rate``
    when the dev loss has not improved for ``decay_epochs``; ``warmup_cosine`` rises for
    ``warmup_epochs`` then follows a cosine down to zero at the last epoch.
    ``augment`` is the strength of data augmentation (0 = off, 1 = strong); it only makes
    changes that keep an example's label, unless the user says that a mirrored picture
    (``flip_keeps_label``) or a slightly turned one (``rotate_keeps_label``) keeps its
    label too: then image augmentation also flips (turns) the pictures. Both are off by
    default and where a saved run lacks them. Recordings take the changes switched on
    among ``sound_noise``, ``sound_shift`` (on by default), ``sound_stretch``,
    ``sound_pitch`` and ``sound_crop`` (off by default: a slower clip or a higher one may
    mean another class, as a machine running at another speed).
    ``transfer_from`` is a saved ``.keras`` model (or ``keras:<Name>`` for a backbone of
    ``keras.applications`` whose weights are in the local cache); its first
    ``freeze_layers`` layers are frozen (-1: all of them), or with ``transfer_rates`` they
    train at 1/100 (lower layers) and 1/10 (top layer) of the learning rate.
    ``hard_examples`` (0 = off, up to 1) shows the model more of the training rows it
    currently gets most wrong: after every epoch each training row's weight moves, by this
    strength, from 1 towards its loss divided by the mean loss (``engine.training.hard_examples``).
    ``mixed_precision`` (``auto``, ``on``, ``off``): 16-bit arithmetic with 32-bit weights,
    ``auto`` using it on a GPU that gains from it and never on the processor, where ``on``
    is refused with the reason (``engine.core.device``).

    Example:
        >>> TrainParams.from_dict({"optimizer": "sgd", "width": 8}).optimizer
        'sgd'
    """

    optimizer: str = "adam"
    learning_rate: float = 1e-3
    momentum: float = 0.9
    nesterov: bool = True
    schedule: str = "none"
    decay_rate: float = 0.5
    decay_epochs: int = 10
    warmup_epochs: int = 2
    batch_size: int = 32
    epochs: int = 100
    patience: int = 10
    seed: int = 0
    imbalance: str = "none"
    augment: float = 0.0
    flip_keeps_label: bool = False
    rotate_keeps_label: bool = False
    sound_noise: bool = True
    sound_shift: bool = True
    sound_stretch: bool = False
    sound_pitch: bool = False
    sound_crop: bool = False
    transfer_from: str = ""
    freeze_layers: int = 0
    transfer_rates: bool = False
    telemetry: bool = True
    clip_norm: float = 0.0
    hard_examples: float = 0.0
    mixed_precision: str = "auto"

    def __post_init__(self) -> None:
        """Raises ``ProjectError`` (plain words) for a setting the engine cannot use."""
        for name, allowed in (("optimizer", OPTIMIZERS), ("schedule", SCHEDULES),
                              ("imbalance", IMBALANCE)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")
        object.__setattr__(self, "clip_norm", _clip_norm(self.clip_norm))
        object.__setattr__(self, "mixed_precision", _mixed_precision(self.mixed_precision))
        for name in (*LABEL_KEEPING, *SOUND_SWITCHES):  # a typo must not flip
            if not isinstance(getattr(self, name), bool):
                raise ProjectError(text("training.not_yes_no", name=name,
                                        value=getattr(self, name)))
        for f in fields(self):
            problem = setting_problem(f.name, getattr(self, f.name))
            if problem:
                raise ProjectError(problem)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainParams":
        """Keep the keys this class knows (a run's params also hold the architecture)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def _clip_norm(raw: Any) -> float:
    """``clip_norm`` as a number: the most the norm of all gradients together may be at a
    step (the advice when a loss blows up); 0 turns clipping off.

    Raises:
        ProjectError: the value is not a number, or is negative.
    """
    try:
        value = float(raw or 0)
    except (TypeError, ValueError):
        raise ProjectError(text("faults.bad_clip_norm")) from None
    if not math.isfinite(value) or value < 0:
        raise ProjectError(text("faults.bad_clip_norm"))
    return value


def _mixed_precision(raw: Any) -> str:
    """``mixed_precision`` as ``auto``, ``on`` or ``off`` (yes/no words become on/off)."""
    value = {True: "on", False: "off"}.get(raw, raw) if isinstance(raw, bool) else raw
    value = str(value or "auto").strip().lower()
    if value not in MIXED_PRECISION:
        raise ProjectError(text("device.bad_mixed", value=raw))
    return value


def label_keeping(params: dict[str, Any]) -> dict[str, bool]:
    """What the user said in a run's settings about the changes that keep a label: of
    mirrored and turned pictures only the statements made (true), and the sound changes
    the run switched on or off, so runs made from them allow what that run allowed and no
    more.

    Example:
        >>> label_keeping({"flip_keeps_label": True, "rotate_keeps_label": False, "width": 8})
        {'flip_keeps_label': True}
        >>> label_keeping({"sound_pitch": True, "sound_noise": False})
        {'sound_noise': False, 'sound_pitch': True}
    """
    said = {name: True for name in LABEL_KEEPING if params.get(name) is True}
    said.update({name: params[name] for name in SOUND_SWITCHES
                 if isinstance(params.get(name), bool)})
    return said


def sound_changes(params: dict[str, Any] | None) -> tuple[str, ...]:
    """The sound changes switched on in a run's settings (``TrainParams``' defaults where
    a setting is absent), in ``SOUND_CHANGES`` order.

    Example:
        >>> sound_changes({}), sound_changes({"sound_pitch": True, "sound_noise": False})
        (('noise', 'shift'), ('shift', 'pitch'))
    """
    defaults = TrainParams()
    return tuple(change for change in SOUND_CHANGES
                 if (params or {}).get(f"sound_{change}",
                                       getattr(defaults, f"sound_{change}")) is True)


def params_problem(params: dict[str, Any]) -> str | None:
    """The first reason a run's settings (training and architecture keys together, as the
    Baseline page sends them) cannot be used, in plain words; None when they can. The
    engine process checks the same when it builds ``TrainParams``.

    Example:
        >>> params_problem({"learning_rate": 0.01, "width": 32}) is None
        True
    """
    for name, value in params.items():
        problem = setting_problem(name, value)
        if problem:
            return problem
    try:
        TrainParams.from_dict(params)
    except (ProjectError, ValueError) as exc:
        return str(exc)
    return None
