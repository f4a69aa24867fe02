"""Reading a telemetry sample in plain words: what looks unhealthy and what to do.

Rules of thumb for a ``TelemetrySampled`` (see ``engine.training.monitor.telemetry``):

* the update ratio ``||dW|| / ||W||`` of a layer is healthy around 1e-3; below 1e-5 the
  layer hardly learns, above 1e-1 the steps are too large;
* more than half of a ReLU layer's units dead (0 for every probe row), or more than half of
  a tanh/sigmoid layer's outputs saturated, blocks the learning signal;
* a global gradient norm below 1e-7 has vanished, above 1e3 has exploded.

Each note names the layers concerned; the texts live in ``resources/help/telemetry.toml``.

Example:
    >>> sample = TelemetrySampled("r", 10, 1, 0.1, {"dense": 0.5}, {}, 1.0)
    >>> [code for code, severity, _ in health_notes(sample)]
    ['update_too_large']
"""

from __future__ import annotations

from engine.core.jobs import TelemetrySampled
from engine.core.texts import text

UPDATE_TOO_SMALL = "update_too_small"
UPDATE_TOO_LARGE = "update_too_large"
DEAD_RELU = "dead_relu"
SATURATED = "saturated"
VANISHING = "vanishing"
EXPLODING = "exploding"

MIN_UPDATE_RATIO = 1e-5
MAX_UPDATE_RATIO = 1e-1
MAX_DEAD = 0.5
MAX_SATURATED = 0.5
MIN_GRAD_NORM = 1e-7
MAX_GRAD_NORM = 1e3


def _layers(names: list[str]) -> str:
    if len(names) == 1:
        return text("telemetry.one_layer", name=names[0])
    rest = ", ".join(text("telemetry.quoted", name=n) for n in names[:-1])
    return text("telemetry.many_layers", names=rest, last=names[-1])


def _note(code: str, severity: str, found: dict[str, float], worst) -> tuple[str, str, str]:
    names = sorted(found)
    value = worst(found.values())
    return code, severity, text(f"telemetry.{code}", layers=_layers(names), value=f"{value:.2g}")


def health_notes(sample: TelemetrySampled) -> list[tuple[str, str, str]]:
    """The problems a telemetry sample shows, each with advice.

    Args:
        sample: one ``TelemetrySampled`` event.

    Returns:
        ``(code, severity, text)`` tuples, at most one per code, most serious first;
        ``severity`` is ``"warning"``. Codes: ``exploding``, ``vanishing``,
        ``update_too_large``, ``update_too_small``, ``dead_relu``, ``saturated``.
    """
    notes = []
    total = sample.global_grad_norm
    if total is not None and total > MAX_GRAD_NORM:
        notes.append((EXPLODING, "warning", text("telemetry.exploding", value=f"{total:.2g}")))
    elif total is not None and total < MIN_GRAD_NORM:
        notes.append((VANISHING, "warning", text("telemetry.vanishing", value=f"{total:.2g}")))
    large = {k: r for k, r in sample.update_ratio.items() if r > MAX_UPDATE_RATIO}
    small = {k: r for k, r in sample.update_ratio.items() if r < MIN_UPDATE_RATIO}
    if large:
        notes.append(_note(UPDATE_TOO_LARGE, "warning", large, max))
    if small:
        notes.append(_note(UPDATE_TOO_SMALL, "warning", small, min))
    activations = sample.activations or {}
    dead = {k: s["dead"] for k, s in activations.items() if s.get("dead", 0.0) > MAX_DEAD}
    saturated = {k: s["saturated"] for k, s in activations.items()
                 if s.get("saturated", 0.0) > MAX_SATURATED}
    if dead:
        notes.append(_note(DEAD_RELU, "warning", dead, max))
    if saturated:
        notes.append(_note(SATURATED, "warning", saturated, max))
    return notes
