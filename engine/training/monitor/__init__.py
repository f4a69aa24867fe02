"""Watching a run train: the Keras callbacks, live telemetry, its digest and the alerts
in plain words.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "activation_stats": ("activation_kind", "layer_stats"),
    "alerts": ("Alert", "blown_up", "check_alerts", "non_finite_advice"),
    "batch_loss": ("BatchLossTracker",),
    "callbacks": ("MIN_EVENT_INTERVAL", "ProgressAndCancel"),
    "digest": ("DIGEST_FILE", "TelemetryDigest", "read_digest"),
    "health": ("MAX_UPDATE_RATIO", "MIN_UPDATE_RATIO", "health_notes"),
    "optimizer": ("OPTIMIZERS", "make_optimizer", "telemetry_class"),
    "telemetry": ("Telemetry", "layer_key"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
