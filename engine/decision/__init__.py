"""How the chosen model answers, fixed on the dev rows before the vault opens: calibration
of its probabilities and the decision threshold of a yes/no task (applied everywhere by
``engine.goal.decision``; recorded as ``Project.decision_rule``).
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "calibration": ("calibrate_run", "calibration_lines", "CalibrationResult"),
    "calibration_maps": ("cross_fitted", "fit_params"),
    "cost_answers": ("CostAnswersResult", "describe_cost_answers", "set_cost_answers"),
    "reliability": ("expected_calibration_error", "reliability_bins"),
    "requests": ("CalibrateRequest", "ThresholdRequest"),
    "threshold": ("RULES", "ThresholdError", "ThresholdResult", "choose", "describe_choice",
                  "dev_probabilities", "load_curve", "set_threshold"),
    "threshold_curve": ("ThresholdCurve", "threshold_counts", "figures_at"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
