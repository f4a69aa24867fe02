"""The job protocol: long work is a plain function ``job(request, progress, cancel) -> result``.

``request`` is a frozen ``JobRequest`` (each room's ``requests.py``); ``progress`` receives
small frozen event objects; ``cancel`` is checked often and stops the work early. Requests,
events and results turn into plain JSON-able dicts (``to_dict``; a request crosses the pipe
as ``encode_request``: its type's name and its fields), so the GUI can run a job in a child
process and relay its events, the CLI can print them, and tests can call the function
directly. One code path, three faces.
"""

from __future__ import annotations

import math
import threading
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Callable, Protocol


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class CancelToken:
    """Set by whoever wants the job to stop; the job checks it between batches.

    Any object with ``is_set()`` works as a token too (e.g. a ``multiprocessing.Event``).
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()


NEVER = CancelToken()


@dataclass(frozen=True)
class Event:
    """Base of progress events; ``to_dict`` adds the event type for the wire."""

    def to_dict(self) -> dict[str, Any]:
        return {"type": type(self).__name__, **asdict(self)}


@dataclass(frozen=True)
class StageStarted(Event):
    """A job moved to a new stage (``text`` is plain words for the user)."""

    stage: str
    text: str


@dataclass(frozen=True)
class EpochEnded(Event):
    """One training epoch finished; ``logs`` maps Keras log names to floats."""

    run_id: str
    epoch: int
    epochs: int
    logs: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchEnded(Event):
    """A training batch finished.

    Sent at most about 20 times a second (see ``engine.training.monitor.callbacks``): always for an
    epoch's first and last batch and for a loss that is not a number, otherwise only when
    50 ms have passed since the last one. ``step`` counts batches from the start of the
    run; ``loss`` is Keras' running mean over the epoch so far; ``batch_loss`` is this
    batch's own loss and ``smoothed`` its moving average (see ``engine.training.monitor.batch_loss``), exact
    even for the batches not sent; ``learning_rate`` is the optimizer's current learning
    rate, sent now and then only (None in between).
    """

    run_id: str
    step: int
    loss: float
    batch_loss: float = math.nan
    smoothed: float = math.nan
    learning_rate: float | None = None


@dataclass(frozen=True)
class TelemetrySampled(Event):
    """Statistics of a training run sampled every few steps (see ``engine.training.monitor.telemetry``).

    ``step`` is the training step (batch) the statistics describe, counted from the start
    of the run; ``epoch`` is 1-based. ``update_ratio`` maps each layer with a kernel to
    ``||W_after - W_before|| / ||W_before||`` over that step; ``grad_norm`` maps each layer
    to the L2 norm of its gradients at that step and ``global_grad_norm`` is the norm over
    all of them (None when the optimizer does not record gradients). ``activations`` maps
    layers to statistics of their outputs on a fixed probe batch (``mean``, ``std`` and,
    by activation, ``dead`` or ``saturated`` fractions); it is None when not probed this
    time.
    """

    run_id: str
    step: int
    epoch: int
    learning_rate: float | None = None
    update_ratio: dict[str, float] = field(default_factory=dict)
    grad_norm: dict[str, float] = field(default_factory=dict)
    global_grad_norm: float | None = None
    activations: dict[str, dict[str, float]] | None = None


@dataclass(frozen=True)
class FiltersSampled(Event):
    """The first convolution layer's filters at the end of an epoch (1-based).

    ``filters`` holds at most 32 filters, each a nested list ``[row][column][channel]`` of
    weights scaled together to [0, 1], ready to draw as small images.
    """

    run_id: str
    epoch: int
    layer: str
    filters: list = field(default_factory=list)


@dataclass(frozen=True)
class AlertRaised(Event):
    """Something looks wrong in a training run (see ``engine.training.monitor.alerts``).

    ``severity`` is ``"error"`` or ``"warning"``; ``text`` says in plain words what is wrong
    and what to do.
    """

    run_id: str
    code: str
    severity: str
    text: str


@dataclass(frozen=True)
class Progress(Event):
    """How far a job is: ``done`` of ``total`` units, with plain words for the user."""

    done: float
    total: float
    text: str = ""


@dataclass(frozen=True)
class RunFinished(Event):
    """A run was saved (finished or stopped early)."""

    run_id: str
    status: str


@dataclass(frozen=True)
class TrialEnded(Event):
    """A tuning trial ended (see ``engine.tuning.objective``).

    ``number`` counts trials from 1 (Optuna's number + 1, as the user sees them); ``state``
    is ``complete``, ``pruned`` or ``fail``; ``value`` is the trial's dev error
    (None unless complete); ``run_id`` names the run it trained ("" when none was saved).
    """

    number: int
    state: str
    value: float | None = None
    run_id: str = ""


ProgressFn = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """A progress callback that drops every event."""


EVENT_TYPES = {cls.__name__: cls for cls in (StageStarted, EpochEnded, BatchEnded, AlertRaised,
                                             Progress, RunFinished, TelemetrySampled,
                                             FiltersSampled, TrialEnded)}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event sent over a process boundary."""
    data = dict(data)
    cls = EVENT_TYPES[data.pop("type")]
    return cls(**data)


# ----- requests and results: what crosses the pipe for a job

REQUEST_TYPES: dict[str, type["JobRequest"]] = {}
"""Every request type by class name (filled as request modules are imported)."""


def _plain(value: Any) -> Any:
    """Tuples become lists, nested dataclasses dicts: JSON-able data only."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class JobRequest:
    """Base of the frozen request of every job (``engine.<room>.requests``).

    ``to_dict``/``from_dict`` give plain JSON-able data for the pipe; tuple fields come back
    as tuples. A subclass registers itself under its class name, which names the job on the
    wire (``encode_request``).
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        REQUEST_TYPES[cls.__name__] = cls

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "JobRequest":
        values = {}
        for f in fields(cls):
            if f.name in data:
                value = data[f.name]
                if isinstance(value, list) and isinstance(_default_of(f), tuple):
                    value = tuple(value)
                values[f.name] = value
        return cls(**values)


def _default_of(f) -> Any:
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return None


@dataclass(frozen=True)
class StepResult:
    """The result of a step that reports a plain dict (kept as the step returns it)."""

    payload: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.payload)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StepResult":
        return cls(dict(data or {}))


def encode_request(request: JobRequest) -> dict[str, Any]:
    """The request as the pipe carries it: its type's name and its fields."""
    return {"type": type(request).__name__, "args": request.to_dict()}


def decode_request(message: dict[str, Any]) -> JobRequest:
    """Rebuild a request sent by ``encode_request`` (its module must be imported).

    Raises:
        KeyError: no request type of that name.
    """
    return REQUEST_TYPES[message["type"]].from_dict(dict(message.get("args") or {}))


def job_name(request: JobRequest) -> str:
    """The job's short name, for words shown to the user: ``TuneRequest`` -> ``tune``,
    ``CheckFileRequest`` -> ``check_file``."""
    import re

    name = type(request).__name__.removesuffix("Request")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
