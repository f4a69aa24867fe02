"""The PDF report, one module per section.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "calibration": ("calibration_section",),
    "compare": ("points_words",),
    "document": ("write_pdf",),
    "error_analysis": ("error_analysis_section",),
    "importance": ("importance_section",),
    "sections": ("runs_section",),
    "telemetry": ("replay_alerts",),
    "test_curves": ("final_curves_section",),
    "threshold": ("threshold_section",),
    "vault": ("vault_part",),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
