"""Step 3, the baseline: simple models first, then the deep model, after sanity checks that
it can learn at all (overfit a few rows, the initial loss, a learning-rate range test).
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("BaselinesRequest", "SanityRequest"),
    "lr_curve": ("CurveReading", "longest_descent", "read_curve", "smoothed"),
    "sanity_checks": ("SanityReport", "run_all"),
    "sanity_data": ("prior_loss", "uniform_loss"),
    "sanity_initial_loss": ("initial_loss_check",),
    "sanity_overfit": ("overfit_tiny_subset", "tiny_subset"),
    "sanity_result": ("CheckResult", "LrRangeResult"),
    "sanity_step": ("run_sanity",),
    "step": ("run_baselines",),
    "tree_verdict": ("trees_sentence",),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
