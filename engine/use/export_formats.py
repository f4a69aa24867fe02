"""Which formats an export can hold for a model, and why a format cannot be made.

Light on purpose (no TensorFlow, no ONNX import): the Use page and the CLI ask it before
any work. A format is made only for a Keras network (on every backend: elsewhere than on
TensorFlow a TensorFlow child process writes it, ``engine.use.tensorflow_formats``), except
the ``.keras`` file (or a baseline's JSON, an ensemble's members), which every export holds
because ``practica predict`` reads it. ONNX needs ``tf2onnx``, ``onnx`` and
``onnxruntime`` (Practica's dependencies; a format is greyed out with the reason where one
is missing); LiteRT is checked with ``ai-edge-litert``, or else TensorFlow's own
``tf.lite``.

Example:
    >>> unavailable("boosted")["onnx"].startswith("Only")
    True
    >>> chosen_formats("keras,onnx")
    ('keras', 'onnx')
"""

from __future__ import annotations

import importlib.util

from engine.core.errors import ProjectError
from engine.core.texts import text

KERAS, SAVED_MODEL, ONNX, LITERT = "keras", "savedmodel", "onnx", "litert"
FORMATS = (KERAS, SAVED_MODEL, ONNX, LITERT)
"""Every format, in the order exports list them; ``keras`` is always written."""

# The packages each runtime format needs (module names), beside TensorFlow.
NEEDS = {ONNX: ("tf2onnx", "onnx", "onnxruntime"), LITERT: ()}
NETWORK_FREE = ("majority", "linear", "boosted")  # engine.models.simple_baselines.KINDS
# Networks whose layers a format's converter cannot write (measured: tf2onnx 1.17 writes the
# sound network's spectrogram as an RFFT node that ONNX Runtime 1.32 refuses to load).
NOT_CONVERTED = {("sound_cnn", "onnx"): "export_formats.sound_onnx"}
ENSEMBLE = "ensemble"


def unavailable(model: str) -> dict[str, str]:
    """The formats that cannot be made for a model of kind ``model``, each with the plain
    reason why; the others can be made."""
    out: dict[str, str] = {}
    for fmt in FORMATS[1:]:
        if model == ENSEMBLE:
            out[fmt] = text("export_formats.ensemble")
        elif model in NETWORK_FREE:
            out[fmt] = text("export_formats.not_network")
        elif (model, fmt) in NOT_CONVERTED:
            out[fmt] = text(NOT_CONVERTED[model, fmt])
        else:
            missing = [m for m in NEEDS.get(fmt, ()) if importlib.util.find_spec(m) is None]
            if missing:
                out[fmt] = text("export_formats.missing", packages=", ".join(missing))
    return out


def format_name(fmt: str) -> str:
    """The plain name of a format, e.g. 'LiteRT (TensorFlow Lite)'."""
    # text keys: export_formats.name_{keras,savedmodel,onnx,litert}
    return text(f"export_formats.name_{fmt}")


def chosen_formats(words: str | None) -> tuple[str, ...]:
    """The formats named in ``words`` (``"keras,onnx"``; empty: all of them), ``keras``
    always among them, in ``FORMATS`` order.

    Raises:
        ProjectError: a name that is not a format.
    """
    if not words or not words.strip():
        return FORMATS
    names = {w.strip().lower().replace("_", "").replace("tflite", LITERT)
             for w in words.split(",") if w.strip()}
    wrong = sorted(names - set(FORMATS))
    if wrong:
        raise ProjectError(text("export_formats.unknown", names=", ".join(wrong),
                                valid=", ".join(FORMATS)))
    return tuple(f for f in FORMATS if f in names or f == KERAS)
